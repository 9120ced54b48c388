package rightscaletest

import (
	"fmt"
	"strings"
	"time"
)

// Instance states as the API names them.
const (
	StateInactive     = "inactive"
	StatePending      = "pending"
	StateBooting      = "booting"
	StateOperational  = "operational"
	StateProvisioned  = "provisioned" // stopped
	StateShuttingDown = "shutting-down"
	StateTerminated   = "terminated"
)

var instanceViews = []string{"default", "extended", "full", "full_inputs_2_0", "tiny", "sensitive"}

// settle brings an instance's state up to date with the clock: with a
// boot time, launches and terminations take effect over it.
func (s *Server) settle(x *instance, now time.Time) {
	if x.target == "" {
		return
	}
	d := s.cfg.bootTime
	elapsed := now.Sub(x.movedAt)
	switch {
	case elapsed >= d:
		x.state = x.target
		if x.target == StateTerminated {
			x.terminatedAt = x.movedAt.Add(d)
		}
		x.updatedAt = x.movedAt.Add(d)
		x.target = ""
	case x.target == StateOperational && elapsed < d/2:
		x.state = StatePending
	case x.target == StateOperational:
		x.state = StateBooting
	default:
		x.state = StateShuttingDown
	}
}

// moveTo starts a move of x to state target (at once without a boot time).
func (s *Server) moveTo(x *instance, target string, now time.Time) {
	x.target, x.movedAt, x.updatedAt = target, now, now
	s.settle(x, now)
}

func instanceActions(x *instance) []action {
	switch x.state {
	case StateInactive:
		return actions("launch")
	case StateOperational:
		return actions("terminate", "reboot", "run_executable", "stop", "lock", "unlock")
	case StateProvisioned:
		return actions("start", "terminate")
	case StateTerminated:
		return actions()
	}
	return actions("terminate")
}

func (s *Server) renderInstance(x *instance, view string) map[string]any {
	s.settle(x, s.now())
	href := instanceHref(x.cloud, x.id)
	links := []link{{Rel: "self", Href: href}}
	if view == "tiny" {
		return map[string]any{"links": links}
	}
	links = append(links, link{Rel: "cloud", Href: cloudHref(x.cloud)})
	for _, l := range []link{
		{Rel: "deployment", Href: x.deployment},
		{Rel: "server_template", Href: x.serverTemplate},
		{Rel: "image", Href: x.image},
		{Rel: "instance_type", Href: x.instanceType},
		{Rel: "datacenter", Href: x.datacenter},
		{Rel: "parent", Href: x.parent},
	} {
		if l.Href != "" {
			links = append(links, l)
		}
	}
	links = append(links,
		link{Rel: "volume_attachments", Href: href + "/volume_attachments"},
		link{Rel: "inputs", Href: href + "/inputs"},
		link{Rel: "monitoring_metrics", Href: href + "/monitoring_metrics"},
		link{Rel: "alerts", Href: href + "/alerts"},
		link{Rel: "alert_specs", Href: href + "/alert_specs"},
	)
	m := map[string]any{
		"name": x.name, "description": x.description, "resource_uid": x.resourceUID, "state": x.state,
		"os_platform": x.osPlatform, "locked": x.locked, "pricing_type": x.pricingType,
		"public_ip_addresses": strs(x.publicIPs), "private_ip_addresses": strs(x.privateIPs),
		"public_dns_names": strs(x.publicDNS), "private_dns_names": strs(x.privateDNS),
		"created_at": rubyTime(x.createdAt), "updated_at": rubyTime(x.updatedAt),
		"links": links, "actions": instanceActions(x),
	}
	if !x.terminatedAt.IsZero() {
		m["terminated_at"] = rubyTime(x.terminatedAt)
	}
	switch view {
	case "extended", "full", "full_inputs_2_0":
		m["security_groups"] = []any{}
		m["subnets"] = []any{}
		m["cloud_specific_attributes"] = map[string]any{}
		m["associate_public_ip_address"] = len(x.publicIPs) > 0
		if view != "extended" {
			m["inputs"] = inputList(x.inputs, view == "full_inputs_2_0")
		}
	case "sensitive":
		m["user_data"] = x.userData
	}
	return m
}

