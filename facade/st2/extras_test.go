package st2_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

func waitFast() st2.WaitOptions {
	return st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 20 * time.Second}}
}

// A post to the demo echo hook fires its rule: the enforcement, the
// execution it started and the trace tying them all can be read back.
func TestWebhookFiresRule(t *testing.T) {
	srv := newServer(t, st2test.WithDemoData())
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	hooks, err := c.Webhooks.Query(ctx, struct{}{})
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhooks %v, %v", hooks, err)
	}
	h, err := c.Webhooks.Get(ctx, "echo")
	if err != nil || h.Parameters["url"] != "echo" || h.Type != "core.st2.webhook" {
		t.Fatalf("get echo: %+v, %v", h, err)
	}
	if _, err := c.Webhooks.Get(ctx, "nope"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("get nope: %v", err)
	}
	if err := c.Webhooks.Post(ctx, "echo", map[string]any{"message": "ping"}, st2.PostOptions{TraceTag: "ping-1"}); err != nil {
		t.Fatal(err)
	}
	// The rule's criterion is "exists" (no pattern): a body without
	// message fires nothing.
	if err := c.Webhooks.Post(ctx, "/echo/", map[string]any{"other": 1}, st2.PostOptions{}); err != nil {
		t.Fatal(err)
	}
	enfs, err := c.RuleEnforcements.Query(ctx, st2.RuleEnforcementListOptions{RuleRef: st2.String("examples.webhook_echo")})
	if err != nil || len(enfs) != 1 {
		t.Fatalf("enforcements %+v, %v", enfs, err)
	}
	e := enfs[0]
	if e.Status != "succeeded" || e.ExecutionID == "" || e.TriggerInstanceID == "" {
		t.Fatalf("enforcement %+v", e)
	}
	if got, err := c.RuleEnforcements.Get(ctx, e.ID); err != nil || got.ID != e.ID {
		t.Fatalf("get enforcement: %+v, %v", got, err)
	}
	ex, err := c.Executions.Wait(ctx, e.ExecutionID, waitFast())
	if err != nil {
		t.Fatal(err)
	}
	if ex.Action.Ref != "core.echo" || ex.Result["stdout"] != "ping" || ex.Rule.Ref != "examples.webhook_echo" || ex.Context["user"] != "stanley" {
		t.Fatalf("execution %s %v %v %v", ex.Action.Ref, ex.Result, ex.Rule.Ref, ex.Context["user"])
	}
	tr, err := c.Traces.GetByName(ctx, "ping-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.TriggerInstances) != 1 || len(tr.Rules) != 1 || len(tr.ActionExecutions) != 1 || tr.ActionExecutions[0]["object_id"] != ex.ID {
		t.Fatalf("trace %+v", tr)
	}
	byExec, err := c.Traces.Query(ctx, st2.TraceListOptions{Execution: &ex.ID})
	if err != nil || len(byExec) != 1 || byExec[0].ID != tr.ID {
		t.Fatalf("trace by execution %+v, %v", byExec, err)
	}
	if err := c.Webhooks.Post(ctx, "nope", map[string]any{}, st2.PostOptions{}); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("post nope: %v", err)
	}
}

