package rightscaletest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/emulator"
)

// BasePath is where API 1.5 lives on a shard (https://us-3.rightscale.com/api).
const BasePath = "/api"

// APIVersion is the only value of the X-API-Version header the emulator
// accepts, on every call including the token exchange.
const APIVersion = "1.5"

// DefaultTokenLifetime is the expires_in of the access tokens the token
// exchange issues: the two hours observed on the real service.
const DefaultTokenLifetime = 2 * time.Hour

// DefaultAccountID is the id of the account the refresh token belongs to.
const DefaultAccountID = 60073

// DefaultAccountName is the name of that account.
const DefaultAccountName = "Switchboard Sandbox"

// DefaultTaskPolls is how many reads of a task show it running before the
// read that shows its final summary (see WithTaskPolls).
const DefaultTaskPolls = 3

// Server is a running RightScale Cloud Management API 1.5 emulator, in the
// manner of httptest.Server. Its state lives in memory and is lost on
// Close.
type Server struct {
	// URL is the API endpoint as python-rightscale's api_endpoint and
	// RIGHTSCALE_API_ENDPOINT hold it: scheme and host of the "shard",
	// e.g. "http://127.0.0.1:41234", without /api and without a trailing
	// slash.
	URL string
	// RefreshToken is the refresh token the token exchange accepts (the
	// one the dashboard shows under Settings › API Credentials).
	RefreshToken string

	cfg     config
	http    *emulator.Server
	handler http.Handler // the API, without the fault injector

	mu      sync.Mutex // guards st, generic and tokens
	st      *store
	generic *genericStore

	tokens    map[string]time.Time // access token → expiry
	exchanges atomic.Int64

	bodyMu sync.Mutex
	bodies map[int][]string // Fault.Body of queued faults, by status, oldest first
}

// Option configures a Server.
type Option func(*config)

type config struct {
	refresh   string
	addr      string
	now       func() time.Time
	lifetime  time.Duration
	taskPolls int
	taskStep  time.Duration
	bootTime  time.Duration
	accountID int
	account   string
	latency   time.Duration
	tls       bool
	demo      bool
	seeds     []func(*Server)
	errorLog  bool
	failures  map[string]string
	faultSeed uint64
}

// WithRefreshToken sets the refresh token the server accepts (default: a
// random one, see Server.RefreshToken).
func WithRefreshToken(tok string) Option { return func(c *config) { c.refresh = tok } }

// WithAddr sets the listen address, e.g. "127.0.0.1:8000" for
// `switchboard sandbox serve` (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClock sets the server's clock (default time.Now). It dates the
// resources, decides when access tokens expire and, with WithTaskStepTime
// or WithBootTime, when tasks and instances move on. Timestamps are kept
// to the second, as the API shows them.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTokenLifetime sets the expires_in of issued access tokens (default
// DefaultTokenLifetime). Once the server's clock passes a token's expiry,
// calls with it are answered 401.
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.lifetime = d } }

// WithTaskPolls sets how many reads of a task show a running summary
// before the final one ("completed: <name>" or "failed: <name>"); default
// DefaultTaskPolls, 0 makes tasks final at their first read. Tasks move on
// by reads, not time, so tests need no sleeps; see WithTaskStepTime for
// time-driven tasks.
func WithTaskPolls(n int) Option { return func(c *config) { c.taskPolls = max(n, 0) } }

// WithTaskStepTime makes tasks move on with the server's clock instead of
// with reads: each running summary lasts d. Useful for a long-running
// sandbox whose users poll with a real clock.
func WithTaskStepTime(d time.Duration) Option { return func(c *config) { c.taskStep = d } }

// WithBootTime makes launched instances go pending → booting →
// operational over d of the server's clock (half of it each), and
// terminated ones shutting-down → terminated over d. Default 0: launches
// are operational and terminations done at once.
func WithBootTime(d time.Duration) Option { return func(c *config) { c.bootTime = d } }

