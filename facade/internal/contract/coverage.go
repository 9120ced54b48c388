package contract

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
)

// reach marks the operation of route as reached, unless CountWhen says
// the answer does not count.
func (s *Spec) reach(route *routers.Route, status int, header http.Header, body []byte) {
	if route == nil || (s.counts != nil && !s.counts(status, header, body)) {
		return
	}
	s.mu.Lock()
	s.reached[operation(route.Method, route.Path)] = true
	s.mu.Unlock()
}

func operation(method, path string) string { return strings.ToUpper(method) + " " + path }

// Record marks the operation that a request of method to target (a URL,
// or a path on the spec's server) would reach, for traffic observed
// outside this Spec's Handler and RoundTripper. Nothing is validated; a
// target the spec has no operation for is ignored.
func (s *Spec) Record(method, target string) {
	u, err := url.Parse(target)
	if err != nil {
		return
	}
	if u.Host == "" && s.host != "" {
		u.Scheme, u.Host = s.scheme, s.host
	}
	req := &http.Request{Method: method, URL: u, Host: u.Host, Header: http.Header{}}
	if route, _, err := s.router.FindRoute(req); err == nil {
		s.reach(route, 0, nil, nil)
	}
}

// Operations lists every operation of the spec as "METHOD /path", the
// path as written in the spec, sorted.
func (s *Spec) Operations() []string {
	var out []string
	for path, item := range s.doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, operation(method, path))
		}
	}
	slices.Sort(out)
	return out
}

// Unreached lists the operations of the spec that no counted exchange
// has reached so far, as "METHOD /path", sorted.
func (s *Spec) Unreached() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, op := range s.Operations() {
		if !s.reached[op] {
			out = append(out, op)
		}
	}
	return out
}

// RequireAllOperations fails tb unless every operation of the spec has
// been reached, but those in except ("METHOD /path", as in the spec): the
// operations a test deliberately leaves out, each to be justified where
// it is listed. An entry of except that is not an operation of the spec,
// or that was reached after all, fails tb too, so that the list cannot
// go stale. Call it at the end of a test that drives every operation.
func (s *Spec) RequireAllOperations(tb testing.TB, except ...string) {
	tb.Helper()
	ops := s.Operations()
	excused := map[string]bool{}
	for _, e := range except {
		method, path, _ := strings.Cut(e, " ")
		op := operation(method, path)
		switch {
		case !slices.Contains(ops, op):
			tb.Errorf("contract: %q is excused but is no operation of the spec", e)
		case s.isReached(op):
			tb.Errorf("contract: %q is excused but was reached: take it off the list", e)
		}
		excused[op] = true
	}
	var missing []string
	for _, op := range s.Unreached() {
		if !excused[op] {
			missing = append(missing, op)
		}
	}
	if len(missing) > 0 {
		tb.Errorf("contract: %d operation(s) of the spec never reached: %s", len(missing), strings.Join(missing, ", "))
	}
}

func (s *Spec) isReached(op string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reached[op]
}
