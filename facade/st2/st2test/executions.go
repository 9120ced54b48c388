package st2test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The statuses of st2common/constants/action.py.
var (
	completedStates  = []string{"succeeded", "failed", "timeout", "canceled", "abandoned"}
	cancelableStates = []string{"requested", "scheduled", "delayed", "running", "pausing", "paused", "resuming"}
	allStates        = []string{"requested", "scheduled", "delayed", "running", "pending", "pausing", "paused", "resuming", "canceling", "succeeded", "failed", "timeout", "abandoned", "canceled"}
	workflowRunners  = []string{"action-chain", "orquesta"}
)

func isCompleted(status string) bool { return slices.Contains(completedStates, status) }

// run is the engine's bookkeeping for one execution.
type run struct {
	id             string
	statusAt       time.Time // when the current status began
	runningAt      time.Time
	delayUntil     time.Time
	timeout        time.Duration  // 0: none
	params         map[string]any // with defaults, for the runner
	handler        ActionFunc
	sim            *simulation
	cancel         context.CancelFunc
	activeChildren int
	resumed        chan struct{} // closed when a pause ends
	done           chan struct{} // closed when the execution completes
}

// execRequest is a request to run an action.
type execRequest struct {
	ref     string
	params  map[string]any
	user    string
	context map[string]any
	notify  any
	delay   int // milliseconds
	parent  string
	task    string
	// rule, trigger and triggerInstance are set when a rule runs the
	// action; the execution carries copies of them.
	rule, trigger, triggerInstance doc
}

// paramSchema merges the runner's parameters with the action's
// overrides, key by key, as st2 does.
func (st *state) paramSchema(action doc) map[string]any {
	out := map[string]any{}
	if runner := st.runnerByName(str(action["runner_type"])); runner != nil {
		for k, v := range mapOf(runner["runner_parameters"]) {
			out[k] = clone(v)
		}
	}
	for k, v := range mapOf(action["parameters"]) {
		merged := mapOf(out[k])
		if merged == nil {
			merged = map[string]any{}
		}
		for kk, vv := range mapOf(v) {
			merged[kk] = clone(vv)
		}
		out[k] = merged
	}
	return out
}

func (st *state) runnerByName(name string) doc {
	for _, r := range st.runners.items {
		if r["name"] == name {
			return r
		}
	}
	return nil
}

// resolveParams validates the given parameters against the merged
// schema and applies defaults, rendering {{name}} references in string
// defaults (the Jinja that built-in actions such as core.echo use).
func resolveParams(schema map[string]any, given map[string]any) (map[string]any, error) {
	var immutable []string
	for k := range given {
		if b, _ := mapOf(schema[k])["immutable"].(bool); b {
			immutable = append(immutable, k)
		}
	}
	if len(immutable) > 0 {
		slices.Sort(immutable)
		return nil, errBad("Override of immutable parameter(s) %s is unsupported.", pyList(immutable))
	}
	var extra []string
	for k := range given {
		if _, ok := schema[k]; !ok {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return nil, errBad("Additional properties are not allowed (%s %s unexpected)", pyListBare(extra), wasWere(len(extra)))
	}
	out := map[string]any{}
	for k, v := range given {
		out[k] = clone(v)
	}
	names := make([]string, 0, len(schema))
	for k := range schema {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		p := mapOf(schema[k])
		if _, ok := out[k]; !ok {
			if def, has := p["default"]; has && def != nil {
				out[k] = clone(def)
			}
		}
		v, present := out[k]
		if !present {
			if req, _ := p["required"].(bool); req {
				return nil, errBad("'%s' is a required property", k)
			}
			continue
		}
		if t := p["type"]; t != nil && v != nil {
			if !typeMatches(v, t) {
				return nil, errBad("%s is not of type %s", pyRepr(v), typeNames(t))
			}
		}
		if enum, ok := p["enum"].([]any); ok && v != nil && !slices.ContainsFunc(enum, func(e any) bool { return compactJSON(e) == compactJSON(v) }) {
			return nil, errBad("%s is not one of %s", pyRepr(v), pyRepr(enum))
		}
	}
	for k, v := range out {
		if s, ok := v.(string); ok && strings.Contains(s, "{{") {
			out[k] = renderTemplate(s, out)
		}
	}
	return out, nil
}

// renderTemplate replaces {{name}} with the parameter's value.
func renderTemplate(s string, params map[string]any) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		name := strings.TrimSpace(s[i+2 : i+j])
		if v, ok := params[name]; ok && v != nil {
			if vs, ok := v.(string); ok {
				b.WriteString(vs)
			} else {
				b.WriteString(compactJSON(v))
			}
		}
		s = s[i+j+2:]
	}
}

