package spacestudiotest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/emulator"
)

// TokenPath is where the emulator serves the Keycloak token endpoint of
// the spacestudio-users realm, beside the API (the real one is on
// auth.exotrail.space).
const TokenPath = "/realms/spacestudio-users/protocol/openid-connect/token"

// Defaults of a new Server.
const (
	DefaultMail     = "scripting@example.com"
	DefaultClientID = "spacestudio-scripting"
	// DefaultAccessTokenLifetime is Keycloak's default access token
	// lifespan; the realm's real setting is not known.
	DefaultAccessTokenLifetime = 5 * time.Minute
	// DefaultRefreshTokenLifetime is Keycloak's default SSO session idle
	// timeout, which bounds a refresh token.
	DefaultRefreshTokenLifetime = 30 * time.Minute
	// DefaultComputePolls is how many status polls a computation answers
	// before it is finished.
	DefaultComputePolls = 3
	// DefaultComputeTime is how long, on the server's clock, a computation
	// takes at most.
	DefaultComputeTime = 2 * time.Second
)

// Server is a running spacestudio emulator, in the manner of
// httptest.Server: the token endpoint, the user lookup and every
// collection of one user, in memory, lost on Close.
type Server struct {
	// URL is the application's base URL, e.g. "http://127.0.0.1:41234",
	// what LOG_BASE_URL holds.
	URL string
	// TokenURL is the emulator's token endpoint (URL + TokenPath).
	TokenURL string
	// Mail, Password and ClientID are the credentials the token endpoint
	// accepts.
	Mail, Password, ClientID string
	// UserID is the user id /exoops/users/infos returns.
	UserID string

	cfg     config
	http    *emulator.Server
	handler http.Handler // the API and token endpoint, without the fault injector

	mu sync.Mutex // guards everything below
	st *store
}

// Option configures a Server.
type Option func(*config)

