package st2test_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

func TestPaging(t *testing.T) {
	srv, _ := newServer(t)
	for range 5 {
		run(t, srv, "core.noop", nil)
	}
	r := expect(t, call(t, srv, "GET", "/executions?limit=2&offset=1", nil), 200)
	if r.header.Get("X-Total-Count") != "5" || r.header.Get("X-Limit") != "2" || len(r.list(t)) != 2 {
		t.Errorf("headers %v, %d items", r.header, len(r.list(t)))
	}
	r = expect(t, call(t, srv, "GET", "/executions", nil), 200)
	if r.header.Get("X-Limit") != "100" {
		t.Errorf("default limit: %q", r.header.Get("X-Limit"))
	}
	r = expect(t, call(t, srv, "GET", "/executions?limit=-1", nil), 200)
	if r.header.Get("X-Limit") != "" || len(r.list(t)) != 5 {
		t.Errorf("limit=-1: %q, %d", r.header.Get("X-Limit"), len(r.list(t)))
	}
	r = expect(t, call(t, srv, "GET", "/actions", nil), 200)
	if r.header.Get("X-Limit") != "" || r.header.Get("X-Total-Count") == "" {
		t.Errorf("/actions has no default limit: %v", r.header)
	}
	for q, want := range map[string]string{
		"limit=0":  `Limit, "0" specified, must be a positive number or -1 for full result set.`,
		"limit=-2": `Limit, "-2" specified, must be a positive number.`,
		"limit=x":  `Parameter "limit" is not of type integer`,
		"include_attributes=id&exclude_attributes=result": "exclude_fields and include_fields arguments are mutually exclusive. You need to provide either one or another, but not both.",
		"exclude_attributes=context":                      "Invalid or unsupported exclude attribute specified: context",
	} {
		if f := expect(t, call(t, srv, "GET", "/executions?"+q, nil), 400).fault(t); f != want {
			t.Errorf("%s: %q", q, f)
		}
	}
	// The projection keeps what was asked, id, and the fields the
	// controller always reads (parameters, context, parts of action and
	// runner), but not the rest of action.
	proj := expect(t, call(t, srv, "GET", "/executions?limit=1&include_attributes=status,action.ref", nil), 200).list(t)[0]
	var keys []string
	for k := range proj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	act := proj["action"].(map[string]any)
	if strings.Join(keys, ",") != "action,context,id,parameters,runner,status" || act["ref"] != "core.noop" || act["pack"] != "core" || act["runner_type"] != nil || proj["result"] != nil {
		t.Errorf("projection %v", proj)
	}
	// Asking for the whole action keeps it whole.
	whole := expect(t, call(t, srv, "GET", "/executions?limit=1&include_attributes=action", nil), 200).list(t)[0]
	if whole["action"].(map[string]any)["runner_type"] != "noop" {
		t.Errorf("whole action %v", whole["action"])
	}
	// Pack content always carries pack and name.
	a := expect(t, call(t, srv, "GET", "/actions?limit=1&include_attributes=description", nil), 200).list(t)[0]
	if a["pack"] == nil || a["name"] == nil || a["id"] == nil || a["runner_type"] != nil {
		t.Errorf("action projection %v", a)
	}
	// Keys send no X-Total-Count.
	expect(t, call(t, srv, "PUT", "/keys/a", map[string]any{"name": "a", "value": "1"}), 200)
	if r := expect(t, call(t, srv, "GET", "/keys", nil), 200); r.header.Get("X-Total-Count") != "" {
		t.Error("keys list has X-Total-Count")
	}
	// Sorting by a declared key; rules take no offset (ignored).
	asc := expect(t, call(t, srv, "GET", "/triggertypes?sort=name&limit=3", nil), 200).list(t)
	if asc[0]["name"].(string) > asc[1]["name"].(string) {
		t.Errorf("not sorted: %v, %v", asc[0]["name"], asc[1]["name"])
	}
}

func TestRBACLimits(t *testing.T) {
	srv, _ := newServer(t, st2test.WithUser("admin", "pw"), st2test.WithUser("bob", "pw"), st2test.WithRBAC("admin"), st2test.WithMaxPageSize(10))
	bob := []string{"X-Auth-Token", srv.Token("bob", 0)}
	if f := expect(t, call(t, srv, "GET", "/executions?limit=11", nil, bob...), 403).fault(t); f != `Limit "11" specified, maximum value is "10"` {
		t.Errorf("fault %q", f)
	}
	expect(t, call(t, srv, "GET", "/executions?limit=-1", nil, bob...), 403)
	expect(t, call(t, srv, "GET", "/executions?limit=11", nil), 200) // the key's owner is admin
	expect(t, call(t, srv, "GET", "/keys?decrypt=true", nil, bob...), 403)
}

