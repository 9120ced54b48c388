package st2test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/oasdiff/yaml"
)

// ---- RBAC ----

// permissionTypes lists st2's permission types per resource type, in the
// order of st2common/rbac/types.py. The resource type's own types come
// first; a pack also grants the types of the content inside it.
var permissionTypes = []struct {
	resource string
	perms    []string
}{
	{"runner_type", []string{"runner_type_list", "runner_type_view", "runner_type_modify", "runner_type_all"}},
	{"pack", []string{"pack_list", "pack_view", "pack_create", "pack_modify", "pack_delete", "pack_install", "pack_uninstall",
		"pack_register", "pack_config", "pack_search", "pack_views_index_health", "pack_all", "sensor_type_view", "sensor_type_modify",
		"sensor_type_all", "action_view", "action_create", "action_modify", "action_delete", "action_execute", "action_all",
		"action_alias_view", "action_alias_create", "action_alias_modify", "action_alias_delete", "action_alias_all",
		"rule_view", "rule_create", "rule_modify", "rule_delete", "rule_all"}},
	{"sensor_type", []string{"sensor_type_list", "sensor_type_view", "sensor_type_modify", "sensor_type_all"}},
	{"action", []string{"action_list", "action_view", "action_create", "action_modify", "action_delete", "action_execute", "action_all"}},
	{"action_alias", []string{"action_alias_list", "action_alias_view", "action_alias_create", "action_alias_modify",
		"action_alias_match", "action_alias_help", "action_alias_delete", "action_alias_all"}},
	{"rule", []string{"rule_list", "rule_view", "rule_create", "rule_modify", "rule_delete", "rule_all"}},
	{"rule_enforcement", []string{"rule_enforcement_list", "rule_enforcement_view"}},
	{"execution", []string{"execution_list", "execution_view", "execution_rerun", "execution_stop", "execution_all", "execution_views_filters_list"}},
	{"key_value_pair", []string{"key_value_pair_list", "key_value_pair_view", "key_value_pair_set", "key_value_pair_delete", "key_value_pair_all"}},
	{"webhook", []string{"webhook_list", "webhook_view", "webhook_create", "webhook_send", "webhook_delete", "webhook_all"}},
	{"timer", []string{"timer_list", "timer_view", "timer_all"}},
	{"api_key", []string{"api_key_list", "api_key_view", "api_key_create", "api_key_modify", "api_key_delete", "api_key_all"}},
	{"trace", []string{"trace_list", "trace_view", "trace_all"}},
	{"trigger", []string{"trigger_list", "trigger_view", "trigger_all"}},
	{"policy_type", []string{"policy_type_list", "policy_type_view", "policy_type_all"}},
	{"policy", []string{"policy_list", "policy_view", "policy_create", "policy_modify", "policy_delete", "policy_all"}},
	{"inquiry", []string{"inquiry_list", "inquiry_view", "inquiry_respond", "inquiry_all"}},
}

// permissionVerbs names what each permission suffix allows. The
// descriptions are the emulator's own wording, not st2's.
var permissionVerbs = map[string]string{
	"list": "list", "view": "view", "create": "create", "modify": "modify", "delete": "delete", "all": "do anything with",
	"execute": "execute", "install": "install", "uninstall": "uninstall", "register": "register", "config": "configure",
	"search": "search the index for", "health": "check the index health of", "match": "match commands against",
	"help": "read the help of", "rerun": "re-run", "stop": "stop", "set": "set", "send": "post to", "respond": "respond to",
}

// describePermission writes a permission type's description from its
// resource type (the longest one prefixing it) and its last word.
func describePermission(perm string) string {
	resource := ""
	for _, rt := range permissionTypes {
		if strings.HasPrefix(perm, rt.resource+"_") && len(rt.resource) > len(resource) {
			resource = rt.resource
		}
	}
	rest := strings.TrimPrefix(perm, resource+"_")
	verb := rest[strings.LastIndex(rest, "_")+1:]
	if v, ok := permissionVerbs[verb]; ok && resource != "" {
		return "Allows to " + v + " " + strings.ReplaceAll(resource, "_", " ") + " objects (" + rest + ")."
	}
	return "Permission " + perm + "."
}

