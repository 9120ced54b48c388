package saagietest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/emulator"
)

// Defaults of a new Server. The realm is what EasyConnect would read from a
// "saagie-workspace..." host; the platform id is the first platform of a
// fresh install.
const (
	DefaultRealm      = "saagie"
	DefaultPlatformID = 1
	DefaultUser       = "admin"
	DefaultTokenTTL   = time.Hour
	DefaultPlatform   = "Sandbox"
)

// Server is a running Saagie emulator, in the manner of httptest.Server:
// the login endpoint, the Projects and gateway GraphQL endpoints and the
// REST services, over an in-memory platform. Its state is lost on Close.
type Server struct {
	// URL is the workspace base URL, e.g. "http://127.0.0.1:41234", with
	// no trailing slash (clients add the paths, as saagieapi does).
	URL string
	// PlatformID is the id of the one platform the server emulates.
	PlatformID int
	// Realm is the tenant name the login expects in the Saagie-Realm header.
	Realm string
	// User and Password are the credentials of the realm's administrator.
	User, Password string

	cfg     config
	http    *emulator.Server
	handler http.Handler // the platform, without the fault injector
	schemas *schemas

	mu sync.Mutex // guards st, the whole emulated platform
	st *store

	secret     []byte       // HS256 key of the tokens
	generation atomic.Int64 // tokens of an older generation are revoked
	logins     atomic.Int64

	gqlMu     sync.Mutex
	gqlErrors []string // Fault.GraphQLError of queued faults, oldest first

	ids *idSource

	docs   docCache   // validated GraphQL documents, by query text
	tokens tokenCache // verified tokens' claims, by token
	roots  queryRoots // guarded by mu
}

// Option configures a Server.
type Option func(*config)

type config struct {
	addr       string
	now        func() time.Time
	realm      string
	platformID int
	platform   string
	user       string
	password   string
	ttl        time.Duration
	timeline   Timeline
	tls        bool
	latency    time.Duration
	seeds      []func(*Seeder)
	demo       bool
	errorLog   bool
	noIntro    bool
	idSeeded   bool
	idSeed     uint64
	faultSeed  uint64
}

// WithAddr sets the listen address, e.g. "127.0.0.1:8000" for
// `switchboard sandbox serve` (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClock sets the server's clock (default time.Now). Token expiry and
// every status transition (job and pipeline instances, apps, projects)
// are computed from it when an object is read, so a test that advances a
// fake clock sees the platform move on, without sleeping.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithRealm sets the realm the login expects (default DefaultRealm).
func WithRealm(realm string) Option { return func(c *config) { c.realm = realm } }

// WithPlatformID sets the platform id served at
// /projects/api/platform/{id}/graphql (default DefaultPlatformID).
func WithPlatformID(id int) Option { return func(c *config) { c.platformID = id } }

// WithPlatformName sets the name the platform query reports.
func WithPlatformName(name string) Option { return func(c *config) { c.platform = name } }

// WithCredentials sets the administrator's login and password (default
// DefaultUser and a random password, see Server.Password).
func WithCredentials(user, password string) Option {
	return func(c *config) { c.user, c.password = user, password }
}

// WithTokenTTL sets the lifetime of the JWTs the login issues (default
// DefaultTokenTTL). The real lifetime is not documented.
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithTimeline sets how long instances, apps and projects stay in each
// transitional status (default DefaultTimeline).
func WithTimeline(t Timeline) Option { return func(c *config) { c.timeline = t } }

// WithTLS serves HTTPS with a self-signed certificate, like
// httptest.NewTLSServer. Use Server.Client or Server.Certificate to trust it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithLatency delays every request by d before it is handled.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithSeed runs fn before the server starts, to fill it with data. Several
// WithSeed options run in order.
func WithSeed(fn func(*Seeder)) Option {
	return func(c *config) { c.seeds = append(c.seeds, fn) }
}

// WithDemoData fills the server with the demo data set `switchboard
// sandbox serve saagie --seed` and --sandbox show (see Seeder.Demo).
func WithDemoData() Option { return func(c *config) { c.demo = true } }

// WithoutIntrospection refuses __schema and __type queries, as a platform
// with introspection turned off would.
func WithoutIntrospection() Option { return func(c *config) { c.noIntro = true } }

// WithErrorLog keeps net/http's server error log on stderr (discarded by
// default).
func WithErrorLog() Option { return func(c *config) { c.errorLog = true } }

// WithFaultSeed seeds the random faults of Faults().SetRate (default 0),
// so that a failing soak test can be replayed.
func WithFaultSeed(seed uint64) Option { return func(c *config) { c.faultSeed = seed } }