func TestAuth(t *testing.T) {
	srv, clk := newServer(t, st2test.WithUser("ann", "pw"), st2test.WithTokenTTL(time.Hour))
	r := call(t, srv, "POST", srv.AuthURL+"/tokens", nil, "Authorization", "Basic "+b64("ann:pw"))
	expect(t, r, 201)
	o := r.obj(t)
	if o["user"] != "ann" || o["expiry"] != "2024-05-01T13:00:00.000000Z" || r.header.Get("X-API-URL") != srv.APIURL {
		t.Errorf("token %v, X-API-URL %q", o, r.header.Get("X-API-URL"))
	}
	value := o["token"].(string)
	if f := expect(t, call(t, srv, "POST", srv.AuthURL+"/tokens", nil, "Authorization", "Basic "+b64("ann:no")), 401).fault(t); f != "Invalid or missing credentials" {
		t.Errorf("bad password: %q", f)
	}
	if f := expect(t, call(t, srv, "POST", srv.AuthURL+"/tokens", map[string]any{"ttl": 7200}, "Authorization", "Basic "+b64("ann:pw")), 400).fault(t); !strings.Contains(f, "greater than max allowed 3600") {
		t.Errorf("ttl: %q", f)
	}
	who := expect(t, call(t, srv, "GET", "/user", nil, "X-Auth-Token", value), 200).obj(t)
	if who["username"] != "ann" {
		t.Errorf("user %v", who)
	}
	for _, c := range []struct {
		hdr  []string
		want string
	}{
		{[]string{"X-Request-Id", "x"}, "Unauthorized - One of Token or API key required."},
		{[]string{"X-Auth-Token", "bogus", "St2-Api-Key", srv.APIKey}, "Unauthorized"},
		{[]string{"St2-Api-Key", "bogus"}, "Unauthorized - ApiKey with key_hash="},
	} {
		if f := expect(t, call(t, srv, "GET", "/actions", nil, c.hdr...), 401).fault(t); !strings.HasPrefix(f, c.want) {
			t.Errorf("%v: %q", c.hdr, f)
		}
	}
	valid := expect(t, call(t, srv, "POST", srv.AuthURL+"/tokens/validate", map[string]any{"token": value}), 200).obj(t)
	clk.Advance(time.Hour)
	if f := expect(t, call(t, srv, "GET", "/actions", nil, "X-Auth-Token", value), 401).fault(t); f != "Unauthorized - Token has expired." {
		t.Errorf("expired: %q", f)
	}
	after := expect(t, call(t, srv, "POST", srv.AuthURL+"/tokens/validate", map[string]any{"token": value}), 200).obj(t)
	if valid["valid"] != true || after["valid"] != false {
		t.Errorf("validate %v then %v", valid, after)
	}
	// A disabled key.
	k := expect(t, call(t, srv, "POST", "/apikeys", map[string]any{}), 201).obj(t)
	expect(t, call(t, srv, "PUT", "/apikeys/"+k["id"].(string), map[string]any{"enabled": false}), 200)
	if f := expect(t, call(t, srv, "GET", "/actions", nil, "St2-Api-Key", k["key"].(string)), 401).fault(t); f != "Unauthorized - API key is disabled." {
		t.Errorf("disabled: %q", f)
	}
}

func TestKeys(t *testing.T) {
	srv, clk := newServer(t)
	expect(t, call(t, srv, "PUT", "/keys/pw", map[string]any{"name": "pw", "value": "hunter2", "secret": true, "ttl": 10}), 200)
	got := expect(t, call(t, srv, "GET", "/keys/pw", nil), 200).obj(t)
	if got["value"] == "hunter2" || got["encrypted"] != true || got["expire_timestamp"] != "2024-05-01T12:00:10.000000Z" {
		t.Errorf("secret shown or no expiry: %v", got)
	}
	plain := expect(t, call(t, srv, "GET", "/keys/pw?decrypt=true", nil), 200).obj(t)
	if plain["value"] != "hunter2" {
		t.Errorf("decrypt: %v", plain)
	}
	// Pre-encrypted values round-trip.
	expect(t, call(t, srv, "PUT", "/keys/pw2", map[string]any{"name": "pw2", "value": got["value"], "encrypted": true}), 200)
	if v := expect(t, call(t, srv, "GET", "/keys/pw2?decrypt=true", nil), 200).obj(t)["value"]; v != "hunter2" {
		t.Errorf("pre-encrypted: %v", v)
	}
	expect(t, call(t, srv, "PUT", "/keys/mine", map[string]any{"name": "mine", "value": "x", "scope": "user"}), 200)
	u := expect(t, call(t, srv, "GET", "/keys?scope=all", nil), 200).list(t)
	if len(u) != 3 {
		t.Errorf("scope=all: %v", u)
	}
	if f := expect(t, call(t, srv, "GET", "/keys?user=other", nil), 403).fault(t); !strings.Contains(f, "RBAC") {
		t.Errorf("user param: %q", f)
	}
	expect(t, call(t, srv, "GET", "/keys/mine", nil), 404) // system scope by default
	expect(t, call(t, srv, "GET", "/keys/mine?scope=st2kv.user", nil), 200)
	clk.Advance(10 * time.Second)
	expect(t, call(t, srv, "GET", "/keys/pw", nil), 404)
}

