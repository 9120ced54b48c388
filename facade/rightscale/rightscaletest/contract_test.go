package rightscaletest

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-go/switchboard/facade/internal/contract"
)

// The emulator behind the server-side contract check (see newEnv): every
// request it is sent and every response it writes must be what the spec
// describes. This test reaches every operation of the spec, the modelled
// ones through a scripted session and the generic ones through a walk
// that builds each request from the spec itself.

// requireAllOperations fails t unless the requests s saw reached every
// operation of the spec.
func (s *servedRoutes) requireAllOperations(t *testing.T) {
	t.Helper()
	ops := contract.Load(t, spec(t), "")
	s.mu.Lock()
	for _, seen := range s.seen {
		method, path, _ := strings.Cut(seen, " ")
		ops.Record(method, path)
	}
	s.mu.Unlock()
	ops.RequireAllOperations(t)
}

// sample builds a value of the schema: required properties only.
func sample(sc *openapi3.Schema) any {
	switch {
	case sc == nil:
		return "x"
	case len(sc.Enum) > 0:
		return sc.Enum[0]
	case sc.Type.Is("integer"), sc.Type.Is("number"):
		return 1
	case sc.Type.Is("boolean"):
		return true
	case sc.Type.Is("array"):
		if sc.Items != nil {
			return []any{sample(sc.Items.Value)}
		}
		return []any{}
	case sc.Type.Is("object"):
		m := map[string]any{}
		for _, r := range sc.Required {
			if p := sc.Properties[r]; p != nil {
				m[r] = sample(p.Value)
			}
		}
		return m
	}
	return "x"
}

