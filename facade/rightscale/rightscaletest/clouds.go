package rightscaletest

import "strconv"

// cloudLinks are the collections a cloud advertises; the emulator serves
// datacenters, instance_types and instances.
var cloudLinks = []string{"datacenters", "instance_types", "security_groups", "instances", "ssh_keys",
	"images", "ip_addresses", "ip_address_bindings", "volume_attachments", "recurring_volume_attachments",
	"volume_snapshots", "volume_types", "volumes", "subnets"}

func (s *Server) renderCloud(x *cloud, view string) map[string]any {
	href := cloudHref(x.id)
	links := []link{{Rel: "self", Href: href}}
	for _, rel := range cloudLinks {
		links = append(links, link{Rel: rel, Href: href + "/" + rel})
	}
	m := map[string]any{
		"name": x.name, "display_name": x.displayName, "description": x.description,
		"cloud_type": x.cloudType, "links": links, "actions": actions(),
	}
	if view == "extended" {
		caps := x.capabilities
		if caps == nil {
			caps = []nv{}
		}
		m["capabilities"] = caps
	}
	return m
}

func (c *reqCtx) listClouds() (*reply, *apiError) {
	view, err := c.view("default", "extended")
	if err != nil {
		return nil, err
	}
	fs, err := c.filters(cloudFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.clouds.all() {
		if match(fs, func(f string) []string {
			switch f {
			case "name":
				return one(x.name)
			case "description":
				return one(x.description)
			}
			return one(x.cloudType)
		}) {
			out = append(out, c.s.renderCloud(x, view))
		}
	}
	return okList("cloud", out)
}

// cloudOf resolves the {cloud} path parameter.
func (c *reqCtx) cloudOf() (*cloud, *apiError) {
	id := c.pathID("cloud_id")
	if id == "" { // /api/clouds/{id}
		id = c.pathID("id")
	}
	x := c.s.st.clouds.get(id)
	if x == nil {
		return nil, errNotFound("Cloud", id)
	}
	return x, nil
}

func (c *reqCtx) showCloud() (*reply, *apiError) {
	view, err := c.view("default", "extended")
	if err != nil {
		return nil, err
	}
	x, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	return ok("cloud", c.s.renderCloud(x, view))
}

func renderDatacenter(x *datacenter) map[string]any {
	return map[string]any{
		"name": x.name, "description": x.description, "resource_uid": x.resourceUID,
		"links":   []link{{Rel: "self", Href: datacenterHref(x.cloud, x.id)}, {Rel: "cloud", Href: cloudHref(x.cloud)}},
		"actions": actions(),
	}
}

func (c *reqCtx) listDatacenters() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	if _, err := c.view("default"); err != nil {
		return nil, err
	}
	fs, err := c.filters(datacenterFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.datacenters.all() {
		if x.cloud == cl.id && match(fs, func(f string) []string {
			if f == "name" {
				return one(x.name)
			}
			return one(x.resourceUID)
		}) {
			out = append(out, renderDatacenter(x))
		}
	}
	return okList("datacenter", out)
}

func (c *reqCtx) showDatacenter() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	if _, err := c.view("default"); err != nil {
		return nil, err
	}
	id := c.pathID("id")
	x := c.s.st.datacenters.get(id)
	if x == nil || x.cloud != cl.id {
		return nil, errNotFound("Datacenter", id)
	}
	return ok("datacenter", renderDatacenter(x))
}

func renderInstanceType(x *instanceType) map[string]any {
	return map[string]any{
		"name": x.name, "description": x.description, "resource_uid": x.resourceUID,
		"cpu_architecture": x.cpuArchitecture, "cpu_count": strconv.Itoa(x.cpuCount), "memory": x.memory,
		"links":   []link{{Rel: "self", Href: itypeHref(x.cloud, x.id)}, {Rel: "cloud", Href: cloudHref(x.cloud)}},
		"actions": actions(),
	}
}

func (c *reqCtx) listInstanceTypes() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	if _, err := c.view("default"); err != nil {
		return nil, err
	}
	fs, err := c.filters(itypeFilters)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, x := range c.s.st.itypes.all() {
		if x.cloud == cl.id && match(fs, func(f string) []string {
			switch f {
			case "name":
				return one(x.name)
			case "description":
				return one(x.description)
			case "cpu_architecture":
				return one(x.cpuArchitecture)
			}
			return one(x.resourceUID)
		}) {
			out = append(out, renderInstanceType(x))
		}
	}
	return okList("instance_type", out)
}

func (c *reqCtx) showInstanceType() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	if _, err := c.view("default"); err != nil {
		return nil, err
	}
	id := c.pathID("id")
	x := c.s.st.itypes.get(id)
	if x == nil || x.cloud != cl.id {
		return nil, errNotFound("InstanceType", id)
	}
	return ok("instance_type", renderInstanceType(x))
}
