package spacestudio_test

// Credentials under concurrency (issue 8): 100 goroutines calling across
// an access-token expiry cause exactly one renewal and no failed call,
// whether the client sees the expiry coming (its 30 s margin: a refresh
// grant) or the server rejects the token first (401: a new password
// login); a renewal that fails is reported to every caller waiting for
// it, the next call renews again, and no error or log line holds the
// password, an access token or a refresh token.
//
// Every test runs in a synctest bubble: the emulator's handler is called
// in memory (facade.WithBaseTransport), so the client, the handler and
// both clocks live in the bubble: spacestudiotest and the facade read
// time.Now by default, which is the bubble's fake clock, so the clock
// options (spacestudiotest.WithClock, spacestudio.WithClock) are not
// needed to move them together. Fake time moves only when every goroutine
// waits, and a test can tell when all 100 callers are parked on one
// renewal.

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/renewaltest"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// ssEnv is one emulator and one connected client.
type ssEnv struct {
	*renewaltest.Env
	srv *spacestudiotest.Server
}

// newSSEnv connects, inside the bubble, a client of srv that logs at
// debug level. Connect logs in once. Its Call is one real API call that
// needs the token (the orbits list).
func newSSEnv(t *testing.T, srv *spacestudiotest.Server, opts ...facade.Option) *ssEnv {
	t.Helper()
	e := &ssEnv{Env: renewaltest.NewEnv(srv.Handler(), spacestudiotest.TokenPath), srv: srv}
	c, err := spacestudio.Connect(t.Context(), srv.URL, srv.Mail, srv.Password, srv.ClientID,
		spacestudio.WithTokenURL(srv.TokenURL), spacestudio.WithHTTPOptions(e.Options(opts...)...))
	if err != nil {
		t.Fatal(err)
	}
	e.Issued = e.grants
	e.Call = func(ctx context.Context) error {
		_, err := c.Orbits.All(ctx)
		return err
	}
	return e
}

// grants is the emulator's own count of tokens issued: password logins
// and refreshes.
func (e *ssEnv) grants() int {
	s := e.srv.Stats()
	return s.PasswordGrants + s.RefreshGrants
}

func (e *ssEnv) secrets() []leakcheck.Secret {
	return []leakcheck.Secret{{Name: "password", Value: e.srv.Password}}
}

// TestRenewalAcrossExpiry: 100 goroutines each call 8 times, 2 minutes of
// fake time apart, while the access token expires under them; the emulator
// counts exactly one grant besides Connect's login, and all 800 calls
// succeed.
func TestRenewalAcrossExpiry(t *testing.T) {
	// The client sees the expiry coming: access tokens live 10 minutes,
	// the 30 s margin makes the calls at minute 10 refresh first, so the
	// server never rejects anything.
	t.Run("margin", func(t *testing.T) {
		srv := spacestudiotest.NewServer(spacestudiotest.WithTokenLifetimes(renewaltest.TTL, time.Hour))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newSSEnv(t, srv)
			e.WantIssued(t, "after Connect", 1)
			e.AcrossExpiry(t)
			if s := srv.Stats(); s.RefreshGrants != 1 {
				t.Errorf("the renewal was not a refresh: %+v", s)
			}
		})
	})

	// The server rejects the token first: at minute 5 it revokes every
	// access token (RevokeTokens), so the calls of minute 6 get 401s with
	// a token the client still trusts; one password login answers all of
	// them and each call is retried once.
	t.Run("401", func(t *testing.T) {
		srv := spacestudiotest.NewServer(spacestudiotest.WithTokenLifetimes(time.Hour, 2*time.Hour))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newSSEnv(t, srv)
			e.RejectedAtMinuteSix(t, func() { srv.RevokeTokens() })
			if s := srv.Stats(); s.PasswordGrants != 2 {
				t.Errorf("a rejected token was not replaced by a new login: %+v", s)
			}
		})
	})
}

// TestRenewalFailureReachesEveryCaller: the access token has expired and
// 100 goroutines call at once; the one renewal they share is held until
// all 100 wait for it, then both of its token requests (the refresh grant
// and the password login it falls back to) are refused (401) or failed
// (503). Every caller gets the renewal's error, nobody renewed twice, the
// next call renews again, and no error string or log line holds the
// password or a token.
func TestRenewalFailureReachesEveryCaller(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		sentinel error
		opts     []facade.Option
	}{
		// Default options: a refused grant is never retried.
		{"refused", http.StatusUnauthorized, facade.ErrUnauthorized, nil},
		// With retries on, each caller's retry layer would renew again
		// after a 503 and hide it; off, the failure itself must arrive.
		{"server error", http.StatusServiceUnavailable, nil, []facade.Option{facade.WithRetry(0, 0, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := spacestudiotest.NewServer(spacestudiotest.WithTokenLifetimes(renewaltest.TTL, time.Hour))
			t.Cleanup(srv.Close)
			synctest.Test(t, func(t *testing.T) {
				e := newSSEnv(t, srv, tc.opts...)
				time.Sleep(renewaltest.TTL) // expired, for the client and the server

				srv.FailNext(2, tc.status, "POST "+spacestudiotest.TokenPath)
				errs := e.Burst(t)
				renewaltest.WantSameFailure(t, errs, tc.status, "Login", tc.sentinel)
				if n := e.Probe.TokenRequests(); n != 3 {
					t.Fatalf("%d token requests in all, want 3 (Connect, then one renewal's refresh and login)", n)
				}
				e.Recovers(t, errs, 4, e.secrets()...)
			})
		})
	}
}
