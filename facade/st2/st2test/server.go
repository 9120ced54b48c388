package st2test

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/emulator"
)

// The public path prefixes of the three services, as nginx exposes them in
// a packaged install. The emulator serves all three on one port.
const (
	AuthPath   = "/auth/v1"
	APIPath    = "/api/v1"
	StreamPath = "/stream/v1"
)

// DefaultUser is the administrator a fresh st2 install is set up with, and
// the user the emulator creates unless WithUser names others.
const DefaultUser = "st2admin"

// Version is what GET /api/v1/ reports: the version of the st2 source the
// emulator's behaviour was read from.
const Version = "3.10dev"

// DefaultTokenTTL is the real server's default and maximum token lifetime
// ([auth] token_ttl).
const DefaultTokenTTL = 24 * time.Hour

// DefaultMaxPageSize is [api] max_page_size of a default install.
const DefaultMaxPageSize = 100

// DefaultHeartbeat is the stream's default heartbeat interval ([stream]
// heartbeat).
const DefaultHeartbeat = 25 * time.Second

// Server is a running StackStorm emulator (st2auth, st2api and st2stream
// behind one address), in the manner of httptest.Server. Its state lives
// in memory and is lost on Close.
type Server struct {
	// URL is the base URL as st2client's ST2_BASE_URL would name a
	// proxied install, e.g. "http://127.0.0.1:41234".
	URL string
	// AuthURL, APIURL and StreamURL are the service endpoints
	// (ST2_AUTH_URL, ST2_API_URL, ST2_STREAM_URL), without trailing slash:
	// URL plus /auth/v1, /api/v1 and /stream/v1.
	AuthURL   string
	APIURL    string
	StreamURL string
	// Username and Password log in at AuthURL+"/tokens" (the first user
	// of WithUser, or DefaultUser with a random password).
	Username string
	Password string
	// APIKey is a valid API key owned by Username, for the St2-Api-Key
	// header (WithAPIKey, or a random one).
	APIKey string

	cfg     config
	http    *emulator.Server
	handler http.Handler // the services, without the fault injector

	mu sync.Mutex // guards st: the whole emulated database
	st *state

	bus *bus

	stop     chan struct{}
	stopOnce sync.Once
	workers  sync.WaitGroup
}

// Option configures a Server.
type Option func(*config)

type config struct {
	addr      string
	now       func() time.Time
	users     []userEntry
	apiKey    string
	tokenTTL  time.Duration
	maxPage   int
	rbac      bool
	admins    []string
	heartbeat time.Duration
	tick      time.Duration
	schedule  time.Duration
	start     time.Duration
	shell     bool
	handlers  map[string]handlerEntry
	seedDemo  bool
	seeds     []func(*Seeder)
	tls       bool
	errorLog  bool
	cryptoKey bool
	index     map[string]any // nil: no index answers
	indexURL  string
	faultSeed uint64
	latency   time.Duration
}

type userEntry struct{ name, password string }

