package cachet_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// sent is one request as it left the client, credentials included.
type sent struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// bodyMap decodes a JSON request body, keeping numbers as json.Number so
// tests can tell 1 from true.
func (s sent) bodyMap(t *testing.T) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(s.Body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", s.Method, s.Path, s.Body, err)
	}
	return m
}

// recorder is the bottom of the client's transport stack in tests: it
// keeps a copy of every request actually sent.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []sent
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		out := req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(body))
		req = out
	}
	r.mu.Lock()
	r.log = append(r.log, sent{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone(), Body: body})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// requests returns what was sent since the last reset, optionally only
// the requests of one method and path.
func (r *recorder) requests(method, pathSuffix string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, s := range r.log {
		if (method == "" || s.Method == method) && strings.HasSuffix(s.Path, pathSuffix) {
			out = append(out, s)
		}
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.log = nil
	r.mu.Unlock()
}

// env is an emulator with a client whose every request and response is
// validated against the OpenAPI spec.
type env struct {
	srv *cachettest.Server
	c   *cachet.Client
	rec *recorder
}

// newEnv starts an emulator and a client for it with the emulator's token.
func newEnv(t *testing.T, srvOpts ...cachettest.Option) *env {
	t.Helper()
	srv := cachettest.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	e := &env{srv: srv}
	e.c, e.rec = newContractClient(t, srv, srv.Token)
	return e
}

// newContractClient builds a client for srv with token, validating the
// traffic against the spec and recording it.
func newContractClient(t *testing.T, srv *cachettest.Server, token string, opts ...facade.Option) (*cachet.Client, *recorder) {
	t.Helper()
	spec := contract.Load(t, contract.DocJSON(t, cachetapi.GetSpecJSON), srv.URL)
	rec := &recorder{next: srv.Client().Transport}
	all := append([]facade.Option{facade.WithBaseTransport(spec.RoundTripper(rec)), facade.WithRetry(0, 0, 0)}, opts...)
	c, err := cachet.New(srv.URL, token, all...)
	if err != nil {
		t.Fatalf("cachet.New: %v", err)
	}
	return c, rec
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not available: %v", name, err)
	}
	return loc
}

// collect drains a list, failing the test on an error.
func collect[T any](t *testing.T, seq func(yield func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// ids maps items to their ids.
func ids[T any](items []T, id func(T) int) []int {
	out := make([]int, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

// sortedCopy returns a sorted copy of s.
func sortedCopy(s []int) []int {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