// newExecution records a request to run an action and publishes its
// create events. The caller holds the lock.
func (st *state) newExecution(now time.Time, req execRequest) (doc, error) {
	action := st.actions.byRef(req.ref)
	if action == nil {
		return nil, errBad("Action \"%s\" cannot be found.", req.ref)
	}
	if en, _ := action["enabled"].(bool); !en {
		return nil, errBad("Unable to execute. Action \"%s\" is disabled.", req.ref)
	}
	runner := st.runnerByName(str(action["runner_type"]))
	if runner == nil {
		return nil, errBad("RunnerType \"%s\" cannot be found.", str(action["runner_type"]))
	}
	full, err := resolveParams(st.paramSchema(action), req.params)
	if err != nil {
		return nil, err
	}
	// The execution shows the parameters as given (rendered); the runner
	// gets them with the defaults.
	params := map[string]any{}
	for k := range req.params {
		params[k] = clone(full[k])
	}
	id := st.newID(now)
	liveID := st.newID(now)
	ctx := map[string]any{}
	for k, v := range req.context {
		ctx[k] = clone(v)
	}
	ctx["user"] = req.user
	ctx["pack"] = action["pack"]
	status := "requested"
	d := doc{
		"id":              id,
		"action":          cloneDoc(action),
		"runner":          cloneDoc(runner),
		"parameters":      params,
		"context":         ctx,
		"status":          status,
		"start_timestamp": formatTime(now),
		"web_url":         st.baseURL + "/#/history/" + id + "/general",
		"liveaction": doc{
			"id":          liveID,
			"action":      req.ref,
			"parameters":  clone(params),
			"callback":    doc{},
			"runner_info": doc{},
		},
		"log": []any{},
	}
	if req.notify != nil {
		d["notify"] = clone(req.notify)
	}
	r := &run{id: id, statusAt: now, params: full, resumed: make(chan struct{}), done: make(chan struct{})}
	if req.delay > 0 {
		d["delay"] = float64(req.delay)
		status = "delayed"
		r.delayUntil = now.Add(time.Duration(req.delay) * time.Millisecond)
	}
	if req.parent != "" {
		d["parent"] = req.parent
		ctx["parent"] = doc{"execution_id": req.parent, "user": req.user}
		if req.task != "" {
			ctx["orquesta"] = doc{"task_name": req.task}
		}
		if p := st.executions.byID(req.parent); p != nil {
			children, _ := p["children"].([]any)
			p["children"] = append(children, id)
		}
	}
	if t := num(full["timeout"]); t > 0 {
		r.timeout = time.Duration(t * float64(time.Second))
	}
	d["status"] = status
	d["log"] = []any{doc{"timestamp": formatTime(now), "status": status}}
	if req.rule != nil {
		d["rule"] = cloneDoc(req.rule)
		d["trigger_instance"] = cloneDoc(req.triggerInstance)
		if req.trigger != nil {
			d["trigger"] = cloneDoc(req.trigger)
			if tt := st.triggerTypes.byRef(str(req.trigger["type"])); tt != nil {
				d["trigger_type"] = cloneDoc(tt)
			}
		}
	}
	tr := st.traceFor(ctx, req.parent, liveID, now)
	var causedBy doc
	if req.rule != nil {
		causedBy = doc{"type": "rule", "id": str(req.rule["id"]) + ":" + str(req.triggerInstance["id"])}
	} else if req.parent != "" {
		causedBy = doc{"type": "action_execution", "id": req.parent}
	}
	tr.add("action_executions", id, req.ref, causedBy, now)
	st.executions.add(d)
	st.runs[id] = r
	st.inFlight++ // delayed or requested
	st.emitExecution("create", d)
	return d, nil
}

// setStatus moves an execution to status and publishes the update.
func (st *state) setStatus(d doc, r *run, status string, now time.Time) {
	switch was, done := isCompleted(str(d["status"])), isCompleted(status); {
	case !was && done:
		st.inFlight--
	case was && !done: // no request revives a completed execution today
		st.inFlight++
	}
	d["status"] = status
	log, _ := d["log"].([]any)
	d["log"] = append(log, doc{"timestamp": formatTime(now), "status": status})
	r.statusAt = now
	st.emitExecution("update", d)
}

