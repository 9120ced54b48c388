package st2cmd

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// workflowRunners are st2's WORKFLOW_RUNNER_TYPES.
var workflowRunners = []string{"action-chain", "orquesta"}

// taskColumns are the columns of a workflow's task table.
var taskColumns = []string{"id", "status", "task", "action", "start_timestamp"}

// errShowTasks is st2's refusal of --show-tasks on a plain action.
var errShowTasks = errors.New("--show-tasks option can only be used with workflow actions")

// printDetails is st2's _print_execution_details: the workflow view (the
// execution, then a table of its tasks) for orquesta and action-chain
// executions unless --raw or -d is given, the plain views otherwise.
func (e *Env) printDetails(cmd *cobra.Command, c *st2.Client, raw *output.Map, view viewFlags, defaults []string) error {
	runner, _ := lookup(raw, "action.runner_type").(string)
	isWorkflow := slices.Contains(workflowRunners, runner)
	if view.showTasks && !isWorkflow {
		return errShowTasks
	}
	if view.raw || view.detail || !(view.showTasks || isWorkflow) {
		return e.printExecution(raw, view, defaults)
	}
	return e.printTaskList(cmd, c, raw, view)
}

// printTaskList is _run_and_print_child_task_list.
func (e *Env) printTaskList(cmd *cobra.Command, c *st2.Client, raw *output.Map, view viewFlags) error {
	idV, _ := raw.Get("id")
	id, _ := idV.(string)
	children, err := e.rawList("/children", func() error {
		_, err := c.Executions.Children(cmd.Context(), id, view.depth)
		return err
	})
	if err != nil {
		return err
	}
	tasks := formatChildren(children, id, e.now())

	attrs := []string{"id", "action.ref", "parameters", "status", "start_timestamp", "end_timestamp", "log"}
	if len(tasks) == 0 {
		attrs = append(attrs, "result")
	}
	insertAfter := func(after string, names ...string) {
		i := slices.Index(attrs, after)
		attrs = slices.Insert(attrs, i+1, names...)
	}
	var resultTasks []any
	if m, ok := lookup(raw, "result").(*output.Map); ok {
		resultTasks, _ = lookup(m, "tasks").([]any)
	}
	var lastTask *output.Map
	if len(resultTasks) > 0 {
		lastTask, _ = resultTasks[len(resultTasks)-1].(*output.Map)
	}
	// A copy: the fields below exist only in this view.
	root := output.NewMap()
	for _, k := range raw.Keys() {
		v, _ := raw.Get(k)
		root.Set(k, v)
	}
	if status, _ := raw.Get("status"); status == "failed" || strings.HasPrefix(asString(status), "failed ") {
		var topErr, topTrace any = "See result", "See result"
		if m, ok := lookup(raw, "result").(*output.Map); ok {
			topErr, topTrace = lookup(m, "error"), lookup(m, "traceback")
		}
		var taskErr, taskTrace any
		if lastTask != nil {
			if r, ok := lookup(lastTask, "result").(*output.Map); ok {
				taskErr, taskTrace = lookup(r, "error"), lookup(r, "traceback")
				if !truthyValue(taskErr) {
					taskErr = lookup(r, "stderr")
				}
			}
		}
		switch {
		case truthyValue(topErr):
			root.Set("error", topErr)
			root.Set("traceback", topTrace)
			root.Set("result", "See error and traceback.")
			insertAfter("status", "error", "traceback")
		case truthyValue(taskErr):
			root.Set("error", taskErr)
			root.Set("traceback", taskTrace)
			root.Set("result", "See error and traceback.")
			root.Set("failed_on", nameOf(lastTask))
			insertAfter("status", "error", "traceback", "failed_on")
		}
	}
	if lastTask != nil {
		if r := lookup(lastTask, "result"); truthyValue(r) {
			root.Set("result_task", nameOf(lastTask))
			root.Set("result", r)
			insertAfter("status", "result_task", "result")
		}
	} else if !slices.Contains(attrs, "result") {
		attrs = append(attrs, "result")
	}

	p := e.printer()
	color := p.Color && p.Options.Format == output.Table
	// st2 passes -j, never -y, to the execution's part of this view.
	if e.a.Output.Format == output.JSON {
		o := p.Options
		o.Attrs = attrs
		if err := o.Get(e.a.Out, root, nil); err != nil {
			return err
		}
	} else if err := writeExecutionResult(e.a.Out, root, attrs, e.executionTransforms(color), color); err != nil {
		return err
	}
	if len(tasks) == 0 {
		return nil
	}
	o := p.Options
	o.Attrs = nil
	o.Transforms = e.executionTransforms(color)
	return o.List(e.a.Out, tasks, taskColumns)
}

// formatChildren is format_wf_instances, the indentation of
// _format_child_instances and _format_for_common_representation: one row
// per task, "+ " before the ids of tasks that are workflows themselves
// ("  " before the others) when there is one, a space of indentation per
// level, and the status with its elapsed time.
func formatChildren(children []any, parentID string, now time.Time) []any {
	hasWorkflow := false
	for _, c := range children {
		if m, ok := c.(*output.Map); ok && truthyValue(lookup(m, "children")) {
			hasWorkflow = true
		}
	}
	ids := make([]string, len(children))
	for i, c := range children {
		m, _ := c.(*output.Map)
		ids[i] = asString(lookup(m, "id"))
		if hasWorkflow {
			if truthyValue(lookup(m, "children")) {
				ids[i] = wfPrefix + ids[i]
			} else {
				ids[i] = "  " + ids[i]
			}
		}
	}
	depth := map[string]int{parentID: 0}
	var rows []any
	for i, c := range children {
		m, ok := c.(*output.Map)
		if !ok {
			continue
		}
		parent := asString(lookup(m, "parent"))
		if _, ok := depth[parent]; !ok {
			var grand string
			found := false
			for j, other := range children {
				om, _ := other.(*output.Map)
				if strings.TrimPrefix(strings.TrimLeft(ids[j], " "), wfPrefix) == parent {
					grand, found = asString(lookup(om, "parent")), true
				}
			}
			if d, ok := depth[grand]; found && grand != "" && ok {
				depth[parent] = d + 1
			} else {
				depth[parent] = 0
			}
		}
		task := lookup(m, "context.chain.name")
		if ctx, ok := lookup(m, "context").(*output.Map); ok {
			if _, ok := ctx.Get("orquesta"); ok {
				task = lookup(m, "context.orquesta.task_name")
			}
		}
		row := output.NewMap()
		row.Set("id", strings.Repeat(" ", depth[parent])+ids[i])
		row.Set("status", lookup(m, "status"))
		row.Set("task", task)
		row.Set("action", lookup(m, "action.ref"))
		row.Set("start_timestamp", lookup(m, "start_timestamp"))
		row.Set("end_timestamp", lookup(m, "end_timestamp"))
		withElapsed(row, now)
		rows = append(rows, row)
	}
	return rows
}

// wfPrefix marks a task that is a workflow in the task table.
const wfPrefix = "+ "

func asString(v any) string { s, _ := v.(string); return s }

// truthyValue is Python's truth of a JSON value.
func truthyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case bool:
		return x
	case []any:
		return len(x) > 0
	case *output.Map:
		return x.Len() > 0
	}
	return true
}

// nameOf is a result task's name, "unknown" without one.
func nameOf(task *output.Map) any {
	if v := lookup(task, "name"); v != nil {
		return v
	}
	return "unknown"
}
