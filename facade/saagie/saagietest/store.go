package saagietest

import (
	"slices"
	"strings"
	"time"
)

// store is the emulated platform: every object, guarded by Server.mu.
// Lists keep creation order; the platform answers newest first only for
// nested instance and event lists.
type store struct {
	s   *Server
	seq int // creation counter, orders objects of a map

	projects      map[string]*project
	jobs          map[string]*job
	jobInstances  map[string]*jobInstance
	pipelines     map[string]*pipeline
	pipeInstances map[string]*pipelineInstance
	apps          map[string]*app
	volumes       map[string]*volume
	envVars       map[string]*envVar
	dockerCreds   map[string]*dockerCred

	repositories map[string]*repository
	technologies map[string]*technology

	users    map[string]*user
	groups   map[string]*group
	profiles map[string]*profile
	logs     map[string][]logLine // by app execution or condition instance id
}

func newStore(s *Server) *store {
	return &store{
		s:             s,
		projects:      map[string]*project{},
		jobs:          map[string]*job{},
		jobInstances:  map[string]*jobInstance{},
		pipelines:     map[string]*pipeline{},
		pipeInstances: map[string]*pipelineInstance{},
		apps:          map[string]*app{},
		volumes:       map[string]*volume{},
		envVars:       map[string]*envVar{},
		dockerCreds:   map[string]*dockerCred{},
		repositories:  map[string]*repository{},
		technologies:  map[string]*technology{},
		users:         map[string]*user{},
		groups:        map[string]*group{},
		profiles:      map[string]*profile{},
		logs:          map[string][]logLine{},
	}
}

func (st *store) next() int { st.seq++; return st.seq }

// ordered lists a map's values in creation order.
func ordered[T interface{ order() int }](m map[string]T, keep func(T) bool) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b T) int { return a.order() - b.order() })
	return out
}

type seqd struct{ n int }

func (s seqd) order() int { return s.n }

// ---------------------------------------------------------------- model

type project struct {
	seqd
	id, name, description, creator string
	created                        time.Time
	jobTechs                       map[string][]string // category -> technology ids, in input order
	jobCats                        []string            // categories in input order
	appTechs                       []string
	groups                         []groupRole
}

type groupRole struct{ name, role string }

type alerting struct {
	emails     []string
	logins     []string
	statusList []string
}

type resources struct {
	cpu, memory, gpu *reqLimit
}

type reqLimit struct{ request, limit *float64 }

type job struct {
	seqd
	id, projectID, name, alias, description, category, technologyID string
	isScheduled                                                     bool
	cron, timezone                                                  string
	alerting                                                        *alerting
	isStreaming                                                     bool
	doesUseGPU                                                      bool
	resources                                                       *resources
	created                                                         time.Time
	creator                                                         string
	versions                                                        []*jobVersion
	originalJobID                                                   string
	// outcome is the final status of the next runs (default SUCCEEDED).
	outcome string
}

type jobVersion struct {
	number                                   int
	created                                  time.Time
	creator                                  string
	releaseNote, runtimeVersion, commandLine string
	artifact                                 *Upload
	image, dockerCredsID                     string
	extraLanguage, extraVersion              string
	current, major                           bool
	sourceURL                                string
}

type jobInstance struct {
	seqd
	id, jobID        string
	number           int
	version          int
	pipelineInstance string
	run              run
}

// run is the life of a job or pipeline instance, computed from the clock:
// REQUESTED at start, then QUEUED, RUNNING and the outcome, unless it was
// stopped (KILLING, then KILLED) or forced to a status.
type run struct {
	start    time.Time
	outcome  string
	stopped  time.Time // zero unless stopped
	forced   string    // a status set by a test, final
	forcedAt time.Time
	reason   string
}

type statusEvent struct {
	status string
	at     time.Time
}

// finalStatuses end an instance's life.
var finalStatuses = map[string]bool{"SUCCEEDED": true, "FAILED": true, "KILLED": true, "ERROR": true, "SKIPPED": true, "UNKNOWN": true}

// history lists the statuses the run went through up to now.
func (r *run) history(tl Timeline, now time.Time) []statusEvent {
	limit := now
	if r.forced != "" && r.forcedAt.Before(limit) {
		limit = r.forcedAt
	}
	evs := []statusEvent{{"REQUESTED", r.start}}
	steps := []struct {
		status string
		after  time.Duration
	}{{"QUEUED", tl.Requested}, {"RUNNING", tl.Queued}, {r.outcome, tl.Running}}
	at := r.start
	for _, st := range steps {
		at = at.Add(st.after)
		if at.After(limit) || !r.stopped.IsZero() && !at.Before(r.stopped) {
			break
		}
		evs = append(evs, statusEvent{st.status, at})
	}
	if !r.stopped.IsZero() && !r.stopped.After(limit) && !finalStatuses[evs[len(evs)-1].status] {
		evs = append(evs, statusEvent{"KILLING", r.stopped})
		if end := r.stopped.Add(tl.Stopping); !end.After(limit) {
			evs = append(evs, statusEvent{"KILLED", end})
		}
	}
	if r.forced != "" && evs[len(evs)-1].status != r.forced {
		evs = append(evs, statusEvent{r.forced, r.forcedAt})
	}
	return evs
}

