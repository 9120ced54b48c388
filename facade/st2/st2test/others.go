package st2test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// ---- action alias matching and execution ----

var placeholderRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{\s*(\w+)\s*(?:=\s*([^}]*?))?\s*\}\}`) })

// aliasFormats lists an alias's (display, representation) pairs.
func aliasFormats(a doc) [][2]string {
	var out [][2]string
	for _, f := range a["formats"].([]any) {
		switch x := f.(type) {
		case string:
			out = append(out, [2]string{x, x})
		case map[string]any:
			display := str(x["display"])
			for _, r := range stringsOf(x["representation"]) {
				if display == "" {
					display = r
				}
				out = append(out, [2]string{display, r})
			}
		}
	}
	return out
}

// matchFormat matches a command against one representation and returns
// the extracted parameters.
func matchFormat(format, command string) (map[string]any, bool) {
	var re strings.Builder
	re.WriteString(`^\s*`)
	var names []string
	defaults := map[string]string{}
	last := 0
	for _, m := range placeholderRe().FindAllStringSubmatchIndex(format, -1) {
		re.WriteString(regexp.QuoteMeta(format[last:m[0]]))
		name := format[m[2]:m[3]]
		names = append(names, name)
		if m[4] >= 0 {
			defaults[name] = format[m[4]:m[5]]
			re.WriteString(`(.*?)`)
		} else {
			re.WriteString(`(.+?)`)
		}
		last = m[1]
	}
	re.WriteString(regexp.QuoteMeta(format[last:]))
	re.WriteString(`\s*$`)
	rx, err := regexp.Compile(strings.ReplaceAll(re.String(), `\ `, `\s*`))
	if err != nil {
		return nil, false
	}
	m := rx.FindStringSubmatch(command)
	if m == nil {
		return nil, false
	}
	params := map[string]any{}
	for i, n := range names {
		v := strings.TrimSpace(m[i+1])
		if v == "" {
			if d, ok := defaults[n]; ok {
				v = d
			}
		}
		if v != "" {
			params[n] = strings.Trim(v, `"'`)
		}
	}
	return params, true
}

type aliasMatch struct {
	alias         doc
	display, repr string
	params        map[string]any
}

func (st *state) matchAliases(command string) []aliasMatch {
	var out []aliasMatch
	for _, a := range st.aliases.items {
		if en, _ := a["enabled"].(bool); !en {
			continue
		}
		for _, f := range aliasFormats(a) {
			if p, ok := matchFormat(f[1], command); ok {
				out = append(out, aliasMatch{a, f[0], f[1], p})
				break
			}
		}
	}
	return out
}

func (st *state) aliasMatch(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"command": "string"}, []string{"command"}); err != nil {
		return 0, nil, err
	}
	cmd := str(in["command"])
	ms := st.matchAliases(cmd)
	switch {
	case len(ms) == 0:
		return 0, nil, errBad("Command '%s' matched no patterns", cmd)
	case len(ms) > 1:
		return 0, nil, errBad("Command '%s' matched more than 1 pattern", cmd)
	}
	return http.StatusOK, doc{"actionalias": cloneDoc(ms[0].alias), "display": ms[0].display, "representation": ms[0].repr}, nil
}

func (st *state) aliasHelp(c *reqCtx) (int, any, error) {
	filter, pack := c.q.Get("filter"), c.q.Get("pack")
	offset, _, err := c.intParam("offset")
	if err != nil {
		return 0, nil, err
	}
	limit, _, err := c.intParam("limit")
	if err != nil {
		return 0, nil, err
	}
	var helps []any
	for _, a := range st.aliases.items {
		if en, _ := a["enabled"].(bool); !en || (pack != "" && a["pack"] != pack) {
			continue
		}
		for _, f := range aliasFormats(a) {
			if filter != "" && !strings.Contains(strings.ToLower(f[0]), strings.ToLower(filter)) {
				continue
			}
			helps = append(helps, doc{"pack": a["pack"], "display": f[0], "description": a["description"]})
		}
	}
	count := len(helps)
	if offset > 0 && offset < len(helps) {
		helps = helps[offset:]
	} else if offset >= len(helps) {
		helps = nil
	}
	if limit > 0 && limit < len(helps) {
		helps = helps[:limit]
	}
	if helps == nil {
		helps = []any{}
	}
	return http.StatusOK, doc{"available": float64(count), "helpstrings": helps}, nil
}

