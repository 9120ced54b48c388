package rightscaletest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeLayout is RightScale's Ruby-style timestamp format.
const timeLayout = "2006/01/02 15:04:05 -0700"

func rubyTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// table keeps rows in insertion order with lookup by id.
type table[T any] struct {
	order []string
	rows  map[string]*T
}

func (t *table[T]) add(id string, v *T) {
	if t.rows == nil {
		t.rows = map[string]*T{}
	}
	if _, ok := t.rows[id]; !ok {
		t.order = append(t.order, id)
	}
	t.rows[id] = v
}

func (t *table[T]) get(id string) *T { return t.rows[id] }

func (t *table[T]) del(id string) {
	if _, ok := t.rows[id]; !ok {
		return
	}
	delete(t.rows, id)
	for i, x := range t.order {
		if x == id {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
}

func (t *table[T]) all() []*T {
	out := make([]*T, 0, len(t.order))
	for _, id := range t.order {
		out = append(out, t.rows[id])
	}
	return out
}

// nv is a name/value pair: an input, or a cloud capability.
type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cloud struct {
	id           string
	name         string
	displayName  string
	description  string
	cloudType    string
	capabilities []nv
}

type datacenter struct {
	cloud       string
	id          string
	name        string
	description string
	resourceUID string
}

type instanceType struct {
	cloud           string
	id              string
	name            string
	description     string
	resourceUID     string
	cpuArchitecture string
	cpuCount        int
	memory          string
}

type instance struct {
	cloud          string
	id             string
	name           string
	description    string
	resourceUID    string
	state          string // stored state; see (*Server).instanceState
	target         string // state being moved to over the boot time ("operational", "terminated")
	movedAt        time.Time
	osPlatform     string
	publicIPs      []string
	privateIPs     []string
	publicDNS      []string
	privateDNS     []string
	deployment     string // hrefs
	serverTemplate string
	parent         string
	datacenter     string
	instanceType   string
	image          string
	inputs         []nv
	userData       string
	locked         bool
	pricingType    string
	createdAt      time.Time
	updatedAt      time.Time
	terminatedAt   time.Time
}

type server struct {
	id          string
	name        string
	description string
	deployment  string
	cloud       string // cloud id of its instances
	current     string // instance id, "" when stopped
	next        string // instance id of the inactive next instance
	optimized   bool
	createdAt   time.Time
	updatedAt   time.Time
}

type serverArray struct {
	id               string
	name             string
	description      string
	deployment       string
	cloud            string
	state            string // enabled | disabled
	arrayType        string // alert | queue
	minCount         int
	maxCount         int
	datacenterPolicy []map[string]any
	instances        []string // current instance ids, in the cloud
	next             string
	optimized        bool
	createdAt        time.Time
	updatedAt        time.Time
}

type deployment struct {
	id             string
	name           string
	description    string
	serverTagScope string
	locked         bool
	inputs         []nv
	createdAt      time.Time
	updatedAt      time.Time
}

type serverTemplate struct {
	id          string
	name        string
	description string
	revision    int
	lineage     string
	inputs      []nv
}

type rightScript struct {
	id          string
	name        string
	description string
	revision    int
	lineage     string
	source      string
	inputs      []ScriptInput
	createdAt   time.Time
	updatedAt   time.Time
}

type task struct {
	id       string
	href     string
	script   string // RightScript name or recipe
	running  []string
	final    string
	detail   string
	reads    int
	started  time.Time
	instance string // href of the instance it runs on ("" for an array task)
}

type store struct {
	clouds      table[cloud]
	datacenters table[datacenter]
	itypes      table[instanceType]
	instances   table[instance]
	servers     table[server]
	arrays      table[serverArray]
	deployments table[deployment]
	templates   table[serverTemplate]
	scripts     table[rightScript]
	tasks       table[task]
	tags        map[string][]string // resource href → tags, in order added
	failures    map[string]string   // RightScript name → failure reason
	created     time.Time

	nextNum  int // numeric ids (servers, deployments, ...)
	nextUID  int // alphanumeric cloud resource ids
	nextTask int
	nextIP   int
}

func newStore(now time.Time) *store {
	return &store{tags: map[string][]string{}, failures: map[string]string{}, created: now,
		nextNum: 1000, nextUID: 1, nextTask: 1000000, nextIP: 10}
}

// numID returns the next numeric id, like those of servers and
// deployments (/api/deployments/1001).
func (st *store) numID() string {
	st.nextNum++
	return strconv.Itoa(st.nextNum)
}

// uid returns the next alphanumeric id, like those of cloud resources
// (/api/clouds/1/instances/7RNT05FU7JJG6): 13 characters, deterministic.
func (st *store) uid() string {
	st.nextUID++
	n := uint64(st.nextUID)*2654435761 + 0x5bd1e995
	s := strings.ToUpper(strconv.FormatUint(n, 36))
	for len(s) < 13 {
		s = "0" + s
	}
	return s[len(s)-13:]
}

// taskID returns the next task id ("ae-" and digits, as the real ones).
func (st *store) taskID() string {
	st.nextTask++
	return fmt.Sprintf("ae-%d", st.nextTask)
}

// ips returns a fresh public and private address.
func (st *store) ips() (public, private string) {
	st.nextIP++
	n := st.nextIP
	return fmt.Sprintf("203.0.113.%d", n%250+1), fmt.Sprintf("10.0.%d.%d", n/250, n%250+1)
}

// Hrefs of each kind.

func cloudHref(id string) string         { return BasePath + "/clouds/" + id }
func datacenterHref(c, id string) string { return cloudHref(c) + "/datacenters/" + id }
func itypeHref(c, id string) string      { return cloudHref(c) + "/instance_types/" + id }
func instanceHref(c, id string) string   { return cloudHref(c) + "/instances/" + id }
func serverHref(id string) string        { return BasePath + "/servers/" + id }
func arrayHref(id string) string         { return BasePath + "/server_arrays/" + id }
func deploymentHref(id string) string    { return BasePath + "/deployments/" + id }
func templateHref(id string) string      { return BasePath + "/server_templates/" + id }
func scriptHref(id string) string        { return BasePath + "/right_scripts/" + id }

// resolve finds what an href names; kind is the resource collection
// ("servers", "instances", ...). ok is false for unknown hrefs.
func (st *store) resolve(href string) (kind string, ok bool) {
	rest, found := strings.CutPrefix(href, BasePath+"/")
	if !found {
		return "", false
	}
	seg := strings.Split(rest, "/")
	switch {
	case len(seg) == 2 && seg[0] == "clouds":
		return "clouds", st.clouds.get(seg[1]) != nil
	case len(seg) == 4 && seg[0] == "clouds" && seg[2] == "instances":
		i := st.instances.get(seg[3])
		return "instances", i != nil && i.cloud == seg[1]
	case len(seg) == 4 && seg[0] == "clouds" && seg[2] == "datacenters":
		d := st.datacenters.get(seg[3])
		return "datacenters", d != nil && d.cloud == seg[1]
	case len(seg) == 4 && seg[0] == "clouds" && seg[2] == "instance_types":
		d := st.itypes.get(seg[3])
		return "instance_types", d != nil && d.cloud == seg[1]
	case len(seg) == 2 && seg[0] == "servers":
		return "servers", st.servers.get(seg[1]) != nil
	case len(seg) == 2 && seg[0] == "server_arrays":
		return "server_arrays", st.arrays.get(seg[1]) != nil
	case len(seg) == 2 && seg[0] == "deployments":
		return "deployments", st.deployments.get(seg[1]) != nil
	case len(seg) == 2 && seg[0] == "server_templates":
		return "server_templates", st.templates.get(seg[1]) != nil
	case len(seg) == 2 && seg[0] == "right_scripts":
		return "right_scripts", st.scripts.get(seg[1]) != nil
	case len(seg) == 2 && seg[0] == "accounts":
		return "accounts", true
	}
	return "", false
}

// lastSeg is the id at the end of an href.
func lastSeg(href string) string {
	return href[strings.LastIndexByte(href, '/')+1:]
}
