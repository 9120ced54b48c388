package cachettest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/emulator"
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
	http    *emulator.Server
	handler http.Handler // the API, without the fault injector

	mu sync.RWMutex // guards st, the whole emulated database
	st *store

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
	faultSeed   uint64
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
// address (WithAddr, default "127.0.0.1:0") cannot be bound, e.g. because
// it is already in use.
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
// fault injector whose errors carry Cachet's error body.
func (s *Server) emulatorArgs() (string, http.Handler, fault.ErrorBody, emulator.Options) {
	return "cachettest", s.handler, faultBody, emulator.Options{
		Addr: s.cfg.addr, TLS: s.cfg.tls, ErrorLog: s.cfg.errorLog, FaultSeed: s.cfg.faultSeed,
	}
}

func (s *Server) start(srv *emulator.Server) {
	s.http = srv
	s.URL = srv.URL + BasePath
}

// faultBody renders an injected error as the API's own: errors[] with
// the status's title and sentence.
func faultBody(status int) (string, []byte) {
	return "application/json", errorBody(errStatus(status))
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

// Close shuts the server down and waits for the requests in flight, like
// httptest.Server.Close.
func (s *Server) Close() {
	if s.http != nil {
		s.http.Close()
	}
}

// Handler returns the emulator's handler, with the fault injector in
// front. It expects the full request path (with the /api/v1 prefix), so
// it can be mounted at the root of another server or called with
// httptest.NewRecorder; the site URL it shows in permalinks and
// pagination links comes from each request's Host.
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Certificate returns the self-signed certificate of a WithTLS server, or
// nil for a plain HTTP one.
func (s *Server) Certificate() *x509.Certificate { return s.http.Certificate() }

// Client returns an HTTP client configured for the server: it trusts the
// WithTLS certificate and is closed with the server. It does not add the
// token or follow any special redirect policy.
func (s *Server) Client() *http.Client { return s.http.Client() }

// now reads the clock, to the second as the database stores it.
func (s *Server) now() time.Time { return s.cfg.now().Truncate(time.Second) }

// Fault is a failure FailNextWith injects, the same for every
// Switchboard emulator: see package fault for the kinds. Status and
// RateLimit answers carry the API's error body. A Status fault of 429
// with a RetryAfter is sent as a RateLimit fault, with its Retry-After.
type Fault = fault.Fault

// FailNext makes the next n requests answer status (with the API's error
// body) before reaching the emulator, e.g. 500 or 503 to test a client's
// retries. pattern limits the failures to requests whose "METHOD /path"
// starts with it (e.g. "GET /api/v1/components"); "" matches every request.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Kind: fault.Status, Status: status, Pattern: pattern})
}

// FailNextWith is FailNext with the whole failure described by f, e.g. a
// 429 with a Retry-After header or a connection reset mid-body:
//
//	srv.FailNextWith(1, cachettest.Fault{Kind: fault.RateLimit, RetryAfter: time.Second, Pattern: "GET "})
//	srv.FailNextWith(1, cachettest.Fault{Kind: fault.Reset, Pattern: "POST /api/v1/incidents"})
func (s *Server) FailNextWith(n int, f Fault) { s.http.FailNext(n, f) }

// Faults returns the server's fault injector, for random faults in soak
// tests (SetRate; seed them with WithFaultSeed) and for counting the
// faults served.
func (s *Server) Faults() *fault.Injector { return s.http.Faults() }
