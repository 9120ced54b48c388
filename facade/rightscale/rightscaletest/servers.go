package rightscaletest

import (
	"strconv"
	"strings"
	"time"
)

var serverViews = []string{"default", "instance_detail"}

// serverState is the state of a server: its current instance's, or
// inactive when it has none.
func (s *Server) serverState(x *server) string {
	if x.current == "" {
		return StateInactive
	}
	if i := s.st.instances.get(x.current); i != nil {
		s.settle(i, s.now())
		return i.state
	}
	return StateInactive
}

func (s *Server) renderServer(x *server, view string) map[string]any {
	href := serverHref(x.id)
	links := []link{{Rel: "self", Href: href}}
	if x.deployment != "" {
		links = append(links, link{Rel: "deployment", Href: x.deployment})
	}
	if x.current != "" {
		links = append(links, link{Rel: "current_instance", Href: instanceHref(x.cloud, x.current)})
	}
	if x.next != "" {
		links = append(links, link{Rel: "next_instance", Href: instanceHref(x.cloud, x.next)})
	}
	links = append(links, link{Rel: "alert_specs", Href: href + "/alert_specs"}, link{Rel: "alerts", Href: href + "/alerts"})
	state := s.serverState(x)
	acts := actions("clone")
	if x.current == "" {
		acts = append(acts, action{"launch"})
	} else {
		acts = append(acts, action{"terminate"}, action{"reboot"})
	}
	m := map[string]any{
		"name": x.name, "description": x.description, "state": state, "optimized": x.optimized,
		"created_at": rubyTime(x.createdAt), "updated_at": rubyTime(x.updatedAt),
		"links": links, "actions": acts,
	}
	if view == "instance_detail" {
		if i := s.st.instances.get(x.current); x.current != "" && i != nil {
			m["current_instance"] = s.renderInstance(i, "default")
		}
		if i := s.st.instances.get(x.next); x.next != "" && i != nil {
			m["next_instance"] = s.renderInstance(i, "default")
		}
	}
	return m
}

