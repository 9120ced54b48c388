package rightscaletest

import (
	"net/http"
	"strings"
)

// ScriptInput describes one input a RightScript declares.
type ScriptInput struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Default is the default value in 2.0 notation ("text:hello"), "" for
	// none.
	Default  string `json:"default_value,omitempty"`
	Required bool   `json:"required"`
}

func (s *Server) renderScript(x *rightScript, view string) map[string]any {
	href := scriptHref(x.id)
	acts := actions()
	if x.revision == 0 {
		acts = actions("commit")
	}
	m := map[string]any{
		"id": x.id, "name": x.name, "description": x.description, "revision": x.revision, "lineage": x.lineage,
		"created_at": rubyTime(x.createdAt), "updated_at": rubyTime(x.updatedAt),
		"links":   []link{{Rel: "self", Href: href}, {Rel: "source", Href: href + "/source"}},
		"actions": acts,
	}
	if view == "inputs_2_0" {
		in := x.inputs
		if in == nil {
			in = []ScriptInput{}
		}
		m["inputs"] = in
	}
	return m
}

func (c *reqCtx) listScripts() (*reply, *apiError) {
	if _, err := c.view("default"); err != nil {
		return nil, err
	}
	fs, err := c.filters(scriptFilters)
	if err != nil {
		return nil, err
	}
	latest := map[string]int{} // lineage → highest revision
	if c.p.boolean("latest_only") {
		for _, x := range c.s.st.scripts.all() {
			if r, ok := latest[x.lineage]; !ok || x.revision > r {
				latest[x.lineage] = x.revision
			}
		}
	}
	var out []map[string]any
	for _, x := range c.s.st.scripts.all() {
		if r, ok := latest[x.lineage]; ok && x.revision != r {
			continue
		}
		if match(fs, func(f string) []string {
			if f == "name" {
				return one(x.name)
			}
			return one(x.lineage)
		}) {
			out = append(out, c.s.renderScript(x, "default"))
		}
	}
	return okList("right_script", out)
}

func (c *reqCtx) scriptOf() (*rightScript, *apiError) {
	id := c.pathID("id")
	x := c.s.st.scripts.get(id)
	if x == nil {
		return nil, errNotFound("RightScript", id)
	}
	return x, nil
}

func (c *reqCtx) showScript() (*reply, *apiError) {
	view, err := c.view("default", "inputs_2_0")
	if err != nil {
		return nil, err
	}
	x, err := c.scriptOf()
	if err != nil {
		return nil, err
	}
	return ok("right_script", c.s.renderScript(x, view))
}

// addScript stores a new HEAD RightScript (revision 0) with its own
// lineage.
func (s *Server) addScript(name, desc, source string, inputs []ScriptInput) *rightScript {
	now := s.now()
	x := &rightScript{id: s.st.numID(), name: name, description: desc, source: source, inputs: inputs,
		createdAt: now, updatedAt: now}
	x.lineage = "https://" + "us-3.rightscale.com/acct/" + itoa(s.cfg.accountID) + "/right_scripts/" + x.id
	s.st.scripts.add(x.id, x)
	return x
}

func (c *reqCtx) createScript() (*reply, *apiError) {
	in := c.p.obj("right_script")
	if in == nil {
		return nil, errParam("Missing parameter: right_script")
	}
	name, _ := in.str("name")
	if strings.TrimSpace(name) == "" {
		return nil, errInvalid("name", "can't be blank")
	}
	src, ok := in.str("source")
	if !ok {
		return nil, errInvalid("source", "can't be blank")
	}
	desc, _ := in.str("description")
	x := c.s.addScript(name, desc, src, parseScriptInputs(src))
	return created(scriptHref(x.id))
}

func (c *reqCtx) updateScript() (*reply, *apiError) {
	x, err := c.scriptOf()
	if err != nil {
		return nil, err
	}
	if x.revision != 0 {
		return nil, errAction("RightScript %s is committed (revision %d): only the HEAD revision can be changed", x.id, x.revision)
	}
	in := c.p.obj("right_script")
	if in == nil {
		return nil, errParam("Missing parameter: right_script")
	}
	if v, ok := in.str("name"); ok {
		if strings.TrimSpace(v) == "" {
			return nil, errInvalid("name", "can't be blank")
		}
		x.name = v
	}
	if v, ok := in.str("description"); ok {
		x.description = v
	}
	if v, ok := in.str("source"); ok {
		x.source = v
		x.inputs = parseScriptInputs(v)
	}
	x.updatedAt = c.now
	return noContent()
}

