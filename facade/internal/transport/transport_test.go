package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

const token = "tok-3f9a7c-secret"

// sleeper records the delays the retry layer asks for instead of waiting.
type sleeper struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

// newTestClient builds a client bound to baseURL with the token credential
// and a recording sleeper.
func newTestClient(t *testing.T, baseURL string, opts ...facade.Option) (*http.Client, *sleeper) {
	t.Helper()
	s := &sleeper{}
	c, _, err := newClient(Config{
		Platform:    "test",
		BaseURL:     baseURL,
		Credentials: HeaderCredential{Name: "X-Cachet-Token", Value: token},
		Options:     facade.NewOptions(opts...),
	}, s.sleep, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// counter is a handler that records hits and serves statuses in sequence,
// the last one repeating.
type counter struct {
	hits     atomic.Int32
	statuses []int
	header   http.Header
	mu       sync.Mutex
	bodies   []string
	tokens   []string
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(c.hits.Add(1))
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies = append(c.bodies, string(b))
	c.tokens = append(c.tokens, r.Header.Get("X-Cachet-Token"))
	c.mu.Unlock()
	status := c.statuses[min(n, len(c.statuses))-1]
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"n":1}`)
}

func do(t *testing.T, c *http.Client, req *http.Request) *http.Response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func newRequest(t *testing.T, ctx context.Context, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestUserAgent(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("User-Agent"))
	}))
	defer srv.Close()

	c, _ := newTestClient(t, srv.URL, facade.WithUserAgent("cli/2"), facade.WithUserAgent("bot/1"))
	do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
	if want := "switchboard/" + facade.Version + " cli/2 bot/1"; got.Load() != want {
		t.Errorf("User-Agent = %q, want %q", got.Load(), want)
	}

	req := newRequest(t, t.Context(), "GET", srv.URL, nil)
	req.Header.Set("User-Agent", "mine")
	do(t, c, req)
	if got.Load() != "mine" {
		t.Errorf("caller's User-Agent overridden: %q", got.Load())
	}
	if req.Header.Get("X-Cachet-Token") != "" {
		t.Error("credentials written onto the caller's request")
	}
}

func TestCredentialsOnlyToBoundHost(t *testing.T) {
	bound, other := &counter{statuses: []int{200}}, &counter{statuses: []int{200}}
	a, b := httptest.NewServer(bound), httptest.NewServer(other)
	defer a.Close()
	defer b.Close()

	c, _ := newTestClient(t, a.URL+"/api/v1")
	do(t, c, newRequest(t, t.Context(), "GET", a.URL+"/api/v1/ping", nil))
	do(t, c, newRequest(t, t.Context(), "GET", b.URL+"/api/v1/ping", nil))
	if bound.tokens[0] != token {
		t.Errorf("bound host got token %q", bound.tokens[0])
	}
	if other.tokens[0] != "" {
		t.Errorf("other host got token %q", other.tokens[0])
	}
}

func TestOriginDefaultPort(t *testing.T) {
	o, err := parseOrigin("https://Example.com/api")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://example.com:443/x", "https://EXAMPLE.com/y"} {
		req := httptest.NewRequest("GET", u, nil)
		if originOf(req.URL) != o {
			t.Errorf("%s not the same origin as https://example.com", u)
		}
	}
	for _, u := range []string{"http://example.com/x", "https://example.com:8443/x", "https://example.com.evil/x"} {
		req := httptest.NewRequest("GET", u, nil)
		if originOf(req.URL) == o {
			t.Errorf("%s treated as the same origin as https://example.com", u)
		}
	}
	if _, err := parseOrigin("/relative"); err == nil {
		t.Error("relative base URL accepted")
	}
}

func TestRedirectToOtherHostDropsCredentials(t *testing.T) {
	other := &counter{statuses: []int{200}}
	b := httptest.NewServer(other)
	defer b.Close()
	var firstToken atomic.Value
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		firstToken.Store(r.Header.Get("X-Cachet-Token"))
		http.Redirect(w, r, b.URL+"/landing", http.StatusFound)
	}))
	defer a.Close()

	c, _ := newTestClient(t, a.URL)
	resp := do(t, c, newRequest(t, t.Context(), "GET", a.URL+"/start", nil))
	if resp.StatusCode != 200 || other.hits.Load() != 1 {
		t.Fatalf("redirect not followed: status %d, hits %d", resp.StatusCode, other.hits.Load())
	}
	if firstToken.Load() != token {
		t.Errorf("origin got token %q", firstToken.Load())
	}
	if other.tokens[0] != "" {
		t.Errorf("redirect target got the credential header: %q", other.tokens[0])
	}
}

func TestUnsafeMethodsNotRedirected(t *testing.T) {
	other := &counter{statuses: []int{200}}
	b := httptest.NewServer(other)
	defer b.Close()
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", b.URL+"/landing")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer a.Close()

	c, _ := newTestClient(t, a.URL)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		resp := do(t, c, newRequest(t, t.Context(), m, a.URL, strings.NewReader("{}")))
		if resp.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("%s: status %d, want the 307 itself", m, resp.StatusCode)
		}
	}
	if other.hits.Load() != 0 {
		t.Errorf("redirect target hit %d times", other.hits.Load())
	}
}

func TestRedirectLimit(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, srv.URL+"/again", http.StatusFound)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	_, err := c.Do(newRequest(t, t.Context(), "GET", srv.URL, nil))
	if err == nil || !strings.Contains(err.Error(), "10 redirects") {
		t.Fatalf("err = %v", err)
	}
	if hits.Load() != maxRedirects { // the original request and 9 redirects
		t.Errorf("hits = %d", hits.Load())
	}
}

func TestPostAndPatchNeverRetried(t *testing.T) {
	for _, m := range []string{"POST", "PATCH"} {
		h := &counter{statuses: []int{503}}
		srv := httptest.NewServer(h)
		c, s := newTestClient(t, srv.URL)
		resp := do(t, c, newRequest(t, t.Context(), m, srv.URL, strings.NewReader(`{"a":1}`)))
		if resp.StatusCode != 503 || h.hits.Load() != 1 || len(s.got()) != 0 {
			t.Errorf("%s: status %d, hits %d, sleeps %v", m, resp.StatusCode, h.hits.Load(), s.got())
		}
		srv.Close()
	}
}

// TestIdempotentPostRetried: a POST marked Idempotent (a GraphQL query)
// is retried like a GET, its body replayed whole on every attempt, while
// the same POST unmarked, or marked in a context that is not the
// request's, still goes through once.
func TestIdempotentPostRetried(t *testing.T) {
	body := `{"query":"query Q { a }"}`
	h := &counter{statuses: []int{503, 429, 502, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, s := newTestClient(t, srv.URL, facade.WithRetry(4, time.Millisecond, time.Second))
	resp := do(t, c, newRequest(t, Idempotent(t.Context()), "POST", srv.URL, strings.NewReader(body)))
	if resp.StatusCode != 200 || h.hits.Load() != 4 || len(s.got()) != 3 {
		t.Fatalf("status %d after %d hits, sleeps %v; want 200 after 4", resp.StatusCode, h.hits.Load(), s.got())
	}
	for i, b := range h.bodies {
		if b != body {
			t.Errorf("attempt %d sent %q, want the whole body again", i+1, b)
		}
	}

	for name, ctx := range map[string]context.Context{
		"unmarked":          t.Context(),
		"marked elsewhere":  context.WithValue(t.Context(), idempotentKey{}, "yes"),
		"mark of a sibling": func() context.Context { _ = Idempotent(t.Context()); return t.Context() }(),
	} {
		h := &counter{statuses: []int{503, 200}}
		srv := httptest.NewServer(h)
		c, s := newTestClient(t, srv.URL, facade.WithRetry(4, time.Millisecond, time.Second))
		resp := do(t, c, newRequest(t, ctx, "POST", srv.URL, strings.NewReader(body)))
		if resp.StatusCode != 503 || h.hits.Load() != 1 || len(s.got()) != 0 {
			t.Errorf("%s: POST status %d after %d hits: a POST not marked Idempotent was retried", name, resp.StatusCode, h.hits.Load())
		}
		srv.Close()
	}
	if !IsIdempotent(Idempotent(context.Background())) || IsIdempotent(context.Background()) {
		t.Error("IsIdempotent does not read the mark")
	}
}

// TestIdempotentPostRetriedAfterReset: a connection cut before any answer
// ends an unmarked POST (it may have been applied), but a marked one is
// sent again.
func TestIdempotentPostRetriedAfterReset(t *testing.T) {
	for _, marked := range []bool{true, false} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hits.Add(1) == 1 {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
			_, _ = io.WriteString(w, `{}`)
		}))
		c, _ := newTestClient(t, srv.URL, facade.WithRetry(2, time.Millisecond, time.Second))
		ctx := t.Context()
		if marked {
			ctx = Idempotent(ctx)
		}
		resp, err := c.Do(newRequest(t, ctx, "POST", srv.URL, strings.NewReader(`{"query":"{ a }"}`)))
		if marked && (err != nil || resp.StatusCode != 200 || hits.Load() != 2) {
			t.Errorf("marked POST after a reset: %v, %d hits; want a retry that succeeds", err, hits.Load())
		}
		if !marked && (err == nil || hits.Load() != 1) {
			t.Errorf("unmarked POST after a reset: %v, %d hits; want the error, no retry", err, hits.Load())
		}
		if resp != nil {
			resp.Body.Close()
		}
		srv.Close()
	}
}

func TestGetRetriedThenSucceeds(t *testing.T) {
	h := &counter{statuses: []int{503, 500, 504, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, s := newTestClient(t, srv.URL, facade.WithRetry(4, 100*time.Millisecond, time.Second))
	resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
	if resp.StatusCode != 200 || h.hits.Load() != 4 {
		t.Fatalf("status %d after %d hits", resp.StatusCode, h.hits.Load())
	}
	delays := s.got()
	if len(delays) != 3 {
		t.Fatalf("delays = %v", delays)
	}
	for i, d := range delays {
		ceiling := min(time.Second, 100*time.Millisecond<<(i+1))
		if d < 100*time.Millisecond || d > ceiling {
			t.Errorf("delay %d = %v, want within [100ms, %v]", i, d, ceiling)
		}
	}
	for i, tok := range h.tokens {
		if tok != token {
			t.Errorf("attempt %d without credentials", i+1)
		}
	}
}

func TestRetriesExhausted(t *testing.T) {
	h := &counter{statuses: []int{503}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, facade.WithRetry(2, 0, 0))
	resp := do(t, c, newRequest(t, t.Context(), "DELETE", srv.URL, nil))
	if resp.StatusCode != 503 || h.hits.Load() != 3 {
		t.Fatalf("status %d after %d hits, want 503 after 3", resp.StatusCode, h.hits.Load())
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != `{"n":1}` {
		t.Errorf("final body %q", b)
	}
}

func TestNoRetryOnOtherStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 404, 409, 422, 501} {
		h := &counter{statuses: []int{status, 200}}
		srv := httptest.NewServer(h)
		c, _ := newTestClient(t, srv.URL)
		resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
		if resp.StatusCode != status || h.hits.Load() != 1 {
			t.Errorf("status %d retried (%d hits)", status, h.hits.Load())
		}
		srv.Close()
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	h := &counter{statuses: []int{429, 200}, header: http.Header{"Retry-After": {"3"}}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// The cap is below the server's request: Retry-After still wins.
	c, s := newTestClient(t, srv.URL, facade.WithRetry(3, 10*time.Millisecond, time.Second))
	resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if d := s.got(); len(d) != 1 || d[0] != 3*time.Second {
		t.Errorf("delays = %v, want [3s]", d)
	}
}

func TestRetryAfterBeyondDeadlineGivesUp(t *testing.T) {
	h := &counter{statuses: []int{429, 200}, header: http.Header{"Retry-After": {"120"}}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, s := newTestClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp := do(t, c, newRequest(t, ctx, "GET", srv.URL, nil))
	if resp.StatusCode != 429 || h.hits.Load() != 1 || len(s.got()) != 0 {
		t.Errorf("status %d, hits %d, sleeps %v; want the 429 at once", resp.StatusCode, h.hits.Load(), s.got())
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != `{"n":1}` {
		t.Errorf("body of the returned 429 = %q", b)
	}
}

func TestRetryAfterBeyondLimitGivesUpWithoutDeadline(t *testing.T) {
	// No deadline and no client timeout: a server asking for an hour must
	// not make the caller hang for an hour. With a 1 s cap the limit is 6 s.
	h := &counter{statuses: []int{503, 200}, header: http.Header{"Retry-After": {"3600"}}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, s := newTestClient(t, srv.URL, facade.WithTimeout(0), facade.WithRetry(3, 10*time.Millisecond, time.Second))
	resp := do(t, c, newRequest(t, context.Background(), "GET", srv.URL, nil))
	if resp.StatusCode != 503 || h.hits.Load() != 1 || len(s.got()) != 0 {
		t.Errorf("status %d, hits %d, sleeps %v; want the 503 at once", resp.StatusCode, h.hits.Load(), s.got())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999999999", 0, false},
		{"999999999", 24 * time.Hour, true},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	for _, j := range []func(int64) int64{
		func(int64) int64 { return 0 },
		func(n int64) int64 { return n - 1 },
	} {
		rt := newRetryTransport(nil, facade.NewOptions(facade.WithRetry(40, 200*time.Millisecond, 10*time.Second)), nil, nil, nil, j)
		for attempt := 1; attempt <= 40; attempt++ {
			d := rt.backoff(attempt)
			ceiling := 10 * time.Second
			if attempt < 6 {
				ceiling = 200 * time.Millisecond << attempt
			}
			if d < 200*time.Millisecond || d > ceiling {
				t.Errorf("attempt %d: %v outside [200ms, %v]", attempt, d, ceiling)
			}
		}
	}
}

func TestNoRetryAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		cancel()
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c, s := newTestClient(t, srv.URL)
	resp, err := c.Do(newRequest(t, ctx, "GET", srv.URL, nil))
	if err == nil {
		resp.Body.Close()
	}
	if hits.Load() != 1 || len(s.got()) != 0 {
		t.Errorf("hits %d, sleeps %v after cancel", hits.Load(), s.got())
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSleepStopsAtCancel(t *testing.T) {
	h := &counter{statuses: []int{503}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _, err := NewClient(Config{BaseURL: srv.URL, Options: facade.NewOptions(facade.WithRetry(3, time.Hour, time.Hour), facade.WithTimeout(0))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Do(newRequest(t, ctx, "GET", srv.URL, nil))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("slept past cancellation")
	}
}

func TestPutBodyReplayed(t *testing.T) {
	h := &counter{statuses: []int{503, 503, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	body := `{"name":"api","status":1}`
	resp := do(t, c, newRequest(t, t.Context(), "PUT", srv.URL, strings.NewReader(body)))
	if resp.StatusCode != 200 || len(h.bodies) != 3 {
		t.Fatalf("status %d after %d hits", resp.StatusCode, len(h.bodies))
	}
	for i, b := range h.bodies {
		if b != body {
			t.Errorf("attempt %d sent %q", i+1, b)
		}
	}
}

func TestNoRetryWithoutGetBody(t *testing.T) {
	h := &counter{statuses: []int{503, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	body := io.MultiReader(strings.NewReader("once")) // NewRequest sets no GetBody for this
	resp := do(t, c, newRequest(t, t.Context(), "PUT", srv.URL, body))
	if resp.StatusCode != 503 || h.hits.Load() != 1 {
		t.Errorf("status %d after %d hits; an unreplayable body must not be retried", resp.StatusCode, h.hits.Load())
	}
}

func TestRetryOnConnectionError(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close() // no response at all
			}
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c, s := newTestClient(t, srv.URL)
	// Disable keep-alives so net/http's own retry of reused connections
	// cannot hide ours.
	c.Transport.(*timeoutTransport).next.(*logTransport).next.(*retryTransport).next.(*credentialTransport).next.(*http.Transport).DisableKeepAlives = true
	resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
	if resp.StatusCode != 200 || len(s.got()) != 1 {
		t.Errorf("status %d, sleeps %v", resp.StatusCode, s.got())
	}
}

func TestTimeoutNotRetried(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, s := newTestClient(t, srv.URL, facade.WithTimeout(50*time.Millisecond))
	_, err := c.Do(newRequest(t, t.Context(), "GET", srv.URL, nil))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
	if hits.Load() != 1 || len(s.got()) != 0 {
		t.Errorf("hits %d, sleeps %v", hits.Load(), s.got())
	}
}

// The default timeout covers reading the body too, as a whole-call
// timeout must; NoTimeout lifts it for streams, which send their first
// bytes at once and the rest for as long as they last.
func TestTimeoutCoversBodyAndNoTimeoutLiftsIt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: a\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-time.After(300 * time.Millisecond):
			_, _ = io.WriteString(w, "event: b\n\n")
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, facade.WithTimeout(100*time.Millisecond))

	resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
	_, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("reading a body past the timeout: err = %v, want a deadline error", err)
	}

	resp = do(t, c, newRequest(t, NoTimeout(t.Context()), "GET", srv.URL, nil))
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "event: a\n\nevent: b\n\n" {
		t.Errorf("under NoTimeout: body %q, err %v; want both events", body, err)
	}
}

func TestLoggingRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "session=abcdef")
		if r.Header.Get("X-Cachet-Token") != token {
			w.WriteHeader(401)
		}
		// A server that echoes the token in a field we do not know about.
		_, _ = io.WriteString(w, `{"data":{"id":1,"echo":"`+token+`","password":"hunter22"}}`)
	}))
	defer srv.Close()

	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv.URL, facade.WithLogger(logger))
	req := newRequest(t, t.Context(), "PUT", srv.URL+"/x?api_key=querykey&page=1", strings.NewReader(`{"token":"bodytoken","name":"n"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp := do(t, c, req)
	got, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(got), token) {
		t.Fatalf("the caller must still get the real body, got %q", got)
	}

	out := buf.String()
	for _, secret := range []string{token, "querykey", "bodytoken", "hunter22", "abcdef"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "[REDACTED]") {
		t.Errorf("log has no [REDACTED]:\n%s", out)
	}
	for _, want := range []string{`"msg":"http request"`, `"msg":"http response"`, `"platform":"test"`, `"status":200`, `"attempts":1`, `&page=1`, `\"name\":\"n\"`, `"Bearer [REDACTED]"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestLoggingRetriesAndAttempts(t *testing.T) {
	h := &counter{statuses: []int{503, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv.URL+"?token="+token, facade.WithLogger(logger))
	do(t, c, newRequest(t, t.Context(), "GET", srv.URL+"?token="+token, nil))
	out := buf.String()
	if !strings.Contains(out, `"msg":"http retry"`) || !strings.Contains(out, `"attempts":2`) {
		t.Errorf("log:\n%s", out)
	}
	if strings.Contains(out, token) {
		t.Errorf("log leaks the token:\n%s", out)
	}
}

func TestLoggingKeepsLargeBodyIntact(t *testing.T) {
	large := `{"items":[` + strings.Repeat(`{"id":12345,"name":"component"},`, 2000) + `{"id":0}]}`
	for _, chunked := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if !chunked {
				w.Header().Set("Content-Length", strconv.Itoa(len(large)))
			}
			_, _ = io.WriteString(w, large)
		}))
		var buf bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, _ := newTestClient(t, srv.URL, facade.WithLogger(logger))
		resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
		got, err := io.ReadAll(resp.Body)
		if err != nil || string(got) != large {
			t.Errorf("chunked=%v: body altered (%d bytes, err %v)", chunked, len(got), err)
		}
		if !strings.Contains(buf.String(), "body_truncated=true") {
			t.Errorf("chunked=%v: excerpt not marked truncated:\n%.500s", chunked, buf.String())
		}
		srv.Close()
	}
}

func TestLoggingDoesNotStallEventStream(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv.URL, facade.WithLogger(logger), facade.WithTimeout(0))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp := do(t, c, newRequest(t, ctx, "GET", srv.URL, nil))
	line := make([]byte, len("data: first\n"))
	if _, err := io.ReadFull(resp.Body, line); err != nil {
		t.Fatalf("stream stalled: %v", err)
	}
	if strings.Contains(buf.String(), "data: first") {
		t.Error("event stream body was logged")
	}
}

func TestNoLoggingWhenDisabled(t *testing.T) {
	srv := httptest.NewServer(&counter{statuses: []int{200}})
	defer srv.Close()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, _ := newTestClient(t, srv.URL, facade.WithLogger(logger))
	do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
	if buf.Len() != 0 {
		t.Errorf("logged at info level: %s", buf.String())
	}
}

func TestCredentialError(t *testing.T) {
	srv := httptest.NewServer(&counter{statuses: []int{200}})
	defer srv.Close()
	boom := errors.New("token refresh failed")
	c, _, err := NewClient(Config{BaseURL: srv.URL, Credentials: CredentialsFunc(func(context.Context, *http.Request) error { return boom })})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(srv.URL)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

func TestHeaderCredentialSecrets(t *testing.T) {
	_, scrub, err := NewClient(Config{
		BaseURL:     "https://h",
		Credentials: HeaderCredential{Name: "Authorization", Value: "Bearer abcd1234"},
		Secrets:     []string{"p4ssword"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := scrub.String("echo abcd1234 and p4ssword"); got != "echo [REDACTED] and [REDACTED]" {
		t.Errorf("got %q", got)
	}
}

func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "secure")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()

	t.Run("refused by default", func(t *testing.T) {
		c, s := newTestClient(t, srv.URL)
		_, err := c.Get(srv.URL)
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Fatalf("err = %v, want an x509 unknown authority error", err)
		}
		if len(s.got()) != 0 {
			t.Error("certificate error retried")
		}
	})
	t.Run("insecure by name", func(t *testing.T) {
		c, _ := newTestClient(t, srv.URL, facade.WithInsecureSkipVerify())
		resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
		if resp.StatusCode != 200 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("CA file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		c, _ := newTestClient(t, srv.URL, facade.WithCACertFile(path))
		resp := do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))
		if resp.StatusCode != 200 {
			t.Errorf("status %d", resp.StatusCode)
		}
		tr := c.Transport.(*timeoutTransport).next.(*logTransport).next.(*retryTransport).next.(*credentialTransport).next.(*http.Transport)
		if tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.TLSClientConfig.InsecureSkipVerify {
			t.Errorf("TLS config %+v", tr.TLSClientConfig)
		}
	})
	t.Run("bad CA file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "empty.pem")
		_ = os.WriteFile(path, []byte("not pem"), 0o600)
		if _, _, err := NewClient(Config{Options: facade.NewOptions(facade.WithCACertFile(path))}); err == nil {
			t.Error("CA file without certificates accepted")
		}
		if _, _, err := NewClient(Config{Options: facade.NewOptions(facade.WithCACertFile(path + ".missing"))}); err == nil {
			t.Error("missing CA file accepted")
		}
	})
	t.Run("custom base transport", func(t *testing.T) {
		base := srv.Client().Transport // trusts the test certificate
		c, _ := newTestClient(t, srv.URL, facade.WithBaseTransport(base))
		do(t, c, newRequest(t, t.Context(), "GET", srv.URL, nil))

		wrapped := roundTripFunc(base.RoundTrip)
		if _, _, err := NewClient(Config{Options: facade.NewOptions(facade.WithBaseTransport(wrapped), facade.WithInsecureSkipVerify())}); err == nil {
			t.Error("TLS option silently ignored on a non-*http.Transport base")
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestQuietBodyKeepsBodiesOutOfLogs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "eyJhbGciOiJIUzI1NiJ9.fresh-jwt.sig")
	}))
	defer srv.Close()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, _, err := NewClient(Config{BaseURL: srv.URL, Options: facade.NewOptions(facade.WithLogger(logger))})
	if err != nil {
		t.Fatal(err)
	}
	for _, quiet := range []bool{false, true} {
		buf.Reset()
		ctx := context.Background()
		if quiet {
			ctx = QuietBody(ctx)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/login", strings.NewReader(`{"login":"ana","password":"pw-in-body"}`))
		req.Header.Set("Content-Type", "application/json")
		req.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(`{"login":"ana","password":"pw-in-body"}`)), nil
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "eyJhbGciOiJIUzI1NiJ9.fresh-jwt.sig" {
			t.Fatalf("caller got %q", body)
		}
		logged := strings.Contains(buf.String(), "fresh-jwt")
		if logged == quiet {
			t.Fatalf("quiet=%v: response body logged=%v\n%s", quiet, logged, buf.String())
		}
		if !strings.Contains(buf.String(), `"url"`) {
			t.Fatalf("quiet=%v: the exchange itself was not logged:\n%s", quiet, buf.String())
		}
	}
}

func TestSharedScrubber(t *testing.T) {
	_, first, err := NewClient(Config{BaseURL: "https://auth.example", Secrets: []string{"first-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := NewClient(Config{BaseURL: "https://api.example", Scrubber: first, Secrets: []string{"second-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Fatal("Config.Scrubber was not used")
	}
	if got := first.String("first-secret second-secret"); strings.Contains(got, "secret") {
		t.Fatalf("shared scrubber missed a client's secret: %q", got)
	}
}

func TestLocalhostSubdomainsReachLoopback(t *testing.T) {
	var host string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host = r.Host
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	base := "http://demo-workspace.localhost:" + port
	client, _, err := NewClient(Config{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(base + "/projects/platform/1/")
	if err != nil {
		t.Fatalf("GET %s: %v", base, err)
	}
	resp.Body.Close()
	if host != "demo-workspace.localhost:"+port {
		t.Fatalf("Host header %q: the name must be kept, only the address resolved", host)
	}
}

func TestMiddlewareOrderAndPlace(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	var trail []string
	layer := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				trail = append(trail, name+":"+r.Header.Get("X-Token"))
				return next.RoundTrip(r)
			})
		}
	}
	client, _, err := NewClient(Config{
		BaseURL:     srv.URL,
		Credentials: HeaderCredential{Name: "X-Token", Value: "tok-mw-1234"},
		Options:     facade.NewOptions(facade.WithMiddleware(layer("outer")), facade.WithMiddleware(layer("inner"))),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Join(trail, ",") != "outer:tok-mw-1234,inner:tok-mw-1234" {
		t.Fatalf("trail %v: want outer then inner, below the credentials", trail)
	}
}

func TestRefusedCredentialsAreNotRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	cases := []struct {
		name      string
		err       error
		wantTries int32
	}{
		{"refused login", &facade.APIError{StatusCode: 401, Message: "invalid_grant"}, 1},
		{"bad config", &facade.ConfigError{Setting: "token"}, 1},
		{"login service down", &facade.APIError{StatusCode: 503}, 3},
		{"login rate limited", &facade.APIError{StatusCode: 429}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tries atomic.Int32
			s := &sleeper{}
			client, _, err := newClient(Config{
				BaseURL: srv.URL,
				Credentials: CredentialsFunc(func(context.Context, *http.Request) error {
					tries.Add(1)
					return fmt.Errorf("renewing credentials: %w", c.err)
				}),
				Options: facade.NewOptions(facade.WithRetry(2, time.Millisecond, time.Millisecond)),
			}, s.sleep, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Get(srv.URL)
			if !errors.As(err, new(*facade.APIError)) && !errors.As(err, new(*facade.ConfigError)) {
				t.Fatalf("error %v lost its cause", err)
			}
			if tries.Load() != c.wantTries {
				t.Fatalf("credentials applied %d times, want %d", tries.Load(), c.wantTries)
			}
		})
	}
}

func TestSharedValueSurvivesHeaderAdd(t *testing.T) {
	v := SharedValue("application/json")
	first, second := http.Header{"Accept": v}, http.Header{"Accept": v}
	first.Add("Accept", "text/plain")
	if got := second["Accept"]; len(got) != 1 || got[0] != "application/json" || len(v) != 1 {
		t.Fatalf("an Add on one request reached the other: %q (shared %q)", got, v)
	}
}
