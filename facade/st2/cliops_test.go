package st2_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// Re-emitting a trigger instance dispatches its payload again: a second
// instance of the same trigger appears, pointing back at the first.
func TestReEmitTriggerInstance(t *testing.T) {
	srv := newServer(t, st2test.WithDemoData())
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := c.Webhooks.PostTrigger(ctx, "core.st2.webhook", map[string]any{"message": "ping"}, st2.PostOptions{}); err != nil {
		t.Fatal(err)
	}
	first, err := c.TriggerInstances.Query(ctx, st2.TriggerInstanceListOptions{})
	if err != nil || len(first) != 1 {
		t.Fatalf("instances %+v, %v", first, err)
	}
	res, err := c.ReEmitTriggerInstance(ctx, first[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, first[0].ID) || res.Payload["message"] != "ping" {
		t.Fatalf("re-emit answered %+v", res)
	}
	all, err := c.TriggerInstances.Query(ctx, st2.TriggerInstanceListOptions{})
	if err != nil || len(all) != 2 {
		t.Fatalf("after re-emit: %+v, %v", all, err)
	}
	if _, err := c.ReEmitTriggerInstance(ctx, "000000000000000000000000"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("missing instance: %v", err)
	}
	var ce *facade.ConfigError
	if _, err := c.ReEmitTriggerInstance(ctx, "a/b"); !errors.As(err, &ce) {
		t.Fatalf("bad id: %v", err)
	}
}

// Search and Show read the demo pack index.
func TestPackSearchAndShow(t *testing.T) {
	srv := newServer(t, st2test.WithDemoData())
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	found, err := c.Packs.Search(ctx, "slack")
	if err != nil || len(found) != 1 || found[0]["name"] != "slack" {
		t.Fatalf("search slack: %v, %v", found, err)
	}
	if found, err := c.Packs.Search(ctx, "no-such-thing"); err != nil || len(found) != 0 {
		t.Fatalf("search nothing: %v, %v", found, err)
	}
	p, ok, err := c.Packs.Show(ctx, "github")
	if err != nil || !ok || p["ref"] != "github" {
		t.Fatalf("show github: %v, %v, %v", p, ok, err)
	}
	if _, ok, err := c.Packs.Show(ctx, "nope"); err != nil || ok {
		t.Fatalf("show nope: %v, %v", ok, err)
	}
	var ce *facade.ConfigError
	if _, err := c.Packs.Search(ctx, ""); !errors.As(err, &ce) {
		t.Fatalf("empty query: %v", err)
	}
	if _, _, err := c.Packs.Show(ctx, ""); !errors.As(err, &ce) {
		t.Fatalf("empty name: %v", err)
	}
}

// CreateRaw and UpdateRaw send the document as is: the server's answer
// comes back whole, and a field the server does not know is its 400.
func TestCreateAndUpdateRaw(t *testing.T) {
	srv := newServer(t, st2test.WithDemoData())
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	body := `{"name": "raw", "pack": "examples", "resource_ref": "examples.greet", "policy_type": "action.retry", "parameters": {"retry_on": "failure", "max_retry_count": 1}}`
	raw, err := c.CreateRaw(ctx, st2.RawPolicies, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil || got["ref"] != "examples.raw" || got["id"] == "" {
		t.Fatalf("created %s, %v", raw, err)
	}
	id, _ := got["id"].(string)
	got["enabled"] = false
	upd, _ := json.Marshal(got)
	raw, err = c.UpdateRaw(ctx, st2.RawPolicies, id, upd)
	if err != nil || !strings.Contains(string(raw), `"enabled": false`) && !strings.Contains(string(raw), `"enabled":false`) {
		t.Fatalf("updated %s, %v", raw, err)
	}
	if _, err := c.CreateRaw(ctx, st2.RawRules, []byte(`{"name": "x", "trigger": {"type": "core.st2.webhook"}, "action": {"ref": "core.echo"}, "bogus": 1}`)); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("unknown field: %v", err)
	}
	if _, err := c.UpdateRaw(ctx, st2.RawRules, "nope.missing", []byte(`{"name": "x"}`)); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("missing rule: %v", err)
	}
	if _, err := c.CreateRaw(ctx, st2.RawSensors, []byte(`{}`)); !errors.Is(err, st2.ErrUnsupported) {
		t.Fatalf("create sensor: %v", err)
	}
	if _, err := c.UpdateRaw(ctx, st2.RawKind("nope"), "x", []byte(`{}`)); !errors.Is(err, st2.ErrUnsupported) {
		t.Fatalf("unknown kind: %v", err)
	}
	var ce *facade.ConfigError
	if _, err := c.UpdateRaw(ctx, st2.RawRules, "a/b", []byte(`{}`)); !errors.As(err, &ce) {
		t.Fatalf("bad id: %v", err)
	}
}