// finish completes an execution.
func (st *state) finish(d doc, r *run, status string, result map[string]any, now time.Time) {
	if result == nil {
		result = map[string]any{}
	}
	d["result"] = result
	d["result_size"] = float64(len(compactJSON(result)))
	d["end_timestamp"] = formatTime(now)
	if start, err := time.Parse(timeLayout, str(d["start_timestamp"])); err == nil {
		d["elapsed_seconds"] = now.Sub(start).Seconds()
	}
	lv := mapOf(d["liveaction"])
	lv["result"] = clone(result)
	st.setStatus(d, r, status, now)
	if r.cancel != nil {
		r.cancel()
	}
	select {
	case <-r.done:
	default:
		close(r.done)
	}
	select {
	case <-r.resumed:
	default:
		close(r.resumed) // a paused task waiter must not hang
	}
}

// advance moves every execution on to where the clock says; see
// Server.Tick. It loops so that zero delays cascade in one call.
func (st *state) advance(now time.Time) {
	if st.inFlight == 0 {
		return
	}
	for range 64 {
		changed := false
		for _, d := range slices.Clone(st.executions.items) {
			r := st.runs[str(d["id"])]
			if r == nil || isCompleted(str(d["status"])) {
				continue
			}
			if st.step(d, r, now) {
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

func (st *state) step(d doc, r *run, now time.Time) bool {
	cfg := st.s.cfg
	switch str(d["status"]) {
	case "delayed":
		if !now.Before(r.delayUntil) {
			st.setStatus(d, r, "requested", now)
			return true
		}
	case "requested":
		if !now.Before(r.statusAt.Add(cfg.schedule)) {
			st.setStatus(d, r, "scheduled", now)
			return true
		}
	case "scheduled":
		if !now.Before(r.statusAt.Add(cfg.start)) {
			st.setStatus(d, r, "running", now)
			r.runningAt = now
			st.startRun(d, r, now)
			return true
		}
	case "running":
		if r.sim != nil {
			if r.timeout > 0 && r.sim.duration > r.timeout && !now.Before(r.runningAt.Add(r.timeout)) {
				st.timeOut(d, r, now)
				return true
			}
			if !now.Before(r.runningAt.Add(r.sim.duration)) {
				st.addOutput(r.id, "stdout", r.sim.stdout, now)
				st.addOutput(r.id, "stderr", r.sim.stderr, now)
				st.finish(d, r, r.sim.status, r.sim.result, now)
				return true
			}
			return false
		}
		if r.handler != nil && r.timeout > 0 && !now.Before(r.runningAt.Add(r.timeout)) {
			st.timeOut(d, r, now)
			return true
		}
	case "canceling":
		st.finish(d, r, "canceled", mapOf(d["result"]), now)
		return true
	case "pausing":
		return st.settlePause(d, r, now)
	case "resuming":
		st.setStatus(d, r, "running", now)
		close(r.resumed)
		return true
	}
	return false
}

// settlePause turns pausing into paused once no task is running.
func (st *state) settlePause(d doc, r *run, now time.Time) bool {
	if str(d["status"]) == "pausing" && r.activeChildren == 0 {
		st.setStatus(d, r, "paused", now)
		return true
	}
	return false
}

func (st *state) timeOut(d doc, r *run, now time.Time) {
	secs := r.timeout.Seconds()
	res := shellResult("", "", -9)
	res["error"] = fmt.Sprintf("Action failed to complete in %g seconds", secs)
	st.finish(d, r, "timeout", res, now)
}

// startRun starts the runner of an execution that just went running.
func (st *state) startRun(d doc, r *run, now time.Time) {
	ref := str(mapOf(d["action"])["ref"])
	runner := str(mapOf(d["action"])["runner_type"])
	params, _ := clone(r.params).(map[string]any)
	fn := st.handlers[ref]
	if fn == nil && st.s.cfg.shell && (ref == "core.local" || ref == "core.remote" || ref == "core.local_sudo") {
		fn = shellHandler
	}
	if fn != nil {
		r.handler = fn
		st.goHandler(d, r, fn, params)
		return
	}
	var sim simulation
	if ref == "core.pause" {
		sim = simulatePause(params)
	} else {
		sim = simulate(runner, params, now)
	}
	if sim.pending {
		st.setStatus(d, r, "pending", now)
		return
	}
	r.sim = &sim
}

func (st *state) goHandler(d doc, r *run, fn ActionFunc, params map[string]any) {
	s := st.s
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	rc := &runCtx{s: s, id: r.id}
	rc.stdout = &lineWriter{s: s, id: r.id, kind: "stdout"}
	rc.stderr = &lineWriter{s: s, id: r.id, kind: "stderr"}
	ctx = context.WithValue(ctx, runCtxKey{}, rc)
	go func() {
		res, err := callHandler(ctx, fn, params)
		rc.stdout.flush()
		rc.stderr.flush()
		s.mu.Lock()
		defer s.mu.Unlock()
		st.handlerDone(r.id, res, err, s.now())
	}()
}

// callHandler calls fn, turning a panic into an error: a user's bug must
// fail the execution, not the test binary.
func callHandler(ctx context.Context, fn ActionFunc, params map[string]any) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("action handler panicked: %v", p)
		}
	}()
	return fn(ctx, params)
}

func (st *state) handlerDone(id string, res any, err error, now time.Time) {
	d := st.executions.byID(id)
	r := st.runs[id]
	if d == nil || r == nil {
		return
	}
	switch str(d["status"]) {
	case "running", "pausing", "paused", "resuming":
	case "canceling":
		st.finish(d, r, "canceled", mapOf(d["result"]), now)
		return
	default:
		return
	}
	result := toResult(res)
	status := "succeeded"
	if err != nil {
		status = "failed"
		if err != errShellFailed {
			if result == nil {
				result = map[string]any{}
			}
			result["error"] = err.Error()
		}
	}
	st.finish(d, r, status, result, now)
}

// toResult turns a handler's value into a result object (through JSON,
// so that structs work too).
func toResult(v any) map[string]any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{"result": fmt.Sprint(v)}
	}
	var out any
	_ = json.Unmarshal(b, &out)
	if m, ok := out.(map[string]any); ok {
		return m
	}
	return map[string]any{"result": out}
}

