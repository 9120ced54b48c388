package st2test_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newServer starts a server on a fake clock without the background
// ticker, so that only requests and Tick move executions.
func newServer(t *testing.T, opts ...st2test.Option) (*st2test.Server, *fakeClock) {
	t.Helper()
	clk := newClock()
	srv := st2test.NewServer(append([]st2test.Option{st2test.WithClock(clk.Now), st2test.WithTickInterval(0)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, clk
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func (r resp) list(t *testing.T) []map[string]any {
	t.Helper()
	var l []map[string]any
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return l
}

func (r resp) fault(t *testing.T) string {
	t.Helper()
	s, _ := r.obj(t)["faultstring"].(string)
	return s
}

// call sends a request with the server's API key (unless hdr overrides
// the credentials) and returns the answer.
func call(t *testing.T, srv *st2test.Server, method, url string, body any, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	if !strings.HasPrefix(url, "http") {
		url = srv.APIURL + url
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if len(hdr) == 0 {
		req.Header.Set("St2-Api-Key", srv.APIKey)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] != "" {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func expect(t *testing.T, r resp, status int) resp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}
