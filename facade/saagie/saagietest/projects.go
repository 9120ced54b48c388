package saagietest

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Lookups of the id arguments: an unknown id answers Saagie's validation
// error, {"message":"Job not valid","extensions":{"job":"NOT_EXISTS",
// "classification":"ValidationError"}}, with the field null.

func (rc *reqCtx) getProject(id string) (*project, error) {
	if p := rc.st().projects[id]; p != nil {
		return p, nil
	}
	return nil, notExists("Project")
}

func (rc *reqCtx) getJob(id string) (*job, error) {
	if j := rc.st().jobs[id]; j != nil {
		return j, nil
	}
	return nil, notExists("Job")
}

func (rc *reqCtx) getPipeline(id string) (*pipeline, error) {
	if p := rc.st().pipelines[id]; p != nil {
		return p, nil
	}
	return nil, notExists("Pipeline")
}

func (rc *reqCtx) getApp(id string) (*app, error) {
	if a := rc.st().apps[id]; a != nil {
		return a, nil
	}
	return nil, notExists("App")
}

func (rc *reqCtx) getVolume(id string) (*volume, error) {
	if v := rc.st().volumes[id]; v != nil {
		return v, nil
	}
	return nil, notExists("Volume")
}

// projectsQuery is the Query root of the Projects endpoint.
func (s *Server) projectsQuery(rc *reqCtx) *object {
	st := s.st
	return obj("Query",
		"platform", resolver(func(map[string]any) (any, error) {
			return obj("Platform", "id", s.PlatformID, "name", s.cfg.platform,
				"counts", obj("PlatformCounts", "projects", len(st.projects), "jobs", len(st.jobs),
					"apps", len(st.apps), "pipelines", len(st.pipelines))), nil
		}),
		"getClusterCapacity", resolver(func(map[string]any) (any, error) {
			return []*object{
				obj("ClusterNodeCapacity", "cpu", 8.0, "gpu", 0.0, "memory", 32.0),
				obj("ClusterNodeCapacity", "cpu", 8.0, "gpu", 1.0, "memory", 64.0),
			}, nil
		}),
		"projects", resolver(func(map[string]any) (any, error) {
			// search, first and skip are declared but not implemented.
			return mapObjs(ordered(st.projects, nil), rc.projectObj), nil
		}),
		"project", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getProject(argStr(a, "id"))
			if err != nil {
				return nil, err
			}
			return rc.projectObj(p), nil
		}),
		"projectByName", resolver(func(a map[string]any) (any, error) {
			name := argStr(a, "name")
			for _, p := range ordered(st.projects, nil) {
				if p.name == name {
					return rc.projectObj(p), nil
				}
			}
			return nil, nil
		}),
		"rights", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getProject(argStr(a, "projectId"))
			if err != nil {
				return nil, err
			}
			var out []*object
			for _, g := range p.groups {
				out = append(out, obj("SecurityGroup", "name", g.name, "role", g.role, "isAllProjects", false))
			}
			return out, nil
		}),
		"jobs", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getProject(argStr(a, "projectId"))
			if err != nil {
				return nil, err
			}
			cat, tech := argStr(a, "category"), argStr(a, "technologyId")
			return mapObjs(slices.DeleteFunc(st.projectJobs(p.id), func(j *job) bool {
				return cat != "" && j.category != cat || tech != "" && j.technologyID != tech
			}), rc.jobObj), nil
		}),
		"job", resolver(func(a map[string]any) (any, error) {
			j, err := rc.getJob(argStr(a, "id"))
			if err != nil {
				return nil, err
			}
			return rc.jobObj(j), nil
		}),
		"jobByAlias", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getProject(argStr(a, "projectId"))
			if err != nil {
				return nil, err
			}
			for _, j := range st.projectJobs(p.id) {
				if j.alias == argStr(a, "alias") {
					return rc.jobObj(j), nil
				}
			}
			return nil, nil
		}),
		"jobInstance", resolver(func(a map[string]any) (any, error) {
			in := st.jobInstances[argStr(a, "id")]
			if in == nil {
				return nil, notExists("JobInstance")
			}
			return rc.jobInstanceObj(in), nil
		}),
		"countJobInstancesBySelector", resolver(func(a map[string]any) (any, error) {
			j, err := rc.getJob(argStr(a, "jobId"))
			if err != nil {
				return nil, err
			}
			return rc.selectorCounts("JobInstanceSelectorCount", jobRunsAsRuns(st.jobRuns(j.id))), nil
		}),
		"countJobInstancesByDate", resolver(func(a map[string]any) (any, error) {
			j, err := rc.getJob(argStr(a, "jobId"))
			if err != nil {
				return nil, err
			}
			before, ok := parseDateTime(argStr(a, "beforeAt"))
			if !ok {
				return nil, notValid("Date", "beforeAt", "NOT_VALID")
			}
			return len(rc.deletableBefore(jobRunsAsRuns(st.jobRuns(j.id)), before)), nil
		}),
		"graphPipeline", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getPipeline(argStr(a, "id"))
			if err != nil {
				return nil, err
			}
			return rc.pipelineObj(p), nil
		}),
		"graphPipelineByName", resolver(func(a map[string]any) (any, error) {
			return rc.pipelineBy(a, func(p *pipeline) bool { return p.name == argStr(a, "name") }, false)
		}),
		"graphPipelineByAlias", resolver(func(a map[string]any) (any, error) {
			return rc.pipelineBy(a, func(p *pipeline) bool { return p.alias == argStr(a, "alias") }, true)
		}),
		"pipelineInstance", resolver(func(a map[string]any) (any, error) {
			in := st.pipeInstances[argStr(a, "id")]
			if in == nil {
				return nil, notExists("PipelineInstance")
			}
			return rc.pipelineInstanceObj(in), nil
		}),
		"countDeletablePipelineInstancesByStatus", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getPipeline(argStr(a, "pipelineId"))
			if err != nil {
				return nil, err
			}
			return rc.selectorCounts("PipelineInstanceSelectorCount", pipeRunsAsRuns(st.pipelineRuns(p.id))), nil
		}),
		"countDeletablePipelineInstancesByDate", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getPipeline(argStr(a, "pipelineId"))
			if err != nil {
				return nil, err
			}
			before, ok := parseDateTime(argStr(a, "beforeAt"))
			if !ok {
				return nil, notValid("Date", "beforeAt", "NOT_VALID")
			}
			return len(rc.deletableBefore(pipeRunsAsRuns(st.pipelineRuns(p.id)), before)), nil
		}),
		"app", resolver(func(a map[string]any) (any, error) {
			ap, err := rc.getApp(argStr(a, "id"))
			if err != nil {
				return nil, err
			}
			return rc.appObj(ap), nil
		}),
		"appStats", resolver(func(a map[string]any) (any, error) {
			ap := rc.appByHistory(argStr(a, "appHistoryId"))
			if ap == nil {
				return nil, notExists("AppHistory")
			}
			up, down, recovered := rc.appStats(ap)
			return obj("AppStats", "uptimePercentage", up, "downtimePercentage", down, "recoveredCount", recovered), nil
		}),
		"appHistoryStatuses", resolver(func(a map[string]any) (any, error) {
			ap := rc.appByHistory(argStr(a, "appHistoryId"))
			if ap == nil {
				return nil, notExists("AppHistory")
			}
			var out []*object
			for _, s := range rc.appStatusesFor(ap, a) {
				out = append(out, obj("StatusWithRecordAt", "status", s.status, "recordAt", dateTime(s.at)))
			}
			if n, ok := argInt(a, "limit"); ok && n >= 0 && n < len(out) {
				out = out[:n]
			}
			return out, nil
		}),
		"countAppHistoryStatuses", resolver(func(a map[string]any) (any, error) {
			ap := rc.appByHistory(argStr(a, "appHistoryId"))
			if ap == nil {
				return nil, notExists("AppHistory")
			}
			return len(rc.appStatusesFor(ap, a)), nil
		}),
		"volume", resolver(func(a map[string]any) (any, error) {
			v, err := rc.getVolume(argStr(a, "id"))
			if err != nil {
				return nil, err
			}
			return rc.volumeObj(v), nil
		}),
		"globalEnvironmentVariables", resolver(func(map[string]any) (any, error) {
			return rc.envVarList(nil, ""), nil
		}),
		"projectEnvironmentVariables", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getProject(argStr(a, "projectId"))
			if err != nil {
				return nil, err
			}
			return rc.envVarList([]envScope{{"PROJECT", p.id}}, ""), nil
		}),
		"pipelineEnvironmentVariables", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getPipeline(argStr(a, "pipelineId"))
			if err != nil {
				return nil, err
			}
			return rc.envVarList([]envScope{{"PIPELINE", p.id}, {"PROJECT", p.projectID}}, argStr(a, "scope")), nil
		}),
		"appEnvironmentVariables", resolver(func(a map[string]any) (any, error) {
			ap, err := rc.getApp(argStr(a, "appId"))
			if err != nil {
				return nil, err
			}
			return rc.envVarList([]envScope{{"APP", ap.id}, {"PROJECT", ap.projectID}}, argStr(a, "scope")), nil
		}),
		"allDockerCredentials", resolver(func(a map[string]any) (any, error) {
			p, err := rc.getProject(argStr(a, "projectId"))
			if err != nil {
				return nil, err
			}
			return mapObjs(ordered(st.dockerCreds, func(c *dockerCred) bool { return c.projectID == p.id }), rc.dockerCredObj), nil
		}),
		"dockerCredentials", resolver(func(a map[string]any) (any, error) {
			c := st.dockerCreds[argStr(a, "id")]
			if c == nil || c.projectID != argStr(a, "projectId") {
				return nil, notExists("DockerCredentials")
			}
			return rc.dockerCredObj(c), nil
		}),
		"evaluateConditionExpression", resolver(func(a map[string]any) (any, error) {
			if _, err := rc.getProject(argStr(a, "projectId")); err != nil {
				return nil, err
			}
			vars := map[string]string{}
			for _, v := range argList(a, "variables") {
				if m, ok := v.(map[string]any); ok {
					vars[argStr(m, "key")] = argStr(m, "value")
				}
			}
			return evalCondition(argStr(a, "expression"), vars)
		}),
	)
}

