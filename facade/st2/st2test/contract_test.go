package st2test_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
	"github.com/switchboard-go/switchboard/gen/st2api"
	"github.com/switchboard-go/switchboard/gen/st2authapi"
	"github.com/switchboard-go/switchboard/gen/st2streamapi"
)

// service is one of the three specs with the public prefix it is
// served under.
type service struct {
	prefix string
	doc    *openapi3.T
}

func services(t *testing.T) []service {
	t.Helper()
	var out []service
	for _, s := range []struct {
		prefix string
		// The st2 clients embed only the raw JSON, so that the st2
		// binary does not link kin-openapi.
		raw func() ([]byte, error)
	}{{st2test.AuthPath, st2authapi.GetSpecJSON}, {st2test.APIPath, st2api.GetSpecJSON}, {st2test.StreamPath, st2streamapi.GetSpecJSON}} {
		data, err := s.raw()
		if err != nil {
			t.Fatalf("spec of %s: %v", s.prefix, err)
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			t.Fatalf("spec of %s: %v", s.prefix, err)
		}
		out = append(out, service{s.prefix, doc})
	}
	return out
}

// checkedServer serves the emulator behind the contract check of the
// spec of each prefix and returns a server whose URLs point there, and
// the checks. An operation counts as reached only when a route of the
// emulator answered it, not its 404 for paths it has no route for (which
// the contract check accepts).
func checkedServer(t *testing.T, srv *st2test.Server) (*httptest.Server, []*contract.Spec) {
	t.Helper()
	routed := contract.CountWhen(func(status int, _ http.Header, body []byte) bool {
		return status != http.StatusNotFound || !bytes.Contains(body, []byte("The resource could not be found."))
	})
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	var specs []*contract.Spec
	for _, sv := range services(t) {
		spec := contract.Load(t, sv.doc, ts.URL+sv.prefix, routed)
		h := spec.Handler(srv.Handler())
		mux.Handle(sv.prefix+"/", h)
		mux.Handle(sv.prefix, h)
		specs = append(specs, spec)
	}
	return ts, specs
}

