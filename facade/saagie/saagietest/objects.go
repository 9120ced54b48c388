package saagietest

import (
	"slices"
	"strconv"
	"time"
)

// The builders below turn stored records into GraphQL objects. Fields that
// lead to other objects, or take arguments, are resolvers, so nothing is
// computed unless a query selects it.

func (rc *reqCtx) projectStatus(p *project) string {
	init := rc.s.cfg.timeline.ProjectInit
	age := rc.now.Sub(p.created)
	switch {
	case age >= init:
		return "READY"
	case age < init/3:
		return "INIT_REQUESTED"
	default:
		return "INITIALIZING"
	}
}

func (rc *reqCtx) projectObj(p *project) *object {
	st := rc.st()
	return obj("Project",
		"id", p.id, "name", p.name, "creator", p.creator, "description", p.description,
		"jobsCount", len(st.projectJobs(p.id)),
		"status", rc.projectStatus(p),
		"jobs", resolver(func(a map[string]any) (any, error) {
			jobs := st.projectJobs(p.id)
			if n, ok := argInt(a, "limit"); ok && n >= 0 && n < len(jobs) {
				jobs = jobs[:n]
			}
			return mapObjs(jobs, rc.jobObj), nil
		}),
		"apps", resolver(func(map[string]any) (any, error) { return mapObjs(st.projectApps(p.id), rc.appObj), nil }),
		"pipelines", resolver(func(map[string]any) (any, error) {
			return mapObjs(st.projectPipelines(p.id), rc.pipelineObj), nil
		}),
		"volumes", resolver(func(map[string]any) (any, error) { return mapObjs(st.projectVolumes(p.id), rc.volumeObj), nil }),
		"technologiesByCategory", resolver(func(map[string]any) (any, error) {
			var out []*object
			for _, cat := range p.jobCats {
				out = append(out, obj("TechnologyByCategory", "jobCategory", cat, "technologies", techRefs(p.jobTechs[cat])))
			}
			return out, nil
		}),
		"appTechnologies", resolver(func(map[string]any) (any, error) { return techRefs(p.appTechs), nil }),
	)
}

func techRefs(ids []string) []*object {
	out := []*object{}
	for _, id := range ids {
		out = append(out, obj("Technology", "id", id))
	}
	return out
}

