package st2test_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

func statuses(e map[string]any) []string {
	var out []string
	for _, l := range e["log"].([]any) {
		out = append(out, l.(map[string]any)["status"].(string))
	}
	return out
}

func run(t *testing.T, srv *st2test.Server, ref string, params map[string]any) map[string]any {
	t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	return expect(t, call(t, srv, "POST", "/executions", map[string]any{"action": ref, "parameters": params}), 201).obj(t)
}

func get(t *testing.T, srv *st2test.Server, id string) map[string]any {
	t.Helper()
	return expect(t, call(t, srv, "GET", "/executions/"+id, nil), 200).obj(t)
}

func TestLifecycleEcho(t *testing.T) {
	srv, _ := newServer(t)
	e := run(t, srv, "core.echo", map[string]any{"message": "hi there"})
	if e["status"] != "requested" {
		t.Fatalf("created %v", e["status"])
	}
	if p := e["parameters"].(map[string]any); len(p) != 1 || p["message"] != "hi there" {
		t.Errorf("parameters as given: %v", p)
	}
	got := get(t, srv, e["id"].(string))
	if want := []string{"requested", "scheduled", "running", "succeeded"}; !slices.Equal(statuses(got), want) {
		t.Errorf("log %v, want %v", statuses(got), want)
	}
	res := got["result"].(map[string]any)
	if res["stdout"] != "hi there" || res["return_code"] != 0.0 || res["succeeded"] != true {
		t.Errorf("result %v", res)
	}
	out := expect(t, call(t, srv, "GET", "/executions/"+e["id"].(string)+"/output", nil), 200)
	if string(out.body) != "hi there\n" || !strings.HasPrefix(out.header.Get("Content-Type"), "text/plain") {
		t.Errorf("output %q (%s)", out.body, out.header.Get("Content-Type"))
	}
	last := get(t, srv, "last")
	if last["id"] != e["id"] {
		t.Errorf("last is %v", last["id"])
	}
}

func TestLifecycleDelaysFollowTheClock(t *testing.T) {
	srv, clk := newServer(t, st2test.WithSchedulingDelays(time.Second, 2*time.Second))
	e := run(t, srv, "core.local", map[string]any{"cmd": "sleep 10"})
	id := e["id"].(string)
	step := func(d time.Duration, want string) {
		t.Helper()
		clk.Advance(d)
		if got := get(t, srv, id)["status"]; got != want {
			t.Fatalf("after %v: %v, want %s", d, got, want)
		}
	}
	step(0, "requested")
	step(time.Second, "scheduled")
	step(time.Second, "scheduled")
	step(time.Second, "running")
	step(9*time.Second, "running")
	step(time.Second, "succeeded")
	got := get(t, srv, id)
	if got["elapsed_seconds"] != 13.0 {
		t.Errorf("elapsed %v", got["elapsed_seconds"])
	}
}

func TestFinalStates(t *testing.T) {
	srv, clk := newServer(t)
	failed := run(t, srv, "core.local", map[string]any{"cmd": "exit 2"})
	if got := get(t, srv, failed["id"].(string)); got["status"] != "failed" || got["result"].(map[string]any)["return_code"] != 2.0 {
		t.Errorf("exit 2: %v %v", got["status"], got["result"])
	}
	to := run(t, srv, "core.local", map[string]any{"cmd": "sleep 100", "timeout": 5})
	get(t, srv, to["id"].(string)) // running from now
	clk.Advance(5 * time.Second)
	if got := get(t, srv, to["id"].(string)); got["status"] != "timeout" {
		t.Errorf("timeout: %v", got["status"])
	}
	remote := run(t, srv, "core.remote", map[string]any{"cmd": "echo x", "hosts": "a,b"})
	if got := get(t, srv, remote["id"].(string)); got["status"] != "succeeded" || len(got["result"].(map[string]any)) != 2 {
		t.Errorf("remote: %v %v", got["status"], got["result"])
	}
	noop := run(t, srv, "core.noop", nil)
	if got := get(t, srv, noop["id"].(string)); got["status"] != "succeeded" {
		t.Errorf("noop: %v", got["status"])
	}
	sim := run(t, srv, "core.local", map[string]any{"cmd": "rm -rf /tmp/nothing"})
	if got := get(t, srv, sim["id"].(string)); !strings.Contains(got["result"].(map[string]any)["stdout"].(string), "simulated, not executed") {
		t.Errorf("simulated local: %v", got["result"])
	}
}

