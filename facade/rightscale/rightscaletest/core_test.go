package rightscaletest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func demo(t *testing.T, opts ...Option) *env {
	return newEnv(t, append([]Option{WithDemoData()}, opts...)...)
}

func q(filters ...string) string {
	v := url.Values{}
	for _, f := range filters {
		v.Add("filter[]", f)
	}
	return "?" + v.Encode()
}

func TestTokenExchange(t *testing.T) {
	clock := newClock()
	e := newEnv(t, WithClock(clock.now), WithTokenLifetime(time.Hour))
	if n := e.srv.Exchanges(); n != 1 {
		t.Fatalf("Exchanges = %d after one exchange", n)
	}
	e.call("GET", "/api/clouds", nil).must(t, 200)

	// A form body works too, and the answer is OAuth2 JSON.
	r := e.call("POST", "/api/oauth2", nil, noAuth(), rawBody("application/x-www-form-urlencoded",
		"grant_type=refresh_token&refresh_token="+url.QueryEscape(e.srv.RefreshToken))).must(t, 200)
	if r.obj(t)["expires_in"] != float64(3600) || r.obj(t)["token_type"] != "bearer" {
		t.Errorf("token answer %s", r.body)
	}
	// The header is required on the exchange too.
	e.call("POST", "/api/oauth2", map[string]any{"grant_type": "refresh_token", "refresh_token": e.srv.RefreshToken}, noAuth(), version("")).must(t, 400)
	// A wrong refresh token is refused, and not counted.
	r = e.call("POST", "/api/oauth2", map[string]any{"grant_type": "refresh_token", "refresh_token": "nope"}, noAuth()).must(t, 400)
	if !strings.Contains(r.body, "invalid_grant") {
		t.Errorf("refused exchange body %q", r.body)
	}
	if n := e.srv.Exchanges(); n != 2 {
		t.Errorf("Exchanges = %d, want 2", n)
	}

	// Expiry by the clock: 401 once the hour has passed, with a text body.
	clock.add(59 * time.Minute)
	e.call("GET", "/api/clouds", nil).must(t, 200)
	clock.add(time.Minute)
	r = e.call("GET", "/api/clouds", nil).must(t, 401)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("401 Content-Type %q", r.header.Get("Content-Type"))
	}
	// No token, a made-up token, a wrong version.
	e.call("GET", "/api/clouds", nil, noAuth()).must(t, 401)
	e.call("GET", "/api/clouds", nil, withToken("made-up")).must(t, 401)
	tok := e.srv.AccessToken()
	e.call("GET", "/api/clouds", nil, withToken(tok), version("1.0")).must(t, 422)
	e.call("GET", "/api/clouds", nil, withToken(tok)).must(t, 200)
	e.srv.ExpireTokens()
	e.call("GET", "/api/clouds", nil, withToken(tok)).must(t, 401)
}

func TestConcurrentExchangesCounted(t *testing.T) {
	srv := NewServer()
	t.Cleanup(srv.Close)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", srv.TokenURL(), strings.NewReader("grant_type=refresh_token&refresh_token="+srv.RefreshToken))
			req.Header.Set("X-API-Version", "1.5")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if n := srv.Exchanges(); n != 20 {
		t.Errorf("Exchanges = %d, want 20", n)
	}
}

func TestSessionCookie(t *testing.T) {
	clock := newClock()
	e := newEnv(t, WithClock(clock.now))
	r := e.call("POST", "/api/sessions", map[string]any{"email": "me@example.com", "password": e.srv.RefreshToken,
		"account_href": e.srv.AccountHref()}, noAuth()).must(t, 204)
	var ck *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "_session_id" {
			ck = c
		}
	}
	if ck == nil {
		t.Fatalf("no _session_id cookie: %v", r.header)
	}
	e.call("GET", "/api/sessions", nil, cookie(ck)).must(t, 200)
	clock.add(SessionLifetime)
	r = e.call("GET", "/api/sessions", nil, cookie(ck)).must(t, 403)
	if !strings.Contains(r.body, "Session cookie is expired or invalid") {
		t.Errorf("403 body %q", r.body)
	}
	e.call("POST", "/api/sessions", map[string]any{"email": "me@example.com", "password": "wrong",
		"account_href": e.srv.AccountHref()}, noAuth()).must(t, 401)
}