func TestContractServerSide(t *testing.T) {
	e := demo(t, WithTaskPolls(1))
	servers := e.call("GET", "/api/servers", nil).must(t, 200).list(t)
	lb := find(t, servers, "haproxy")
	web := find(t, servers, "web")
	staging := find(t, servers, "web-staging")
	arr := find(t, e.call("GET", "/api/server_arrays", nil).must(t, 200).list(t), "web-array")
	prod := find(t, e.call("GET", "/api/deployments", nil).must(t, 200).list(t), "production")
	tpl := find(t, e.call("GET", "/api/server_templates", nil).must(t, 200).list(t), DemoServerTemplate)
	hello := find(t, e.call("GET", "/api/right_scripts", nil).must(t, 200).list(t), DemoScript)
	lbInst, webInst := href(lb, "current_instance"), href(web, "current_instance")
	cloud := "/api/clouds/1"
	scr := href(hello, "self")

	// The modelled operations, each answered with its success status.
	ok := func(status int, method, path string, body any) *response {
		t.Helper()
		return e.call(method, path, body).must(t, status)
	}
	ok(200, "GET", "/api/sessions?view=whoami", nil)
	ok(200, "GET", "/api/sessions/accounts?view=extended", nil)
	ok(200, "GET", e.srv.AccountHref(), nil)
	ok(200, "GET", "/api/health-check", nil)
	ok(200, "GET", "/api/clouds?view=extended", nil)
	ok(200, "GET", cloud, nil)
	dc := href(ok(200, "GET", cloud+"/datacenters", nil).list(t)[0], "self")
	ok(200, "GET", dc, nil)
	it := href(ok(200, "GET", cloud+"/instance_types", nil).list(t)[0], "self")
	ok(200, "GET", it, nil)
	for _, v := range []string{"default", "extended", "full", "full_inputs_2_0", "tiny", "sensitive"} {
		ok(200, "GET", cloud+"/instances?view="+v, nil)
	}
	ok(200, "GET", lbInst+"?view=full", nil)
	ok(204, "PUT", lbInst, map[string]any{"instance": map[string]any{"name": "haproxy", "instance_type_href": it}})
	ok(200, "GET", lbInst+"/inputs?view=inputs_2_0", nil)
	ok(204, "PUT", lbInst+"/inputs/multi_update", map[string]any{"inputs": map[string]any{"PORT": "text:80"}})
	task := ok(202, "POST", lbInst+"/run_executable", map[string]any{"right_script_href": scr, "inputs": map[string]any{"GREETING": "text:Hi"}}).header.Get("Location")
	ok(200, "GET", task, nil)
	ok(200, "GET", task+"?view=extended", nil)
	// The legacy 1.0 list notation of inputs is part of the spec too.
	ok(202, "POST", lbInst+"/run_executable", map[string]any{"right_script_href": scr,
		"inputs": []map[string]any{{"name": "GREETING", "value": "Hi"}, {"name": "TARGET", "value": ""}}})
	ok(204, "PUT", lbInst+"/inputs/multi_update", map[string]any{"inputs": []map[string]any{{"name": "PORT", "value": "text:8080"}}})
	ok(202, "POST", cloud+"/instances/multi_run_executable", map[string]any{"right_script_href": scr})
	ok(204, "POST", lbInst+"/lock", nil)
	ok(204, "POST", lbInst+"/unlock", nil)
	ok(204, "POST", lbInst+"/reboot", nil)
	ok(204, "POST", lbInst+"/stop", nil)
	ok(204, "POST", lbInst+"/start", nil)
	launched := ok(201, "POST", href(staging, "next_instance")+"/launch", map[string]any{"inputs": map[string]any{"X": "text:y"}}).header.Get("Location")
	ok(204, "POST", launched+"/terminate", nil)

	ok(200, "GET", "/api/servers?view=instance_detail", nil)
	ok(200, "GET", href(web, "self"), nil)
	ok(200, "GET", href(prod, "self")+"/servers", nil)
	ok(200, "GET", href(prod, "self")+"/servers/"+lastSeg(href(web, "self")), nil)
	newSrv := ok(201, "POST", "/api/servers", map[string]any{"server": map[string]any{"name": "api", "deployment_href": href(prod, "self"),
		"instance": map[string]any{"cloud_href": cloud, "server_template_href": href(tpl, "self"), "instance_type_href": it}}}).header.Get("Location")
	ok(201, "POST", href(prod, "self")+"/servers", map[string]any{"server": map[string]any{"name": "api2",
		"instance": map[string]any{"cloud_href": cloud, "server_template_href": href(tpl, "self")}}})
	ok(204, "PUT", newSrv, map[string]any{"server": map[string]any{"description": "API"}})
	clone := ok(201, "POST", newSrv+"/clone", nil).header.Get("Location")
	ok(201, "POST", newSrv+"/launch", nil)
	ok(204, "POST", newSrv+"/reboot", nil)
	ok(204, "POST", newSrv+"/terminate", nil)
	ok(204, "DELETE", newSrv, nil)
	ok(204, "DELETE", clone, nil)

	ok(200, "GET", "/api/server_arrays?view=instance_detail", nil)
	ok(200, "GET", href(arr, "self"), nil)
	ok(200, "GET", href(prod, "self")+"/server_arrays", nil)
	ok(200, "GET", href(prod, "self")+"/server_arrays/"+lastSeg(href(arr, "self")), nil)
	arrayBody := map[string]any{"name": "batch", "array_type": "queue", "state": "disabled",
		"elasticity_params": map[string]any{"bounds": map[string]any{"min_count": "0", "max_count": "3"}},
		"instance":          map[string]any{"cloud_href": cloud, "server_template_href": href(tpl, "self")}}
	newArr := ok(201, "POST", "/api/server_arrays", map[string]any{"server_array": arrayBody}).header.Get("Location")
	ok(201, "POST", href(prod, "self")+"/server_arrays", map[string]any{"server_array": arrayBody})
	ok(204, "PUT", newArr, map[string]any{"server_array": map[string]any{"state": "enabled"}})
	arrClone := ok(201, "POST", newArr+"/clone", nil).header.Get("Location")
	ok(201, "POST", newArr+"/launch", nil)
	ok(200, "GET", newArr+"/current_instances", nil)
	atask := ok(202, "POST", newArr+"/multi_run_executable", map[string]any{"right_script_href": scr}).header.Get("Location")
	ok(200, "GET", atask, nil)
	ok(200, "GET", ok(202, "POST", newArr+"/multi_terminate", nil).header.Get("Location"), nil)
	ok(204, "DELETE", newArr, nil)
	ok(204, "DELETE", arrClone, nil)
	ok(200, "GET", ok(202, "POST", cloud+"/instances/multi_terminate", map[string]any{"terminate_all": "true"}).header.Get("Location"), nil)

	ok(200, "GET", "/api/deployments?view=inputs", nil)
	ok(200, "GET", href(prod, "self")+"?view=inputs_2_0", nil)
	ok(200, "GET", href(prod, "self")+"/inputs", nil)
	ok(204, "PUT", href(prod, "self")+"/inputs/multi_update", map[string]any{"inputs": map[string]any{"APP_ENV": "text:prod"}})
	d := ok(201, "POST", "/api/deployments", map[string]any{"deployment": map[string]any{"name": "qa", "server_tag_scope": "account"}}).header.Get("Location")
	ok(204, "PUT", d, map[string]any{"deployment": map[string]any{"description": "QA"}})
	dclone := ok(201, "POST", d+"/clone", map[string]any{"deployment": map[string]any{"name": "qa2"}}).header.Get("Location")
	ok(204, "POST", d+"/lock", nil)
	ok(204, "POST", d+"/unlock", nil)
	ok(204, "DELETE", d, nil)
	ok(204, "DELETE", dclone, nil)

	ok(200, "GET", href(tpl, "self")+"?view=inputs_2_0", nil)
	ok(200, "GET", href(tpl, "self")+"/inputs", nil)
	ok(204, "PUT", href(tpl, "self")+"/inputs/multi_update", map[string]any{"inputs": map[string]any{"RS_TIMEZONE": "text:CET"}})
	st := ok(201, "POST", "/api/server_templates", map[string]any{"server_template": map[string]any{"name": "New"}}).header.Get("Location")
	ok(204, "PUT", st, map[string]any{"server_template": map[string]any{"description": "new"}})
	stClone := ok(201, "POST", st+"/clone", map[string]any{"server_template": map[string]any{"name": "New copy"}}).header.Get("Location")
	stRev := ok(201, "POST", st+"/commit", map[string]any{"commit_message": "v1", "commit_head_dependencies": "true", "freeze_repositories": "false"}).header.Get("Location")
	ok(204, "DELETE", stClone, nil)
	ok(204, "DELETE", stRev, nil)

	ok(200, "GET", "/api/right_scripts?latest_only=true", nil)
	ok(200, "GET", scr+"?view=inputs_2_0", nil)
	rs := ok(201, "POST", "/api/right_scripts", map[string]any{"right_script": map[string]any{"name": "New", "source": "#!/bin/sh\n"}}).header.Get("Location")
	ok(204, "PUT", rs, map[string]any{"right_script": map[string]any{"description": "new"}})
	r := e.call("PUT", rs+"/source", nil, rawBody("text/plain", "#!/bin/sh\necho hi\n")).must(t, 204)
	_ = r
	if src := ok(200, "GET", rs+"/source", nil).body; src != "#!/bin/sh\necho hi\n" {
		t.Errorf("source %q", src)
	}
	rev := ok(201, "POST", rs+"/commit", map[string]any{"right_script": map[string]any{"commit_message": "first"}}).header.Get("Location")
	ok(204, "DELETE", rev, nil)
	ok(204, "DELETE", rs, nil)

	ok(204, "POST", "/api/tags/multi_add", map[string]any{"resource_hrefs": []string{href(web, "self")}, "tags": []string{"a:b=c"}})
	ok(200, "POST", "/api/tags/by_tag", map[string]any{"resource_type": "servers", "tags": []string{"a:b=c"}})
	ok(200, "POST", "/api/tags/by_resource", map[string]any{"resource_hrefs": []string{href(web, "self")}})
	ok(204, "POST", "/api/tags/multi_delete", map[string]any{"resource_hrefs": []string{href(web, "self")}, "tags": []string{"a:b=c"}})
	ok(204, "POST", "/api/sessions", map[string]any{"email": "a@example.com", "password": e.srv.RefreshToken, "account_href": e.srv.AccountHref()})
	ok(204, "POST", "/api/session", map[string]any{"email": "a@example.com", "password": e.srv.RefreshToken, "account_href": e.srv.AccountHref()})
	ok(200, "GET", "/api/session", nil)

	// The generic operations, walked from the spec: creates first (parents
	// before children), then reads and actions, then destroys.
	params := map[string]string{
		"cloud_id": "1", "instance_id": lastSeg(webInst), "deployment_id": lastSeg(href(prod, "self")),
		"server_array_id": lastSeg(href(arr, "self")), "server_id": lastSeg(href(web, "self")),
		"server_template_id": lastSeg(href(tpl, "self")),
	}
	have := map[string]bool{}
	for _, rt := range e.srv.routes() {
		have[rt.method+" "+BasePath+rt.path] = true
	}
	ops := genericOps(have)
	rank := map[string]int{"create": 0, "index": 1, "show": 1, "update": 1, "custom": 1, "destroy": 2}
	sort.SliceStable(ops, func(i, j int) bool {
		if rank[ops[i].kind] != rank[ops[j].kind] {
			return rank[ops[i].kind] < rank[ops[j].kind]
		}
		di, dj := strings.Count(ops[i].path, "/"), strings.Count(ops[j].path, "/")
		if ops[i].kind == "destroy" { // children before their parents
			return di > dj
		}
		return di < dj
	})
	created := map[string]string{} // collection path template → a created id
	doc := spec(t)
	// Cookbooks cannot be created through the API: seed one.
	e.srv.AddResource("/api/cookbooks/77", map[string]any{"name": "app", "version": "1.0.0"})
	created["/api/cookbooks"] = "77"
	fill := func(path string) (string, bool) {
		tmpl := strings.Split(path, "/")
		segs := slices.Clone(tmpl)
		for i, s := range segs {
			if !strings.HasPrefix(s, "{") {
				continue
			}
			name := strings.Trim(s, "{}")
			v, ok := params[name]
			if name == "id" || !ok {
				v, ok = created[strings.Join(tmpl[:i], "/")]
			}
			if !ok {
				return "", false
			}
			segs[i] = v
		}
		return strings.Join(segs, "/"), true
	}
	for _, g := range ops {
		path, filled := fill(g.path)
		if !filled {
			path = strings.NewReplacer("{id}", "404").Replace(g.path)
			path, _ = fill(path)
			if path == "" {
				t.Errorf("%s %s: cannot fill its parents", g.method, g.path)
				continue
			}
		}
		var body any
		if op := doc.Paths.Find(g.path).GetOperation(g.method); op != nil && op.RequestBody != nil && op.RequestBody.Value != nil {
			if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				body = sample(mt.Schema.Value)
			}
		}
		var query []string
		if op := doc.Paths.Find(g.path).GetOperation(g.method); op != nil {
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.In == "query" && p.Value.Required {
					v := "1"
					if strings.HasSuffix(p.Value.Name, "_date") {
						v = "2024/05/01 00:00:00 +0000"
					} else if p.Value.Name != "limit" {
						v = "x"
					}
					query = append(query, p.Value.Name+"="+url.QueryEscape(v))
				}
			}
		}
		if len(query) > 0 {
			path += "?" + strings.Join(query, "&")
		}
		r := e.call(g.method, path, body)
		switch {
		case r.status >= 500 || r.status == http.StatusNotFound || r.status == http.StatusMethodNotAllowed:
			t.Errorf("%s %s: %d %s", g.method, path, r.status, r.body)
		case !filled && r.status != http.StatusUnprocessableEntity:
			t.Errorf("%s %s on a missing resource: %d, want 422", g.method, path, r.status)
		case filled && r.status >= 300:
			t.Errorf("%s %s: %d %s", g.method, path, r.status, r.body)
		}
		if g.kind == "create" && r.status == http.StatusCreated {
			created[g.path] = lastSeg(r.header.Get("Location"))
		}
	}

	e.routes.requireAllOperations(t)
}
