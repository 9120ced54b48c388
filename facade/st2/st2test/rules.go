package st2test

import (
	"crypto/md5" //nolint:gosec // a uid, as st2 computes it; not a security use
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// systemUser is st2's [system_user] user: rules run their actions as it.
const systemUser = "stanley"

// timerTypes are st2's timer trigger types, in the order its code lists
// them (the 400 of GET /timers names them in that order).
var timerTypes = []string{"core.st2.IntervalTimer", "core.st2.DateTimer", "core.st2.CronTimer"}

// ---- the rules engine ----

// dispatch records a trigger instance and enforces every enabled rule
// whose trigger it is, as st2rulesengine does (synchronously here). The
// caller holds the lock.
func (st *state) dispatch(trigger string, payload any, c *reqCtx) doc {
	return st.dispatchTraced(trigger, payload, "", c)
}

// dispatchTraced is dispatch with a trace tag (St2-Trace-Tag); empty gives
// "trigger-<ref>-<uuid>".
func (st *state) dispatchTraced(trigger string, payload any, traceTag string, c *reqCtx) doc {
	now := c.now
	ti := doc{"id": st.newID(now), "trigger": trigger, "payload": clone(payload),
		"occurrence_time": formatTime(now), "status": "processing"}
	st.triggerInstances.add(ti)
	if traceTag == "" {
		traceTag = "trigger-" + trigger + "-" + strings.ReplaceAll(newUUID(), "-", "")
	}
	tr := st.newTrace(traceTag, now)
	tr.add("trigger_instances", str(ti["id"]), trigger, nil, now)
	for _, r := range st.rules.items {
		if en, _ := r["enabled"].(bool); !en || str(mapOf(r["trigger"])["ref"]) != trigger {
			continue
		}
		if !criteriaMatch(mapOf(r["criteria"]), payload) {
			continue
		}
		st.enforce(r, ti, tr, now)
	}
	ti["status"] = "processed"
	return ti
}

// enforce runs a rule's action for a trigger instance and records the
// enforcement (failed, with the reason, when the execution cannot be
// created).
func (st *state) enforce(r, ti doc, tr *trace, now time.Time) {
	tiID, ruleID := str(ti["id"]), str(r["id"])
	tr.add("rules", ruleID, str(r["ref"]), doc{"type": "trigger_instance", "id": tiID}, now)
	ctx := map[string]any{
		"trigger_instance": doc{"id": tiID, "name": nil},
		"rule":             doc{"id": ruleID, "name": r["name"]},
		"trace_context":    doc{"id_": tr.id(), "trace_tag": tr.d["trace_tag"]},
	}
	for k, v := range mapOf(r["context"]) {
		ctx[k] = clone(v)
	}
	act := mapOf(r["action"])
	params := renderRuleParams(mapOf(act["parameters"]), doc{"trigger": ti["payload"]})
	enf := doc{"id": st.newID(now), "rule": doc{"ref": r["ref"], "id": ruleID, "uid": r["uid"]},
		"trigger_instance_id": tiID, "enforced_at": formatTime(now), "status": "succeeded"}
	d, err := st.newExecution(now, execRequest{ref: str(act["ref"]), params: params, user: systemUser, context: ctx,
		rule: r, trigger: st.triggers.byRef(str(ti["trigger"])), triggerInstance: ti})
	if err != nil {
		enf["status"] = "failed"
		msg := err.Error()
		if e, ok := err.(*apiError); ok {
			msg = e.msg
		}
		enf["failure_reason"] = msg
	} else {
		enf["execution_id"] = d["id"]
	}
	st.enforcements.add(enf)
}

// criteriaMatch evaluates a rule's criteria against a payload: every
// "trigger.<path>" must satisfy its operator. An unknown operator fails
// the rule, as st2's filter does.
func criteriaMatch(criteria map[string]any, payload any) bool {
	for key, c := range criteria {
		crit := mapOf(c)
		path := strings.TrimPrefix(strings.TrimPrefix(key, "trigger."), "trigger")
		var val any
		var ok bool
		if path == "" {
			val, ok = payload, true
		} else {
			val, ok = lookup(payload, path)
		}
		pattern := crit["pattern"]
		if s, isStr := pattern.(string); isStr {
			pattern = renderRuleString(s, doc{"trigger": payload})
		}
		if !operator(str(crit["type"]), val, ok, pattern) {
			return false
		}
	}
	return true
}

// operator is one of st2's criteria operators (st2common/operators.py).
func operator(op string, val any, present bool, pattern any) bool {
	vs, ps := fmt.Sprint(val), fmt.Sprint(pattern)
	lower := strings.ToLower
	switch op {
	case "exists":
		return present
	case "nexists":
		return !present
	}
	if !present {
		return false
	}
	switch op {
	case "equals":
		return compareValues(val, pattern) == 0 || vs == ps
	case "nequals":
		return !(compareValues(val, pattern) == 0 || vs == ps)
	case "iequals":
		return lower(vs) == lower(ps)
	case "contains":
		return strings.Contains(vs, ps)
	case "icontains":
		return strings.Contains(lower(vs), lower(ps))
	case "ncontains":
		return !strings.Contains(vs, ps)
	case "incontains":
		return !strings.Contains(lower(vs), lower(ps))
	case "startswith":
		return strings.HasPrefix(vs, ps)
	case "istartswith":
		return strings.HasPrefix(lower(vs), lower(ps))
	case "endswith":
		return strings.HasSuffix(vs, ps)
	case "iendswith":
		return strings.HasSuffix(lower(vs), lower(ps))
	case "matchregex", "regex", "iregex":
		expr := ps
		if op == "iregex" {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return false
		}
		if op == "matchregex" { // Python's re.match: anchored at the start
			loc := re.FindStringIndex(vs)
			return loc != nil && loc[0] == 0
		}
		return re.MatchString(vs)
	case "lessthan", "greaterthan":
		a, aerr := strconv.ParseFloat(vs, 64)
		b, berr := strconv.ParseFloat(ps, 64)
		if aerr != nil || berr != nil {
			return false
		}
		if op == "lessthan" {
			return a < b
		}
		return a > b
	case "inside", "ninside":
		in := false
		switch p := pattern.(type) {
		case []any:
			in = slices.ContainsFunc(p, func(x any) bool { return fmt.Sprint(x) == vs })
		default:
			in = strings.Contains(ps, vs)
		}
		return in == (op == "inside")
	}
	return false
}

var jinjaRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{\s*([\w.]+)\s*\}\}`) })

// renderRuleString substitutes {{ trigger.path }} expressions (plain
// paths only; Jinja filters and st2kv lookups are not emulated).
func renderRuleString(s string, ctx doc) string {
	return jinjaRe().ReplaceAllStringFunc(s, func(m string) string {
		v, ok := lookup(ctx, jinjaRe().FindStringSubmatch(m)[1])
		if !ok || v == nil {
			return ""
		}
		if vs, isStr := v.(string); isStr {
			return vs
		}
		return compactJSON(v)
	})
}

// renderRuleParams renders a rule's action parameters. A value that is
// one expression keeps the type of what it names.
func renderRuleParams(params map[string]any, ctx doc) map[string]any {
	out := map[string]any{}
	for k, v := range params {
		s, ok := v.(string)
		if !ok {
			out[k] = clone(v)
			continue
		}
		if m := jinjaRe().FindStringSubmatch(s); m != nil && m[0] == strings.TrimSpace(s) {
			if val, found := lookup(ctx, m[1]); found {
				out[k] = clone(val)
				continue
			}
		}
		out[k] = renderRuleString(s, ctx)
	}
	return out
}

// ---- traces ----

// trace wraps a trace document.
type trace struct{ d doc }

func (t *trace) id() string { return str(t.d["id"]) }

// add appends a component (trigger_instances, rules, action_executions)
// and recomputes the uid, which st2 derives from the whole content.
func (t *trace) add(list, objectID, ref string, causedBy doc, now time.Time) {
	if causedBy == nil {
		causedBy = doc{}
	}
	items, _ := t.d[list].([]any)
	t.d[list] = append(items, doc{"object_id": objectID, "ref": ref, "updated_at": formatTime(now), "caused_by": causedBy})
	t.rehash()
}

func (t *trace) rehash() {
	sum := md5.Sum([]byte(compactJSON([]any{t.d["trace_tag"], t.d["trigger_instances"], t.d["rules"], t.d["action_executions"], t.d["start_timestamp"]}))) //nolint:gosec // see import
	t.d["uid"] = "trace:" + hex.EncodeToString(sum[:])
}

func (st *state) newTrace(tag string, now time.Time) *trace {
	// Traces count on their own so that they do not shift the ids of
	// everything else (tests predict those).
	st.traceSeq++
	t := &trace{d: doc{"id": fmt.Sprintf("%08xf%015x", uint32(now.Unix()), st.traceSeq), "trace_tag": tag, "trigger_instances": []any{}, "rules": []any{},
		"action_executions": []any{}, "start_timestamp": formatTime(now)}}
	t.rehash()
	st.traces.add(t.d)
	return t
}

// traceFor finds or starts the trace of a new execution as st2's trace
// service does: the trace_context's id, else a new trace for its tag, else
// the parent's trace, else a new "execution-<liveaction id>" trace.
func (st *state) traceFor(ctx map[string]any, parent, liveID string, now time.Time) *trace {
	tc := mapOf(ctx["trace_context"])
	if id := str(tc["id_"]); id != "" {
		if d := st.traces.byID(id); d != nil {
			return &trace{d: d}
		}
	}
	if tag := str(tc["trace_tag"]); tag != "" {
		return st.newTrace(tag, now)
	}
	if parent != "" {
		if d := st.traceOfExecution(parent); d != nil {
			return &trace{d: d}
		}
	}
	return st.newTrace("execution-"+liveID, now)
}

func (st *state) traceOfExecution(id string) doc {
	for _, t := range st.traces.items {
		for _, c := range t["action_executions"].([]any) {
			if mapOf(c)["object_id"] == id {
				return t
			}
		}
	}
	return nil
}

// componentFilter keeps the traces with a component of list whose
// object_id is the query parameter's value.
func (c *reqCtx) componentFilter(items []doc, param, list string) []doc {
	v := c.q.Get(param)
	if v == "" {
		return items
	}
	return slices.DeleteFunc(items, func(d doc) bool {
		comps, _ := d[list].([]any)
		return !slices.ContainsFunc(comps, func(x any) bool { return mapOf(x)["object_id"] == v })
	})
}

func (st *state) listTraces(c *reqCtx) (int, any, error) {
	items := slices.Clone(st.traces.items)
	items = c.eqFilter(items, "trace_tag", "trace_tag", false)
	items = c.eqFilter(items, "id", "id", true)
	items = c.componentFilter(items, "execution", "action_executions")
	items = c.componentFilter(items, "rule", "rules")
	items = c.componentFilter(items, "trigger_instance", "trigger_instances")
	ls := listSpec{defaultLimit: 100, offset: true, project: true,
		sortable:    map[string]string{"trace_tag": "trace_tag"},
		defaultSort: []string{"-start_timestamp", "trace_tag"}}
	// The controller compares these with the string "True" only.
	if c.q.Get("sort_desc") != "True" && c.q.Get("sort_asc") == "True" {
		ls.defaultSort = []string{"start_timestamp", "trace_tag"}
	}
	return c.page(items, ls)
}

func (st *state) getTrace(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("id")
	d := st.traces.byID(id)
	if d == nil {
		return 0, nil, errNoID(id)
	}
	return c.one(d, false)
}

// ---- rule enforcements ----

func (st *state) enforcementItems(c *reqCtx) ([]doc, error) {
	items := slices.Clone(st.enforcements.items)
	items = c.eqFilter(items, "rule_ref", "rule.ref", false)
	items = c.eqFilter(items, "rule_id", "rule.id", false)
	items = c.eqFilter(items, "execution", "execution_id", false)
	items = c.eqFilter(items, "trigger_instance", "trigger_instance_id", false)
	items = c.eqFilter(items, "id", "id", true)
	for _, f := range []struct {
		param string
		keep  func(t, bound time.Time) bool
	}{
		{"enforced_at", func(t, b time.Time) bool { return t.Equal(b) }},
		{"enforced_at_gt", func(t, b time.Time) bool { return t.After(b) }},
		{"enforced_at_lt", func(t, b time.Time) bool { return t.Before(b) }},
	} {
		v := c.q.Get(f.param)
		if v == "" {
			continue
		}
		bound, ok := parseTimeFilter(v)
		if !ok {
			return nil, errBad("Invalid format for filter %q: %s", f.param, v)
		}
		items = slices.DeleteFunc(items, func(d doc) bool {
			t, _ := time.Parse(timeLayout, str(d["enforced_at"]))
			return !f.keep(t, bound)
		})
	}
	return items, nil
}

var enforcementList = listSpec{defaultLimit: 50, offset: true, project: true,
	sortable:    map[string]string{"rule_ref": "rule.ref", "rule_id": "rule.id", "execution": "execution_id", "trigger_instance": "trigger_instance_id", "enforced_at": "enforced_at"},
	defaultSort: []string{"-enforced_at", "rule.ref"}}

func (st *state) listRuleEnforcements(c *reqCtx) (int, any, error) {
	items, err := st.enforcementItems(c)
	if err != nil {
		return 0, nil, err
	}
	return c.page(items, enforcementList)
}

func (st *state) getRuleEnforcement(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("id")
	d := st.enforcements.byID(id)
	if d == nil {
		return 0, nil, errNoID(id)
	}
	return c.one(d, false)
}

// enforcementView adds the trigger instance and a few execution fields, as
// the views controller does.
func (st *state) enforcementView(e doc) doc {
	out := cloneDoc(e)
	out["trigger_instance"], out["execution"] = doc{}, doc{}
	if ti := st.triggerInstances.byID(str(e["trigger_instance_id"])); ti != nil {
		out["trigger_instance"] = cloneDoc(ti)
	}
	if ex := st.executions.byID(str(e["execution_id"])); ex != nil {
		out["execution"] = project(ex, []string{"action.ref", "action.parameters", "runner.name", "runner.runner_parameters", "parameters", "status"}, nil)
	}
	return out
}

func (st *state) listRuleEnforcementViews(c *reqCtx) (int, any, error) {
	items, err := st.enforcementItems(c)
	if err != nil {
		return 0, nil, err
	}
	views := make([]doc, len(items))
	for i, e := range items {
		views[i] = st.enforcementView(e)
	}
	return c.page(views, enforcementList)
}

func (st *state) getRuleEnforcementView(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("id")
	d := st.enforcements.byID(id)
	if d == nil {
		return 0, nil, errNoID(id)
	}
	return http.StatusOK, st.enforcementView(d), nil
}

// ---- timers ----

func (st *state) listTimers(c *reqCtx) (int, any, error) {
	typ := c.q.Get("timer_type")
	if typ != "" && !slices.Contains(timerTypes, typ) {
		return 0, nil, errBad("Timer type %s not in supported types - dict_keys(['%s']).", typ, strings.Join(timerTypes, "', '"))
	}
	out := []any{}
	for _, t := range st.triggers.items {
		if slices.Contains(timerTypes, str(t["type"])) && (typ == "" || t["type"] == typ) {
			out = append(out, cloneDoc(t))
		}
	}
	return http.StatusOK, out, nil
}

// getTimer reads any trigger by ref or id: the controller does not check
// that it is a timer.
func (st *state) getTimer(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	d := st.triggers.byRefOrID(v)
	if d == nil {
		return 0, nil, errMissing(v)
	}
	return http.StatusOK, cloneDoc(d), nil
}
