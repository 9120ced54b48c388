package st2cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// triggerTypes is st2's TriggerType resource, which the CLI calls
// "trigger".
var triggerTypes = resource{
	display:  "Trigger",
	plural:   "triggers",
	columns:  []string{"ref", "pack", "description"},
	getOrder: []string{"id", "ref", "pack", "name", "description", "parameters_schema", "payload_schema"},
}

// triggerInstances is st2's TriggerInstance resource.
var triggerInstances = resource{
	display:  "Trigger Instance",
	plural:   "triggerinstances",
	columns:  []string{"id", "trigger", "occurrence_time", "status"},
	getOrder: []string{"id", "trigger", "occurrence_time", "payload"},
}

var triggerTypeTyped = writableOf(triggerTypes, st2.RawTriggerTypes,
	func(c *st2.Client) crud[st2.TriggerType] { return c.TriggerTypes },
	func(v st2.TriggerType) string { return v.ID })

// TriggerCmd is `st2 trigger` (trigger types): list, get, create, update,
// delete and getspecs.
func (e *Env) TriggerCmd() *cobra.Command {
	cmd := group("trigger", "Manage trigger types", "triggers")
	cmd.AddCommand(
		e.triggerListCmd(),
		e.getCmd(triggerTypes, "ref-or-id", `  switchboard --sandbox st2 trigger get core.st2.webhook`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.TriggerTypes.Get(ctx, id)
				return err
			}),
		e.createCmd(triggerTypeTyped, `  switchboard --sandbox st2 trigger create trigger.yaml`),
		e.updateCmd(triggerTypeTyped, `  switchboard --sandbox st2 trigger update mypack.event trigger.yaml`),
		e.deleteCmd(triggerTypeTyped, `  switchboard --sandbox st2 trigger delete mypack.event`),
		e.triggerGetSpecsCmd(),
	)
	return cmd
}

func (e *Env) triggerListCmd() *cobra.Command {
	var pack string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List trigger types",
		Example: `  switchboard --sandbox st2 trigger list
  switchboard --sandbox st2 trigger list -p core -a ref parameters_schema`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := e.printer()
			q := st2.TriggerTypeListOptions{Pack: str(pack), IncludeAttributes: include(p, triggerTypes.columns)}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			// get_all: one request, without a limit.
			return e.printList(triggerTypes, p, listOpts{}, func() (int, error) {
				page, err := c.TriggerTypes.Page(cmd.Context(), q, 0, 0)
				return page.Total, err
			})
		},
	}
	cmd.Flags().StringVarP(&pack, "pack", "p", "", "only trigger types of this pack")
	return cmd
}

// triggerGetSpecsCmd is `st2 trigger getspecs <ref>`: the triggers
// (parameterised instances of a trigger type) of one type. st2 sends
// type=<ref> to /triggers, which declares no filter; here the list is
// filtered by type on the client.
func (e *Env) triggerGetSpecsCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "getspecs <ref>",
		Short:   "List the trigger specifications of a trigger type",
		Example: `  switchboard --sandbox st2 trigger getspecs core.st2.webhook`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			p := e.printer()
			if len(p.Options.Attrs) == 0 {
				p.Options.Attrs = []string{"all"}
			}
			keep := func(m *output.Map) bool {
				t, _ := m.Get("type")
				return t == args[0]
			}
			return e.printList(resource{plural: "trigger specifications"}, p, listOpts{keep: keep}, func() (int, error) {
				_, err := c.Triggers.Query(cmd.Context(), struct{}{})
				return -1, err
			})
		},
	}
}

// TriggerInstanceCmd is `st2 trigger-instance`: list, get and re-emit.
func (e *Env) TriggerInstanceCmd() *cobra.Command {
	cmd := group("trigger-instance", "Browse and re-emit trigger instances", "trigger-instances")
	cmd.AddCommand(
		e.triggerInstanceListCmd(),
		e.getCmd(triggerInstances, "id", `  switchboard --sandbox st2 trigger-instance get 66322ec00000000000000042`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.TriggerInstances.Get(ctx, id)
				return err
			}),
		e.triggerInstanceReEmitCmd(),
	)
	return cmd
}

func (e *Env) triggerInstanceListCmd() *cobra.Command {
	var (
		last                     int
		trigger, status          string
		timestampGT, timestampLT string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the most recent trigger instances (50 by default)",
		Long: `List the most recent trigger instances, oldest at the top, as st2 does.

--status filters on the client: the server's list declares no status filter.`,
		Example: `  switchboard --sandbox st2 trigger-instance list
  switchboard --sandbox st2 trigger-instance list --trigger core.st2.webhook -n 10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLast(last); err != nil {
				return err
			}
			p := e.printer()
			q := st2.TriggerInstanceListOptions{Trigger: str(trigger), TimestampGt: str(timestampGT), TimestampLt: str(timestampLT),
				IncludeAttributes: include(p, triggerInstances.columns)}
			o := listOpts{last: last, reverse: true, transforms: map[string]func(any) any{"occurrence_time": e.formatTime}}
			if status != "" {
				if q.IncludeAttributes != nil {
					inc := append(*q.IncludeAttributes, "status")
					q.IncludeAttributes = &inc
				}
				o.keep = func(m *output.Map) bool {
					s, _ := m.Get("status")
					return s == status
				}
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(triggerInstances, p, o, func() (int, error) {
				page, err := c.TriggerInstances.Page(cmd.Context(), q, last, 0)
				return page.Total, err
			})
		},
	}
	fs := cmd.Flags()
	fs.IntVarP(&last, "last", "n", 50, "list N most recent trigger instances; -1 lists them all")
	fs.StringVar(&trigger, "trigger", "", "only instances of this trigger (ref)")
	fs.StringVar(&timestampGT, "timestamp-gt", "", `only instances that occurred after this time, e.g. "2000-01-01T12:00:00.000Z" (st2's -tg)`)
	fs.StringVar(&timestampLT, "timestamp-lt", "", `only instances that occurred before this time (st2's -tl)`)
	fs.StringVar(&status, "status", "", "only instances with this status: pending, processing, processed or processing_failed")
	return cmd
}

func (e *Env) triggerInstanceReEmitCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "re-emit <id>",
		Short:   "Re-emit a trigger instance: dispatch its payload again",
		Example: `  switchboard --sandbox st2 trigger-instance re-emit 66322ec00000000000000042`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "" {
				return app.Usagef("the trigger instance id is empty")
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			res, err := c.ReEmitTriggerInstance(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if res.Message != "" {
				_, err = fmt.Fprintln(e.a.Out, res.Message)
			}
			return err
		},
	}
}
