package st2test

import (
	"net/http"
	"slices"
	"strings"
)

// kind describes one kind of pack content: its collection, uid prefix,
// accepted fields (additionalProperties false) and required ones.
type kind struct {
	coll     *coll
	uid      string
	fields   map[string]string
	required []string
	defaults map[string]any
	check    func(st *state, in map[string]any) error
}

func (st *state) kinds() map[string]*kind {
	common := func(extra map[string]string) map[string]string {
		f := map[string]string{"id": "string", "ref": "string", "uid": "string", "name": "string", "pack": "string", "description": "string", "metadata_file": "string"}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	return map[string]*kind{
		"action": {coll: &st.actions, uid: "action", required: []string{"name", "runner_type"},
			fields: common(map[string]string{"enabled": "boolean", "runner_type": "string", "entry_point": "string", "parameters": "object",
				"output_schema": "object", "tags": "array", "notify": "object", "data_files": "array"}),
			defaults: map[string]any{"enabled": true, "entry_point": "", "parameters": map[string]any{}, "tags": []any{}, "notify": map[string]any{}, "output_schema": map[string]any{}},
			check:    checkAction},
		"rule": {coll: &st.rules, uid: "rule", required: []string{"name", "trigger", "action"},
			fields:   common(map[string]string{"enabled": "boolean", "type": "object", "trigger": "object", "criteria": "object", "action": "object", "context": "object", "tags": "array"}),
			defaults: map[string]any{"enabled": false, "criteria": map[string]any{}, "tags": []any{}, "type": map[string]any{"ref": "standard", "parameters": map[string]any{}}},
			check:    checkRule},
		"trigger_type": {coll: &st.triggerTypes, uid: "trigger_type", required: []string{"name"},
			fields:   common(map[string]string{"payload_schema": "object", "parameters_schema": "object", "tags": "array"}),
			defaults: map[string]any{"payload_schema": map[string]any{}, "parameters_schema": map[string]any{}, "tags": []any{}}},
		"policy": {coll: &st.policies, uid: "policy", required: []string{"name", "resource_ref", "policy_type"},
			fields:   common(map[string]string{"enabled": "boolean", "resource_ref": "string", "policy_type": "string", "parameters": "object"}),
			defaults: map[string]any{"enabled": true, "parameters": map[string]any{}},
			check:    checkPolicy},
		"action_alias": {coll: &st.aliases, uid: "action_alias", required: []string{"name", "action_ref", "formats"},
			fields: common(map[string]string{"enabled": "boolean", "action_ref": "string", "formats": "array", "ack": "object", "result": "object",
				"extra": "object", "immutable_parameters": "object"}),
			defaults: map[string]any{"enabled": true, "ack": map[string]any{}, "result": map[string]any{}, "extra": map[string]any{}, "immutable_parameters": map[string]any{}}},
	}
}

func checkAction(st *state, in map[string]any) error {
	if st.runnerByName(str(in["runner_type"])) == nil {
		return errBad("RunnerType %s is not found. If you are using old and deprecated runner name, you need to switch to a new one. For more information, please see https://docs.stackstorm.com/upgrade_notes.html#st2-v0-9", str(in["runner_type"]))
	}
	if st.packs.byRef(str(in["pack"])) == nil {
		return errBad("Content pack \"%s\" is not found or doesn't contain actions directory. Searched in: /opt/stackstorm/packs", str(in["pack"]))
	}
	for name, p := range mapOf(in["parameters"]) {
		if !isWord(name) {
			return errBad("Additional properties are not allowed ('%s' was unexpected)", name)
		}
		pm := mapOf(p)
		if pm == nil {
			return errBad("%s is not of type 'object'", pyRepr(p))
		}
		if t, ok := pm["type"]; ok && !slices.Contains([]string{"string", "integer", "number", "boolean", "object", "array", "null"}, str(t)) {
			return errBad("%s is not one of ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']", pyRepr(t))
		}
	}
	return nil
}

func checkRule(st *state, in map[string]any) error {
	trig := mapOf(in["trigger"])
	if trig == nil || str(trig["type"]) == "" {
		return errBad("'type' is a required property")
	}
	act := mapOf(in["action"])
	if act == nil || str(act["ref"]) == "" {
		return errBad("'ref' is a required property")
	}
	if st.triggerTypes.byRef(str(trig["type"])) == nil {
		return errBad("Trigger type \"%s\" doesn't exist", str(trig["type"]))
	}
	if st.actions.byRef(str(act["ref"])) == nil {
		return errBad("Action \"%s\" doesn't exist", str(act["ref"]))
	}
	return nil
}

func checkPolicy(st *state, in map[string]any) error {
	if st.policyTypes.byRef(str(in["policy_type"])) == nil {
		return errBad("Referenced policy_type \"%s\" doesnt exist", str(in["policy_type"]))
	}
	return nil
}

// build validates a create/update body and returns the stored document.
func (st *state) build(c *reqCtx, k *kind, old doc) (doc, error) {
	in, err := c.object()
	if err != nil {
		return nil, err
	}
	if err := checkFields(in, k.fields, k.required); err != nil {
		return nil, err
	}
	if str(in["pack"]) == "" {
		in["pack"] = "default"
	}
	for f, v := range k.defaults {
		if _, ok := in[f]; !ok {
			in[f] = clone(v)
		}
	}
	if k.check != nil {
		if err := k.check(st, in); err != nil {
			return nil, err
		}
	}
	delete(in, "data_files")
	ref := str(in["pack"]) + "." + str(in["name"])
	in["ref"] = ref
	in["uid"] = k.uid + ":" + str(in["pack"]) + ":" + str(in["name"])
	if other := k.coll.byRef(ref); other != nil && (old == nil || other["id"] != old["id"]) {
		return nil, errConflict(str(other["id"]), "pack, name")
	}
	if old != nil {
		in["id"] = old["id"]
	} else {
		in["id"] = st.newID(c.now)
	}
	return in, nil
}

func (st *state) listKind(c *reqCtx, k *kind, ls listSpec, filters ...[2]string) (int, any, error) {
	items := slices.Clone(k.coll.items)
	for _, f := range filters {
		items = c.eqFilter(items, f[0], f[1], f[0] == "id" || f[0] == "name")
	}
	return c.page(items, ls)
}

func (st *state) getKind(c *reqCtx, k *kind, param string) (int, any, error) {
	v := c.r.PathValue(param)
	d := k.coll.byRefOrID(v)
	if d == nil {
		return 0, nil, errMissing(v)
	}
	return c.one(d, true)
}

func (st *state) createKind(c *reqCtx, k *kind) (int, any, error) {
	d, err := st.build(c, k, nil)
	if err != nil {
		return 0, nil, err
	}
	k.coll.add(d)
	return http.StatusCreated, cloneDoc(d), nil
}

func (st *state) updateKind(c *reqCtx, k *kind, param string) (int, any, error) {
	v := c.r.PathValue(param)
	old := k.coll.byRefOrID(v)
	if old == nil {
		return 0, nil, errMissing(v)
	}
	d, err := st.build(c, k, old)
	if err != nil {
		return 0, nil, err
	}
	i := slices.IndexFunc(k.coll.items, func(x doc) bool { return x["id"] == old["id"] })
	k.coll.items[i] = d
	return http.StatusOK, cloneDoc(d), nil
}

func (st *state) deleteKind(c *reqCtx, k *kind, param string) (int, any, error) {
	v := c.r.PathValue(param)
	d := k.coll.byRefOrID(v)
	if d == nil {
		return 0, nil, errMissing(v)
	}
	k.coll.remove(str(d["id"]))
	return http.StatusNoContent, nil, nil
}

// ---- actions ----

func (st *state) listActions(c *reqCtx) (int, any, error) {
	items := slices.Clone(st.actions.items)
	if tag := c.q.Get("tags"); tag != "" {
		items = slices.DeleteFunc(items, func(d doc) bool {
			for _, t := range d["tags"].([]any) {
				if str(mapOf(t)["name"]) == tag {
					return false
				}
			}
			return true
		})
	}
	items = c.eqFilter(items, "name", "name", false)
	items = c.eqFilter(items, "pack", "pack", false)
	items = c.eqFilter(items, "id", "id", true)
	return c.page(items, listSpec{offset: true, project: true, defaultSort: []string{"pack", "name"}})
}
func (st *state) createAction(c *reqCtx) (int, any, error) {
	return st.createKind(c, st.kinds()["action"])
}
func (st *state) getAction(c *reqCtx) (int, any, error) {
	return st.getKind(c, st.kinds()["action"], "ref_or_id")
}
func (st *state) updateAction(c *reqCtx) (int, any, error) {
	return st.updateKind(c, st.kinds()["action"], "ref_or_id")
}
func (st *state) deleteAction(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"remove_files": "boolean"}, nil); err != nil {
		return 0, nil, err
	}
	return st.deleteKind(c, st.kinds()["action"], "ref_or_id")
}