// addOutput stores one output chunk and publishes it.
func (st *state) addOutput(execID, kind, data string, now time.Time) {
	if data == "" {
		return
	}
	d := st.executions.byID(execID)
	if d == nil {
		return
	}
	out := doc{
		"id":           st.newID(now),
		"execution_id": execID,
		"action_ref":   str(mapOf(d["action"])["ref"]),
		"runner_ref":   str(mapOf(d["runner"])["name"]),
		"timestamp":    formatTime(now),
		"output_type":  kind,
		"data":         data,
	}
	st.outputs[execID] = append(st.outputs[execID], out)
	st.s.bus.publish(event{name: "st2.execution.output__create", body: out, execID: execID, actionRef: str(out["action_ref"])})
}

// emitExecution publishes st2.execution__<kind> and the matching
// liveaction event.
func (st *state) emitExecution(kind string, d doc) {
	ref := str(mapOf(d["action"])["ref"])
	body := st.maskedExecution(d, false)
	st.s.bus.publish(event{name: "st2.execution__" + kind, body: body, execID: str(d["id"]), actionRef: ref, status: str(d["status"])})
	lv := cloneDoc(mapOf(d["liveaction"]))
	lv["status"] = d["status"]
	lv["context"] = clone(d["context"])
	lv["start_timestamp"] = d["start_timestamp"]
	if e, ok := d["end_timestamp"]; ok {
		lv["end_timestamp"] = e
	}
	lv["parameters"] = clone(body["parameters"])
	st.s.bus.publish(event{name: "st2.liveaction__" + kind, body: lv, actionRef: ref})
}

// maskedExecution copies an execution with its secret parameters shown
// as ******** unless show is set.
func (st *state) maskedExecution(d doc, show bool) doc {
	out := cloneDoc(d)
	if show {
		return out
	}
	schema := st.paramSchema(mapOf(d["action"]))
	params := mapOf(out["parameters"])
	for k := range params {
		if secret, _ := mapOf(schema[k])["secret"].(bool); secret {
			params[k] = "********"
		}
	}
	if lv := mapOf(out["liveaction"]); lv != nil {
		lp := mapOf(lv["parameters"])
		for k := range lp {
			if secret, _ := mapOf(schema[k])["secret"].(bool); secret {
				lp[k] = "********"
			}
		}
	}
	return out
}