var aliasExecFields = map[string]string{"name": "string", "format": "string", "command": "string", "user": "string",
	"source_channel": "string", "source_context": "object", "notification_channel": "string", "notification_route": "string"}

// runAlias executes one matched alias as the alias execution controller
// does.
func (st *state) runAlias(c *reqCtx, a doc, format, command string, in map[string]any) (doc, error) {
	params, ok := matchFormat(format, command)
	if !ok {
		return nil, errBad("Command \"%s\" doesn't match format string \"%s\"", command, format)
	}
	for k, v := range mapOf(a["immutable_parameters"]) {
		params[k] = clone(v)
	}
	ctx := map[string]any{"action_alias_ref": a["ref"], "api_user": in["user"], "source_channel": in["source_channel"]}
	d, err := st.newExecution(c.now, execRequest{ref: str(a["action_ref"]), params: params, user: c.user, context: ctx})
	if err != nil {
		return nil, err
	}
	res := doc{"execution": st.maskedExecution(d, false), "actionalias": cloneDoc(a)}
	if ack := mapOf(a["ack"]); ack != nil && ack["enabled"] != false {
		if f := str(ack["format"]); f != "" {
			res["message"] = f
		}
	}
	return res, nil
}

func (st *state) aliasExecute(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, aliasExecFields, nil); err != nil {
		return 0, nil, err
	}
	name := str(in["name"])
	if name == "" {
		return 0, nil, errBad("Alias execution \"name\" is required")
	}
	var a doc
	for _, x := range st.aliases.items {
		if x["name"] == name {
			a = x
			break
		}
	}
	if a == nil {
		return 0, nil, errf(http.StatusNotFound, "Unable to identify action alias with name \"%s\".", name)
	}
	if en, _ := a["enabled"].(bool); !en {
		return 0, nil, errBad("Action alias with name \"%s\" is disabled.", name)
	}
	res, err := st.runAlias(c, a, str(in["format"]), str(in["command"]), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, res, nil
}

func (st *state) aliasMatchAndExecute(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, aliasExecFields, []string{"command"}); err != nil {
		return 0, nil, err
	}
	cmd := str(in["command"])
	ms := st.matchAliases(cmd)
	switch {
	case len(ms) == 0:
		return 0, nil, errBad("Command '%s' matched no patterns", cmd)
	case len(ms) > 1:
		return 0, nil, errBad("Command '%s' matched more than 1 pattern", cmd)
	}
	res, err := st.runAlias(c, ms[0].alias, ms[0].repr, cmd, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, doc{"results": []any{res}}, nil
}

// ---- packs and configs ----

func (st *state) listPacks(c *reqCtx) (int, any, error) {
	items := c.eqFilter(slices.Clone(st.packs.items), "name", "name", false)
	items = c.eqFilter(items, "ref", "ref", false)
	items = c.eqFilter(items, "id", "id", true)
	return c.page(items, listSpec{defaultLimit: 100, offset: true, project: true,
		sortable: map[string]string{"name": "name", "ref": "ref"}, defaultSort: []string{"ref"}})
}

func (st *state) getPack(c *reqCtx) (int, any, error) {
	v := c.r.PathValue("ref_or_id")
	d := st.packs.byRef(v)
	if d == nil {
		d = st.packs.byID(v)
	}
	if d == nil {
		return 0, nil, errMissing(v)
	}
	return c.one(d, true)
}

// packWork runs packs.install / packs.uninstall as an execution, as the
// real server does, and answers 202 with its id.
func (st *state) packWork(c *reqCtx, ref string) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"packs": "array", "force": "boolean", "skip_dependencies": "boolean", "checkout_submodules": "boolean"}, []string{"packs"}); err != nil {
		return 0, nil, err
	}
	names := stringsOf(in["packs"])
	d, err := st.newExecution(c.now, execRequest{ref: ref, params: map[string]any{"packs": clone(in["packs"])}, user: c.user})
	if err != nil {
		return 0, nil, err
	}
	for _, n := range names {
		name := strings.SplitN(strings.TrimSuffix(n, ".git"), "=", 2)[0]
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		name = strings.TrimPrefix(name, "stackstorm-")
		if ref == "packs.install" && st.packs.byRef(name) == nil {
			st.addPack(name, "Pack "+name+" (installed by the emulator; no content)", "1.0.0", c.now)
		}
		if ref == "packs.uninstall" {
			if p := st.packs.byRef(name); p != nil {
				st.packs.remove(str(p["id"]))
			}
		}
	}
	return http.StatusAccepted, doc{"execution_id": d["id"]}, nil
}

