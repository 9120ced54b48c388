//go:build live

package st2_test

// The live test runs actions and writes keys on a real StackStorm, so
// point it at a disposable one. It is configured by the st2 CLI's own
// variables only (the config file only when ST2_CONFIG_FILE names one):
//
//	ST2_BASE_URL=https://st2.example ST2_API_KEY=… \
//	    go test -tags live -run Live -v ./facade/st2/
//
// or ST2_AUTH_URL/ST2_API_URL/ST2_STREAM_URL behind a proxy, and
// ST2_AUTH_TOKEN instead of ST2_API_KEY. Set ST2_LIVE_INSECURE=1 to accept
// a self-signed certificate. `make live-sandbox` runs it against
// `switchboard sandbox serve st2`.

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
)

func liveClient(t *testing.T) *st2.Client {
	t.Helper()
	if os.Getenv(st2.EnvBaseURL) == "" && os.Getenv(st2.EnvAPIURL) == "" {
		t.Skip("live test: set ST2_BASE_URL (or ST2_AUTH_URL, ST2_API_URL, ST2_STREAM_URL) and ST2_API_KEY or ST2_AUTH_TOKEN")
	}
	cfg, err := st2.LoadConfig(st2.Config{SkipConfig: os.Getenv(st2.EnvConfigFile) == ""})
	if err != nil {
		t.Fatal(err)
	}
	opts := []facade.Option{facade.WithTimeout(time.Minute)}
	if os.Getenv("ST2_LIVE_INSECURE") == "1" {
		opts = append(opts, facade.WithInsecureSkipVerify())
	}
	c, err := st2.New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLive(t *testing.T) {
	c := liveClient(t)
	ctx := t.Context()

	v, err := c.Version(ctx)
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	me, err := c.WhoAmI(ctx)
	if err != nil {
		t.Fatalf("whoami: %v", err)
	}
	t.Logf("st2 %s as %s (%s)", v, me.Username, me.Authentication.Method)

	n, err := c.Actions.Count(ctx, st2.ActionListOptions{Pack: st2.String("core")})
	if err != nil || n == 0 {
		t.Fatalf("core actions: %d %v", n, err)
	}
	listed := 0
	for _, err := range c.Actions.List(ctx, st2.ActionListOptions{Pack: st2.String("core")}) {
		if err != nil {
			t.Fatal(err)
		}
		listed++
	}
	if listed != n {
		t.Fatalf("listed %d of %d core actions", listed, n)
	}
	if _, err := c.Actions.Get(ctx, "core.no_such_action_"+fmt.Sprint(time.Now().UnixNano())); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("missing action: %v", err)
	}

	wait := st2.WaitOptions{WaitOptions: facade.WaitOptions{Timeout: 2 * time.Minute}}
	ex, err := c.Executions.Run(ctx, "core.echo", map[string]any{"message": "switchboard live"})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var tail strings.Builder
	for out, err := range c.Executions.Tail(ctx, ex.ID, st2.OutputAll) {
		if err != nil {
			t.Fatalf("tail: %v", err)
		}
		tail.WriteString(out.Data)
	}
	done, err := c.Executions.Wait(ctx, ex.ID, wait)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if !strings.Contains(tail.String(), "switchboard live") {
		t.Errorf("tail: %q", tail.String())
	}
	out, err := c.Executions.Output(ctx, done.ID, st2.OutputStdout)
	if err != nil || !strings.Contains(out, "switchboard live") {
		t.Errorf("output %q %v", out, err)
	}
	if _, err := c.Executions.Cancel(ctx, done.ID); !errors.Is(err, st2.ErrNotCancelable) {
		t.Errorf("cancel of a finished execution: %v", err)
	}
	// Every execution started by hand gets a trace (tag execution-<liveaction id>).
	if trs, err := c.Traces.Query(ctx, st2.TraceListOptions{Execution: &done.ID}); err != nil || len(trs) != 1 {
		t.Errorf("trace of the execution: %d %v", len(trs), err)
	}

	// Read-only calls of the other resources: they must answer and decode.
	for _, err := range c.Webhooks.List(ctx, struct{}{}) {
		if err != nil {
			t.Fatalf("webhooks: %v", err)
		}
	}
	if _, err := c.Timers.Query(ctx, st2.TimerListOptions{}); err != nil {
		t.Fatalf("timers: %v", err)
	}
	if _, err := c.RuleEnforcements.Page(ctx, st2.RuleEnforcementListOptions{}, 5, 0); err != nil {
		t.Fatalf("rule enforcements: %v", err)
	}
	if _, err := c.PackConfigs.Page(ctx, st2.PackConfigListOptions{}, 5, 0); err != nil {
		t.Fatalf("pack configs: %v", err)
	}
	if err := c.Webhooks.Post(ctx, fmt.Sprintf("switchboard-live-%d/none", time.Now().UnixNano()), map[string]any{}, st2.PostOptions{}); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("post to an unregistered hook: %v", err)
	}

	name := fmt.Sprintf("switchboard_live_%d", time.Now().UnixNano())
	if _, err := c.Keys.Set(ctx, st2.KeyValuePairSet{Name: name, Value: "v1", TTL: 600}); err != nil {
		t.Fatalf("key set: %v", err)
	}
	t.Cleanup(func() { _ = c.Keys.Delete(t.Context(), name, st2.KeyOptions{}) })
	kv, err := c.Keys.Get(ctx, name, st2.KeyOptions{})
	if err != nil || kv.Value != "v1" {
		t.Fatalf("key get: %+v %v", kv, err)
	}
	if err := c.Keys.Delete(ctx, name, st2.KeyOptions{}); err != nil {
		t.Fatalf("key delete: %v", err)
	}
	if _, err := c.Keys.Get(ctx, name, st2.KeyOptions{}); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
}