func (st *state) cloneAction(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"dest_pack": "string", "dest_action": "string", "overwrite": "boolean"}, []string{"dest_pack", "dest_action"}); err != nil {
		return 0, nil, err
	}
	src := st.actions.byRefOrID(c.r.PathValue("ref_or_id"))
	if src == nil {
		return 0, nil, errBad("The requested source for cloning operation doesn't exists")
	}
	pack, name := str(in["dest_pack"]), str(in["dest_action"])
	if st.packs.byRef(pack) == nil {
		return 0, nil, errBad("Destination pack '%s' doesn't exist", pack)
	}
	if pack == "core" {
		return 0, nil, errBad("Resources belonging to system level packs can't be manipulated")
	}
	existing := st.actions.byRef(pack + "." + name)
	if existing != nil {
		if ow, _ := in["overwrite"].(bool); !ow {
			return 0, nil, errBad("The requested destination action already exists")
		}
		st.actions.remove(str(existing["id"]))
	}
	d := cloneDoc(src)
	d["id"], d["pack"], d["name"] = st.newID(c.now), pack, name
	d["ref"], d["uid"] = pack+"."+name, "action:"+pack+":"+name
	st.actions.add(d)
	return http.StatusCreated, cloneDoc(d), nil
}

func (st *state) actionParametersView(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	a := st.actions.byRefOrID(v)
	if a == nil {
		return 0, nil, errMissing(v)
	}
	return http.StatusOK, doc{"parameters": st.paramSchema(a)}, nil
}

