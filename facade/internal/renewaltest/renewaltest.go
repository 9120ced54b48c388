// Package renewaltest is the harness the platforms' renewal tests share
// (credentials under concurrency): a client whose base transport serves
// every request with the emulator's own handler, in memory, so that the
// client, the handler and both clocks live in one testing/synctest bubble;
// a probe in that transport that counts token requests and 401s, holds
// token requests or API calls until released, and keeps every token the
// emulator issues; and the loops that run Callers goroutines against it.
//
// Only tests import it. What differs per platform (how the client is
// built, which call needs the token, how the emulator counts its logins,
// how it is made to reject a token) stays in the platform's test.
package renewaltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// The shape of the lockstep runs: Callers goroutines each call Steps
// times, Step of fake time apart, across tokens that live TTL.
const (
	Callers = 100
	Steps   = 8 // calls per goroutine, at 0, 2, …, 14 minutes
	Step    = 2 * time.Minute
	TTL     = 10 * time.Minute
)

// Probe is the client's base transport: it serves each request with the
// emulator's own handler, in memory. It counts the token requests
// (logins, exchanges) and the 401s, can hold token requests or API calls
// until released, and keeps every token the emulator issues so that the
// tests can look for them in errors and logs.
type Probe struct {
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

// NewProbe serves requests with h; isToken tells token requests from API
// calls.
func NewProbe(h http.Handler, isToken func(*http.Request) bool) *Probe {
	return &Probe{h: h, isToken: isToken}
}

// IsPost matches the token requests of most platforms: POST to path.
func IsPost(path string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == path }
}