func (rc *reqCtx) pipelineBy(a map[string]any, match func(*pipeline) bool, required bool) (any, error) {
	p, err := rc.getProject(argStr(a, "projectId"))
	if err != nil {
		return nil, err
	}
	for _, pl := range rc.st().projectPipelines(p.id) {
		if match(pl) {
			return rc.pipelineObj(pl), nil
		}
	}
	if required {
		return nil, notExists("Pipeline")
	}
	return nil, nil
}

// ---------------------------------------------------------------- instance selectors

func jobRunsAsRuns(in []*jobInstance) []*run {
	out := make([]*run, len(in))
	for i, x := range in {
		out[i] = &x.run
	}
	return out
}

func pipeRunsAsRuns(in []*pipelineInstance) []*run {
	out := make([]*run, len(in))
	for i, x := range in {
		out[i] = &x.run
	}
	return out
}

// selectorMatches says whether a finished instance's status falls under a
// deletion selector. Unfinished instances are never deletable.
func selectorMatches(selector, status string) bool {
	if !finalStatuses[status] {
		return false
	}
	switch selector {
	case "ALL":
		return true
	case "STOPPED":
		return status == "KILLED"
	case "FAILED":
		return status == "FAILED" || status == "ERROR"
	default:
		return status == selector
	}
}