type handlerEntry struct {
	fn     ActionFunc
	action *Action // nil: the action must exist (or be created later)
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free
// loopback port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClock sets the server's clock (default time.Now). It drives token
// and key expiry, timestamps and the whole execution lifecycle, so a test
// that moves its own clock forward decides when executions progress; see
// Server.Tick.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithUser adds a user who can log in with this password (POST
// /auth/v1/tokens with basic auth). The first one becomes Server.Username.
// Without it the server has DefaultUser with a random password.
func WithUser(name, password string) Option {
	return func(c *config) { c.users = append(c.users, userEntry{name, password}) }
}

// WithAPIKey sets the plain value of the API key the server starts with
// (default: random), owned by the first user.
func WithAPIKey(key string) Option { return func(c *config) { c.apiKey = key } }

// WithTokenTTL sets [auth] token_ttl: the default and maximum lifetime of
// a token (default DefaultTokenTTL). A larger ttl in POST /tokens is a 400.
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithMaxPageSize sets [api] max_page_size (default 100). It only limits
// callers who are not administrators, so it matters with WithRBAC.
func WithMaxPageSize(n int) Option { return func(c *config) { c.maxPage = n } }

// WithRBAC turns RBAC on, with the named users as administrators
// (default: the first user). Others then get 403 for limit=-1, a limit
// above the maximum page size, decrypt of others' secrets, and another
// user's keys. The emulator does not model roles beyond that.
func WithRBAC(admins ...string) Option {
	return func(c *config) { c.rbac, c.admins = true, append(c.admins, admins...) }
}

// WithHeartbeat sets the interval of the stream's heartbeat lines
// (default DefaultHeartbeat). It runs on the real time, not on the
// WithClock clock, since it keeps connections alive.
func WithHeartbeat(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithTickInterval sets how often (real time) the server looks at its
// clock to move executions on, without waiting for a request (default
// 20ms; 0 or less turns the background ticker off, leaving requests and
// Server.Tick to do it).
func WithTickInterval(d time.Duration) Option { return func(c *config) { c.tick = d } }

// WithSchedulingDelays sets how long, on the server's clock, an execution
// stays requested before it is scheduled, and scheduled before it runs
// (default 0 and 0: both steps happen at the first tick after the
// request, and the events still come in order). The sandbox uses small
// delays so that a human sees the states go by.
func WithSchedulingDelays(requested, scheduled time.Duration) Option {
	return func(c *config) { c.schedule, c.start = requested, scheduled }
}

// WithShellExecution lets core.local, core.local_sudo and core.remote
// really run their command with /bin/sh on this machine (core.remote
// runs it locally too, as if every host were this one). It is refused
// unless the server listens on loopback: anyone who can reach the server
// could otherwise run commands. Without it those actions are simulated
// (see the package documentation).
func WithShellExecution() Option { return func(c *config) { c.shell = true } }

// WithActionHandler makes the action ref run fn instead of its built-in
// simulation. When action is not nil and no action with that ref exists,
// it is registered too (its Ref, Pack and Name come from ref).
func WithActionHandler(ref string, action *Action, fn ActionFunc) Option {
	return func(c *config) {
		if c.handlers == nil {
			c.handlers = map[string]handlerEntry{}
		}
		c.handlers[ref] = handlerEntry{fn: fn, action: action}
	}
}

// WithDemoData fills the server with a small demo data set (packs,
// actions, a workflow, rules, keys, an alias, a policy and a few
// finished executions), as `switchboard sandbox serve st2 --seed` shows.
func WithDemoData() Option { return func(c *config) { c.seedDemo = true } }

// WithSeed runs fn before the server starts, to fill it with data. See
// Seeder. Several WithSeed options run in order, after WithDemoData.
func WithSeed(fn func(*Seeder)) Option { return func(c *config) { c.seeds = append(c.seeds, fn) } }

// WithTLS serves HTTPS with a self-signed certificate, like
// httptest.NewTLSServer. Use Server.Client or Server.Certificate to trust it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithErrorLog keeps net/http's server error log on stderr (discarded by
// default).
func WithErrorLog() Option { return func(c *config) { c.errorLog = true } }

// WithFaultSeed seeds the random faults of Faults().SetRate (default 0),
// so that a failing soak test can be replayed.
func WithFaultSeed(seed uint64) Option { return func(c *config) { c.faultSeed = seed } }

// WithoutCryptoKey emulates an install without [keyvalue]
// encryption_key_path: writing a secret key is then a 400.
func WithoutCryptoKey() Option { return func(c *config) { c.cryptoKey = true } }

// WithPackIndex makes the pack index (st2's [content] index_url) answer
// with packs, keyed by pack name, each an index entry (name, description,
// keywords, version, author, email, repo_url...), as if url served them.
// Without it the index is unreachable, as for a real st2 without Internet
// access: GET /packs/index and searches are a 400, the health lists the
// default index as "unresponsive".
func WithPackIndex(url string, packs map[string]map[string]any) Option {
	return func(c *config) {
		c.indexURL = url
		c.index = map[string]any{}
		for name, p := range packs {
			c.index[name] = clone(map[string]any(p))
		}
	}
}

// NewServer starts an emulator on a loopback port (or the WithAddr
// address). Close it when done, typically with t.Cleanup(srv.Close). It
// panics when it cannot start, as httptest.NewServer does; long-running
// servers, whose address comes from a user, use Listen instead.
func NewServer(opts ...Option) *Server {
	s, err := Listen(opts...)
	if err != nil {
		panic(err.Error())
	}
	return s
}

// ErrShellNotLoopback is returned by Listen when WithShellExecution is
// combined with an address that is not loopback.
var ErrShellNotLoopback = errors.New("st2test: WithShellExecution needs a loopback listen address")

// Listen is NewServer returning an error instead of panicking, e.g. when
// the address is in use or WithShellExecution is asked for on a
// non-loopback address.
func Listen(opts ...Option) (*Server, error) {
	s, err := newUnstarted(opts...)
	if err != nil {
		return nil, err
	}
	addr := s.cfg.addr
	if s.cfg.shell {
		if addr, err = loopbackAddr(addr); err != nil {
			return nil, err
		}
	}
	srv, err := emulator.Start("st2test", s.handler, faultBody, emulator.Options{
		Addr: addr, TLS: s.cfg.tls, ErrorLog: s.cfg.errorLog, FaultSeed: s.cfg.faultSeed, Latency: s.cfg.latency,
	})
	if err != nil {
		return nil, err
	}
	s.start(srv)
	return s, nil
}

// loopbackAddr resolves a listen address for WithShellExecution: it must
// name a loopback address (":8000" and 0.0.0.0 are every interface). The
// resolved literal address is what the server then binds, so a host name
// cannot resolve to something else in between.
func loopbackAddr(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ta, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("st2test: listen on %s: %w", addr, err)
	}
	if !ta.IP.IsLoopback() {
		return "", ErrShellNotLoopback
	}
	return ta.String(), nil
}

func (s *Server) start(srv *emulator.Server) {
	s.http = srv
	s.setURLs(srv.URL)
	if s.cfg.tick > 0 {
		s.workers.Add(1)
		go s.ticker(s.cfg.tick)
	}
}

// faultBody renders an injected error as st2's own:
// {"faultstring": <status text>}.
func faultBody(status int) (string, []byte) {
	b, _ := json.Marshal(map[string]string{"faultstring": http.StatusText(status)})
	return "application/json", b
}

func (s *Server) setURLs(base string) {
	s.URL = base
	s.AuthURL = base + AuthPath
	s.APIURL = base + APIPath
	s.StreamURL = base + StreamPath
	s.mu.Lock()
	s.st.baseURL = base
	s.mu.Unlock()
}

func newUnstarted(opts ...Option) (*Server, error) {
	cfg := config{
		now:       time.Now,
		tokenTTL:  DefaultTokenTTL,
		maxPage:   DefaultMaxPageSize,
		heartbeat: DefaultHeartbeat,
		tick:      20 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.tokenTTL <= 0 {
		cfg.tokenTTL = DefaultTokenTTL
	}
	if cfg.maxPage <= 0 {
		cfg.maxPage = DefaultMaxPageSize
	}
	if cfg.heartbeat <= 0 {
		cfg.heartbeat = DefaultHeartbeat
	}
	if len(cfg.users) == 0 {
		cfg.users = []userEntry{{DefaultUser, randomHex(12)}}
	}
	if cfg.apiKey == "" {
		cfg.apiKey = randomHex(32)
	}
	if cfg.rbac && len(cfg.admins) == 0 {
		cfg.admins = []string{cfg.users[0].name}
	}
	if cfg.seedDemo && cfg.index == nil {
		WithPackIndex(DefaultIndexURL, demoIndex())(&cfg)
	}
	s := &Server{
		Username: cfg.users[0].name,
		Password: cfg.users[0].password,
		APIKey:   cfg.apiKey,
		cfg:      cfg,
		bus:      newBus(),
		stop:     make(chan struct{}),
	}
	s.st = newState(s)
	s.handler = s.newHandler()
	var err error
	s.Seed(func(sd *Seeder) {
		err = sd.base()
		if err == nil && cfg.seedDemo {
			err = sd.demo()
		}
		for _, fn := range cfg.seeds {
			if err == nil {
				fn(sd)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close shuts the server down: it ends the open streams, cancels running
// action handlers and waits for the requests in flight.
func (s *Server) Close() {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.bus.closeAll()
		s.mu.Lock()
		for _, r := range s.st.runs {
			if r.cancel != nil {
				r.cancel()
			}
		}
		s.mu.Unlock()
	})
	if s.http != nil {
		s.http.Close()
	}
	s.workers.Wait()
}

// Handler returns the emulator's handler, with the fault injector in
// front, expecting the full public paths (/auth/v1/..., /api/v1/...,
// /stream/v1/...).
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Certificate returns the self-signed certificate of a WithTLS server, or
// nil for a plain HTTP one.
func (s *Server) Certificate() *x509.Certificate { return s.http.Certificate() }

// Client returns an HTTP client that trusts the WithTLS certificate. It
// adds no credentials.
func (s *Server) Client() *http.Client { return s.http.Client() }

// now reads the clock, in UTC to the microsecond as st2 stores times.
func (s *Server) now() time.Time { return s.cfg.now().UTC().Truncate(time.Microsecond) }

// ticker moves executions on as the clock goes, for the stream's sake:
// without it nothing would happen between requests.
func (s *Server) ticker(d time.Duration) {
	defer s.workers.Done()
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Tick()
		}
	}
}

// Tick moves every execution on to where the server's clock says it
// should be: requested ones get scheduled, scheduled ones run, simulated
// commands finish when their time is up, timeouts strike. Requests and the
// background ticker call it too; tests with a fake clock call it after
// moving the clock, to get the stream events at once.
func (s *Server) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
}

// Fault is a failure FailNextWith injects, the same for every
// Switchboard emulator: see package fault for the kinds. Status and
// RateLimit answers carry st2's {"faultstring": <status text>} body. A
// Status fault of 429 with a RetryAfter is sent as a RateLimit fault,
// with its Retry-After; package fault sends Retry-After with no other
// status.
type Fault = fault.Fault

// FailNext makes the next n requests matching pattern ("METHOD /path"
// prefix, e.g. "GET /api/v1/executions"; "" for any) answer status
// before reaching the emulator.
func (s *Server) FailNext(n, status int, pattern string) {
	s.FailNextWith(n, Fault{Kind: fault.Status, Status: status, Pattern: pattern})
}

// FailNextWith is FailNext with the whole failure described by f, e.g. a
// connection reset after an execution was created:
//
//	srv.FailNextWith(1, st2test.Fault{Kind: fault.Reset, Pattern: "POST /api/v1/executions"})
func (s *Server) FailNextWith(n int, f Fault) { s.http.FailNext(n, f) }

// Faults returns the server's fault injector, for random faults in soak
// tests (SetRate; seed them with WithFaultSeed) and for counting the
// faults served.
func (s *Server) Faults() *fault.Injector { return s.http.Faults() }

// DropStreams ends every open stream connection, as a restarting
// st2stream or a proxy timeout would, so that clients can test their
// reconnection. New connections are accepted as before.
func (s *Server) DropStreams() { s.bus.closeAll() }

// Token issues a token for user valid for ttl (the maximum when ttl is
// 0), as POST /auth/v1/tokens would, without a password.
func (s *Server) Token(user string, ttl time.Duration) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ttl <= 0 {
		ttl = s.cfg.tokenTTL
	}
	return s.st.issueToken(user, ttl, s.now())["token"].(string)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
