package rightscaletest

import (
	"fmt"
	"strings"
)

// runParams reads what run_executable and multi_run_executable run:
// exactly one of right_script_href and recipe_name, and the inputs.
func (c *reqCtx) runParams() (name string, inputs []nv, err *apiError) {
	href, _ := c.p.str("right_script_href")
	recipe, _ := c.p.str("recipe_name")
	switch {
	case href != "" && recipe != "":
		return "", nil, errParam("Give either right_script_href or recipe_name, not both")
	case href == "" && recipe == "":
		return "", nil, errParam("Missing parameter: right_script_href or recipe_name")
	case href != "":
		x := c.s.st.scripts.get(lastSeg(href))
		if x == nil || scriptHref(x.id) != href {
			return "", nil, errNotFound("RightScript", lastSeg(href))
		}
		name = x.name
	default:
		name = recipe
	}
	inputs, err = c.inputsParam()
	return name, inputs, err
}

// newTask records a task running name on the instances; href is its
// parent (an instance or a server array).
func (c *reqCtx) newTask(parent, name string, on []*instance, multi bool) *task {
	id := c.s.st.taskID()
	t := &task{id: id, href: parent + "/live/tasks/" + id, script: name, started: c.now}
	kind := "RightScript"
	if !strings.HasPrefix(c.p.strOr("right_script_href"), BasePath) {
		kind = "Chef recipe"
	}
	step := fmt.Sprintf("%s: '%s'", kind, name)
	if multi {
		n := len(on)
		t.running = []string{"0%: Querying tags", fmt.Sprintf("%d%%: %s", 50, step)}
		if n > 1 {
			t.running = append(t.running, fmt.Sprintf("%d%%: %s", 100*(n-1)/n, step))
		}
	} else {
		t.running = []string{"Querying tags", "Preparing execution", step}
		t.instance = parent
	}
	names := make([]string, 0, len(on))
	for _, i := range on {
		names = append(names, i.name)
	}
	if reason, failed := c.s.st.failures[name]; failed {
		t.final = "failed: " + name
		t.detail = fmt.Sprintf("%s failed on %s: %s", step, strings.Join(names, ", "), reason)
	} else {
		t.final = "completed: " + name
		t.detail = fmt.Sprintf("%s completed on %s", step, strings.Join(names, ", "))
	}
	c.s.st.tasks.add(id, t)
	return t
}

func (p params) strOr(name string) string { v, _ := p.str(name); return v }

// runExecutable is Instances#run_executable: 202 with the task's href.
func (c *reqCtx) runExecutable() (*reply, *apiError) {
	x, err := c.instanceOf()
	if err != nil {
		return nil, err
	}
	name, inputs, err := c.runParams()
	if err != nil {
		return nil, err
	}
	if x.state != StateOperational {
		return nil, errAction("Instance %s is %s: scripts run on operational instances only", x.id, x.state)
	}
	if x.locked && !c.p.boolean("ignore_lock") {
		return nil, errAction("Instance %s is locked: pass ignore_lock=true to run on it anyway", x.id)
	}
	_ = inputs // the emulator runs nothing: inputs are checked, not used
	t := c.newTask(instanceHref(x.cloud, x.id), name, []*instance{x}, false)
	return accepted(t.href)
}

// multiRunOn starts one task over the instances; 422 when none is
// operational.
func (c *reqCtx) multiRunOn(parent string, xs []*instance) (*reply, *apiError) {
	name, _, err := c.runParams()
	if err != nil {
		return nil, err
	}
	var on []*instance
	for _, x := range xs {
		if x.state == StateOperational && (!x.locked || c.p.boolean("ignore_lock")) {
			on = append(on, x)
		}
	}
	if len(on) == 0 {
		return nil, errAction("No operational instance to run %s on", name)
	}
	if parent == "" { // the cloud's collection: the task lives under the first instance
		parent = instanceHref(on[0].cloud, on[0].id)
	}
	t := c.newTask(parent, name, on, true)
	return accepted(t.href)
}

func (c *reqCtx) multiRunInstances() (*reply, *apiError) {
	cl, err := c.cloudOf()
	if err != nil {
		return nil, err
	}
	xs, err := c.selectInstances(cl.id, nil)
	if err != nil {
		return nil, err
	}
	return c.multiRunOn("", xs)
}

func (c *reqCtx) multiRunArray() (*reply, *apiError) {
	x, err := c.arrayOf("id")
	if err != nil {
		return nil, err
	}
	return c.multiRunOn(arrayHref(x.id), c.s.arrayInstances(x))
}

// summary is where a task stands: one running summary per read (or per
// step of the clock with WithTaskStepTime), then the final one.
func (s *Server) summary(t *task) (string, bool) {
	var step int
	if d := s.cfg.taskStep; d > 0 {
		step = int(s.now().Sub(t.started) / d)
		if step >= len(t.running) {
			return t.final, true
		}
		return t.running[step], false
	}
	step = t.reads
	t.reads++
	polls := s.cfg.taskPolls
	if step >= polls {
		return t.final, true
	}
	i := step * len(t.running) / max(polls, 1)
	return t.running[min(i, len(t.running)-1)], false
}

func (c *reqCtx) showTask(parentOf func() (string, *apiError)) (*reply, *apiError) {
	view, err := c.view("default", "extended")
	if err != nil {
		return nil, err
	}
	parent, err := parentOf()
	if err != nil {
		return nil, err
	}
	id := c.pathID("id")
	t := c.s.st.tasks.get(id)
	if t == nil || t.href != parent+"/live/tasks/"+id {
		return nil, errNotFound("Task", id)
	}
	sum, done := c.s.summary(t)
	m := map[string]any{"summary": sum, "links": []link{{Rel: "self", Href: t.href}}, "actions": actions()}
	if view == "extended" {
		if done {
			m["detail"] = t.detail
		} else {
			m["detail"] = nil
		}
	}
	return ok("task", m)
}

func (c *reqCtx) showInstanceTask() (*reply, *apiError) {
	return c.showTask(func() (string, *apiError) {
		cl, err := c.cloudOf()
		if err != nil {
			return "", err
		}
		id := c.pathID("instance_id")
		x := c.s.st.instances.get(id)
		if x == nil || x.cloud != cl.id {
			return "", errNotFound("Instance", id)
		}
		return instanceHref(x.cloud, x.id), nil
	})
}

func (c *reqCtx) showArrayTask() (*reply, *apiError) {
	return c.showTask(func() (string, *apiError) {
		x, err := c.arrayOf("server_array_id")
		if err != nil {
			return "", err
		}
		return arrayHref(x.id), nil
	})
}
