package spacestudiotest_test

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
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// answer is what a client got: the status, headers and body it read, and
// the error that ended the exchange, if any.
type answer struct {
	code int
	h    http.Header
	body []byte
	err  error
}

// faultEnv is a server and an access token for it.
type faultEnv struct {
	srv    *spacestudiotest.Server
	access string
}

func newFaultEnv(t *testing.T, opts ...spacestudiotest.Option) *faultEnv {
	t.Helper()
	srv := spacestudiotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	login := grant(t, srv, url.Values{"grant_type": {"password"}, "client_id": {srv.ClientID}, "username": {srv.Mail}, "password": {srv.Password}})
	if login.Status != 200 {
		t.Fatalf("login: %+v", login)
	}
	return &faultEnv{srv: srv, access: login.Access}
}

// send calls the user's collection of antenna definitions.
func (e *faultEnv) send(ctx context.Context, method, body string) answer {
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+"/exoops/users/"+e.srv.UserID+"/antennadefinitions", strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+e.access)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b, err}
}

// springError reads the "error" of Spring Boot's error body.
func springError(b []byte) string {
	var e struct {
		Status int    `json:"status"`
		Error  string `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	return e.Error
}

// Every kind of fault reaches a client as package fault describes it,
// with Spring Boot's error body where there is one. Reset and Truncate
// let the request through: the object exists although the client cannot
// know it.
func TestFailNextWithEveryKind(t *testing.T) {
	ctx := context.Background()
	const antenna = `{"name":"dish"}`
	cases := []struct {
		f       spacestudiotest.Fault
		check   func(t *testing.T, a answer)
		creates bool
	}{
		{spacestudiotest.Fault{Kind: fault.Status, Status: 500}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 500 || springError(a.body) != "Internal Server Error" {
				t.Fatalf("%d %s %v: want Spring's 500 body", a.code, a.body, a.err)
			}
		}, false},
		{spacestudiotest.Fault{Status: 429, RetryAfter: 2500 * time.Millisecond}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 429 || a.h.Get("Retry-After") != "3" || springError(a.body) != "Too Many Requests" {
				t.Fatalf("%d Retry-After %q %s %v", a.code, a.h.Get("Retry-After"), a.body, a.err)
			}
		}, false},
		{spacestudiotest.Fault{Kind: spacestudiotest.FaultHTML}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 502 || !strings.Contains(string(a.body), "<html>") {
				t.Fatalf("%d %s %v: want a proxy's HTML 502", a.code, a.body, a.err)
			}
		}, false},
		{spacestudiotest.Fault{Kind: fault.Malformed}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) {
				t.Fatalf("%d %q %v: want a 200 that is not JSON", a.code, a.body, a.err)
			}
		}, false},
		{spacestudiotest.Fault{Kind: fault.Truncate}, func(t *testing.T, a answer) {
			if a.err != nil || a.code != 200 || json.Valid(a.body) || !strings.HasPrefix(string(a.body), "{") {
				t.Fatalf("%d %q %v: want half of the created object", a.code, a.body, a.err)
			}
		}, true},
		{spacestudiotest.Fault{Kind: fault.Reset}, func(t *testing.T, a answer) {
			if !errors.Is(a.err, io.ErrUnexpectedEOF) || a.code != 200 {
				t.Fatalf("%d %v: want the connection cut mid-body", a.code, a.err)
			}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			e := newFaultEnv(t)
			c.f.Pattern = "POST /exoops/users/"
			e.srv.FailNextWith(1, c.f)
			c.check(t, e.send(ctx, http.MethodPost, antenna))
			if a := e.send(ctx, http.MethodGet, ""); a.code != 200 || strings.Contains(string(a.body), `"dish"`) != c.creates {
				t.Errorf("after the fault: %d %s; object created: want %v", a.code, a.body, c.creates)
			}
			if n := e.srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		e := newFaultEnv(t)
		e.srv.FailNextWith(1, spacestudiotest.Fault{Kind: fault.Stall, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if a := e.send(ctx, http.MethodGet, ""); !errors.Is(a.err, context.DeadlineExceeded) {
			t.Fatalf("%d %v: want the client's deadline", a.code, a.err)
		}
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		e := newFaultEnv(t, spacestudiotest.WithFaultSeed(seed))
		e.srv.Faults().SetRate(0.3, fault.Fault{Kind: fault.Status, Status: 503})
		var codes []int
		failed := 0
		for range 60 {
			a := e.send(context.Background(), http.MethodGet, "")
			codes = append(codes, a.code)
			if a.code == 503 {
				failed++
				if springError(a.body) != "Service Unavailable" {
					t.Fatalf("random fault body %s", a.body)
				}
			}
		}
		if failed == 0 || failed == 60 || int64(failed) != e.srv.Faults().Injected() {
			t.Fatalf("%d of 60 failed, Injected() = %d", failed, e.srv.Faults().Injected())
		}
		return codes
	}
	if a, b := run(42), run(42); !slices.Equal(a, b) {
		t.Fatalf("seed 42 twice:\n%v\n%v", a, b)
	}
}
