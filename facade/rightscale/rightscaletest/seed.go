package rightscaletest

import (
	"fmt"
	"sort"
	"strings"
)

// The Add methods put data into a running server as if it had been
// created in the dashboard: tests use them (or WithSeed) to set the scene.
// They panic on impossible input, such as an unknown href: seeds are test
// code, and a panic names the broken seed where an error would surface
// later as a confusing 422.

// Cloud describes a cloud for AddCloud.
type Cloud struct {
	Name        string
	Description string
	// CloudType is RightScale's cloud_type, e.g. "amazon" (default),
	// "google", "azure", "open_stack_v2".
	CloudType string
	// ID is the cloud's id (the last segment of its href); "" picks the
	// next free number (1, 2, ...).
	ID string
}

// Datacenter describes a datacenter (availability zone) for AddDatacenter.
type Datacenter struct {
	Name        string
	Description string
}

// InstanceType describes an instance type for AddInstanceType.
type InstanceType struct {
	Name            string
	Description     string
	CPUArchitecture string // default "x86_64"
	CPUCount        int
	Memory          string // e.g. "8192"
}

// Deployment describes a deployment for AddDeployment.
type Deployment struct {
	Name        string
	Description string
	// Inputs in 2.0 notation: NAME → "text:value".
	Inputs map[string]string
}

// ServerTemplate describes a ServerTemplate for AddServerTemplate.
type ServerTemplate struct {
	Name        string
	Description string
	Inputs      map[string]string
}

// RightScript describes a RightScript for AddRightScript.
type RightScript struct {
	Name        string
	Description string
	Source      string
	// Inputs the script declares; nil reads them from the source's
	// metadata comments.
	Inputs []ScriptInput
}

// ServerSpec describes a server for AddServer.
type ServerSpec struct {
	Name           string
	Description    string
	DeploymentHref string
	// CloudHref and ServerTemplateHref are required.
	CloudHref          string
	ServerTemplateHref string
	InstanceTypeHref   string
	DatacenterHref     string
	Inputs             map[string]string
	// Launched starts the server: it gets an operational current
	// instance. Otherwise it is inactive, with only a next instance.
	Launched bool
}

// ServerArraySpec describes a server array for AddServerArray.
type ServerArraySpec struct {
	Name               string
	Description        string
	DeploymentHref     string
	CloudHref          string
	ServerTemplateHref string
	InstanceTypeHref   string
	DatacenterHref     string
	// Instances is how many operational instances it runs.
	Instances int
	// State is "enabled" (default) or "disabled".
	State string
}

// InstanceSpec describes a stand-alone instance (one without a server or
// array) for AddInstance.
type InstanceSpec struct {
	Name               string
	DeploymentHref     string
	ServerTemplateHref string
	InstanceTypeHref   string
	DatacenterHref     string
	// State is the instance's state (default operational).
	State  string
	Inputs map[string]string
}

func seedPanic(format string, args ...any) {
	panic(fmt.Sprintf("rightscaletest: seed: "+format, args...))
}

func inputsOf(m map[string]string) []nv {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]nv, 0, len(m))
	for _, k := range names {
		if err := checkInput(k, m[k]); err != nil {
			seedPanic("%s", err.text)
		}
		out = append(out, nv{k, m[k]})
	}
	return out
}

// AddCloud adds a cloud and returns its href.
func (s *Server) AddCloud(c Cloud) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.CloudType == "" {
		c.CloudType = "amazon"
	}
	id := c.ID
	if id == "" {
		for n := 1; ; n++ {
			if s.st.clouds.get(itoa(n)) == nil {
				id = itoa(n)
				break
			}
		}
	}
	if s.st.clouds.get(id) != nil {
		seedPanic("cloud %s exists", id)
	}
	s.st.clouds.add(id, &cloud{id: id, name: c.Name, displayName: c.Name, description: c.Description, cloudType: c.CloudType,
		capabilities: []nv{{"ssh_keys", "true"}, {"security_groups", "true"}, {"volumes", "true"}}})
	return cloudHref(id)
}

func (s *Server) cloudFor(href string) *cloud {
	c := s.st.clouds.get(lastSeg(href))
	if c == nil || cloudHref(c.id) != href {
		seedPanic("no cloud %q", href)
	}
	return c
}

// AddDatacenter adds a datacenter to the cloud and returns its href.
func (s *Server) AddDatacenter(cloudHref string, d Datacenter) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cloudFor(cloudHref)
	x := &datacenter{cloud: c.id, id: s.st.uid(), name: d.Name, description: d.Description, resourceUID: d.Name}
	s.st.datacenters.add(x.id, x)
	return datacenterHref(c.id, x.id)
}

