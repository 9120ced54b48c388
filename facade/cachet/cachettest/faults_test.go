package cachettest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
)

// send calls the emulator as a Cachet client would.
func send(ctx context.Context, srv *cachettest.Server, method, path, body string) faulttest.Answer {
	return faulttest.Send(ctx, srv.Client(), method, srv.URL+path, body, "X-Cachet-Token", srv.Token, "Content-Type", "application/json")
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
		check   faulttest.Check
		creates bool // the request reached the emulator and did its work
	}{
		{cachettest.Fault{Kind: fault.Status, Status: 502}, "GET", "", faulttest.WantStatus(502, errorTitle, "502 with errors[0].title"), false},
		{cachettest.Fault{Kind: fault.RateLimit, RetryAfter: 2 * time.Second}, "GET", "", faulttest.WantRateLimit("2", errorTitle), false},
		{cachettest.Fault{Kind: fault.HTML}, "GET", "", faulttest.WantHTMLType(502), false},
		{cachettest.Fault{Kind: fault.Malformed}, "GET", "", faulttest.WantMalformed(), false},
		{cachettest.Fault{Kind: fault.Truncate}, "POST", newComp, faulttest.WantTruncated(200, `{"data":{`, "the created component"), true},
		{cachettest.Fault{Kind: fault.Reset}, "POST", newComp, faulttest.WantReset(200), true},
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
			if got := send(ctx, srv, "GET", comps, ""); got.Code != 200 || strings.Contains(string(got.Body), `"api"`) != c.creates {
				t.Errorf("after the fault: %d %s; component created: want %v", got.Code, got.Body, c.creates)
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
		faulttest.CheckStall(t, func(ctx context.Context) faulttest.Answer { return send(ctx, srv, "GET", "/ping", "") })
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	faulttest.CheckSeeded(t, 500, errorTitle, func(seed uint64) (*fault.Injector, func() faulttest.Answer) {
		srv := cachettest.NewServer(cachettest.WithFaultSeed(seed))
		t.Cleanup(srv.Close)
		return srv.Faults(), func() faulttest.Answer { return send(context.Background(), srv, "GET", "/ping", "") }
	})
}
