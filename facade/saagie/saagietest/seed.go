package saagietest

import (
	"fmt"
	"strings"
	"time"
)

// Seeder adds data to a Server through the same code as the GraphQL API
// (the same defaults and validation), as the administrator. A Seeder is
// only valid inside the function given to WithSeed or Server.Seed. Its
// methods panic when the data would fail the server's validation: seeds
// are test code, and a panic names the broken seed.
type Seeder struct {
	rc *reqCtx
}

// Seed runs fn with exclusive access to the server's data, between
// requests.
func (s *Server) Seed(fn func(*Seeder)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&Seeder{rc: &reqCtx{s: s, now: s.now(), user: s.User}})
}

func seedCheck(what string, err error) {
	if err != nil {
		panic(fmt.Sprintf("saagietest: seed %s: %v", what, err))
	}
}

func idOf(v any) string { return v.(*object).fields["id"].(string) }

// SaagieCatalog is the name of the built-in technology repository, as on
// a real platform ("Saagie", matched case-insensitively by clients).
const SaagieCatalog = "Saagie"

// catalog seeds the read-only "Saagie" repository: Python, Java/Scala,
// Bash, R and Spark job technologies, and the Docker image, Jupyter and
// VS Code app technologies. Context ids are what jobs send as
// runtimeVersion (e.g. "3.10" for Python).
func (sd *Seeder) catalog() {
	st := sd.rc.st()
	now := sd.rc.now
	repo := &repository{seqd: seqd{st.next()}, id: sd.rc.newUUID(), name: SaagieCatalog, creator: "saagie", editor: "saagie",
		url: "https://github.com/saagie/technologies/releases/latest/download/technologies.zip", readOnly: true,
		created: now, modified: now}
	add := func(t *technology) {
		t.id, t.repositoryID, t.lastUpdate, t.available = sd.rc.newUUID(), repo.id, now, true
		st.technologies[t.id] = t
		repo.techs = append(repo.techs, t.id)
	}
	jobCtx := func(image string, ids ...string) []*techContext {
		var out []*techContext
		for i, id := range ids {
			out = append(out, &techContext{id: id, label: id, image: image, version: id, trustLevel: "Stable",
				available: true, recommended: i == 0})
		}
		return out
	}
	add(&technology{technologyID: "python", label: "Python", kind: "JobTechnology", description: "Python scripts",
		contexts: append(jobCtx("saagie/python", "3.10", "3.9"), &techContext{id: "3.6", label: "3.6", image: "saagie/python",
			version: "3.6", trustLevel: "Deprecated", deprecation: now.AddDate(-1, 0, 0)})})
	add(&technology{technologyID: "java-scala", label: "Java/Scala", kind: "JobTechnology", contexts: jobCtx("saagie/java", "17", "11", "8")})
	add(&technology{technologyID: "bash", label: "Bash", kind: "JobTechnology", contexts: jobCtx("saagie/bash", "debian11", "debian9")})
	add(&technology{technologyID: "r", label: "R", kind: "JobTechnology", contexts: jobCtx("saagie/r", "4.2", "3.6")})
	add(&technology{technologyID: "spark", label: "Spark", kind: "SparkTechnology", flags: []string{"Spark"},
		contexts: []*techContext{
			{id: "3.1", label: "3.1", image: "saagie/spark", version: "3.1", trustLevel: "Stable", available: true, recommended: true,
				sparkLangs: []*sparkLang{{id: "java-scala", label: "Java/Scala", versions: []string{"11"}}, {id: "python", label: "Python", versions: []string{"3.9"}}}},
		}})
	add(&technology{technologyID: "docker", label: "Docker image", kind: "AppTechnology", flags: []string{"GenericApp"},
		description: "Any Docker image"})
	add(&technology{technologyID: "jupyter", label: "Jupyter Notebook", kind: "AppTechnology", description: "Notebooks",
		appContexts: []*appContext{
			{id: "jupyter-python-3.10", label: "Python 3.10", image: "saagie/jupyter-python-nbk", version: "v2-3.10", trustLevel: "Stable",
				available: true, recommended: true,
				ports:   []catalogPort{{name: "Notebook", basePath: "SAAGIE_BASE_PATH", scope: "PROJECT", port: 8888, rewrite: false}},
				volumes: []catalogVolume{{path: "/notebooks-dir", size: "64 MB"}}},
		}})
	add(&technology{technologyID: "vscode", label: "VS Code", kind: "AppTechnology",
		appContexts: []*appContext{
			{id: "vscode-4.8", label: "4.8", image: "saagie/vscode-server", version: "4.8", trustLevel: "Experimental", available: true,
				ports: []catalogPort{{name: "VS Code", basePath: "SAAGIE_BASE_PATH", scope: "PROJECT", port: 8443, rewrite: true}}},
		}})
	rep := sd.rc.synchronize(repo, "INITIAL", nil)
	for i := range rep.technologyStates {
		rep.technologyStates[i].status = "CREATED"
	}
	rep.author = "saagie"
	st.repositories[repo.id] = repo
}

