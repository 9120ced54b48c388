package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// ctxKey is a context key of the caller's, for tests of what the layers
// below see.
type ctxKey struct{}

// TestSharedDeadlineWindow: calls starting within the slack of the first
// share its deadline, which ends between the timeout and the timeout plus
// the slack after each of them; a call starting later gets a new one.
func TestSharedDeadlineWindow(t *testing.T) {
	const timeout = 30 * time.Second
	slack := deadlineSlack(timeout)
	if slack != 300*time.Millisecond {
		t.Fatalf("slack of %v = %v, want 1%%", timeout, slack)
	}
	if got := deadlineSlack(10 * time.Minute); got != time.Second {
		t.Errorf("slack of 10m = %v, want at most a second", got)
	}
	var d sharedDeadlines
	t0 := time.Now()
	first := d.deadline(t0, timeout)
	for _, after := range []time.Duration{0, slack / 2, slack} {
		now := t0.Add(after)
		ctx := d.deadline(now, timeout)
		if ctx != first {
			t.Errorf("a call %v after the first got a deadline of its own", after)
		}
		at, ok := ctx.Deadline()
		if !ok || at.Before(now.Add(timeout)) || at.After(now.Add(timeout+slack)) {
			t.Errorf("a call %v after the first ends at +%v, want within [%v, %v]", after, at.Sub(now), timeout, timeout+slack)
		}
	}
	later := t0.Add(slack + time.Millisecond)
	ctx := d.deadline(later, timeout)
	if ctx == first {
		t.Fatal("a call past the slack shares a deadline that would end before its timeout")
	}
	if at, _ := ctx.Deadline(); at.Before(later.Add(timeout)) || at.After(later.Add(timeout+slack)) {
		t.Errorf("new deadline at +%v, want within [%v, %v]", at.Sub(later), timeout, timeout+slack)
	}
	if d.deadline(later, timeout) != ctx {
		t.Error("the new deadline is not shared")
	}
}

// TestSharedDeadlineBoundsTheCall: a call under a context that cannot end
// by itself (Background, or values only) is still bounded by the client's
// timeout until its body is closed, and the layers below see the caller's
// values and the deadline.
func TestSharedDeadlineBoundsTheCall(t *testing.T) {
	srv := stallingServer(t)
	const timeout = 150 * time.Millisecond
	spy := &contextSpy{}
	c, _ := newTestClient(t, srv.URL, facade.WithTimeout(timeout), facade.WithMiddleware(spy.wrap))
	for name, ctx := range map[string]context.Context{
		"background":  context.Background(),
		"values only": context.WithValue(context.Background(), ctxKey{}, "mine"),
	} {
		for _, path := range []string{"/silent", "/stream"} {
			start := time.Now()
			took, err := getAll(t, c, ctx, srv.URL+path)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%s %s: err = %v, want a deadline error", name, path, err)
			}
			if took < timeout || took > 4*time.Second {
				t.Errorf("%s %s: ended after %v, want the %v timeout", name, path, took, timeout)
			}
			below := spy.last()
			if at, ok := below.Deadline(); !ok || at.Before(start.Add(timeout)) || at.After(time.Now().Add(timeout)) {
				t.Errorf("%s %s: layers below saw deadline %v (set: %t)", name, path, at, ok)
			}
			if got := below.Value(ctxKey{}); ctx.Value(ctxKey{}) != got {
				t.Errorf("%s %s: layers below saw value %v, want the caller's %v", name, path, got, ctx.Value(ctxKey{}))
			}
			if ctx.Err() != nil {
				t.Fatalf("%s %s: the caller's context ended", name, path)
			}
		}
	}
}

// TestSharedDeadlineSurvivesOtherCalls: closing the body of one call that
// shares a deadline ends that exchange only; another call under the same
// deadline reads on.
func TestSharedDeadlineSurvivesOtherCalls(t *testing.T) {
	ended := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: a\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			ended <- r.URL.Path
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	spy := &contextSpy{}
	c, _ := newTestClient(t, srv.URL, facade.WithTimeout(time.Minute), facade.WithMiddleware(spy.wrap))
	first := do(t, c, newRequest(t, context.Background(), "GET", srv.URL+"/first", nil))
	second := do(t, c, newRequest(t, context.Background(), "GET", srv.URL+"/second", nil))
	defer second.Body.Close()
	below := spy.seen
	if len(below) != 2 || below[0] != below[1] {
		t.Fatal("two calls a moment apart did not share their deadline")
	}
	first.Body.Close()
	select {
	case path := <-ended:
		if path != "/first" {
			t.Fatalf("closing the first body ended %s", path)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closing the body did not end the exchange")
	}
	if below[1].Err() != nil {
		t.Fatal("closing one body ended the shared deadline")
	}
	line := make([]byte, len("event: a\n"))
	if _, err := io.ReadFull(second.Body, line); err != nil {
		t.Fatalf("the other call: %v", err)
	}
	select {
	case path := <-ended:
		t.Fatalf("%s ended too", path)
	default:
	}
}

// TestCallContextChildren: contexts derived below from a call's context
// (as net/http derives one per request) end with its deadline and keep
// the caller's values.
func TestCallContextChildren(t *testing.T) {
	var d sharedDeadlines
	caller := context.WithValue(context.Background(), ctxKey{}, "mine")
	call := d.call(caller, 50*time.Millisecond)
	ctx := call.context()
	child, cancel := context.WithCancel(ctx)
	defer cancel()
	if child.Value(ctxKey{}) != "mine" {
		t.Error("child lost the caller's value")
	}
	select {
	case <-child.Done():
		if !errors.Is(child.Err(), context.DeadlineExceeded) || !errors.Is(context.Cause(child), context.DeadlineExceeded) {
			t.Errorf("child ended with %v (cause %v), want the deadline", child.Err(), context.Cause(child))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("child outlived the deadline")
	}
	if caller.Err() != nil {
		t.Error("the caller's context ended")
	}
	if bg := d.call(context.Background(), time.Minute).context(); bg != d.current.Load().ctx {
		t.Error("a Background call got a wrapper instead of the shared deadline itself")
	}
}

// stallingServer answers /silent with nothing and any other path with one
// event, then holds the exchange open until the client gives up (or long
// after it should have), for tests of what ends a call.
func stallingServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/silent" {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "event: a\n\n")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// contextSpy is a middleware that records the context of every request
// that reaches it (user middleware sits just above the base transport,
// below every layer of ours).
type contextSpy struct{ seen []context.Context }

func (s *contextSpy) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		s.seen = append(s.seen, r.Context())
		return next.RoundTrip(r)
	})
}

// last is the context of the latest request.
func (s *contextSpy) last() context.Context { return s.seen[len(s.seen)-1] }

// getAll sends a GET through c and reads the whole answer; it returns how
// long that took and the error of whichever step failed.
func getAll(t *testing.T, c *http.Client, ctx context.Context, url string) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	resp, err := c.Do(newRequest(t, ctx, "GET", url, nil))
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return time.Since(start), err
}