// AddInstanceType adds an instance type to the cloud and returns its href.
func (s *Server) AddInstanceType(cloudHref string, t InstanceType) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cloudFor(cloudHref)
	if t.CPUArchitecture == "" {
		t.CPUArchitecture = "x86_64"
	}
	x := &instanceType{cloud: c.id, id: s.st.uid(), name: t.Name, description: t.Description, resourceUID: t.Name,
		cpuArchitecture: t.CPUArchitecture, cpuCount: t.CPUCount, memory: t.Memory}
	s.st.itypes.add(x.id, x)
	return itypeHref(c.id, x.id)
}

// AddDeployment adds a deployment and returns its href.
func (s *Server) AddDeployment(d Deployment) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deploymentNamed(d.Name) != nil {
		seedPanic("a deployment named %q exists", d.Name)
	}
	now := s.now()
	x := &deployment{id: s.st.numID(), name: d.Name, description: d.Description, serverTagScope: "deployment",
		inputs: inputsOf(d.Inputs), createdAt: now, updatedAt: now}
	s.st.deployments.add(x.id, x)
	return deploymentHref(x.id)
}

// AddServerTemplate adds a HEAD ServerTemplate and returns its href.
func (s *Server) AddServerTemplate(t ServerTemplate) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return templateHref(s.addTemplate(t.Name, t.Description, inputsOf(t.Inputs)).id)
}

// AddRightScript adds a HEAD RightScript and returns its href.
func (s *Server) AddRightScript(r RightScript) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := r.Inputs
	if in == nil {
		in = parseScriptInputs(r.Source)
	}
	return scriptHref(s.addScript(r.Name, r.Description, r.Source, in).id)
}

// FailScript makes every later run of the RightScript (or recipe) named
// name fail: its tasks end with "failed: <name>" and reason in their
// detail. An empty reason makes runs succeed again.
func (s *Server) FailScript(name, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reason == "" {
		delete(s.st.failures, name)
		return
	}
	s.st.failures[name] = reason
}

// Tasks counts the tasks run_executable and multi_run_executable have
// started, so that a test can compare what the server did with what its
// client was told (the API has no index of tasks to list them with).
func (s *Server) Tasks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.tasks.rows)
}

// instanceFrom builds the inactive template instance of a seed.
func (s *Server) instanceFrom(cloudHref, tplHref, itHref, dcHref string, inputs map[string]string) *instance {
	c := s.cloudFor(cloudHref)
	if t := s.st.templates.get(lastSeg(tplHref)); t == nil || templateHref(t.id) != tplHref {
		seedPanic("no server template %q", tplHref)
	}
	if itHref != "" {
		if t := s.st.itypes.get(lastSeg(itHref)); t == nil || t.cloud != c.id {
			seedPanic("no instance type %q in %s", itHref, cloudHref)
		}
	}
	if dcHref != "" {
		if d := s.st.datacenters.get(lastSeg(dcHref)); d == nil || d.cloud != c.id {
			seedPanic("no datacenter %q in %s", dcHref, cloudHref)
		}
	}
	return &instance{cloud: c.id, serverTemplate: tplHref, instanceType: itHref, datacenter: dcHref,
		state: StateInactive, osPlatform: "linux", pricingType: "fixed", inputs: inputsOf(inputs)}
}

func (s *Server) checkDeploymentHref(href string) {
	if href == "" {
		return
	}
	if d := s.st.deployments.get(lastSeg(href)); d == nil || deploymentHref(d.id) != href {
		seedPanic("no deployment %q", href)
	}
}

// seedLaunch launches an instance outside a request.
func (s *Server) seedLaunch(x *instance) {
	c := &reqCtx{s: s, p: params{}, now: s.now()}
	if err := c.launch(x); err != nil {
		seedPanic("%s", err.text)
	}
	// Seeds start in their final state, whatever the boot time.
	s.st.instances.get(x.id).state, x.target = StateOperational, ""
}

// AddServer adds a server (launched or not) and returns its href.
func (s *Server) AddServer(sp ServerSpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkDeploymentHref(sp.DeploymentHref)
	tpl := s.instanceFrom(sp.CloudHref, sp.ServerTemplateHref, sp.InstanceTypeHref, sp.DatacenterHref, sp.Inputs)
	now := s.now()
	x := &server{id: s.st.numID(), name: sp.Name, description: sp.Description, deployment: sp.DeploymentHref,
		cloud: tpl.cloud, createdAt: now, updatedAt: now}
	nx := s.newNextInstance(tpl, sp.Name, serverHref(x.id), sp.DeploymentHref, now)
	x.next = nx.id
	if sp.Launched {
		s.seedLaunch(nx)
		x.current = nx.id
		x.next = s.newNextInstance(nx, sp.Name, serverHref(x.id), sp.DeploymentHref, now).id
	}
	s.st.servers.add(x.id, x)
	return serverHref(x.id)
}