func mapObjs[T any](items []T, f func(T) *object) []*object {
	out := make([]*object, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

func alertingObj(typ string, a *alerting) any {
	if a == nil {
		return nil
	}
	var logins []*object
	for _, l := range a.logins {
		logins = append(logins, obj("UserEmail", "login", l, "email", l+"@example.com"))
	}
	return obj(typ, "emails", nonNilStrings(a.emails), "statusList", nonNilStrings(a.statusList), "loginEmails", logins)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func resourcesObj(typ string, r *resources) any {
	if r == nil {
		return nil
	}
	rl := func(x *reqLimit) any {
		if x == nil {
			return nil
		}
		return obj("ResourceRequestLimit", "request", x.request, "limit", x.limit)
	}
	return obj(typ, "cpu", rl(r.cpu), "memory", rl(r.memory), "gpu", rl(r.gpu))
}

// ---------------------------------------------------------------- jobs

func (rc *reqCtx) jobObj(j *job) *object {
	st := rc.st()
	deletable := func() (bool, []string) {
		var reasons []string
		for _, in := range st.jobRuns(j.id) {
			if !finalStatuses[in.run.current(rc.s.cfg.timeline, rc.now).status] {
				reasons = append(reasons, "HAS_UNFINISHED_INSTANCES")
				break
			}
		}
		if len(rc.pipelinesUsing(j.id, true)) > 0 {
			reasons = append(reasons, "LINKED_TO_PIPELINE")
		}
		return len(reasons) == 0, reasons
	}
	var tech any
	if j.technologyID != "" {
		tech = obj("Technology", "id", j.technologyID)
	}
	return obj("Job",
		"id", j.id, "name", j.name, "alias", optString(j.alias), "description", j.description,
		"category", j.category, "technology", tech,
		"project", resolver(func(map[string]any) (any, error) {
			if p := st.projects[j.projectID]; p != nil {
				return rc.projectObj(p), nil
			}
			return nil, nil
		}),
		"countJobInstance", len(st.jobRuns(j.id)),
		"instances", resolver(func(a map[string]any) (any, error) {
			runs := st.jobRuns(j.id)
			if argBool(a, "lastExecution") && len(runs) > 1 {
				runs = runs[:1]
			}
			if in, ok := a["checkInPipelineInstance"].(bool); ok && !in {
				runs = slices.DeleteFunc(slices.Clone(runs), func(i *jobInstance) bool { return i.pipelineInstance != "" })
			}
			return mapObjs(page(runs, a), rc.jobInstanceObj), nil
		}),
		"versions", resolver(func(a map[string]any) (any, error) {
			vs := slices.Clone(j.versions)
			slices.Reverse(vs) // newest first
			if argBool(a, "onlyCurrent") {
				vs = slices.DeleteFunc(vs, func(v *jobVersion) bool { return !v.current })
			}
			if n, ok := argInt(a, "limit"); ok && n >= 0 && n < len(vs) {
				vs = vs[:n]
			}
			return mapObjs(vs, func(v *jobVersion) *object { return rc.jobVersionObj(j, v) }), nil
		}),
		"isScheduled", j.isScheduled, "cronScheduling", optString(j.cron),
		"scheduleStatus", scheduleStatus(j.isScheduled), "scheduleTimezone", optString(j.timezone),
		"alerting", alertingObj("JobPipelineAlerting", j.alerting),
		"isStreaming", j.isStreaming, "creationDate", dateTime(j.created),
		"migrationStatus", nil, "migrationProjectId", nil, "originalJobId", optString(j.originalJobID),
		"isDeletable", resolver(func(map[string]any) (any, error) { ok, _ := deletable(); return ok, nil }),
		"deletableState", resolver(func(map[string]any) (any, error) {
			ok, reasons := deletable()
			return obj("JobDeletableState", "deletable", ok, "reasons", nonNilStrings(reasons)), nil
		}),
		"graphPipelines", resolver(func(a map[string]any) (any, error) {
			return mapObjs(rc.pipelinesUsing(j.id, argBool(a, "isCurrent")), rc.pipelineObj), nil
		}),
		"doesUseGPU", j.doesUseGPU,
		"resources", resourcesObj("JobResourceRequestLimit", j.resources),
	)
}

func scheduleStatus(scheduled bool) any {
	if scheduled {
		return "READY"
	}
	return nil
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// pipelinesUsing lists the pipelines with a node running the job, in
// their current version only or in any version.
func (rc *reqCtx) pipelinesUsing(jobID string, currentOnly bool) []*pipeline {
	return ordered(rc.st().pipelines, func(p *pipeline) bool {
		for _, v := range p.versions {
			if currentOnly && !v.current {
				continue
			}
			for _, n := range v.jobNodes {
				if n.jobID == jobID {
					return true
				}
			}
		}
		return false
	})
}

// artifactPath is the REST download path of a version's artifact, as the
// platform returns it in packageInfo.downloadUrl (relative to the base URL).
func (rc *reqCtx) artifactPath(j *job, v *jobVersion) string {
	return "/projects/api/platform/" + strconv.Itoa(rc.s.PlatformID) + "/project/" + j.projectID +
		"/job/" + j.id + "/version/" + strconv.Itoa(v.number) + "/artifact/" + v.artifact.Filename
}

func (rc *reqCtx) jobVersionObj(j *job, v *jobVersion) *object {
	var pkg, docker, extra any
	if v.artifact != nil {
		pkg = obj("JobPackage", "name", v.artifact.Filename, "downloadUrl", rc.artifactPath(j, v))
	}
	if v.image != "" {
		docker = obj("JobDocker", "image", v.image, "dockerCredentialsId", optString(v.dockerCredsID))
	}
	if v.extraLanguage != "" {
		extra = obj("ExtraTechnology", "language", v.extraLanguage, "version", v.extraVersion)
	}
	return obj("JobVersion",
		"number", v.number, "creationDate", dateTime(v.created), "releaseNote", v.releaseNote,
		"runtimeVersion", optString(v.runtimeVersion), "commandLine", optString(v.commandLine),
		"packageInfo", pkg, "dockerInfo", docker, "extraTechnology", extra,
		"isCurrent", v.current, "isMajor", v.major, "creator", v.creator, "sourceUrl", v.sourceURL,
		"deletableState", resolver(func(map[string]any) (any, error) {
			var reasons []string
			if v.current {
				reasons = append(reasons, "CURRENT_VERSION")
			}
			for _, in := range rc.st().jobRuns(j.id) {
				if in.version == v.number && !finalStatuses[in.run.current(rc.s.cfg.timeline, rc.now).status] {
					reasons = append(reasons, "VERSION_HAS_UNFINISHED_INSTANCES")
					break
				}
			}
			return obj("JobVersionDeletableState", "deletable", len(reasons) == 0, "reasons", nonNilStrings(reasons)), nil
		}),
	)
}

func (rc *reqCtx) statusObj(ev statusEvent, reason string) *object {
	return obj("InstanceStatusDetails", "status", ev.status, "details", nil, "reason", optString(reason), "recordAt", dateTime(ev.at))
}

func (rc *reqCtx) historyObj(r *run) *object {
	h := r.history(rc.s.cfg.timeline, rc.now)
	var statuses []*object
	for i, ev := range h {
		reason := ""
		if i == len(h)-1 {
			reason = r.reason
		}
		statuses = append(statuses, rc.statusObj(ev, reason))
	}
	return obj("InstanceHistory", "statuses", statuses, "currentStatus", statuses[len(statuses)-1])
}

func (rc *reqCtx) endTime(r *run) any {
	cur := r.current(rc.s.cfg.timeline, rc.now)
	if finalStatuses[cur.status] {
		return dateTime(cur.at)
	}
	return nil
}

func (rc *reqCtx) jobInstanceObj(in *jobInstance) *object {
	st := rc.st()
	j := st.jobs[in.jobID]
	cur := in.run.current(rc.s.cfg.timeline, rc.now)
	o := obj("JobInstance",
		"id", in.id, "number", in.number, "status", cur.status,
		"history", resolver(func(map[string]any) (any, error) { return rc.historyObj(&in.run), nil }),
		"startTime", dateTime(in.run.start), "endTime", rc.endTime(&in.run),
		"jobId", in.jobID, "pipelineInstanceId", optString(in.pipelineInstance),
		"executionGlobalVariablesInput", resolver(func(map[string]any) (any, error) {
			var out []*object
			for _, v := range ordered(st.envVars, func(v *envVar) bool { return v.scope == "GLOBAL" }) {
				out = append(out, execVarObj(v.name, v.value, v.isPassword))
			}
			return out, nil
		}),
		"executionVariablesOutput", []*object{},
	)
	if j != nil {
		o.set("jobAlias", optString(j.alias))
		if v := j.version(in.version); v != nil {
			o.set("version", rc.jobVersionObj(j, v))
		}
	}
	return o
}

func execVarObj(key, value string, password bool) *object {
	var v any = value
	if password {
		v = nil
	}
	return obj("ExecutionVariable", "key", key, "value", v, "isPassword", password)
}

// ---------------------------------------------------------------- pipelines

func (rc *reqCtx) pipelineObj(p *pipeline) *object {
	st := rc.st()
	return obj("Pipeline",
		"id", p.id, "name", p.name, "alias", p.alias, "description", p.description,
		"alerting", alertingObj("JobPipelineAlerting", p.alerting),
		"hasExecutionVariablesEnabled", p.execVars,
		"pipelineInstanceCount", len(st.pipelineRuns(p.id)),
		"instances", resolver(func(a map[string]any) (any, error) {
			runs := st.pipelineRuns(p.id)
			if argBool(a, "lastExecution") && len(runs) > 1 {
				runs = runs[:1]
			}
			return mapObjs(page(runs, a), rc.pipelineInstanceObj), nil
		}),
		"versions", resolver(func(a map[string]any) (any, error) {
			vs := slices.Clone(p.versions)
			slices.Reverse(vs)
			if argBool(a, "onlyCurrent") {
				vs = slices.DeleteFunc(vs, func(v *pipelineVersion) bool { return !v.current })
			}
			if n, ok := argInt(a, "limit"); ok && n >= 0 && n < len(vs) {
				vs = vs[:n]
			}
			return mapObjs(vs, func(v *pipelineVersion) *object { return rc.pipelineVersionObj(p, v) }), nil
		}),
		"project", resolver(func(map[string]any) (any, error) {
			if pr := st.projects[p.projectID]; pr != nil {
				return rc.projectObj(pr), nil
			}
			return nil, nil
		}),
		"creationDate", dateTime(p.created), "creator", p.creator,
		"isScheduled", p.isScheduled, "cronScheduling", optString(p.cron),
		"scheduleStatus", scheduleStatus(p.isScheduled), "scheduleTimezone", optString(p.timezone),
		"isLegacyPipeline", false,
	)
}

func position(x, y *float64) any {
	if x == nil || y == nil {
		return nil
	}
	return obj("NodePosition", "x", *x, "y", *y)
}

func (rc *reqCtx) pipelineVersionObj(p *pipeline, v *pipelineVersion) *object {
	st := rc.st()
	graph := obj("PipelineGraph",
		"jobNodes", resolver(func(map[string]any) (any, error) {
			var out []*object
			for _, n := range v.jobNodes {
				var jo any
				if j := st.jobs[n.jobID]; j != nil {
					jo = rc.jobObj(j)
				}
				out = append(out, obj("JobNode", "id", n.id, "job", jo, "position", position(n.x, n.y), "nextNodes", nonNilStrings(n.next)))
			}
			return out, nil
		}),
		"conditionNodes", resolver(func(map[string]any) (any, error) {
			var out []*object
			for _, n := range v.condNodes {
				var cond *object
				if n.expression != "" {
					cond = obj("ConditionExpression", "toString", n.expression, "expression", n.expression)
				} else {
					cond = obj("ConditionStatus", "toString", n.preset, "value", n.preset)
				}
				out = append(out, obj("ConditionNode", "id", n.id, "position", position(n.x, n.y),
					"nextNodesSuccess", nonNilStrings(n.onSuccess), "nextNodesFailure", nonNilStrings(n.onFail), "condition", cond))
			}
			return out, nil
		}),
	)
	return obj("PipelineVersion",
		"number", v.number, "releaseNote", v.releaseNote, "graph", graph,
		"creationDate", dateTime(v.created), "creator", v.creator,
		"isCurrent", v.current, "isMajor", v.major, "sourceUrl", v.sourceURL,
		"deletableState", resolver(func(map[string]any) (any, error) {
			var reasons []string
			if v.current {
				reasons = append(reasons, "CURRENT_VERSION")
			}
			for _, in := range st.pipelineRuns(p.id) {
				if in.version == v.number && !finalStatuses[rc.pipelineStatus(in).status] {
					reasons = append(reasons, "VERSION_HAS_UNFINISHED_INSTANCES")
					break
				}
			}
			return obj("PipelineVersionDeletableState", "deletable", len(reasons) == 0, "reasons", nonNilStrings(reasons)), nil
		}),
	)
}

// pipelineStatus is the instance's own run.
func (rc *reqCtx) pipelineStatus(in *pipelineInstance) statusEvent {
	return in.run.current(rc.s.cfg.timeline, rc.now)
}

func (rc *reqCtx) pipelineInstanceObj(in *pipelineInstance) *object {
	st := rc.st()
	p := st.pipelines[in.pipelineID]
	cur := rc.pipelineStatus(in)
	var jobRuns []*jobInstance
	for _, id := range in.jobInstances {
		if ji := st.jobInstances[id]; ji != nil {
			jobRuns = append(jobRuns, ji)
		}
	}
	o := obj("PipelineInstance",
		"id", in.id, "number", in.number, "status", cur.status,
		"jobsInstance", resolver(func(a map[string]any) (any, error) {
			return mapObjs(page(jobRuns, a), rc.jobInstanceObj), nil
		}),
		"conditionsInstance", []*object{},
		"initialExecutionVariables", []*object{},
		"runWithExecutionVariables", false,
		"startTime", dateTime(in.run.start), "endTime", rc.endTime(&in.run),
		"pipelineId", in.pipelineID,
	)
	if p != nil {
		o.set("pipelineName", p.name)
		v := p.version(in.version)
		if v != nil {
			o.set("version", rc.pipelineVersionObj(p, v))
			o.set("nodeStatuses", resolver(func(map[string]any) (any, error) {
				var out []*object
				for i, n := range v.jobNodes {
					status := "AWAITING"
					if i < len(jobRuns) {
						status = jobRuns[i].run.current(rc.s.cfg.timeline, rc.now).status
					}
					out = append(out, obj("NodeStatus", "nodeId", n.id, "status", status))
				}
				return out, nil
			}))
		}
	}
	return o
}

// ---------------------------------------------------------------- apps

// appStatus is an app's status now, from its last action: a run starts it
// (STARTING, then STARTED), a stop stops it (STOPPING, then STOPPED).
func (rc *reqCtx) appStatus(a *app) (string, time.Time) {
	if len(a.events) == 0 {
		return "STOPPED", a.created
	}
	last := a.events[len(a.events)-1]
	if last.status != "" {
		return last.status, last.at
	}
	tl := rc.s.cfg.timeline
	switch last.kind {
	case "StopAction":
		if end := last.at.Add(tl.Stopping); !end.After(rc.now) {
			return "STOPPED", end
		}
		return "STOPPING", last.at
	default:
		if end := last.at.Add(tl.Starting); !end.After(rc.now) {
			return "STARTED", end
		}
		if last.kind == "RestartAction" {
			return "RESTARTING", last.at
		}
		return "STARTING", last.at
	}
}

func (rc *reqCtx) appObj(a *app) *object {
	st := rc.st()
	cur := a.version(a.currentVersion)
	var curObj any
	if cur != nil {
		curObj = rc.appVersionObj(cur)
	}
	return obj("App",
		"id", a.id, "name", a.name, "description", a.description,
		"creationDate", dateTime(a.created), "creator", a.creator,
		"versions", resolver(func(map[string]any) (any, error) {
			vs := slices.Clone(a.versions)
			slices.Reverse(vs)
			return mapObjs(vs, rc.appVersionObj), nil
		}),
		"currentVersion", curObj,
		"technology", obj("Technology", "id", a.technologyID),
		"project", resolver(func(map[string]any) (any, error) {
			if p := st.projects[a.projectID]; p != nil {
				return rc.projectObj(p), nil
			}
			return nil, nil
		}),
		"linkedVolumes", resolver(func(map[string]any) (any, error) {
			var out []*object
			if cur != nil {
				for _, m := range cur.volumes {
					if v := st.volumes[m.volumeID]; v != nil {
						out = append(out, rc.volumeObj(v))
					}
				}
			}
			return out, nil
		}),
		"isGenericApp", rc.isGenericTech(a.technologyID),
		"history", resolver(func(map[string]any) (any, error) { return rc.appHistoryObj(a), nil }),
		"alerting", alertingObj("AppAlerting", a.alerting),
		"resources", resourcesObj("AppResourceRequestLimit", a.resources),
	)
}

func (rc *reqCtx) isGenericTech(id string) bool {
	t := rc.st().technologies[id]
	return t != nil && slices.Contains(t.flags, "GenericApp")
}

func (rc *reqCtx) appVersionObj(v *appVersion) *object {
	st := rc.st()
	var docker any
	if v.image != "" {
		docker = obj("AppDocker", "image", v.image, "dockerCredentialsId", optString(v.credsID))
	}
	var ports []*object
	for _, p := range v.ports {
		ports = append(ports, obj("Port", "name", optString(p.name), "number", p.number, "isRewriteUrl", p.rewrite,
			"basePathVariableName", optString(p.basePathVar), "scope", optString(p.scope),
			"internalUrl", "http://app-"+strconv.Itoa(p.number)+".internal:"+strconv.Itoa(p.number)))
	}
	var mounts []*object
	for _, m := range v.volumes {
		var vo any
		if vol := st.volumes[m.volumeID]; vol != nil {
			vo = rc.volumeObj(vol)
		}
		mounts = append(mounts, obj("VolumeWithPath", "path", m.path, "volume", vo))
	}
	return obj("AppVersion",
		"number", v.number, "creationDate", dateTime(v.created), "releaseNote", v.releaseNote,
		"dockerInfo", docker, "runtimeContextId", optString(v.runtimeContextID), "creator", v.creator,
		"ports", nonNilObjs(ports), "isMajor", v.major, "volumesWithPath", nonNilObjs(mounts))
}

// appEventStatuses are the statuses an action led to, up to now.
func (rc *reqCtx) appEventStatuses(a *app, i int) []statusEvent {
	ev := a.events[i]
	end := rc.now
	if i+1 < len(a.events) {
		end = a.events[i+1].at
	}
	tl := rc.s.cfg.timeline
	var out []statusEvent
	add := func(status string, at time.Time) {
		if !at.After(end) || at.Equal(ev.at) {
			out = append(out, statusEvent{status, at})
		}
	}
	if ev.status != "" {
		add(ev.status, ev.at)
		return out
	}
	if ev.kind == "StopAction" {
		add("STOPPING", ev.at)
		if done := ev.at.Add(tl.Stopping); !done.After(rc.now) {
			add("STOPPED", done)
		}
		return out
	}
	add("STARTING", ev.at)
	if done := ev.at.Add(tl.Starting); !done.After(rc.now) {
		add("STARTED", done)
	}
	return out
}

func (rc *reqCtx) appHistoryObj(a *app) *object {
	status, _ := rc.appStatus(a)
	running := a.currentVersion
	var execID, author, trigger any
	var start, stop any
	if n := len(a.events); n > 0 {
		last := a.events[n-1]
		running = last.version
		execID = last.executionID
		author = last.author
		trigger = "MANUAL_APP"
		for i := n - 1; i >= 0; i-- {
			if a.events[i].kind != "StopAction" {
				start = dateTime(a.events[i].at)
				break
			}
		}
		if last.kind == "StopAction" {
			stop = dateTime(last.at)
		}
	}
	var docker any
	if v := a.version(running); v != nil && v.image != "" {
		docker = obj("AppDocker", "image", v.image, "dockerCredentialsId", optString(v.credsID))
	}
	return obj("AppHistory",
		"id", a.historyID, "countEvents", len(a.events),
		"events", resolver(func(args map[string]any) (any, error) {
			var all []*object
			for i := len(a.events) - 1; i >= 0; i-- {
				ev := a.events[i]
				action := obj("StatusHistory", "appHistoryId", a.historyID, "transitionTime", dateTime(ev.at),
					"event", obj(ev.kind, "recordAt", dateTime(ev.at), "executionId", ev.executionID,
						"versionNumber", ev.version, "author", ev.author, "triggerType", "MANUAL_APP"))
				var statuses []*object
				for _, s := range rc.appEventStatuses(a, i) {
					statuses = append(statuses, obj("StatusHistory", "appHistoryId", a.historyID, "transitionTime", dateTime(s.at),
						"event", obj("StatusRetrieve", "recordAt", dateTime(s.at), "executionId", ev.executionID,
							"versionNumber", ev.version, "status", s.status, "reason", nil)))
				}
				all = append(all, obj("StatusHistoryByAction", "id", ev.id, "appHistoryId", a.historyID, "action", action, "statuses", statuses))
			}
			return page(all, args), nil
		}),
		"runningVersionNumber", running, "currentDockerInfo", docker,
		"currentStatus", status, "currentStatusReason", nil, "currentExecutionId", execID,
		"startTime", start, "stopTime", stop, "author", author, "triggerType", trigger,
	)
}

// ---------------------------------------------------------------- volumes, env vars, credentials

// linkedApp is the app whose current version mounts the volume.
func (rc *reqCtx) linkedApp(v *volume) *app {
	for _, a := range ordered(rc.st().apps, nil) {
		if cur := a.version(a.currentVersion); cur != nil {
			for _, m := range cur.volumes {
				if m.volumeID == v.id {
					return a
				}
			}
		}
	}
	return nil
}

func (rc *reqCtx) volumeObj(v *volume) *object {
	return obj("Volume",
		"id", v.id, "name", v.name, "creator", v.creator, "description", v.description,
		"size", v.size, "projectId", v.projectID, "creationDate", dateTime(v.created),
		"linkedApp", resolver(func(map[string]any) (any, error) {
			if a := rc.linkedApp(v); a != nil {
				return rc.appObj(a), nil
			}
			return nil, nil
		}),
		"duplicationStatus", nil, "originalVolumeId", optString(v.originalID), "isLocked", false,
	)
}

func (rc *reqCtx) envVarObj(v *envVar, overridden []*envVar) *object {
	var value any = v.value
	if v.isPassword {
		value = nil
	}
	var ov []*object
	for _, o := range overridden {
		var ovv any = o.value
		if o.isPassword {
			ovv = nil
		}
		ov = append(ov, obj("OverriddenValues", "scope", o.scope, "id", o.id, "value", ovv, "description", o.description, "isPassword", o.isPassword))
	}
	if ov == nil {
		ov = []*object{}
	}
	return obj("EnvironmentVariable",
		"id", v.id, "name", v.name, "scope", v.scope, "value", value, "description", v.description,
		"isPassword", v.isPassword, "overriddenValues", ov, "isValid", true, "invalidReasons", []*object{})
}

func (rc *reqCtx) dockerCredObj(c *dockerCred) *object {
	st := rc.st()
	var registry any
	if c.hasRegistry {
		registry = c.registry
	}
	return obj("DockerCredentials",
		"id", c.id, "registry", registry, "username", c.username, "lastUpdate", dateTime(c.updated),
		"jobs", resolver(func(map[string]any) (any, error) {
			return mapObjs(ordered(st.jobs, func(j *job) bool {
				cur := j.currentVersion()
				return cur != nil && cur.dockerCredsID == c.id
			}), rc.jobObj), nil
		}),
		"apps", resolver(func(map[string]any) (any, error) {
			return mapObjs(ordered(st.apps, func(a *app) bool {
				cur := a.version(a.currentVersion)
				return cur != nil && cur.credsID == c.id
			}), rc.appObj), nil
		}),
	)
}
