package st2_test

// Credentials under concurrency (issue 8): 100 goroutines calling across
// a token expiry cause exactly one login and no failed call, whether the
// client sees the expiry coming (its 15 s margin) or the server rejects
// the token first (401); a login that fails is reported to every caller
// waiting for it, the next call logs in again, and no error or log line
// holds a secret.
//
// Every test runs in a synctest bubble: the emulator's handler is called
// in memory (facade.WithBaseTransport), so the client, the handler and
// both clocks (time.Now, which st2test and the facade use by default) live
// in the bubble, fake time moves only when every goroutine waits, and a
// test can tell when all 100 callers are parked on one login.

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/renewaltest"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// st2TokenPath is the login: POST <auth>/tokens.
const st2TokenPath = st2test.AuthPath + "/tokens"

// st2Env is one emulator and one client logging in as a user.
type st2Env struct {
	*renewaltest.Env
	srv *st2test.Server
}

// newST2Env builds, inside the bubble, a client of srv that logs in with
// the emulator's user and logs at debug level. Its Call is one real API
// call that needs the token (GET /api/v1/user).
func newST2Env(t *testing.T, srv *st2test.Server, opts ...facade.Option) *st2Env {
	t.Helper()
	e := &st2Env{Env: renewaltest.NewEnv(srv.Handler(), st2TokenPath), srv: srv}
	cfg := st2.Config{
		AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, SkipConfig: true,
		Username: srv.Username, Password: srv.Password, TokenCacheDir: t.TempDir(),
	}
	c, err := st2.New(cfg, e.Options(opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	// st2test.Server has no count of tokens issued yet: Issued is left
	// nil, so the probe counts the 201 answers of the emulator's handler.
	e.Call = func(ctx context.Context) error {
		_, err := c.WhoAmI(ctx)
		return err
	}
	return e
}

func (e *st2Env) secrets() []leakcheck.Secret {
	return []leakcheck.Secret{{Name: "password", Value: e.srv.Password}, {Name: "API key", Value: e.srv.APIKey}}
}

// TestRenewalAcrossExpiry: 100 goroutines each call 8 times, 2 minutes of
// fake time apart, while the token expires under them; the emulator issues
// exactly one token besides the first, and all 800 calls succeed.
func TestRenewalAcrossExpiry(t *testing.T) {
	// The client sees the expiry coming: tokens live 10 minutes, the
	// 15 s margin makes the calls at minute 10 log in first, so the server
	// never rejects anything.
	t.Run("margin", func(t *testing.T) {
		srv := st2test.NewServer(st2test.WithTokenTTL(renewaltest.TTL))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newST2Env(t, srv)
			if err := e.Call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.WantIssued(t, "first call", 1)
			e.AcrossExpiry(t)
		})
	})

	// The server expires the token first: at minute 5 its clock jumps a
	// token lifetime ahead (st2test has no revocation), so the calls of
	// minute 6 get 401s with a token the client still trusts; one login
	// answers all of them and each call is retried once.
	t.Run("401", func(t *testing.T) {
		var jump atomic.Int64
		srv := st2test.NewServer(st2test.WithTokenTTL(time.Hour),
			st2test.WithClock(func() time.Time { return time.Now().Add(time.Duration(jump.Load())) }))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newST2Env(t, srv)
			if err := e.Call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.RejectedAtMinuteSix(t, func() { jump.Store(int64(time.Hour)) })
		})
	})
}

// TestRenewalFailureReachesEveryCaller: the token has expired and 100
// goroutines call at once; the one login they share is held until all 100
// wait for it, then refused (401) or failed (503). Every caller gets that
// login's error, nobody logged in twice, the next call logs in again, and
// no error string or log line holds the password or a token.
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
			srv := st2test.NewServer(st2test.WithTokenTTL(renewaltest.TTL))
			t.Cleanup(srv.Close)
			synctest.Test(t, func(t *testing.T) {
				e := newST2Env(t, srv, tc.opts...)
				if err := e.Call(t.Context()); err != nil {
					t.Fatal(err)
				}
				time.Sleep(renewaltest.TTL) // expired, for the client and the server

				srv.FailNext(1, tc.status, "POST "+st2TokenPath)
				errs := e.Burst(t)
				renewaltest.WantSameFailure(t, errs, tc.status, "CreateToken", tc.sentinel)
				e.Recovers(t, errs, 3, e.secrets()...)
			})
		})
	}
}