func permissionMap(perms []string) doc {
	out := doc{}
	for _, p := range perms {
		out[p] = describePermission(p)
	}
	return out
}

// checkAdmin is assert_user_is_admin: a no-op with RBAC off.
func (c *reqCtx) checkAdmin() error {
	if !c.isAdmin() {
		return errForbidden("Administrator access required")
	}
	return nil
}

func (st *state) listPermissionTypes(c *reqCtx) (int, any, error) {
	if err := c.checkAdmin(); err != nil {
		return 0, nil, err
	}
	out := doc{}
	for _, rt := range permissionTypes {
		out[rt.resource] = permissionMap(rt.perms)
	}
	return http.StatusOK, out, nil
}

func (st *state) getPermissionTypes(c *reqCtx) (int, any, error) {
	if err := c.checkAdmin(); err != nil {
		return 0, nil, err
	}
	v := c.r.PathValue("resource_type")
	for _, rt := range permissionTypes {
		if rt.resource == v {
			return http.StatusOK, permissionMap(rt.perms), nil
		}
	}
	return 0, nil, errf(http.StatusNotFound, "Invalid resource type: %s", v)
}

// roles are the three system roles st2's migration inserts on start.
func (st *state) roles() []doc {
	var out []doc
	for i, name := range []string{"system_admin", "admin", "observer"} {
		out = append(out, doc{"id": st.fixedID(i), "name": name, "description": name, "system": true,
			"permission_grants": []any{}, "permission_grant_ids": []any{}, "permission_grant_objects": []any{}})
	}
	return out
}

// fixedID is a stable id for objects the server inserts on start.
func (st *state) fixedID(i int) string { return fmt.Sprintf("5a5a5a5a%016x", i+1) }

func (st *state) listRoles(c *reqCtx) (int, any, error) {
	if err := c.checkAdmin(); err != nil {
		return 0, nil, err
	}
	items := st.roles()
	if v, set, err := c.boolParam("system"); err != nil {
		return 0, nil, err
	} else if set {
		items = slices.DeleteFunc(items, func(d doc) bool { return d["system"] != v })
	}
	return c.page(items, listSpec{noLimit: true, defaultSort: []string{"name"}})
}

func (st *state) getRole(c *reqCtx) (int, any, error) {
	if err := c.checkAdmin(); err != nil {
		return 0, nil, err
	}
	v := c.r.PathValue("name_or_id")
	for _, r := range st.roles() {
		if r["id"] == v || r["name"] == v {
			return http.StatusOK, r, nil
		}
	}
	return 0, nil, errf(http.StatusNotFound, "Resource with a name or id \"%s\" not found", v)
}

// roleAssignments: st2 has none until RBAC definitions are applied; under
// WithRBAC each admin holds the admin role from an emulator "file".
func (st *state) roleAssignments() []doc {
	if !st.s.cfg.rbac {
		return nil
	}
	var out []doc
	for i, u := range st.s.cfg.admins {
		out = append(out, doc{"id": st.fixedID(50 + i), "user": u, "role": "admin", "source": "assignments/" + u + ".yaml",
			"is_remote": false, "description": "Admin of the st2test emulator."})
	}
	return out
}

func (st *state) listRoleAssignments(c *reqCtx) (int, any, error) {
	user := c.q.Get("user")
	// assert_user_is_admin_or_operating_on_own_resource
	if !c.isAdmin() && user != c.user {
		return 0, nil, errForbidden("Administrator access required")
	}
	items := st.roleAssignments()
	items = c.eqFilter(items, "user", "user", false)
	items = c.eqFilter(items, "role", "role", false)
	items = c.eqFilter(items, "source", "source", false)
	if v, set, err := c.boolParam("remote"); err != nil {
		return 0, nil, err
	} else if set {
		items = slices.DeleteFunc(items, func(d doc) bool { return d["is_remote"] != v })
	}
	return c.page(items, listSpec{noLimit: true})
}