// admin seeds the realm's administrator (protected), its profile and the
// two groups a fresh realm has.
func (sd *Seeder) admin() {
	st := sd.rc.st()
	s := sd.rc.s
	st.users[s.User] = &user{seqd: seqd{st.next()}, login: s.User, password: s.Password,
		roles: []string{"ROLE_ADMIN"}, groups: []string{"administrators"}, protected: true,
		platforms: []any{s.PlatformID}}
	st.profiles[s.User] = &profile{seqd: seqd{st.next()}, login: s.User, job: "Administrator", email: s.User + "@example.com"}
	st.groups["administrators"] = &group{seqd: seqd{st.next()}, name: "administrators", users: []string{s.User}, protected: true, role: "ROLE_ADMIN"}
	st.groups["readers"] = &group{seqd: seqd{st.next()}, name: "readers", role: "ROLE_READER"}
}

// TechnologyID returns the id of a catalog technology by repository name
// and label, both case-insensitive, as saagieapi matches them.
func (sd *Seeder) TechnologyID(catalog, label string) string {
	if id := sd.rc.s.technologyID(catalog, label); id != "" {
		return id
	}
	panic(fmt.Sprintf("saagietest: seed: no technology %q in catalog %q", label, catalog))
}

func (s *Server) technologyID(catalog, label string) string {
	for _, r := range s.st.repositories {
		if !strings.EqualFold(r.name, catalog) {
			continue
		}
		for _, id := range r.techs {
			if t := s.st.technologies[id]; t != nil && strings.EqualFold(t.label, label) {
				return id
			}
		}
	}
	return ""
}

// TechnologyID is Seeder.TechnologyID outside a seed; "" when unknown.
func (s *Server) TechnologyID(catalog, label string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.technologyID(catalog, label)
}

// Project creates a READY project that allows every job technology of the
// Saagie catalog in the Extraction, Processing and Smart App categories,
// and every app technology, and returns its id.
func (sd *Seeder) Project(name, description string) string {
	var jobTechs, appTechs []any
	for _, t := range ordered(sd.rc.st().repositories, nil)[0].techs {
		tech := sd.rc.st().technologies[t]
		if tech.kind == "AppTechnology" {
			appTechs = append(appTechs, map[string]any{"id": t})
		} else {
			jobTechs = append(jobTechs, map[string]any{"id": t})
		}
	}
	var cats []any
	for _, c := range []string{"Extraction", "Processing", "Smart App"} {
		cats = append(cats, map[string]any{"jobCategory": c, "technologies": jobTechs})
	}
	p, err := sd.rc.createProject(map[string]any{"project": map[string]any{
		"name": name, "description": description, "technologiesByCategory": cats, "appTechnologies": appTechs,
		"authorizedGroups": []any{map[string]any{"name": "administrators", "role": "ROLE_PROJECT_MANAGER"}},
	}})
	seedCheck("project", err)
	id := idOf(p)
	// Seeded projects are ready at once.
	sd.rc.st().projects[id].created = sd.rc.now.Add(-sd.rc.s.cfg.timeline.ProjectInit)
	return id
}

// JobSpec describes a job for Seeder.Job.
type JobSpec struct {
	Name, Description string
	// Category defaults to Processing.
	Category string
	// Technology is a label of the Saagie catalog (default Python) and
	// Runtime one of its context ids (default: the recommended one).
	Technology, Runtime string
	CommandLine         string
	// Artifact, when set, is the uploaded file of version 1.
	Artifact *Upload
	// Image makes a Docker-image job instead.
	Image string
}

// Job creates a job and returns its id.
func (sd *Seeder) Job(projectID string, spec JobSpec) string {
	if spec.Category == "" {
		spec.Category = "Processing"
	}
	if spec.Technology == "" {
		spec.Technology = "Python"
	}
	techID := sd.TechnologyID(SaagieCatalog, spec.Technology)
	if spec.Runtime == "" && spec.Image == "" {
		if t := sd.rc.st().technologies[techID]; len(t.contexts) > 0 {
			spec.Runtime = t.contexts[0].id
		}
	}
	version := map[string]any{"releaseNote": "First version", "commandLine": spec.CommandLine}
	if spec.Runtime != "" {
		version["runtimeVersion"] = spec.Runtime
	}
	if spec.Image != "" {
		version["dockerInfo"] = map[string]any{"image": spec.Image}
	}
	args := map[string]any{
		"job": map[string]any{"projectId": projectID, "name": spec.Name, "description": spec.Description,
			"category": spec.Category, "technology": map[string]any{"id": techID}, "isScheduled": false, "isStreaming": false},
		"jobVersion": version,
	}
	if spec.Artifact != nil {
		args["file"] = spec.Artifact
	}
	j, err := sd.rc.createJob(args)
	seedCheck("job", err)
	return idOf(j)
}

