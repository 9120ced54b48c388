package saagietest_test

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
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// answer is what a client got: the status, headers and body it read, and
// the error that ended the exchange, if any.
type answer struct {
	code int
	h    http.Header
	body []byte
	err  error
}

// query posts a GraphQL query to the Projects endpoint.
func query(ctx context.Context, g *gql, q string) answer {
	b, _ := json.Marshal(map[string]string{"query": q})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.srv.ProjectsURL(), strings.NewReader(string(b)))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err = io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b, err}
}

// springError reads the "error" of a Spring error body.
func springError(b []byte) string {
	var e struct {
		Status int    `json:"status"`
		Error  string `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	return e.Error
}

// Every kind of fault reaches a client as package fault describes it,
// with the platform's own error bodies, in front of the emulator's
// latency.
func TestFailNextWithEveryKind(t *testing.T) {
	ctx := context.Background()
	const projects = `{ projects { id name } }`
	cases := []struct {
		f       saagietest.Fault
		check   func(t *testing.T, a answer)
		reaches bool
	}{
		{saagietest.Fault{Kind: fault.Status, Status: 502}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 502 || springError(a.body) != "Bad Gateway" {
				t.Fatalf("%d %s %v: want Spring's 502 body", a.code, a.body, a.err)
			}
		}, false},
		{saagietest.Fault{GraphQLError: "Exception while fetching data"}, func(t *testing.T, a answer) {
			var r struct {
				Data   any
				Errors []struct{ Message string }
			}
			if a.err != nil || a.code != 200 || json.Unmarshal(a.body, &r) != nil || r.Data != nil ||
				len(r.Errors) != 1 || r.Errors[0].Message != "Exception while fetching data" {
				t.Fatalf("%d %s %v: want a GraphQL error", a.code, a.body, a.err)
			}
		}, false},
		{saagietest.Fault{Kind: fault.RateLimit}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 429 || a.h.Get("Retry-After") != "1" || springError(a.body) != "Too Many Requests" {
				t.Fatalf("%d Retry-After %q %s %v", a.code, a.h.Get("Retry-After"), a.body, a.err)
			}
		}, false},
		{saagietest.Fault{Kind: fault.HTML, Status: 503}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 503 || !strings.HasPrefix(a.h.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %q %v: want a proxy's HTML 503", a.code, a.h.Get("Content-Type"), a.err)
			}
		}, false},
		{saagietest.Fault{Kind: fault.Malformed}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) {
				t.Fatalf("%d %q %v: want a 200 that is not JSON", a.code, a.body, a.err)
			}
		}, false},
		{saagietest.Fault{Kind: fault.Truncate}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) || !strings.HasPrefix(string(a.body), `{"data":{"projects":[`) {
				t.Fatalf("%d %q %v: want half of the project list", a.code, a.body, a.err)
			}
		}, true},
		{saagietest.Fault{Kind: fault.Reset}, func(t *testing.T, a answer) {
			if !errors.Is(a.err, io.ErrUnexpectedEOF) || a.code != 200 {
				t.Fatalf("%d %v: want the connection cut mid-body", a.code, a.err)
			}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			srv := saagietest.NewServer(saagietest.WithDemoData(), saagietest.WithLatency(300*time.Millisecond))
			t.Cleanup(srv.Close)
			g := newGQL(t, srv)
			c.f.Pattern = "POST /projects/api/platform/"
			srv.FailNextWith(1, c.f)
			start := time.Now()
			c.check(t, query(ctx, g, projects))
			if d := time.Since(start); (d >= 300*time.Millisecond) != c.reaches {
				t.Errorf("answered in %v: want the latency only when the request reaches the emulator (%v)", d, c.reaches)
			}
			if a := query(ctx, g, projects); a.code != 200 || !json.Valid(a.body) || strings.Contains(string(a.body), `"errors"`) {
				t.Errorf("after the fault: %d %s", a.code, a.body)
			}
			if n := srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		srv := saagietest.NewServer()
		t.Cleanup(srv.Close)
		g := newGQL(t, srv)
		srv.FailNextWith(1, saagietest.Fault{Kind: fault.Stall, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		// A GET: net/http notices a client that leaves only once the
		// request's body is read, which a stall never does, so a stalled
		// POST would hold Close until Stall passes.
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, g.srv.ProjectsURL(), nil)
		if resp, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
			if err == nil {
				resp.Body.Close()
			}
			t.Fatalf("%v: want the client's deadline", err)
		}
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		srv := saagietest.NewServer(saagietest.WithFaultSeed(seed))
		defer srv.Close()
		g := newGQL(t, srv)
		srv.Faults().SetRate(0.3, fault.Fault{Kind: fault.Status, Status: 500})
		var codes []int
		failed := 0
		for range 60 {
			a := query(context.Background(), g, `{ projects { id } }`)
			codes = append(codes, a.code)
			if a.code == 500 {
				failed++
				if springError(a.body) != "Internal Server Error" {
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
