package rightscale_test

// Credentials under concurrency (issue 8): 100 goroutines calling across
// an access-token expiry cause exactly one refresh-token exchange and no
// failed call, whether the client sees the expiry coming (its one-minute
// margin) or the server rejects the token first (401); an exchange that
// fails is reported to every caller waiting for it, a later call exchanges
// again, and no error or log line holds the refresh token or an access
// token.
//
// Every test runs in a synctest bubble: the emulator's handler is called
// in memory (facade.WithBaseTransport), so the client, the handler and
// both clocks live in the bubble: rightscaletest and the facade read
// time.Now by default, which is the bubble's fake clock, so the clock
// options (rightscaletest.WithClock, SetClock) are not needed to move
// them together. Fake time moves only when every goroutine waits, and a
// test can tell when all 100 callers are parked on one exchange.

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/renewaltest"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// rsTokenPath is the refresh-token exchange: POST /api/oauth2.
const rsTokenPath = rightscaletest.BasePath + "/oauth2"

// rsEnv is one emulator and one client.
type rsEnv struct {
	*renewaltest.Env
	srv *rightscaletest.Server
}

// newRSEnv builds, inside the bubble, a client of srv that logs at debug
// level. Its Call is one real API call that needs the token (GET
// /api/clouds).
func newRSEnv(t *testing.T, srv *rightscaletest.Server, opts ...facade.Option) *rsEnv {
	t.Helper()
	e := &rsEnv{Env: renewaltest.NewEnv(srv.Handler(), rsTokenPath), srv: srv}
	c, err := rightscale.New(srv.URL, srv.RefreshToken, e.Options(opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.Issued = e.exchanges
	e.Call = func(ctx context.Context) error {
		_, err := c.Clouds.List(ctx, rightscale.IndexOptions{})
		return err
	}
	return e
}

// exchanges is the emulator's own count of access tokens issued.
func (e *rsEnv) exchanges() int { return e.srv.Exchanges() }

func (e *rsEnv) secrets() []leakcheck.Secret {
	return []leakcheck.Secret{{Name: "refresh token", Value: e.srv.RefreshToken}}
}

// TestRenewalAcrossExpiry: 100 goroutines each call 8 times, 2 minutes of
// fake time apart, while the access token expires under them; the emulator
// counts exactly one exchange besides the first, and all 800 calls
// succeed.
func TestRenewalAcrossExpiry(t *testing.T) {
	// The client sees the expiry coming: tokens live 10 minutes, the
	// one-minute margin makes the calls at minute 10 exchange first, so
	// the server never rejects anything.
	t.Run("margin", func(t *testing.T) {
		srv := rightscaletest.NewServer(rightscaletest.WithTokenLifetime(renewaltest.TTL))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newRSEnv(t, srv)
			if err := e.Call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.WantIssued(t, "first call", 1)
			e.AcrossExpiry(t)
		})
	})

	// The server rejects the token first: at minute 5 it expires every
	// access token (ExpireTokens), so the calls of minute 6 get 401s with
	// a token the client still trusts; one exchange answers all of them
	// and each call is retried once.
	t.Run("401", func(t *testing.T) {
		srv := rightscaletest.NewServer()
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newRSEnv(t, srv)
			if err := e.Call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.RejectedAtMinuteSix(t, func() { srv.ExpireTokens() })
		})
	})
}

// TestRenewalFailureReachesEveryCaller: the access token has expired and
// 100 goroutines call at once; the one exchange they share is held until
// all 100 wait for it, then failed (503) or refused (401). Every caller
// gets that exchange's error, nobody exchanged twice, a later call
// exchanges again, and no error string or log line holds the refresh
// token or an access token.
func TestRenewalFailureReachesEveryCaller(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		sentinel error
	}{
		{"server error", http.StatusServiceUnavailable, nil},
		{"refused", http.StatusUnauthorized, facade.ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := rightscaletest.NewServer(rightscaletest.WithTokenLifetime(renewaltest.TTL))
			t.Cleanup(srv.Close)
			synctest.Test(t, func(t *testing.T) {
				// With retries on, each caller's retry layer would exchange
				// again after a 503 and hide it; off, the failure itself
				// must arrive. A refusal is never retried anyway.
				e := newRSEnv(t, srv, facade.WithRetry(0, 0, 0))
				if err := e.Call(t.Context()); err != nil {
					t.Fatal(err)
				}
				time.Sleep(renewaltest.TTL) // expired, for the client and the server

				srv.FailNext(1, tc.status, "POST "+rsTokenPath)
				errs := e.Burst(t)
				renewaltest.WantSameFailure(t, errs, tc.status, "OAuth2Token", tc.sentinel)
				for i, err := range errs {
					if _, ok := errors.AsType[*rightscale.ExchangeError](err); !ok {
						t.Fatalf("caller %d: %v, want a *rightscale.ExchangeError", i, err)
					}
				}
				e.Recovers(t, errs, 3, e.secrets()...)
			})
		})
	}
}
