package rightscaletest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// The API description for the contract checks, loaded once: every test
// server validates against it.
var (
	specOnce sync.Once
	specT    *openapi3.T
)

func spec(t testing.TB) *openapi3.T {
	t.Helper()
	specOnce.Do(func() { specT = contract.DocJSON(t, rightscaleapi.GetSpecJSON) })
	if specT == nil {
		t.Fatal("the API description did not load (see the first test that tried)")
	}
	return specT
}

// fixedClock is a settable clock for WithClock.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fixedClock { return &fixedClock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fixedClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fixedClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// servedRoutes records "METHOD path" of every request a handler serves
// and the status it answered.
type servedRoutes struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(s int) { r.status = s; r.ResponseWriter.WriteHeader(s) }

func (s *servedRoutes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	s.next.ServeHTTP(rec, r)
	s.mu.Lock()
	s.seen = append(s.seen, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
}

// env is an emulator served behind the server-side contract check, and a
// client with a fresh access token.
type env struct {
	t      *testing.T
	srv    *Server
	url    string
	token  string
	routes *servedRoutes
}

func newEnv(t *testing.T, opts ...Option) *env {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	routes := &servedRoutes{next: srv.Handler()}
	ts := httptest.NewServer(contract.Load(t, spec(t), "").Handler(routes))
	t.Cleanup(ts.Close)
	e := &env{t: t, srv: srv, url: ts.URL, routes: routes}
	r := e.call("POST", "/api/oauth2", map[string]any{"grant_type": "refresh_token", "refresh_token": srv.RefreshToken}, noAuth())
	if r.status != 200 {
		t.Fatalf("token exchange: %d %s", r.status, r.body)
	}
	e.token = r.json.(map[string]any)["access_token"].(string)
	return e
}

type reqConf struct {
	auth    bool
	token   string
	version string
	ctype   string
	raw     []byte
	cookie  *http.Cookie
	direct  bool
}

type reqOpt func(*reqConf)

func noAuth() reqOpt                { return func(c *reqConf) { c.auth = false } }
func withToken(t string) reqOpt     { return func(c *reqConf) { c.token = t } }
func version(v string) reqOpt       { return func(c *reqConf) { c.version = v } }
func rawBody(ct, b string) reqOpt   { return func(c *reqConf) { c.ctype, c.raw = ct, []byte(b) } }
func cookie(ck *http.Cookie) reqOpt { return func(c *reqConf) { c.cookie = ck; c.auth = false } }

// unchecked goes around the contract check, for requests the spec
// deliberately leaves out (form bodies); every use says why.
func unchecked() reqOpt { return func(c *reqConf) { c.direct = true } }

type response struct {
	status int
	header http.Header
	body   string
	json   any
}

// call sends a request with a JSON body (nil for none), the access token
// and X-API-Version: 1.5 unless told otherwise.
func (e *env) call(method, path string, body any, opts ...reqOpt) *response {
	e.t.Helper()
	c := reqConf{auth: true, version: APIVersion}
	for _, o := range opts {
		o(&c)
	}
	var rd io.Reader
	if c.raw != nil {
		rd = bytes.NewReader(c.raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, c.ctype = bytes.NewReader(b), "application/json"
	}
	base := e.url
	if c.direct {
		base = e.srv.URL
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	if c.version != "" {
		req.Header.Set("X-API-Version", c.version)
	}
	tok := e.token
	if c.token != "" {
		tok = c.token
	}
	if c.auth && tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := &response{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") && len(b) > 0 {
		_ = json.Unmarshal(b, &r.json)
	}
	return r
}

// must fails unless the answer has the status.
func (r *response) must(t *testing.T, status int) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

func (r *response) list(t *testing.T) []map[string]any {
	t.Helper()
	arr, ok := r.json.([]any)
	if !ok {
		t.Fatalf("not a JSON list: %s", r.body)
	}
	out := make([]map[string]any, 0, len(arr))
	for _, x := range arr {
		out = append(out, x.(map[string]any))
	}
	return out
}

func (r *response) obj(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json.(map[string]any)
	if !ok {
		t.Fatalf("not a JSON object: %s", r.body)
	}
	return m
}

// names returns the name attribute of each element.
func names(xs []map[string]any) []string {
	out := []string{}
	for _, x := range xs {
		n, _ := x["name"].(string)
		out = append(out, n)
	}
	return out
}

// href returns the rel link of a resource.
func href(m map[string]any, rel string) string {
	links, _ := m["links"].([]any)
	for _, l := range links {
		lm := l.(map[string]any)
		if lm["rel"] == rel {
			return lm["href"].(string)
		}
	}
	return ""
}

// find returns the element named name.
func find(t *testing.T, xs []map[string]any, name string) map[string]any {
	t.Helper()
	for _, x := range xs {
		if x["name"] == name {
			return x
		}
	}
	t.Fatalf("no %q in %v", name, names(xs))
	return nil
}
