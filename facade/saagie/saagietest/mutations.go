package saagietest

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// projectsMutation is the Mutation root of the Projects endpoint.
func (s *Server) projectsMutation(rc *reqCtx) *object {
	o := obj("Mutation")
	for name, fn := range map[string]func(map[string]any) (any, error){
		"createProject": rc.createProject, "editProject": rc.editProject, "deleteProject": rc.deleteProject,
		"createJob": rc.createJob, "editJob": rc.editJob, "addJobVersion": rc.addJobVersion,
		"rollbackJobVersion": rc.rollbackJobVersion, "deleteJob": rc.deleteJob, "runJob": rc.runJob,
		"stopJobInstance": rc.stopJobInstance, "deleteJobInstances": rc.deleteJobInstances,
		"deleteJobInstancesBySelector": rc.deleteJobInstancesBySelector,
		"deleteJobInstancesByDate":     rc.deleteJobInstancesByDate,
		"deleteJobVersions":            rc.deleteJobVersions, "duplicateJob": rc.duplicateJob, "moveJob": rc.moveJob,
		"createGraphPipeline": rc.createGraphPipeline, "editPipeline": rc.editPipeline,
		"addGraphPipelineVersion": rc.addGraphPipelineVersion, "rollbackPipelineVersion": rc.rollbackPipelineVersion,
		"deletePipeline": rc.deletePipeline, "runPipeline": rc.runPipeline, "stopPipelineInstance": rc.stopPipelineInstance,
		"deletePipelineInstances": rc.deletePipelineInstances, "deletePipelineVersions": rc.deletePipelineVersions,
		"deletePipelineInstancesByStatusSelector": rc.deletePipelineInstancesByStatusSelector,
		"deletePipelineInstancesByDateSelector":   rc.deletePipelineInstancesByDateSelector,
		"duplicatePipeline":                       rc.duplicatePipeline,
		"createApp":                               rc.createApp, "installApp": rc.installApp, "editApp": rc.editApp,
		"addAppVersion": rc.addAppVersion, "rollbackAppVersion": rc.rollbackAppVersion,
		"runApp": rc.runApp, "stopApp": rc.stopApp, "deleteApp": rc.deleteApp,
		"saveEnvironmentVariable":                  rc.saveEnvironmentVariable,
		"replaceEnvironmentVariablesByRawForScope": rc.replaceEnvironmentVariablesByRaw,
		"deleteEnvironmentVariable":                rc.deleteEnvironmentVariable,
		"createDockerCredentials":                  rc.createDockerCredentials,
		"updateDockerCredentials":                  rc.updateDockerCredentials,
		"deleteDockerCredentials":                  rc.deleteDockerCredentials,
		"createVolume":                             rc.createVolume, "editVolume": rc.editVolume, "deleteVolume": rc.deleteVolume,
		"unlinkVolume": rc.unlinkVolume, "moveVolume": rc.moveVolume, "duplicateVolume": rc.duplicateVolume,
	} {
		o.fields[name] = resolver(fn)
	}
	return o
}

// ---------------------------------------------------------------- projects

func (rc *reqCtx) readTechnologies(p *project, in map[string]any) error {
	if has(in, "technologiesByCategory") {
		p.jobTechs, p.jobCats = map[string][]string{}, nil
		for _, c := range argList(in, "technologiesByCategory") {
			m, _ := c.(map[string]any)
			cat := argStr(m, "jobCategory")
			var ids []string
			for _, t := range argList(m, "technologies") {
				id := argStr(t.(map[string]any), "id")
				tech := rc.st().technologies[id]
				if tech == nil || tech.kind == "AppTechnology" {
					return notValid("Project", "technology", "NOT_EXISTS")
				}
				ids = append(ids, id)
			}
			if _, seen := p.jobTechs[cat]; !seen {
				p.jobCats = append(p.jobCats, cat)
			}
			p.jobTechs[cat] = ids
		}
	}
	if has(in, "appTechnologies") {
		p.appTechs = nil
		for _, t := range argList(in, "appTechnologies") {
			id := argStr(t.(map[string]any), "id")
			tech := rc.st().technologies[id]
			if tech == nil || tech.kind != "AppTechnology" {
				return notValid("Project", "appTechnology", "NOT_EXISTS")
			}
			p.appTechs = append(p.appTechs, id)
		}
	}
	if has(in, "authorizedGroups") {
		p.groups = nil
		for _, g := range argList(in, "authorizedGroups") {
			m, _ := g.(map[string]any)
			if m == nil {
				continue
			}
			p.groups = append(p.groups, groupRole{name: argStr(m, "name"), role: argStr(m, "role")})
		}
	}
	return nil
}

func (rc *reqCtx) projectNameUsed(name, except string) bool {
	for _, p := range rc.st().projects {
		if p.name == name && p.id != except {
			return true
		}
	}
	return false
}

func (rc *reqCtx) createProject(a map[string]any) (any, error) {
	in := argMap(a, "project")
	name := strings.TrimSpace(argStr(in, "name"))
	if name == "" {
		return nil, notValid("Project", "name", "EMPTY")
	}
	if rc.projectNameUsed(name, "") {
		return nil, notValid("Project", "name", "already used")
	}
	p := &project{seqd: seqd{rc.st().next()}, id: rc.newUUID(), name: name, description: argStr(in, "description"),
		creator: rc.user, created: rc.now, jobTechs: map[string][]string{}}
	if err := rc.readTechnologies(p, in); err != nil {
		return nil, err
	}
	rc.st().projects[p.id] = p
	return rc.projectObj(p), nil
}