// TestContractServerSide drives every operation the emulator has through
// the contract check: each request and each response must match the
// specs, errors included.
func TestContractServerSide(t *testing.T) {
	clk := newClock()
	srv := st2test.NewServer(st2test.WithClock(clk.Now), st2test.WithTickInterval(0), st2test.WithDemoData(),
		st2test.WithUser("alice", "wonderland"), st2test.WithHeartbeat(time.Hour))
	t.Cleanup(srv.Close)
	ts, specs := checkedServer(t, srv)
	api := ts.URL + st2test.APIPath
	key := []string{"St2-Api-Key", srv.APIKey}
	do := func(method, path string, body any, status int, hdr ...string) resp {
		t.Helper()
		if len(hdr) == 0 {
			hdr = key
		}
		url := path
		if !strings.HasPrefix(path, "http") {
			url = api + path
		}
		return expect(t, call(t, srv, method, url, body, hdr...), status)
	}

	// Auth.
	basic := "Basic " + b64("alice:wonderland")
	tok := do("POST", ts.URL+"/auth/v1/tokens", map[string]any{"ttl": 60}, 201, "Authorization", basic).obj(t)
	do("POST", ts.URL+"/auth/v1/tokens", nil, 401, "Authorization", "Basic "+b64("alice:nope"))
	do("POST", ts.URL+"/auth/v1/tokens", map[string]any{"ttl": 999999}, 400, "Authorization", basic)
	do("POST", ts.URL+"/auth/v1/tokens/validate", map[string]any{"token": tok["token"]}, 200)
	token := []string{"X-Auth-Token", tok["token"].(string)}

	// General.
	do("GET", "/", nil, 200)
	do("GET", "/user", nil, 200, token...)
	do("GET", "/actions", nil, 401, "X-Request-Id", "x")

	// Actions.
	do("GET", "/actions?pack=core&limit=2&offset=1", nil, 200)
	act := do("POST", "/actions", map[string]any{"name": "hello", "pack": "examples", "runner_type": "local-shell-cmd",
		"parameters": map[string]any{"cmd": map[string]any{"type": "string", "default": "echo hello"}}}, 201).obj(t)
	do("POST", "/actions", map[string]any{"name": "hello", "pack": "examples", "runner_type": "local-shell-cmd"}, 409)
	do("POST", "/actions", map[string]any{"pack": "examples"}, 400)
	do("GET", "/actions/examples.hello", nil, 200)
	do("GET", "/actions/nope.nope", nil, 404)
	act["description"] = "Says hello"
	do("PUT", "/actions/"+act["id"].(string), act, 200)
	do("POST", "/actions/examples.hello/clone", map[string]any{"dest_pack": "default", "dest_action": "hello2"}, 201)
	do("GET", "/actions/views/parameters/examples.hello", nil, 200)
	do("GET", "/actions/views/overview?pack=core", nil, 200)
	do("GET", "/actions/views/overview/core.echo", nil, 200)
	do("GET", "/actions/views/entry_point/core.pause", nil, 200)
	do("DELETE", "/actions/default.hello2", nil, 204)

	// Executions.
	ex := do("POST", "/executions", map[string]any{"action": "examples.hello", "parameters": map[string]any{}}, 201).obj(t)
	id := ex["id"].(string)
	do("POST", "/executions", map[string]any{"action": "nope.nope"}, 400)
	do("GET", "/executions/"+id, nil, 200)
	do("GET", "/executions/last?exclude_attributes=result", nil, 200)
	do("GET", "/executions?limit=2&offset=0&sort_asc=true&exclude_attributes=result", nil, 200)
	// Projections keep what the server always reads, and nothing the
	// item schemas would miss.
	do("GET", "/executions?limit=3&include_attributes=status,action.ref,context.user", nil, 200)
	do("GET", "/executions/"+id+"?include_attributes=status,runner.name", nil, 200)
	do("GET", "/actions?include_attributes=ref,description", nil, 200)
	do("GET", "/actions/examples.hello?include_attributes=description", nil, 200)
	do("GET", "/actionalias?include_attributes=description", nil, 200)
	do("GET", "/rules?include_attributes=description", nil, 200)
	do("GET", "/policies?include_attributes=description", nil, 200)
	do("GET", "/sensortypes?include_attributes=description", nil, 200)
	do("GET", "/runnertypes?include_attributes=description", nil, 200)
	do("GET", "/triggertypes?include_attributes=description", nil, 200)
	do("GET", "/executions?parent=null&status=succeeded", nil, 200)
	do("GET", "/executions?limit=0", nil, 400)
	do("GET", "/executions/"+id+"/output?output_type=stdout", nil, 200)
	do("GET", "/executions/"+id+"/result", nil, 200)
	do("GET", "/executions/"+id+"/attribute/result", nil, 200)
	do("GET", "/executions/"+id+"/children?depth=1", nil, 200)
	do("GET", "/executions/views/filters?types=action,status", nil, 200)
	do("POST", "/executions/"+id+"/re_run", map[string]any{"parameters": map[string]any{}}, 201)
	do("DELETE", "/executions/"+id, nil, 200) // 200 with faultstring
	long := do("POST", "/executions", map[string]any{"action": "core.local", "parameters": map[string]any{"cmd": "sleep 30"}}, 201).obj(t)
	do("GET", "/executions/"+long["id"].(string), nil, 200)
	do("PUT", "/executions/"+long["id"].(string), map[string]any{"status": "pausing"}, 400)
	do("DELETE", "/executions/"+long["id"].(string), nil, 200)
	do("GET", "/executions/000000000000000000000000", nil, 404)

	// Inquiries.
	ask := do("POST", "/executions", map[string]any{"action": "core.ask", "parameters": map[string]any{}}, 201).obj(t)
	do("GET", "/inquiries", nil, 200)
	do("GET", "/inquiries/"+ask["id"].(string), nil, 200)
	do("PUT", "/inquiries/"+ask["id"].(string), map[string]any{"id": ask["id"], "response": map[string]any{"continue": true}}, 200)

	// Keys.
	do("PUT", "/keys/k1", map[string]any{"name": "k1", "value": "v1", "ttl": 60}, 200)
	do("PUT", "/keys/s1", map[string]any{"name": "s1", "value": "top", "secret": true}, 200)
	do("PUT", "/keys/u1", map[string]any{"name": "u1", "value": "mine", "scope": "st2kv.user"}, 200)
	do("GET", "/keys?scope=all&prefix=k&decrypt=true&limit=10", nil, 200)
	do("GET", "/keys/s1?decrypt=true", nil, 200)
	do("GET", "/keys/u1?scope=st2kv.user", nil, 200)
	do("GET", "/keys/nope", nil, 404)
	do("GET", "/keys?scope=bogus", nil, 400)
	do("DELETE", "/keys/k1", nil, 204)

	// Rules, trigger types, triggers, trigger instances, webhooks.
	do("GET", "/rules?pack=examples&limit=5", nil, 200)
	rule := do("POST", "/rules", map[string]any{"name": "r1", "pack": "examples", "trigger": map[string]any{"type": "core.st2.IntervalTimer", "parameters": map[string]any{"unit": "seconds", "delta": 5}},
		"action": map[string]any{"ref": "core.noop"}}, 201).obj(t)
	do("POST", "/rules", map[string]any{"name": "r1", "pack": "examples", "trigger": map[string]any{"type": "core.st2.IntervalTimer"}, "action": map[string]any{"ref": "core.noop"}}, 409)
	do("GET", "/rules/examples.r1", nil, 200)
	rule["enabled"] = true
	do("PUT", "/rules/examples.r1", rule, 200)
	do("GET", "/rules/views", nil, 200)
	do("GET", "/rules/views/examples.r1", nil, 200)
	do("DELETE", "/rules/examples.r1", nil, 204)
	rts := do("GET", "/ruletypes", nil, 200).list(t)
	do("GET", "/ruletypes/"+rts[0]["id"].(string), nil, 200)
	do("GET", "/triggertypes?limit=3&offset=1", nil, 200)
	do("POST", "/triggertypes", map[string]any{"name": "t1", "pack": "examples"}, 201)
	do("GET", "/triggertypes/examples.t1", nil, 200)
	do("PUT", "/triggertypes/examples.t1", map[string]any{"name": "t1", "pack": "examples", "description": "d"}, 200)
	trig := do("POST", "/triggers", map[string]any{"type": "core.st2.webhook", "parameters": map[string]any{"url": "hook1"}}, 201).obj(t)
	do("GET", "/triggers", nil, 200)
	do("GET", "/triggers/"+trig["id"].(string), nil, 200)
	do("PUT", "/triggers/"+trig["id"].(string), map[string]any{"type": "core.st2.webhook", "parameters": map[string]any{"url": "hook1"}, "description": "x"}, 200)
	do("GET", "/webhooks", nil, 200)
	do("GET", "/webhooks/hook1", nil, 200)
	do("POST", "/webhooks/hook1", map[string]any{"a": 1}, 202)
	do("POST", "/webhooks/st2", map[string]any{"trigger": "examples.t1", "payload": map[string]any{"x": 1}}, 202)
	do("POST", "/webhooks/st2", []any{1}, 400)
	do("POST", "/webhooks/nope", map[string]any{}, 404)
	do("GET", "/webhooks/nope", nil, 404)
	// A hook with a slash: declared as one (escaped) segment.
	do("POST", "/triggers", map[string]any{"type": "core.st2.webhook", "parameters": map[string]any{"url": "github/push"}}, 201)
	do("POST", "/webhooks/github%2Fpush", map[string]any{"ref": "main"}, 202, "St2-Api-Key", srv.APIKey, "St2-Trace-Tag", "push-1")
	do("GET", "/webhooks/github%2Fpush", nil, 404)
	// The demo rule on the echo hook (criterion exists: no pattern) runs
	// core.echo, recording an enforcement and a trace.
	do("POST", "/webhooks/echo", map[string]any{"message": "hi"}, 202, "St2-Api-Key", srv.APIKey, "St2-Trace-Tag", "echo-1")
	do("GET", "/rules/examples.webhook_echo", nil, 200)
	do("DELETE", "/triggers/"+trig["id"].(string), nil, 204)
	do("DELETE", "/triggertypes/examples.t1", nil, 204)
	tis := do("GET", "/triggerinstances?limit=5", nil, 200).list(t)
	do("GET", "/triggerinstances/"+tis[0]["id"].(string), nil, 200)
	do("POST", "/triggerinstances/"+tis[0]["id"].(string)+"/re_emit", nil, 200)

	// Aliases.
	do("GET", "/actionalias", nil, 200)
	do("POST", "/actionalias", map[string]any{"name": "say", "pack": "examples", "action_ref": "core.echo", "formats": []any{"say {{message}}"}}, 201)
	do("GET", "/actionalias/examples.say", nil, 200)
	do("PUT", "/actionalias/examples.say", map[string]any{"name": "say", "pack": "examples", "action_ref": "core.echo", "formats": []any{"say {{message}}"}, "description": "d"}, 200)
	do("POST", "/actionalias/match", map[string]any{"command": "say hi"}, 200)
	do("POST", "/actionalias/match", map[string]any{"command": "nothing matches this"}, 400)
	do("GET", "/actionalias/help?limit=5", nil, 200)
	do("POST", "/aliasexecution", map[string]any{"name": "say", "format": "say {{message}}", "command": "say hi", "user": "alice", "source_channel": "test"}, 201)
	do("POST", "/aliasexecution/match_and_execute", map[string]any{"command": "say hello", "user": "alice", "source_channel": "test"}, 201)
	do("DELETE", "/actionalias/examples.say", nil, 204)

	// Sensors, runners, packs, configs, policies, API keys.
	do("GET", "/sensortypes", nil, 200)
	do("GET", "/sensortypes/linux.FileWatchSensor", nil, 200)
	do("PUT", "/sensortypes/linux.FileWatchSensor", map[string]any{"class_name": "FileWatchSensor", "enabled": false}, 200)
	do("GET", "/runnertypes?limit=2", nil, 200)
	do("GET", "/runnertypes/local-shell-cmd", nil, 200)
	do("PUT", "/runnertypes/local-shell-cmd", map[string]any{"name": "local-shell-cmd", "enabled": true}, 200)
	do("GET", "/packs", nil, 200)
	do("GET", "/packs/examples", nil, 200)
	do("POST", "/packs/install", map[string]any{"packs": []any{"aws=1.0.0"}}, 202)
	do("POST", "/packs/uninstall", map[string]any{"packs": []any{"aws"}}, 202)
	do("POST", "/packs/register", map[string]any{"packs": []any{"examples"}, "types": []any{"actions"}}, 200)
	do("GET", "/packs/views/files/examples", nil, 200)
	do("GET", "/packs/views/file/examples/pack.yaml", nil, 200)
	do("GET", "/configs", nil, 200)
	do("GET", "/configs/examples", nil, 200)
	do("PUT", "/configs/examples", map[string]any{"greeting_style": "formal"}, 200)
	do("GET", "/config_schemas", nil, 200)
	do("GET", "/config_schemas/examples", nil, 200)
	do("GET", "/policytypes", nil, 200)
	do("GET", "/policytypes/action.concurrency", nil, 200)
	do("GET", "/policies?pack=examples", nil, 200)
	do("POST", "/policies", map[string]any{"name": "p1", "pack": "examples", "resource_ref": "examples.greet", "policy_type": "action.retry", "parameters": map[string]any{"max_retry_count": 2}}, 201)
	do("GET", "/policies/examples.p1", nil, 200)
	do("PUT", "/policies/examples.p1", map[string]any{"name": "p1", "pack": "examples", "resource_ref": "examples.greet", "policy_type": "action.retry", "enabled": false}, 200)
	do("DELETE", "/policies/examples.p1", nil, 204)
	k := do("POST", "/apikeys", map[string]any{"metadata": map[string]any{"why": "test"}}, 201).obj(t)
	do("GET", "/apikeys", nil, 200)
	do("GET", "/apikeys/"+k["id"].(string), nil, 200)
	do("PUT", "/apikeys/"+k["id"].(string), map[string]any{"enabled": false, "user": "alice", "key_hash": "x"}, 200)
	do("DELETE", "/apikeys/"+k["id"].(string), nil, 204)

	// Rule enforcements, traces, timers.
	enfs := do("GET", "/ruleenforcements?rule_ref=examples.webhook_echo&limit=5", nil, 200).list(t)
	if len(enfs) == 0 {
		t.Fatal("no rule enforcement for the echo webhook")
	}
	do("GET", "/ruleenforcements?enforced_at_gt=2000-01-01T00:00:00Z&include_attributes=rule.ref", nil, 200)
	do("GET", "/ruleenforcements/"+enfs[0]["id"].(string), nil, 200)
	do("GET", "/ruleenforcements/000000000000000000000000", nil, 404)
	do("GET", "/ruleenforcements/views?limit=2", nil, 200)
	do("GET", "/ruleenforcements/views/"+enfs[0]["id"].(string), nil, 200)
	trs := do("GET", "/traces?trace_tag=echo-1", nil, 200).list(t)
	if len(trs) != 1 {
		t.Fatalf("traces tagged echo-1: %v", trs)
	}
	do("GET", "/traces?execution="+id+"&sort_asc=True&exclude_attributes=rules", nil, 200)
	do("GET", "/traces/"+trs[0]["id"].(string), nil, 200)
	do("GET", "/traces/000000000000000000000000", nil, 404)
	timers := do("GET", "/timers?timer_type=core.st2.IntervalTimer", nil, 200).list(t)
	if len(timers) == 0 {
		t.Fatal("no interval timer")
	}
	do("GET", "/timers?timer_type=nope", nil, 400)
	do("GET", "/timers/"+timers[0]["id"].(string), nil, 200)
	do("GET", "/timers/nope.nope", nil, 404)

	// Pack index (the demo index), RBAC, service registry, workflow
	// inspection, SSO.
	do("GET", "/packs/index", nil, 200)
	do("GET", "/packs/index/health", nil, 200)
	do("POST", "/packs/index/search", map[string]any{"query": "chat"}, 200)
	do("POST", "/packs/index/search", map[string]any{"pack": "aws"}, 200)
	do("POST", "/packs/index/search", map[string]any{"pack": "nope"}, 200)
	do("POST", "/packs/index/search", map[string]any{"query": "a", "pack": "b"}, 400)
	do("GET", "/rbac/permission_types", nil, 200)
	do("GET", "/rbac/permission_types/action", nil, 200)
	do("GET", "/rbac/permission_types/nope", nil, 404)
	do("GET", "/rbac/roles?system=true", nil, 200)
	do("GET", "/rbac/roles/admin", nil, 200)
	do("GET", "/rbac/roles/nope", nil, 404)
	do("GET", "/rbac/role_assignments", nil, 200)
	do("GET", "/rbac/role_assignments/000000000000000000000000", nil, 404)
	do("GET", "/service_registry/groups", nil, 200)
	do("GET", "/service_registry/groups/api/members", nil, 404)
	text := []string{"Content-Type", "text/plain", "St2-Api-Key", srv.APIKey}
	wf := "version: 1.0\ntasks:\n  t1:\n    action: core.echo\n    input:\n      bogus: 1\n    next:\n      - do: t9\n  t2:\n    action: nope.nope\n"
	if errs := do("POST", "/workflows/inspect", wf, 200, text...).list(t); len(errs) != 4 {
		t.Errorf("inspection errors: %v", errs)
	}
	do("POST", "/workflows/inspect", "version: 1.0\ntasks:\n  t1:\n    action: core.noop\n", 200, text...)
	do("GET", ts.URL+"/auth/v1/sso", nil, 200, "X-Request-Id", "x")
	do("GET", ts.URL+"/auth/v1/sso/request", nil, 500, "X-Request-Id", "x")
	do("POST", ts.URL+"/auth/v1/sso/callback", map[string]any{}, 500, "X-Request-Id", "x")

	// Streams: the head is validated, then the events flow.
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/stream/v1/stream?events=st2.execution__create&st2-api-key="+srv.APIKey, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Errorf("stream: %d", res.StatusCode)
	}
	cancel()
	res.Body.Close()
	res2, err := http.Get(ts.URL + "/stream/v1/executions/" + id + "/output?st2-api-key=" + srv.APIKey)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()

	// Every operation of the three specs must have been exercised and
	// answered by a route of the emulator.
	for _, spec := range specs {
		spec.RequireAllOperations(t)
	}
}
