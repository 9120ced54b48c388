package saagietest

import (
	"encoding/json"
	"math"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// A token whose claims are cached is refused exactly when a fresh parse
// refuses it: at exp (not a second later), after a revocation, and not
// before.
func TestCachedTokenExpiresAndIsRevoked(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := &stepClock{t: start}
	s := NewServer(WithClock(clock.now), WithTokenTTL(time.Minute))
	t.Cleanup(s.Close)
	tok := s.Token()
	auth := func() error {
		r := httptest.NewRequest("POST", "/gateway/api/graphql", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		_, err := s.authenticate(r)
		return err
	}
	if err := auth(); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	if _, ok := s.tokens.get(tok); !ok {
		t.Fatal("a verified token was not cached")
	}
	clock.set(start.Add(time.Minute - time.Nanosecond))
	if err := auth(); err != nil {
		t.Fatalf("just before exp: %v", err)
	}
	clock.set(start.Add(time.Minute))
	if err := auth(); err == nil || err.Error() != "JWT expired" {
		t.Fatalf("at exp: %v, want JWT expired", err)
	}
	// The same instant, without the cache, gives the same answer.
	s.tokens = tokenCache{}
	if err := auth(); err == nil || err.Error() != "JWT expired" {
		t.Fatalf("at exp, uncached: %v, want JWT expired", err)
	}

	clock.set(start)
	if err := auth(); err != nil {
		t.Fatal(err)
	}
	s.RevokeTokens()
	if err := auth(); err != errUnauthenticated {
		t.Fatalf("revoked cached token: %v", err)
	}
}

// Only documents that validated are cached: an invalid one is answered
// with its errors each time, and a cached one answers as the first time.
func TestDocumentCache(t *testing.T) {
	s := NewServer()
	t.Cleanup(s.Close)
	c := &claims{}
	c.Subject = s.User
	for range 2 {
		r := s.execute(s.schemas.projects, &gqlRequest{Query: `{ projects { nope } }`}, false, c)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["classification"] != "ValidationError" {
			t.Fatalf("invalid document: %+v", r.Errors)
		}
		r = s.execute(s.schemas.projects, &gqlRequest{Query: `{ projects { id`}, false, c)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["classification"] != "InvalidSyntax" {
			t.Fatalf("bad syntax: %+v", r.Errors)
		}
	}
	if n := len(s.docs.docs); n != 0 {
		t.Fatalf("%d failing documents cached", n)
	}
	q := `query P($id: UUID!) { project(id: $id) { id } }`
	for range 2 {
		r := s.execute(s.schemas.projects, &gqlRequest{Query: q, Variables: map[string]any{"id": "not-a-uuid"}}, false, c)
		if len(r.Errors) != 1 {
			t.Fatalf("bad variable: %+v", r.Errors)
		}
	}
	// The gateway schema does not know the projects' root fields: a
	// document cached for one schema is not taken for the other.
	if r := s.execute(s.schemas.gateway, &gqlRequest{Query: q, Variables: map[string]any{"id": "not-a-uuid"}}, true, c); len(r.Errors) == 0 {
		t.Fatal("the projects document validated against the gateway schema")
	}
	for i := range maxCachedDocs + 10 {
		s.docs.put(s.schemas.gateway, string(rune('a'+i%26))+time.Duration(i).String(), nil)
	}
	if n := len(s.docs.docs); n > maxCachedDocs {
		t.Fatalf("%d documents cached, bound %d", n, maxCachedDocs)
	}
}

// orderedMap writes what json.Marshal wrote when every level went through
// it (HTML escaping, nested objects and lists, nil values included).
func TestOrderedMapJSON(t *testing.T) {
	inner := newOrderedMap()
	inner.put("z<", "a&b\u2028")
	inner.put("a", []any{1.5, nil, newOrderedMap(), []any{}, []any(nil)})
	var none *orderedMap
	m := newOrderedMap()
	m.put("obj", inner)
	m.put("list", []any{inner, none, "x"})
	m.put("nil", none)
	m.put("map", map[string]any{"k": []string{"v"}})
	got, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"obj":{"z\u003c":"a\u0026b\u2028","a":[1.5,null,{},[],null]},"list":[{"z\u003c":"a\u0026b\u2028","a":[1.5,null,{},[],null]},null,"x"],"nil":null,"map":{"k":["v"]}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// appendValueJSON writes what json.Marshal writes (its string and number
// leaves are jsonenc's, tested there).
func TestLeafJSONMatchesMarshal(t *testing.T) {
	for _, v := range []any{nil, true, false, 42, int64(-7), 2.5, math.Inf(1), []string{"a"}, map[string]any{"<": 1}} {
		want, werr := json.Marshal(v)
		got, gerr := appendValueJSON(nil, v)
		if string(got) != string(want) || (werr != nil) != (gerr != nil) {
			t.Errorf("%#v: %s %v, json.Marshal %s %v", v, got, gerr, want, werr)
		}
	}
}

// The shared Query root answers from the store and request of the moment:
// a project added between two requests is listed, and a finished request
// leaves no context (variables) behind.
func TestSharedQueryRoot(t *testing.T) {
	s := NewServer()
	t.Cleanup(s.Close)
	c := &claims{}
	c.Subject = s.User
	count := func() int {
		r := s.execute(s.schemas.projects, &gqlRequest{Query: `query Q($first: Int) { projects(first: $first) { id } }`, Variables: map[string]any{"first": json.Number("50")}}, false, c)
		if len(r.Errors) > 0 {
			t.Fatalf("projects: %v", r.Errors)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Data struct{ Projects []struct{ ID string } }
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return len(out.Data.Projects)
	}
	n := count()
	s.Seed(func(sd *Seeder) { sd.Project("added-later", "") })
	if got := count(); got != n+1 {
		t.Errorf("after adding a project: %d projects, want %d", got, n+1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roots.rc == nil || s.roots.rc.vars != nil || s.roots.rc.s != nil {
		t.Errorf("the shared root kept the last request's context: %+v", s.roots.rc)
	}
}