func (st *state) getRoleAssignment(c *reqCtx) (int, any, error) {
	id := c.r.PathValue("id")
	for _, a := range st.roleAssignments() {
		if a["id"] == id {
			if !c.isAdmin() && a["user"] != c.user {
				return 0, nil, errForbidden("Administrator access required")
			}
			return http.StatusOK, a, nil
		}
	}
	return 0, nil, errNoID(id)
}

// ---- service registry ----

// The registry answers what st2api answers with no [coordination] url: the
// in-process no-op driver, where no service joined a group (st2 registers
// services only with [coordination] service_registry on).
func (st *state) listServiceRegistryGroups(c *reqCtx) (int, any, error) {
	if err := c.checkAdmin(); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, doc{"groups": []any{}}, nil
}

func (st *state) listServiceRegistryMembers(c *reqCtx) (int, any, error) {
	if err := c.checkAdmin(); err != nil {
		return 0, nil, err
	}
	return 0, nil, errf(http.StatusNotFound, "Group with ID \"%s\" not found.", c.r.PathValue("group_id"))
}

// ---- pack index ----

// DefaultIndexURL is st2's default [content] index_url.
const DefaultIndexURL = "https://index.stackstorm.org/v1/index.json"

// indexStatus is one index's status as st2 reports it.
func (st *state) indexStatus() []any {
	cfg := st.s.cfg
	if cfg.index == nil {
		return []any{doc{"url": DefaultIndexURL, "packs": 0.0, "error": "unresponsive",
			"message": "ConnectionError('st2test: the emulator reaches no pack index; see WithPackIndex')"}}
	}
	if len(cfg.index) == 0 {
		return []any{doc{"url": cfg.indexURL, "packs": 0.0, "error": "empty", "message": "The index URL returned an empty object."}}
	}
	return []any{doc{"url": cfg.indexURL, "packs": float64(len(cfg.index)), "error": nil, "message": "Success."}}
}

// fetchIndex is fetch_pack_index: the merged index, or the 400 st2 answers
// when no index gave a result.
func (st *state) fetchIndex() (doc, error) {
	status := st.indexStatus()
	if len(st.s.cfg.index) == 0 {
		url := DefaultIndexURL
		if st.s.cfg.index != nil {
			url = st.s.cfg.indexURL
		}
		b, _ := json.MarshalIndent(status, "", "    ")
		return nil, errBad("No results from the index: tried %s.\nStatus: %s", url, b)
	}
	out := doc{}
	for name, p := range st.s.cfg.index {
		out[name] = clone(p)
	}
	return out, nil
}

func (st *state) getPackIndex(c *reqCtx) (int, any, error) {
	idx, err := st.fetchIndex()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, doc{"status": st.indexStatus(), "index": idx}, nil
}

func (st *state) getPackIndexHealth(c *reqCtx) (int, any, error) {
	status := st.indexStatus()
	valid, invalid, packs := 0.0, 0.0, 0.0
	errs := doc{}
	for _, s := range status {
		s := s.(doc)
		if e := str(s["error"]); e != "" {
			invalid++
			errs[e] = num(errs[e]) + 1
		} else {
			valid++
		}
		packs += num(s["packs"])
	}
	return http.StatusOK, doc{
		"indexes": doc{"count": float64(len(status)), "valid": valid, "invalid": invalid, "errors": errs, "status": status},
		"packs":   doc{"count": packs},
	}, nil
}

