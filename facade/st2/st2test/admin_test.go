package st2test_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// Under WithRBAC the admin-only endpoints refuse other users, and each
// admin has one role assignment.
func TestRBACEndpoints(t *testing.T) {
	srv, _ := newServer(t, st2test.WithRBAC(), st2test.WithUser("st2admin", "pw"), st2test.WithUser("bob", "pw2"))
	bob := []string{"X-Auth-Token", srv.Token("bob", 0)}
	for _, p := range []string{"/rbac/roles", "/rbac/permission_types", "/service_registry/groups"} {
		if f := expect(t, call(t, srv, "GET", p, nil, bob...), 403).fault(t); f != "Administrator access required" {
			t.Errorf("%s: %q", p, f)
		}
	}
	as := expect(t, call(t, srv, "GET", "/rbac/role_assignments", nil), 200).list(t)
	if len(as) != 1 || as[0]["user"] != "st2admin" || as[0]["role"] != "admin" {
		t.Fatalf("assignments %v", as)
	}
	id := as[0]["id"].(string)
	expect(t, call(t, srv, "GET", "/rbac/role_assignments/"+id, nil), 200)
	expect(t, call(t, srv, "GET", "/rbac/role_assignments/"+id, nil, bob...), 403)
	// Bob may list his own (none).
	if own := expect(t, call(t, srv, "GET", "/rbac/role_assignments?user=bob", nil, bob...), 200).list(t); len(own) != 0 {
		t.Fatalf("bob's assignments %v", own)
	}
}

// Without an index the pack index answers as a server without Internet
// access does.
func TestPackIndexUnreachable(t *testing.T) {
	srv, _ := newServer(t)
	f := expect(t, call(t, srv, "GET", "/packs/index", nil), 400).fault(t)
	if want := "No results from the index: tried " + st2test.DefaultIndexURL + "."; len(f) < len(want) || f[:len(want)] != want {
		t.Fatalf("index: %q", f)
	}
	expect(t, call(t, srv, "POST", "/packs/index/search", map[string]any{"query": "aws"}), 400)
	h := expect(t, call(t, srv, "GET", "/packs/index/health", nil), 200).obj(t)
	idx := h["indexes"].(map[string]any)
	if idx["invalid"] != 1.0 || idx["errors"].(map[string]any)["unresponsive"] != 1.0 {
		t.Fatalf("health %v", h)
	}
}