func (st *state) installPacks(c *reqCtx) (int, any, error) { return st.packWork(c, "packs.install") }
func (st *state) uninstallPacks(c *reqCtx) (int, any, error) {
	return st.packWork(c, "packs.uninstall")
}

func (st *state) registerPacks(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"packs": "array", "types": "array", "fail_on_failure": "boolean"}, nil); err != nil {
		return 0, nil, err
	}
	packs := stringsOf(in["packs"])
	count := func(items []doc) float64 {
		n := 0
		for _, d := range items {
			if len(packs) == 0 || slices.Contains(packs, str(d["pack"])) {
				n++
			}
		}
		return float64(n)
	}
	all := doc{
		"runners": float64(len(st.runners.items)), "actions": count(st.actions.items), "triggers": count(st.triggerTypes.items),
		"sensors": count(st.sensors.items), "rules": count(st.rules.items), "aliases": count(st.aliases.items),
		"policy_types": float64(len(st.policyTypes.items)), "policies": count(st.policies.items), "configs": float64(len(st.configs)),
	}
	if types := stringsOf(in["types"]); len(types) > 0 {
		out := doc{}
		for _, t := range types {
			if t == "all" {
				return http.StatusOK, all, nil
			}
			key := strings.TrimSuffix(t, "s") + "s"
			if t == "policy_type" || t == "policy_types" {
				key = "policy_types"
			}
			if t == "policy" {
				key = "policies"
			}
			if v, ok := all[key]; ok {
				out[key] = v
			} else {
				return 0, nil, errBad("Invalid types: %s. Valid types are: all, runner, action, trigger, sensor, rule, alias, policy_type, policy, config", t)
			}
		}
		return http.StatusOK, out, nil
	}
	return http.StatusOK, all, nil
}

func (st *state) packByPath(c *reqCtx) (doc, error) {
	v := c.r.PathValue("ref_or_id")
	d := st.packs.byRef(v)
	if d == nil {
		d = st.packs.byID(v)
	}
	if d == nil {
		return nil, errMissing(v)
	}
	return d, nil
}

func (st *state) packFiles(c *reqCtx) (int, any, error) {
	p, err := st.packByPath(c)
	if err != nil {
		return 0, nil, err
	}
	files := st.files[str(p["ref"])]
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	out := []any{}
	for _, n := range names {
		out = append(out, doc{"file_path": n, "content": files[n]})
	}
	return http.StatusOK, out, nil
}

func (st *state) packFile(c *reqCtx) (int, any, error) {
	p, err := st.packByPath(c)
	if err != nil {
		return 0, nil, err
	}
	path := c.r.PathValue("file_path")
	content, ok := st.files[str(p["ref"])][path]
	if !ok {
		return 0, nil, errf(http.StatusNotFound, "File \"%s\" not found", path)
	}
	return http.StatusOK, textBody(content), nil
}

func (st *state) listConfigs(c *reqCtx) (int, any, error) {
	var out []doc
	for _, p := range st.packs.items {
		if v, ok := st.configs[str(p["ref"])]; ok {
			out = append(out, doc{"id": str(p["id"]), "pack": p["ref"], "values": cloneDoc(v)})
		}
	}
	return c.page(out, listSpec{defaultLimit: 100, offset: true})
}

func (st *state) getConfig(c *reqCtx) (int, any, error) {
	ref := c.r.PathValue("pack_ref")
	v, ok := st.configs[ref]
	if !ok {
		return 0, nil, errf(http.StatusNotFound, "Unable to identify resource with pack_ref \"%s\".", ref)
	}
	return http.StatusOK, doc{"id": str(st.packs.byRef(ref)["id"]), "pack": ref, "values": cloneDoc(v)}, nil
}