func (st *state) overview(a doc) doc {
	d := cloneDoc(a)
	d["parameters"] = st.paramSchema(a)
	return d
}

func (st *state) listActionsOverview(c *reqCtx) (int, any, error) {
	items := c.eqFilter(slices.Clone(st.actions.items), "name", "name", false)
	items = c.eqFilter(items, "pack", "pack", false)
	out := make([]doc, len(items))
	for i, a := range items {
		out[i] = st.overview(a)
	}
	return c.page(out, listSpec{offset: true, project: true, defaultSort: []string{"pack", "name"}})
}

func (st *state) getActionOverview(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	a := st.actions.byRefOrID(v)
	if a == nil {
		return 0, nil, errMissing(v)
	}
	return c.one(st.overview(a), true)
}

func (st *state) actionEntryPoint(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	a := st.actions.byRefOrID(v)
	if a == nil {
		return 0, nil, errMissing(v)
	}
	ep := str(a["entry_point"])
	if ep == "" {
		return 0, nil, errBad("Action \"%s\" has no entry_point to output", str(a["ref"]))
	}
	content, ok := st.files[str(a["pack"])]["actions/"+ep]
	if !ok {
		content = "# entry point " + ep + " of " + str(a["ref"]) + " (st2test keeps no file contents for it)\n"
	}
	return http.StatusOK, textBody(content), nil
}

// ---- rules ----

func (st *state) listRules(c *reqCtx) (int, any, error) {
	items := slices.Clone(st.rules.items)
	items = c.eqFilter(items, "action", "action.ref", false)
	items = c.eqFilter(items, "trigger", "trigger.ref", false)
	items, err := c.boolFilter(items, "enabled", "enabled")
	if err != nil {
		return 0, nil, err
	}
	items = c.eqFilter(items, "name", "name", false)
	items = c.eqFilter(items, "pack", "pack", false)
	items = c.eqFilter(items, "id", "id", true)
	return c.page(items, listSpec{project: true, limitOnly: true, defaultSort: []string{"pack", "name"}})
}
func (st *state) createRule(c *reqCtx) (int, any, error) {
	code, body, err := st.createKind(c, st.kinds()["rule"])
	if err == nil {
		st.linkRuleTrigger(body.(doc), c)
	}
	return code, body, err
}

// linkRuleTrigger creates or reuses the Trigger a rule's trigger type and
// parameters stand for, and records its ref in the rule.
func (st *state) linkRuleTrigger(d doc, c *reqCtx) {
	trig := mapOf(d["trigger"])
	typ := str(trig["type"])
	params := mapOf(trig["parameters"])
	for _, t := range st.triggers.items {
		if t["type"] == typ && compactJSON(mapOf(t["parameters"])) == compactJSON(params) {
			trig["ref"] = t["ref"]
			st.rules.byID(str(d["id"]))["trigger"].(doc)["ref"] = t["ref"]
			return
		}
	}
	t := st.addTrigger(typ, params, "", "", c)
	trig["ref"] = t["ref"]
	st.rules.byID(str(d["id"]))["trigger"].(doc)["ref"] = t["ref"]
}

