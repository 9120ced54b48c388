package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// The stack makes as few copies of a request as it can (one above, one per
// attempt for the credentials) and shares what those copies do not change.
// These tests pin what that must never cost: the caller's request stays as
// it was, whatever path a call takes.

// headerOnlyCreds claims HeaderOnly and appends to a header the caller
// set, which its clone shares.
type headerOnlyCreds struct{}

func (headerOnlyCreds) Apply(_ context.Context, req *http.Request) error {
	req.Header.Add("Accept", "text/plain")
	req.Header.Set("X-Cachet-Token", token)
	return nil
}

func (headerOnlyCreds) HeaderOnly() bool { return true }

// queryKey puts the token in the query, as some APIs want.
func queryKey(_ context.Context, req *http.Request) error {
	req.Header.Add("Accept", "text/plain")
	req.Header.Set("X-Cachet-Token", token)
	q := req.URL.Query()
	q.Set("api_key", token)
	req.URL.RawQuery = q.Encode()
	return nil
}

// falseHeaderOnly claims HeaderOnly but changes the URL all the same.
type falseHeaderOnly struct{}

func (falseHeaderOnly) Apply(ctx context.Context, req *http.Request) error { return queryKey(ctx, req) }

func (falseHeaderOnly) HeaderOnly() bool { return true }

// credentialKinds are the ways the credential layer clones: a
// HeaderCredential (header built once), HeaderOnly credentials (URL
// shared), HeaderOnly credentials that change the URL all the same (caught
// and undone) and any other credentials (URL copied), which here put a key
// in the query. The names of those that do say "query".
func credentialKinds() map[string]Credentials {
	return map[string]Credentials{
		"header credential":         HeaderCredential{Name: "x-cachet-token", Value: token},
		"header credential pointer": &HeaderCredential{Name: "X-Cachet-Token", Value: token},
		"header only":               headerOnlyCreds{},
		"false header only, query":  falseHeaderOnly{},
		"func, query":               CredentialsFunc(queryKey),
	}
}

// seen records what the server got.
type seen struct {
	mu      sync.Mutex
	tokens  []string
	agents  []string
	accepts []string
	keys    []string
}

func (s *seen) record(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = append(s.tokens, r.Header.Get("X-Cachet-Token"))
	s.agents = append(s.agents, r.Header.Get("User-Agent"))
	s.accepts = append(s.accepts, strings.Join(r.Header.Values("Accept"), ","))
	s.keys = append(s.keys, r.URL.Query().Get("api_key"))
}

