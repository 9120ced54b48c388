package st2_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

func TestRunWaitSucceeded(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	ex, err := c.Executions.Run(ctx, "core.echo", map[string]any{"message": "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if ex.ID == "" || ex.Status != st2.StatusRequested {
		t.Fatalf("new execution: id %q status %q", ex.ID, ex.Status)
	}
	var seen []st2.ExecutionStatus
	done, err := c.Executions.Wait(ctx, ex.ID, st2.WaitOptions{
		WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 10 * time.Second},
		Progress:    func(e st2.Execution) { seen = append(seen, e.Status) },
	})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if done.Status != st2.StatusSucceeded || len(seen) == 0 {
		t.Fatalf("final %q after %v", done.Status, seen)
	}
	out, err := c.Executions.Output(ctx, ex.ID, st2.OutputStdout)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "hello") {
		t.Fatalf("output %q lacks the message", out)
	}
}

// TestWaitFinalStates drives an action to each final state through a Go
// handler and checks what Wait returns.
func TestWaitFinalStates(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	srv := newServer(t,
		st2test.WithActionHandler("tests.ok", &st2test.Action{RunnerType: "python-script"}, func(ctx context.Context, _ map[string]any) (any, error) {
			return map[string]any{"ok": true}, nil
		}),
		st2test.WithActionHandler("tests.fail", &st2test.Action{RunnerType: "python-script"}, func(ctx context.Context, _ map[string]any) (any, error) {
			return nil, errors.New("boom")
		}),
		st2test.WithActionHandler("tests.block", &st2test.Action{RunnerType: "python-script"}, func(ctx context.Context, _ map[string]any) (any, error) {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-block:
				return nil, nil
			}
		}),
	)
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	opts := st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 10 * time.Second}}

	t.Run("succeeded", func(t *testing.T) {
		ex, err := c.Executions.RunAndWait(ctx, "tests.ok", nil, opts)
		if err != nil || ex.Status != st2.StatusSucceeded {
			t.Fatalf("%v %v", ex.Status, err)
		}
	})
	t.Run("failed", func(t *testing.T) {
		ex, err := c.Executions.RunAndWait(ctx, "tests.fail", nil, opts)
		var ee *st2.ExecutionError
		if !errors.As(err, &ee) || !errors.Is(err, st2.ErrExecutionFailed) || errors.Is(err, st2.ErrExecutionCanceled) {
			t.Fatalf("want a failed ExecutionError, got %v", err)
		}
		if ex.Status != st2.StatusFailed || ee.Execution.ID != ex.ID {
			t.Fatalf("status %q", ex.Status)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		ex, err := c.Executions.Run(ctx, "tests.block", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Executions.Cancel(ctx, ex.ID); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		_, err = c.Executions.Wait(ctx, ex.ID, opts)
		if !errors.Is(err, st2.ErrExecutionCanceled) || errors.Is(err, st2.ErrExecutionFailed) {
			t.Fatalf("want canceled, got %v", err)
		}
		// A finished execution cannot be canceled: 200 with a faultstring.
		_, err = c.Executions.Cancel(ctx, ex.ID)
		if ex2, _ := c.Executions.Get(ctx, ex.ID); ex2.Status == st2.StatusCanceled && err != nil && !errors.Is(err, st2.ErrNotCancelable) {
			t.Fatalf("second cancel: %v", err)
		}
	})
	t.Run("timeout of the wait", func(t *testing.T) {
		ex, err := c.Executions.Run(ctx, "tests.block", nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Executions.Wait(ctx, ex.ID, st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond, Timeout: 100 * time.Millisecond}})
		var wt *facade.WaitTimeoutError
		if !errors.As(err, &wt) || !errors.Is(err, context.DeadlineExceeded) || wt.LastState == "" {
			t.Fatalf("want a WaitTimeoutError with a state, got %v", err)
		}
	})
	t.Run("cancel of a succeeded execution", func(t *testing.T) {
		ex, err := c.Executions.RunAndWait(ctx, "tests.ok", nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Executions.Cancel(ctx, ex.ID)
		var ce *st2.CancelError
		if !errors.As(err, &ce) || !errors.Is(err, st2.ErrNotCancelable) || !strings.Contains(ce.Message, "succeeded") {
			t.Fatalf("want ErrNotCancelable naming the state, got %v", err)
		}
	})
}

// packs seeds the packs the tests create content in: the server refuses
// content for a pack that is not installed.
func packs(names ...string) st2test.Option {
	return st2test.WithSeed(func(sd *st2test.Seeder) {
		for _, n := range names {
			sd.Pack(n, "test pack", "1.0.0")
		}
	})
}

func TestGetNotFoundAndByName(t *testing.T) {
	srv := newServer(t, packs("alpha", "beta"))
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	_, err := c.Actions.Get(ctx, "nope.missing")
	if !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	for _, pack := range []string{"alpha", "beta"} {
		if _, err := c.Actions.Create(ctx, st2.Action{Name: "twin", Pack: pack, RunnerType: "noop"}); err != nil {
			t.Fatalf("create %s.twin: %v", pack, err)
		}
	}
	_, err = c.Actions.GetByName(ctx, "twin")
	var amb *st2.AmbiguousError
	if !errors.As(err, &amb) || !errors.Is(err, st2.ErrAmbiguous) || len(amb.Refs) != 2 {
		t.Fatalf("want ambiguity over 2 refs, got %v", err)
	}
	_, err = c.Actions.GetByName(ctx, "nobody")
	if !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("GetByName none: %v", err)
	}
	a, err := c.Actions.Get(ctx, "alpha.twin")
	if err != nil || a.Ref != "alpha.twin" {
		t.Fatalf("Get by ref: %+v %v", a, err)
	}
	// Duplicate: 409.
	_, err = c.Actions.Create(ctx, st2.Action{Name: "twin", Pack: "alpha", RunnerType: "noop"})
	if !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	a.Description = "changed"
	if u, err := c.Actions.Update(ctx, a); err != nil || u.Description != "changed" {
		t.Fatalf("Update: %+v %v", u, err)
	}
	if err := c.Actions.Delete(ctx, "alpha.twin"); err != nil {
		t.Fatal(err)
	}
	if err := c.Actions.Delete(ctx, "alpha.twin"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestListPagesWithTotals(t *testing.T) {
	srv := newServer(t, packs("paged"))
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	for i := range 7 {
		if _, err := c.Actions.Create(ctx, st2.Action{Name: fmt.Sprintf("a%d", i), Pack: "paged", RunnerType: "noop"}); err != nil {
			t.Fatal(err)
		}
	}
	c.Actions.PageSize = 3
	var names []string
	for a, err := range c.Actions.List(ctx, st2.ActionListOptions{Pack: st2.String("paged")}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Name)
	}
	if len(names) != 7 {
		t.Fatalf("listed %v", names)
	}
	page, err := c.Actions.Page(ctx, st2.ActionListOptions{Pack: st2.String("paged")}, 2, 6)
	if err != nil || page.Total != 7 || len(page.Items) != 1 {
		t.Fatalf("page: %d items, total %d, %v", len(page.Items), page.Total, err)
	}
	n, err := c.Actions.Count(ctx, st2.ActionListOptions{Pack: st2.String("paged")})
	if err != nil || n != 7 {
		t.Fatalf("Count %d %v", n, err)
	}
	// A break stops fetching: only the first page is needed.
	for range c.Actions.List(ctx, st2.ActionListOptions{Pack: st2.String("paged")}) {
		break
	}
}

func TestPageJSON(t *testing.T) {
	srv := newServer(t, packs("paged"))
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	for i := range 3 {
		if _, err := c.Actions.Create(ctx, st2.Action{Name: fmt.Sprintf("a%d", i), Pack: "paged", RunnerType: "noop"}); err != nil {
			t.Fatal(err)
		}
	}
	q := st2.ActionListOptions{Pack: st2.String("paged")}
	typed, err := c.Actions.Page(ctx, q, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := c.Actions.PageJSON(ctx, q, 2, 1)
	if err != nil || raw.Total != typed.Total || len(raw.Items) != len(typed.Items) {
		t.Fatalf("PageJSON: %d items, total %d, %v; Page: %d items, total %d", len(raw.Items), raw.Total, err, len(typed.Items), typed.Total)
	}
	for i, item := range raw.Items {
		var obj map[string]any
		if err := json.Unmarshal(item, &obj); err != nil {
			t.Fatalf("item %d is not a JSON object: %v: %s", i, err, item)
		}
		// The server's own fields, those the typed model reads and those
		// it does not (uid, action:<pack>:<name>, is not a field of Action).
		a := typed.Items[i]
		if obj["ref"] != a.Ref || obj["uid"] != "action:"+a.Pack+":"+a.Name {
			t.Errorf("item %d: ref %v uid %v, want %q", i, obj["ref"], obj["uid"], typed.Items[i].Ref)
		}
	}

	// The same errors as Page.
	if _, err := c.Rules.PageJSON(ctx, st2.RuleListOptions{}, 0, 5); !errors.Is(err, st2.ErrUnsupported) {
		t.Errorf("an offset on the rules list: %v, want ErrUnsupported", err)
	}
	srv.FailNext(1, http.StatusInternalServerError, "GET /api/v1/actions")
	var apiErr *facade.APIError
	if _, err := c.Actions.PageJSON(ctx, q, 0, 0); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
		t.Errorf("a 500: %v, want an *APIError with status 500", err)
	}
}

func TestKeys(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	ctx := t.Context()
	for i := range 5 {
		if _, err := c.Keys.Set(ctx, st2.KeyValuePairSet{Name: fmt.Sprintf("k%d", i), Value: "v"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Keys.Set(ctx, st2.KeyValuePairSet{Name: "secret", Value: "s3cr3t-value", Secret: true, TTL: 3600}); err != nil {
		t.Fatal(err)
	}
	kv, err := c.Keys.Get(ctx, "secret", st2.KeyOptions{})
	if err != nil || !kv.Encrypted || kv.Value == "s3cr3t-value" {
		t.Fatalf("encrypted get: %+v %v", kv, err)
	}
	kv, err = c.Keys.Get(ctx, "secret", st2.KeyOptions{Decrypt: true})
	if err != nil || kv.Value != "s3cr3t-value" || kv.ExpireTimestamp.IsZero() {
		t.Fatalf("decrypted get: %+v %v", kv, err)
	}
	c.Keys.PageSize = 2
	n := 0
	for _, err := range c.Keys.List(ctx, st2.KeyListOptions{Prefix: "k"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("listed %d keys", n)
	}
	if err := c.Keys.Delete(ctx, "k0", st2.KeyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Keys.Get(ctx, "k0", st2.KeyOptions{}); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
	if _, err := c.Keys.Get(ctx, "k1", st2.KeyOptions{Scope: "bogus"}); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("bad scope: %v", err)
	}
}