// maskedView is maskedExecution for an answer that is encoded before the
// lock is released and never kept: a copy of the top level only (and of
// the parameter maps it masks), sharing everything else with the stored
// document, instead of a deep copy of the whole execution (its action,
// runner and result) on every read. Callers may delete or replace top-level
// fields of the view, never change what is nested in it.
func (st *state) maskedView(d doc, show bool) doc {
	out := make(doc, len(d))
	for k, v := range d {
		out[k] = v
	}
	if show {
		return out
	}
	action := mapOf(d["action"])
	var runnerParams map[string]any
	if runner := st.runnerByName(str(action["runner_type"])); runner != nil {
		runnerParams = mapOf(runner["runner_parameters"])
	}
	actionParams := mapOf(action["parameters"])
	// secret is paramSchema(action)[k]["secret"], without building the
	// merged schema: the action's field wins over the runner's.
	secret := func(k string) bool {
		if ap, ok := actionParams[k]; ok {
			if v, ok := mapOf(ap)["secret"]; ok {
				b, _ := v.(bool)
				return b
			}
		}
		b, _ := mapOf(runnerParams[k])["secret"].(bool)
		return b
	}
	masked := func(params map[string]any) map[string]any {
		var cp map[string]any
		for k := range params {
			if secret(k) {
				if cp == nil {
					cp = make(map[string]any, len(params))
					for kk, vv := range params {
						cp[kk] = vv
					}
				}
				cp[k] = "********"
			}
		}
		return cp
	}
	if m := masked(mapOf(d["parameters"])); m != nil {
		out["parameters"] = m
	}
	if lv := mapOf(d["liveaction"]); lv != nil {
		if m := masked(mapOf(lv["parameters"])); m != nil {
			lvc := make(doc, len(lv))
			for k, v := range lv {
				lvc[k] = v
			}
			lvc["parameters"] = m
			out["liveaction"] = lvc
		}
	}
	return out
}

// ---- handlers ----

func (c *reqCtx) showSecrets() (bool, error) {
	show, _, err := c.boolParam("show_secrets")
	return show, err
}

func (st *state) createExecution(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, execCreateFields, []string{"action"}); err != nil {
		return 0, nil, err
	}
	user := c.user
	if u := str(in["user"]); u != "" {
		if u != c.user && !c.isAdmin() {
			return 0, nil, errForbidden("Administrator access required to be able to specify user query param.")
		}
		user = u
	}
	req := execRequest{ref: str(in["action"]), params: mapOf(in["parameters"]), user: user, context: mapOf(in["context"]), notify: in["notify"]}
	if req.params == nil {
		req.params = map[string]any{}
	}
	if h := c.r.Header.Get("st2-context"); h != "" {
		var extra any
		if json.Unmarshal([]byte(h), &extra) != nil || mapOf(extra) == nil {
			return 0, nil, errBad("Unable to convert st2-context from the headers into JSON (was <class 'str'>).")
		}
		if req.context == nil {
			req.context = map[string]any{}
		}
		for k, v := range mapOf(extra) {
			req.context[k] = v
		}
	}
	if v, ok := in["delay"]; ok && v != nil {
		req.delay = int(num(v))
	}
	d, err := st.newExecution(c.now, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, st.maskedExecution(d, show), nil
}

var execCreateFields = map[string]string{
	"action": "string", "parameters": "object", "user": "string|null", "context": "object",
	"notify": "object", "delay": "integer|null", "id": "string", "status": "string",
	"start_timestamp": "string", "end_timestamp": "string", "callback": "object", "result": "object|string|array|null",
	"runner_info": "object", "action_is_workflow": "boolean",
}

// execByPath finds the execution of an {id} parameter ("last": the
// newest).
func (st *state) execByPath(c *reqCtx) (doc, error) {
	id := c.r.PathValue("id")
	if id == "last" {
		var newest doc
		for _, d := range st.executions.items {
			if newest == nil || str(d["start_timestamp"]) >= str(newest["start_timestamp"]) {
				newest = d
			}
		}
		if newest == nil {
			return nil, errBad("No executions found in the database")
		}
		return newest, nil
	}
	d := st.executions.byID(id)
	if d == nil {
		return nil, errNoID(id)
	}
	return d, nil
}

