package cachettest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

var (
	docOnce sync.Once
	doc     *openapi3.T
)

// spec returns the embedded OpenAPI document, decoded once.
func spec(t testing.TB) *openapi3.T {
	t.Helper()
	docOnce.Do(func() { doc = contract.DocJSON(t, cachetapi.GetSpecJSON) })
	if doc == nil {
		t.Fatal("the embedded OpenAPI document did not load (see the first test that tried)")
	}
	return doc
}

// env is one emulator with two clients: checked validates every request
// and response against the spec (the contract test runs in every test);
// raw is for the deliberate exchanges the spec does not describe (a
// trailing slash, an undocumented quirk), each marked where it is used.
type env struct {
	t       *testing.T
	srv     *cachettest.Server
	checked *http.Client
	raw     *http.Client
}

func newEnv(t *testing.T, opts ...cachettest.Option) *env {
	t.Helper()
	srv := cachettest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c := contract.Load(t, spec(t), srv.URL)
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base := srv.Client().Transport
	return &env{
		t:       t,
		srv:     srv,
		checked: &http.Client{Transport: c.RoundTripper(base), CheckRedirect: noRedirect},
		raw:     &http.Client{Transport: base, CheckRedirect: noRedirect},
	}
}

// reqOpt adjusts one request.
type reqOpt func(*reqConf)

type reqConf struct {
	token     *string
	headers   [][2]string
	body      io.Reader
	ctype     string
	unchecked bool
}

// guest sends no token.
func guest() reqOpt { return func(c *reqConf) { empty := ""; c.token = &empty } }

// token sends the given token instead of the server's.
func token(tok string) reqOpt { return func(c *reqConf) { c.token = &tok } }

// header adds a request header (Accept replaces the default).
func header(k, v string) reqOpt {
	return func(c *reqConf) { c.headers = append(c.headers, [2]string{k, v}) }
}

// rawBody sends a body as is, with its content type.
func rawBody(ctype, body string) reqOpt {
	return func(c *reqConf) { c.ctype, c.body = ctype, strings.NewReader(body) }
}

// unchecked skips the contract check, for exchanges outside the spec on
// purpose; every use says why. Exchanges the spec describes, errors
// included (401 on reads, 5XX anywhere, 4xx answers to bad requests), are
// checked.
func unchecked() reqOpt { return uncheckedIf(true) }

// uncheckedIf is unchecked when off is true, for loops whose cases are
// partly outside the spec.
func uncheckedIf(off bool) reqOpt {
	return func(c *reqConf) { c.unchecked = c.unchecked || off }
}

type response struct {
	status int
	header http.Header
	body   []byte
	json   any
}

// call sends method path (relative to the API base, e.g. "/components")
// with body as JSON (nil for none), the server's token and
// Accept: application/json unless told otherwise. Transport failures end
// the test: use do from other goroutines.
func (e *env) call(method, path string, body any, opts ...reqOpt) *response {
	e.t.Helper()
	r, err := e.do(method, path, body, opts...)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// do is call without the test's Fatal, safe in any goroutine.
func (e *env) do(method, path string, body any, opts ...reqOpt) (*response, error) {
	conf := reqConf{}
	for _, o := range opts {
		o(&conf)
	}
	if body != nil && conf.body == nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		conf.body, conf.ctype = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, conf.body)
	if err != nil {
		return nil, err
	}
	if conf.ctype != "" {
		req.Header.Set("Content-Type", conf.ctype)
	}
	req.Header.Set("Accept", "application/json")
	tok := e.srv.Token
	if conf.token != nil {
		tok = *conf.token
	}
	if tok != "" {
		req.Header.Set("X-Cachet-Token", tok)
	}
	for _, h := range conf.headers {
		req.Header.Set(h[0], h[1])
	}
	client := e.checked
	if conf.unchecked {
		client = e.raw
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := &response{status: resp.StatusCode, header: resp.Header}
	if out.body, err = io.ReadAll(resp.Body); err != nil {
		return nil, err
	}
	if len(out.body) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(out.body, &out.json); err != nil {
			return nil, fmt.Errorf("invalid JSON %q: %w", out.body, err)
		}
	}
	return out, nil
}

// must checks the status and returns the response.
func (r *response) must(t *testing.T, status int) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// get walks the decoded JSON along a path of keys and indexes
// ("data", "tags", "0"); it fails the test when the path does not exist.
func (r *response) get(t *testing.T, path ...string) any {
	t.Helper()
	cur := r.json
	for i, p := range path {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[p]
			if !ok {
				t.Fatalf("no %q at %s in %s", p, strings.Join(path[:i], "."), r.body)
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(x) {
				t.Fatalf("no index %q at %s in %s", p, strings.Join(path[:i], "."), r.body)
			}
			cur = x[n]
		default:
			t.Fatalf("cannot walk %q at %s in %s", p, strings.Join(path[:i], "."), r.body)
		}
	}
	return cur
}

// has reports whether the path exists.
func (r *response) has(path ...string) bool {
	cur := r.json
	for _, p := range path {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[p]
			if !ok {
				return false
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(x) {
				return false
			}
			cur = x[n]
		default:
			return false
		}
	}
	return true
}

// num is get for numbers.
func (r *response) num(t *testing.T, path ...string) float64 {
	t.Helper()
	v, ok := r.get(t, path...).(float64)
	if !ok {
		t.Fatalf("%s is %T, not a number, in %s", strings.Join(path, "."), r.get(t, path...), r.body)
	}
	return v
}

// str is get for strings.
func (r *response) str(t *testing.T, path ...string) string {
	t.Helper()
	v, ok := r.get(t, path...).(string)
	if !ok {
		t.Fatalf("%s is %T, not a string, in %s", strings.Join(path, "."), r.get(t, path...), r.body)
	}
	return v
}

// id returns data.id.
func (r *response) id(t *testing.T) int {
	t.Helper()
	return int(r.num(t, "data", "id"))
}

// ids returns the ids of a list's data, in order.
func (r *response) ids(t *testing.T) []int {
	t.Helper()
	list, ok := r.get(t, "data").([]any)
	if !ok {
		t.Fatalf("data is not a list: %s", r.body)
	}
	out := make([]int, len(list))
	for i, item := range list {
		out[i] = int(item.(map[string]any)["id"].(float64))
	}
	return out
}

// errDetails returns errors[0].meta.details of a validation error.
func (r *response) errDetails(t *testing.T) []string {
	t.Helper()
	raw, ok := r.get(t, "errors", "0", "meta", "details").([]any)
	if !ok {
		t.Fatalf("no details in %s", r.body)
	}
	out := make([]string, len(raw))
	for i, d := range raw {
		out[i], _ = d.(string)
	}
	return out
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func eqSlice[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}
