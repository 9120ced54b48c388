package st2cmd

import (
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// executionColumns are the default columns of `execution list`.
var executionColumns = []string{"id", "action.ref", "context.user", "status", "start_timestamp", "end_timestamp"}

// ExecutionCmd is `st2 execution`: list, get, tail, re-run, cancel, pause
// and resume.
func (e *Env) ExecutionCmd() *cobra.Command {
	cmd := group("execution", "Follow action executions", "executions")
	cmd.AddCommand(e.executionListCmd(), e.executionGetCmd(), e.executionTailCmd(), e.executionReRunCmd(),
		e.executionCancelCmd(), e.pauseResumeCmd("pause"), e.pauseResumeCmd("resume"))
	return cmd
}

func (e *Env) executionListCmd() *cobra.Command {
	var (
		last                                  int
		sortOrder                             string
		action, status, user, triggerInstance string
		timestampGT, timestampLT              string
		showAll                               bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the most recent executions (50 by default)",
		Long: `List the most recent action executions, oldest at the top, as st2 does.

Workflow tasks are left out unless -l/--showall is given. When the server
holds more than -n, a note on stderr says so.`,
		Example: `  switchboard --sandbox st2 execution list
  switchboard --sandbox st2 execution list --status failed -n 5
  switchboard --sandbox st2 execution list -a id status result.stdout -j`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := st2.ExecutionListOptions{}
			set := func(dst **string, v string) {
				if v != "" {
					*dst = &v
				}
			}
			set(&q.Action, action)
			set(&q.Status, status)
			set(&q.User, user)
			set(&q.TriggerInstance, triggerInstance)
			set(&q.TimestampGt, timestampGT)
			set(&q.TimestampLt, timestampLT)
			if !showAll {
				set(&q.Parent, "null") // only top-level executions
			}
			switch strings.ToLower(sortOrder) {
			case "asc", "ascending":
				set(&q.SortAsc, "True")
			case "desc", "descending":
				set(&q.SortDesc, "True")
			default:
				return app.Usagef("--sort %q: want asc, ascending, desc or descending", sortOrder)
			}
			if last == 0 || last < -1 {
				return app.Usagef("-n/--last %d: want a positive number, or -1 for all", last)
			}
			p := e.printer()
			if attrs := p.Options.Attrs; !slices.Contains(attrs, "all") {
				inc := attrs
				if len(inc) == 0 {
					inc = executionColumns
				}
				q.IncludeAttributes = &inc
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			page, err := c.Executions.PageJSON(cmd.Context(), q, last, 0)
			if err != nil {
				return err
			}
			items, err := jsonItems(page)
			if err != nil {
				return err
			}
			slices.Reverse(items) // st2 lists the newest at the bottom
			if p.Options.Format == output.Table {
				for _, it := range items {
					if m, ok := it.(*output.Map); ok {
						withElapsed(m, e.now())
					}
				}
				p.Options.Transforms = e.executionTransforms(p.Color && !p.Options.Plain)
			}
			if err := p.List(items, executionColumns); err != nil {
				return err
			}
			if last > 0 && page.Total > last {
				return p.LimitNote("action executions", last, output.ST2LimitFlag)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.IntVarP(&last, "last", "n", 50, "list N most recent executions; -1 lists them all")
	fs.StringVarP(&sortOrder, "sort", "s", "descending", "sort by start timestamp: asc|ascending (earliest first) or desc|descending (latest first)")
	fs.StringVar(&action, "action", "", "only executions of this action (ref)")
	fs.StringVar(&status, "status", "", "only executions with this status (succeeded, running, scheduled, paused, failed, canceling, canceled...)")
	fs.StringVar(&user, "user", "", "only executions started by this user")
	fs.StringVar(&triggerInstance, "trigger_instance", "", "only executions started by this trigger instance (id)")
	fs.StringVar(&timestampGT, "timestamp-gt", "", `only executions started after this time, e.g. "2000-01-01T12:00:00.000Z" (st2's -tg)`)
	fs.StringVar(&timestampLT, "timestamp-lt", "", `only executions started before this time (st2's -tl)`)
	fs.BoolVarP(&showAll, "showall", "l", false, "include workflow tasks")
	return cmd
}

func (e *Env) executionGetCmd() *cobra.Command {
	var view viewFlags
	cmd := &cobra.Command{
		Use:   "get <id> [<id> ...]",
		Short: "Show executions: status, parameters, result",
		Long: `Show one or more action executions in st2's result view: one line per
attribute, parameters and result as YAML. -d shows a property table, -k
only a key of the result, -j/-y the execution as JSON or YAML. The id
"last" names the newest execution.`,
		Example: `  switchboard --sandbox st2 execution get last
  switchboard --sandbox st2 execution get last -k stdout`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, ids []string) error {
			if err := view.check(); err != nil {
				return err
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			for _, id := range ids {
				raw, err := e.rawObject(http.MethodGet, "/executions/"+id, func() error {
					_, err := c.Executions.Get(cmd.Context(), id)
					return err
				})
				if isNotFound(err) {
					e.printNotFound("Action Execution", id)
					if len(ids) == 1 {
						return &notFoundError{id: id}
					}
					continue
				}
				if err != nil {
					return err
				}
				if view.excludeResult {
					// st2 asks the server to leave it out; the view then
					// shows "result: None".
					raw.Set("result", nil)
				}
				if e.a.Output.Format == output.Table {
					withElapsed(raw, e.now())
				}
				if err := e.printDetails(cmd, c, raw, view, getAttributes); err != nil {
					return err
				}
			}
			return nil
		},
	}
	e.addViewFlags(cmd, &view, true)
	cmd.Flags().BoolVarP(&view.excludeResult, "exclude-result", "x", false, "do not retrieve and display the result field")
	return cmd
}
