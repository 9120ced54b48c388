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
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
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

// ssEnv is one emulator and one connected client.
type ssEnv struct {
	srv   *spacestudiotest.Server
	probe *renewalProbe
	c     *spacestudio.Client
	logs  *renewalLog

	// completed counts the calls of lockstep that have returned.
	completed atomic.Int64
}

// newSSEnv connects, inside the bubble, a client of srv that logs at
// debug level. Connect logs in once.
func newSSEnv(t *testing.T, srv *spacestudiotest.Server, opts ...facade.Option) *ssEnv {
	t.Helper()
	e := &ssEnv{srv: srv, logs: &renewalLog{}}
	e.probe = newRenewalProbe(srv.Handler(), func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == spacestudiotest.TokenPath
	})
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	all := append([]facade.Option{facade.WithBaseTransport(e.probe), facade.WithLogger(logger)}, opts...)
	c, err := spacestudio.Connect(t.Context(), srv.URL, srv.Mail, srv.Password, srv.ClientID,
		spacestudio.WithTokenURL(srv.TokenURL), spacestudio.WithHTTPOptions(all...))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// call is one real API call that needs the token (the orbits list).
func (e *ssEnv) call(ctx context.Context) error {
	_, err := e.c.Orbits.All(ctx)
	return err
}

// grants is the emulator's own count of tokens issued: password logins
// and refreshes.
func (e *ssEnv) grants() int {
	s := e.srv.Stats()
	return s.PasswordGrants + s.RefreshGrants
}

func (e *ssEnv) secrets() []string {
	return append([]string{e.srv.Password}, e.probe.tokens()...)
}

// lockstep starts renewalCallers goroutines that each call at 0,
// renewalStep, 2*renewalStep, …; the main goroutine runs between (at fake
// times of its choosing) and then waits for them. It returns every failed
// call.
func (e *ssEnv) lockstep(t *testing.T, between func()) []error {
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

func (e *ssEnv) wantGrants(t *testing.T, when string, want int) {
	t.Helper()
	if got := e.grants(); got != want {
		t.Errorf("%s: the emulator counted %d grants (%+v), want %d", when, got, e.srv.Stats(), want)
	}
}

// wantParked checks, while the renewal is held, that the calls of the
// first steps have all returned and every caller of the current step
// waits on the one token request the probe holds.
func (e *ssEnv) wantParked(t *testing.T, when string, steps int) {
	t.Helper()
	if n, want := e.completed.Load(), int64(steps*renewalCallers); n != want {
		t.Errorf("%s: %d calls returned, want %d: not every caller waits on the renewal", when, n, want)
	}
	if n := e.probe.tokenRequests.Load(); n != 2 {
		t.Errorf("%s: %d token requests in all, want 2 (the first and one renewal)", when, n)
	}
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
		srv := spacestudiotest.NewServer(spacestudiotest.WithTokenLifetimes(renewalTTL, time.Hour))
		t.Cleanup(srv.Close)
		synctest.Test(t, func(t *testing.T) {
			e := newSSEnv(t, srv)
			e.wantGrants(t, "after Connect", 1)
			errs := e.lockstep(t, func() {
				time.Sleep(renewalTTL - time.Minute) // minute 9: 5 steps done, token still good
				e.wantGrants(t, "before the expiry", 1)
				release := e.probe.holdNext()
				time.Sleep(time.Minute + time.Nanosecond) // just after minute 10
				synctest.Wait()
				e.wantParked(t, "at the expiry", 5)
				release()
				time.Sleep(time.Minute) // minute 11: the calls of minute 10 renewed it
				e.wantGrants(t, "after the expiry", 2)
			})
			for _, err := range errs {
				t.Error(err)
			}
			e.wantGrants(t, "at the end", 2)
			if s := srv.Stats(); s.RefreshGrants != 1 {
				t.Errorf("the renewal was not a refresh: %+v", s)
			}
			if n := e.probe.rejected.Load(); n != 0 {
				t.Errorf("%d calls were rejected: the client sent an expired token", n)
			}
			t.Logf("%d calls, %d failed, %d answered 401, %d tokens issued in all", e.completed.Load(), len(errs), e.probe.rejected.Load(), e.grants())
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
			errs := e.lockstep(t, func() {
				time.Sleep(5 * time.Minute)
				e.wantGrants(t, "before the revocation", 1)
				srv.RevokeTokens()
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
				e.wantGrants(t, "after the 401s", 2)
			})
			for _, err := range errs {
				t.Error(err)
			}
			e.wantGrants(t, "at the end", 2)
			if s := srv.Stats(); s.PasswordGrants != 2 {
				t.Errorf("a rejected token was not replaced by a new login: %+v", s)
			}
			if n := e.probe.rejected.Load(); n != renewalCallers {
				t.Errorf("%d calls rejected, want %d", n, renewalCallers)
			}
			t.Logf("%d calls, %d failed, %d answered 401 and retried, %d tokens issued in all", e.completed.Load(), len(errs), e.probe.rejected.Load(), e.grants())
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
			srv := spacestudiotest.NewServer(spacestudiotest.WithTokenLifetimes(renewalTTL, time.Hour))
			t.Cleanup(srv.Close)
			synctest.Test(t, func(t *testing.T) {
				e := newSSEnv(t, srv, tc.opts...)
				ctx := t.Context()
				time.Sleep(renewalTTL) // expired, for the client and the server

				release := e.probe.holdNext()
				srv.FailNext(2, tc.status, "POST "+spacestudiotest.TokenPath)
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
				synctest.Wait() // every caller is parked: on the one renewal
				sent, early := e.probe.tokenRequests.Load(), returned.Load()
				release()
				wg.Wait()
				if n := sent; n != 2 {
					t.Fatalf("%d token requests sent while %d callers wait, want 1 (after Connect's)", n-1, renewalCallers)
				}
				if n := early; n != 0 {
					t.Fatalf("%d callers returned before the renewal ended", n)
				}

				for i, err := range errs {
					var ae *facade.APIError
					switch {
					case err == nil:
						t.Fatalf("caller %d succeeded without a token", i)
					case !errors.As(err, &ae) || ae.StatusCode != tc.status || ae.Operation != "Login":
						t.Fatalf("caller %d: %v, want the login's %d", i, err, tc.status)
					case tc.sentinel != nil && !errors.Is(err, tc.sentinel):
						t.Fatalf("caller %d: %v does not match %v", i, err, tc.sentinel)
					case err.Error() != errs[0].Error():
						t.Fatalf("caller %d got another error: %v, not %v", i, err, errs[0])
					}
					noSecret(t, "an error", err.Error(), e.secrets())
				}
				if n := e.probe.tokenRequests.Load(); n != 3 {
					t.Fatalf("%d token requests in all, want 3 (Connect, then one renewal's refresh and login)", n)
				}
				if e.probe.rejected.Load() != 0 {
					t.Fatal("a call went out without a valid token")
				}

				if err := e.call(ctx); err != nil {
					t.Fatalf("the next call: %v", err)
				}
				if n := e.probe.tokenRequests.Load(); n != 4 {
					t.Fatalf("%d token requests in all, want 4 (the retried renewal's refresh)", n)
				}
				e.wantGrants(t, "after the retried renewal", 2)
				noSecret(t, "the debug log", e.logs.String(), e.secrets())
				if !strings.Contains(e.logs.String(), spacestudiotest.TokenPath) {
					t.Fatal("the debug log shows no token request: nothing was checked")
				}
			})
		})
	}
}