func (r *run) current(tl Timeline, now time.Time) statusEvent {
	h := r.history(tl, now)
	return h[len(h)-1]
}

type pipeline struct {
	seqd
	id, projectID, name, alias, description string
	alerting                                *alerting
	execVars                                bool
	created                                 time.Time
	creator                                 string
	isScheduled                             bool
	cron, timezone                          string
	versions                                []*pipelineVersion
}

type pipelineVersion struct {
	number      int
	releaseNote string
	jobNodes    []jobNode
	condNodes   []condNode
	created     time.Time
	creator     string
	current     bool
	major       bool
	sourceURL   string
}

type jobNode struct {
	id, jobID string
	x, y      *float64
	next      []string
}

type condNode struct {
	id                 string
	x, y               *float64
	onSuccess, onFail  []string
	preset, expression string
}

type pipelineInstance struct {
	seqd
	id, pipelineID string
	number         int
	version        int
	jobInstances   []string
	run            run
}

type app struct {
	seqd
	id, projectID, name, description, technologyID string
	created                                        time.Time
	creator                                        string
	versions                                       []*appVersion
	currentVersion                                 int
	alerting                                       *alerting
	resources                                      *resources
	historyID                                      string
	events                                         []appEvent // oldest first
}

type appVersion struct {
	number           int
	created          time.Time
	creator          string
	releaseNote      string
	image, credsID   string
	runtimeContextID string
	ports            []port
	volumes          []volumeMount
	major            bool
}

type port struct {
	name, basePathVar, scope string
	number                   int
	rewrite                  bool
}

type volumeMount struct{ path, volumeID string }

// appEvent is one action on an app; its statuses follow from the clock.
type appEvent struct {
	id, kind, executionID string // kind: RunAction, StopAction, ...
	version               int
	at                    time.Time
	author                string
	status                string // forced final status, if any
}

type volume struct {
	seqd
	id, projectID, name, description, size, creator string
	created                                         time.Time
	originalID                                      string
}

type envVar struct {
	seqd
	id, scope, entityID, name, value, description string
	isPassword                                    bool
}

type dockerCred struct {
	seqd
	id, projectID, registry, username, password string
	hasRegistry                                 bool
	updated                                     time.Time
}

// ---------------------------------------------------------------- lookups

func (st *store) projectJobs(projectID string) []*job {
	return ordered(st.jobs, func(j *job) bool { return j.projectID == projectID })
}

func (st *store) projectPipelines(projectID string) []*pipeline {
	return ordered(st.pipelines, func(p *pipeline) bool { return p.projectID == projectID })
}

func (st *store) projectApps(projectID string) []*app {
	return ordered(st.apps, func(a *app) bool { return a.projectID == projectID })
}

func (st *store) projectVolumes(projectID string) []*volume {
	return ordered(st.volumes, func(v *volume) bool { return v.projectID == projectID })
}

// jobRuns lists a job's instances, newest first.
func (st *store) jobRuns(jobID string) []*jobInstance {
	out := ordered(st.jobInstances, func(i *jobInstance) bool { return i.jobID == jobID })
	slices.Reverse(out)
	return out
}

func (st *store) pipelineRuns(pipelineID string) []*pipelineInstance {
	out := ordered(st.pipeInstances, func(i *pipelineInstance) bool { return i.pipelineID == pipelineID })
	slices.Reverse(out)
	return out
}

func (j *job) currentVersion() *jobVersion {
	for _, v := range j.versions {
		if v.current {
			return v
		}
	}
	return nil
}

func (j *job) version(n int) *jobVersion {
	for _, v := range j.versions {
		if v.number == n {
			return v
		}
	}
	return nil
}

func (p *pipeline) currentVersion() *pipelineVersion {
	for _, v := range p.versions {
		if v.current {
			return v
		}
	}
	return nil
}

func (p *pipeline) version(n int) *pipelineVersion {
	for _, v := range p.versions {
		if v.number == n {
			return v
		}
	}
	return nil
}

func (a *app) version(n int) *appVersion {
	for _, v := range a.versions {
		if v.number == n {
			return v
		}
	}
	return nil
}

// techAllowed reports whether a project allows a job technology in a
// category.
func (p *project) techAllowed(category, techID string) bool {
	for cat, ids := range p.jobTechs {
		if strings.EqualFold(cat, category) && slices.Contains(ids, techID) {
			return true
		}
	}
	return false
}