func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func instanceField(x *instance, f string) []string {
	switch f {
	case "name":
		return one(x.name)
	case "resource_uid":
		return one(x.resourceUID)
	case "state":
		return one(x.state)
	case "server_template_href":
		return one(x.serverTemplate)
	case "deployment_href":
		return one(x.deployment)
	case "parent_href":
		return one(x.parent)
	case "datacenter_href":
		return one(x.datacenter)
	case "public_dns_name":
		return x.publicDNS
	case "private_dns_name":
		return x.privateDNS
	case "public_ip_address":
		return x.publicIPs
	case "private_ip_address":
		return x.privateIPs
	case "os_platform":
		return one(x.osPlatform)
	}
	return nil // placement_group_href: the emulator has no placement groups
}

// selectInstances returns the instances of a cloud (or of every cloud
// when cl is "") passing the request's filters and keep.
func (c *reqCtx) selectInstances(cl string, keep func(*instance) bool) ([]*instance, *apiError) {
	fs, err := c.filters(instanceFilters)
	if err != nil {
		return nil, err
	}
	var out []*instance
	for _, x := range c.s.st.instances.all() {
		if cl != "" && x.cloud != cl {
			continue
		}
		c.s.settle(x, c.now)
		if (keep == nil || keep(x)) && match(fs, func(f string) []string { return instanceField(x, f) }) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (c *reqCtx) renderInstances(xs []*instance) (*reply, *apiError) {
	view, err := c.view(instanceViews...)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		out = append(out, c.s.renderInstance(x, view))
	}
	return okList("instance", out)
}

func (c *reqCtx) listInstances() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	if _, err := c.view(instanceViews...); err != nil {
		return nil, err
	}
	xs, err := c.selectInstances(cl.id, nil)
	if err != nil {
		return nil, err
	}
	return c.renderInstances(xs)
}

// instanceOf resolves the {cloud} and {id} path parameters.
func (c *reqCtx) instanceOf() (*instance, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	id := c.pathID("instance_id")
	if id == "" {
		id = c.pathID("id")
	}
	x := c.s.st.instances.get(id)
	if x == nil || x.cloud != cl.id {
		return nil, errNotFound("Instance", id)
	}
	c.s.settle(x, c.now)
	return x, nil
}

func (c *reqCtx) showInstance() (*reply, *apiError) {
	view, err := c.view(instanceViews...)
	if err != nil {
		return nil, err
	}
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	return ok("instance", c.s.renderInstance(x, view))
}

// updateInstance is Instances#update: instance[name], [description],
// [instance_type_href], [datacenter_href] and [user_data].
func (c *reqCtx) updateInstance() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	in := c.p.obj("instance")
	if in == nil {
		return nil, errParam("Missing parameter: instance")
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
	if v, ok := in.str("user_data"); ok {
		x.userData = v
	}
	if v, ok := in.str("instance_type_href"); ok {
		t := c.s.st.itypes.get(lastSeg(v))
		if t == nil || itypeHref(t.cloud, t.id) != v || t.cloud != x.cloud {
			return nil, errNotFound("InstanceType", lastSeg(v))
		}
		x.instanceType = v
	}
	if v, ok := in.str("datacenter_href"); ok {
		d := c.s.st.datacenters.get(lastSeg(v))
		if d == nil || datacenterHref(d.cloud, d.id) != v || d.cloud != x.cloud {
			return nil, errNotFound("Datacenter", lastSeg(v))
		}
		x.datacenter = v
	}
	x.updatedAt = c.now
	return noContent()
}

// launchInstance launches an inactive instance (a server's or array's
// next instance, or one created but not launched); inputs given with the
// launch are merged into its inputs.
func (c *reqCtx) launch(x *instance) *apiError {
	if x.state != StateInactive {
		return errAction("Instance %s is %s: only an inactive instance can be launched", x.id, x.state)
	}
	inputs, err := c.inputsParam()
	if err != nil {
		return err
	}
	x.inputs = mergeInputs(x.inputs, inputs)
	pub, priv := c.s.st.ips()
	x.publicIPs, x.privateIPs = []string{pub}, []string{priv}
	x.publicDNS = []string{"ec2-" + strings.ReplaceAll(pub, ".", "-") + ".compute-1.amazonaws.com"}
	x.privateDNS = []string{"ip-" + strings.ReplaceAll(priv, ".", "-") + ".ec2.internal"}
	x.resourceUID = "i-" + strings.ToLower(c.s.st.uid()[5:])
	x.createdAt = c.now
	c.s.moveTo(x, StateOperational, c.now)
	return nil
}

func (c *reqCtx) launchInstance() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	if err := c.launch(x); err != nil {
		return nil, err
	}
	return created(instanceHref(x.cloud, x.id))
}