// WithAccount sets the id and name of the account the refresh token
// belongs to (default DefaultAccountID, DefaultAccountName).
func WithAccount(id int, name string) Option {
	return func(c *config) { c.accountID, c.account = id, name }
}

// WithScriptFailure makes every run of the RightScript named name fail:
// its task ends with the summary "failed: <name>" and reason in the
// task's detail (view=extended). Server.FailScript does the same on a
// running server.
func WithScriptFailure(name, reason string) Option {
	return func(c *config) {
		if c.failures == nil {
			c.failures = map[string]string{}
		}
		c.failures[name] = reason
	}
}

// WithDemoData seeds the demo account used by --sandbox and `switchboard
// sandbox serve rightscale --seed`; see the package documentation.
func WithDemoData() Option { return func(c *config) { c.demo = true } }

// WithSeed runs fn on the server before it starts listening, to add data
// with the Server's Add methods. Several WithSeed options run in order,
// after WithDemoData.
func WithSeed(fn func(*Server)) Option {
	return func(c *config) { c.seeds = append(c.seeds, fn) }
}

// WithLatency delays every request by d before it is handled.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithTLS serves HTTPS with a self-signed certificate, like
// httptest.NewTLSServer. Use Server.Client or Server.Certificate to trust it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithErrorLog keeps net/http's server error log on stderr; by default it
// is discarded.
func WithErrorLog() Option { return func(c *config) { c.errorLog = true } }

// WithFaultSeed seeds the random faults of Faults().SetRate (default 0),
// so that a failing soak test can be replayed.
func WithFaultSeed(seed uint64) Option { return func(c *config) { c.faultSeed = seed } }

// NewServer starts an emulator on a loopback port (or the WithAddr
// address). Close it when done, typically with t.Cleanup(srv.Close). It
// panics when it cannot listen, as httptest.NewServer does; long-running
// servers, whose address comes from a user, use Listen instead.
func NewServer(opts ...Option) *Server {
	s := newUnstarted(opts...)
	s.start(emulator.MustStart(s.emulatorArgs()))
	return s
}

// Listen is NewServer returning an error instead of panicking when the
// address (WithAddr, default "127.0.0.1:0") cannot be bound.
func Listen(opts ...Option) (*Server, error) {
	s := newUnstarted(opts...)
	srv, err := emulator.Start(s.emulatorArgs())
	if err != nil {
		return nil, err
	}
	s.start(srv)
	return s, nil
}

// emulatorArgs are the arguments of emulator.Start: the API behind a
// fault injector whose errors carry RightScale's plain-text body.
func (s *Server) emulatorArgs() (string, http.Handler, fault.ErrorBody, emulator.Options) {
	return "rightscaletest", s.handler, s.faultBody, emulator.Options{
		Addr: s.cfg.addr, TLS: s.cfg.tls, ErrorLog: s.cfg.errorLog, FaultSeed: s.cfg.faultSeed,
	}
}

func (s *Server) start(srv *emulator.Server) {
	s.http = srv
	s.URL = srv.URL
}