func (c *reqCtx) listServersOf(depl string) (*reply, *apiError) {
	view, err := c.view(serverViews...)
	if err != nil {
		return nil, err
	}
	fs, err := c.filters(serverFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.servers.all() {
		if depl != "" && x.deployment != depl {
			continue
		}
		if match(fs, func(f string) []string {
			switch f {
			case "name":
				return one(x.name)
			case "deployment_href":
				return one(x.deployment)
			}
			return one(cloudHref(x.cloud))
		}) {
			out = append(out, c.s.renderServer(x, view))
		}
	}
	return okList("server", out)
}

func (c *reqCtx) listServers() (*reply, *apiError) { return c.listServersOf("") }

// deploymentOf resolves a deployment path parameter.
func (c *reqCtx) deploymentOf(param string) (*deployment, *apiError) {
	id := c.pathID(param)
	d := c.s.st.deployments.get(id)
	if d == nil {
		return nil, errNotFound("Deployment", id)
	}
	return d, nil
}

func (c *reqCtx) listDeploymentServers() (*reply, *apiError) {
	d, err := c.deploymentOf("deployment_id")
	if err != nil {
		return nil, err
	}
	return c.listServersOf(deploymentHref(d.id))
}

// serverOf resolves the {id} of a server (and, under a deployment, checks
// it belongs there).
func (c *reqCtx) serverOf() (*server, *apiError) {
	id := c.pathID("id")
	x := c.s.st.servers.get(id)
	if x == nil {
		return nil, errNotFound("Server", id)
	}
	if dep := c.pathID("deployment_id"); dep != "" {
		d, err := c.deploymentOf("deployment_id")
		if err != nil {
			return nil, err
		}
		if x.deployment != deploymentHref(d.id) {
			return nil, errNotFound("Server", id)
		}
	}
	return x, nil
}

func (c *reqCtx) showServer() (*reply, *apiError) {
	view, err := c.view(serverViews...)
	if err != nil {
		return nil, err
	}
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	return ok("server", c.s.renderServer(x, view))
}

// instanceParams validates the instance[...] part of a server or array
// create: cloud_href and server_template_href must name existing
// resources; instance_type_href and datacenter_href, when given, must be
// of that cloud.
func (c *reqCtx) instanceParams(in params) (*instance, *apiError) {
	if in == nil {
		return nil, errInvalid("instance", "can't be blank")
	}
	cl, _ := in.str("cloud_href")
	if cl == "" {
		return nil, errInvalid("cloud_href", "can't be blank")
	}
	cloud := c.s.st.clouds.get(lastSeg(cl))
	if cloud == nil || cloudHref(cloud.id) != cl {
		return nil, errNotFound("Cloud", lastSeg(cl))
	}
	st, _ := in.str("server_template_href")
	if st == "" {
		return nil, errInvalid("server_template_href", "can't be blank")
	}
	if t := c.s.st.templates.get(lastSeg(st)); t == nil || templateHref(t.id) != st {
		return nil, errNotFound("ServerTemplate", lastSeg(st))
	}
	x := &instance{cloud: cloud.id, serverTemplate: st, state: StateInactive, osPlatform: "linux", pricingType: "fixed"}
	if v, _ := in.str("instance_type_href"); v != "" {
		t := c.s.st.itypes.get(lastSeg(v))
		if t == nil || itypeHref(t.cloud, t.id) != v || t.cloud != cloud.id {
			return nil, errNotFound("InstanceType", lastSeg(v))
		}
		x.instanceType = v
	}
	if v, _ := in.str("datacenter_href"); v != "" {
		d := c.s.st.datacenters.get(lastSeg(v))
		if d == nil || datacenterHref(d.cloud, d.id) != v || d.cloud != cloud.id {
			return nil, errNotFound("Datacenter", lastSeg(v))
		}
		x.datacenter = v
	}
	if v, _ := in.str("user_data"); v != "" {
		x.userData = v
	}
	sub := &reqCtx{s: c.s, r: c.r, p: in, now: c.now}
	inputs, err := sub.inputsParam()
	if err != nil {
		return nil, err
	}
	x.inputs = inputs
	return x, nil
}

// newNextInstance adds an inactive instance modelled on tpl, the next
// instance of a server or array.
func (s *Server) newNextInstance(tpl *instance, name, parent, depl string, now time.Time) *instance {
	x := *tpl
	x.id = s.st.uid()
	x.name, x.parent, x.deployment = name, parent, depl
	x.state, x.target = StateInactive, ""
	x.publicIPs, x.privateIPs, x.publicDNS, x.privateDNS = nil, nil, nil, nil
	x.resourceUID, x.locked = "", false
	x.inputs = append([]nv(nil), tpl.inputs...)
	x.createdAt, x.updatedAt, x.terminatedAt = now, now, time.Time{}
	s.st.instances.add(x.id, &x)
	return &x
}

// checkDeployment validates an optional deployment_href.
func (c *reqCtx) checkDeployment(href string) *apiError {
	if href == "" {
		return nil
	}
	if d := c.s.st.deployments.get(lastSeg(href)); d == nil || deploymentHref(d.id) != href {
		return errNotFound("Deployment", lastSeg(href))
	}
	return nil
}

func (c *reqCtx) createServerIn(depl string) (*reply, *apiError) {
	in := c.p.obj("server")
	if in == nil {
		return nil, errParam("Missing parameter: server")
	}
	name, _ := in.str("name")
	if strings.TrimSpace(name) == "" {
		return nil, errInvalid("name", "can't be blank")
	}
	if depl == "" {
		depl, _ = in.str("deployment_href")
	}
	if err := c.checkDeployment(depl); err != nil {
		return nil, err
	}
	tpl, err := c.instanceParams(in.obj("instance"))
	if err != nil {
		return nil, err
	}
	desc, _ := in.str("description")
	x := &server{id: c.s.st.numID(), name: name, description: desc, deployment: depl, cloud: tpl.cloud,
		createdAt: c.now, updatedAt: c.now}
	if v, _ := in.str("optimized"); v == "true" {
		x.optimized = true
	}
	x.next = c.s.newNextInstance(tpl, name, serverHref(x.id), depl, c.now).id
	c.s.st.servers.add(x.id, x)
	return created(serverHref(x.id))
}

func (c *reqCtx) createServer() (*reply, *apiError) { return c.createServerIn("") }

func (c *reqCtx) createDeploymentServer() (*reply, *apiError) {
	d, err := c.deploymentOf("deployment_id")
	if err != nil {
		return nil, err
	}
	return c.createServerIn(deploymentHref(d.id))
}

func (c *reqCtx) updateServer() (*reply, *apiError) {
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	in := c.p.obj("server")
	if in == nil {
		return nil, errParam("Missing parameter: server")
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
	if v, ok := in.str("optimized"); ok {
		x.optimized = v == "true"
	}
	x.updatedAt = c.now
	return noContent()
}

func (c *reqCtx) destroyServer() (*reply, *apiError) {
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	if x.current != "" {
		return nil, errAction("Server %s has a running instance: terminate it first", x.id)
	}
	if x.next != "" {
		c.s.st.instances.del(x.next)
	}
	c.s.untag(serverHref(x.id))
	c.s.st.servers.del(x.id)
	return noContent()
}

func (c *reqCtx) cloneServer() (*reply, *apiError) {
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	cp := *x
	cp.id, cp.current, cp.name = c.s.st.numID(), "", x.name+" v2"
	cp.createdAt, cp.updatedAt = c.now, c.now
	if nx := c.s.st.instances.get(x.next); nx != nil {
		cp.next = c.s.newNextInstance(nx, cp.name, serverHref(cp.id), cp.deployment, c.now).id
	}
	c.s.st.servers.add(cp.id, &cp)
	return created(serverHref(cp.id))
}

// launchServer launches the server's next instance, which becomes its
// current one; a new next instance takes its place.
func (c *reqCtx) launchServer() (*reply, *apiError) {
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	if x.current != "" {
		return nil, errAction("Server %s is already running", x.id)
	}
	nx := c.s.st.instances.get(x.next)
	if nx == nil {
		return nil, errAction("Server %s has no next instance to launch", x.id)
	}
	if err := c.launch(nx); err != nil {
		return nil, err
	}
	x.current = nx.id
	x.next = c.s.newNextInstance(nx, x.name, serverHref(x.id), x.deployment, c.now).id
	x.updatedAt = c.now
	return created(instanceHref(nx.cloud, nx.id))
}

func (c *reqCtx) currentOf(x *server) (*instance, *apiError) {
	i := c.s.st.instances.get(x.current)
	if x.current == "" || i == nil {
		return nil, errAction("Server %s has no current instance", x.id)
	}
	c.s.settle(i, c.now)
	return i, nil
}

func (c *reqCtx) terminateServer() (*reply, *apiError) {
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	i, err := c.currentOf(x)
	if err != nil {
		return nil, err
	}
	if err := c.terminate(i); err != nil {
		return nil, err
	}
	return noContent()
}

func (c *reqCtx) rebootServer() (*reply, *apiError) {
	x, err := c.serverOf()
	if err != nil {
		return nil, err
	}
	i, err := c.currentOf(x)
	if err != nil {
		return nil, err
	}
	if i.state != StateOperational {
		return nil, errAction("Instance %s is %s: only an operational instance can be rebooted", i.id, i.state)
	}
	c.s.moveTo(i, StateOperational, c.now)
	return noContent()
}

// Server arrays.

func (s *Server) renderArray(x *serverArray, view string) map[string]any {
	href := arrayHref(x.id)
	links := []link{{Rel: "self", Href: href}}
	if x.deployment != "" {
		links = append(links, link{Rel: "deployment", Href: x.deployment})
	}
	links = append(links, link{Rel: "current_instances", Href: href + "/current_instances"})
	if x.next != "" {
		links = append(links, link{Rel: "next_instance", Href: instanceHref(x.cloud, x.next)})
	}
	links = append(links, link{Rel: "alert_specs", Href: href + "/alert_specs"}, link{Rel: "alerts", Href: href + "/alerts"})
	policy := x.datacenterPolicy
	if policy == nil {
		policy = []map[string]any{}
	}
	m := map[string]any{
		"name": x.name, "description": x.description, "state": x.state, "array_type": x.arrayType,
		"instances_count": len(s.arrayInstances(x)), "optimized": x.optimized, "datacenter_policy": policy,
		"elasticity_params": map[string]any{
			"bounds": map[string]any{"min_count": itoa(x.minCount), "max_count": itoa(x.maxCount)},
			"pacing": map[string]any{"resize_up_by": "1", "resize_down_by": "1", "resize_calm_time": "10"},
		},
		"links":   links,
		"actions": actions("launch", "clone", "multi_run_executable", "multi_terminate"),
	}
	if view == "instance_detail" {
		cur := []map[string]any{}
		for _, i := range s.arrayInstances(x) {
			cur = append(cur, s.renderInstance(i, "default"))
		}
		m["current_instances"] = cur
		if i := s.st.instances.get(x.next); x.next != "" && i != nil {
			m["next_instance"] = s.renderInstance(i, "default")
		}
	}
	return m
}

// arrayInstances are the array's current instances: launched and not yet
// terminated.
func (s *Server) arrayInstances(x *serverArray) []*instance {
	var out []*instance
	for _, id := range x.instances {
		if i := s.st.instances.get(id); i != nil {
			s.settle(i, s.now())
			if i.state != StateTerminated {
				out = append(out, i)
			}
		}
	}
	return out
}

func (c *reqCtx) listArraysOf(depl string) (*reply, *apiError) {
	view, err := c.view(serverViews...)
	if err != nil {
		return nil, err
	}
	fs, err := c.filters(serverFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.arrays.all() {
		if depl != "" && x.deployment != depl {
			continue
		}
		if match(fs, func(f string) []string {
			switch f {
			case "name":
				return one(x.name)
			case "deployment_href":
				return one(x.deployment)
			}
			return one(cloudHref(x.cloud))
		}) {
			out = append(out, c.s.renderArray(x, view))
		}
	}
	return okList("server_array", out)
}

func (c *reqCtx) listArrays() (*reply, *apiError) { return c.listArraysOf("") }

func (c *reqCtx) listDeploymentArrays() (*reply, *apiError) {
	d, err := c.deploymentOf("deployment_id")
	if err != nil {
		return nil, err
	}
	return c.listArraysOf(deploymentHref(d.id))
}

func (c *reqCtx) arrayOf(param string) (*serverArray, *apiError) {
	id := c.pathID(param)
	x := c.s.st.arrays.get(id)
	if x == nil {
		return nil, errNotFound("ServerArray", id)
	}
	if c.pathID("deployment_id") != "" {
		d, err := c.deploymentOf("deployment_id")
		if err != nil {
			return nil, err
		}
		if x.deployment != deploymentHref(d.id) {
			return nil, errNotFound("ServerArray", id)
		}
	}
	return x, nil
}

func (c *reqCtx) showArray() (*reply, *apiError) {
	view, err := c.view(serverViews...)
	if err != nil {
		return nil, err
	}
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	return ok("server_array", c.s.renderArray(x, view))
}

func (c *reqCtx) createArrayIn(depl string) (*reply, *apiError) {
	in := c.p.obj("server_array")
	if in == nil {
		return nil, errParam("Missing parameter: server_array")
	}
	name, _ := in.str("name")
	if strings.TrimSpace(name) == "" {
		return nil, errInvalid("name", "can't be blank")
	}
	if depl == "" {
		depl, _ = in.str("deployment_href")
	}
	if err := c.checkDeployment(depl); err != nil {
		return nil, err
	}
	tpl, err := c.instanceParams(in.obj("instance"))
	if err != nil {
		return nil, err
	}
	desc, _ := in.str("description")
	state, _ := in.str("state")
	if state == "" {
		state = "disabled"
	}
	if state != "enabled" && state != "disabled" {
		return nil, errInvalid("state", "must be enabled or disabled")
	}
	typ, _ := in.str("array_type")
	if typ == "" {
		typ = "alert"
	}
	x := &serverArray{id: c.s.st.numID(), name: name, description: desc, deployment: depl, cloud: tpl.cloud,
		state: state, arrayType: typ, minCount: 1, maxCount: 10, createdAt: c.now, updatedAt: c.now}
	if ep := in.obj("elasticity_params"); ep != nil {
		if b := ep.obj("bounds"); b != nil {
			if v, ok := b.str("min_count"); ok {
				x.minCount = atoi(v)
			}
			if v, ok := b.str("max_count"); ok {
				x.maxCount = atoi(v)
			}
		}
	}
	x.next = c.s.newNextInstance(tpl, name, arrayHref(x.id), depl, c.now).id
	c.s.st.arrays.add(x.id, x)
	return created(arrayHref(x.id))
}

func (c *reqCtx) createArray() (*reply, *apiError) { return c.createArrayIn("") }

func (c *reqCtx) createDeploymentArray() (*reply, *apiError) {
	d, err := c.deploymentOf("deployment_id")
	if err != nil {
		return nil, err
	}
	return c.createArrayIn(deploymentHref(d.id))
}

func (c *reqCtx) updateArray() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	in := c.p.obj("server_array")
	if in == nil {
		return nil, errParam("Missing parameter: server_array")
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
	if v, ok := in.str("state"); ok {
		if v != "enabled" && v != "disabled" {
			return nil, errInvalid("state", "must be enabled or disabled")
		}
		x.state = v
	}
	x.updatedAt = c.now
	return noContent()
}

func (c *reqCtx) destroyArray() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	if len(c.s.arrayInstances(x)) > 0 {
		return nil, errAction("ServerArray %s has running instances: terminate them first", x.id)
	}
	c.s.st.instances.del(x.next)
	c.s.untag(arrayHref(x.id))
	c.s.st.arrays.del(x.id)
	return noContent()
}

func (c *reqCtx) cloneArray() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	cp := *x
	cp.id, cp.instances, cp.name, cp.state = c.s.st.numID(), nil, x.name+" v2", "disabled"
	cp.createdAt, cp.updatedAt = c.now, c.now
	if nx := c.s.st.instances.get(x.next); nx != nil {
		cp.next = c.s.newNextInstance(nx, cp.name, arrayHref(cp.id), cp.deployment, c.now).id
	}
	c.s.st.arrays.add(cp.id, &cp)
	return created(arrayHref(cp.id))
}

func (c *reqCtx) currentInstances() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	if _, err := c.view(instanceViews...); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, i := range c.s.arrayInstances(x) {
		ids[i.id] = true
	}
	xs, err := c.selectInstances(x.cloud, func(i *instance) bool { return ids[i.id] })
	if err != nil {
		return nil, err
	}
	return c.renderInstances(xs)
}

// launchArray launches one more instance (count more with count=N) in
// the array; Location names the (first) new instance.
func (c *reqCtx) launchArray() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	n := 1
	if v, _ := c.p.str("count"); v != "" {
		if n = atoi(v); n < 1 {
			return nil, errParam("Invalid count %q", v)
		}
	}
	nx := c.s.st.instances.get(x.next)
	if nx == nil {
		return nil, errAction("ServerArray %s has no next instance to launch", x.id)
	}
	first := ""
	for k := range n {
		i := c.s.newNextInstance(nx, x.name+" #"+itoa(len(x.instances)+1), arrayHref(x.id), x.deployment, c.now)
		if err := c.launch(i); err != nil {
			c.s.st.instances.del(i.id)
			return nil, err
		}
		x.instances = append(x.instances, i.id)
		if k == 0 {
			first = instanceHref(i.cloud, i.id)
		}
	}
	x.updatedAt = c.now
	return created(first)
}

func (c *reqCtx) multiTerminateArray() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	return c.terminateAll(arrayHref(x.id), c.s.arrayInstances(x))
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	if s == "" {
		return -1
	}
	return n
}