// RoundTrip serves req with the emulator's handler, in memory.
func (p *Probe) RoundTrip(req *http.Request) (*http.Response, error) {
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

// HoldTokens makes the next token requests wait until release is called.
// Call it inside the bubble, so that waiting on the channel is durable.
func (p *Probe) HoldTokens() (release func()) {
	ch := make(chan struct{})
	p.hold.Store(&ch)
	return func() {
		p.hold.Store(nil)
		close(ch)
	}
}

// HoldCalls holds the next n API calls before the emulator sees them;
// release(k) lets k of them through.
func (p *Probe) HoldCalls(n int) (release func(k int)) {
	ch := make(chan struct{}, n)
	p.callsToHold.Store(int64(n))
	p.callGate.Store(&ch)
	return func(k int) {
		for range k {
			ch <- struct{}{}
		}
	}
}

// TokenRequests is how many token requests were sent to the emulator.
func (p *Probe) TokenRequests() int64 { return p.tokenRequests.Load() }

// TokensIssued is how many token requests the emulator answered with a
// token (2xx).
func (p *Probe) TokensIssued() int64 { return p.tokensIssued.Load() }

// Rejected is how many API calls the emulator answered 401.
func (p *Probe) Rejected() int64 { return p.rejected.Load() }

// HeldCalls is how many API calls HoldCalls held.
func (p *Probe) HeldCalls() int64 { return p.heldCalls.Load() }

// Tokens returns every token value the emulator has issued so far.
func (p *Probe) Tokens() []string {
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

// Env is what a platform's renewal test drives: the probe, the client's
// debug log, and Call, one real API call that needs the token.
type Env struct {
	Probe *Probe
	// Log is what Logger wrote.
	Log *leakcheck.Buffer
	// Call is set by the platform once its client exists.
	Call func(ctx context.Context) error
	// Issued is the emulator's count of tokens issued (logins, exchanges,
	// grants), where it keeps one; nil counts the token requests the
	// emulator answered 2xx, as the probe saw them.
	Issued func() int

	tokenPath string
	logger    *slog.Logger
	// completed counts the calls of Lockstep that have returned.
	completed atomic.Int64
}

// NewEnv serves the client's requests with h (the emulator's Handler)
// and counts the POSTs to tokenPath as token requests.
func NewEnv(h http.Handler, tokenPath string) *Env {
	logger, buf := leakcheck.Logger()
	return &Env{Probe: NewProbe(h, IsPost(tokenPath)), Log: buf, tokenPath: tokenPath, logger: logger}
}

// issued is Issued, or the probe's count.
func (e *Env) issued() int {
	if e.Issued != nil {
		return e.Issued()
	}
	return int(e.Probe.TokensIssued())
}

// WantIssued checks that the emulator has issued want tokens.
func (e *Env) WantIssued(t *testing.T, when string, want int) {
	t.Helper()
	if got := e.issued(); got != want {
		t.Errorf("%s: the emulator issued %d tokens, want %d", when, got, want)
	}
}

// Options are the client options that route it through the probe and
// log at debug level, followed by opts.
func (e *Env) Options(opts ...facade.Option) []facade.Option {
	return append([]facade.Option{facade.WithBaseTransport(e.Probe), facade.WithLogger(e.logger)}, opts...)
}

// Completed is how many calls of Lockstep have returned.
func (e *Env) Completed() int64 { return e.completed.Load() }

// Lockstep starts Callers goroutines that each call at 0, Step, 2*Step, …
// (Steps calls); the main goroutine runs between (at fake times of its
// choosing) and then waits for them. It returns every failed call.
func (e *Env) Lockstep(t *testing.T, between func()) []error {
	t.Helper()
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range Callers {
		wg.Go(func() {
			for range Steps {
				if err := e.Call(t.Context()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				e.completed.Add(1)
				time.Sleep(Step)
			}
		})
	}
	between()
	wg.Wait()
	return errs
}

// WantParked checks, while the renewal is held, that the calls of the
// first steps have all returned and every caller of the current step
// waits on the one token request the probe holds.
func (e *Env) WantParked(t *testing.T, when string, steps int) {
	t.Helper()
	if n, want := e.completed.Load(), int64(steps*Callers); n != want {
		t.Errorf("%s: %d calls returned, want %d: not every caller waits on the renewal", when, n, want)
	}
	if n := e.Probe.TokenRequests(); n != 2 {
		t.Errorf("%s: %d token requests in all, want 2 (the first and one renewal)", when, n)
	}
}

// Burst starts Callers goroutines calling at once while the token
// requests are held, waits (synctest.Wait) until every one is parked,
// checks that exactly one token request went out beyond the first and
// that no caller returned early, then releases the renewal and returns
// each caller's error. Call it inside the bubble, with the token expired.
func (e *Env) Burst(t *testing.T) []error {
	t.Helper()
	release := e.Probe.HoldTokens()
	var (
		wg       sync.WaitGroup
		returned atomic.Int64
		errs     = make([]error, Callers)
	)
	for i := range Callers {
		wg.Go(func() {
			errs[i] = e.Call(t.Context())
			returned.Add(1)
		})
	}
	synctest.Wait() // every caller is parked: on the one renewal
	sent, early := e.Probe.TokenRequests(), returned.Load()
	release()
	wg.Wait()
	if n := sent; n != 2 {
		t.Fatalf("%d token requests sent while %d callers wait, want 1 (after the first)", n-1, Callers)
	}
	if n := early; n != 0 {
		t.Fatalf("%d callers returned before the renewal ended", n)
	}
	return errs
}

// WantSameFailure checks that every caller of a failed renewal got its
// error: an *facade.APIError of operation with status, matching sentinel
// (unless nil), the same message for all.
func WantSameFailure(t *testing.T, errs []error, status int, operation string, sentinel error) {
	t.Helper()
	for i, err := range errs {
		ae, isAPI := errors.AsType[*facade.APIError](err)
		switch {
		case err == nil:
			t.Fatalf("caller %d succeeded without a token", i)
		case !isAPI || ae.StatusCode != status || ae.Operation != operation:
			t.Fatalf("caller %d: %v, want the renewal's %d (%s)", i, err, status, operation)
		case sentinel != nil && !errors.Is(err, sentinel):
			t.Fatalf("caller %d: %v does not match %v", i, err, sentinel)
		case err.Error() != errs[0].Error():
			t.Fatalf("caller %d got another error: %v, not %v", i, err, errs[0])
		}
	}
}

// NoLeak checks with leakcheck that neither errs (their messages, detailed
// forms and API error bodies) nor the debug log hold any of secrets or of
// the tokens the emulator issued.
func (e *Env) NoLeak(t *testing.T, errs []error, secrets ...leakcheck.Secret) {
	t.Helper()
	for i, tok := range e.Probe.Tokens() {
		if tok != "" {
			secrets = append(secrets, leakcheck.Secret{Name: fmt.Sprintf("issued token %d", i+1), Value: tok})
		}
	}
	hay := leakcheck.Errors(errs).Texts()
	hay["debug log"] = e.Log.String()
	leakcheck.Assert(t, hay, secrets...)
}

// AcrossExpiry runs Lockstep while the token expires under the callers
// and the client sees it coming: tokens live TTL, so its margin makes the
// calls at minute 10 renew first (held until every caller of that step
// waits on the one renewal), and the server never rejects anything. Every
// call must succeed and exactly one token be issued besides the first.
// Call it inside the bubble, after the first call.
func (e *Env) AcrossExpiry(t *testing.T) {
	t.Helper()
	errs := e.Lockstep(t, func() {
		time.Sleep(TTL - time.Minute) // minute 9: 5 steps done, token still good
		e.WantIssued(t, "before the expiry", 1)
		release := e.Probe.HoldTokens()
		time.Sleep(time.Minute + time.Nanosecond) // just after minute 10
		synctest.Wait()
		e.WantParked(t, "at the expiry", 5)
		release()
		time.Sleep(time.Minute) // minute 11: the calls of minute 10 renewed it
		e.WantIssued(t, "after the expiry", 2)
	})
	for _, err := range errs {
		t.Error(err)
	}
	e.WantIssued(t, "at the end", 2)
	if n := e.Probe.Rejected(); n != 0 {
		t.Errorf("%d calls were rejected: the client sent an expired token", n)
	}
	t.Logf("%d calls, %d failed, %d answered 401, %d tokens issued in all", e.Completed(), len(errs), e.Probe.Rejected(), e.issued())
}

// RejectedAtMinuteSix runs Lockstep while the server rejects the token
// first: at minute 5 reject makes it refuse the token the client still
// trusts, so the 100 calls of minute 6 get 401s. Half of them reach the
// server first and wait for the one renewal; the other half arrive once
// it is done, with the old token: their 401s must not renew again. Every
// call must succeed (each 401 retried once) and exactly one token be
// issued besides the first. Call it inside the bubble, after the first
// token was issued.
func (e *Env) RejectedAtMinuteSix(t *testing.T, reject func()) {
	t.Helper()
	errs := e.Lockstep(t, func() {
		time.Sleep(5 * time.Minute)
		e.WantIssued(t, "before the server rejects the token", 1)
		reject()
		releaseCalls := e.Probe.HoldCalls(Callers)
		release := e.Probe.HoldTokens()
		time.Sleep(time.Minute + time.Nanosecond) // just after minute 6
		synctest.Wait()
		if n := e.Probe.HeldCalls(); n != Callers {
			t.Errorf("%d calls sent with the old token, want %d", n, Callers)
		}
		releaseCalls(Callers / 2)
		synctest.Wait()
		if n := e.Probe.Rejected(); n != Callers/2 {
			t.Errorf("%d calls answered 401, want %d", n, Callers/2)
		}
		e.WantParked(t, "after the first 401s", 3)
		release()
		synctest.Wait()
		releaseCalls(Callers / 2)
		synctest.Wait()
		if n := e.Probe.Rejected(); n != Callers {
			t.Errorf("%d calls answered 401, want %d", n, Callers)
		}
		if n, want := e.Completed(), int64(4*Callers); n != want {
			t.Errorf("%d calls returned, want %d", n, want)
		}
		time.Sleep(time.Minute) // minute 7
		e.WantIssued(t, "after the 401s", 2)
	})
	for _, err := range errs {
		t.Error(err)
	}
	e.WantIssued(t, "at the end", 2)
	if n := e.Probe.Rejected(); n != Callers {
		t.Errorf("%d calls rejected, want %d", n, Callers)
	}
	t.Logf("%d calls, %d failed, %d answered 401 and retried, %d tokens issued in all", e.Completed(), len(errs), e.Probe.Rejected(), e.issued())
}

// Recovers checks, after a Burst whose renewal failed with errs, that no
// call went out without a valid token, that the next call renews and
// succeeds with tokenRequests token requests sent in all and two tokens
// issued in all, and that neither errs nor the debug log (which must show
// the token requests) hold any of secrets or of the issued tokens.
func (e *Env) Recovers(t *testing.T, errs []error, tokenRequests int64, secrets ...leakcheck.Secret) {
	t.Helper()
	if e.Probe.Rejected() != 0 {
		t.Fatal("a call went out without a valid token")
	}
	if err := e.Call(t.Context()); err != nil {
		t.Fatalf("the next call: %v", err)
	}
	if n := e.Probe.TokenRequests(); n != tokenRequests {
		t.Fatalf("%d token requests sent in all, want %d", n, tokenRequests)
	}
	e.WantIssued(t, "after the retried renewal", 2)
	e.NoLeak(t, errs, secrets...)
	if !strings.Contains(e.Log.String(), e.tokenPath) {
		t.Fatal("the debug log shows no token request: nothing was checked")
	}
}