func (st *state) getRule(c *reqCtx) (int, any, error) {
	return st.getKind(c, st.kinds()["rule"], "ref_or_id")
}
func (st *state) updateRule(c *reqCtx) (int, any, error) {
	code, body, err := st.updateKind(c, st.kinds()["rule"], "ref_or_id")
	if err == nil {
		st.linkRuleTrigger(body.(doc), c)
	}
	return code, body, err
}
func (st *state) deleteRule(c *reqCtx) (int, any, error) {
	return st.deleteKind(c, st.kinds()["rule"], "ref_or_id")
}

func (st *state) ruleView(r doc) doc {
	d := cloneDoc(r)
	if tt := st.triggerTypes.byRef(str(mapOf(r["trigger"])["type"])); tt != nil {
		mapOf(d["trigger"])["description"] = tt["description"]
	}
	if a := st.actions.byRef(str(mapOf(r["action"])["ref"])); a != nil {
		mapOf(d["action"])["description"] = a["description"]
	}
	return d
}

func (st *state) listRuleViews(c *reqCtx) (int, any, error) {
	// st2's rule views filter by name and pack only.
	items := c.eqFilter(slices.Clone(st.rules.items), "pack", "pack", false)
	items = c.eqFilter(items, "name", "name", false)
	out := make([]doc, len(items))
	for i, r := range items {
		out[i] = st.ruleView(r)
	}
	return c.page(out, listSpec{project: true, limitOnly: true, defaultSort: []string{"pack", "name"}})
}

func (st *state) getRuleView(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	r := st.rules.byRefOrID(v)
	if r == nil {
		return 0, nil, errMissing(v)
	}
	return c.one(st.ruleView(r), true)
}

func (st *state) listRuleTypes(c *reqCtx) (int, any, error) {
	return http.StatusOK, cloneList(st.ruleTypes.items), nil
}

func (st *state) getRuleType(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("id")
	d := st.ruleTypes.byID(id)
	if d == nil {
		return 0, nil, errNoID(id)
	}
	return http.StatusOK, cloneDoc(d), nil
}

func cloneList(items []doc) []any {
	out := make([]any, len(items))
	for i, d := range items {
		out[i] = cloneDoc(d)
	}
	return out
}

// ---- trigger types, triggers, trigger instances ----

func (st *state) listTriggerTypes(c *reqCtx) (int, any, error) {
	return st.listKind(c, st.kinds()["trigger_type"], listSpec{defaultLimit: 100, offset: true, project: true,
		sortable: map[string]string{"name": "name", "pack": "pack"}, defaultSort: []string{"pack", "name"}},
		[2]string{"name", "name"}, [2]string{"pack", "pack"}, [2]string{"id", "id"})
}
func (st *state) createTriggerType(c *reqCtx) (int, any, error) {
	code, body, err := st.createKind(c, st.kinds()["trigger_type"])
	if err == nil && len(mapOf(body.(doc)["parameters_schema"])) == 0 {
		// A type without parameters gets its "shadow" trigger.
		d := body.(doc)
		st.addTrigger(str(d["ref"]), map[string]any{}, str(d["name"]), str(d["pack"]), c)
	}
	return code, body, err
}
func (st *state) getTriggerType(c *reqCtx) (int, any, error) {
	return st.getKind(c, st.kinds()["trigger_type"], "ref_or_id")
}
func (st *state) updateTriggerType(c *reqCtx) (int, any, error) {
	return st.updateKind(c, st.kinds()["trigger_type"], "ref_or_id")
}
func (st *state) deleteTriggerType(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	if d := st.triggerTypes.byRefOrID(v); d != nil {
		if shadow := st.triggers.byRef(str(d["ref"])); shadow != nil {
			st.triggers.remove(str(shadow["id"]))
		}
	}
	return st.deleteKind(c, st.kinds()["trigger_type"], "ref_or_id")
}

func (st *state) addTrigger(typ string, params map[string]any, name, pack string, c *reqCtx) doc {
	if name == "" {
		name = newUUID()
	}
	if pack == "" {
		pack = strings.SplitN(typ, ".", 2)[0]
	}
	if params == nil {
		params = map[string]any{}
	}
	t := doc{"id": st.newID(c.now), "name": name, "pack": pack, "ref": pack + "." + name,
		"uid": "trigger:" + pack + ":" + name, "type": typ, "parameters": clone(params)}
	st.triggers.add(t)
	return t
}

