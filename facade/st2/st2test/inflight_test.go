package st2test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestInFlightCountsUnfinishedRuns: the counter that lets advance return
// at once matches a recount of the runs whose execution has not
// completed, through runs that finish, workflows and their children, a
// cancelled run, a re-run and a delayed one; and advance still moves
// executions on while it is not 0.
func TestInFlightCountsUnfinishedRuns(t *testing.T) {
	release := make(chan struct{})
	s := NewServer(WithTickInterval(0), WithDemoData(),
		WithActionHandler("my.block", &Action{Description: "waits"}, func(ctx context.Context, _ map[string]any) (any, error) {
			select {
			case <-release:
				return map[string]any{"ok": true}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}))
	t.Cleanup(s.Close)
	defer close(release)

	recount := func() (counted, want int) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, d := range s.st.executions.items {
			if s.st.runs[str(d["id"])] != nil && !isCompleted(str(d["status"])) {
				want++
			}
		}
		return s.st.inFlight, want
	}
	check := func(step string) {
		t.Helper()
		if got, want := recount(); got != want {
			t.Fatalf("%s: inFlight %d, %d runs not completed", step, got, want)
		}
	}
	call := func(method, path, body string) string {
		t.Helper()
		req, err := http.NewRequest(method, s.APIURL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("St2-Api-Key", s.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return string(b)
	}
	idOf := func(answer string) string {
		var v struct{ ID string }
		if err := json.Unmarshal([]byte(answer), &v); err != nil || v.ID == "" {
			t.Fatalf("no id in %.200s: %v", answer, err)
		}
		return v.ID
	}
	// Wait until the runs settle: every one completed but the blocked
	// ones, each step checked on the way.
	settle := func(step string, blocked int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			s.Tick()
			check(step)
			if _, want := recount(); want == blocked {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: runs never settled", step)
			}
			time.Sleep(time.Millisecond)
		}
	}

	settle("seeded", 0)
	call("POST", "/executions", `{"action":"core.echo","parameters":{"message":"hi"}}`)
	check("run requested")
	settle("run finished", 0)
	call("POST", "/executions", `{"action":"examples.sequence","parameters":{"name":"Ada","pause":0}}`)
	settle("workflow and children finished", 0)
	blocked := idOf(call("POST", "/executions", `{"action":"my.block"}`))
	settle("blocked run running", 1)
	call("DELETE", "/executions/"+blocked, "")
	settle("blocked run cancelled", 0)
	call("POST", "/executions/"+blocked+"/re_run", `{"parameters":{}}`)
	settle("re-run running", 1)
	call("POST", "/executions", `{"action":"core.echo","parameters":{"message":"later"},"delay":1}`)
	check("delayed run")
	settle("delayed run finished", 1)
	release <- struct{}{}
	settle("re-run finished", 0)
	if got, _ := recount(); got != 0 {
		t.Fatalf("inFlight %d after every run finished", got)
	}

	// No request moves a completed execution back to running; should one
	// ever do so, the count follows it there and back.
	s.mu.Lock()
	var d doc
	for _, e := range s.st.executions.items {
		if s.st.runs[str(e["id"])] != nil {
			d = e
			break
		}
	}
	r := s.st.runs[str(d["id"])]
	s.st.setStatus(d, r, "running", time.Now())
	s.mu.Unlock()
	check("completed execution revived")
	s.mu.Lock()
	s.st.setStatus(d, r, "succeeded", time.Now())
	s.mu.Unlock()
	check("revived execution completed again")
}