// TestCallerRequestNeverModified sends one request twice down every path
// (default timeout, an earlier or later caller deadline, NoTimeout, the
// caller's own User-Agent, retries) with every kind of credentials, and
// checks that the request is as the caller built it afterwards, down to
// the spare capacity of a header's value slice, while every attempt still
// carried the credentials and the User-Agent.
func TestCallerRequestNeverModified(t *testing.T) {
	paths := []struct {
		name     string
		ctx      func(context.Context) context.Context
		agent    string
		statuses []int
		timeout  time.Duration
	}{
		{name: "default", timeout: facade.DefaultTimeout},
		// Contexts that cannot end by themselves get a shared deadline.
		{name: "background", timeout: facade.DefaultTimeout, ctx: func(context.Context) context.Context { return context.Background() }},
		{name: "values only", timeout: facade.DefaultTimeout, ctx: func(context.Context) context.Context {
			return context.WithValue(context.Background(), ctxKey{}, "v")
		}},
		{name: "earlier caller deadline", timeout: time.Hour, ctx: func(ctx context.Context) context.Context {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			t.Cleanup(cancel)
			return ctx
		}},
		{name: "later caller deadline", timeout: time.Minute, ctx: func(ctx context.Context) context.Context {
			ctx, cancel := context.WithTimeout(ctx, time.Hour)
			t.Cleanup(cancel)
			return ctx
		}},
		{name: "no timeout", timeout: time.Minute, ctx: NoTimeout},
		{name: "no timeout configured", timeout: 0},
		{name: "caller's user agent", timeout: time.Minute, agent: "mine/1"},
		{name: "caller's user agent and deadline", timeout: time.Hour, agent: "mine/1", ctx: func(ctx context.Context) context.Context {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			t.Cleanup(cancel)
			return ctx
		}},
		{name: "retried", timeout: time.Minute, statuses: []int{503, 200}},
	}
	for credName, creds := range credentialKinds() {
		for _, p := range paths {
			t.Run(credName+"/"+p.name, func(t *testing.T) {
				got := &seen{}
				statuses := p.statuses
				if statuses == nil {
					statuses = []int{200}
				}
				var hits int
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					got.record(r)
					got.mu.Lock()
					status := statuses[min(hits, len(statuses)-1)]
					hits++
					got.mu.Unlock()
					w.WriteHeader(status)
				}))
				defer srv.Close()
				s := &sleeper{}
				c, _, err := newClient(Config{BaseURL: srv.URL, Credentials: creds,
					Options: facade.NewOptions(facade.WithTimeout(p.timeout), facade.WithUserAgent("bot/1"))}, s.sleep, nil)
				if err != nil {
					t.Fatal(err)
				}
				ctx := t.Context()
				if p.ctx != nil {
					ctx = p.ctx(ctx)
				}
				req := newRequest(t, ctx, "GET", srv.URL+"/x?page=2", nil)
				accept := make([]string, 1, 4) // room an append could write into
				accept[0] = "application/json"
				req.Header["Accept"] = accept
				if p.agent != "" {
					req.Header.Set("User-Agent", p.agent)
				}
				wantHeader := req.Header.Clone()
				wantURL := req.URL.String()
				url := req.URL

				for range 2 {
					got.mu.Lock()
					hits = 0
					got.mu.Unlock()
					resp := do(t, c, req)
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Fatalf("status %d", resp.StatusCode)
					}
					if !reflect.DeepEqual(req.Header, wantHeader) || req.URL != url || req.URL.String() != wantURL || req.Context() != ctx {
						// Not printed: a changed header or URL may hold the token.
						t.Fatalf("caller's request modified: header %t, URL %t, context %t",
							!reflect.DeepEqual(req.Header, wantHeader), req.URL != url || req.URL.String() != wantURL, req.Context() != ctx)
					}
					if spare := accept[:2][1]; spare != "" {
						t.Fatalf("a layer wrote %q into the caller's header slice", spare)
					}
				}
				wantAgent := "switchboard/" + facade.Version + " bot/1"
				if p.agent != "" {
					wantAgent = p.agent
				}
				wantAccept := "application/json"
				switch creds.(type) {
				case HeaderCredential, *HeaderCredential:
				default:
					wantAccept += ",text/plain"
				}
				wantKey := strings.Contains(credName, "query")
				wantHits := 2 * len(statuses)
				if len(got.tokens) != wantHits {
					t.Fatalf("%d requests, want %d", len(got.tokens), wantHits)
				}
				for i := range got.tokens {
					if got.tokens[i] != token || got.agents[i] != wantAgent || got.accepts[i] != wantAccept || (got.keys[i] == token) != wantKey {
						t.Errorf("attempt %d got token %t, User-Agent %q, Accept %q, query key %t", i+1,
							got.tokens[i] == token, got.agents[i], got.accepts[i], got.keys[i] == token)
					}
				}
			})
		}
	}
}

// TestCredentialsStayHomeOnEveryPath: with every kind of credentials, the
// bound origin gets them, a redirect to another origin and a request to
// another origin do not, and a debug log of the whole exchange holds none.
func TestCredentialsStayHomeOnEveryPath(t *testing.T) {
	for credName, creds := range credentialKinds() {
		t.Run(credName, func(t *testing.T) {
			other := &seen{}
			b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.record(r) }))
			defer b.Close()
			home := &seen{}
			a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				home.record(r)
				http.Redirect(w, r, b.URL+"/landing", http.StatusFound)
			}))
			defer a.Close()
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, _, err := newClient(Config{BaseURL: a.URL, Credentials: creds,
				Options: facade.NewOptions(facade.WithLogger(logger))}, (&sleeper{}).sleep, nil)
			if err != nil {
				t.Fatal(err)
			}
			do(t, c, newRequest(t, t.Context(), "GET", a.URL+"/start", nil))
			do(t, c, newRequest(t, t.Context(), "GET", b.URL+"/direct", nil))
			if len(home.tokens) != 1 || home.tokens[0] != token {
				t.Errorf("bound origin got tokens %d times", len(home.tokens))
			}
			if len(other.tokens) != 2 {
				t.Fatalf("other origin got %d requests, want the redirect and the direct one", len(other.tokens))
			}
			for i := range other.tokens {
				if other.tokens[i] != "" || other.keys[i] != "" {
					t.Errorf("other origin's request %d carried the credentials", i+1)
				}
			}
			if strings.Contains(buf.String(), token) {
				t.Errorf("log holds the credentials:\n%s", buf.String())
			}
			if !strings.Contains(buf.String(), `"msg":"http response"`) {
				t.Errorf("nothing logged:\n%s", buf.String())
			}
		})
	}
}