func (c *reqCtx) destroyScript() (*reply, *apiError) {
	x, err := c.scriptOf()
	if err != nil {
		return nil, err
	}
	c.s.st.scripts.del(x.id)
	return noContent()
}

// commitScript freezes the HEAD as the lineage's next revision.
func (c *reqCtx) commitScript() (*reply, *apiError) {
	x, err := c.scriptOf()
	if err != nil {
		return nil, err
	}
	if x.revision != 0 {
		return nil, errAction("RightScript %s is already committed (revision %d)", x.id, x.revision)
	}
	rev := 0
	for _, y := range c.s.st.scripts.all() {
		if y.lineage == x.lineage && y.revision > rev {
			rev = y.revision
		}
	}
	cp := *x
	cp.id, cp.revision, cp.createdAt, cp.updatedAt = c.s.st.numID(), rev+1, c.now, c.now
	cp.inputs = append([]ScriptInput(nil), x.inputs...)
	c.s.st.scripts.add(cp.id, &cp)
	return created(scriptHref(cp.id))
}

func (c *reqCtx) showScriptSource() (*reply, *apiError) {
	x, err := c.scriptOf()
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, raw: []byte(x.source)}, nil
}

func (c *reqCtx) updateScriptSource() (*reply, *apiError) {
	x, err := c.scriptOf()
	if err != nil {
		return nil, err
	}
	if x.revision != 0 {
		return nil, errAction("RightScript %s is committed (revision %d): only the HEAD revision can be changed", x.id, x.revision)
	}
	src, ok := c.p.str("__raw")
	if !ok {
		return nil, errParam("The source must be sent as the text/plain body")
	}
	x.source, x.inputs, x.updatedAt = src, parseScriptInputs(src), c.now
	return noContent()
}

// parseScriptInputs reads the input declarations of a RightScript's
// metadata comments ("# Inputs:" followed by "#   NAME:" blocks with
// "Input Type", "Required" and "Default" keys). Scripts without metadata
// declare no inputs.
func parseScriptInputs(src string) []ScriptInput {
	var out []ScriptInput
	in := false
	for line := range strings.SplitSeq(src, "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") {
			if in {
				break
			}
			continue
		}
		body := strings.TrimPrefix(t, "#")
		trim := strings.TrimSpace(body)
		if trim == "Inputs:" {
			in = true
			continue
		}
		if !in || trim == "" || trim == "..." {
			continue
		}
		indent := len(body) - len(strings.TrimLeft(body, " "))
		key, val, ok := strings.Cut(trim, ":")
		switch {
		case ok && indent <= 3 && strings.TrimSpace(val) == "" && strings.ToUpper(key) == key:
			out = append(out, ScriptInput{Name: key})
		case ok && len(out) > 0:
			cur := &out[len(out)-1]
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch strings.ToLower(strings.TrimSpace(key)) {
			case "description":
				cur.Description = val
			case "required":
				cur.Required = val == "true"
			case "default":
				cur.Default = val
			}
		}
	}
	return out
}

// Server templates.

var templateViews = []string{"default", "inputs", "inputs_2_0"}

func (s *Server) renderTemplate(x *serverTemplate, view string) map[string]any {
	href := templateHref(x.id)
	acts := actions("clone", "resolve", "swap_repository", "detect_changes_in_head")
	if x.revision == 0 {
		acts = append(acts, action{"commit"})
	} else {
		acts = append(acts, action{"publish"})
	}
	m := map[string]any{
		"name": x.name, "description": x.description, "revision": x.revision, "lineage": x.lineage,
		"links": []link{
			{Rel: "self", Href: href}, {Rel: "multi_cloud_images", Href: href + "/multi_cloud_images"},
			{Rel: "inputs", Href: href + "/inputs"}, {Rel: "alert_specs", Href: href + "/alert_specs"},
			{Rel: "runnable_bindings", Href: href + "/runnable_bindings"},
			{Rel: "cookbook_attachments", Href: href + "/cookbook_attachments"},
		},
		"actions": acts,
	}
	if view != "default" {
		m["inputs"] = inputList(x.inputs, view == "inputs_2_0")
	}
	return m
}