func TestFiltersPartialAndExact(t *testing.T) {
	e := demo(t)
	// name is partial: case-insensitive substring.
	got := names(e.call("GET", "/api/servers"+q("name==WEB"), nil).must(t, 200).list(t))
	if !slices.Equal(got, []string{"web", "web-staging"}) {
		t.Errorf("name==WEB gave %v", got)
	}
	got = names(e.call("GET", "/api/servers"+q("name<>web"), nil).must(t, 200).list(t))
	if !slices.Equal(got, []string{"haproxy"}) {
		t.Errorf("name<>web gave %v", got)
	}
	// deployment_href is exact; filters AND.
	prod := href(find(t, e.call("GET", "/api/deployments", nil).list(t), "production"), "self")
	got = names(e.call("GET", "/api/servers"+q("deployment_href=="+prod, "name==web"), nil).must(t, 200).list(t))
	if !slices.Equal(got, []string{"web"}) {
		t.Errorf("deployment+name gave %v", got)
	}
	got = names(e.call("GET", "/api/servers"+q("deployment_href=="+prod[:len(prod)-1]), nil).must(t, 200).list(t))
	if len(got) != 0 {
		t.Errorf("a partial href matched %v", got)
	}
	// Instances: state is exact, private_ip_address partial.
	ops := e.call("GET", "/api/clouds/1/instances"+q("state==operational"), nil).must(t, 200).list(t)
	if len(ops) != 4 { // haproxy, web and two array instances
		t.Errorf("operational instances: %v", names(ops))
	}
	if n := len(e.call("GET", "/api/clouds/1/instances"+q("state==Operational"), nil).list(t)); n != 0 {
		t.Errorf("state matched case-blind: %d", n)
	}
	if n := len(e.call("GET", "/api/clouds/1/instances"+q("private_ip_address==10.0."), nil).list(t)); n != 4 {
		t.Errorf("private_ip_address==10.0. matched %d", n)
	}
	// Nothing matches: 200 [].
	r := e.call("GET", "/api/deployments"+q("name==does not exist"), nil).must(t, 200)
	if r.body != "[]" {
		t.Errorf("empty match body %q", r.body)
	}
	// Unknown field or operator: 400.
	e.call("GET", "/api/servers?filter[]=colour==red", nil).must(t, 400)
	e.call("GET", "/api/servers?filter[]=name~web", nil).must(t, 400)
	// The content type of a collection.
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.rightscale.deployment+json;type=collection;charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestViews(t *testing.T) {
	e := demo(t)
	c := e.call("GET", "/api/clouds/1", nil).must(t, 200).obj(t)
	if _, ok := c["capabilities"]; ok {
		t.Error("default cloud view has capabilities")
	}
	c = e.call("GET", "/api/clouds/1?view=extended", nil).must(t, 200).obj(t)
	if _, ok := c["capabilities"]; !ok {
		t.Error("extended cloud view lacks capabilities")
	}
	tiny := e.call("GET", "/api/clouds/1/instances?view=tiny", nil).must(t, 200).list(t)
	for _, i := range tiny {
		if len(i) != 1 || href(i, "self") == "" {
			t.Errorf("tiny instance %v", i)
		}
	}
	full := e.call("GET", "/api/clouds/1/instances?view=full_inputs_2_0", nil).must(t, 200).list(t)
	if _, ok := full[0]["inputs"]; !ok {
		t.Errorf("full_inputs_2_0 lacks inputs: %v", full[0])
	}
	srv := find(t, e.call("GET", "/api/servers?view=instance_detail", nil).must(t, 200).list(t), "haproxy")
	cur, _ := srv["current_instance"].(map[string]any)
	if cur["state"] != "operational" {
		t.Errorf("instance_detail current_instance %v", srv["current_instance"])
	}
	d := find(t, e.call("GET", "/api/deployments?view=inputs_2_0", nil).must(t, 200).list(t), "production")
	if ins, _ := d["inputs"].([]any); len(ins) != 2 {
		t.Errorf("deployment inputs %v", d["inputs"])
	}
	// An unknown view is a 400.
	e.call("GET", "/api/clouds?view=huge", nil).must(t, 400)
}

// runOn runs a script on the demo server and returns the task's href.
func runOn(t *testing.T, e *env, server, script string, inputs map[string]any) string {
	t.Helper()
	s := find(t, e.call("GET", "/api/servers"+q("name=="+server), nil).must(t, 200).list(t), server)
	scr := find(t, e.call("GET", "/api/right_scripts"+q("name=="+script), nil).must(t, 200).list(t), script)
	body := map[string]any{"right_script_href": href(scr, "self")}
	if inputs != nil {
		body["inputs"] = inputs
	}
	r := e.call("POST", href(s, "current_instance")+"/run_executable", body).must(t, 202)
	if r.body != " " || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("202 body %q type %q", r.body, r.header.Get("Content-Type"))
	}
	loc := r.header.Get("Location")
	if !strings.Contains(loc, "/live/tasks/ae-") {
		t.Fatalf("Location %q", loc)
	}
	return loc
}