func (st *state) getExecution(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	if err := checkExclude(c.listParam("exclude_attributes"), []string{"result", "trigger_instance", "status"}); err != nil {
		return 0, nil, err
	}
	maxSize, set, err := c.intParam("max_result_size")
	if err != nil {
		return 0, nil, err
	}
	if set && maxSize <= 0 {
		return 0, nil, errBad("max_result_size must be a positive number")
	}
	inc, exc := c.listParam("include_attributes"), c.listParam("exclude_attributes")
	if len(inc) > 0 && len(exc) > 0 {
		return 0, nil, errBad("exclude_fields and include_fields arguments are mutually exclusive. You need to provide either one or another, but not both.")
	}
	// The view is this request's own top level; exc holds top-level
	// fields only (checked above), so deleting them leaves d untouched.
	out := st.maskedView(d, show)
	if len(inc) > 0 {
		out = project(out, c.withMandatory(inc), nil)
	}
	for _, f := range exc {
		delete(out, f)
	}
	if set {
		if size := num(d["result_size"]); size > float64(maxSize) {
			delete(out, "result")
		}
	}
	return http.StatusOK, out, nil
}

func (st *state) listExecutions(c *reqCtx) (int, any, error) {
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	items := slices.Clone(st.executions.items)
	items = c.eqFilter(items, "action", "action.ref", false)
	items = c.eqFilter(items, "status", "status", false)
	items = c.eqFilter(items, "user", "context.user", false)
	items = c.eqFilter(items, "runner", "runner.name", false)
	items = c.eqFilter(items, "rule", "rule.ref", false)
	items = c.eqFilter(items, "trigger", "trigger.ref", false)
	items = c.eqFilter(items, "trigger_type", "trigger_type.ref", false)
	items = c.eqFilter(items, "trigger_instance", "trigger_instance.id", false)
	items = c.eqFilter(items, "liveaction", "liveaction.id", false)
	items = c.eqFilter(items, "id", "id", true)
	if p := c.q.Get("parent"); p != "" {
		items = slices.DeleteFunc(items, func(d doc) bool {
			if p == "null" {
				return str(d["parent"]) != ""
			}
			return str(d["parent"]) != p
		})
	}
	for _, f := range []struct {
		param string
		after bool
	}{{"timestamp_gt", true}, {"timestamp_lt", false}} {
		v := c.q.Get(f.param)
		if v == "" {
			continue
		}
		t, ok := parseTimeFilter(v)
		if !ok {
			return 0, nil, errBad("Invalid value \"%s\" for parameter \"%s\": not a valid timestamp", v, f.param)
		}
		items = slices.DeleteFunc(items, func(d doc) bool {
			ts, _ := time.Parse(timeLayout, str(d["start_timestamp"]))
			if f.after {
				return !ts.After(t)
			}
			return !ts.Before(t)
		})
	}
	if adv := c.q.Get("filter"); adv != "" {
		for tok := range strings.SplitSeq(adv, " ") {
			k, v, ok := strings.Cut(tok, ":")
			if !ok {
				return 0, nil, errBad("invalid format for filter \"%s\"", tok)
			}
			items = slices.DeleteFunc(items, func(d doc) bool {
				got, _ := lookup(d, k)
				return fmt.Sprint(got) != v
			})
		}
	}
	asc := (c.q.Has("timestamp_gt") || c.q.Has("sort_asc")) && !c.q.Has("timestamp_lt") && !c.q.Has("sort_desc")
	def := []string{"-start_timestamp", "action.ref"}
	if asc {
		def = []string{"start_timestamp", "action.ref"}
	}
	// Masking changes parameter values only, which no sort key reads, so
	// the page is cut from the stored documents and only its items are
	// masked, each as a view (page encodes it under the lock).
	return c.page(items, listSpec{
		view:         func(d doc) doc { return st.maskedView(d, show) },
		defaultLimit: 100, offset: true, project: true,
		sortable:     map[string]string{"action": "action.ref", "status": "status", "user": "context.user", "timestamp": "start_timestamp", "runner": "runner.name", "parent": "parent", "liveaction": "liveaction.id"},
		defaultSort:  def,
		validExclude: []string{"result", "trigger_instance", "status"},
	})
}