func (rc *reqCtx) selectorCounts(typ string, runs []*run) []*object {
	var out []*object
	for _, sel := range []string{"ALL", "SUCCEEDED", "FAILED", "STOPPED", "UNKNOWN"} {
		n := 0
		for _, r := range runs {
			if selectorMatches(sel, r.current(rc.s.cfg.timeline, rc.now).status) {
				n++
			}
		}
		out = append(out, obj(typ, "selector", sel, "count", n))
	}
	return out
}

func (rc *reqCtx) deletableBefore(runs []*run, before time.Time) []*run {
	var out []*run
	for _, r := range runs {
		if r.start.Before(before) && finalStatuses[r.current(rc.s.cfg.timeline, rc.now).status] {
			out = append(out, r)
		}
	}
	return out
}

// ---------------------------------------------------------------- conditions

var condTerm = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=)\s*"([^"]*)"\s*$`)
})

// evalCondition evaluates the small part of CEL pipelines use most:
// true, false, and comparisons of variables with string literals joined by
// && and ||. Anything else is reported as an invalid expression.
func evalCondition(expr string, vars map[string]string) (any, error) {
	invalid := notValid("Condition expression", "expression", "NOT_VALID")
	anyTrue := false
	for _, or := range strings.Split(expr, "||") {
		allTrue := true
		for _, term := range strings.Split(or, "&&") {
			t := strings.TrimSpace(term)
			switch t {
			case "true":
				continue
			case "false":
				allTrue = false
				continue
			}
			m := condTerm().FindStringSubmatch(t)
			if m == nil {
				return nil, invalid
			}
			name := strings.TrimPrefix(m[1], "vars.")
			v, ok := vars[name]
			if !ok {
				return nil, invalid
			}
			if (v == m[3]) != (m[2] == "==") {
				allTrue = false
			}
		}
		if allTrue {
			anyTrue = true
		}
	}
	return anyTrue, nil
}
