package st2test_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// send calls the API as an st2 client would.
func send(ctx context.Context, srv *st2test.Server, method, path, body string) faulttest.Answer {
	return faulttest.Send(ctx, srv.Client(), method, srv.APIURL+path, body, "St2-Api-Key", srv.APIKey, "Content-Type", "application/json")
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
		check   faulttest.Check
		creates bool
	}{
		{st2test.Fault{Kind: fault.Status, Status: 500}, "POST", newAction, faulttest.WantStatus(500, faultstring, "500 with a faultstring"), false},
		{st2test.Fault{Kind: fault.RateLimit}, "POST", newAction, faulttest.WantRateLimit("1", faultstring), false},
		{st2test.Fault{Kind: fault.HTML, Status: 504}, "POST", newAction, faulttest.WantHTMLBody(504, "<h1>504 Gateway Timeout</h1>"), false},
		{st2test.Fault{Kind: fault.Malformed}, "GET", "", faulttest.WantMalformed(), false},
		{st2test.Fault{Kind: fault.Truncate}, "POST", newAction, faulttest.WantTruncated(201, "{", "the created action"), true},
		{st2test.Fault{Kind: fault.Reset}, "POST", newAction, faulttest.WantReset(201), true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			srv, _ := newServer(t)
			c.f.Pattern = c.method + " /api/v1/actions"
			srv.FailNextWith(1, c.f)
			send(ctx, srv, "GET", "/executions", "") // not matched
			c.check(t, send(ctx, srv, c.method, "/actions", c.body))
			if got := send(ctx, srv, "GET", "/actions/default.a", ""); (got.Code == 200) != c.creates {
				t.Errorf("after the fault: GET the action: %d; want it created: %v", got.Code, c.creates)
			}
			if n := srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		srv, _ := newServer(t)
		srv.FailNextWith(1, st2test.Fault{Kind: fault.Stall, Stall: time.Hour})
		faulttest.CheckStall(t, func(ctx context.Context) faulttest.Answer { return send(ctx, srv, "GET", "/actions", "") })
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
	faulttest.CheckSeeded(t, 502, faultstring, func(seed uint64) (*fault.Injector, func() faulttest.Answer) {
		srv, _ := newServer(t, st2test.WithFaultSeed(seed))
		return srv.Faults(), func() faulttest.Answer { return send(context.Background(), srv, "GET", "/actions?limit=1", "") }
	})
}