func TestTaskLifecycle(t *testing.T) {
	e := demo(t)
	task := runOn(t, e, "haproxy", DemoScript, map[string]any{"GREETING": "text:Hi"})
	var seen []string
	for range DefaultTaskPolls + 2 {
		seen = append(seen, e.call("GET", task, nil).must(t, 200).obj(t)["summary"].(string))
	}
	want := []string{"Querying tags", "Preparing execution", "RightScript: 'Hello World'", "completed: Hello World", "completed: Hello World"}
	if !slices.Equal(seen, want) {
		t.Errorf("summaries %q, want %q", seen, want)
	}
	ext := e.call("GET", task+"?view=extended", nil).must(t, 200).obj(t)
	if d, _ := ext["detail"].(string); !strings.Contains(d, "completed on haproxy") {
		t.Errorf("detail %v", ext["detail"])
	}
	if _, ok := e.call("GET", task, nil).obj(t)["detail"]; ok {
		t.Error("default view shows detail")
	}
	// A task is found under its own instance only.
	other := href(find(t, e.call("GET", "/api/servers", nil).list(t), "web"), "current_instance")
	e.call("GET", other+"/live/tasks/"+task[strings.LastIndexByte(task, '/')+1:], nil).must(t, 422)
}

func TestTaskFailure(t *testing.T) {
	e := demo(t, WithTaskPolls(1))
	task := runOn(t, e, "web", DemoFailingScript, nil)
	e.call("GET", task, nil).must(t, 200)
	r := e.call("GET", task+"?view=extended", nil).must(t, 200).obj(t)
	if r["summary"] != "failed: "+DemoFailingScript || !strings.Contains(r["detail"].(string), "97% full") {
		t.Errorf("failed task %v", r)
	}
	// FailScript on a running server, and back.
	e.srv.FailScript(DemoScript, "boom")
	task = runOn(t, e, "web", DemoScript, nil)
	e.call("GET", task, nil)
	if s := e.call("GET", task, nil).obj(t)["summary"]; s != "failed: "+DemoScript {
		t.Errorf("summary %v", s)
	}
	e.srv.FailScript(DemoScript, "")
	task = runOn(t, e, "web", DemoScript, nil)
	e.call("GET", task, nil)
	if s := e.call("GET", task, nil).obj(t)["summary"]; s != "completed: "+DemoScript {
		t.Errorf("summary %v", s)
	}
}

func TestTaskStepTime(t *testing.T) {
	clock := newClock()
	e := demo(t, WithClock(clock.now), WithTaskStepTime(10*time.Second))
	task := runOn(t, e, "web", DemoScript, nil)
	for i, want := range []string{"Querying tags", "Querying tags", "Preparing execution"} {
		if s := e.call("GET", task, nil).obj(t)["summary"]; s != want {
			t.Errorf("read %d: %v, want %s", i, s, want)
		}
		clock.add(5 * time.Second)
	}
	clock.add(time.Minute)
	if s := e.call("GET", task, nil).obj(t)["summary"]; s != "completed: "+DemoScript {
		t.Errorf("after a minute: %v", s)
	}
}

func TestRunExecutableErrors(t *testing.T) {
	e := demo(t)
	web := find(t, e.call("GET", "/api/servers", nil).list(t), "web")
	inst := href(web, "current_instance")
	r := e.call("POST", inst+"/run_executable", map[string]any{"right_script_href": "/api/right_scripts/999999"}).must(t, 422)
	if r.body != "ResourceNotFound: Couldn't find RightScript with ID=999999 " {
		t.Errorf("422 body %q", r.body)
	}
	scr := href(find(t, e.call("GET", "/api/right_scripts", nil).list(t), DemoScript), "self")
	// 2.0 inputs need a type prefix.
	r = e.call("POST", inst+"/run_executable", map[string]any{"right_script_href": scr, "inputs": map[string]any{"GREETING": "Hi"}}).must(t, 422)
	if !strings.Contains(r.body, "GREETING") {
		t.Errorf("422 body %q", r.body)
	}
	e.call("POST", inst+"/run_executable", map[string]any{}).must(t, 400)
	// Not on a stopped instance; not on a locked one without ignore_lock.
	staging := find(t, e.call("GET", "/api/servers", nil).list(t), "web-staging")
	e.call("POST", href(staging, "next_instance")+"/run_executable", map[string]any{"right_script_href": scr}).must(t, 422)
	e.call("POST", inst+"/lock", nil).must(t, 204)
	e.call("POST", inst+"/run_executable", map[string]any{"right_script_href": scr}).must(t, 422)
	e.call("POST", inst+"/run_executable", map[string]any{"right_script_href": scr, "ignore_lock": "true"}).must(t, 202)
	e.call("POST", inst+"/terminate", nil).must(t, 422)
	// The 1.0 form notation works as well (forms are outside the spec).
	e.call("POST", inst+"/run_executable", nil, unchecked(), rawBody("application/x-www-form-urlencoded",
		"right_script_href="+url.QueryEscape(scr)+"&ignore_lock=true&inputs[][name]=GREETING&inputs[][value]=Hi")).must(t, 202)
}