// Timeline is how long each transitional status lasts. Durations count
// from the previous transition; zero means the status is skipped at once.
type Timeline struct {
	// Job and pipeline instances: REQUESTED, then QUEUED, then RUNNING,
	// then their final status.
	Requested, Queued, Running time.Duration
	// Apps: STARTING before STARTED, STOPPING before STOPPED.
	Starting, Stopping time.Duration
	// Projects: CREATED/INIT_REQUESTED/INITIALIZING before READY, in all.
	ProjectInit time.Duration
}

// DefaultTimeline is short enough for a demo, long enough to watch.
var DefaultTimeline = Timeline{
	Requested:   500 * time.Millisecond,
	Queued:      500 * time.Millisecond,
	Running:     2 * time.Second,
	Starting:    time.Second,
	Stopping:    500 * time.Millisecond,
	ProjectInit: time.Second,
}

// NewServer starts an emulator on a loopback port (or the WithAddr
// address). It panics when it cannot start, as httptest.NewServer does;
// long-running servers use Listen instead.
func NewServer(opts ...Option) *Server {
	s, err := newUnstarted(opts...)
	if err != nil {
		panic(err.Error())
	}
	s.start(emulator.MustStart(s.emulatorArgs()))
	return s
}

// Listen is NewServer returning an error instead of panicking, e.g. when
// the address is already in use.
func Listen(opts ...Option) (*Server, error) {
	s, err := newUnstarted(opts...)
	if err != nil {
		return nil, err
	}
	srv, err := emulator.Start(s.emulatorArgs())
	if err != nil {
		return nil, err
	}
	s.start(srv)
	return s, nil
}

// emulatorArgs are the arguments of emulator.Start: the platform behind
// a fault injector whose errors carry Saagie's error bodies.
func (s *Server) emulatorArgs() (string, http.Handler, fault.ErrorBody, emulator.Options) {
	return "saagietest", s.handler, s.faultBody, emulator.Options{
		Addr: s.cfg.addr, TLS: s.cfg.tls, ErrorLog: s.cfg.errorLog, FaultSeed: s.cfg.faultSeed,
	}
}

func (s *Server) start(srv *emulator.Server) {
	s.http = srv
	s.URL = srv.URL
}

