package st2cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// completedStatuses are st2's LIVEACTION_COMPLETED_STATES.
var completedStatuses = []string{"succeeded", "failed", "timeout", "canceled", "abandoned"}

// opAttributes are the result view's attributes after pause and resume.
var opAttributes = resultAttributes

func (e *Env) executionCancelCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cancel <id> [<id> ...]",
		Short: "Cancel action executions",
		Long: `Ask for the cancellation of each execution and print st2's answer: "action
execution with id <id> canceled.", or the server's reason when it cannot be
canceled (it has finished, it does not exist).`,
		Example: `  st2 execution cancel 5f1e...`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, ids []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			for _, id := range ids {
				_, err := c.Executions.Cancel(cmd.Context(), id)
				var ce *st2.CancelError
				var ae *facade.APIError
				switch {
				case err == nil:
					fmt.Fprintf(e.a.Out, "action execution with id %s canceled.\n", id)
				case errors.As(err, &ce):
					fmt.Fprintln(e.a.Out, ce.Message)
				case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound:
					// st2 prints the 404's faultstring and goes on.
					fmt.Fprintln(e.a.Out, ae.Message)
				default:
					return err
				}
			}
			return nil
		},
	}
}

// pauseResumeCmd is `execution pause` or `execution resume`.
func (e *Env) pauseResumeCmd(verb string) *cobra.Command {
	var view viewFlags
	cmd := &cobra.Command{
		Use:     verb + " <id> [<id> ...]",
		Short:   strings.ToUpper(verb[:1]) + verb[1:] + " action executions (workflow executions only)",
		Example: "  st2 execution " + verb + " 5f1e...",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, ids []string) error {
			if err := view.check(); err != nil {
				return err
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			for _, id := range ids {
				raw, err := e.rawObject(http.MethodPut, "/executions/"+id, func() error {
					var err error
					if verb == "pause" {
						_, err = c.Executions.Pause(cmd.Context(), id)
					} else {
						_, err = c.Executions.Resume(cmd.Context(), id)
					}
					return err
				})
				if err != nil {
					return err
				}
				if e.a.Output.Format == output.Table {
					withElapsed(raw, e.now())
				}
				if err := e.printDetails(cmd, c, raw, view, opAttributes); err != nil {
					return err
				}
			}
			return nil
		},
	}
	e.addViewFlags(cmd, &view, false)
	return cmd
}

func (e *Env) executionReRunCmd() *cobra.Command {
	var (
		async, autoDict bool
		inheritEnv      bool
		tasks, noReset  []string
		delay           int
		view            viewFlags
	)
	cmd := &cobra.Command{
		Use:   "re-run <id> [k=v ...]",
		Short: "Re-run a particular action execution",
		Long: `Run an execution again with its parameters, k=v pairs overriding them
(typed as st2 run types them). For workflows, --tasks names the tasks to
re-run from and --no-reset those of them whose with-items iterations are
not reset. Like st2 run, it waits for the result unless -a/--async is
given, and exits with 1 when the new execution failed.`,
		Example: `  st2 execution re-run 5f1e...
  st2 execution re-run 5f1e... cmd=uptime -a
  st2 execution re-run 5f1e... --tasks task2 task3 --no-reset task3`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return app.Usagef("Missing execution id")
			}
			if err := view.check(); err != nil {
				return err
			}
			for _, t := range noReset {
				if !slices.Contains(tasks, t) {
					return app.Usagef("--no-reset %s: only tasks given to --tasks can be left unreset", t)
				}
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			id := args[0]
			old, err := c.Executions.Get(ctx, id)
			if isNotFound(err) {
				return &notFoundMessage{msg: fmt.Sprintf("Action execution with id %q cannot be found.", id)}
			}
			if err != nil {
				return err
			}
			action, runner, err := e.actionAndRunner(ctx, c, old.Action.Ref)
			if err != nil {
				return err
			}
			params, err := ParseParameters(args[1:], runner.RunnerParameters, action.Parameters, ParamOptions{AutoDict: autoDict, ActionRef: action.Ref})
			if err != nil {
				return &app.UsageError{Err: err}
			}
			if inheritEnv {
				params = withInheritedEnv(params, e.environ())
			}
			var ex st2.Execution
			raw, err := e.rawObject(http.MethodPost, "/executions/"+id+"/re_run", func() (err error) {
				ex, err = c.Executions.ReRun(ctx, id, st2.ReRunOptions{Parameters: params, Tasks: tasks, NoReset: noReset, Delay: delay})
				return err
			})
			if err != nil {
				return err
			}
			return e.followExecution(cmd, c, ex.ID, raw, async, view, resultAttributes)
		},
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&tasks, "tasks", nil, "names of the workflow tasks to re-run")
	fs.StringSliceVar(&noReset, "no-reset", nil, "names of the with-items tasks (among --tasks) whose iterations are not reset; only failed iterations re-run")
	fs.BoolVarP(&async, "async", "a", false, "do not wait for the action to finish")
	fs.IntVar(&delay, "delay", 0, "how long (in milliseconds) to delay the execution before scheduling")
	fs.BoolVar(&autoDict, "auto-dict", false, `turn array items written "key:value" into one object`)
	fs.BoolVarP(&inheritEnv, "inherit-env", "e", false, inheritEnvHelp)
	e.addViewFlags(cmd, &view, false)
	fs.BoolVar(&view.tail, "tail", false, "follow the output of the new execution")
	return cmd
}