func (st *state) putConfig(c *reqCtx) (int, any, error) {
	ref := c.r.PathValue("pack_ref")
	p := st.packs.byRef(ref)
	if p == nil {
		return 0, nil, errf(http.StatusNotFound, "Unable to identify resource with pack_ref \"%s\".", ref)
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	st.configs[ref] = in
	return http.StatusOK, doc{"id": str(p["id"]), "pack": ref, "values": cloneDoc(in)}, nil
}

func (st *state) listConfigSchemas(c *reqCtx) (int, any, error) {
	out := []any{}
	for _, p := range st.packs.items {
		if v, ok := st.schemas[str(p["ref"])]; ok {
			out = append(out, doc{"id": str(p["id"]), "pack": p["ref"], "attributes": cloneDoc(v)})
		}
	}
	return http.StatusOK, out, nil
}

func (st *state) getConfigSchema(c *reqCtx) (int, any, error) {
	ref := c.r.PathValue("pack_ref")
	v, ok := st.schemas[ref]
	if !ok {
		return 0, nil, errf(http.StatusNotFound, "Unable to identify resource with pack_ref \"%s\".", ref)
	}
	return http.StatusOK, doc{"id": str(st.packs.byRef(ref)["id"]), "pack": ref, "attributes": cloneDoc(v)}, nil
}

// ---- webhooks ----

// webhookTriggers are the triggers of type core.st2.webhook; their url
// parameter is the hook name.
func (st *state) webhookTriggers() []doc {
	return st.triggers.filter(func(d doc) bool { return d["type"] == "core.st2.webhook" })
}

func (st *state) listWebhooks(c *reqCtx) (int, any, error) {
	return http.StatusOK, cloneList(st.webhookTriggers()), nil
}

func (st *state) findWebhook(url string) doc {
	if hooks := st.webhooksFor(url); len(hooks) > 0 {
		return hooks[0]
	}
	return nil
}

// getWebhook answers GET /webhooks/{url}. st2 routes this one without
// the ".*" requirement of POST, and decodes the path before routing: a
// hook with a slash, even sent as %2F, reaches no route.
func (st *state) getWebhook(c *reqCtx) (int, any, error) {
	url := c.r.PathValue("url")
	if strings.Contains(url, "/") {
		return 0, nil, errNoRoute
	}
	t := st.findWebhook(url)
	if t == nil {
		// abort(404) without a message: webob's default detail.
		return 0, nil, errf(http.StatusNotFound, "Unhandled exception")
	}
	return http.StatusOK, cloneDoc(t), nil
}

func (st *state) postWebhook(c *reqCtx) (int, any, error) {
	url := c.r.PathValue("url")
	var body any = map[string]any{}
	if len(strings.TrimSpace(string(c.body))) > 0 {
		if err := jsonUnmarshal(c.body, &body); err != nil {
			return 0, nil, errBad("Failed to parse request body: %v", err)
		}
	}
	tag := c.r.Header.Get("St2-Trace-Tag")
	if url == "st2" || url == "st2/" {
		in, ok := body.(map[string]any)
		if !ok {
			return 0, nil, errBad("Webhook body needs to be an object, got: %s", jsonType(body))
		}
		trigger := str(in["trigger"])
		if trigger == "" {
			return 0, nil, errBad("Trigger not specified.")
		}
		if st.triggerTypes.byRef(trigger) == nil && st.triggers.byRef(trigger) == nil {
			return 0, nil, errBad("Trigger \"%s\" doesn't exist.", trigger)
		}
		if tag == "" {
			tag = "webhook-" + url + "-" + strings.ReplaceAll(newUUID(), "-", "")
		}
		st.dispatchTraced(trigger, in["payload"], tag, c)
		return http.StatusAccepted, body, nil
	}
	hooks := st.webhooksFor(url)
	if len(hooks) == 0 {
		return 0, nil, errf(http.StatusNotFound, "Webhook %s not registered with st2", url)
	}
	headers := headerDoc(c.r.Header)
	lower := doc{}
	for k, v := range headers {
		lower[strings.ToLower(k)] = v
	}
	if tag == "" {
		tag = "webhook-" + url + "-" + strings.ReplaceAll(newUUID(), "-", "")
	}
	// Every trigger registered for the hook gets the payload (one per
	// rule with its own trigger parameters).
	for _, t := range hooks {
		st.dispatchTraced(str(t["ref"]), doc{"headers": headers, "headers_lower": lower, "body": clone(body)}, tag, c)
	}
	return http.StatusAccepted, body, nil
}

// webhooksFor lists the webhook triggers of a hook (slashes trimmed on
// both sides, as st2 normalises them).
func (st *state) webhooksFor(url string) []doc {
	var out []doc
	for _, t := range st.webhookTriggers() {
		if strings.Trim(str(mapOf(t["parameters"])["url"]), "/") == strings.Trim(url, "/") {
			out = append(out, t)
		}
	}
	return out
}

// jsonType names a JSON value's type as st2's messages do.
func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

func headerDoc(h http.Header) doc {
	out := doc{}
	for k, v := range h {
		switch strings.ToLower(k) {
		case "x-auth-token", "st2-api-key", "authorization", "cookie":
			continue // never echo credentials into trigger payloads
		}
		out[k] = strings.Join(v, ",")
	}
	return out
}

// ---- inquiries ----

// inquiryOut renders a pending core.ask-style execution as an inquiry.
func (st *state) inquiryOut(d doc) doc {
	p := mapOf(d["parameters"])
	r := st.runs[str(d["id"])]
	full := map[string]any{}
	if r != nil {
		full = r.params
	}
	get := func(k string, def any) any {
		if v, ok := p[k]; ok {
			return clone(v)
		}
		if v, ok := full[k]; ok && v != nil {
			return clone(v)
		}
		return def
	}
	return doc{
		"id": d["id"], "schema": get("schema", doc{}), "roles": get("roles", []any{}),
		"users": get("users", []any{}), "route": get("route", ""), "ttl": get("ttl", 1440.0),
	}
}

func (st *state) pendingInquiries() []doc {
	return st.executions.filter(func(d doc) bool {
		return d["status"] == "pending" && str(mapOf(d["runner"])["name"]) == "inquirer"
	})
}

func (st *state) listInquiries(c *reqCtx) (int, any, error) {
	var items []doc
	for _, d := range st.pendingInquiries() {
		items = append(items, st.inquiryOut(d))
	}
	return c.page(items, listSpec{defaultLimit: 20, project: true})
}

func (st *state) inquiryByPath(c *reqCtx) (doc, error) {
	id := c.r.PathValue("inquiry_id")
	d := st.executions.byID(id)
	if d == nil || str(mapOf(d["runner"])["name"]) != "inquirer" {
		return nil, errNoID(id)
	}
	return d, nil
}

func (st *state) getInquiry(c *reqCtx) (int, any, error) {
	d, err := st.inquiryByPath(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, st.inquiryOut(d), nil
}

func (st *state) respondInquiry(c *reqCtx) (int, any, error) {
	d, err := st.inquiryByPath(c)
	if err != nil {
		return 0, nil, err
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"id": "string", "response": "object"}, []string{"id", "response"}); err != nil {
		return 0, nil, err
	}
	if d["status"] != "pending" {
		return 0, nil, errBad("Inquiry %s has already been responded to.", str(d["id"]))
	}
	inq := st.inquiryOut(d)
	if users := stringsOf(inq["users"]); len(users) > 0 && !slices.Contains(users, c.user) {
		return 0, nil, errForbidden("Requester does not have permission to respond to inquiry \"%s\".", str(d["id"]))
	}
	resp := mapOf(in["response"])
	schema := mapOf(inq["schema"])
	props := mapOf(schema["properties"])
	fields := map[string]string{}
	for k, v := range props {
		t := str(mapOf(v)["type"])
		if t == "" {
			t = "any"
		}
		fields[k] = t
	}
	required := stringsOf(schema["required"])
	if len(props) > 0 {
		if err := checkFields(resp, fields, required); err != nil {
			return 0, nil, errBad("Response did not pass schema validation: %s", err.(*apiError).msg)
		}
	}
	result := doc{"schema": inq["schema"], "roles": inq["roles"], "users": inq["users"], "route": inq["route"], "ttl": inq["ttl"], "response": clone(resp)}
	st.finish(d, st.runs[str(d["id"])], "succeeded", result, c.now)
	return http.StatusOK, doc{"id": d["id"], "response": clone(resp)}, nil
}