// AddServerArray adds a server array with its running instances and
// returns its href.
func (s *Server) AddServerArray(sp ServerArraySpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkDeploymentHref(sp.DeploymentHref)
	tpl := s.instanceFrom(sp.CloudHref, sp.ServerTemplateHref, sp.InstanceTypeHref, sp.DatacenterHref, nil)
	if sp.State == "" {
		sp.State = "enabled"
	}
	now := s.now()
	x := &serverArray{id: s.st.numID(), name: sp.Name, description: sp.Description, deployment: sp.DeploymentHref,
		cloud: tpl.cloud, state: sp.State, arrayType: "alert", minCount: max(sp.Instances, 1), maxCount: max(sp.Instances, 1) * 5,
		createdAt: now, updatedAt: now}
	x.next = s.newNextInstance(tpl, sp.Name, arrayHref(x.id), sp.DeploymentHref, now).id
	for k := range sp.Instances {
		i := s.newNextInstance(tpl, fmt.Sprintf("%s #%d", sp.Name, k+1), arrayHref(x.id), sp.DeploymentHref, now)
		s.seedLaunch(i)
		x.instances = append(x.instances, i.id)
	}
	s.st.arrays.add(x.id, x)
	return arrayHref(x.id)
}

// AddInstance adds an instance without a server or array (one launched
// through Instances#create) and returns its href.
func (s *Server) AddInstance(cloudHref string, sp InstanceSpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkDeploymentHref(sp.DeploymentHref)
	c := s.cloudFor(cloudHref)
	now := s.now()
	x := &instance{cloud: c.id, id: s.st.uid(), name: sp.Name, deployment: sp.DeploymentHref, serverTemplate: sp.ServerTemplateHref,
		instanceType: sp.InstanceTypeHref, datacenter: sp.DatacenterHref, state: StateInactive, osPlatform: "linux",
		pricingType: "fixed", inputs: inputsOf(sp.Inputs), createdAt: now, updatedAt: now}
	s.st.instances.add(x.id, x)
	switch sp.State {
	case "", StateOperational:
		s.seedLaunch(x)
	case StateInactive:
	default:
		s.seedLaunch(x)
		x.state = sp.State
		if sp.State == StateTerminated {
			x.terminatedAt = now
		}
	}
	return instanceHref(c.id, x.id)
}

// SetInstanceState forces an instance into a state (e.g. "stranded in
// booting", "terminated") for tests of state handling.
func (s *Server) SetInstanceState(href, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.st.instances.get(lastSeg(href))
	if x == nil || instanceHref(x.cloud, x.id) != href {
		seedPanic("no instance %q", href)
	}
	x.state, x.target, x.updatedAt = state, "", s.now()
	if state == StateTerminated {
		x.terminatedAt = s.now()
		s.detach(x, s.now())
	}
}

// InstanceState returns an instance's state as the API would show it now.
func (s *Server) InstanceState(href string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.st.instances.get(lastSeg(href))
	if x == nil || instanceHref(x.cloud, x.id) != href {
		return ""
	}
	s.settle(x, s.now())
	return x.state
}

// CurrentInstance returns the href of a server's current instance, "" when
// it has none.
func (s *Server) CurrentInstance(serverHref string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.st.servers.get(lastSeg(serverHref))
	if x == nil || x.current == "" {
		return ""
	}
	return instanceHref(x.cloud, x.current)
}

// AddTags tags a resource, as multi_add does.
func (s *Server) AddTags(href string, tags ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.exists(href) {
		seedPanic("no resource %q", href)
	}
	for _, t := range tags {
		if pred, _, ok := strings.Cut(t, "="); ok && strings.Contains(pred, ":") {
			cur := s.st.tags[href][:0:0]
			for _, x := range s.st.tags[href] {
				if !strings.HasPrefix(x, pred+"=") {
					cur = append(cur, x)
				}
			}
			s.st.tags[href] = cur
		}
		s.st.tags[href] = append(s.st.tags[href], t)
	}
}

// Demo data names, for tests and the sandbox's documentation.
const (
	DemoCloud          = "EC2 us-east-1"
	DemoDeployment     = "production"
	DemoScript         = "Hello World"
	DemoFailingScript  = "Check disk space"
	DemoServerTemplate = "Base ServerTemplate for Linux (RSB) (v14.2)"
)

