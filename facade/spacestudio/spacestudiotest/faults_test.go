package spacestudiotest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

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
func (e *faultEnv) send(ctx context.Context, method, body string) faulttest.Answer {
	return faulttest.Send(ctx, e.srv.Client(), method, e.srv.URL+"/exoops/users/"+e.srv.UserID+"/antennadefinitions", body, "Authorization", "Bearer "+e.access, "Content-Type", "application/json")
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
		check   faulttest.Check
		creates bool
	}{
		{spacestudiotest.Fault{Kind: fault.Status, Status: 500}, faulttest.WantStatus(500, springError, "Spring's 500 body"), false},
		{spacestudiotest.Fault{Status: 429, RetryAfter: 2500 * time.Millisecond}, faulttest.WantRateLimit("3", springError), false},
		{spacestudiotest.Fault{Kind: spacestudiotest.FaultHTML}, faulttest.WantHTMLBody(502, "<html>"), false},
		{spacestudiotest.Fault{Kind: fault.Malformed}, faulttest.WantMalformed(), false},
		{spacestudiotest.Fault{Kind: fault.Truncate}, faulttest.WantTruncated(200, "{", "the created object"), true},
		{spacestudiotest.Fault{Kind: fault.Reset}, faulttest.WantReset(200), true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			e := newFaultEnv(t)
			c.f.Pattern = "POST /exoops/users/"
			e.srv.FailNextWith(1, c.f)
			c.check(t, e.send(ctx, http.MethodPost, antenna))
			if a := e.send(ctx, http.MethodGet, ""); a.Code != 200 || strings.Contains(string(a.Body), `"dish"`) != c.creates {
				t.Errorf("after the fault: %d %s; object created: want %v", a.Code, a.Body, c.creates)
			}
			if n := e.srv.Faults().Injected(); n != 1 {
				t.Errorf("Injected() = %d, want 1", n)
			}
		})
	}
	t.Run("stall", func(t *testing.T) {
		e := newFaultEnv(t)
		e.srv.FailNextWith(1, spacestudiotest.Fault{Kind: fault.Stall, Stall: time.Hour})
		faulttest.CheckStall(t, func(ctx context.Context) faulttest.Answer { return e.send(ctx, http.MethodGet, "") })
	})
}

// Random faults follow WithFaultSeed: the same seed fails the same
// requests, so a failing soak test can be replayed.
func TestFaultRateIsSeeded(t *testing.T) {
	faulttest.CheckSeeded(t, 503, springError, func(seed uint64) (*fault.Injector, func() faulttest.Answer) {
		e := newFaultEnv(t, spacestudiotest.WithFaultSeed(seed))
		return e.srv.Faults(), func() faulttest.Answer { return e.send(context.Background(), http.MethodGet, "") }
	})
}
