package rightscaletest_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// faultEnv is a demo server and an access token for it.
type faultEnv struct {
	srv   *rightscaletest.Server
	token string
}

func newFaultEnv(t *testing.T, opts ...rightscaletest.Option) *faultEnv {
	t.Helper()
	srv := rightscaletest.NewServer(append([]rightscaletest.Option{rightscaletest.WithDemoData(), rightscaletest.WithLatency(300 * time.Millisecond)}, opts...)...)
	t.Cleanup(srv.Close)
	e := &faultEnv{srv: srv}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {srv.RefreshToken}}
	a := e.send(context.Background(), "POST", "/api/oauth2", form.Encode())
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if a.Code != 200 || json.Unmarshal(a.Body, &tok) != nil {
		t.Fatalf("token exchange: %d %s %v", a.Code, a.Body, a.Err)
	}
	e.token = tok.AccessToken
	return e
}

// send calls the API as a RightScale client would, with the access
// token once there is one.
func (e *faultEnv) send(ctx context.Context, method, path, form string) faulttest.Answer {
	header := []string{"X-API-Version", rightscaletest.APIVersion, "Content-Type", "application/x-www-form-urlencoded"}
	if e.token != "" {
		header = append(header, "Authorization", "Bearer "+e.token)
	}
	return faulttest.Send(ctx, e.srv.Client(), method, e.srv.URL+path, form, header...)
}

// plain reads the API's plain-text error bodies.
func plain(b []byte) string { return string(b) }

// Every kind of fault reaches a client as package fault describes it,
// with the API's plain-text error body where there is one, in front of
// the emulator's latency.
func TestFailNextWithEveryKind(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		f       rightscaletest.Fault
		check   faulttest.Check
		reaches bool
	}{
		{rightscaletest.Fault{Kind: fault.Status, Status: 500}, func(t *testing.T, a faulttest.Answer) {
			if a.Err != nil || a.Code != 500 || string(a.Body) != "Internal Server Error" || !strings.HasPrefix(a.H.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %q %s %v: want the API's plain-text 500", a.Code, a.H.Get("Content-Type"), a.Body, a.Err)
			}
		}, false},
		{rightscaletest.Fault{Status: 503, Body: "Service is down for maintenance"}, func(t *testing.T, a faulttest.Answer) {
			if a.Err != nil || a.Code != 503 || string(a.Body) != "Service is down for maintenance" {
				t.Fatalf("%d %s %v: want the fault's own body", a.Code, a.Body, a.Err)
			}
		}, false},
		{rightscaletest.Fault{Kind: fault.RateLimit, RetryAfter: 3 * time.Second}, faulttest.WantRateLimit("3", plain), false},
		{rightscaletest.Fault{Kind: fault.HTML}, faulttest.WantHTMLBody(502, "<html>"), false},
		{rightscaletest.Fault{Kind: fault.Malformed}, faulttest.WantMalformed(), false},
		{rightscaletest.Fault{Kind: fault.Truncate}, faulttest.WantTruncated(200, "[{", "the cloud list"), true},
		{rightscaletest.Fault{Kind: fault.Reset}, faulttest.WantReset(200), true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			e := newFaultEnv(t)
			c.f.Pattern = "GET /api/clouds"
			e.srv.FailNextWith(1, c.f)
			start := time.Now()
			c.check(t, e.send(ctx, "GET", "/api/clouds", ""))
			if d := time.Since(start); (d >= 300*time.Millisecond) != c.reaches {
				t.Errorf("answered in %v: want the latency only when the request reaches the emulator (%v)", d, c.reaches)
			}
			if a := e.send(ctx, "GET", "/api/clouds", ""); a.Code != 200 || !json.Valid(a.Body) {
				t.Errorf("after the fault: %d %s", a.Code, a.Body)
			}
			if n := e.srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		e := newFaultEnv(t)
		e.srv.FailNextWith(1, rightscaletest.Fault{Kind: fault.Stall, Stall: time.Hour})
		faulttest.CheckStall(t, func(ctx context.Context) faulttest.Answer { return e.send(ctx, "GET", "/api/clouds", "") })
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	faulttest.CheckSeeded(t, 500, nil, func(seed uint64) (*fault.Injector, func() faulttest.Answer) {
		srv := rightscaletest.NewServer(rightscaletest.WithFaultSeed(seed))
		t.Cleanup(srv.Close)
		e := &faultEnv{srv: srv}
		return srv.Faults(), func() faulttest.Answer { return e.send(context.Background(), "GET", "/api/health-check", "") }
	})
}
