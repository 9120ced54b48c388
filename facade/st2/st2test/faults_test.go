package st2test_test

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

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// answer is what a client got: the status, headers and body it read, and
// the error that ended the exchange, if any.
type answer struct {
	code int
	h    http.Header
	body []byte
	err  error
}

func send(ctx context.Context, srv *st2test.Server, method, path, body string) answer {
	req, err := http.NewRequestWithContext(ctx, method, srv.APIURL+path, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("St2-Api-Key", srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b, err}
}

func faultstring(b []byte) string {
	var e struct {
		Faultstring string `json:"faultstring"`
	}
	_ = json.Unmarshal(b, &e)
	return e.Faultstring
}

// Every kind of fault reaches a client as package fault describes it,
// with st2's own error body where there is one. Reset and Truncate let
// the request through: the action exists although the client cannot
// know it.
func TestFailNextWithEveryKind(t *testing.T) {
	ctx := context.Background()
	newAction := `{"name":"a","pack":"default","runner_type":"noop"}`
	cases := []struct {
		f       st2test.Fault
		method  string
		body    string
		check   func(t *testing.T, a answer)
		creates bool
	}{
		{st2test.Fault{Kind: fault.Status, Status: 500}, "POST", newAction, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 500 || faultstring(a.body) != "Internal Server Error" {
				t.Fatalf("%d %s %v: want 500 with a faultstring", a.code, a.body, a.err)
			}
		}, false},
		{st2test.Fault{Kind: fault.RateLimit}, "POST", newAction, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 429 || a.h.Get("Retry-After") != "1" || faultstring(a.body) != "Too Many Requests" {
				t.Fatalf("%d Retry-After %q %s %v", a.code, a.h.Get("Retry-After"), a.body, a.err)
			}
		}, false},
		{st2test.Fault{Kind: fault.HTML, Status: 504}, "POST", newAction, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 504 || !strings.Contains(string(a.body), "<h1>504 Gateway Timeout</h1>") {
				t.Fatalf("%d %s %v: want a proxy's HTML 504", a.code, a.body, a.err)
			}
		}, false},
		{st2test.Fault{Kind: fault.Malformed}, "GET", "", func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) {
				t.Fatalf("%d %q %v: want a 200 that is not JSON", a.code, a.body, a.err)
			}
		}, false},
		{st2test.Fault{Kind: fault.Truncate}, "POST", newAction, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 201 || json.Valid(a.body) || !strings.HasPrefix(string(a.body), "{") {
				t.Fatalf("%d %q %v: want half of the created action", a.code, a.body, a.err)
			}
		}, true},
		{st2test.Fault{Kind: fault.Reset}, "POST", newAction, func(t *testing.T, a answer) {
			if !errors.Is(a.err, io.ErrUnexpectedEOF) || a.code != 201 {
				t.Fatalf("%d %v: want the connection cut mid-body", a.code, a.err)
			}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			srv, _ := newServer(t)
			c.f.Pattern = c.method + " /api/v1/actions"
			srv.FailNextWith(1, c.f)
			send(ctx, srv, "GET", "/executions", "") // not matched
			c.check(t, send(ctx, srv, c.method, "/actions", c.body))
			if got := send(ctx, srv, "GET", "/actions/default.a", ""); (got.code == 200) != c.creates {
				t.Errorf("after the fault: GET the action: %d; want it created: %v", got.code, c.creates)
			}
			if n := srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		srv, _ := newServer(t)
		srv.FailNextWith(1, st2test.Fault{Kind: fault.Stall, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if a := send(ctx, srv, "GET", "/actions", ""); !errors.Is(a.err, context.DeadlineExceeded) {
			t.Fatalf("%d %v: want the client's deadline", a.code, a.err)
		}
	})
	t.Run("FailNext", func(t *testing.T) {
		srv, _ := newServer(t)
		srv.FailNext(1, 503, "GET /auth/v1")
		send(ctx, srv, "GET", "/actions", "") // not matched
		req, _ := http.NewRequest(http.MethodGet, srv.AuthURL+"/tokens", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 503 || faultstring(b) != "Service Unavailable" {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		srv, _ := newServer(t, st2test.WithFaultSeed(seed))
		srv.Faults().SetRate(0.3, st2test.Fault{Kind: fault.Status, Status: 502})
		var codes []int
		failed := 0
		for range 60 {
			a := send(context.Background(), srv, "GET", "/actions?limit=1", "")
			codes = append(codes, a.code)
			if a.code == 502 {
				failed++
				if faultstring(a.body) != "Bad Gateway" {
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