var triggerFields = map[string]string{"id": "string", "ref": "string", "uid": "string", "name": "string", "pack": "string",
	"type": "string", "parameters": "object", "description": "string"}

func (st *state) listTriggers(c *reqCtx) (int, any, error) {
	return http.StatusOK, cloneList(st.triggers.items), nil
}

func (st *state) createTrigger(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, triggerFields, []string{"type"}); err != nil {
		return 0, nil, err
	}
	if st.triggerTypes.byRef(str(in["type"])) == nil {
		return 0, nil, errBad("Trigger type \"%s\" doesn't exist", str(in["type"]))
	}
	if name, pack := str(in["name"]), str(in["pack"]); name != "" && pack != "" {
		if other := st.triggers.byRef(pack + "." + name); other != nil {
			return 0, nil, errConflict(str(other["id"]), "pack, name")
		}
	}
	t := st.addTrigger(str(in["type"]), mapOf(in["parameters"]), str(in["name"]), str(in["pack"]), c)
	if d := str(in["description"]); d != "" {
		t["description"] = d
	}
	return http.StatusCreated, cloneDoc(t), nil
}

func (st *state) getTrigger(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("trigger_id")
	t := st.triggers.byID(id)
	if t == nil {
		return 0, nil, errNoID(id)
	}
	return http.StatusOK, cloneDoc(t), nil
}

func (st *state) updateTrigger(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("trigger_id")
	t := st.triggers.byID(id)
	if t == nil {
		return 0, nil, errNoID(id)
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, triggerFields, []string{"type"}); err != nil {
		return 0, nil, err
	}
	for _, f := range []string{"type", "parameters", "description"} {
		if v, ok := in[f]; ok {
			t[f] = clone(v)
		}
	}
	return http.StatusOK, cloneDoc(t), nil
}

func (st *state) deleteTrigger(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("trigger_id")
	if st.triggers.byID(id) == nil {
		return 0, nil, errNoID(id)
	}
	st.triggers.remove(id)
	return http.StatusNoContent, nil, nil
}

// dispatch records a trigger instance (the emulator runs no rules
// engine: instances are recorded as processed).
func (st *state) listTriggerInstances(c *reqCtx) (int, any, error) {
	items := slices.Clone(st.triggerInstances.items)
	items = c.eqFilter(items, "trigger", "trigger", false)
	items = c.eqFilter(items, "id", "id", true)
	return c.page(items, listSpec{defaultLimit: 100, offset: true, project: true,
		sortable: map[string]string{"trigger": "trigger", "timestamp": "occurrence_time", "status": "status"}, defaultSort: []string{"-occurrence_time", "trigger"}})
}

func (st *state) getTriggerInstance(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("instance_id")
	d := st.triggerInstances.byID(id)
	if d == nil {
		return 0, nil, errNoID(id)
	}
	return c.one(d, true)
}

func (st *state) reEmitTriggerInstance(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("instance_id")
	d := st.triggerInstances.byID(id)
	if d == nil {
		return 0, nil, errNoID(id)
	}
	payload := cloneDoc(mapOf(d["payload"]))
	if payload == nil {
		payload = doc{}
	}
	payload["__context"] = doc{"original_id": id}
	st.dispatch(str(d["trigger"]), payload, c)
	return http.StatusOK, doc{"message": "Trigger instance " + id + " succesfully re-sent.", "payload": payload}, nil
}

// ---- policies ----

func (st *state) listPolicies(c *reqCtx) (int, any, error) {
	return st.listKind(c, st.kinds()["policy"], listSpec{defaultLimit: 100, offset: true, project: true, defaultSort: []string{"pack", "name"}},
		[2]string{"pack", "pack"}, [2]string{"name", "name"})
}
func (st *state) createPolicy(c *reqCtx) (int, any, error) {
	return st.createKind(c, st.kinds()["policy"])
}
func (st *state) getPolicy(c *reqCtx) (int, any, error) {
	return st.getKind(c, st.kinds()["policy"], "ref_or_id")
}
func (st *state) updatePolicy(c *reqCtx) (int, any, error) {
	return st.updateKind(c, st.kinds()["policy"], "ref_or_id")
}
func (st *state) deletePolicy(c *reqCtx) (int, any, error) {
	return st.deleteKind(c, st.kinds()["policy"], "ref_or_id")
}

