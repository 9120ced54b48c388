package cachettest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BasePath is where the API lives on a Cachet site, and where the emulator
// serves it.
const BasePath = "/api/v1"

// DefaultVersion is the version the emulator reports on /version: the
// version string of Cachet's 2.4 branch.
const DefaultVersion = "2.4.0-dev"

// DefaultLatestRelease is the release tag the emulator pretends GitHub
// reports as latest: the last 2.x release.
const DefaultLatestRelease = "v2.3.18"

// UserID is the id of the dashboard user owning the emulator's API token,
// as the first user of a fresh Cachet install. It shows as the user_id of
// incidents and incident updates created through the API.
const UserID = 1

// Server is a running Cachet 2.4 API emulator, in the manner of
// httptest.Server. Its state lives in memory and is lost on Close.
type Server struct {
	// URL is the API's base URL, e.g. "http://127.0.0.1:41234/api/v1",
	// without a trailing slash (the real server redirects URLs that end
	// in one).
	URL string
	// Token is a valid API token: send it as the X-Cachet-Token header.
	Token string

	cfg     config
	ts      *httptest.Server
	handler http.Handler

	mu sync.RWMutex // guards st, the whole emulated database
	st *store

	faultMu sync.Mutex
	faults  []Fault
	faultsN atomic.Int64 // len(faults), read without the lock on every request

	zones zoneCache // the Time-Zone header values that named a zone
}

// Option configures a Server.
type Option func(*config)

type config struct {
	token       string
	addr        string
	now         func() time.Time
	loc         *time.Location
	version     string
	latest      string
	latestPre   bool
	latestDraft bool
	releaseErr  bool
	alwaysAuth  bool
	skipVerify  bool
	majorRate   int
	latency     time.Duration
	tls         bool
	seeds       []func(*Seeder)
	errorLog    bool
}

// WithToken sets the API token the server accepts (default: a random one,
// see Server.Token).
func WithToken(tok string) Option { return func(c *config) { c.token = tok } }

// WithAddr sets the listen address, e.g. "127.0.0.1:8000" for
// `switchboard sandbox serve` (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClock sets the server's clock (default time.Now). Timestamps are
// stored to the second, like the real database columns.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTimeZone sets the site's time zone (the "Timezone" setting of the
// dashboard, default UTC): timestamps are shown and input dates read in
// it, unless a request names another zone in its Time-Zone header.
func WithTimeZone(loc *time.Location) Option { return func(c *config) { c.loc = loc } }

// WithVersion sets the version /version reports (default DefaultVersion).
func WithVersion(v string) Option { return func(c *config) { c.version = v } }

// WithLatestRelease sets the release /version reports as GitHub's latest
// (default DefaultLatestRelease, neither prerelease nor draft). on_latest is
// computed from it and the version with PHP's version_compare, as the real
// server does.
func WithLatestRelease(tag string, prerelease, draft bool) Option {
	return func(c *config) { c.latest, c.latestPre, c.latestDraft = tag, prerelease, draft }
}

// WithReleaseCheckFailure makes /version answer 500, as a real server does
// when it cannot reach GitHub (an offline install).
func WithReleaseCheckFailure() Option { return func(c *config) { c.releaseErr = true } }

// WithAlwaysAuthenticate turns on the site setting "always authenticate":
// every API route then needs the token, except /ping, /version and /status.
func WithAlwaysAuthenticate() Option { return func(c *config) { c.alwaysAuth = true } }

// WithSkipSubscriberVerification turns on the site setting of that name:
// subscribers created without "verify" are then verified at once.
func WithSkipSubscriberVerification() Option { return func(c *config) { c.skipVerify = true } }

// WithMajorOutageRate sets the site's "major outage rate" in percent
// (default 50): /status reports "danger" when at least that share of the
// visible components is in major outage.
func WithMajorOutageRate(percent int) Option { return func(c *config) { c.majorRate = percent } }

// WithLatency delays every request by d before it is handled, to emulate
// a remote server (or to measure a client's concurrency).
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithTLS serves HTTPS with a self-signed certificate, like
// httptest.NewTLSServer. Use Server.Client or Server.Certificate to trust it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithSeed runs fn before the server starts, to fill it with data. See
// Seeder. Several WithSeed options run in order.
func WithSeed(fn func(*Seeder)) Option {
	return func(c *config) { c.seeds = append(c.seeds, fn) }
}

// WithErrorLog keeps net/http's server error log (TLS handshake failures
// and the like) on stderr; by default it is discarded, like the noise of a
// test server should be.
func WithErrorLog() Option { return func(c *config) { c.errorLog = true } }

// NewServer starts an emulator on a loopback port (or the WithAddr
// address). Close it when done, typically with t.Cleanup(srv.Close). It
// panics when it cannot listen, as httptest.NewServer does; long-running
// servers, whose address comes from a user, use Listen instead.
func NewServer(opts ...Option) *Server {
	s := newUnstarted(opts...)
	var l net.Listener // nil: httptest's own loopback listener
	if s.cfg.addr != "" {
		var err error
		if l, err = listen(s.cfg.addr); err != nil {
			panic(err.Error())
		}
	}
	s.start(l)
	return s
}