// Hooks may contain slashes: Post escapes them; Get cannot address them,
// as on the real server.
func TestWebhookWithSlash(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	trig, err := c.Triggers.Create(ctx, st2.Trigger{Type: "core.st2.webhook", Parameters: map[string]any{"url": "github/push"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Webhooks.Post(ctx, "github/push", []any{"an", "array"}, st2.PostOptions{}); err != nil {
		t.Fatal(err)
	}
	tis, err := c.TriggerInstances.Query(ctx, st2.TriggerInstanceListOptions{Trigger: &trig.Ref})
	if err != nil || len(tis) != 1 {
		t.Fatalf("instances %+v, %v", tis, err)
	}
	if body := tis[0].Payload["body"]; body == nil || len(body.([]any)) != 2 {
		t.Fatalf("payload %v", tis[0].Payload)
	}
	var cfgErr *facade.ConfigError
	if _, err := c.Webhooks.Get(ctx, "github/push"); !errors.As(err, &cfgErr) {
		t.Fatalf("get with a slash: %v", err)
	}
	hooks, err := c.Webhooks.GetByName(ctx, "github/push")
	if err != nil || hooks.Parameters["url"] != "github/push" {
		t.Fatalf("by name: %+v, %v", hooks, err)
	}
	if err := c.Webhooks.Post(ctx, "", nil, st2.PostOptions{}); !errors.As(err, &cfgErr) {
		t.Fatalf("empty hook: %v", err)
	}
}

func TestPostTrigger(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	if _, err := c.TriggerTypes.Create(ctx, st2.TriggerType{Pack: "default", Name: "deployed"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Webhooks.PostTrigger(ctx, "default.deployed", map[string]any{"version": "1.2"}, st2.PostOptions{TraceTag: "deploy-1.2"}); err != nil {
		t.Fatal(err)
	}
	tis, err := c.TriggerInstances.Query(ctx, st2.TriggerInstanceListOptions{Trigger: st2.String("default.deployed")})
	if err != nil || len(tis) != 1 || tis[0].Payload["version"] != "1.2" {
		t.Fatalf("instances %+v, %v", tis, err)
	}
	if _, err := c.Traces.GetByName(ctx, "deploy-1.2"); err != nil {
		t.Fatal(err)
	}
	if err := c.Webhooks.PostTrigger(ctx, "nope.nope", nil, st2.PostOptions{}); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("unknown trigger: %v", err)
	}
}

func TestTimersAndPackConfigs(t *testing.T) {
	srv := newServer(t, st2test.WithDemoData())
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	if _, err := c.Rules.Create(ctx, st2.Rule{Name: "every5s", Pack: "examples",
		Trigger: st2.RuleTrigger{Type: "core.st2.IntervalTimer", Parameters: map[string]any{"unit": "seconds", "delta": 5}},
		Action:  st2.RuleAction{Ref: "core.noop"}}); err != nil {
		t.Fatal(err)
	}
	timers, err := c.Timers.Query(ctx, st2.TimerListOptions{TimerType: st2.String("core.st2.IntervalTimer")})
	if err != nil || len(timers) != 1 || timers[0].Parameters["delta"] != 5.0 {
		t.Fatalf("timers %+v, %v", timers, err)
	}
	if none, err := c.Timers.Query(ctx, st2.TimerListOptions{TimerType: st2.String("core.st2.CronTimer")}); err != nil || len(none) != 0 {
		t.Fatalf("cron timers %+v, %v", none, err)
	}
	if _, err := c.Timers.Query(ctx, st2.TimerListOptions{TimerType: st2.String("nope")}); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("bad timer type: %v", err)
	}
	if got, err := c.Timers.Get(ctx, timers[0].Ref); err != nil || got.ID != timers[0].ID {
		t.Fatalf("get timer: %+v, %v", got, err)
	}

	cfgs, err := c.PackConfigs.Query(ctx, st2.PackConfigListOptions{})
	if err != nil || len(cfgs) != 1 || cfgs[0].Pack != "examples" {
		t.Fatalf("configs %+v, %v", cfgs, err)
	}
	set, err := c.PackConfigs.Set(ctx, "examples", map[string]any{"greeting_style": "formal"})
	if err != nil || set.Values["greeting_style"] != "formal" {
		t.Fatalf("set %+v, %v", set, err)
	}
	got, err := c.PackConfigs.Get(ctx, "examples")
	if err != nil || got.Values["greeting_style"] != "formal" {
		t.Fatalf("get %+v, %v", got, err)
	}
	if _, err := c.PackConfigs.Get(ctx, "core"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("config of core: %v", err)
	}
}

// TailWorkflow follows the output of a workflow's tasks, live and after
// the fact.
func TestTailWorkflow(t *testing.T) {
	// The workflow waits 300 ms before it is scheduled: time to subscribe.
	srv := newServer(t, st2test.WithDemoData(), st2test.WithSchedulingDelays(300*time.Millisecond, 0))
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	ex, err := c.Executions.Run(ctx, "examples.sequence", map[string]any{"name": "Ann", "pause": 0})
	if err != nil {
		t.Fatal(err)
	}
	live := tailText(t, c.Executions.TailWorkflow(ctx, ex.ID, st2.OutputAll), ex.ID)
	if !strings.Contains(live, "Hello, Ann") || !strings.Contains(live, "Bye, Ann") {
		t.Fatalf("live tail %q", live)
	}
	// Tail (the execution's own output) has none of it: the tasks wrote it.
	if own := tailText(t, c.Executions.Tail(ctx, ex.ID, st2.OutputAll), ""); strings.Contains(own, "Hello") {
		t.Fatalf("own output %q", own)
	}
	after := tailText(t, c.Executions.TailWorkflow(ctx, ex.ID, st2.OutputStdout), ex.ID)
	if !strings.Contains(after, "Hello, Ann") || strings.Index(after, "Hello, Ann") > strings.Index(after, "Bye, Ann") {
		t.Fatalf("tail after completion %q", after)
	}
}

// tailText gathers a tail, checking that no chunk is of root itself when
// root is set (the workflow writes nothing; its tasks do).
func tailText(t *testing.T, seq func(func(st2.ExecutionOutput, error) bool), root string) string {
	t.Helper()
	var b strings.Builder
	for out, err := range seq {
		if err != nil {
			t.Fatalf("tail: %v", err)
		}
		if root != "" && out.ExecutionID == root {
			t.Fatalf("chunk of the workflow itself: %+v", out)
		}
		b.WriteString(out.Data)
	}
	return b.String()
}
