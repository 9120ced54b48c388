package st2_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
)

func TestReRunAndValidation(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	opts := st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 10 * time.Second}}
	ex, err := c.Executions.RunAndWait(ctx, "core.echo", map[string]any{"message": "one"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Executions.ReRun(ctx, ex.ID, st2.ReRunOptions{Parameters: map[string]any{"message": "two"}})
	if err != nil {
		t.Fatalf("ReRun: %v", err)
	}
	if again.ID == ex.ID || again.Parameters["message"] != "two" {
		t.Fatalf("re-run: %+v", again.Parameters)
	}
	if _, err := c.Executions.ReRun(ctx, ex.ID, st2.ReRunOptions{Tasks: []string{"a"}, NoReset: []string{"b"}}); err == nil {
		t.Fatal("no-reset of a task not re-run was accepted")
	}
	last, err := c.Executions.Get(ctx, "last")
	if err != nil || last.ID != again.ID {
		t.Fatalf("last: %v %v", last.ID, err)
	}
	kids, err := c.Executions.Children(ctx, ex.ID, -1)
	if err != nil || len(kids) != 0 {
		t.Fatalf("children of a plain action: %d %v", len(kids), err)
	}
	if _, err := c.Executions.Run(ctx, "core.no_such_action", nil); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("unknown action: %v", err)
	}
	if _, err := c.Executions.Get(ctx, "a/b"); err == nil {
		t.Fatal("a slash in an id was sent")
	}
	if _, err := c.Executions.Pause(ctx, ex.ID); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("pause of a finished execution: %v", err)
	}
}

func TestUnsupportedOperations(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	if err := c.Packs.Delete(t.Context(), "core"); !errors.Is(err, st2.ErrUnsupported) {
		t.Fatalf("pack delete: %v", err)
	}
	if _, err := c.Rules.Page(t.Context(), st2.RuleListOptions{}, 10, 10); !errors.Is(err, st2.ErrUnsupported) {
		t.Fatalf("rules offset: %v", err)
	}
}