type config struct {
	addr         string
	now          func() time.Time
	mail         string
	password     string
	clientID     string
	accessTTL    time.Duration
	refreshTTL   time.Duration
	computePolls int
	computeTime  time.Duration
	noScripting  bool
	tls          bool
	errorLog     bool
	faultSeed    uint64
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClock sets the server's clock (default time.Now): token expiry and
// computation time follow it.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithCredentials sets the e-mail, password and client id the token
// endpoint accepts (default DefaultMail, a random password,
// DefaultClientID).
func WithCredentials(mail, password, clientID string) Option {
	return func(c *config) { c.mail, c.password, c.clientID = mail, password, clientID }
}

// WithTokenLifetimes sets how long access and refresh tokens live
// (default DefaultAccessTokenLifetime and DefaultRefreshTokenLifetime).
func WithTokenLifetimes(access, refresh time.Duration) Option {
	return func(c *config) { c.accessTTL, c.refreshTTL = access, refresh }
}

// WithCompute sets how a computation progresses: it is finished after
// polls status calls or after d on the server's clock, whichever comes
// first (defaults DefaultComputePolls and DefaultComputeTime). polls 1
// finishes on the first poll.
func WithCompute(polls int, d time.Duration) Option {
	return func(c *config) { c.computePolls, c.computeTime = polls, d }
}

// WithoutScriptingOption makes /exoops/users/infos answer 403, as for an
// account whose scripting option is not activated.
func WithoutScriptingOption() Option { return func(c *config) { c.noScripting = true } }

// WithTLS serves HTTPS with a self-signed certificate.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithErrorLog keeps net/http's server error log on stderr.
func WithErrorLog() Option { return func(c *config) { c.errorLog = true } }

// WithFaultSeed seeds the random faults of Faults().SetRate (default 0),
// so that a failing soak test can be replayed.
func WithFaultSeed(seed uint64) Option { return func(c *config) { c.faultSeed = seed } }

// NewServer starts an emulator on a loopback port (or the WithAddr
// address). It panics when it cannot listen, as httptest.NewServer does;
// use Listen when the address comes from a user.
func NewServer(opts ...Option) *Server {
	s := newUnstarted(opts...)
	s.start(emulator.MustStart(s.emulatorArgs()))
	return s
}

// Listen is NewServer returning an error instead of panicking when the
// address cannot be bound.
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
// fault injector whose errors carry Spring Boot's error body.
func (s *Server) emulatorArgs() (string, http.Handler, fault.ErrorBody, emulator.Options) {
	return "spacestudiotest", s.handler, s.faultBody, emulator.Options{
		Addr: s.cfg.addr, TLS: s.cfg.tls, ErrorLog: s.cfg.errorLog, FaultSeed: s.cfg.faultSeed,
	}
}

func (s *Server) start(srv *emulator.Server) {
	s.http = srv
	s.URL = srv.URL
	s.TokenURL = s.URL + TokenPath
}

func newUnstarted(opts ...Option) *Server {
	cfg := config{
		now:          time.Now,
		mail:         DefaultMail,
		clientID:     DefaultClientID,
		accessTTL:    DefaultAccessTokenLifetime,
		refreshTTL:   DefaultRefreshTokenLifetime,
		computePolls: DefaultComputePolls,
		computeTime:  DefaultComputeTime,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.password == "" {
		cfg.password = randomHex(12)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	s := &Server{
		Mail: cfg.mail, Password: cfg.password, ClientID: cfg.clientID,
		UserID: randomID(),
		cfg:    cfg,
	}
	s.st = newStore()
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// Close shuts the server down and waits for the requests in flight.
func (s *Server) Close() {
	if s.http != nil {
		s.http.Close()
	}
}

// Handler returns the emulator's handler (token endpoint and API), with
// the fault injector in front, to mount elsewhere or wrap, e.g. in a
// contract check.
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Client returns an HTTP client that trusts a WithTLS server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Certificate returns the self-signed certificate of a WithTLS server.
func (s *Server) Certificate() *x509.Certificate { return s.http.Certificate() }

// FaultKind is a way of failing: package fault's Kind, the same for every
// Switchboard emulator. The names below are kept for existing callers.
type FaultKind = fault.Kind

// The kinds of fault, as package fault defines them.
const (
	FaultStatus    = fault.Status
	FaultRateLimit = fault.RateLimit
	FaultReset     = fault.Reset
	FaultStall     = fault.Stall
	FaultTruncate  = fault.Truncate
	FaultMalformed = fault.Malformed
	FaultHTML      = fault.HTML
)

// Fault is a failure FailNextWith injects, the same for every Switchboard
// emulator: see package fault. Status and RateLimit answers carry Spring
// Boot's error body. A Status fault of 429 with a RetryAfter is sent as a
// RateLimit fault, with its Retry-After.
type Fault = fault.Fault

// FailNext makes the next n requests matching pattern answer status.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Kind: fault.Status, Status: status, Pattern: pattern})
}

// FailNextWith injects n faults described by f, e.g. a connection reset
// after a file was stored:
//
//	srv.FailNextWith(1, spacestudiotest.Fault{Kind: fault.Reset, Pattern: "POST /exoops/"})
func (s *Server) FailNextWith(n int, f Fault) { s.http.FailNext(n, f) }

// Faults returns the server's fault injector, for random faults in soak
// tests (SetRate; seed them with WithFaultSeed) and for counting the
// faults served.
func (s *Server) Faults() *fault.Injector { return s.http.Faults() }

// faultBody renders an injected error as the emulator's own errors.
func (s *Server) faultBody(status int) (string, []byte) {
	b, _ := json.Marshal(map[string]any{
		"timestamp": s.cfg.now().UTC().Format(time.RFC3339Nano), "status": status,
		"error": http.StatusText(status), "message": "injected fault",
	})
	return "application/json", b
}

// Stats counts what the token endpoint did, for tests of a client's
// token handling.
type Stats struct {
	// PasswordGrants and RefreshGrants count the successful logins and
	// refreshes.
	PasswordGrants, RefreshGrants int
	// Rejected counts API requests refused with 401.
	Rejected int
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.stats
}

// RevokeTokens invalidates every access token issued so far (refresh
// tokens stay valid), as a server restart or a realm key rotation would:
// the next API call of each client gets a 401.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.st.access)
}

// Files lists the names of the files the server keeps, sorted.
func (s *Server) Files() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.fileNames()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// randomID is a 24-hex id, the shape of a MongoDB ObjectId (the backend
// keeps files in GridFS; its object ids' real shape is not confirmed).
func randomID() string { return randomHex(12) }
