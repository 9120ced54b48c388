package rightscaletest

import "strings"

var deploymentViews = []string{"default", "inputs", "inputs_2_0"}

func (s *Server) renderDeployment(x *deployment, view string) map[string]any {
	href := deploymentHref(x.id)
	acts := actions("clone")
	if x.locked {
		acts = append(acts, action{"unlock"})
	} else {
		acts = append(acts, action{"lock"})
	}
	m := map[string]any{
		"name": x.name, "description": x.description, "server_tag_scope": x.serverTagScope, "locked": x.locked,
		"links": []link{
			{Rel: "self", Href: href}, {Rel: "servers", Href: href + "/servers"},
			{Rel: "server_arrays", Href: href + "/server_arrays"}, {Rel: "inputs", Href: href + "/inputs"},
			{Rel: "alerts", Href: href + "/alerts"},
		},
		"actions": acts,
	}
	if view != "default" {
		m["inputs"] = inputList(x.inputs, view == "inputs_2_0")
	}
	return m
}

func (c *reqCtx) listDeployments() (*reply, *apiError) {
	view, err := c.view(deploymentViews...)
	if err != nil {
		return nil, err
	}
	fs, err := c.filters(deploymentFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.deployments.all() {
		if match(fs, func(f string) []string {
			switch f {
			case "name":
				return one(x.name)
			case "description":
				return one(x.description)
			case "server_tag_scope":
				return one(x.serverTagScope)
			}
			return nil // resource groups are not modelled
		}) {
			out = append(out, c.s.renderDeployment(x, view))
		}
	}
	return okList("deployment", out)
}

func (c *reqCtx) showDeployment() (*reply, *apiError) {
	view, err := c.view(deploymentViews...)
	if err != nil {
		return nil, err
	}
	x, err := c.deploymentOf("id")
	if err != nil {
		return nil, err
	}
	return ok("deployment", c.s.renderDeployment(x, view))
}

// errDuplicateDeployment is the recorded answer to a second deployment of
// the same name.
var errDuplicateDeployment = errInvalid("name", "A deployment with this name already exists. Please enter a different name.")

func (s *Server) deploymentNamed(name string) *deployment {
	for _, d := range s.st.deployments.all() {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (c *reqCtx) createDeployment() (*reply, *apiError) {
	in := c.p.obj("deployment")
	if in == nil {
		return nil, errParam("Missing parameter: deployment")
	}
	name, _ := in.str("name")
	if strings.TrimSpace(name) == "" {
		return nil, errInvalid("name", "can't be blank")
	}
	if c.s.deploymentNamed(name) != nil {
		return nil, errDuplicateDeployment
	}
	desc, _ := in.str("description")
	scope, _ := in.str("server_tag_scope")
	if scope == "" {
		scope = "deployment"
	}
	if scope != "deployment" && scope != "account" {
		return nil, errInvalid("server_tag_scope", "must be deployment or account")
	}
	x := &deployment{id: c.s.st.numID(), name: name, description: desc, serverTagScope: scope, createdAt: c.now, updatedAt: c.now}
	c.s.st.deployments.add(x.id, x)
	return created(deploymentHref(x.id))
}

func (c *reqCtx) updateDeployment() (*reply, *apiError) {
	x, err := c.deploymentOf("id")
	if err != nil {
		return nil, err
	}
	in := c.p.obj("deployment")
	if in == nil {
		return nil, errParam("Missing parameter: deployment")
	}
	if v, ok := in.str("name"); ok {
		if strings.TrimSpace(v) == "" {
			return nil, errInvalid("name", "can't be blank")
		}
		if d := c.s.deploymentNamed(v); d != nil && d != x {
			return nil, errDuplicateDeployment
		}
		x.name = v
	}
	if v, ok := in.str("description"); ok {
		x.description = v
	}
	if v, ok := in.str("server_tag_scope"); ok {
		if v != "deployment" && v != "account" {
			return nil, errInvalid("server_tag_scope", "must be deployment or account")
		}
		x.serverTagScope = v
	}
	x.updatedAt = c.now
	return noContent()
}

func (c *reqCtx) destroyDeployment() (*reply, *apiError) {
	x, err := c.deploymentOf("id")
	if err != nil {
		return nil, err
	}
	if x.locked {
		return nil, errAction("Deployment %s is locked: unlock it before deleting it", x.id)
	}
	href := deploymentHref(x.id)
	for _, sv := range c.s.st.servers.all() {
		if sv.deployment == href {
			return nil, errAction("Deployment %s still has servers: delete them first", x.id)
		}
	}
	for _, a := range c.s.st.arrays.all() {
		if a.deployment == href {
			return nil, errAction("Deployment %s still has server arrays: delete them first", x.id)
		}
	}
	c.s.untag(href)
	c.s.st.deployments.del(x.id)
	return noContent()
}

// cloneDeployment copies the deployment (name "<name> v1" unless the
// body names it) with its inputs, not its servers.
func (c *reqCtx) cloneDeployment() (*reply, *apiError) {
	x, err := c.deploymentOf("id")
	if err != nil {
		return nil, err
	}
	cp := *x
	cp.id, cp.locked, cp.name = c.s.st.numID(), false, x.name+" v1"
	cp.inputs = append([]nv(nil), x.inputs...)
	if in := c.p.obj("deployment"); in != nil {
		if v, _ := in.str("name"); v != "" {
			cp.name = v
		}
		if v, ok := in.str("description"); ok {
			cp.description = v
		}
	}
	if c.s.deploymentNamed(cp.name) != nil {
		return nil, errDuplicateDeployment
	}
	cp.createdAt, cp.updatedAt = c.now, c.now
	c.s.st.deployments.add(cp.id, &cp)
	return created(deploymentHref(cp.id))
}

func lockDeployment(locked bool) func(*reqCtx) (*reply, *apiError) {
	return func(c *reqCtx) (*reply, *apiError) {
		x, err := c.deploymentOf("id")
		if err != nil {
			return nil, err
		}
		x.locked, x.updatedAt = locked, c.now
		return noContent()
	}
}
