package saagietest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// query posts a GraphQL query to the Projects endpoint.
func query(ctx context.Context, g *gql, q string) faulttest.Answer {
	b, _ := json.Marshal(map[string]string{"query": q})
	return faulttest.Send(ctx, g.srv.Client(), http.MethodPost, g.srv.ProjectsURL(), string(b), "Authorization", "Bearer "+g.token, "Content-Type", "application/json")
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
		check   faulttest.Check
		reaches bool
	}{
		{saagietest.Fault{Kind: fault.Status, Status: 502}, faulttest.WantStatus(502, springError, "Spring's 502 body"), false},
		{saagietest.Fault{GraphQLError: "Exception while fetching data"}, func(t *testing.T, a faulttest.Answer) {
			var r struct {
				Data   any
				Errors []struct{ Message string }
			}
			if a.Err != nil || a.Code != 200 || json.Unmarshal(a.Body, &r) != nil || r.Data != nil ||
				len(r.Errors) != 1 || r.Errors[0].Message != "Exception while fetching data" {
				t.Fatalf("%d %s %v: want a GraphQL error", a.Code, a.Body, a.Err)
			}
		}, false},
		{saagietest.Fault{Kind: fault.RateLimit}, faulttest.WantRateLimit("1", springError), false},
		{saagietest.Fault{Kind: fault.HTML, Status: 503}, faulttest.WantHTMLType(503), false},
		{saagietest.Fault{Kind: fault.Malformed}, faulttest.WantMalformed(), false},
		{saagietest.Fault{Kind: fault.Truncate}, faulttest.WantTruncated(200, `{"data":{"projects":[`, "the project list"), true},
		{saagietest.Fault{Kind: fault.Reset}, faulttest.WantReset(200), true},
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
			if a := query(ctx, g, projects); a.Code != 200 || !json.Valid(a.Body) || strings.Contains(string(a.Body), `"errors"`) {
				t.Errorf("after the fault: %d %s", a.Code, a.Body)
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
	faulttest.CheckSeeded(t, 500, springError, func(seed uint64) (*fault.Injector, func() faulttest.Answer) {
		srv := saagietest.NewServer(saagietest.WithFaultSeed(seed))
		t.Cleanup(srv.Close)
		g := newGQL(t, srv)
		return srv.Faults(), func() faulttest.Answer { return query(context.Background(), g, `{ projects { id } }`) }
	})
}
