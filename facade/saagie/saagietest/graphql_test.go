package saagietest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

func TestValidationErrors(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	for name, c := range map[string]struct {
		query, class, contains string
		vars                   map[string]any
	}{
		"unknown field":       {query: `{ projects { id colour } }`, class: "ValidationError", contains: "colour"},
		"unknown root":        {query: `{ repositories { id } }`, class: "ValidationError", contains: "repositories"},
		"missing argument":    {query: `{ project { id } }`, class: "ValidationError", contains: "id"},
		"wrong argument type": {query: `{ project(id: 12) { id } }`, class: "ValidationError"},
		"no selection":        {query: `{ project(id: "x") }`, class: "ValidationError"},
		"syntax":              {query: `{ projects { id `, class: "InvalidSyntax"},
		"undefined variable":  {query: `query { project(id: $id) { id } }`, class: "ValidationError"},
		"missing variable":    {query: `query P($id: UUID!) { project(id: $id) { id } }`, class: "ValidationError", contains: "id"},
		"bad enum variable": {query: `mutation S($v: EnvironmentVariableInput!) { saveEnvironmentVariable(environmentVariable: $v) { id } }`,
			class: "ValidationError", vars: map[string]any{"v": map[string]any{"name": "A", "scope": "NOWHERE", "isPassword": false}}},
		"unknown input field": {query: `mutation S($v: EnvironmentVariableInput!) { saveEnvironmentVariable(environmentVariable: $v) { id } }`,
			class: "ValidationError", vars: map[string]any{"v": map[string]any{"name": "A", "scope": "GLOBAL", "isPassword": false, "colour": "red"}}},
		"two operations, no name": {query: `query A { projects { id } } query B { projects { name } }`, class: "ValidationError"},
	} {
		t.Run(name, func(t *testing.T) {
			r := g.do(c.query, c.vars)
			if len(r.Errors) == 0 {
				t.Fatalf("no error for %s", c.query)
			}
			if _, has := r.raw["data"]; has {
				t.Errorf("a request refused before execution has a data key: %s", r.raw["data"])
			}
			e := r.Errors[0]
			if e.Extensions["classification"] != c.class {
				t.Errorf("classification = %v, want %s (%s)", e.Extensions["classification"], c.class, e.Message)
			}
			if c.contains != "" && !strings.Contains(e.Message, c.contains) {
				t.Errorf("message %q does not name %q", e.Message, c.contains)
			}
		})
	}
	// The gateway has its own schema: project is unknown there.
	r := g.doAt(srv.GatewayURL(), `{ project(id: "x") { id } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["classification"] != "ValidationError" {
		t.Errorf("gateway accepted a Projects field: %+v", r)
	}
	// A body that is no GraphQL request is a 400.
	status, _ := g.post(srv.ProjectsURL(), strings.NewReader(`{"variables":{}}`), "application/json")
	if status != http.StatusBadRequest {
		t.Errorf("request without query: %d, want 400", status)
	}
}

// Only the selected fields come back, under their aliases, in selection
// order; fragments, inline fragments on interfaces, variables and
// @skip/@include are honoured.
func TestSelectionExecution(t *testing.T) {
	srv := saagietest.NewServer(saagietest.WithDemoData())
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	body := func(query string, vars map[string]any) string {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		status, out := g.post(srv.ProjectsURL(), strings.NewReader(string(b)), "application/json")
		if status != 200 {
			t.Fatalf("%d %s", status, out)
		}
		return string(out)
	}
	got := body(`query Q($skipDesc: Boolean!) {
		first: projects { label: name ...Desc @skip(if: $skipDesc) __typename }
		platform { id }
	}
	fragment Desc on Project { description }`, map[string]any{"skipDesc": true})
	want := `{"data":{"first":[{"label":"Demo","__typename":"Project"}],"platform":{"id":1}}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	data := g.must(`query Q($inc: Boolean!) { projects { id name @include(if: $inc) jobs { name } } }`, map[string]any{"inc": false})
	p := dig(data, "projects", 0).(map[string]any)
	if _, has := p["name"]; has {
		t.Errorf("@include(if: false) field returned: %v", p)
	}
	if len(dig(p, "jobs").([]any)) != 2 {
		t.Errorf("jobs: %v", p["jobs"])
	}

	// Interfaces and unions on the gateway.
	data = g.mustAt(srv.GatewayURL(), `{ repositories { name source { ... on UrlSource { url } ... on FileSource { name } }
		technologies { __typename label ... on JobTechnology { contexts { id } } ... on AppTechnology { appContexts { id } } } } }`)
	techs := dig(data, "repositories", 0, "technologies").([]any)
	seen := map[string]bool{}
	for _, tt := range techs {
		m := tt.(map[string]any)
		seen[m["__typename"].(string)] = true
		if m["__typename"] == "JobTechnology" && m["contexts"] == nil {
			t.Errorf("job technology without contexts: %v", m)
		}
		if m["__typename"] == "SparkTechnology" {
			if _, has := m["contexts"]; has {
				t.Errorf("fragment on JobTechnology applied to a SparkTechnology: %v", m)
			}
		}
	}
	if !seen["JobTechnology"] || !seen["SparkTechnology"] || !seen["AppTechnology"] {
		t.Errorf("technology types: %v", seen)
	}
	if !strings.HasPrefix(str(data, "repositories", 0, "source", "url"), "https://") {
		t.Errorf("union source: %v", dig(data, "repositories", 0, "source"))
	}
}

func (g *gql) mustAt(url, query string) map[string]any {
	g.t.Helper()
	r := g.doAt(url, query, nil)
	if len(r.Errors) > 0 {
		g.t.Fatalf("GraphQL errors: %s", r.errorsText())
	}
	return r.Data
}

// A failing field is null with an error naming its path, the rest of the
// data is kept; a null in a non-null position nulls the parent.
func TestPartialErrors(t *testing.T) {
	srv := saagietest.NewServer(saagietest.WithDemoData())
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	missing := "00000000-0000-4000-8000-000000000000"
	r := g.do(`query Q($id: UUID!) { projects { name } lost: project(id: $id) { name } }`, map[string]any{"id": missing})
	if str(r.Data, "projects", 0, "name") != "Demo" {
		t.Errorf("partial data lost: %v", r.Data)
	}
	if v, has := r.Data["lost"]; !has || v != nil {
		t.Errorf("lost = %v (present %v), want null", v, has)
	}
	if len(r.Errors) != 1 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	e := r.Errors[0]
	if e.Message != "Project not valid" || e.Extensions["project"] != "NOT_EXISTS" || e.Extensions["classification"] != "ValidationError" {
		t.Errorf("error = %+v", e)
	}
	if len(e.Path) != 1 || e.Path[0] != "lost" || len(e.Locations) != 1 {
		t.Errorf("path/locations = %v %v", e.Path, e.Locations)
	}

	// graphPipelineByAlias is non-null at the root: data becomes null.
	pid := str(r.Data, "projects", 0, "id")
	_ = pid
	data := g.must(`{ projects { id } }`, nil)
	r = g.do(`query Q($p: UUID!) { graphPipelineByAlias(projectId: $p, alias: "nope") { id } }`, map[string]any{"p": str(data, "projects", 0, "id")})
	if _, has := r.raw["data"]; !has || string(r.raw["data"]) != "null" {
		t.Errorf("data = %s, want null", r.raw["data"])
	}
	if len(r.Errors) != 1 || r.Errors[0].Extensions["pipeline"] != "NOT_EXISTS" {
		t.Errorf("errors = %+v", r.Errors)
	}

	// A mutation that fails validation: data.createProject null, since
	// the field is non-null the whole data is null, as Saagie answers.
	r = g.do(`mutation { createProject(project: {name: "Demo"}) { id } }`, nil)
	if string(r.raw["data"]) != "null" || len(r.Errors) != 1 || r.Errors[0].Extensions["name"] != "already used" {
		t.Errorf("duplicate project: data %s errors %+v", r.raw["data"], r.Errors)
	}
}

func TestIntrospection(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	data := g.must(introspectionQuery, nil)
	if str(data, "__schema", "queryType", "name") != "Query" || str(data, "__schema", "mutationType", "name") != "Mutation" {
		t.Fatalf("schema roots: %v", dig(data, "__schema", "queryType"))
	}
	var job map[string]any
	for _, tt := range dig(data, "__schema", "types").([]any) {
		if dig(tt, "name") == "Job" {
			job = tt.(map[string]any)
		}
	}
	if job == nil || job["kind"] != "OBJECT" || len(job["fields"].([]any)) < 10 {
		t.Fatalf("Job type: %v", job)
	}
	data = g.must(`{ __type(name: "JobInstance") { fields(includeDeprecated: true) { name isDeprecated type { kind ofType { name } } } } }`, nil)
	found := false
	for _, f := range dig(data, "__type", "fields").([]any) {
		if dig(f, "name") == "status" {
			found = dig(f, "isDeprecated") == true && str(f, "type", "kind") == "NON_NULL" && str(f, "type", "ofType", "name") == "InstanceStatus"
		}
	}
	if !found {
		t.Errorf("JobInstance.status not introspected as a deprecated InstanceStatus!: %v", data)
	}
	off := saagietest.NewServer(saagietest.WithoutIntrospection())
	t.Cleanup(off.Close)
	if r := newGQL(t, off).do(`{ __schema { queryType { name } } }`, nil); len(r.Errors) == 0 {
		t.Error("introspection answered although disabled")
	}
}

// The standard introspection query a client such as gql (saagieapi) sends.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

const projectTechsQuery = `{ repositories { name technologies { id label __typename } } }`

// createProject makes a project allowing every job and app technology of
// the Saagie catalog, as saagieapi's projects.create does by default.
func createProject(t *testing.T, g *gql, name string) string {
	t.Helper()
	data := g.mustAt(g.srv.GatewayURL(), projectTechsQuery)
	var jobs, apps []any
	for _, tt := range dig(data, "repositories", 0, "technologies").([]any) {
		ref := map[string]any{"id": str(tt, "id")}
		if str(tt, "__typename") == "AppTechnology" {
			apps = append(apps, ref)
		} else {
			jobs = append(jobs, ref)
		}
	}
	out := g.must(`mutation C($p: ProjectInput!) { createProject(project: $p) { id name creator status } }`, map[string]any{"p": map[string]any{
		"name": name, "description": "test",
		"technologiesByCategory": []any{
			map[string]any{"jobCategory": "Extraction", "technologies": jobs},
			map[string]any{"jobCategory": "Processing", "technologies": jobs},
		},
		"appTechnologies":  apps,
		"authorizedGroups": []any{map[string]any{"name": "readers", "role": "ROLE_PROJECT_VIEWER"}},
	}})
	if str(out, "createProject", "creator") != g.srv.User {
		t.Errorf("creator = %v", dig(out, "createProject"))
	}
	return str(out, "createProject", "id")
}

func techID(t *testing.T, g *gql, label string) string {
	t.Helper()
	data := g.mustAt(g.srv.GatewayURL(), projectTechsQuery)
	for _, tt := range dig(data, "repositories", 0, "technologies").([]any) {
		if str(tt, "label") == label {
			return str(tt, "id")
		}
	}
	t.Fatalf("no technology %q", label)
	return ""
}

const createJobDoc = `mutation CreateJob($job: JobInput!, $jobVersion: JobVersionInput!, $file: Upload) {
  createJob(job: $job, jobVersion: $jobVersion, file: $file) { id alias versions { number packageInfo { name downloadUrl } } }
}`

// A job's life: upload an artifact, run it, watch the statuses move with
// the clock, download the artifact, upgrade, roll back, stop a run.
func TestJobLifecycle(t *testing.T) {
	clock := newClock()
	srv := saagietest.NewServer(saagietest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	project := createProject(t, g, "Lifecycle")

	// The project initialises, then is READY.
	status := func() string {
		return str(g.must(`query P($id: UUID!) { project(id: $id) { status } }`, map[string]any{"id": project}), "project", "status")
	}
	if s := status(); s != "INIT_REQUESTED" {
		t.Errorf("new project status %s", s)
	}
	clock.Advance(saagietest.DefaultTimeline.ProjectInit)
	if s := status(); s != "READY" {
		t.Errorf("project status after init %s", s)
	}

	vars := map[string]any{
		"job": map[string]any{"projectId": project, "name": "etl", "category": "Processing",
			"technology": map[string]any{"id": techID(t, g, "Python")}, "isScheduled": false, "isStreaming": false},
		"jobVersion": map[string]any{"runtimeVersion": "3.10", "commandLine": "python {file}", "releaseNote": "v1"},
	}
	// saagieapi 2.13.1 sends the absolute local path as the file name.
	r := g.upload(srv.ProjectsURL(), createJobDoc, vars, "file", "/home/me/work/etl.py", []byte("print(1)\n"))
	if len(r.Errors) > 0 {
		t.Fatalf("createJob: %s", r.errorsText())
	}
	jobID := str(r.Data, "createJob", "id")
	if n := str(r.Data, "createJob", "versions", 0, "packageInfo", "name"); n != "etl.py" {
		t.Errorf("artifact name %q, want the base name", n)
	}
	if a := str(r.Data, "createJob", "alias"); a != "etl" {
		t.Errorf("default alias %q", a)
	}

	// The download URL serves the bytes.
	dl := str(r.Data, "createJob", "versions", 0, "packageInfo", "downloadUrl")
	req, _ := http.NewRequest(http.MethodGet, srv.URL+dl, nil)
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "print(1)\n" {
		t.Errorf("download: %d %q", resp.StatusCode, b)
	}

	// A wrong runtime is refused by the server.
	vars["job"].(map[string]any)["name"] = "other"
	vars["jobVersion"].(map[string]any)["runtimeVersion"] = "2.7"
	if r := g.do(createJobDoc, vars); len(r.Errors) == 0 || r.Errors[0].Extensions["runtimeVersion"] != "NOT_EXISTS" {
		t.Errorf("runtime 2.7 accepted: %+v", r.Errors)
	}

	run := g.must(`mutation R($id: UUID!) { runJob(jobId: $id) { id status } }`, map[string]any{"id": jobID})
	inst := str(run, "runJob", "id")
	if s := str(run, "runJob", "status"); s != "REQUESTED" {
		t.Errorf("runJob status %s", s)
	}
	instStatus := func() (string, map[string]any) {
		d := g.must(`query I($id: UUID!) { jobInstance(id: $id) { status number endTime history { currentStatus { status recordAt } statuses { status } } version { number } } }`, map[string]any{"id": inst})
		return str(d, "jobInstance", "status"), d
	}
	tl := saagietest.DefaultTimeline
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{{0, "REQUESTED"}, {tl.Requested, "QUEUED"}, {tl.Queued, "RUNNING"}, {tl.Running, "SUCCEEDED"}} {
		clock.Advance(step.advance)
		if s, d := instStatus(); s != step.want || str(d, "jobInstance", "history", "currentStatus", "status") != step.want {
			t.Errorf("after %v: %s, want %s", step.advance, s, step.want)
		}
	}
	_, d := instStatus()
	if len(dig(d, "jobInstance", "history", "statuses").([]any)) != 4 || dig(d, "jobInstance", "endTime") == nil {
		t.Errorf("finished instance: %v", d)
	}

	// Upgrade with a new file, then roll back to version 1.
	up := g.upload(srv.ProjectsURL(), `mutation U($id: UUID!, $v: JobVersionInput!, $file: Upload) { addJobVersion(jobId: $id, jobVersion: $v, file: $file) { number isCurrent packageInfo { name } } }`,
		map[string]any{"id": jobID, "v": map[string]any{"runtimeVersion": "3.9", "commandLine": "python {file}"}}, "file", "etl2.py", []byte("print(2)"))
	if len(up.Errors) > 0 || dig(up.Data, "addJobVersion", "number") != float64(2) || dig(up.Data, "addJobVersion", "isCurrent") != true {
		t.Fatalf("addJobVersion: %v %s", up.Data, up.errorsText())
	}
	if a, ok := srv.Artifact(jobID, 2); !ok || string(a.Data) != "print(2)" {
		t.Errorf("Artifact(2) = %q %v", a.Data, ok)
	}
	rb := g.must(`mutation { rollbackJobVersion(jobId: "`+jobID+`", versionNumber: 1) { versions(onlyCurrent: true) { number } } }`, nil)
	if dig(rb, "rollbackJobVersion", "versions", 0, "number") != float64(1) {
		t.Errorf("rollback: %v", rb)
	}

	// A run stopped while RUNNING goes KILLING, then KILLED.
	inst = str(g.must(`mutation R($id: UUID!) { runJob(jobId: $id) { id } }`, map[string]any{"id": jobID}), "runJob", "id")
	clock.Advance(tl.Requested + tl.Queued)
	stopped := g.must(`mutation S($id: UUID!) { stopJobInstance(jobInstanceId: $id) { status } }`, map[string]any{"id": inst})
	if s := str(stopped, "stopJobInstance", "status"); s != "KILLING" {
		t.Errorf("stopped: %s", s)
	}
	clock.Advance(tl.Stopping)
	if s, _ := instStatus(); s != "KILLED" {
		t.Errorf("after stop: %s", s)
	}

	// Forced outcomes: every final state a waiter must handle.
	for _, final := range []string{"FAILED", "ERROR", "SKIPPED", "UNKNOWN"} {
		if err := srv.SetJobOutcome(jobID, final); err != nil {
			t.Fatal(err)
		}
		inst = str(g.must(`mutation R($id: UUID!) { runJob(jobId: $id) { id } }`, map[string]any{"id": jobID}), "runJob", "id")
		clock.Advance(tl.Requested + tl.Queued + tl.Running)
		if s, _ := instStatus(); s != final {
			t.Errorf("outcome %s: got %s", final, s)
		}
	}
	inst = str(g.must(`mutation R($id: UUID!) { runJob(jobId: $id) { id } }`, map[string]any{"id": jobID}), "runJob", "id")
	if err := srv.ForceJobInstanceStatus(inst, "ERROR"); err != nil {
		t.Fatal(err)
	}
	if s, _ := instStatus(); s != "ERROR" {
		t.Errorf("forced: %s", s)
	}
	if err := srv.ForceJobInstanceStatus(inst, "BOGUS"); err == nil {
		t.Error("ForceJobInstanceStatus accepted a bogus status")
	}

	// Instances newest first, paged with limit/skip; counts by selector.
	d = g.must(`query J($id: UUID!) { job(id: $id) { countJobInstance instances(limit: 2, skip: 1) { number } } countJobInstancesBySelector(jobId: $id) { selector count } }`, map[string]any{"id": jobID})
	if dig(d, "job", "countJobInstance") != float64(7) || dig(d, "job", "instances", 0, "number") != float64(6) || len(dig(d, "job", "instances").([]any)) != 2 {
		t.Errorf("instances: %v", dig(d, "job"))
	}
	counts := map[string]float64{}
	for _, c := range dig(d, "countJobInstancesBySelector").([]any) {
		counts[str(c, "selector")] = dig(c, "count").(float64)
	}
	if counts["ALL"] != 7 || counts["SUCCEEDED"] != 1 || counts["STOPPED"] != 1 || counts["FAILED"] != 3 || counts["UNKNOWN"] != 1 {
		t.Errorf("counts: %v", counts)
	}
	n := g.must(`mutation D($id: UUID!) { deleteJobInstancesBySelector(jobId: $id, selector: FAILED) }`, map[string]any{"id": jobID})
	if dig(n, "deleteJobInstancesBySelector") != float64(3) { // FAILED and the two ERROR runs
		t.Errorf("deleted %v", n)
	}
}

func TestPipelineLifecycle(t *testing.T) {
	clock := newClock()
	srv := saagietest.NewServer(saagietest.WithClock(clock.Now), saagietest.WithDemoData())
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	data := g.must(`{ projects { id pipelines { id alias versions { graph { jobNodes { id job { name } nextNodes } } } } } }`, nil)
	pipe := dig(data, "projects", 0, "pipelines", 0)
	if str(pipe, "versions", 0, "graph", "jobNodes", 0, "job", "name") != "hello" {
		t.Fatalf("demo pipeline: %v", pipe)
	}
	run := g.must(`mutation R($id: UUID!) { runPipeline(pipelineId: $id) { id status } }`, map[string]any{"id": str(pipe, "id")})
	inst := str(run, "runPipeline", "id")
	tl := saagietest.DefaultTimeline
	clock.Advance(tl.Requested + tl.Queued + tl.Running)
	d := g.must(`query P($id: UUID!) { pipelineInstance(id: $id) { status jobsInstance { status } nodeStatuses { status } } }`, map[string]any{"id": inst})
	// The demo's second job runs "exit 1": the pipeline fails.
	if str(d, "pipelineInstance", "status") != "FAILED" || str(d, "pipelineInstance", "jobsInstance", 1, "status") != "FAILED" {
		t.Errorf("pipeline run: %v", d)
	}
	byAlias := g.must(`query A($p: UUID!, $a: String!) { graphPipelineByAlias(projectId: $p, alias: $a) { id pipelineInstanceCount } }`,
		map[string]any{"p": str(data, "projects", 0, "id"), "a": str(pipe, "alias")})
	if dig(byAlias, "graphPipelineByAlias", "pipelineInstanceCount") != float64(1) {
		t.Errorf("by alias: %v", byAlias)
	}
	// A graph naming a job of no project is refused.
	r := g.do(`mutation A($id: UUID!, $g: PipelineGraphInput!) { addGraphPipelineVersion(pipelineId: $id, graph: $g) { number } }`,
		map[string]any{"id": str(pipe, "id"), "g": map[string]any{"jobNodes": []any{map[string]any{"id": "11111111-1111-4111-8111-111111111111", "job": map[string]any{"id": "22222222-2222-4222-8222-222222222222"}}}}})
	if len(r.Errors) == 0 || r.Errors[0].Extensions["job"] != "NOT_EXISTS" {
		t.Errorf("graph with unknown job: %+v", r.Errors)
	}
}

func TestAppsEnvVarsStorageCredentials(t *testing.T) {
	clock := newClock()
	srv := saagietest.NewServer(saagietest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	project := createProject(t, g, "Apps")

	vol := str(g.must(`mutation V($v: VolumeInput!) { createVolume(volume: $v) { id size } }`,
		map[string]any{"v": map[string]any{"projectId": project, "name": "data", "size": "128 MB"}}), "createVolume", "id")
	cred := g.must(`mutation C($c: DockerCredentialsInput) { createDockerCredentials(dockerCredentials: $c) { id registry username } }`,
		map[string]any{"c": map[string]any{"projectId": project, "username": "bot", "password": "pw"}})
	if dig(cred, "createDockerCredentials", "registry") != nil {
		t.Errorf("Docker Hub credentials have a registry: %v", cred)
	}
	app := g.must(`mutation A($a: AppInput!) { createApp(app: $a) { id history { currentStatus } } }`, map[string]any{"a": map[string]any{
		"projectId": project, "name": "web", "technologyId": techID(t, g, "Docker image"),
		"version": map[string]any{"dockerInfo": map[string]any{"image": "nginx", "dockerCredentialsId": str(cred, "createDockerCredentials", "id")},
			"ports":           []any{map[string]any{"number": 80, "isRewriteUrl": false, "scope": "PUBLIC"}},
			"volumesWithPath": []any{map[string]any{"path": "/data", "volumeId": vol}}},
	}})
	appID := str(app, "createApp", "id")
	if s := str(app, "createApp", "history", "currentStatus"); s != "STOPPED" {
		t.Errorf("new app %s", s)
	}
	g.must(`mutation R($id: UUID!) { runApp(id: $id) { id } }`, map[string]any{"id": appID})
	appStatus := func() string {
		return str(g.must(`query A($id: UUID!) { app(id: $id) { history { currentStatus } } }`, map[string]any{"id": appID}), "app", "history", "currentStatus")
	}
	if s := appStatus(); s != "STARTING" {
		t.Errorf("after run: %s", s)
	}
	clock.Advance(saagietest.DefaultTimeline.Starting)
	if s := appStatus(); s != "STARTED" {
		t.Errorf("after start: %s", s)
	}
	// A volume mounted by the current version cannot be deleted.
	if r := g.do(`mutation D($id: UUID!) { deleteVolume(id: $id) { id } }`, map[string]any{"id": vol}); len(r.Errors) == 0 {
		t.Error("deleted a mounted volume")
	}
	ev := g.must(`query A($id: UUID!) { app(id: $id) { history { events(limit: 5) { action { event { __typename } } statuses { event { ... on StatusRetrieve { status } } } } } } }`, map[string]any{"id": appID})
	if str(ev, "app", "history", "events", 0, "action", "event", "__typename") != "RunAction" ||
		str(ev, "app", "history", "events", 0, "statuses", 1, "event", "status") != "STARTED" {
		t.Errorf("events: %v", ev)
	}
	g.must(`mutation S($id: UUID!) { stopApp(id: $id) { id } }`, map[string]any{"id": appID})
	clock.Advance(saagietest.DefaultTimeline.Stopping)
	if s := appStatus(); s != "STOPPED" {
		t.Errorf("after stop: %s", s)
	}

	// Env vars: global and project scopes, override, password hidden.
	save := `mutation S($e: UUID, $v: EnvironmentVariableInput!) { saveEnvironmentVariable(entityId: $e, environmentVariable: $v) { id value } }`
	g.must(save, map[string]any{"v": map[string]any{"name": "LEVEL", "value": "global", "scope": "GLOBAL", "isPassword": false}})
	g.must(save, map[string]any{"e": project, "v": map[string]any{"name": "LEVEL", "value": "project", "scope": "PROJECT", "isPassword": false}})
	pw := g.must(save, map[string]any{"e": project, "v": map[string]any{"name": "TOKEN", "value": "hunter2", "scope": "PROJECT", "isPassword": true}})
	if dig(pw, "saveEnvironmentVariable", "value") != nil {
		t.Errorf("password value returned: %v", pw)
	}
	list := g.must(`query L($p: UUID!) { projectEnvironmentVariables(projectId: $p) { name scope value overriddenValues { scope value } } }`, map[string]any{"p": project})
	vars := dig(list, "projectEnvironmentVariables").([]any)
	if len(vars) != 2 || str(vars[0], "value") != "project" || str(vars[0], "overriddenValues", 0, "value") != "global" {
		t.Errorf("project variables: %v", vars)
	}
	if r := g.do(save, map[string]any{"e": project, "v": map[string]any{"name": "1BAD", "value": "x", "scope": "PROJECT", "isPassword": false}}); len(r.Errors) == 0 ||
		r.Errors[0].Extensions["environmentVariable"] != "NAME_DOESNT_START_WITH_LETTER" {
		t.Errorf("bad name: %+v", r.Errors)
	}
	raw := g.must(`mutation R($e: UUID, $raw: String!) { replaceEnvironmentVariablesByRawForScope(entityId: $e, scope: PROJECT, rawEnvironmentVariables: $raw) { name value } }`,
		map[string]any{"e": project, "raw": "A=1\nB=two\n"})
	if len(dig(raw, "replaceEnvironmentVariablesByRawForScope").([]any)) != 2 {
		t.Errorf("raw replace: %v", raw)
	}
}

func TestGatewayRepositories(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	r := g.upload(srv.GatewayURL(), `mutation A($r: RepositoryInput!, $upload: Upload) { addRepository(repositoryInput: $r, upload: $upload) { count objects { id name source { ... on FileSource { name } } } } }`,
		map[string]any{"r": map[string]any{"name": "mine"}}, "upload", "techs.zip", []byte("PK"))
	if len(r.Errors) > 0 || str(r.Data, "addRepository", "objects", 0, "source", "name") != "techs.zip" {
		t.Fatalf("addRepository: %v %s", r.Data, r.errorsText())
	}
	id := str(r.Data, "addRepository", "objects", 0, "id")
	r = g.upload(srv.GatewayURL(), `mutation S($id: UUID!, $upload: Upload) { synchronizeRepository(id: $id, upload: $upload) { report { id trigger { type } } } }`,
		map[string]any{"id": id}, "upload", "techs2.zip", []byte("PK"))
	rep := str(r.Data, "synchronizeRepository", "report", "id")
	if str(r.Data, "synchronizeRepository", "report", "trigger", "type") != "MANUAL" {
		t.Errorf("sync: %v %s", r.Data, r.errorsText())
	}
	d := g.mustAt(srv.GatewayURL(), `{ repositories { id readOnly synchronizationReports { lastReversibleId count } } }`)
	var last string
	for _, repo := range dig(d, "repositories").([]any) {
		if str(repo, "id") == id {
			last = str(repo, "synchronizationReports", "lastReversibleId")
		}
	}
	if last != rep {
		t.Errorf("lastReversibleId = %q, want %q", last, rep)
	}
	g.mustAt(srv.GatewayURL(), `mutation { revertLastSynchronization(repositoryId: "`+id+`", synchronizationReportId: "`+rep+`") { repositoryName } }`)
	g.mustAt(srv.GatewayURL(), `mutation { removeRepository(id: "`+id+`") { name } }`)
	// The Saagie catalog is read-only.
	saagie := str(d, "repositories", 0, "id")
	if r := g.doAt(srv.GatewayURL(), `mutation { removeRepository(id: "`+saagie+`") { name } }`, nil); len(r.Errors) == 0 {
		t.Error("removed the read-only Saagie catalog")
	}
}