func TestFaultsAndConflicts(t *testing.T) {
	srv, _ := newServer(t)
	srv.FailNextWith(1, st2test.Fault{Kind: fault.RateLimit, RetryAfter: 2 * time.Second, Pattern: "GET /api/v1/actions"})
	r := expect(t, call(t, srv, "GET", "/actions", nil), 429)
	if r.header.Get("Retry-After") != "2" || r.fault(t) != "Too Many Requests" {
		t.Errorf("fault answer %v %s", r.header, r.body)
	}
	expect(t, call(t, srv, "GET", "/actions", nil), 200)
	body := map[string]any{"name": "a", "pack": "default", "runner_type": "noop"}
	first := expect(t, call(t, srv, "POST", "/actions", body), 201).obj(t)
	dup := expect(t, call(t, srv, "POST", "/actions", body), 409).obj(t)
	if dup["conflict-id"] != first["id"] {
		t.Errorf("conflict %v", dup)
	}
	if f := expect(t, call(t, srv, "POST", "/actions", map[string]any{"name": "b", "pack": "nopack", "runner_type": "noop"}), 400).fault(t); !strings.Contains(f, `Content pack "nopack" is not found`) {
		t.Errorf("pack: %q", f)
	}
	if f := expect(t, call(t, srv, "GET", "/actions/x.y", nil), 404).fault(t); f != `Resource with a reference or id "x.y" not found` {
		t.Errorf("404: %q", f)
	}
	expect(t, call(t, srv, "GET", "/nothing/here", nil), 404)
	expect(t, call(t, srv, "GET", "/actions?", "{bad json"), 200) // GET ignores bodies
	expect(t, call(t, srv, "POST", "/actions", "{bad json"), 400)
}

// TestEnabledFilterReadsBoolsAsSt2Does: the enabled filter of rules and
// sensors takes the spellings st2's transform_to_bool takes (the Python
// client sends True), and refuses any other with st2's message; rule
// views filter by name and pack only.
func TestEnabledFilterReadsBoolsAsSt2Does(t *testing.T) {
	srv, _ := newServer(t, st2test.WithDemoData())
	expect(t, call(t, srv, "POST", "/rules", map[string]any{"name": "off", "pack": "examples",
		"trigger": map[string]any{"type": "core.st2.IntervalTimer", "parameters": map[string]any{"unit": "seconds", "delta": 5}},
		"action":  map[string]any{"ref": "core.noop"}}), 201) // created disabled
	refs := func(path string) string {
		t.Helper()
		var out []string
		for _, d := range expect(t, call(t, srv, "GET", path, nil), 200).list(t) {
			out = append(out, d["ref"].(string))
		}
		return strings.Join(out, ",")
	}
	for path, want := range map[string]string{
		"/rules":                             "examples.off,examples.webhook_echo",
		"/rules?enabled=":                    "examples.off,examples.webhook_echo",
		"/rules?enabled=1":                   "examples.webhook_echo",
		"/rules?enabled=true":                "examples.webhook_echo",
		"/rules?enabled=True":                "examples.webhook_echo",
		"/rules?enabled=0":                   "examples.off",
		"/rules?enabled=false":               "examples.off",
		"/rules?enabled=False&pack=examples": "examples.off",
		"/rules/views?enabled=False":         "examples.off,examples.webhook_echo",
		"/rules/views?name=off":              "examples.off",
		"/sensortypes?enabled=True":          "linux.FileWatchSensor",
		"/sensortypes?enabled=False":         "",
	} {
		if got := refs(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	for _, path := range []string{"/rules?enabled=yes", "/rules?enabled=TRUE", "/sensortypes?enabled=no"} {
		v := path[strings.LastIndex(path, "=")+1:]
		if f := expect(t, call(t, srv, "GET", path, nil), 400).fault(t); f != `Invalid bool representation "`+v+`" provided.` {
			t.Errorf("%s: %q", path, f)
		}
	}
}