func newUnstarted(opts ...Option) *Server {
	cfg := config{
		now:       time.Now,
		lifetime:  DefaultTokenLifetime,
		taskPolls: DefaultTaskPolls,
		accountID: DefaultAccountID,
		account:   DefaultAccountName,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.refresh == "" {
		cfg.refresh = randomHex(20)
	}
	if cfg.lifetime <= 0 {
		cfg.lifetime = DefaultTokenLifetime
	}
	s := &Server{RefreshToken: cfg.refresh, cfg: cfg, tokens: map[string]time.Time{}, generic: newGenericStore()}
	s.st = newStore(s.now())
	for name, reason := range cfg.failures {
		s.st.failures[name] = reason
	}
	s.handler = s.newHandler()
	if cfg.demo {
		s.seedDemo()
	}
	for _, fn := range cfg.seeds {
		fn(s)
	}
	return s
}

// Close shuts the server down and waits for the requests in flight.
func (s *Server) Close() {
	if s.http != nil {
		s.http.Close()
	}
}

// Handler returns the emulator's handler, with the fault injector in
// front, which expects full paths (/api/...), for mounting elsewhere or
// httptest.NewRecorder.
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Certificate returns the self-signed certificate of a WithTLS server, or
// nil.
func (s *Server) Certificate() *x509.Certificate { return s.http.Certificate() }

// Client returns an HTTP client that trusts the WithTLS certificate. It
// adds no credentials.
func (s *Server) Client() *http.Client { return s.http.Client() }

// TokenURL is the URL of the token exchange (POST, X-API-Version: 1.5,
// grant_type=refresh_token and refresh_token).
func (s *Server) TokenURL() string { return s.URL + BasePath + "/oauth2" }

// AccountHref is the href of the refresh token's account.
func (s *Server) AccountHref() string {
	return fmt.Sprintf("%s/accounts/%d", BasePath, s.cfg.accountID)
}

// now reads the clock, to the second.
func (s *Server) now() time.Time { return s.cfg.now().UTC().Truncate(time.Second) }

// Fault is a failure FailNextWith injects: Kind, Status, RetryAfter,
// Stall and Pattern mean what they do in package fault's Fault, the same
// for every Switchboard emulator; Body is RightScale's own. Status and
// RateLimit answers carry the API's plain-text error body.
type Fault struct {
	// Kind is how the request fails (default fault.Status).
	Kind fault.Kind
	// Status is the answer's status for Status and HTML faults, e.g. 500
	// or 503 (default 503 and 502).
	Status int
	// RetryAfter is sent as Retry-After with a RateLimit fault (a Status
	// fault of 429 with a RetryAfter is one).
	RetryAfter time.Duration
	// Stall bounds a Stall fault (default one minute).
	Stall time.Duration
	// Pattern limits the fault to requests whose "METHOD /path" starts
	// with it (e.g. "GET /api/clouds"); "" matches every request.
	Pattern string
	// Body replaces the status text as the body of a Status or RateLimit
	// fault (other kinds ignore it). The injector picks faults by pattern but renders bodies by
	// status, so when several faults of one status are queued, their
	// answers take the queued bodies in the order they were queued.
	Body string
}

// FailNext makes the next n requests matching pattern ("METHOD /path"
// prefix, "" for any) answer status before reaching the emulator.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Status: status, Pattern: pattern})
}

// FailNextWith is FailNext with the whole failure described by f, e.g. a
// connection reset after a server was launched:
//
//	srv.FailNextWith(1, rightscaletest.Fault{Kind: fault.Reset, Pattern: "POST /api/servers/"})
func (s *Server) FailNextWith(n int, f Fault) {
	ff := fault.Fault{Kind: f.Kind, Status: f.Status, RetryAfter: f.RetryAfter, Stall: f.Stall, Pattern: f.Pattern}
	if f.Body != "" && n > 0 && (ff.Kind == fault.Status || ff.Kind == fault.RateLimit) {
		status := ff.Status
		switch {
		case ff.Kind == fault.RateLimit:
			status = http.StatusTooManyRequests
		case status == 0:
			status = http.StatusServiceUnavailable
		}
		s.bodyMu.Lock()
		if s.bodies == nil {
			s.bodies = map[int][]string{}
		}
		for range n {
			s.bodies[status] = append(s.bodies[status], f.Body)
		}
		s.bodyMu.Unlock()
	}
	s.http.FailNext(n, ff)
}

// Faults returns the server's fault injector, for random faults in soak
// tests (SetRate; seed them with WithFaultSeed) and for counting the
// faults served.
func (s *Server) Faults() *fault.Injector { return s.http.Faults() }

// faultBody renders an injected error as the API's own: plain text, the
// next queued Fault.Body of that status or the status text.
func (s *Server) faultBody(status int) (string, []byte) {
	text := http.StatusText(status)
	s.bodyMu.Lock()
	if q := s.bodies[status]; len(q) > 0 {
		text, s.bodies[status] = q[0], q[1:]
	}
	s.bodyMu.Unlock()
	return errorContentType, []byte(text)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