// Listen is NewServer returning an error instead of panicking when the
// address (WithAddr, default "127.0.0.1:0") cannot be bound, e.g. because
// it is already in use.
func Listen(opts ...Option) (*Server, error) {
	s := newUnstarted(opts...)
	addr := s.cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := listen(addr)
	if err != nil {
		return nil, err
	}
	s.start(l)
	return s, nil
}

func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cachettest: listen on %s: %w", addr, err)
	}
	return l, nil
}

// start serves on l, or on httptest's loopback listener when l is nil.
func (s *Server) start(l net.Listener) {
	var ts *httptest.Server
	if l == nil {
		ts = httptest.NewUnstartedServer(s.handler)
	} else {
		ts = &httptest.Server{Listener: l, Config: &http.Server{Handler: s.handler}}
	}
	if !s.cfg.errorLog {
		ts.Config.ErrorLog = discardLogger
	}
	if s.cfg.tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	s.ts = ts
	s.URL = baseURL(ts) + BasePath
}

// newUnstarted builds the server state and handler without listening.
func newUnstarted(opts ...Option) *Server {
	cfg := config{
		now:       time.Now,
		loc:       time.UTC,
		version:   DefaultVersion,
		latest:    DefaultLatestRelease,
		majorRate: 50,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.token == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		cfg.token = hex.EncodeToString(b[:])
	}
	if cfg.loc == nil {
		cfg.loc = time.UTC
	}
	s := &Server{Token: cfg.token, cfg: cfg, st: newStore()}
	s.handler = s.newHandler()
	if len(cfg.seeds) > 0 {
		s.Seed(func(sd *Seeder) {
			for _, fn := range cfg.seeds {
				fn(sd)
			}
		})
	}
	return s
}

// baseURL is the server's URL, with an unspecified listen address (":8000",
// "0.0.0.0:8000") replaced by the loopback one a client can dial.
func baseURL(ts *httptest.Server) string {
	scheme := "http"
	if ts.TLS != nil {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(ts.Listener.Addr().String())
	if err != nil {
		return ts.URL
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Close shuts the server down and waits for the requests in flight, like
// httptest.Server.Close.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler returns the emulator's bare handler. It expects the full request
// path (with the /api/v1 prefix), so it can be mounted at the root of
// another server or called with httptest.NewRecorder; the site URL it
// shows in permalinks and pagination links comes from each request's Host.
func (s *Server) Handler() http.Handler { return s.handler }

// Certificate returns the self-signed certificate of a WithTLS server, or
// nil for a plain HTTP one.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts == nil || s.ts.TLS == nil {
		return nil
	}
	return s.ts.Certificate()
}

// Client returns an HTTP client configured for the server: it trusts the
// WithTLS certificate and is closed with the server. It does not add the
// token or follow any special redirect policy.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// now reads the clock, to the second as the database stores it.
func (s *Server) now() time.Time { return s.cfg.now().Truncate(time.Second) }

// Fault is a failure FailNextWith injects: the answer a failing server,
// or the proxy in front of it, would give before Cachet is reached.
type Fault struct {
	// Status is the answer's status, e.g. 429 or 503; the body is the
	// API's error body for it.
	Status int
	// RetryAfter, when positive, is sent as the Retry-After header, in
	// whole seconds (rounded up).
	RetryAfter time.Duration
	// Pattern limits the fault to requests whose "METHOD /path" starts
	// with it (e.g. "GET /api/v1/components"); "" matches every request.
	Pattern string
}

// FailNext makes the next n requests answer status (with the API's error
// body) before reaching the emulator, e.g. 500 or 503 to test a client's
// retries. pattern limits the failures to requests whose "METHOD /path"
// starts with it (e.g. "GET /api/v1/components"); "" matches every request.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Status: status, Pattern: pattern})
}

// FailNextWith is FailNext with the whole answer described by f, e.g. a
// 429 with a Retry-After header:
//
//	srv.FailNextWith(1, cachettest.Fault{Status: 429, RetryAfter: time.Second, Pattern: "GET "})
func (s *Server) FailNextWith(n int, f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
	s.faultsN.Store(int64(len(s.faults)))
}

// takeFault consumes the first injected failure matching r, if any.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	if s.faultsN.Load() == 0 {
		return Fault{}, false // the common case takes no lock
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	key := r.Method + " " + r.URL.Path
	for i, f := range s.faults {
		if strings.HasPrefix(key, f.Pattern) {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			s.faultsN.Store(int64(len(s.faults)))
			return f, true
		}
	}
	return Fault{}, false
}

// write sends the fault's answer.
func (f Fault) write(w http.ResponseWriter) {
	if f.RetryAfter > 0 {
		secs := (f.RetryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
	}
	writeError(w, errStatus(f.Status))
}
