package saagietest

import (
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// Bounds of the per-server caches: a test suite sends a few dozen distinct
// documents and holds a few tokens; anything beyond is evicted.
const (
	maxCachedDocs   = 512
	maxCachedTokens = 1024
)

// docKey names one document validated against one of the two schemas.
type docKey struct {
	schema *ast.Schema
	query  string
}

// docCache keeps the documents that parsed and validated, by schema and
// query text: parsing and validating with gqlparser was most of the cost
// of a request, and the same few documents come again and again. A cached
// document is only read afterwards (validation annotated it once), so
// requests share it. Documents that fail are not cached: their errors are
// built anew for each answer.
type docCache struct {
	mu   sync.Mutex
	docs map[docKey]*ast.QueryDocument
}

func (c *docCache) get(sch *ast.Schema, query string) *ast.QueryDocument {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.docs[docKey{sch, query}]
}

func (c *docCache) put(sch *ast.Schema, query string, doc *ast.QueryDocument) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil {
		c.docs = map[docKey]*ast.QueryDocument{}
	}
	if len(c.docs) >= maxCachedDocs {
		for k := range c.docs { // any one: the bound matters, not the choice
			delete(c.docs, k)
			break
		}
	}
	c.docs[docKey{sch, query}] = doc
}

// tokenCache keeps the claims of tokens whose signature and claims were
// verified, by the token's text, so a request does not verify the same
// HMAC and decode the same JSON again. What can change after the check is
// checked on every use (expiry against the server's clock, revocation by
// generation, the realm), so a cached token is refused exactly when a
// fresh parse would refuse it.
type tokenCache struct {
	mu     sync.Mutex
	claims map[string]claims
}

func (c *tokenCache) get(raw string) (claims, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl, ok := c.claims[raw]
	return cl, ok
}

func (c *tokenCache) put(raw string, cl claims) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claims == nil {
		c.claims = map[string]claims{}
	}
	if len(c.claims) >= maxCachedTokens {
		for k := range c.claims {
			delete(c.claims, k)
			break
		}
	}
	c.claims[raw] = cl
}

// queryRoots are the two Query root objects, built once per server rather
// than for every request (each root field is a resolver closure: about
// thirty allocations a request). Their resolvers read the request through
// rc, which queryRoot points at the current request's context; roots and
// rc are only touched with the server's lock held, and the objects the
// resolvers return are consumed before it is released. Every root field is
// a resolver (nothing is read from the store when the root is built), so a
// shared root answers as a fresh one would.
type queryRoots struct {
	rc                *reqCtx
	projects, gateway *object
}

// queryRoot returns the Query root for rc. The caller holds s.mu and calls
// releaseQueryRoot once the operation has run.
func (s *Server) queryRoot(rc *reqCtx, gateway bool) *object {
	r := &s.roots
	if r.rc == nil {
		r.rc = &reqCtx{}
		r.projects = s.projectsQuery(r.rc)
		r.gateway = s.gatewayQuery(r.rc)
	}
	*r.rc = *rc
	if gateway {
		return r.gateway
	}
	return r.projects
}

// releaseQueryRoot drops the finished request's context (its variables).
func (s *Server) releaseQueryRoot() {
	if s.roots.rc != nil {
		*s.roots.rc = reqCtx{}
	}
}