func (c *reqCtx) listTemplates() (*reply, *apiError) {
	view, err := c.view(templateViews...)
	if err != nil {
		return nil, err
	}
	fs, err := c.filters(templateFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.templates.all() {
		if match(fs, func(f string) []string {
			switch f {
			case "name":
				return one(x.name)
			case "description":
				return one(x.description)
			case "revision":
				return one(itoa(x.revision))
			case "lineage":
				return one(x.lineage)
			}
			return nil
		}) {
			out = append(out, c.s.renderTemplate(x, view))
		}
	}
	return okList("server_template", out)
}

func (c *reqCtx) templateOf() (*serverTemplate, *apiError) {
	id := c.pathID("id")
	x := c.s.st.templates.get(id)
	if x == nil {
		return nil, errNotFound("ServerTemplate", id)
	}
	return x, nil
}

func (c *reqCtx) showTemplate() (*reply, *apiError) {
	view, err := c.view(templateViews...)
	if err != nil {
		return nil, err
	}
	x, err := c.templateOf()
	if err != nil {
		return nil, err
	}
	return ok("server_template", c.s.renderTemplate(x, view))
}

func (s *Server) addTemplate(name, desc string, inputs []nv) *serverTemplate {
	x := &serverTemplate{id: s.st.numID(), name: name, description: desc, inputs: inputs}
	x.lineage = "https://us-3.rightscale.com/api/acct/" + itoa(s.cfg.accountID) + "/ec2_server_templates/" + x.id
	s.st.templates.add(x.id, x)
	return x
}

func (c *reqCtx) createTemplate() (*reply, *apiError) {
	in := c.p.obj("server_template")
	if in == nil {
		return nil, errParam("Missing parameter: server_template")
	}
	name, _ := in.str("name")
	if strings.TrimSpace(name) == "" {
		return nil, errInvalid("name", "can't be blank")
	}
	desc, _ := in.str("description")
	return created(templateHref(c.s.addTemplate(name, desc, nil).id))
}

func (c *reqCtx) updateTemplate() (*reply, *apiError) {
	x, err := c.templateOf()
	if err != nil {
		return nil, err
	}
	if x.revision != 0 {
		return nil, errAction("ServerTemplate %s is committed (revision %d): only the HEAD revision can be changed", x.id, x.revision)
	}
	in := c.p.obj("server_template")
	if in == nil {
		return nil, errParam("Missing parameter: server_template")
	}
	if v, ok := in.str("name"); ok {
		if strings.TrimSpace(v) == "" {
			return nil, errInvalid("name", "can't be blank")
		}
		x.name = v
	}
	if v, ok := in.str("description"); ok {
		x.description = v
	}
	return noContent()
}

func (c *reqCtx) destroyTemplate() (*reply, *apiError) {
	x, err := c.templateOf()
	if err != nil {
		return nil, err
	}
	href := templateHref(x.id)
	for _, i := range c.s.st.instances.all() {
		if i.serverTemplate == href && i.state != StateTerminated {
			return nil, errAction("ServerTemplate %s is used by instance %s", x.id, i.id)
		}
	}
	c.s.untag(href)
	c.s.st.templates.del(x.id)
	return noContent()
}

func (c *reqCtx) cloneTemplate() (*reply, *apiError) {
	x, err := c.templateOf()
	if err != nil {
		return nil, err
	}
	name := x.name + " v1"
	if in := c.p.obj("server_template"); in != nil {
		if v, _ := in.str("name"); v != "" {
			name = v
		}
	}
	cp := c.s.addTemplate(name, x.description, append([]nv(nil), x.inputs...))
	return created(templateHref(cp.id))
}

func (c *reqCtx) commitTemplate() (*reply, *apiError) {
	x, err := c.templateOf()
	if err != nil {
		return nil, err
	}
	if x.revision != 0 {
		return nil, errAction("ServerTemplate %s is already committed (revision %d)", x.id, x.revision)
	}
	if m, _ := c.p.str("commit_message"); m == "" {
		return nil, errInvalid("commit_message", "can't be blank")
	}
	rev := 0
	for _, y := range c.s.st.templates.all() {
		if y.lineage == x.lineage && y.revision > rev {
			rev = y.revision
		}
	}
	cp := *x
	cp.id, cp.revision = c.s.st.numID(), rev+1
	cp.inputs = append([]nv(nil), x.inputs...)
	c.s.st.templates.add(cp.id, &cp)
	return created(templateHref(cp.id))
}