// terminate starts the termination of x; locked instances refuse.
func (c *reqCtx) terminate(x *instance) *apiError {
	switch {
	case x.locked:
		return errAction("Instance %s is locked: unlock it before terminating it", x.id)
	case x.state == StateTerminated || x.state == StateShuttingDown || x.target == StateTerminated:
		return errAction("Instance %s is already %s", x.id, x.state)
	case x.state == StateInactive:
		return errAction("Instance %s is inactive: there is nothing to terminate", x.id)
	}
	c.s.moveTo(x, StateTerminated, c.now)
	c.s.detach(x, c.now)
	return nil
}

func (c *reqCtx) terminateInstance() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	if err := c.terminate(x); err != nil {
		return nil, err
	}
	return noContent()
}

func (c *reqCtx) rebootInstance() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	if x.state != StateOperational {
		return nil, errAction("Instance %s is %s: only an operational instance can be rebooted", x.id, x.state)
	}
	c.s.moveTo(x, StateOperational, c.now)
	return noContent()
}

func (c *reqCtx) stopInstance() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	if x.state != StateOperational {
		return nil, errAction("Instance %s is %s: only an operational instance can be stopped", x.id, x.state)
	}
	x.state, x.updatedAt = StateProvisioned, c.now
	return noContent()
}

func (c *reqCtx) startInstance() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	if x.state != StateProvisioned {
		return nil, errAction("Instance %s is %s: only a stopped instance can be started", x.id, x.state)
	}
	c.s.moveTo(x, StateOperational, c.now)
	return noContent()
}

func lockInstance(locked bool) func(*reqCtx) (*reply, *apiError) {
	return func(c *reqCtx) (*reply, *apiError) {
		x, err := c.instanceOf()
		if err != nil {
			return nil, err
		}
		x.locked, x.updatedAt = locked, c.now
		return noContent()
	}
}

// multiTerminateInstances terminates the cloud's instances the filters
// select (the API requires at least one filter there, or
// terminate_all=true).
func (c *reqCtx) multiTerminateInstances() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	flt, _ := c.p.list("filter")
	if len(flt) == 0 && !c.p.boolean("terminate_all") {
		return nil, errParam("multi_terminate needs filter[] or terminate_all=true")
	}
	xs, err := c.selectInstances(cl.id, func(x *instance) bool { return isRunning(x) })
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, errAction("No running instance of cloud %s matches the filters", cl.id)
	}
	// The cloud's collection has no task route: the task lives under the
	// first instance, as multi_run_executable's does.
	return c.terminateAll(instanceHref(xs[0].cloud, xs[0].id), xs)
}

// terminateAll terminates xs and answers 202 with a task under parent:
// the official metadata says multi_terminate's Location names a Task.
// Its summaries are the emulator's own [INF: none is recorded].
func (c *reqCtx) terminateAll(parent string, xs []*instance) (*reply, *apiError) {
	for _, x := range xs {
		if x.locked {
			return nil, errAction("Instance %s is locked: unlock it before terminating it", x.id)
		}
	}
	names := make([]string, 0, len(xs))
	for _, x := range xs {
		_ = c.terminate(x)
		names = append(names, x.name)
	}
	id := c.s.st.taskID()
	what := fmt.Sprintf("terminate %d instance(s)", len(xs))
	t := &task{id: id, href: parent + "/live/tasks/" + id, script: what, started: c.now,
		running: []string{"0%: " + what}, final: "completed: " + what,
		detail: "Terminated: " + strings.Join(names, ", ")}
	if len(xs) == 0 {
		t.detail = "No instance to terminate"
	}
	c.s.st.tasks.add(id, t)
	return accepted(t.href)
}

// isRunning: launched and not on its way out.
func isRunning(x *instance) bool {
	switch x.state {
	case StatePending, StateBooting, StateOperational, StateProvisioned:
		return x.target != StateTerminated
	}
	return false
}

// detach takes a terminated instance off its server (which gets a fresh
// inactive next instance) or array.
func (s *Server) detach(x *instance, now time.Time) {
	switch {
	case strings.HasPrefix(x.parent, BasePath+"/servers/"):
		sv := s.st.servers.get(lastSeg(x.parent))
		if sv != nil && sv.current == x.id {
			sv.current = ""
			sv.updatedAt = now
		}
	case strings.HasPrefix(x.parent, BasePath+"/server_arrays/"):
		if a := s.st.arrays.get(lastSeg(x.parent)); a != nil {
			for i, id := range a.instances {
				if id == x.id {
					a.instances = append(a.instances[:i], a.instances[i+1:]...)
					break
				}
			}
		}
	}
}
