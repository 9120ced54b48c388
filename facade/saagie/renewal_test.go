package saagie_test

// Credentials under concurrency (issue 8): 100 goroutines calling across
// a JWT expiry cause exactly one login and no failed call, whether the
// client sees the expiry coming (the token's exp claim, less the 30 s
// margin) or the server rejects the token first (401); a login that fails
// is reported to every caller waiting for it, the next call logs in
// again, and no error or log line holds the password or a JWT.
//
// Every test runs in a synctest bubble: the emulator's handler is called
// in memory (facade.WithBaseTransport), so the client, the handler and
// both clocks (time.Now: the facade has no clock option, saagietest uses
// time.Now by default) live in the bubble, fake time moves only when every
// goroutine waits, and a test can tell when all 100 callers are parked on
// one login.

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/renewaltest"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// saagieTokenPath is the login, answered with the bare JWT.
const saagieTokenPath = "/authentication/api/open/authenticate"

// saagieEnv is one emulator and one client.
type saagieEnv struct {
	*renewaltest.Env
	srv *saagietest.Server
}

// newSaagieEnv builds, inside the bubble, a client of srv that logs at
// debug level. Its Call is one real API call that needs the token (the
// projects GraphQL query).
func newSaagieEnv(t *testing.T, srv *saagietest.Server, opts ...facade.Option) *saagieEnv {
	t.Helper()
	e := &saagieEnv{Env: renewaltest.NewEnv(srv.Handler(), saagieTokenPath), srv: srv}
	c, err := saagie.New(t.Context(), srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, e.Options(opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.Issued = e.logins
	e.Call = func(ctx context.Context) error {
		_, err := c.Projects.List(ctx)
		return err
	}
	return e
}

// logins is the emulator's own count of successful logins.
func (e *saagieEnv) logins() int { return e.srv.LoginCount() }

func (e *saagieEnv) secrets() []leakcheck.Secret {
	return []leakcheck.Secret{{Name: "password", Value: e.srv.Password}}
}

// TestRenewalAcrossExpiry: 100 goroutines each call 8 times, 2 minutes of
// fake time apart, while the JWT expires under them; the emulator counts
// exactly one login besides the first, and all 800 calls succeed.
func TestRenewalAcrossExpiry(t *testing.T) {
	// The client sees the expiry coming: JWTs live 10 minutes, the 30 s
	// margin makes the calls at minute 10 log in first, so the server
	// never rejects anything.
	t.Run("margin", func(t *testing.T) {
		srv := saagietest.NewServer(saagietest.WithTokenTTL(renewaltest.TTL))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newSaagieEnv(t, srv)
			if err := e.Call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.WantIssued(t, "first call", 1)
			e.AcrossExpiry(t)
		})
	})

	// The server rejects the token first: at minute 5 it revokes every
	// JWT (RevokeTokens), so the calls of minute 6 get 401s with a token
	// the client still trusts; one login answers all of them and each
	// call is retried once.
	t.Run("401", func(t *testing.T) {
		srv := saagietest.NewServer(saagietest.WithTokenTTL(time.Hour))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newSaagieEnv(t, srv)
			if err := e.Call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.RejectedAtMinuteSix(t, func() { srv.RevokeTokens() })
		})
	})
}

// TestRenewalFailureReachesEveryCaller: the JWT has expired and 100
// goroutines call at once; the one login they share is held until all 100
// wait for it, then refused (401) or failed (503). Every caller gets that
// login's error, nobody logged in twice, the next call logs in again, and
// no error string or log line holds the password or a JWT.
func TestRenewalFailureReachesEveryCaller(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		sentinel error
		opts     []facade.Option
	}{
		// Default options: a refused login is never retried.
		{"refused", http.StatusUnauthorized, facade.ErrUnauthorized, nil},
		// With retries on, each caller's retry layer would log in again
		// after a 503 and hide it; off, the failure itself must arrive.
		{"server error", http.StatusServiceUnavailable, nil, []facade.Option{facade.WithRetry(0, 0, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := saagietest.NewServer(saagietest.WithTokenTTL(renewaltest.TTL))
			t.Cleanup(srv.Close)
			synctest.Test(t, func(t *testing.T) {
				e := newSaagieEnv(t, srv, tc.opts...)
				if err := e.Call(t.Context()); err != nil {
					t.Fatal(err)
				}
				time.Sleep(renewaltest.TTL) // expired, for the client and the server

				srv.FailNext(1, tc.status, "POST "+saagieTokenPath)
				errs := e.Burst(t)
				renewaltest.WantSameFailure(t, errs, tc.status, "Authenticate", tc.sentinel)
				e.Recovers(t, errs, 3, e.secrets()...)
			})
		})
	}
}