func TestCancel(t *testing.T) {
	srv, _ := newServer(t)
	e := run(t, srv, "core.local", map[string]any{"cmd": "sleep 60"})
	id := e["id"].(string)
	get(t, srv, id) // running now
	r := expect(t, call(t, srv, "DELETE", "/executions/"+id, nil), 200).obj(t)
	if r["status"] != "canceling" {
		t.Fatalf("cancel of running: %v", r["status"])
	}
	if got := get(t, srv, id); got["status"] != "canceled" {
		t.Fatalf("then %v", got["status"])
	}
	again := expect(t, call(t, srv, "DELETE", "/executions/"+id, nil), 200).obj(t)
	if again["status"] != "canceled" {
		t.Errorf("cancel of canceled: %v", again)
	}
	done := run(t, srv, "core.noop", nil)
	get(t, srv, done["id"].(string))
	q := expect(t, call(t, srv, "DELETE", "/executions/"+done["id"].(string), nil), 200)
	if f := q.fault(t); f != "Action cannot be canceled. State = succeeded." {
		t.Errorf("faultstring %q", f)
	}
	expect(t, call(t, srv, "DELETE", "/executions/000000000000000000000000", nil), 404)
}

func TestPauseResumeWorkflow(t *testing.T) {
	srv, clk := newServer(t, st2test.WithDemoData())
	e := run(t, srv, "examples.sequence", map[string]any{"name": "Ann", "pause": 10})
	id := e["id"].(string)
	// The workflow runs on its goroutine; wait for its second task.
	waitFor(t, srv, func() bool {
		ch := expect(t, call(t, srv, "GET", "/executions/"+id+"/children", nil), 200).list(t)
		return len(ch) == 2
	})
	r := expect(t, call(t, srv, "PUT", "/executions/"+id, map[string]any{"status": "pausing"}), 200).obj(t)
	if r["status"] != "pausing" {
		t.Fatalf("pause: %v", r["status"])
	}
	clk.Advance(10 * time.Second) // task2 (core.pause 10) ends
	waitFor(t, srv, func() bool { return get(t, srv, id)["status"] == "paused" })
	if ch := expect(t, call(t, srv, "GET", "/executions/"+id+"/children", nil), 200).list(t); len(ch) != 2 {
		t.Fatalf("paused workflow started task3: %d children", len(ch))
	}
	bad := expect(t, call(t, srv, "PUT", "/executions/"+id, map[string]any{"status": "resuming", "extra": 1}), 400)
	if !strings.Contains(bad.fault(t), "Additional properties") {
		t.Errorf("fault %q", bad.fault(t))
	}
	expect(t, call(t, srv, "PUT", "/executions/"+id, map[string]any{"status": "resuming"}), 200)
	waitFor(t, srv, func() bool { return get(t, srv, id)["status"] == "succeeded" })
	got := get(t, srv, id)
	out := got["result"].(map[string]any)["output"].(map[string]any)
	if out["greeting"] != "Hello, Ann" || out["farewell"] != "Bye, Ann" {
		t.Errorf("output %v", out)
	}
	want := []string{"requested", "scheduled", "running", "pausing", "paused", "resuming", "running", "succeeded"}
	if !slices.Equal(statuses(got), want) {
		t.Errorf("log %v", statuses(got))
	}
	top := expect(t, call(t, srv, "GET", "/executions?parent=null&action=examples.sequence", nil), 200).list(t)
	if len(top) != 1 {
		t.Errorf("parent=null: %d", len(top))
	}
	// Pause of a non-workflow action.
	plain := run(t, srv, "core.local", map[string]any{"cmd": "sleep 5"})
	get(t, srv, plain["id"].(string))
	f := expect(t, call(t, srv, "PUT", "/executions/"+plain["id"].(string), map[string]any{"status": "pausing"}), 400).fault(t)
	if !strings.Contains(f, `not supported by the "local-shell-cmd" runner`) {
		t.Errorf("fault %q", f)
	}
	// Re-run with tasks needs orquesta; core.local is not.
	expect(t, call(t, srv, "POST", "/executions/"+plain["id"].(string)+"/re_run", map[string]any{"tasks": []string{"x"}}), 400)
}

// waitFor polls the server (each request also moves the engine) until
// cond holds: only for work done on handler goroutines, which no clock
// drives.
func waitFor(t *testing.T, srv *st2test.Server, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		srv.Tick()
		time.Sleep(time.Millisecond)
	}
}

