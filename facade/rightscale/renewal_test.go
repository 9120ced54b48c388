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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

const (
	renewalCallers = 100
	renewalSteps   = 8 // calls per goroutine, at 0, 2, …, 14 minutes
	renewalStep    = 2 * time.Minute
	renewalTTL     = 10 * time.Minute
)

// renewalProbe is the client's base transport: it serves each request
// with the emulator's own handler, in memory. It counts the token requests
// (logins, exchanges) and the 401s, can hold token requests or API calls
// until released, and keeps every token the emulator issues so that the
// tests can look for them in errors and logs.
type renewalProbe struct {
	h       http.Handler
	isToken func(*http.Request) bool

	tokenRequests atomic.Int64                  // token requests sent to the emulator
	tokensIssued  atomic.Int64                  // token requests it answered with a token
	rejected      atomic.Int64                  // API calls it answered 401
	hold          atomic.Pointer[chan struct{}] // token requests wait for it to close
	callGate      atomic.Pointer[chan struct{}] // held API calls take one value each
	callsToHold   atomic.Int64                  // how many more API calls to hold
	heldCalls     atomic.Int64                  // API calls that were held

	mu     sync.Mutex
	issued []string
}

func newRenewalProbe(h http.Handler, isToken func(*http.Request) bool) *renewalProbe {
	return &renewalProbe{h: h, isToken: isToken}
}

// RoundTrip serves req with the emulator's handler, in memory.
func (p *renewalProbe) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	token := p.isToken(req)
	var wait <-chan struct{}
	if token {
		p.tokenRequests.Add(1)
		if hold := p.hold.Load(); hold != nil {
			wait = *hold
		}
	} else if gate := p.callGate.Load(); gate != nil && p.callsToHold.Add(-1) >= 0 {
		p.heldCalls.Add(1)
		wait = *gate
	}
	if wait != nil {
		select {
		case <-wait:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:40000"
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = req
	switch {
	case token && resp.StatusCode/100 == 2:
		p.tokensIssued.Add(1)
		p.mu.Lock()
		p.issued = append(p.issued, issuedSecrets(rec.Body.Bytes())...)
		p.mu.Unlock()
	case !token && resp.StatusCode == http.StatusUnauthorized:
		p.rejected.Add(1)
	}
	return resp, nil
}

// holdNext makes the next token requests wait until release is called.
// Called inside the bubble, so that waiting on the channel is durable.
func (p *renewalProbe) holdNext() (release func()) {
	ch := make(chan struct{})
	p.hold.Store(&ch)
	return func() {
		p.hold.Store(nil)
		close(ch)
	}
}

// holdCalls holds the next n API calls before the emulator sees them;
// release(k) lets k of them through.
func (p *renewalProbe) holdCalls(n int) (release func(k int)) {
	ch := make(chan struct{}, n)
	p.callsToHold.Store(int64(n))
	p.callGate.Store(&ch)
	return func(k int) {
		for range k {
			ch <- struct{}{}
		}
	}
}

// tokens returns every token value the emulator has issued so far.
func (p *renewalProbe) tokens() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.issued...)
}

// issuedSecrets picks the secrets out of a token answer: the token fields
// of a JSON object, or the whole text (a bare JWT).
func issuedSecrets(body []byte) []string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return []string{strings.TrimSpace(string(body))}
	}
	var out []string
	for _, k := range []string{"token", "access_token", "refresh_token", "id_token"} {
		if s, ok := m[k].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// renewalLog collects the client's debug log.
type renewalLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *renewalLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *renewalLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// noSecret fails the test when text holds any of secrets.
func noSecret(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s holds a secret (%d characters)", what, len(s))
		}
	}
}

// rsTokenPath is the refresh-token exchange: POST /api/oauth2.
const rsTokenPath = rightscaletest.BasePath + "/oauth2"

// rsEnv is one emulator and one client.
type rsEnv struct {
	srv   *rightscaletest.Server
	probe *renewalProbe
	c     *rightscale.Client
	logs  *renewalLog

	// completed counts the calls of lockstep that have returned.
	completed atomic.Int64
}