func TestArrayMultiRun(t *testing.T) {
	e := demo(t, WithTaskPolls(2))
	arr := find(t, e.call("GET", "/api/server_arrays", nil).list(t), "web-array")
	cur := e.call("GET", href(arr, "current_instances"), nil).must(t, 200).list(t)
	if len(cur) != 2 {
		t.Fatalf("current_instances %v", names(cur))
	}
	scr := href(find(t, e.call("GET", "/api/right_scripts", nil).list(t), DemoScript), "self")
	r := e.call("POST", href(arr, "self")+"/multi_run_executable", map[string]any{"right_script_href": scr}).must(t, 202)
	task := r.header.Get("Location")
	if !strings.HasPrefix(task, href(arr, "self")+"/live/tasks/") {
		t.Fatalf("Location %q", task)
	}
	var seen []string
	for range 3 {
		seen = append(seen, e.call("GET", task, nil).must(t, 200).obj(t)["summary"].(string))
	}
	if !strings.HasPrefix(seen[0], "0%") || !strings.HasSuffix(seen[1], "RightScript: 'Hello World'") || seen[2] != "completed: Hello World" {
		t.Errorf("array summaries %q", seen)
	}
	// Launch one more, terminate them all.
	e.call("POST", href(arr, "self")+"/launch", nil).must(t, 201)
	if n := len(e.call("GET", href(arr, "current_instances"), nil).list(t)); n != 3 {
		t.Errorf("after launch: %d instances", n)
	}
	term := e.call("POST", href(arr, "self")+"/multi_terminate", nil).must(t, 202).header.Get("Location")
	if n := len(e.call("GET", href(arr, "current_instances"), nil).list(t)); n != 0 {
		t.Errorf("after multi_terminate: %d instances", n)
	}
	// The metadata says multi_terminate's Location names a task.
	if !strings.HasPrefix(term, href(arr, "self")+"/live/tasks/") {
		t.Fatalf("multi_terminate Location %q, want a task of the array", term)
	}
	for range 5 {
		e.call("GET", term, nil).must(t, 200)
	}
	if got := e.call("GET", term, nil).must(t, 200).obj(t)["summary"]; got != "completed: terminate 3 instance(s)" {
		t.Errorf("terminate task summary %q", got)
	}
	e.call("POST", href(arr, "self")+"/multi_run_executable", map[string]any{"right_script_href": scr}).must(t, 422)
}

func TestServerLifecycleWithBootTime(t *testing.T) {
	clock := newClock()
	e := demo(t, WithClock(clock.now), WithBootTime(time.Minute))
	s := find(t, e.call("GET", "/api/servers", nil).list(t), "web-staging")
	if s["state"] != "inactive" || href(s, "current_instance") != "" {
		t.Fatalf("stopped server %v", s)
	}
	r := e.call("POST", href(s, "self")+"/launch", nil).must(t, 201)
	inst := r.header.Get("Location")
	for _, want := range []string{"pending", "booting", "operational"} {
		if got := e.call("GET", inst, nil).obj(t)["state"]; got != want {
			t.Errorf("state %v, want %s", got, want)
		}
		clock.add(30 * time.Second)
	}
	s = e.call("GET", href(s, "self"), nil).obj(t)
	if href(s, "current_instance") != inst || s["state"] != "operational" {
		t.Errorf("launched server %v", s)
	}
	e.call("POST", href(s, "self")+"/terminate", nil).must(t, 204)
	if got := e.call("GET", inst, nil).obj(t)["state"]; got != "shutting-down" {
		t.Errorf("state %v", got)
	}
	clock.add(time.Minute)
	i := e.call("GET", inst, nil).obj(t)
	if i["state"] != "terminated" || i["terminated_at"] == nil {
		t.Errorf("terminated instance %v", i)
	}
	if s = e.call("GET", href(s, "self"), nil).obj(t); s["state"] != "inactive" {
		t.Errorf("server after termination %v", s["state"])
	}
}