func TestUserHandlerAndReRun(t *testing.T) {
	type hcall struct{ params map[string]any }
	calls := make(chan hcall, 4)
	srv, _ := newServer(t, st2test.WithActionHandler("my.act", &st2test.Action{
		Description: "test action",
		Parameters:  map[string]any{"n": map[string]any{"type": "integer", "required": true}, "s": map[string]any{"type": "string", "secret": true}},
	}, func(ctx context.Context, p map[string]any) (any, error) {
		calls <- hcall{p}
		fmt.Fprintf(st2test.Stdout(ctx), "line one\nline two\n")
		fmt.Fprint(st2test.Stderr(ctx), "warn")
		if p["n"] == 0.0 {
			return nil, errors.New("n is zero")
		}
		return map[string]any{"double": p["n"].(float64) * 2}, nil
	}))
	e := run(t, srv, "my.act", map[string]any{"n": 21, "s": "hush"})
	if e["parameters"].(map[string]any)["s"] != "********" {
		t.Errorf("secret shown: %v", e["parameters"])
	}
	id := e["id"].(string)
	waitFor(t, srv, func() bool { return get(t, srv, id)["status"] == "succeeded" })
	if got := <-calls; got.params["s"] != "hush" {
		t.Errorf("handler params %v", got.params)
	}
	if res := get(t, srv, id)["result"].(map[string]any); res["double"] != 42.0 {
		t.Errorf("result %v", res)
	}
	out := call(t, srv, "GET", "/executions/"+id+"/output?output_type=stdout", nil)
	if string(out.body) != "line one\nline two\n" {
		t.Errorf("stdout %q", out.body)
	}
	if all := string(call(t, srv, "GET", "/executions/"+id+"/output", nil).body); !strings.Contains(all, "warn") {
		t.Errorf("all output %q", all)
	}
	rr := expect(t, call(t, srv, "POST", "/executions/"+id+"/re_run", map[string]any{"parameters": map[string]any{"n": 0}}), 201).obj(t)
	waitFor(t, srv, func() bool { return get(t, srv, rr["id"].(string))["status"] == "failed" })
	got := get(t, srv, rr["id"].(string))
	if got["result"].(map[string]any)["error"] != "n is zero" || got["context"].(map[string]any)["re-run"].(map[string]any)["ref"] != id {
		t.Errorf("re-run: %v %v", got["result"], got["context"])
	}
	if (<-calls).params["s"] != "hush" {
		t.Error("re-run lost the original parameters")
	}
	// Validation of parameters.
	for _, c := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{}, "'n' is a required property"},
		{map[string]any{"n": "x"}, "'x' is not of type 'integer'"},
		{map[string]any{"n": 1, "zz": 1}, "Additional properties are not allowed ('zz' was unexpected)"},
	} {
		f := expect(t, callJSON(t, srv, "my.act", c.params), 400).fault(t)
		if f != c.want {
			t.Errorf("%v: %q, want %q", c.params, f, c.want)
		}
	}
	f := expect(t, callJSON(t, srv, "core.echo", map[string]any{"message": "x", "cmd": "id"}), 400).fault(t)
	if f != "Override of immutable parameter(s) ['cmd'] is unsupported." {
		t.Errorf("immutable: %q", f)
	}
	f = expect(t, callJSON(t, srv, "no.such", map[string]any{}), 400).fault(t)
	if f != `Action "no.such" cannot be found.` {
		t.Errorf("unknown action: %q", f)
	}
}

func callJSON(t *testing.T, srv *st2test.Server, ref string, params map[string]any) resp {
	return call(t, srv, "POST", "/executions", map[string]any{"action": ref, "parameters": params})
}

func TestShellOptIn(t *testing.T) {
	if _, err := st2test.Listen(st2test.WithShellExecution(), st2test.WithAddr("0.0.0.0:0")); !errors.Is(err, st2test.ErrShellNotLoopback) {
		t.Fatalf("shell on a wildcard address: %v", err)
	}
	dir := t.TempDir()
	marker := dir + "/ran"
	// Without the option nothing runs.
	srv, _ := newServer(t)
	e := run(t, srv, "core.local", map[string]any{"cmd": "touch " + marker + " && echo real"})
	got := get(t, srv, e["id"].(string))
	if fileExists(marker) || got["status"] != "succeeded" {
		t.Fatalf("simulated run touched the file or failed: %v", got["status"])
	}
	// With it, on loopback, the command runs.
	shell, _ := newServer(t, st2test.WithShellExecution())
	e = run(t, shell, "core.local", map[string]any{"cmd": "touch " + marker + " && echo real && echo oops >&2 && exit 4"})
	id := e["id"].(string)
	waitFor(t, shell, func() bool { return get(t, shell, id)["status"] == "failed" })
	res := get(t, shell, id)["result"].(map[string]any)
	if !fileExists(marker) || res["stdout"] != "real" || res["stderr"] != "oops" || res["return_code"] != 4.0 {
		t.Errorf("shell result %v", res)
	}
}