func (st *state) updateExecution(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"status": "string", "result": "object|null"}, []string{"status"}); err != nil {
		return 0, nil, err
	}
	want := str(in["status"])
	if !slices.Contains(allStates, want) {
		return 0, nil, errBad("'%s' is not one of %s", want, pyList(allStates))
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	status := str(d["status"])
	if isCompleted(status) {
		return 0, nil, errBad("Execution is already in completed state.")
	}
	r := st.runs[str(d["id"])]
	liveID := str(mapOf(d["liveaction"])["id"])
	runner := str(mapOf(d["action"])["runner_type"])
	result := mapOf(in["result"])
	switch {
	case status == "canceling" && want == "canceled":
		st.finish(d, r, "canceled", result, c.now)
	case want == "canceling" || want == "canceled":
		st.requestCancel(d, r, c.user, c.now)
	case status == "pausing" && want == "paused":
		if r.activeChildren == 0 {
			st.setStatus(d, r, "paused", c.now)
		}
	case want == "pausing" || want == "paused":
		if !slices.Contains(workflowRunners, runner) {
			return 0, nil, errBad("Failed updating execution. Unable to pause liveaction \"%s\" because it is not supported by the \"%s\" runner.", liveID, runner)
		}
		if status == "pausing" || status == "paused" {
			break
		}
		if status != "running" {
			return 0, nil, errBad("Failed updating execution. Unable to pause liveaction \"%s\" because it is not in a running state.", liveID)
		}
		mapOf(d["context"])["paused_by"] = c.user
		r.resumed = make(chan struct{})
		st.setStatus(d, r, "pausing", c.now)
	case want == "resuming":
		if !slices.Contains(workflowRunners, runner) {
			return 0, nil, errBad("Failed updating execution. Unable to resume liveaction \"%s\" because it is not supported by the \"%s\" runner.", liveID, runner)
		}
		if status == "running" || status == "resuming" {
			break
		}
		if status != "paused" {
			return 0, nil, errBad("Failed updating execution. Unable to resume liveaction \"%s\" because it is in \"%s\" state and not in \"paused\" state.", liveID, status)
		}
		mapOf(d["context"])["resumed_by"] = c.user
		st.setStatus(d, r, "resuming", c.now)
	case isCompleted(want):
		st.finish(d, r, want, result, c.now)
	default:
		if result != nil {
			d["result"] = result
		}
		st.setStatus(d, r, want, c.now)
	}
	return http.StatusOK, st.maskedExecution(d, show), nil
}

// requestCancel is action_service.request_cancellation: a running
// execution (or a workflow task) goes canceling, anything else canceled.
func (st *state) requestCancel(d doc, r *run, user string, now time.Time) {
	status := str(d["status"])
	if status == "canceling" || !slices.Contains(cancelableStates, status) {
		return
	}
	result := map[string]any{"message": "Action canceled by user.", "user": user}
	mapOf(d["context"])["cancelled_by"] = user
	if status == "running" || str(d["parent"]) != "" || r.activeChildren > 0 {
		d["result"] = result
		st.setStatus(d, r, "canceling", now)
		if r.cancel != nil {
			r.cancel()
		}
		for _, cid := range stringsOf(d["children"]) {
			if cd := st.executions.byID(cid); cd != nil {
				if cr := st.runs[cid]; cr != nil {
					st.requestCancel(cd, cr, user, now)
				}
			}
		}
		return
	}
	st.finish(d, r, "canceled", result, now)
}

func (st *state) cancelExecution(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	status := str(d["status"])
	if status == "canceled" {
		return http.StatusOK, st.maskedExecution(d, show), nil
	}
	if !slices.Contains(cancelableStates, status) {
		// The real server's quirk: abort(200, ...) renders a faultstring
		// with status 200.
		return http.StatusOK, doc{"faultstring": fmt.Sprintf("Action cannot be canceled. State = %s.", status)}, nil
	}
	st.requestCancel(d, st.runs[str(d["id"])], c.user, c.now)
	return http.StatusOK, st.maskedExecution(d, show), nil
}

