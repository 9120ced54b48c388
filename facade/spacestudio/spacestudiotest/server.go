package spacestudiotest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
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
	ts      *httptest.Server
	handler http.Handler

	mu sync.Mutex // guards everything below
	st *store

	faults *fault.Injector
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

// NewServer starts an emulator on a loopback port (or the WithAddr
// address). It panics when it cannot listen, as httptest.NewServer does;
// use Listen when the address comes from a user.
func NewServer(opts ...Option) *Server {
	s, err := Listen(opts...)
	if err != nil {
		panic(err.Error())
	}
	return s
}

// Listen is NewServer returning an error instead of panicking when the
// address cannot be bound.
func Listen(opts ...Option) (*Server, error) {
	s := newUnstarted(opts...)
	addr := s.cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("spacestudiotest: listen on %s: %w", addr, err)
	}
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}}
	if !s.cfg.errorLog {
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	}
	if s.cfg.tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	s.ts = ts
	s.URL = baseURL(ts)
	s.TokenURL = s.URL + TokenPath
	return s, nil
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
	s.faults = fault.New(1, s.faultBody)
	s.handler = s.faults.Wrap(http.HandlerFunc(s.serveHTTP))
	return s
}

// baseURL is the server's URL with an unspecified listen address replaced
// by loopback.
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

// Close shuts the server down and waits for the requests in flight.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler returns the emulator's bare handler (token endpoint and API), to
// mount elsewhere or wrap, e.g. in a contract check.
func (s *Server) Handler() http.Handler { return s.handler }

// Client returns an HTTP client that trusts a WithTLS server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Certificate returns the self-signed certificate of a WithTLS server.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts == nil || s.ts.TLS == nil {
		return nil
	}
	return s.ts.Certificate()
}

// FaultKind is a way of failing, the same for every Switchboard
// emulator.
type FaultKind int

// The kinds of fault. Reset, Truncate and Malformed let the request reach
// the emulator first: the operation happens, but the client cannot know.
const (
	// FaultStatus answers Fault.Status (default 503) with an error body,
	// before the emulator sees the request.
	FaultStatus FaultKind = iota
	// FaultRateLimit answers 429 with a Retry-After of one second.
	FaultRateLimit
	// FaultReset sends the real status, headers and half the body, then
	// drops the connection.
	FaultReset
	// FaultStall answers nothing until the client gives up.
	FaultStall
	// FaultTruncate sends the real status with half the body, announced
	// as the whole.
	FaultTruncate
	// FaultMalformed answers 200 with a body that is not JSON.
	FaultMalformed
	// FaultHTML answers Fault.Status (default 502) with a proxy's HTML
	// page.
	FaultHTML
)

var faultKinds = map[FaultKind]fault.Kind{
	FaultStatus: fault.Status, FaultRateLimit: fault.RateLimit, FaultReset: fault.Reset, FaultStall: fault.Stall,
	FaultTruncate: fault.Truncate, FaultMalformed: fault.Malformed, FaultHTML: fault.HTML,
}

// Fault is a failure FailNextWith injects.
type Fault struct {
	// Kind is how the request fails (default FaultStatus).
	Kind FaultKind
	// Status is the answer's status for FaultStatus and FaultHTML, e.g.
	// 500 or 503.
	Status int
	// Pattern limits the fault to requests whose "METHOD /path" starts
	// with it, e.g. "GET /exoops/users/"; "" matches every request.
	Pattern string
}

// FailNext makes the next n requests matching pattern answer status.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Status: status, Pattern: pattern})
}

// FailNextWith injects n faults described by f.
func (s *Server) FailNextWith(n int, f Fault) {
	k, ok := faultKinds[f.Kind]
	if !ok {
		k = fault.Status
	}
	s.faults.FailNext(n, fault.Fault{Kind: k, Status: f.Status, Pattern: f.Pattern})
}

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