// newRSEnv builds, inside the bubble, a client of srv that logs at debug
// level.
func newRSEnv(t *testing.T, srv *rightscaletest.Server, opts ...facade.Option) *rsEnv {
	t.Helper()
	e := &rsEnv{srv: srv, logs: &renewalLog{}}
	e.probe = newRenewalProbe(srv.Handler(), func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == rsTokenPath
	})
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	all := append([]facade.Option{facade.WithBaseTransport(e.probe), facade.WithLogger(logger)}, opts...)
	c, err := rightscale.New(srv.URL, srv.RefreshToken, all...)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// call is one real API call that needs the token (GET /api/clouds).
func (e *rsEnv) call(ctx context.Context) error {
	_, err := e.c.Clouds.List(ctx, rightscale.IndexOptions{})
	return err
}

// exchanges is the emulator's own count of access tokens issued.
func (e *rsEnv) exchanges() int { return e.srv.Exchanges() }

func (e *rsEnv) secrets() []string {
	return append([]string{e.srv.RefreshToken}, e.probe.tokens()...)
}

// lockstep starts renewalCallers goroutines that each call at 0,
// renewalStep, 2*renewalStep, …; the main goroutine runs between (at fake
// times of its choosing) and then waits for them. It returns every failed
// call.
func (e *rsEnv) lockstep(t *testing.T, between func()) []error {
	t.Helper()
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range renewalCallers {
		wg.Go(func() {
			for range renewalSteps {
				if err := e.call(t.Context()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				e.completed.Add(1)
				time.Sleep(renewalStep)
			}
		})
	}
	between()
	wg.Wait()
	return errs
}

func (e *rsEnv) wantExchanges(t *testing.T, when string, want int) {
	t.Helper()
	if got := e.exchanges(); got != want {
		t.Errorf("%s: the emulator counted %d exchanges, want %d", when, got, want)
	}
}

// wantParked checks, while the renewal is held, that the calls of the
// first steps have all returned and every caller of the current step
// waits on the one token request the probe holds.
func (e *rsEnv) wantParked(t *testing.T, when string, steps int) {
	t.Helper()
	if n, want := e.completed.Load(), int64(steps*renewalCallers); n != want {
		t.Errorf("%s: %d calls returned, want %d: not every caller waits on the exchange", when, n, want)
	}
	if n := e.probe.tokenRequests.Load(); n != 2 {
		t.Errorf("%s: %d token requests in all, want 2 (the first and one exchange)", when, n)
	}
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
		srv := rightscaletest.NewServer(rightscaletest.WithTokenLifetime(renewalTTL))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newRSEnv(t, srv)
			if err := e.call(t.Context()); err != nil {
				t.Fatal(err)
			}
			e.wantExchanges(t, "first call", 1)
			errs := e.lockstep(t, func() {
				time.Sleep(renewalTTL - time.Minute) // minute 9: 5 steps done, token still good
				e.wantExchanges(t, "before the expiry", 1)
				release := e.probe.holdNext()
				time.Sleep(time.Minute + time.Nanosecond) // just after minute 10
				synctest.Wait()
				e.wantParked(t, "at the expiry", 5)
				release()
				time.Sleep(time.Minute) // minute 11: the calls of minute 10 renewed it
				e.wantExchanges(t, "after the expiry", 2)
			})
			for _, err := range errs {
				t.Error(err)
			}
			e.wantExchanges(t, "at the end", 2)
			if n := e.probe.rejected.Load(); n != 0 {
				t.Errorf("%d calls were rejected: the client sent an expired token", n)
			}
			t.Logf("%d calls, %d failed, %d answered 401, %d tokens issued in all", e.completed.Load(), len(errs), e.probe.rejected.Load(), e.exchanges())
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
			if err := e.call(t.Context()); err != nil {
				t.Fatal(err)
			}
			errs := e.lockstep(t, func() {
				time.Sleep(5 * time.Minute)
				e.wantExchanges(t, "before the server expires the token", 1)
				srv.ExpireTokens()
				// The 100 calls of minute 6 all carry the token the server
				// no longer accepts. Half of them reach it first and wait
				// for the one renewal; the other half arrive once it is
				// done, with the old token: their 401s must not renew
				// again.
				releaseCalls := e.probe.holdCalls(renewalCallers)
				release := e.probe.holdNext()
				time.Sleep(time.Minute + time.Nanosecond) // just after minute 6
				synctest.Wait()
				if n := e.probe.heldCalls.Load(); n != renewalCallers {
					t.Errorf("%d calls sent with the old token, want %d", n, renewalCallers)
				}
				releaseCalls(renewalCallers / 2)
				synctest.Wait()
				if n := e.probe.rejected.Load(); n != renewalCallers/2 {
					t.Errorf("%d calls answered 401, want %d", n, renewalCallers/2)
				}
				e.wantParked(t, "after the first 401s", 3)
				release()
				synctest.Wait()
				releaseCalls(renewalCallers / 2)
				synctest.Wait()
				if n := e.probe.rejected.Load(); n != renewalCallers {
					t.Errorf("%d calls answered 401, want %d", n, renewalCallers)
				}
				if n, want := e.completed.Load(), int64(4*renewalCallers); n != want {
					t.Errorf("%d calls returned, want %d", n, want)
				}
				time.Sleep(time.Minute) // minute 7
				e.wantExchanges(t, "after the 401s", 2)
			})
			for _, err := range errs {
				t.Error(err)
			}
			e.wantExchanges(t, "at the end", 2)
			if n := e.probe.rejected.Load(); n != renewalCallers {
				t.Errorf("%d calls rejected, want %d", n, renewalCallers)
			}
			t.Logf("%d calls, %d failed, %d answered 401 and retried, %d tokens issued in all", e.completed.Load(), len(errs), e.probe.rejected.Load(), e.exchanges())
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
			srv := rightscaletest.NewServer(rightscaletest.WithTokenLifetime(renewalTTL))
			t.Cleanup(srv.Close)
			synctest.Test(t, func(t *testing.T) {
				// With retries on, each caller's retry layer would exchange
				// again after a 503 and hide it; off, the failure itself
				// must arrive. A refusal is never retried anyway.
				e := newRSEnv(t, srv, facade.WithRetry(0, 0, 0))
				ctx := t.Context()
				if err := e.call(ctx); err != nil {
					t.Fatal(err)
				}
				time.Sleep(renewalTTL) // expired, for the client and the server

				release := e.probe.holdNext()
				srv.FailNext(1, tc.status, "POST "+rsTokenPath)
				var (
					wg       sync.WaitGroup
					returned atomic.Int64
					errs     = make([]error, renewalCallers)
				)
				for i := range renewalCallers {
					wg.Go(func() {
						errs[i] = e.call(ctx)
						returned.Add(1)
					})
				}
				synctest.Wait() // every caller is parked: on the one exchange
				sent, early := e.probe.tokenRequests.Load(), returned.Load()
				release()
				wg.Wait()
				if n := sent; n != 2 {
					t.Fatalf("%d exchanges sent while %d callers wait, want 1 (after the first)", n-1, renewalCallers)
				}
				if n := early; n != 0 {
					t.Fatalf("%d callers returned before the exchange ended", n)
				}

				for i, err := range errs {
					var ae *facade.APIError
					var ex *rightscale.ExchangeError
					switch {
					case err == nil:
						t.Fatalf("caller %d succeeded without a token", i)
					case !errors.As(err, &ex) || !errors.As(err, &ae) || ae.StatusCode != tc.status || ae.Operation != "OAuth2Token":
						t.Fatalf("caller %d: %v, want the exchange's %d", i, err, tc.status)
					case tc.sentinel != nil && !errors.Is(err, tc.sentinel):
						t.Fatalf("caller %d: %v does not match %v", i, err, tc.sentinel)
					case err.Error() != errs[0].Error():
						t.Fatalf("caller %d got another error: %v, not %v", i, err, errs[0])
					}
					noSecret(t, "an error", err.Error(), e.secrets())
				}
				if e.probe.rejected.Load() != 0 {
					t.Fatal("a call went out without a valid token")
				}

				if err := e.call(ctx); err != nil {
					t.Fatalf("the next call: %v", err)
				}
				if n := e.probe.tokenRequests.Load(); n != 3 {
					t.Fatalf("%d exchanges sent in all, want 3 (first, failed, retried)", n)
				}
				e.wantExchanges(t, "after the retried exchange", 2)
				noSecret(t, "the debug log", e.logs.String(), e.secrets())
				if !strings.Contains(e.logs.String(), rsTokenPath) {
					t.Fatal("the debug log shows no exchange: nothing was checked")
				}
			})
		})
	}
}