func newUnstarted(opts ...Option) (*Server, error) {
	cfg := config{
		now:        time.Now,
		realm:      DefaultRealm,
		platformID: DefaultPlatformID,
		platform:   DefaultPlatform,
		user:       DefaultUser,
		ttl:        DefaultTokenTTL,
		timeline:   DefaultTimeline,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.password == "" {
		cfg.password = randomHex(12)
	}
	if cfg.ttl <= 0 {
		cfg.ttl = DefaultTokenTTL
	}
	sch, err := loadSchemas()
	if err != nil {
		return nil, err
	}
	s := &Server{
		PlatformID: cfg.platformID,
		Realm:      cfg.realm,
		User:       cfg.user,
		Password:   cfg.password,
		cfg:        cfg,
		schemas:    sch,
		secret:     []byte(randomHex(32)),
		ids:        newIDSource(cfg.idSeeded, cfg.idSeed),
	}
	s.st = newStore(s)
	s.handler = s.newHandler()
	s.Seed(func(sd *Seeder) {
		sd.catalog()
		sd.admin()
		if cfg.demo {
			sd.Demo()
		}
		for _, fn := range cfg.seeds {
			fn(sd)
		}
	})
	return s, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Close shuts the server down and waits for the requests in flight.
func (s *Server) Close() {
	if s.http != nil {
		s.http.Close()
	}
}

// Handler returns the emulator's handler (full paths), with the fault
// injector in front, for httptest.NewRecorder or mounting under another
// server.
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Certificate returns the certificate of a WithTLS server, or nil.
func (s *Server) Certificate() *x509.Certificate { return s.http.Certificate() }

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.http.Client() }

// ProjectsURL is the Projects GraphQL endpoint of the platform.
func (s *Server) ProjectsURL() string {
	return s.URL + "/projects/api/platform/" + strconv.Itoa(s.PlatformID) + "/graphql"
}

// GatewayURL is the realm's gateway (technology catalog) GraphQL endpoint.
func (s *Server) GatewayURL() string { return s.URL + "/gateway/api/graphql" }

// WorkspaceURL is URL with the loopback address replaced by the host name
// a real workspace has, "<realm>-workspace.localhost" (e.g.
// "http://saagie-workspace.localhost:41234"). Every name under .localhost
// is the loopback interface (RFC 6761); Switchboard's transport and
// browsers resolve it so, and the emulator answers whatever Host a request
// carries. The realm can then be read from the host, as on a real
// platform. It is URL itself when the realm cannot be a host label (it
// holds a hyphen or other characters than letters, digits and _) and for
// a WithTLS server, whose certificate names only 127.0.0.1.
func (s *Server) WorkspaceURL() string {
	u, err := url.Parse(s.URL)
	if err != nil || u.Scheme != "http" || !realmLabel().MatchString(s.Realm) {
		return s.URL
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return s.URL
	}
	return "http://" + net.JoinHostPort(strings.ToLower(s.Realm)+"-workspace.localhost", u.Port())
}

// realmLabel is a realm that can start a host name and be read back from
// it by EasyConnect (saagieapi's \w+ before the first hyphen).
var realmLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]+$`) })

// PlatformURL is the page URL a user would copy from the browser for
// EasyConnect: WorkspaceURL, "/projects/platform/", the platform id, e.g.
// "http://saagie-workspace.localhost:41234/projects/platform/1/".
// Switchboard's EasyConnect reads the realm from it. saagieapi's
// easy_connect still refuses it (its pattern wants https and no port).
func (s *Server) PlatformURL() string {
	return s.WorkspaceURL() + "/projects/platform/" + strconv.Itoa(s.PlatformID) + "/"
}

// LoginCount is how many logins succeeded so far, so that tests can check
// that concurrent calls shared one token.
func (s *Server) LoginCount() int { return int(s.logins.Load()) }

// RevokeTokens makes every token issued so far invalid (401), as a
// platform restart or a key rotation would, to test re-login.
func (s *Server) RevokeTokens() { s.generation.Add(1) }

// now reads the clock, to the millisecond as the platform's timestamps.
func (s *Server) now() time.Time { return s.cfg.now().UTC().Truncate(time.Millisecond) }

// Fault is a failure FailNextWith injects: Kind, Status, RetryAfter,
// Stall and Pattern mean what they do in package fault's Fault, the same
// for every Switchboard emulator; GraphQLError is Saagie's own. Status
// and RateLimit answers carry the platform's Spring error body
// ({timestamp, status, error, message}), on the GraphQL endpoints too, as
// the gateway in front of them answers.
type Fault struct {
	// Kind is how the request fails (default fault.Status).
	Kind fault.Kind
	// Status is the HTTP status of Status and HTML faults, e.g. 500, 502
	// or 429 (default 503 and 502).
	Status int
	// RetryAfter is sent as Retry-After with a RateLimit fault (a Status
	// fault of 429 with a RetryAfter is one).
	RetryAfter time.Duration
	// Stall bounds a Stall fault (default one minute).
	Stall time.Duration
	// Pattern limits the fault to requests whose "METHOD /path" starts
	// with it (e.g. "POST /gateway/"); "" matches every request.
	Pattern string
	// GraphQLError, when set, answers 200 with {"data":null,"errors":
	// [{"message": GraphQLError}]} instead, as the platform does on an
	// unexpected server-side failure ("Unexpected error"). It is a Status
	// fault of status 200, whose body is a GraphQL error: when several
	// are queued with different messages, their answers take the
	// messages in the order they were queued.
	GraphQLError string
}

// FailNext makes the next n requests matching pattern answer status.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Status: status, Pattern: pattern})
}

// FailNextWith is FailNext with the whole failure described by f, e.g. a
// connection reset after a job was run:
//
//	srv.FailNextWith(1, saagietest.Fault{Kind: fault.Reset, Pattern: "POST /projects/"})
func (s *Server) FailNextWith(n int, f Fault) {
	ff := fault.Fault{Kind: f.Kind, Status: f.Status, RetryAfter: f.RetryAfter, Stall: f.Stall, Pattern: f.Pattern}
	if f.GraphQLError != "" {
		ff = fault.Fault{Kind: fault.Status, Status: http.StatusOK, Pattern: f.Pattern}
		s.gqlMu.Lock()
		for range n {
			s.gqlErrors = append(s.gqlErrors, f.GraphQLError)
		}
		s.gqlMu.Unlock()
	}
	s.http.FailNext(n, ff)
}

// Faults returns the server's fault injector, for random faults in soak
// tests (SetRate; seed them with WithFaultSeed) and for counting the
// faults served. A Status fault of status 200 is a GraphQL "Unexpected
// error".
func (s *Server) Faults() *fault.Injector { return s.http.Faults() }

// faultBody renders an injected error as the platform's own: a GraphQL
// error for a 200, else Spring's error body (without the path, which the
// injector does not pass on).
func (s *Server) faultBody(status int) (string, []byte) {
	if status == http.StatusOK {
		msg := "Unexpected error"
		s.gqlMu.Lock()
		if len(s.gqlErrors) > 0 {
			msg, s.gqlErrors = s.gqlErrors[0], s.gqlErrors[1:]
		}
		s.gqlMu.Unlock()
		b, _ := json.Marshal(map[string]any{
			"data":   nil,
			"errors": []any{map[string]any{"message": msg, "extensions": nil, "path": nil}},
		})
		return "application/json", b
	}
	b, _ := json.Marshal(map[string]any{
		"timestamp": s.now().Format("2006-01-02T15:04:05.000+00:00"),
		"status":    status,
		"error":     http.StatusText(status),
		"message":   http.StatusText(status),
	})
	return "application/json", b
}