// TestCallerDeadlineBoundsTheCall: when the caller's context ends before
// the client's timeout would, the call runs under that context alone (no
// timer of the client's) and is still bounded by it until the body is
// closed: a server that does not answer, or a body read past the
// deadline, end with context.DeadlineExceeded. A later caller deadline
// still gets the client's timeout.
func TestCallerDeadlineBoundsTheCall(t *testing.T) {
	srv := stallingServer(t)

	for _, tc := range []struct {
		name            string
		client, caller  time.Duration
		callerCtxBelow  bool // the layers below see the caller's context itself
		wantWithinRange time.Duration
	}{
		{"earlier caller deadline", time.Hour, 150 * time.Millisecond, true, 150 * time.Millisecond},
		{"later caller deadline", 150 * time.Millisecond, time.Hour, false, 150 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spy := &contextSpy{}
			c, _ := newTestClient(t, srv.URL, facade.WithTimeout(tc.client), facade.WithMiddleware(spy.wrap))
			for _, path := range []string{"/silent", "/stream"} {
				ctx, cancel := context.WithTimeout(t.Context(), tc.caller)
				took, err := getAll(t, c, ctx, srv.URL+path)
				cancel()
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("%s: err = %v, want a deadline error", path, err)
				}
				if took < tc.wantWithinRange || took > 4*time.Second {
					t.Errorf("%s: ended after %v, want the %v deadline", path, took, tc.wantWithinRange)
				}
				if below := spy.last(); (below == ctx) != tc.callerCtxBelow {
					t.Errorf("%s: layers below saw the caller's context: %v, want %v", path, below == ctx, tc.callerCtxBelow)
				}
			}
		})
	}
}

// TestBodyCloseEndsTheCall: closing the body before its end ends the
// exchange on both timeout paths (the server sees its request cancelled),
// and on the client's timer path also releases the timer's context, while
// the caller's own context is never cancelled by it.
func TestBodyCloseEndsTheCall(t *testing.T) {
	ended := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: a\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			ended <- struct{}{}
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name           string
		client, caller time.Duration
	}{
		{"client timer", time.Minute, time.Hour},
		{"caller deadline", time.Hour, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spy := &contextSpy{}
			c, _ := newTestClient(t, srv.URL, facade.WithTimeout(tc.client), facade.WithMiddleware(spy.wrap))
			ctx, cancel := context.WithTimeout(t.Context(), tc.caller)
			defer cancel()
			resp, err := c.Do(newRequest(t, ctx, "GET", srv.URL, nil))
			if err != nil {
				t.Fatal(err)
			}
			line := make([]byte, len("event: a\n"))
			if _, err := io.ReadFull(resp.Body, line); err != nil {
				t.Fatal(err)
			}
			below := spy.last()
			if below.Err() != nil {
				t.Fatal("call's context ended before the body was closed")
			}
			resp.Body.Close()
			select {
			case <-ended:
			case <-time.After(5 * time.Second):
				t.Fatal("closing the body did not end the exchange")
			}
			if ctx.Err() != nil {
				t.Error("closing the body cancelled the caller's context")
			}
			if below != ctx && !errors.Is(below.Err(), context.Canceled) {
				t.Errorf("client timer's context after close: %v, want cancelled", below.Err())
			}
		})
	}
}