// Pipeline creates a pipeline running the jobs one after the other and
// returns its id.
func (sd *Seeder) Pipeline(projectID, name string, jobIDs ...string) string {
	var nodes []any
	ids := make([]string, len(jobIDs))
	for i := range jobIDs {
		ids[i] = sd.rc.newUUID()
	}
	for i, j := range jobIDs {
		var next []any
		if i+1 < len(ids) {
			next = []any{ids[i+1]}
		}
		nodes = append(nodes, map[string]any{"id": ids[i], "job": map[string]any{"id": j}, "nextNodes": next})
	}
	p, err := sd.rc.createGraphPipeline(map[string]any{"pipeline": map[string]any{
		"projectId": projectID, "name": name, "alias": defaultAlias(name), "isScheduled": false,
		"graph": map[string]any{"jobNodes": nodes},
	}})
	seedCheck("pipeline", err)
	return idOf(p)
}

// App creates a Docker-image app exposing the ports and returns its id.
func (sd *Seeder) App(projectID, name, image string, ports ...int) string {
	var ps []any
	for _, n := range ports {
		ps = append(ps, map[string]any{"number": int64(n), "isRewriteUrl": false, "scope": "PROJECT"})
	}
	a, err := sd.rc.createApp(map[string]any{"app": map[string]any{
		"projectId": projectID, "name": name, "technologyId": sd.TechnologyID(SaagieCatalog, "Docker image"),
		"version": map[string]any{"dockerInfo": map[string]any{"image": image}, "ports": ps},
	}})
	seedCheck("app", err)
	return idOf(a)
}

// EnvVar creates a variable; entityID is "" for GLOBAL, else the project,
// pipeline or app id.
func (sd *Seeder) EnvVar(scope, entityID, name, value string, password bool) string {
	args := map[string]any{"environmentVariable": map[string]any{"name": name, "value": value, "scope": scope, "isPassword": password}}
	if entityID != "" {
		args["entityId"] = entityID
	}
	v, err := sd.rc.saveEnvironmentVariable(args)
	seedCheck("environment variable", err)
	return idOf(v)
}

// DockerCredentials creates credentials ("" registry is Docker Hub).
func (sd *Seeder) DockerCredentials(projectID, registry, username, password string) string {
	in := map[string]any{"projectId": projectID, "username": username, "password": password}
	if registry != "" {
		in["registry"] = registry
	}
	c, err := sd.rc.createDockerCredentials(map[string]any{"dockerCredentials": in})
	seedCheck("docker credentials", err)
	return idOf(c)
}

// Volume creates a storage volume of size (e.g. "128 MB").
func (sd *Seeder) Volume(projectID, name, size string) string {
	v, err := sd.rc.createVolume(map[string]any{"volume": map[string]any{"projectId": projectID, "name": name, "size": size}})
	seedCheck("volume", err)
	return idOf(v)
}

// RunJob starts an instance of a job and returns its id.
func (sd *Seeder) RunJob(jobID string) string {
	in, err := sd.rc.runJob(map[string]any{"jobId": jobID})
	seedCheck("job run", err)
	return idOf(in)
}

// RunJobs adds n finished runs of a job (numbered on from its last one),
// for tests of long instance histories; unlike n calls of RunJob it costs
// linear time.
func (sd *Seeder) RunJobs(jobID string, n int) {
	j, err := sd.rc.getJob(jobID)
	seedCheck("job runs", err)
	st := sd.rc.st()
	last := 0
	for _, in := range st.jobRuns(j.id) {
		last = max(last, in.number)
	}
	cur := j.currentVersion()
	tl := sd.rc.s.cfg.timeline
	start := sd.rc.now.Add(-(tl.Requested + tl.Queued + tl.Running + time.Second))
	for i := range n {
		in := &jobInstance{seqd: seqd{st.next()}, id: sd.rc.newUUID(), jobID: j.id, number: last + i + 1, version: cur.number,
			run: run{start: start, outcome: outcomeFor(j, cur)}}
		st.jobInstances[in.id] = in
	}
}

