package rightscaletest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// answer is what a client got: the status, headers and body it read, and
// the error that ended the exchange, if any.
type answer struct {
	code int
	h    http.Header
	body []byte
	err  error
}

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
	if a.code != 200 || json.Unmarshal(a.body, &tok) != nil {
		t.Fatalf("token exchange: %d %s %v", a.code, a.body, a.err)
	}
	e.token = tok.AccessToken
	return e
}

func (e *faultEnv) send(ctx context.Context, method, path, form string) answer {
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, strings.NewReader(form))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("X-API-Version", rightscaletest.APIVersion)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b, err}
}

// Every kind of fault reaches a client as package fault describes it,
// with the API's plain-text error body where there is one, in front of
// the emulator's latency.
func TestFailNextWithEveryKind(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		f       rightscaletest.Fault
		check   func(t *testing.T, a answer)
		reaches bool
	}{
		{rightscaletest.Fault{Kind: fault.Status, Status: 500}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 500 || string(a.body) != "Internal Server Error" || !strings.HasPrefix(a.h.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %q %s %v: want the API's plain-text 500", a.code, a.h.Get("Content-Type"), a.body, a.err)
			}
		}, false},
		{rightscaletest.Fault{Status: 503, Body: "Service is down for maintenance"}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 503 || string(a.body) != "Service is down for maintenance" {
				t.Fatalf("%d %s %v: want the fault's own body", a.code, a.body, a.err)
			}
		}, false},
		{rightscaletest.Fault{Kind: fault.RateLimit, RetryAfter: 3 * time.Second}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 429 || a.h.Get("Retry-After") != "3" || string(a.body) != "Too Many Requests" {
				t.Fatalf("%d Retry-After %q %s %v", a.code, a.h.Get("Retry-After"), a.body, a.err)
			}
		}, false},
		{rightscaletest.Fault{Kind: fault.HTML}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 502 || !strings.Contains(string(a.body), "<html>") {
				t.Fatalf("%d %s %v: want a proxy's HTML 502", a.code, a.body, a.err)
			}
		}, false},
		{rightscaletest.Fault{Kind: fault.Malformed}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) {
				t.Fatalf("%d %q %v: want a 200 that is not JSON", a.code, a.body, a.err)
			}
		}, false},
		{rightscaletest.Fault{Kind: fault.Truncate}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) || !strings.HasPrefix(string(a.body), "[{") {
				t.Fatalf("%d %q %v: want half of the cloud list", a.code, a.body, a.err)
			}
		}, true},
		{rightscaletest.Fault{Kind: fault.Reset}, func(t *testing.T, a answer) {
			if !errors.Is(a.err, io.ErrUnexpectedEOF) || a.code != 200 {
				t.Fatalf("%d %v: want the connection cut mid-body", a.code, a.err)
			}
		}, true},
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
			if a := e.send(ctx, "GET", "/api/clouds", ""); a.code != 200 || !json.Valid(a.body) {
				t.Errorf("after the fault: %d %s", a.code, a.body)
			}
			if n := e.srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		e := newFaultEnv(t)
		e.srv.FailNextWith(1, rightscaletest.Fault{Kind: fault.Stall, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if a := e.send(ctx, "GET", "/api/clouds", ""); !errors.Is(a.err, context.DeadlineExceeded) {
			t.Fatalf("%d %v: want the client's deadline", a.code, a.err)
		}
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		srv := rightscaletest.NewServer(rightscaletest.WithFaultSeed(seed))
		defer srv.Close()
		e := &faultEnv{srv: srv}
		srv.Faults().SetRate(0.3, fault.Fault{Kind: fault.Status, Status: 500})
		var codes []int
		failed := 0
		for range 60 {
			a := e.send(context.Background(), "GET", "/api/health-check", "")
			codes = append(codes, a.code)
			if a.code == 500 {
				failed++
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