// searchPriority and searchExclude are st2's SEARCH_PRIORITY and
// EXCLUDE_FIELDS.
var (
	searchPriority = []string{"name", "keywords"}
	searchExclude  = []string{"repo_url", "email"}
)

func (st *state) searchPackIndex(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	_, hasQuery := in["query"]
	_, hasPack := in["pack"]
	if len(in) != 1 || hasQuery == hasPack {
		return 0, nil, errBad("%s is not valid under any of the given schemas", compactJSON(in))
	}
	if hasPack {
		name, ok := in["pack"].(string)
		if !ok {
			return 0, nil, errBad("%s is not of type 'string'", compactJSON(in["pack"]))
		}
		if name == "" {
			return 0, nil, errBad("Pack name must be specified.")
		}
		idx, err := st.fetchIndex()
		if err != nil {
			return 0, nil, err
		}
		if p, ok := idx[name]; ok {
			return http.StatusOK, p, nil
		}
		return http.StatusOK, []any{}, nil
	}
	query, ok := in["query"].(string)
	if !ok {
		return 0, nil, errBad("%s is not of type 'string'", compactJSON(in["query"]))
	}
	if query == "" {
		return 0, nil, errBad("Query must be specified.")
	}
	idx, err := st.fetchIndex()
	if err != nil {
		return 0, nil, err
	}
	query = strings.ToLower(query)
	names := make([]string, 0, len(idx))
	for n := range idx {
		names = append(names, n)
	}
	slices.Sort(names) // the index is a JSON object: keep a stable order
	buckets := make([][]any, len(searchPriority)+1)
	for _, n := range names {
		p := mapOf(idx[n])
		keys := make([]string, 0, len(p))
		for k := range p {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if slices.Contains(searchExclude, k) || !indexValueContains(p[k], query) {
				continue
			}
			i := slices.Index(searchPriority, k)
			if i < 0 {
				i = len(searchPriority)
			}
			buckets[i] = append(buckets[i], clone(p))
			break
		}
	}
	out := []any{}
	for _, b := range buckets {
		out = append(out, b...)
	}
	return http.StatusOK, out, nil
}

// indexValueContains is Python's "query in value" on a lowercased value:
// a substring for strings, membership for lists and objects (keys).
func indexValueContains(v any, query string) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(strings.ToLower(x), query)
	case []any:
		return slices.ContainsFunc(x, func(e any) bool { s, ok := e.(string); return ok && strings.ToLower(s) == query })
	case map[string]any:
		for k := range x {
			if strings.ToLower(k) == query {
				return true
			}
		}
		return false
	}
	return strings.Contains(strings.ToLower(compactJSON(v)), query)
}

// ---- workflow inspection ----

var exprRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<%.*?%>|\{\{.*?\}\}`) })

// inspectWorkflow checks an orquesta definition the way st2's
// inspect_task_contents does (action refs exist, required inputs given,
// no unknown inputs), plus the structural checks a YAML reading allows
// (a mapping with tasks, transitions to known tasks). orquesta's own
// expression and context inspection is not emulated.
func (st *state) inspectWorkflow(c *reqCtx) (int, any, error) {
	var def any
	j, err := yaml.YAMLToJSON(c.body)
	if err == nil {
		err = json.Unmarshal(j, &def)
	}
	if err != nil {
		return 0, nil, errBad("Unable to parse the workflow definition: %v", err)
	}
	wf, ok := def.(map[string]any)
	if !ok {
		return 0, nil, errBad("The workflow definition is not a YAML mapping.")
	}
	errs := []doc{}
	add := func(typ, msg, spec, schema string) {
		errs = append(errs, doc{"type": typ, "message": msg, "spec_path": spec, "schema_path": schema})
	}
	if _, ok := wf["version"]; !ok {
		add("syntax", "'version' is a required property", "", "required")
	}
	tasks, ok := wf["tasks"].(map[string]any)
	if !ok {
		add("syntax", "'tasks' is a required property", "", "required")
		return http.StatusOK, errs, nil
	}
	const taskSchema = "properties.tasks.patternProperties.^\\w+$"
	names := make([]string, 0, len(tasks))
	for n := range tasks {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		task := mapOf(tasks[name])
		spec := "tasks." + name
		for i, nx := range sliceOf(task["next"]) {
			for _, to := range nextTargets(mapOf(nx)["do"]) {
				if _, ok := tasks[to]; !ok && to != "fail" && to != "noop" && to != "retry" && !exprRe().MatchString(to) {
					add("semantic", "The task \""+to+"\" is not defined.", spec+".next["+itoa(i)+"].do",
						taskSchema+".properties.next.items.properties.do")
				}
			}
		}
		ref, _ := task["action"].(string)
		ref = strings.Fields(ref + " ")[0]
		if ref == "" || exprRe().MatchString(ref) {
			continue
		}
		if !refRe().MatchString(ref) {
			add("content", "The action reference \""+ref+"\" is not formatted correctly.", spec+".action", taskSchema+".properties.action")
			continue
		}
		a := st.actions.byRef(ref)
		if a == nil {
			add("content", "The action \""+ref+"\" is not registered in the database.", spec+".action", taskSchema+".properties.action")
			continue
		}
		input := mapOf(task["input"])
		schema := st.paramSchema(a)
		pnames := make([]string, 0, len(schema))
		for p := range schema {
			pnames = append(pnames, p)
		}
		slices.Sort(pnames)
		for _, p := range pnames {
			ps := mapOf(schema[p])
			if req, _ := ps["required"].(bool); req && ps["default"] == nil {
				if _, given := input[p]; !given {
					add("content", "Action \""+ref+"\" is missing required input \""+p+"\".", spec+".input", taskSchema+".properties.input")
				}
			}
		}
		inames := make([]string, 0, len(input))
		for p := range input {
			inames = append(inames, p)
		}
		slices.Sort(inames)
		for _, p := range inames {
			if _, known := schema[p]; !known {
				add("content", "Action \""+ref+"\" has unexpected input \""+p+"\".", spec+".input."+p, taskSchema+".properties.input.patternProperties.^\\w+$")
			}
		}
	}
	slices.SortStableFunc(errs, func(a, b doc) int {
		if r := strings.Compare(str(a["type"]), str(b["type"])); r != 0 {
			return r
		}
		return strings.Compare(str(a["schema_path"]), str(b["schema_path"]))
	})
	return http.StatusOK, errs, nil
}

var refRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^.\s]+\.[^\s]+$`) })

func sliceOf(v any) []any {
	s, _ := v.([]any)
	return s
}

// nextTargets reads a transition's "do": a name, a comma list, or a list.
func nextTargets(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		for p := range strings.SplitSeq(x, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	case []any:
		for _, e := range x {
			out = append(out, nextTargets(e)...)
		}
	case map[string]any:
		for k := range x {
			out = append(out, k)
		}
	}
	return out
}

func itoa(i int) string { return compactJSON(i) }

// ---- SSO ----

// ssoNotImplemented is what st2's default "noop" SSO backend raises.
const ssoNotImplemented = `The default "noop" SSO backend is not a proper implementation. Please refer to the enterprise version for configuring SSO.`

func (st *state) ssoStatus(c *reqCtx) (int, any, error) {
	return http.StatusOK, doc{"enabled": false}, nil
}

// ssoRequest and ssoCallback answer as st2auth does with SSO off: the
// noop backend's NotImplementedError, as a 500 faultstring.
func (st *state) ssoRequest(c *reqCtx) (int, any, error) {
	return 0, nil, errf(http.StatusInternalServerError, "%s", ssoNotImplemented)
}

func (st *state) ssoCallback(c *reqCtx) (int, any, error) {
	return 0, nil, errf(http.StatusInternalServerError, "%s", ssoNotImplemented)
}