func (st *state) reRunExecution(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"parameters": "object", "tasks": "array", "reset": "array", "user": "string|null", "delay": "integer"}, nil); err != nil {
		return 0, nil, err
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	params := mapOf(in["parameters"])
	tasks := stringsOf(in["tasks"])
	reset := stringsOf(in["reset"])
	if (len(tasks) > 0 || len(reset) > 0) && len(params) > 0 {
		return 0, nil, errBad("Parameters override is not supported when re-running task(s) for a workflow.")
	}
	for _, r := range reset {
		if !slices.Contains(tasks, r) {
			return 0, nil, errBad("List of tasks to reset does not match the tasks to rerun.")
		}
	}
	old, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	if len(tasks) > 0 && str(mapOf(old["runner"])["name"]) != "orquesta" {
		return 0, nil, errBad("Task option is only supported for Orquesta workflows.")
	}
	noMerge, _, err := c.boolParam("no_merge")
	if err != nil {
		return 0, nil, err
	}
	merged := map[string]any{}
	if !noMerge {
		// Only what the caller gave originally: defaults and immutable
		// values are filled in again.
		for k, v := range mapOf(old["parameters"]) {
			merged[k] = clone(v)
		}
	}
	for k, v := range params {
		merged[k] = clone(v)
	}
	rerun := doc{"ref": old["id"]}
	if len(tasks) > 0 {
		rerun["tasks"] = clone(in["tasks"])
	}
	if len(reset) > 0 {
		rerun["reset"] = clone(in["reset"])
	}
	user := c.user
	if u := str(in["user"]); u != "" {
		user = u
	}
	req := execRequest{ref: str(mapOf(old["action"])["ref"]), params: merged, user: user, context: map[string]any{"re-run": rerun}}
	if v, ok := in["delay"]; ok {
		req.delay = int(num(v))
	}
	d, err := st.newExecution(c.now, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, st.maskedExecution(d, show), nil
}

func stringsOf(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			out = append(out, fmt.Sprint(e))
		}
	}
	return out
}

func (st *state) executionOutput(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	kind := c.q.Get("output_type")
	if kind == "" {
		kind = "all"
	}
	var b strings.Builder
	for _, o := range st.outputs[str(d["id"])] {
		if kind == "all" || o["output_type"] == kind {
			b.WriteString(str(o["data"]))
		}
	}
	return http.StatusOK, textBody(b.String()), nil
}

func (st *state) executionResult(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	for _, p := range []string{"download", "compress", "pretty_format"} {
		if _, _, err := c.boolParam(p); err != nil {
			return 0, nil, err
		}
	}
	pretty, _, _ := c.boolParam("pretty_format")
	download, _, _ := c.boolParam("download")
	res := d["result"]
	var b []byte
	if pretty {
		b, _ = json.MarshalIndent(res, "", "    ")
	} else {
		b, _ = json.Marshal(res)
	}
	if download {
		c.header.Set("Content-Disposition", "attachment; filename=execution_"+str(d["id"])+"_result.json")
	}
	return http.StatusOK, rawJSON(b), nil
}

func (st *state) executionAttribute(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	attr := c.r.PathValue("attribute")
	if !slices.Contains([]string{"result", "trigger_instance", "status"}, attr) {
		return 0, nil, errBad("Invalid attribute \"%s\" specified. Valid attributes are: result, trigger_instance, status", attr)
	}
	return http.StatusOK, rawJSON(compactJSON(d[attr])), nil
}

func (st *state) executionChildren(c *reqCtx) (int, any, error) {
	d, err := st.execByPath(c)
	if err != nil {
		return 0, nil, err
	}
	depth, set, err := c.intParam("depth")
	if err != nil {
		return 0, nil, err
	}
	if !set {
		depth = -1
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	out := []any{}
	var walk func(id string, level int)
	walk = func(id string, level int) {
		p := st.executions.byID(id)
		if p == nil {
			return
		}
		for _, cid := range stringsOf(p["children"]) {
			if cd := st.executions.byID(cid); cd != nil {
				out = append(out, st.maskedExecution(cd, show))
				if depth < 0 || level < depth {
					walk(cid, level+1)
				}
			}
		}
	}
	walk(str(d["id"]), 1)
	return http.StatusOK, out, nil
}

func (st *state) executionFilters(c *reqCtx) (int, any, error) {
	types := c.listParam("types")
	fields := map[string]string{"action": "action.ref", "status": "status", "user": "context.user", "runner": "runner.name", "rule": "rule.ref", "trigger": "trigger.ref", "trigger_type": "trigger_type.ref"}
	out := doc{}
	for name, path := range fields {
		if len(types) > 0 && !slices.Contains(types, name) {
			continue
		}
		vals := []any{}
		seen := map[string]bool{}
		for _, d := range st.executions.items {
			if v, ok := lookup(d, path); ok && v != nil && !seen[fmt.Sprint(v)] {
				seen[fmt.Sprint(v)] = true
				vals = append(vals, v)
			}
		}
		out[name] = vals
	}
	return http.StatusOK, out, nil
}