// followExecution is what run and re-run do once the execution exists:
// the async hints, or --tail, or a wait; then the result and the exit
// status.
func (e *Env) followExecution(cmd *cobra.Command, c *st2.Client, id string, raw *output.Map, async bool, view viewFlags, attrs []string) error {
	ctx := cmd.Context()
	if async {
		_, err := fmt.Fprintf(e.a.Out, "To get the results, execute:\n %s execution get %s\n\nTo view output in real-time, execute:\n %s execution tail %s\n",
			e.profile.Prog, id, e.profile.Prog, id)
		return err
	}
	var err error
	if view.tail {
		fmt.Fprintf(e.a.Out, "Tailing execution %q\n", id)
		if err := e.tail(cmd, c, raw, "", false); err != nil {
			return err
		}
		raw, err = e.rawObject(http.MethodGet, "/executions/"+id, func() error {
			_, err := c.Executions.Get(ctx, id)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.a.Out)
	} else if raw, err = e.waitExecution(ctx, c, id, raw); err != nil {
		return err
	}
	if err := e.printDetails(cmd, c, raw, view, attrs); err != nil {
		return err
	}
	return executionExit(raw)
}

// notFoundMessage is an error whose text is st2's own sentence.
type notFoundMessage struct{ msg string }

func (e *notFoundMessage) Error() string { return e.msg }

func (e *Env) executionTailCmd() *cobra.Command {
	var (
		outputType      string
		includeMetadata bool
	)
	cmd := &cobra.Command{
		Use:   "tail [<id>|last]",
		Short: "Tail output of a particular execution",
		Long: `Print the output of an execution as it is produced, and of the tasks of a
workflow, until it completes; for an execution that has already completed,
its stored output. The id defaults to "last", the newest execution.`,
		Example: `  st2 execution tail
  st2 execution tail 5f1e... --type stderr --include-metadata`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch outputType {
			case "", "all", "stdout", "stderr":
			default:
				return app.Usagef("--type %q: want stdout, stderr or all", outputType)
			}
			id := "last"
			if len(args) == 1 {
				id = args[0]
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			var raw *output.Map
			if id == "last" {
				page, err := c.Executions.PageJSON(ctx, st2.ExecutionListOptions{}, 1, 0)
				if err != nil {
					return err
				}
				items, err := jsonItems(page)
				if err != nil {
					return err
				}
				if len(items) == 0 {
					_, err := fmt.Fprintln(e.a.Out, "No executions found in db.")
					return err
				}
				raw, _ = items[0].(*output.Map)
			} else {
				raw, err = e.rawObject(http.MethodGet, "/executions/"+id, func() error {
					_, err := c.Executions.Get(ctx, id)
					return err
				})
				if isNotFound(err) {
					return &notFoundMessage{msg: fmt.Sprintf("Execution  with id %s not found.", id)}
				}
				if err != nil {
					return err
				}
			}
			if raw == nil {
				return errNoRaw
			}
			return e.tail(cmd, c, raw, outputType, includeMetadata)
		},
	}
	cmd.Flags().StringVar(&outputType, "type", "", "type of output to tail for: stdout or stderr (default all)")
	cmd.Flags().BoolVar(&includeMetadata, "include-metadata", false, "include metadata (timestamp, output type) with the output")
	return cmd
}

// streamEvent is the part of a stream event's data st2's tail reads.
type streamEvent struct {
	ID          string         `json:"id"`
	Status      *string        `json:"status"`
	Children    []string       `json:"children"`
	Context     map[string]any `json:"context"`
	Parent      string         `json:"parent"`
	ExecutionID string         `json:"execution_id"`
	OutputType  string         `json:"output_type"`
	Timestamp   string         `json:"timestamp"`
	Data        string         `json:"data"`
}

// taskContext is get_normalized_context_execution_task_event: the
// execution's parent workflow execution and its task name.
func taskContext(id string, ctx map[string]any) (parent, task string) {
	p, _ := ctx["parent"].(map[string]any)
	parent, _ = p["execution_id"].(string)
	key, field := "chain", "name"
	if _, ok := ctx["orquesta"]; ok {
		key, field = "orquesta", "task_name"
	}
	task = "unknown"
	if m, ok := ctx[key].(map[string]any); ok {
		if s, ok := m[field].(string); ok {
			task = s
		}
	}
	return parent, task
}

// tail is st2's tail_execution: the stored output of a completed
// execution, otherwise the stream until it completes, with the workflow's
// children.
func (e *Env) tail(cmd *cobra.Command, c *st2.Client, raw *output.Map, outputType string, includeMetadata bool) error {
	ctx := cmd.Context()
	w := e.a.Out
	idV, _ := raw.Get("id")
	id, _ := idV.(string)
	statusV, _ := raw.Get("status")
	status, _ := statusV.(string)
	if slices.Contains(completedStatuses, status) {
		out, err := c.Executions.Output(ctx, id, st2.OutputType(outputType))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\nExecution %s has completed (status=%s).\n", out, id, status)
		return err
	}
	var self streamEvent
	if b, err := json.Marshal(raw); err == nil {
		_ = json.Unmarshal(b, &self)
	}
	selfParent, _ := taskContext(id, self.Context)
	tailingChild := self.Parent != "" || selfParent != ""
	followed := map[string]bool{id: true}
	// The children that exist already.
	ex, err := c.Executions.Get(ctx, id)
	if err != nil {
		return err
	}
	for _, ch := range ex.Children {
		followed[ch] = true
	}
	events := c.Stream.Listen(ctx, st2.ListenOptions{
		Events:         []string{st2.EventExecutionUpdate, st2.EventExecutionOutputCreate},
		EndExecutionID: id,
		EndEvent:       st2.EventExecutionUpdate,
	})
	for ev, err := range events {
		if err != nil {
			return err
		}
		var d streamEvent
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			continue
		}
		if d.Status != nil {
			parent, task := taskContext(d.ID, d.Context)
			isChild := parent != ""
			if isChild && !tailingChild {
				if !followed[parent] {
					continue
				}
			} else if !followed[d.ID] {
				continue
			}
			followed[d.ID] = true
			s := *d.Status
			switch {
			case isChild && s == "running":
				fmt.Fprintf(w, "Child execution (task=%s) %s has started.\n\n", task, d.ID)
			case isChild && slices.Contains(completedStatuses, s):
				fmt.Fprintf(w, "\nChild execution (task=%s) %s has finished (status=%s).\n", task, d.ID, s)
				if tailingChild {
					return nil
				}
			case !isChild && s == "running" && len(d.Children) == 0:
				fmt.Fprintf(w, "Execution %s has started.\n\n", id)
			case !isChild && slices.Contains(completedStatuses, s):
				_, err := fmt.Fprintf(w, "\nExecution %s has completed (status=%s).\n", id, s)
				return err
			}
			continue
		}
		if !followed[d.ExecutionID] {
			continue
		}
		if outputType != "" && outputType != "all" && d.OutputType != outputType {
			continue
		}
		if includeMetadata {
			fmt.Fprintf(w, "[%s][%s] %s", d.Timestamp, d.OutputType, d.Data)
		} else {
			fmt.Fprint(w, d.Data)
		}
	}
	return nil
}
