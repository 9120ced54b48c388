package cachettest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/fault"
)

// answer is what a client got: the status, headers and body it read, and
// the error that ended the exchange, if any.
type answer struct {
	code int
	h    http.Header
	body []byte
	err  error
}

func send(ctx context.Context, srv *cachettest.Server, method, path, body string) answer {
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("X-Cachet-Token", srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b, err}
}

// errorTitle reads errors[0].title, the shape of Cachet's error bodies.
func errorTitle(b []byte) string {
	var e struct {
		Errors []struct{ Title string } `json:"errors"`
	}
	if json.Unmarshal(b, &e) != nil || len(e.Errors) != 1 {
		return ""
	}
	return e.Errors[0].Title
}

// Every kind of fault reaches a client as package fault describes it,
// with Cachet's own error body where there is one, in front of the
// emulator's latency.
func TestFailNextWithEveryKind(t *testing.T) {
	ctx := context.Background()
	const comps = "/components"
	newComp := `{"name":"api","status":1}`
	cases := []struct {
		f       cachettest.Fault
		method  string
		body    string
		check   func(t *testing.T, a answer)
		creates bool // the request reached the emulator and did its work
	}{
		{cachettest.Fault{Kind: fault.Status, Status: 502}, "GET", "", func(t *testing.T, a answer) {
			if a.err != nil || a.code != 502 || errorTitle(a.body) != "Bad Gateway" {
				t.Fatalf("%d %s %v: want 502 with errors[0].title", a.code, a.body, a.err)
			}
		}, false},
		{cachettest.Fault{Kind: fault.RateLimit, RetryAfter: 2 * time.Second}, "GET", "", func(t *testing.T, a answer) {
			if a.err != nil || a.code != 429 || a.h.Get("Retry-After") != "2" || errorTitle(a.body) != "Too Many Requests" {
				t.Fatalf("%d Retry-After %q %s %v", a.code, a.h.Get("Retry-After"), a.body, a.err)
			}
		}, false},
		{cachettest.Fault{Kind: fault.HTML}, "GET", "", func(t *testing.T, a answer) {
			if a.err != nil || a.code != 502 || !strings.HasPrefix(a.h.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %q %v: want a proxy's HTML 502", a.code, a.h.Get("Content-Type"), a.err)
			}
		}, false},
		{cachettest.Fault{Kind: fault.Malformed}, "GET", "", func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) {
				t.Fatalf("%d %q %v: want a 200 that is not JSON", a.code, a.body, a.err)
			}
		}, false},
		{cachettest.Fault{Kind: fault.Truncate}, "POST", newComp, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) || !strings.HasPrefix(string(a.body), `{"data":{`) {
				t.Fatalf("%d %q %v: want half of the created component", a.code, a.body, a.err)
			}
		}, true},
		{cachettest.Fault{Kind: fault.Reset}, "POST", newComp, func(t *testing.T, a answer) {
			if !errors.Is(a.err, io.ErrUnexpectedEOF) || a.code != 200 {
				t.Fatalf("%d %v: want the connection cut mid-body", a.code, a.err)
			}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			srv := cachettest.NewServer(cachettest.WithLatency(300 * time.Millisecond))
			t.Cleanup(srv.Close)
			c.f.Pattern = c.method + " /api/v1" + comps
			srv.FailNextWith(1, c.f)
			start := time.Now()
			a := send(ctx, srv, c.method, comps, c.body)
			c.check(t, a)
			if d := time.Since(start); !c.creates && d >= 300*time.Millisecond {
				t.Errorf("answered in %v: the fault must come before the latency", d)
			}
			if got := send(ctx, srv, "GET", comps, ""); got.code != 200 || strings.Contains(string(got.body), `"api"`) != c.creates {
				t.Errorf("after the fault: %d %s; component created: want %v", got.code, got.body, c.creates)
			}
			if n := srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		srv := cachettest.NewServer()
		t.Cleanup(srv.Close)
		srv.FailNextWith(1, cachettest.Fault{Kind: fault.Stall, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if a := send(ctx, srv, "GET", "/ping", ""); !errors.Is(a.err, context.DeadlineExceeded) {
			t.Fatalf("%d %v: want the client's deadline", a.code, a.err)
		}
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		srv := cachettest.NewServer(cachettest.WithFaultSeed(seed))
		defer srv.Close()
		srv.Faults().SetRate(0.3, cachettest.Fault{Kind: fault.Status, Status: 500})
		var codes []int
		failed := 0
		for range 60 {
			a := send(context.Background(), srv, "GET", "/ping", "")
			codes = append(codes, a.code)
			if a.code == 500 {
				failed++
				if errorTitle(a.body) != "Internal Server Error" {
					t.Fatalf("random fault body %s", a.body)
				}
			}
		}
		if failed == 0 || failed == 60 || int64(failed) != srv.Faults().Injected() {
			t.Fatalf("%d of 60 failed, Injected() = %d", failed, srv.Faults().Injected())
		}
		return codes
	}
	if a, b := run(42), run(42); !slices.Equal(a, b) {
		t.Fatalf("seed 42 twice:\n%v\n%v", a, b)
	}
}