// Demo adds the demo data set: a "Demo" project with a Python job (with an
// artifact) that has run once, a failing Bash job, a pipeline of both, an
// nginx app, a storage, Docker credentials and a few variables.
func (sd *Seeder) Demo() {
	p := sd.Project("Demo", "A project to try Switchboard against")
	hello := sd.Job(p, JobSpec{Name: "hello", Description: "Prints a greeting", CommandLine: "python {file}",
		Artifact: &Upload{Filename: "hello.py", ContentType: "text/x-python", Data: []byte("print('hello from saagie')\n")}})
	broken := sd.Job(p, JobSpec{Name: "broken", Description: "Always fails", Technology: "Bash", CommandLine: "exit 1"})
	sd.Pipeline(p, "nightly", hello, broken)
	sd.App(p, "web", "nginx:1.27", 80)
	sd.Volume(p, "data", "1 GB")
	sd.DockerCredentials(p, "", "demo", "demo-password")
	sd.EnvVar("GLOBAL", "", "ENVIRONMENT", "sandbox", false)
	sd.EnvVar("PROJECT", p, "DB_PASSWORD", "s3cret", true)
	// One finished run: started long enough ago to be over.
	run := sd.RunJob(hello)
	tl := sd.rc.s.cfg.timeline
	sd.rc.st().jobInstances[run].run.start = sd.rc.now.Add(-(tl.Requested + tl.Queued + tl.Running + time.Second))
}

// ---------------------------------------------------------------- test controls

// SetJobOutcome sets the final status of the future runs of a job (and of
// the pipeline runs including it): SUCCEEDED (the default), FAILED,
// KILLED, ERROR, SKIPPED or UNKNOWN. A job whose command line contains
// "exit 1" fails by default.
func (s *Server) SetJobOutcome(jobID, status string) error {
	if !finalStatuses[status] {
		return fmt.Errorf("saagietest: %q is not a final InstanceStatus", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.st.jobs[jobID]
	if j == nil {
		return fmt.Errorf("saagietest: no job %s", jobID)
	}
	j.outcome = status
	return nil
}

// ForceJobInstanceStatus puts a job instance in status now, whatever its
// timeline says (any InstanceStatus; a final one ends it).
func (s *Server) ForceJobInstanceStatus(instanceID, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.st.jobInstances[instanceID]
	if in == nil {
		return fmt.Errorf("saagietest: no job instance %s", instanceID)
	}
	return s.force(&in.run, status)
}

// ForcePipelineInstanceStatus is ForceJobInstanceStatus for a pipeline
// instance.
func (s *Server) ForcePipelineInstanceStatus(instanceID, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.st.pipeInstances[instanceID]
	if in == nil {
		return fmt.Errorf("saagietest: no pipeline instance %s", instanceID)
	}
	return s.force(&in.run, status)
}

var instanceStatuses = map[string]bool{"AWAITING": true, "REQUESTED": true, "UNKNOWN": true, "QUEUED": true, "RUNNING": true,
	"KILLING": true, "KILLED": true, "SUCCEEDED": true, "FAILED": true, "ERROR": true, "SKIPPED": true}

func (s *Server) force(r *run, status string) error {
	if !instanceStatuses[status] {
		return fmt.Errorf("saagietest: %q is not an InstanceStatus", status)
	}
	r.forced, r.forcedAt = status, s.now()
	return nil
}

// ForceAppStatus sets an app's current status (an AppStatus such as
// FAILED or RECOVERING) as a status retrieved now.
func (s *Server) ForceAppStatus(appID, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.apps[appID]
	if a == nil {
		return fmt.Errorf("saagietest: no app %s", appID)
	}
	exec := s.newID()
	if n := len(a.events); n > 0 {
		exec = a.events[n-1].executionID
	}
	a.events = append(a.events, appEvent{id: s.newID(), kind: "RunAction", executionID: exec, version: a.currentVersion,
		at: lastEventTime(a, s.now()), author: "saagie", status: status})
	return nil
}

// AddLogs appends log lines to an app execution (history.currentExecutionId)
// or a condition instance, served by the log-proxy.
func (s *Server) AddLogs(executionID string, lines ...LogLine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.logs[executionID] = append(s.st.logs[executionID], lines...)
}

// Artifact returns the file of a job version, as uploaded.
func (s *Server) Artifact(jobID string, version int) (Upload, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.st.jobs[jobID]
	if j == nil {
		return Upload{}, false
	}
	v := j.version(version)
	if v == nil || v.artifact == nil {
		return Upload{}, false
	}
	return *v.artifact, true
}