// demoHello is the source of the demo's Hello World script, with the
// metadata comments RightScale reads inputs from.
const demoHello = `#!/bin/bash
# ---
# RightScript Name: Hello World
# Description: Greets the world.
# Inputs:
#   GREETING:
#     Category: Application
#     Description: What to say.
#     Input Type: single
#     Required: true
#     Advanced: false
#     Default: text:Hello
#   TARGET:
#     Input Type: single
#     Required: false
#     Default: text:world
# ...
echo "$GREETING, $TARGET!"
`

// seedDemo fills the demo account: two EC2 clouds, with datacenters and
// instance types; a ServerTemplate; deployments "production" (servers
// haproxy and web, launched, and a two-instance array web-array) and
// "staging" (server web-staging, not launched); three RightScripts, of
// which "Check disk space" always fails; a few tags.
func (s *Server) seedDemo() {
	east := s.AddCloud(Cloud{Name: DemoCloud, Description: "Amazon Web Services, US East (N. Virginia)", ID: "1"})
	west := s.AddCloud(Cloud{Name: "EC2 us-west-1", Description: "Amazon Web Services, US West (N. California)", ID: "3"})
	var dcs []string
	for _, z := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
		dcs = append(dcs, s.AddDatacenter(east, Datacenter{Name: z}))
	}
	s.AddDatacenter(west, Datacenter{Name: "us-west-1a"})
	micro := s.AddInstanceType(east, InstanceType{Name: "t3.micro", Description: "Burstable, 2 vCPU, 1 GiB", CPUCount: 2, Memory: "1024"})
	large := s.AddInstanceType(east, InstanceType{Name: "m5.large", Description: "General purpose, 2 vCPU, 8 GiB", CPUCount: 2, Memory: "8192"})
	s.AddInstanceType(east, InstanceType{Name: "c5.xlarge", Description: "Compute optimized, 4 vCPU, 8 GiB", CPUCount: 4, Memory: "8192"})
	s.AddInstanceType(west, InstanceType{Name: "m5.large", Description: "General purpose, 2 vCPU, 8 GiB", CPUCount: 2, Memory: "8192"})

	tpl := s.AddServerTemplate(ServerTemplate{Name: DemoServerTemplate, Description: "Base Linux server",
		Inputs: map[string]string{"RS_TIMEZONE": "text:UTC", "SYSLOG_SERVER": "ignore"}})
	prod := s.AddDeployment(Deployment{Name: DemoDeployment, Description: "The live site",
		Inputs: map[string]string{"APP_ENV": "text:production", "DB_PASSWORD": "cred:DB_PASSWORD"}})
	staging := s.AddDeployment(Deployment{Name: "staging", Description: "Pre-production",
		Inputs: map[string]string{"APP_ENV": "text:staging"}})

	lb := s.AddServer(ServerSpec{Name: "haproxy", Description: "Load balancer", DeploymentHref: prod, CloudHref: east,
		ServerTemplateHref: tpl, InstanceTypeHref: micro, DatacenterHref: dcs[0], Launched: true})
	web := s.AddServer(ServerSpec{Name: "web", Description: "Application server", DeploymentHref: prod, CloudHref: east,
		ServerTemplateHref: tpl, InstanceTypeHref: large, DatacenterHref: dcs[1], Launched: true})
	s.AddServer(ServerSpec{Name: "web-staging", DeploymentHref: staging, CloudHref: east, ServerTemplateHref: tpl,
		InstanceTypeHref: micro, DatacenterHref: dcs[2]})
	arr := s.AddServerArray(ServerArraySpec{Name: "web-array", Description: "Autoscaled workers", DeploymentHref: prod,
		CloudHref: east, ServerTemplateHref: tpl, InstanceTypeHref: large, Instances: 2})

	s.AddRightScript(RightScript{Name: DemoScript, Description: "Prints a greeting", Source: demoHello})
	s.AddRightScript(RightScript{Name: "Restart haproxy", Description: "Restarts the load balancer",
		Source: "#!/bin/bash\nsystemctl restart haproxy\n"})
	s.AddRightScript(RightScript{Name: DemoFailingScript, Description: "Fails when a disk is over 90% full",
		Source: "#!/bin/bash\ndf -h | awk '$5+0 > 90 {exit 1}'\n"})
	s.FailScript(DemoFailingScript, "exit status 1: /var is 97% full")

	s.AddTags(lb, "role:lb=true", "rs_monitoring:state=active")
	s.AddTags(web, "role:app=true", "rs_monitoring:state=active")
	s.AddTags(arr, "role:worker=true")
	s.AddTags(prod, "env:name=production")
}