func (st *state) listPolicyTypes(c *reqCtx) (int, any, error) {
	items := c.eqFilter(slices.Clone(st.policyTypes.items), "resource_type", "resource_type", false)
	items = c.eqFilter(items, "name", "name", false)
	return c.page(items, listSpec{defaultLimit: 100, offset: true, project: true,
		sortable: map[string]string{"name": "name", "resource_type": "resource_type"}})
}

func (st *state) getPolicyType(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	d := st.policyTypes.byRefOrID(v)
	if d == nil {
		return 0, nil, errMissing(v)
	}
	return c.one(d, true)
}

// ---- runners and sensors ----

func (st *state) listRunners(c *reqCtx) (int, any, error) {
	items := c.eqFilter(slices.Clone(st.runners.items), "name", "name", false)
	return c.page(items, listSpec{defaultLimit: 100, offset: true, project: true, sortable: map[string]string{"name": "name"}})
}

func (st *state) runnerByPath(c *reqCtx) (doc, error) {
	v := c.r.PathValue("name_or_id")
	if d := st.runnerByName(v); d != nil {
		return d, nil
	}
	if d := st.runners.byID(v); d != nil {
		return d, nil
	}
	return nil, errf(http.StatusNotFound, "Resource with a name or id \"%s\" not found", v)
}

func (st *state) getRunner(c *reqCtx) (int, any, error) {
	d, err := st.runnerByPath(c)
	if err != nil {
		return 0, nil, err
	}
	return c.one(d, true)
}

func (st *state) updateRunner(c *reqCtx) (int, any, error) {
	d, err := st.runnerByPath(c)
	if err != nil {
		return 0, nil, err
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"id": "string", "uid": "string", "name": "string", "description": "string",
		"enabled": "boolean", "runner_package": "string", "runner_module": "string", "runner_parameters": "object",
		"output_key": "string", "output_schema": "object", "query_module": "string"}, []string{"name"}); err != nil {
		return 0, nil, err
	}
	if b, ok := in["enabled"].(bool); ok {
		d["enabled"] = b
	}
	return http.StatusOK, cloneDoc(d), nil
}

func (st *state) listSensors(c *reqCtx) (int, any, error) {
	items := slices.Clone(st.sensors.items)
	items = c.eqFilter(items, "name", "name", false)
	items = c.eqFilter(items, "pack", "pack", false)
	items, err := c.boolFilter(items, "enabled", "enabled")
	if err != nil {
		return 0, nil, err
	}
	if t := c.q.Get("trigger"); t != "" {
		items = slices.DeleteFunc(items, func(d doc) bool { return !slices.Contains(stringsOf(d["trigger_types"]), t) })
	}
	return c.page(items, listSpec{project: true, limitOnly: true, defaultSort: []string{"pack", "name"}})
}

func (st *state) getSensor(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	d := st.sensors.byRefOrID(v)
	if d == nil {
		return 0, nil, errMissing(v)
	}
	return c.one(d, true)
}

func (st *state) updateSensor(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	d := st.sensors.byRefOrID(v)
	if d == nil {
		return 0, nil, errMissing(v)
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"id": "string", "ref": "string", "uid": "string", "name": "string", "pack": "string",
		"description": "string", "class_name": "string", "artifact_uri": "string", "entry_point": "string", "enabled": "boolean",
		"trigger_types": "array", "poll_interval": "integer|null", "metadata_file": "string"}, []string{"class_name"}); err != nil {
		return 0, nil, err
	}
	if b, ok := in["enabled"].(bool); ok {
		d["enabled"] = b
	}
	return http.StatusOK, cloneDoc(d), nil
}

// ---- action aliases ----

func (st *state) listAliases(c *reqCtx) (int, any, error) {
	return st.listKind(c, st.kinds()["action_alias"], listSpec{defaultLimit: 100, offset: true, project: true,
		sortable: map[string]string{"name": "name", "pack": "pack"}, defaultSort: []string{"pack", "name"}},
		[2]string{"name", "name"}, [2]string{"pack", "pack"})
}
func (st *state) createAlias(c *reqCtx) (int, any, error) {
	return st.createKind(c, st.kinds()["action_alias"])
}
func (st *state) getAlias(c *reqCtx) (int, any, error) {
	return st.getKind(c, st.kinds()["action_alias"], "ref_or_id")
}
func (st *state) updateAlias(c *reqCtx) (int, any, error) {
	return st.updateKind(c, st.kinds()["action_alias"], "ref_or_id")
}
func (st *state) deleteAlias(c *reqCtx) (int, any, error) {
	return st.deleteKind(c, st.kinds()["action_alias"], "ref_or_id")
}