func TestDeployments422(t *testing.T) {
	e := demo(t)
	r := e.call("POST", "/api/deployments", map[string]any{"deployment": map[string]any{"name": "production"}}).must(t, 422)
	if r.body != `[["name","A deployment with this name already exists. Please enter a different name."]]` {
		t.Errorf("duplicate body %q", r.body)
	}
	r = e.call("POST", "/api/deployments", map[string]any{"deployment": map[string]any{"name": "qa", "description": "QA"}}).must(t, 201)
	loc := r.header.Get("Location")
	d := e.call("GET", loc, nil).must(t, 200).obj(t)
	if d["name"] != "qa" || href(d, "self") != loc {
		t.Errorf("created %v", d)
	}
	e.call("POST", loc+"/lock", nil).must(t, 204)
	e.call("DELETE", loc, nil).must(t, 422)
	e.call("POST", loc+"/unlock", nil).must(t, 204)
	e.call("DELETE", loc, nil).must(t, 204)
	r = e.call("GET", loc, nil).must(t, 422)
	if !strings.HasPrefix(r.body, "ResourceNotFound: Couldn't find Deployment with ID=") {
		t.Errorf("gone body %q", r.body)
	}
	prod := href(find(t, e.call("GET", "/api/deployments", nil).list(t), "production"), "self")
	e.call("DELETE", prod, nil).must(t, 422) // it has servers
	e.call("GET", "/api/clouds/0", nil).must(t, 422)
}

func TestTags(t *testing.T) {
	e := demo(t)
	servers := e.call("GET", "/api/servers", nil).list(t)
	lb, web := href(find(t, servers, "haproxy"), "self"), href(find(t, servers, "web"), "self")
	r := e.call("POST", "/api/tags/by_tag", map[string]any{"resource_type": "servers", "tags": []string{"rs_monitoring:state=*"}}).must(t, 200).list(t)
	if len(r) != 2 || len(r[0]["tags"].([]any)) != 0 {
		t.Errorf("by_tag wildcard %v", r)
	}
	r = e.call("POST", "/api/tags/by_tag", map[string]any{"resource_type": "servers", "tags": []string{"role:lb=true", "rs_monitoring:state=active"},
		"match_all": "true", "include_tags_with_prefix": "role:"}).must(t, 200).list(t)
	if len(r) != 1 || href(r[0], "resource") != lb || len(r[0]["tags"].([]any)) != 1 {
		t.Errorf("by_tag match_all %v", r)
	}
	e.call("POST", "/api/tags/multi_add", map[string]any{"resource_hrefs": []string{lb, web}, "tags": []string{"team:owner=ops"}}).must(t, 204)
	e.call("POST", "/api/tags/multi_delete", map[string]any{"resource_hrefs": []string{web}, "tags": []string{"role:app=true"}}).must(t, 204)
	r = e.call("POST", "/api/tags/by_resource", map[string]any{"resource_hrefs": []string{web}}).must(t, 200).list(t)
	var tags []string
	for _, x := range r[0]["tags"].([]any) {
		tags = append(tags, x.(map[string]any)["name"].(string))
	}
	if !slices.Equal(tags, []string{"rs_monitoring:state=active", "team:owner=ops"}) {
		t.Errorf("tags of web %v", tags)
	}
	e.call("POST", "/api/tags/multi_add", map[string]any{"resource_hrefs": []string{"/api/servers/1"}, "tags": []string{"x"}}).must(t, 422)
}

func TestSessionsAndAccounts(t *testing.T) {
	e := demo(t)
	s := e.call("GET", "/api/sessions", nil).must(t, 200).obj(t)
	if href(s, "clouds") != "/api/clouds" {
		t.Errorf("session links %v", s["links"])
	}
	accts := e.call("GET", "/api/sessions/accounts", nil).must(t, 200).list(t)
	if len(accts) != 1 || href(accts[0], "self") != e.srv.AccountHref() {
		t.Errorf("accounts %v", accts)
	}
	e.call("GET", e.srv.AccountHref(), nil).must(t, 200)
	e.call("GET", "/api/accounts/1", nil).must(t, 422)
	e.call("GET", "/api/health-check", nil, noAuth()).must(t, 200)
}

func TestFaults(t *testing.T) {
	e := demo(t)
	e.srv.FailNext(1, 503, "GET /api/clouds")
	e.call("GET", "/api/servers", nil).must(t, 200)
	e.call("GET", "/api/clouds", nil).must(t, 503)
	e.call("GET", "/api/clouds", nil).must(t, 200)
}