func (rc *reqCtx) editProject(a map[string]any) (any, error) {
	in := argMap(a, "project")
	p, err := rc.getProject(argStr(in, "id"))
	if err != nil {
		return nil, err
	}
	next := *p
	if name := argOptStr(in, "name"); name != nil {
		if strings.TrimSpace(*name) == "" {
			return nil, notValid("Project", "name", "EMPTY")
		}
		if rc.projectNameUsed(*name, p.id) {
			return nil, notValid("Project", "name", "already used")
		}
		next.name = *name
	}
	if d := argOptStr(in, "description"); d != nil {
		next.description = *d
	}
	if err := rc.readTechnologies(&next, in); err != nil {
		return nil, err
	}
	*p = next
	return rc.projectObj(p), nil
}

func (rc *reqCtx) deleteProject(a map[string]any) (any, error) {
	p, err := rc.getProject(argStr(a, "projectId"))
	if err != nil {
		return nil, err
	}
	st := rc.st()
	for _, j := range st.projectJobs(p.id) {
		rc.dropJob(j)
	}
	for _, pl := range st.projectPipelines(p.id) {
		rc.dropPipeline(pl)
	}
	for _, ap := range st.projectApps(p.id) {
		delete(st.apps, ap.id)
	}
	for _, v := range st.projectVolumes(p.id) {
		delete(st.volumes, v.id)
	}
	for id, v := range st.envVars {
		if v.entityID == p.id {
			delete(st.envVars, id)
		}
	}
	for id, c := range st.dockerCreds {
		if c.projectID == p.id {
			delete(st.dockerCreds, id)
		}
	}
	delete(st.projects, p.id)
	return true, nil
}

// ---------------------------------------------------------------- jobs

func readAlerting(in map[string]any) *alerting {
	if in == nil {
		return nil
	}
	return &alerting{emails: argStrings(in, "emails"), logins: argStrings(in, "logins"), statusList: argStrings(in, "statusList")}
}

func readResources(in map[string]any) *resources {
	if in == nil {
		return nil
	}
	rl := func(k string) *reqLimit {
		m := argMap(in, k)
		if m == nil {
			return nil
		}
		var out reqLimit
		if f, ok := toFloat(m["request"]); ok {
			out.request = &f
		}
		if f, ok := toFloat(m["limit"]); ok {
			out.limit = &f
		}
		return &out
	}
	return &resources{cpu: rl("cpu"), memory: rl("memory"), gpu: rl("gpu")}
}