func TestInquiry(t *testing.T) {
	srv, _ := newServer(t)
	e := run(t, srv, "core.ask", nil)
	id := e["id"].(string)
	if got := get(t, srv, id); got["status"] != "pending" {
		t.Fatalf("ask: %v", got["status"])
	}
	l := expect(t, call(t, srv, "GET", "/inquiries", nil), 200).list(t)
	if len(l) != 1 || l[0]["id"] != id || l[0]["ttl"] != 1440.0 {
		t.Fatalf("inquiries %v", l)
	}
	expect(t, call(t, srv, "PUT", "/inquiries/"+id, map[string]any{"id": id, "response": map[string]any{"continue": "yes"}}), 400)
	r := expect(t, call(t, srv, "PUT", "/inquiries/"+id, map[string]any{"id": id, "response": map[string]any{"continue": true}}), 200).obj(t)
	if r["id"] != id {
		t.Errorf("respond %v", r)
	}
	if got := get(t, srv, id); got["status"] != "succeeded" {
		t.Errorf("after response: %v", got["status"])
	}
}

func TestStreamEvents(t *testing.T) {
	srv, _ := newServer(t, st2test.WithHeartbeat(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.StreamURL+"/stream?events=st2.execution__*,st2.execution.output__create&st2-api-key="+srv.APIKey, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	br := bufio.NewReader(res.Body)
	if line, _ := br.ReadString('\n'); line != "\n" {
		t.Fatalf("first line %q, want the heartbeat", line)
	}
	e := run(t, srv, "core.echo", map[string]any{"message": "streamed"})
	srv.Tick()
	var names []string
	for len(names) < 5 {
		ev, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if name, ok := strings.CutPrefix(ev, "event: "); ok {
			data, _ := br.ReadString('\n')
			if !strings.Contains(data, e["id"].(string)) {
				t.Errorf("event without the execution id: %s", data)
			}
			names = append(names, strings.TrimSpace(name))
		}
	}
	want := []string{"st2.execution__create", "st2.execution__update", "st2.execution__update", "st2.execution.output__create", "st2.execution__update"}
	if !slices.Equal(names, want) {
		t.Errorf("events %v, want %v", names, want)
	}
}

func TestStreamEndExecution(t *testing.T) {
	srv, clk := newServer(t, st2test.WithHeartbeat(time.Hour))
	// The id is known before the execution exists: ids count up.
	e := run(t, srv, "core.noop", nil)
	get(t, srv, e["id"].(string))
	tok := srv.Token(srv.Username, 0) // takes an id too
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	next := nextID(e["id"].(string))
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.StreamURL+"/stream?events=st2.execution__update&end_event=st2.execution__update&end_execution_id="+next+"&execution_ids="+next, nil)
	req.Header.Set("X-Auth-Token", tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	id := run(t, srv, "core.local", map[string]any{"cmd": "sleep 3"})["id"].(string)
	if id != next {
		t.Fatalf("id %s, expected %s", id, next)
	}
	other := run(t, srv, "core.noop", nil)
	srv.Tick()
	clk.Advance(3 * time.Second)
	srv.Tick()
	body := new(strings.Builder)
	if _, err := bufioCopy(body, res); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body.String(), other["id"].(string)) {
		t.Error("execution_ids filter let another execution through")
	}
	if n := strings.Count(body.String(), "event: st2.execution__update"); n != 3 {
		t.Errorf("%d updates before the end (scheduled, running, succeeded):\n%s", n, body)
	}
}

func bufioCopy(dst *strings.Builder, res *http.Response) (int64, error) {
	b := make([]byte, 4096)
	var n int64
	for {
		k, err := res.Body.Read(b)
		dst.Write(b[:k])
		n += int64(k)
		if err != nil {
			if err.Error() == "EOF" {
				return n, nil
			}
			return n, err
		}
	}
}

// nextID predicts the next id the server hands out: its ids end in a
// counter, and each execution takes two (execution and liveaction), a
// token one.
func nextID(id string) string {
	var n uint64
	fmt.Sscanf(id[8:], "%x", &n)
	return fmt.Sprintf("%s%016x", id[:8], n+3)
}