// artifactName is the name an uploaded file is stored under: its base
// name, whatever path the client sent (saagieapi 2.13.1 sends the
// absolute local path).
func artifactName(up *Upload) *Upload {
	if up == nil {
		return nil
	}
	name := strings.ReplaceAll(up.Filename, `\`, "/")
	name = path.Base(name)
	if name == "." || name == "/" || name == "" {
		name = "artifact"
	}
	c := *up
	c.Filename = name
	return &c
}

func upload(a map[string]any, k string) *Upload {
	switch v := a[k].(type) {
	case *Upload:
		return artifactName(v)
	case Upload:
		return artifactName(&v)
	}
	return nil
}

// readJobVersion validates a JobVersionInput against the job's technology.
func (rc *reqCtx) readJobVersion(j *job, in map[string]any, file *Upload, prev *jobVersion) (*jobVersion, error) {
	v := &jobVersion{created: rc.now, creator: rc.user,
		releaseNote: argStr(in, "releaseNote"), runtimeVersion: argStr(in, "runtimeVersion"),
		commandLine: argStr(in, "commandLine"), sourceURL: argStr(in, "sourceUrl"), artifact: file}
	if d := argMap(in, "dockerInfo"); d != nil {
		v.image, v.dockerCredsID = argStr(d, "image"), argStr(d, "dockerCredentialsId")
		if v.dockerCredsID != "" {
			if c := rc.st().dockerCreds[v.dockerCredsID]; c == nil || c.projectID != j.projectID {
				return nil, notValid("Job", "dockerCredentials", "NOT_EXISTS")
			}
		}
	}
	if e := argMap(in, "extraTechnology"); e != nil {
		v.extraLanguage, v.extraVersion = argStr(e, "language"), argStr(e, "version")
	}
	if file == nil && argBool(in, "usePreviousArtifact") && prev != nil {
		v.artifact = prev.artifact
	}
	if tech := rc.st().technologies[j.technologyID]; tech != nil && len(tech.contexts) > 0 && v.image == "" {
		if !tech.hasAvailableContext(v.runtimeVersion) {
			return nil, notValid("Job", "runtimeVersion", "NOT_EXISTS")
		}
	}
	return v, nil
}

func (rc *reqCtx) jobNameUsed(projectID, name, except string) bool {
	for _, j := range rc.st().jobs {
		if j.projectID == projectID && j.name == name && j.id != except {
			return true
		}
	}
	return false
}

func (rc *reqCtx) jobAliasUsed(projectID, alias, except string) bool {
	for _, j := range rc.st().jobs {
		if alias != "" && j.projectID == projectID && j.alias == alias && j.id != except {
			return true
		}
	}
	return false
}

// defaultAlias is the alias the platform derives from a name when none is
// given [inferred]: letters, digits and underscores.
func defaultAlias(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func (rc *reqCtx) createJob(a map[string]any) (any, error) {
	in := argMap(a, "job")
	p, err := rc.getProject(argStr(in, "projectId"))
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(argStr(in, "name"))
	if name == "" {
		return nil, notValid("Job", "name", "EMPTY")
	}
	if rc.jobNameUsed(p.id, name, "") {
		return nil, notValid("Job", "name", "already used")
	}
	techID := argStr(argMap(in, "technology"), "id")
	tech := rc.st().technologies[techID]
	if tech == nil || tech.kind == "AppTechnology" {
		return nil, notValid("Job", "technology", "NOT_EXISTS")
	}
	category := argStr(in, "category")
	if !p.techAllowed(category, techID) {
		return nil, notValid("Job", "technology", "NOT_ALLOWED_IN_PROJECT")
	}
	alias := argStr(in, "alias")
	if alias == "" {
		alias = defaultAlias(name)
	}
	if rc.jobAliasUsed(p.id, alias, "") {
		return nil, notValid("Job", "alias", "already used")
	}
	j := &job{seqd: seqd{rc.st().next()}, id: rc.newUUID(), projectID: p.id, name: name, alias: alias,
		description: argStr(in, "description"), category: category, technologyID: techID,
		isScheduled: argBool(in, "isScheduled"), cron: argStr(in, "cronScheduling"), timezone: argStr(in, "scheduleTimezone"),
		alerting: readAlerting(argMap(in, "alerting")), isStreaming: argBool(in, "isStreaming"),
		doesUseGPU: argBool(in, "doesUseGPU"), resources: readResources(argMap(in, "resources")),
		created: rc.now, creator: rc.user}
	if j.isScheduled && j.cron == "" {
		return nil, notValid("Job", "cronScheduling", "EMPTY")
	}
	v, err := rc.readJobVersion(j, argMap(a, "jobVersion"), upload(a, "file"), nil)
	if err != nil {
		return nil, err
	}
	v.number, v.current = 1, true
	j.versions = []*jobVersion{v}
	rc.st().jobs[j.id] = j
	return rc.jobObj(j), nil
}

func (rc *reqCtx) editJob(a map[string]any) (any, error) {
	in := argMap(a, "job")
	j, err := rc.getJob(argStr(in, "id"))
	if err != nil {
		return nil, err
	}
	next := *j
	if n := argOptStr(in, "name"); n != nil {
		if strings.TrimSpace(*n) == "" {
			return nil, notValid("Job", "name", "EMPTY")
		}
		if rc.jobNameUsed(j.projectID, *n, j.id) {
			return nil, notValid("Job", "name", "already used")
		}
		next.name = *n
	}
	if al := argOptStr(in, "alias"); al != nil {
		if rc.jobAliasUsed(j.projectID, *al, j.id) {
			return nil, notValid("Job", "alias", "already used")
		}
		next.alias = *al
	}
	if d := argOptStr(in, "description"); d != nil {
		next.description = *d
	}
	if b := argOptBool(in, "isScheduled"); b != nil {
		next.isScheduled = *b
		if !*b {
			next.cron = ""
		}
	}
	if c := argOptStr(in, "cronScheduling"); c != nil {
		next.cron = *c
	}
	if tz := argOptStr(in, "scheduleTimezone"); tz != nil {
		next.timezone = *tz
	}
	if has(in, "alerting") {
		next.alerting = readAlerting(argMap(in, "alerting"))
	}
	if has(in, "resources") {
		next.resources = readResources(argMap(in, "resources"))
	}
	if b := argOptBool(in, "isStreaming"); b != nil {
		next.isStreaming = *b
	}
	if b := argOptBool(in, "doesUseGPU"); b != nil {
		next.doesUseGPU = *b
	}
	if next.isScheduled && next.cron == "" {
		return nil, notValid("Job", "cronScheduling", "EMPTY")
	}
	*j = next
	return rc.jobObj(j), nil
}

func (rc *reqCtx) addJobVersion(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	cur := j.currentVersion()
	v, err := rc.readJobVersion(j, argMap(a, "jobVersion"), upload(a, "file"), cur)
	if err != nil {
		return nil, err
	}
	v.number = j.versions[len(j.versions)-1].number + 1
	for _, old := range j.versions {
		old.current = false
	}
	v.current = true
	j.versions = append(j.versions, v)
	return rc.jobVersionObj(j, v), nil
}

func (rc *reqCtx) rollbackJobVersion(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	n, _ := argInt(a, "versionNumber")
	target := j.version(n)
	if target == nil {
		return nil, notValid("Job", "version", "NOT_EXISTS")
	}
	for _, v := range j.versions {
		v.current = v == target
	}
	return rc.jobObj(j), nil
}

// dropJob deletes a job and its instances.
func (rc *reqCtx) dropJob(j *job) {
	for _, in := range rc.st().jobRuns(j.id) {
		delete(rc.st().jobInstances, in.id)
	}
	delete(rc.st().jobs, j.id)
}

func (rc *reqCtx) deleteJob(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	if len(rc.pipelinesUsing(j.id, true)) > 0 {
		return nil, notValid("Job", "job", "LINKED_TO_PIPELINE")
	}
	rc.dropJob(j)
	return true, nil
}

// outcomeFor is the final status of a new run of j.
func outcomeFor(j *job, v *jobVersion) string {
	if j.outcome != "" {
		return j.outcome
	}
	if v != nil && strings.Contains(v.commandLine, "exit 1") {
		return "FAILED"
	}
	return "SUCCEEDED"
}

func (rc *reqCtx) startJob(j *job, pipelineInstance string) *jobInstance {
	st := rc.st()
	n := 0
	for _, in := range st.jobRuns(j.id) {
		n = max(n, in.number)
	}
	cur := j.currentVersion()
	in := &jobInstance{seqd: seqd{st.next()}, id: rc.newUUID(), jobID: j.id, number: n + 1, version: cur.number,
		pipelineInstance: pipelineInstance, run: run{start: rc.now, outcome: outcomeFor(j, cur)}}
	st.jobInstances[in.id] = in
	return in
}

func (rc *reqCtx) runJob(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	return rc.jobInstanceObj(rc.startJob(j, "")), nil
}

func (rc *reqCtx) stopJobInstance(a map[string]any) (any, error) {
	in := rc.st().jobInstances[argStr(a, "jobInstanceId")]
	if in == nil {
		return nil, notExists("JobInstance")
	}
	if !finalStatuses[in.run.current(rc.s.cfg.timeline, rc.now).status] && in.run.stopped.IsZero() {
		in.run.stopped = rc.now
	}
	return rc.jobInstanceObj(in), nil
}

// deleteRuns deletes the finished instances among ids and reports each.
func (rc *reqCtx) deleteJobInstances(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, id := range argStrings(a, "jobInstanceIds") {
		in := rc.st().jobInstances[id]
		ok := in != nil && in.jobID == j.id && finalStatuses[in.run.current(rc.s.cfg.timeline, rc.now).status]
		if ok {
			delete(rc.st().jobInstances, id)
		}
		out = append(out, obj("DeletionResultItem", "id", id, "success", ok))
	}
	return nonNilObjs(out), nil
}

func nonNilObjs(o []*object) []*object {
	if o == nil {
		return []*object{}
	}
	return o
}

// selectDeletion picks the instances a bulk deletion removes: those
// matching keep, minus exclude, plus include (finished ones only).
func (rc *reqCtx) selectDeletion(ids []string, status func(string) string, keep func(string) bool, exclude, include []string) []string {
	var out []string
	for _, id := range ids {
		st := status(id)
		if !finalStatuses[st] || slices.Contains(exclude, id) {
			continue
		}
		if keep(id) || slices.Contains(include, id) {
			out = append(out, id)
		}
	}
	return out
}

func (rc *reqCtx) bulkDeleteJobRuns(a map[string]any, keep func(in *jobInstance) bool) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	st := rc.st()
	var ids []string
	for _, in := range st.jobRuns(j.id) {
		ids = append(ids, in.id)
	}
	picked := rc.selectDeletion(ids,
		func(id string) string { return st.jobInstances[id].run.current(rc.s.cfg.timeline, rc.now).status },
		func(id string) bool { return keep(st.jobInstances[id]) },
		argStrings(a, "excludeJobInstanceIds"), argStrings(a, "includeJobInstanceIds"))
	for _, id := range picked {
		delete(st.jobInstances, id)
	}
	return len(picked), nil
}

func (rc *reqCtx) deleteJobInstancesBySelector(a map[string]any) (any, error) {
	sel := argStr(a, "selector")
	return rc.bulkDeleteJobRuns(a, func(in *jobInstance) bool {
		return selectorMatches(sel, in.run.current(rc.s.cfg.timeline, rc.now).status)
	})
}

func (rc *reqCtx) deleteJobInstancesByDate(a map[string]any) (any, error) {
	before, ok := parseDateTime(argStr(a, "beforeAt"))
	if !ok {
		return nil, notValid("Date", "beforeAt", "NOT_VALID")
	}
	return rc.bulkDeleteJobRuns(a, func(in *jobInstance) bool { return in.run.start.Before(before) })
}

func (rc *reqCtx) deleteJobVersions(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, x := range argList(a, "jobVersionNumbers") {
		n, _ := toInt(x)
		v := j.version(n)
		ok := v != nil && !v.current
		if ok {
			for _, in := range rc.st().jobRuns(j.id) {
				if in.version == n && !finalStatuses[in.run.current(rc.s.cfg.timeline, rc.now).status] {
					ok = false
				}
			}
		}
		if ok {
			j.versions = slices.DeleteFunc(j.versions, func(x *jobVersion) bool { return x == v })
		}
		out = append(out, obj("DeletionVersionResultItem", "number", n, "success", ok))
	}
	return nonNilObjs(out), nil
}

// copyName finds a free "<name> (copy)" style name [inferred: the real
// naming of duplicates is not documented].
func copyName(name string, used func(string) bool) string {
	candidate := name + " (copy)"
	for i := 2; used(candidate); i++ {
		candidate = name + " (copy " + strconv.Itoa(i) + ")"
	}
	return candidate
}

func (rc *reqCtx) cloneJob(j *job, projectID string, name string) *job {
	c := *j
	c.seqd = seqd{rc.st().next()}
	c.id, c.projectID, c.name, c.created, c.creator = rc.newUUID(), projectID, name, rc.now, rc.user
	c.alias = defaultAlias(name)
	for rc.jobAliasUsed(projectID, c.alias, "") {
		c.alias += "_"
	}
	c.versions = nil
	for _, v := range j.versions {
		vc := *v
		c.versions = append(c.versions, &vc)
	}
	rc.st().jobs[c.id] = &c
	return &c
}

func (rc *reqCtx) duplicateJob(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "originalJobId"))
	if err != nil {
		return nil, err
	}
	name := copyName(j.name, func(n string) bool { return rc.jobNameUsed(j.projectID, n, "") })
	c := rc.cloneJob(j, j.projectID, name)
	c.originalJobID = j.id
	return rc.jobObj(c), nil
}

func (rc *reqCtx) moveJob(a map[string]any) (any, error) {
	j, err := rc.getJob(argStr(a, "jobId"))
	if err != nil {
		return nil, err
	}
	if pid, _ := argInt(a, "targetPlatformId"); pid != rc.s.PlatformID {
		return nil, notValid("Job", "targetPlatformId", "NOT_EXISTS")
	}
	target, err := rc.getProject(argStr(a, "targetProjectId"))
	if err != nil {
		return nil, err
	}
	if rc.jobNameUsed(target.id, j.name, "") {
		return nil, notValid("Job", "name", "already used")
	}
	c := rc.cloneJob(j, target.id, j.name)
	if cat := argStr(a, "targetCategory"); cat != "" {
		c.category = cat
	}
	rc.dropJob(j)
	return c.id, nil
}

// ---------------------------------------------------------------- pipelines

func floatPtr(m map[string]any, k string) *float64 {
	if f, ok := toFloat(m[k]); ok {
		return &f
	}
	return nil
}

func (rc *reqCtx) readGraph(projectID string, g map[string]any) ([]jobNode, []condNode, error) {
	var jobs []jobNode
	var conds []condNode
	ids := map[string]bool{}
	for _, x := range argList(g, "jobNodes") {
		m, _ := x.(map[string]any)
		n := jobNode{id: argStr(m, "id"), jobID: argStr(argMap(m, "job"), "id"), next: argStrings(m, "nextNodes")}
		if pos := argMap(m, "position"); pos != nil {
			n.x, n.y = floatPtr(pos, "x"), floatPtr(pos, "y")
		}
		if j := rc.st().jobs[n.jobID]; j == nil || j.projectID != projectID {
			return nil, nil, notValid("Pipeline", "job", "NOT_EXISTS")
		}
		ids[n.id] = true
		jobs = append(jobs, n)
	}
	for _, x := range argList(g, "conditionNodes") {
		m, _ := x.(map[string]any)
		n := condNode{id: argStr(m, "id"), onSuccess: argStrings(m, "nextNodesSuccess"), onFail: argStrings(m, "nextNodesFailure")}
		if pos := argMap(m, "position"); pos != nil {
			n.x, n.y = floatPtr(pos, "x"), floatPtr(pos, "y")
		}
		c := argMap(m, "condition")
		status, custom := argMap(c, "status"), argMap(c, "custom")
		switch {
		case status != nil && custom == nil:
			n.preset = argStr(status, "value")
		case custom != nil && status == nil:
			n.expression = argStr(custom, "expression")
		default:
			return nil, nil, notValid("Pipeline", "condition", "NOT_VALID")
		}
		ids[n.id] = true
		conds = append(conds, n)
	}
	if len(jobs) == 0 {
		return nil, nil, notValid("Pipeline", "graph", "EMPTY")
	}
	check := func(next []string) bool {
		for _, id := range next {
			if !ids[id] {
				return false
			}
		}
		return true
	}
	for _, n := range jobs {
		if !check(n.next) {
			return nil, nil, notValid("Pipeline", "graph", "NOT_VALID")
		}
	}
	for _, n := range conds {
		if !check(n.onSuccess) || !check(n.onFail) {
			return nil, nil, notValid("Pipeline", "graph", "NOT_VALID")
		}
	}
	return jobs, conds, nil
}

func (rc *reqCtx) pipelineNameUsed(projectID, name, alias, except string) string {
	for _, p := range rc.st().pipelines {
		if p.projectID != projectID || p.id == except {
			continue
		}
		if name != "" && p.name == name {
			return "name"
		}
		if alias != "" && p.alias == alias {
			return "alias"
		}
	}
	return ""
}

func (rc *reqCtx) createGraphPipeline(a map[string]any) (any, error) {
	in := argMap(a, "pipeline")
	if in == nil {
		return nil, notValid("Pipeline", "pipeline", "EMPTY")
	}
	p, err := rc.getProject(argStr(in, "projectId"))
	if err != nil {
		return nil, err
	}
	name, alias := strings.TrimSpace(argStr(in, "name")), strings.TrimSpace(argStr(in, "alias"))
	if name == "" {
		return nil, notValid("Pipeline", "name", "EMPTY")
	}
	if alias == "" {
		return nil, notValid("Pipeline", "alias", "EMPTY")
	}
	if what := rc.pipelineNameUsed(p.id, name, alias, ""); what != "" {
		return nil, notValid("Pipeline", what, "already used")
	}
	jobs, conds, err := rc.readGraph(p.id, argMap(in, "graph"))
	if err != nil {
		return nil, err
	}
	pl := &pipeline{seqd: seqd{rc.st().next()}, id: rc.newUUID(), projectID: p.id, name: name, alias: alias,
		description: argStr(in, "description"), alerting: readAlerting(argMap(in, "alerting")),
		execVars: argBool(in, "hasExecutionVariablesEnabled"), created: rc.now, creator: rc.user,
		isScheduled: argBool(in, "isScheduled"), cron: argStr(in, "cronScheduling"), timezone: argStr(in, "scheduleTimezone")}
	pl.versions = []*pipelineVersion{{number: 1, releaseNote: argStr(in, "releaseNote"), jobNodes: jobs, condNodes: conds,
		created: rc.now, creator: rc.user, current: true, sourceURL: argStr(in, "sourceUrl")}}
	rc.st().pipelines[pl.id] = pl
	return rc.pipelineObj(pl), nil
}

func (rc *reqCtx) editPipeline(a map[string]any) (any, error) {
	in := argMap(a, "pipeline")
	p, err := rc.getPipeline(argStr(in, "id"))
	if err != nil {
		return nil, err
	}
	next := *p
	if n := argOptStr(in, "name"); n != nil {
		if strings.TrimSpace(*n) == "" {
			return nil, notValid("Pipeline", "name", "EMPTY")
		}
		next.name = *n
	}
	if al := argOptStr(in, "alias"); al != nil {
		next.alias = *al
	}
	if what := rc.pipelineNameUsed(p.projectID, next.name, next.alias, p.id); what != "" {
		return nil, notValid("Pipeline", what, "already used")
	}
	if d := argOptStr(in, "description"); d != nil {
		next.description = *d
	}
	if has(in, "alerting") {
		next.alerting = readAlerting(argMap(in, "alerting"))
	}
	if b := argOptBool(in, "hasExecutionVariablesEnabled"); b != nil {
		next.execVars = *b
	}
	if b := argOptBool(in, "isScheduled"); b != nil {
		next.isScheduled = *b
		if !*b {
			next.cron = ""
		}
	}
	if c := argOptStr(in, "cronScheduling"); c != nil {
		next.cron = *c
	}
	if tz := argOptStr(in, "scheduleTimezone"); tz != nil {
		next.timezone = *tz
	}
	*p = next
	return rc.pipelineObj(p), nil
}

func (rc *reqCtx) addGraphPipelineVersion(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "pipelineId"))
	if err != nil {
		return nil, err
	}
	jobs, conds, err := rc.readGraph(p.projectID, argMap(a, "graph"))
	if err != nil {
		return nil, err
	}
	for _, v := range p.versions {
		v.current = false
	}
	v := &pipelineVersion{number: p.versions[len(p.versions)-1].number + 1, releaseNote: argStr(a, "releaseNote"),
		jobNodes: jobs, condNodes: conds, created: rc.now, creator: rc.user, current: true, sourceURL: argStr(a, "sourceUrl")}
	p.versions = append(p.versions, v)
	return rc.pipelineVersionObj(p, v), nil
}

func (rc *reqCtx) rollbackPipelineVersion(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "pipelineId"))
	if err != nil {
		return nil, err
	}
	n, _ := argInt(a, "versionNumber")
	target := p.version(n)
	if target == nil {
		return nil, notValid("Pipeline", "version", "NOT_EXISTS")
	}
	for _, v := range p.versions {
		v.current = v == target
	}
	return rc.pipelineObj(p), nil
}

func (rc *reqCtx) dropPipeline(p *pipeline) {
	for _, in := range rc.st().pipelineRuns(p.id) {
		delete(rc.st().pipeInstances, in.id)
	}
	for id, v := range rc.st().envVars {
		if v.entityID == p.id {
			delete(rc.st().envVars, id)
		}
	}
	delete(rc.st().pipelines, p.id)
}

func (rc *reqCtx) deletePipeline(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "id"))
	if err != nil {
		return nil, err
	}
	rc.dropPipeline(p)
	return true, nil
}

// runPipeline starts one job instance per job node of the current version
// (all at once: the emulator does not walk the graph) and a pipeline
// instance that ends FAILED if any of them fails, SUCCEEDED otherwise.
func (rc *reqCtx) runPipeline(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "pipelineId"))
	if err != nil {
		return nil, err
	}
	st := rc.st()
	cur := p.currentVersion()
	n := 0
	for _, in := range st.pipelineRuns(p.id) {
		n = max(n, in.number)
	}
	in := &pipelineInstance{seqd: seqd{st.next()}, id: rc.newUUID(), pipelineID: p.id, number: n + 1, version: cur.number,
		run: run{start: rc.now, outcome: "SUCCEEDED"}}
	for _, node := range cur.jobNodes {
		j := st.jobs[node.jobID]
		if j == nil {
			continue
		}
		ji := rc.startJob(j, in.id)
		in.jobInstances = append(in.jobInstances, ji.id)
		if ji.run.outcome != "SUCCEEDED" {
			in.run.outcome = "FAILED"
		}
	}
	st.pipeInstances[in.id] = in
	return rc.pipelineInstanceObj(in), nil
}

func (rc *reqCtx) stopPipelineInstance(a map[string]any) (any, error) {
	in := rc.st().pipeInstances[argStr(a, "pipelineInstanceId")]
	if in == nil {
		return nil, notExists("PipelineInstance")
	}
	if !finalStatuses[rc.pipelineStatus(in).status] && in.run.stopped.IsZero() {
		in.run.stopped = rc.now
		for _, id := range in.jobInstances {
			if ji := rc.st().jobInstances[id]; ji != nil && ji.run.stopped.IsZero() &&
				!finalStatuses[ji.run.current(rc.s.cfg.timeline, rc.now).status] {
				ji.run.stopped = rc.now
			}
		}
	}
	return rc.pipelineInstanceObj(in), nil
}

func (rc *reqCtx) deletePipelineInstances(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "pipelineId"))
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, id := range argStrings(a, "pipelineInstanceIds") {
		in := rc.st().pipeInstances[id]
		ok := in != nil && in.pipelineID == p.id && finalStatuses[rc.pipelineStatus(in).status]
		if ok {
			delete(rc.st().pipeInstances, id)
		}
		out = append(out, obj("DeletionResultItem", "id", id, "success", ok))
	}
	return nonNilObjs(out), nil
}

func (rc *reqCtx) deletePipelineVersions(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "pipelineId"))
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, x := range argList(a, "pipelineVersionNumbers") {
		n, _ := toInt(x)
		v := p.version(n)
		ok := v != nil && !v.current
		if ok {
			for _, in := range rc.st().pipelineRuns(p.id) {
				if in.version == n && !finalStatuses[rc.pipelineStatus(in).status] {
					ok = false
				}
			}
		}
		if ok {
			p.versions = slices.DeleteFunc(p.versions, func(x *pipelineVersion) bool { return x == v })
		}
		out = append(out, obj("DeletionVersionResultItem", "number", n, "success", ok))
	}
	return nonNilObjs(out), nil
}

func (rc *reqCtx) bulkDeletePipelineRuns(a map[string]any, keep func(in *pipelineInstance) bool) (any, error) {
	p, err := rc.getPipeline(argStr(a, "pipelineId"))
	if err != nil {
		return nil, err
	}
	st := rc.st()
	var ids []string
	for _, in := range st.pipelineRuns(p.id) {
		ids = append(ids, in.id)
	}
	picked := rc.selectDeletion(ids,
		func(id string) string { return rc.pipelineStatus(st.pipeInstances[id]).status },
		func(id string) bool { return keep(st.pipeInstances[id]) },
		argStrings(a, "excludePipelineInstanceIds"), argStrings(a, "includePipelineInstanceIds"))
	for _, id := range picked {
		delete(st.pipeInstances, id)
	}
	return len(picked), nil
}

func (rc *reqCtx) deletePipelineInstancesByStatusSelector(a map[string]any) (any, error) {
	sel := argStr(a, "selector")
	return rc.bulkDeletePipelineRuns(a, func(in *pipelineInstance) bool {
		return selectorMatches(sel, rc.pipelineStatus(in).status)
	})
}

func (rc *reqCtx) deletePipelineInstancesByDateSelector(a map[string]any) (any, error) {
	before, ok := parseDateTime(argStr(a, "beforeAt"))
	if !ok {
		return nil, notValid("Date", "beforeAt", "NOT_VALID")
	}
	return rc.bulkDeletePipelineRuns(a, func(in *pipelineInstance) bool { return in.run.start.Before(before) })
}

func (rc *reqCtx) duplicatePipeline(a map[string]any) (any, error) {
	p, err := rc.getPipeline(argStr(a, "originalPipelineId"))
	if err != nil {
		return nil, err
	}
	c := *p
	c.seqd = seqd{rc.st().next()}
	c.id, c.created, c.creator = rc.newUUID(), rc.now, rc.user
	c.name = copyName(p.name, func(n string) bool { return rc.pipelineNameUsed(p.projectID, n, "", "") != "" })
	c.alias = defaultAlias(c.name)
	for rc.pipelineNameUsed(p.projectID, "", c.alias, "") != "" {
		c.alias += "_"
	}
	cur := *p.currentVersion()
	cur.number, cur.current, cur.created, cur.creator = 1, true, rc.now, rc.user
	cur.jobNodes = slices.Clone(cur.jobNodes)
	if argBool(a, "duplicateJobs") {
		for i, n := range cur.jobNodes {
			if j := rc.st().jobs[n.jobID]; j != nil {
				dup := rc.cloneJob(j, j.projectID, copyName(j.name, func(x string) bool { return rc.jobNameUsed(j.projectID, x, "") }))
				dup.originalJobID = j.id
				cur.jobNodes[i].jobID = dup.id
			}
		}
	}
	c.versions = []*pipelineVersion{&cur}
	rc.st().pipelines[c.id] = &c
	return rc.pipelineObj(&c), nil
}

// ---------------------------------------------------------------- volumes

func (rc *reqCtx) createVolume(a map[string]any) (any, error) {
	in := argMap(a, "volume")
	p, err := rc.getProject(argStr(in, "projectId"))
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(argStr(in, "name"))
	if name == "" {
		return nil, notValid("Volume", "name", "EMPTY")
	}
	for _, v := range rc.st().projectVolumes(p.id) {
		if v.name == name {
			return nil, notValid("Volume", "name", "already used")
		}
	}
	size := argStr(in, "size")
	if !validDataSize(size) {
		return nil, notValid("Volume", "size", "NOT_VALID")
	}
	v := &volume{seqd: seqd{rc.st().next()}, id: rc.newUUID(), projectID: p.id, name: name, description: argStr(in, "description"),
		size: size, creator: rc.user, created: rc.now}
	rc.st().volumes[v.id] = v
	return rc.volumeObj(v), nil
}

// validDataSize accepts "<number> <unit>" with the usual units.
func validDataSize(s string) bool {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return false
	}
	if _, err := strconv.ParseFloat(num, 64); err != nil {
		return false
	}
	switch strings.ToUpper(unit) {
	case "B", "KB", "MB", "GB", "TB", "KIB", "MIB", "GIB", "TIB":
		return true
	}
	return false
}

func (rc *reqCtx) editVolume(a map[string]any) (any, error) {
	in := argMap(a, "volumeEdition")
	v, err := rc.getVolume(argStr(in, "id"))
	if err != nil {
		return nil, err
	}
	if n := argOptStr(in, "name"); n != nil {
		v.name = *n
	}
	if d := argOptStr(in, "description"); d != nil {
		v.description = *d
	}
	if s := argOptStr(in, "size"); s != nil {
		if !validDataSize(*s) {
			return nil, notValid("Volume", "size", "NOT_VALID")
		}
		v.size = *s
	}
	return rc.volumeObj(v), nil
}

func (rc *reqCtx) deleteVolume(a map[string]any) (any, error) {
	v, err := rc.getVolume(argStr(a, "id"))
	if err != nil {
		return nil, err
	}
	if rc.linkedApp(v) != nil {
		return nil, notValid("Volume", "volume", "LINKED_TO_APP")
	}
	o := rc.volumeObj(v)
	rc.unmount(v.id)
	delete(rc.st().volumes, v.id)
	return o, nil
}

// unmount removes a volume from every app version that mounts it.
func (rc *reqCtx) unmount(id string) {
	for _, ap := range rc.st().apps {
		for _, ver := range ap.versions {
			ver.volumes = slices.DeleteFunc(ver.volumes, func(m volumeMount) bool { return m.volumeID == id })
		}
	}
}

func (rc *reqCtx) unlinkVolume(a map[string]any) (any, error) {
	v, err := rc.getVolume(argStr(a, "id"))
	if err != nil {
		return nil, err
	}
	if rc.linkedApp(v) != nil {
		return nil, notValid("Volume", "volume", "LINKED_TO_APP")
	}
	rc.unmount(v.id)
	return rc.volumeObj(v), nil
}

func (rc *reqCtx) moveVolume(a map[string]any) (any, error) {
	v, err := rc.getVolume(argStr(a, "volumeId"))
	if err != nil {
		return nil, err
	}
	if pid, _ := argInt(a, "targetPlatformId"); pid != rc.s.PlatformID {
		return nil, notValid("Volume", "targetPlatformId", "NOT_EXISTS")
	}
	target, err := rc.getProject(argStr(a, "targetProjectId"))
	if err != nil {
		return nil, err
	}
	if rc.linkedApp(v) != nil {
		return nil, notValid("Volume", "volume", "LINKED_TO_APP")
	}
	c := *v
	c.seqd = seqd{rc.st().next()}
	c.id, c.projectID = rc.newUUID(), target.id
	rc.unmount(v.id)
	delete(rc.st().volumes, v.id)
	rc.st().volumes[c.id] = &c
	return c.id, nil
}

func (rc *reqCtx) duplicateVolume(a map[string]any) (any, error) {
	v, err := rc.getVolume(argStr(a, "originalVolumeId"))
	if err != nil {
		return nil, err
	}
	c := *v
	c.seqd = seqd{rc.st().next()}
	c.id, c.originalID, c.created, c.creator = rc.newUUID(), v.id, rc.now, rc.user
	c.name = copyName(v.name, func(n string) bool {
		for _, x := range rc.st().projectVolumes(v.projectID) {
			if x.name == n {
				return true
			}
		}
		return false
	})
	rc.st().volumes[c.id] = &c
	return rc.volumeObj(&c), nil
}

// ---------------------------------------------------------------- docker credentials

func (rc *reqCtx) credsClash(projectID, registry, username, except string) bool {
	for _, c := range rc.st().dockerCreds {
		if c.projectID == projectID && c.registry == registry && c.username == username && c.id != except {
			return true
		}
	}
	return false
}

func (rc *reqCtx) createDockerCredentials(a map[string]any) (any, error) {
	in := argMap(a, "dockerCredentials")
	p, err := rc.getProject(argStr(in, "projectId"))
	if err != nil {
		return nil, err
	}
	c := &dockerCred{seqd: seqd{rc.st().next()}, id: rc.newUUID(), projectID: p.id, username: argStr(in, "username"),
		password: argStr(in, "password"), updated: rc.now}
	if r := argOptStr(in, "registry"); r != nil && *r != "" {
		c.registry, c.hasRegistry = *r, true
	}
	if c.username == "" || c.password == "" {
		return nil, notValid("DockerCredentials", "username", "EMPTY")
	}
	if rc.credsClash(p.id, c.registry, c.username, "") {
		return nil, notValid("DockerCredentials", "username", "already used")
	}
	rc.st().dockerCreds[c.id] = c
	return rc.dockerCredObj(c), nil
}

func (rc *reqCtx) updateDockerCredentials(a map[string]any) (any, error) {
	in := argMap(a, "dockerCredentialsUpdate")
	c := rc.st().dockerCreds[argStr(in, "id")]
	if c == nil || c.projectID != argStr(in, "projectId") {
		return nil, notExists("DockerCredentials")
	}
	next := *c
	if r := argOptStr(in, "registry"); r != nil {
		next.registry, next.hasRegistry = *r, *r != ""
	}
	if u := argOptStr(in, "username"); u != nil && *u != "" {
		next.username = *u
	}
	next.password = argStr(in, "password")
	if next.password == "" {
		return nil, notValid("DockerCredentials", "password", "EMPTY")
	}
	if rc.credsClash(c.projectID, next.registry, next.username, c.id) {
		return nil, notValid("DockerCredentials", "username", "already used")
	}
	next.updated = rc.now
	*c = next
	return rc.dockerCredObj(c), nil
}

func (rc *reqCtx) deleteDockerCredentials(a map[string]any) (any, error) {
	c := rc.st().dockerCreds[argStr(a, "id")]
	if c == nil || c.projectID != argStr(a, "projectId") {
		return nil, notExists("DockerCredentials")
	}
	delete(rc.st().dockerCreds, c.id)
	return true, nil
}

// lastEventTime is used to keep app events strictly ordered when a frozen
// clock gives several actions the same time.
func lastEventTime(a *app, now time.Time) time.Time {
	if n := len(a.events); n > 0 && !now.After(a.events[n-1].at) {
		return a.events[n-1].at.Add(time.Millisecond)
	}
	return now
}
