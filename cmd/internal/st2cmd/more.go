package st2cmd

import (
	"context"
	"sort"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// The read-mostly resources: runner, webhook, timer and
// rule-enforcement.

var (
	runners = resource{display: "Runner", plural: "runners", columns: getOrder, getOrder: getOrder, pk: pkNameOrID}
	// webhooks' list adds url (the trigger's parameters.url) to each.
	webhooks = resource{display: "Webhook", plural: "webhooks", columns: []string{"url", "type", "description"},
		getOrder: []string{"type", "description"}}
	timers = resource{display: "Timer", plural: "timers", columns: []string{"id", "uid", "pack", "name", "type", "parameters"},
		getOrder: []string{"type", "pack", "name", "description", "parameters"}}
	ruleEnforcements = resource{display: "Rule Enforcement", plural: "rule enforcements",
		columns:  []string{"id", "rule.ref", "trigger_instance_id", "execution_id", "enforced_at"},
		getOrder: []string{"id", "rule.ref", "trigger_instance_id", "execution_id", "failure_reason", "enforced_at"},
		getAttrs: []string{"id", "rule.ref", "trigger_instance_id", "execution_id", "failure_reason", "enforced_at"}}
)

var runnerWritable = writableOf(runners, st2.RawRunners,
	func(c *st2.Client) crud[st2.RunnerType] { return c.Runners },
	func(v st2.RunnerType) string { return v.ID })

// RunnerCmd is `st2 runner`.
func (e *Env) RunnerCmd() *cobra.Command {
	runner := group("runner", "Browse, enable and disable runners (the handlers of classes of actions)", "runners")
	runner.AddCommand(
		e.simpleListCmd(runners, "List runners", `  switchboard --sandbox st2 runner list`, true,
			func(ctx context.Context, c *st2.Client, inc *[]string) error {
				_, err := c.Runners.Page(ctx, st2.RunnerListOptions{IncludeAttributes: inc}, 0, 0)
				return err
			}),
		e.getCmd(runners, "name-or-id", `  switchboard --sandbox st2 runner get local-shell-cmd`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Runners.Get(ctx, id)
				return err
			}),
		e.enableCmd(runnerWritable, true, `  switchboard --sandbox st2 runner enable local-shell-cmd`),
		e.enableCmd(runnerWritable, false, `  switchboard --sandbox st2 runner disable local-shell-cmd`),
	)
	return runner
}

// WebhookCmd is `st2 webhook`.
func (e *Env) WebhookCmd() *cobra.Command {
	webhook := group("webhook", "Browse webhooks", "webhooks")
	webhook.AddCommand(e.webhookListCmd(),
		e.getCmd(webhooks, "url", `  switchboard --sandbox st2 webhook get echo`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Webhooks.Get(ctx, id)
				return err
			}))
	return webhook
}

// TimerCmd is `st2 timer`.
func (e *Env) TimerCmd() *cobra.Command {
	timer := group("timer", "Browse timers", "timers")
	timer.AddCommand(e.timerListCmd(),
		e.getCmd(timers, "name-or-id", `  switchboard --sandbox st2 timer get core.st2.IntervalTimer`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Timers.Get(ctx, id)
				return err
			}))
	return timer
}

// RuleEnforcementCmd is `st2 rule-enforcement`.
func (e *Env) RuleEnforcementCmd() *cobra.Command {
	enf := group("rule-enforcement", "Browse rule enforcements (each time a rule fired)", "rule-enforcements")
	enf.AddCommand(e.ruleEnforcementListCmd(),
		e.getCmd(ruleEnforcements, "id", `  switchboard --sandbox st2 rule-enforcement get 66322ec00000000000000042`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.RuleEnforcements.Get(ctx, id)
				return err
			}))
	return enf
}

// simpleListCmd is st2's ResourceListCommand: get_all, with the -a
// attributes (or the default columns) as include_attributes when
// withInclude.
func (e *Env) simpleListCmd(r resource, short, example string, withInclude bool, list func(ctx context.Context, c *st2.Client, inc *[]string) error) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   short,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := e.printer()
			var inc *[]string
			if withInclude {
				inc = include(p, r.columns)
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(r, p, listOpts{}, func() (int, error) { return -1, list(cmd.Context(), c, inc) })
		},
	}
}

func (e *Env) webhookListCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List webhooks, by URL",
		Example: `  switchboard --sandbox st2 webhook list`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			items, err := e.rawList("", func() error {
				_, err := c.Webhooks.Query(cmd.Context(), struct{}{})
				return err
			})
			if err != nil {
				return err
			}
			url := func(it any) string {
				m, _ := it.(*output.Map)
				if m == nil {
					return ""
				}
				u, _ := lookup(m, "parameters.url").(string)
				return u
			}
			for _, it := range items {
				if m, ok := it.(*output.Map); ok {
					m.Set("url", url(it))
				}
			}
			sort.SliceStable(items, func(i, j int) bool { return url(items[i]) < url(items[j]) })
			return e.printer().List(items, webhooks.columns)
		},
	}
}

func (e *Env) timerListCmd() *cobra.Command {
	var timerType string
	cmd := e.simpleListCmd(timers, "List timers", `  switchboard --sandbox st2 timer list --timer-type core.st2.IntervalTimer`, false,
		func(ctx context.Context, c *st2.Client, _ *[]string) error {
			_, err := c.Timers.Query(ctx, st2.TimerListOptions{TimerType: str(timerType)})
			return err
		})
	cmd.Flags().StringVar(&timerType, "timer-type", "", "only timers of this type: core.st2.IntervalTimer, core.st2.DateTimer or core.st2.CronTimer (st2's -ty)")
	return cmd
}

func (e *Env) ruleEnforcementListCmd() *cobra.Command {
	var (
		last                                int
		triggerInstance, execution, ruleRef string
		timestampGT, timestampLT            string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the most recent rule enforcements (50 by default)",
		Example: `  switchboard --sandbox st2 rule-enforcement list
  switchboard --sandbox st2 rule-enforcement list --rule examples.webhook_echo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLast(last); err != nil {
				return err
			}
			p := e.printer()
			q := st2.RuleEnforcementListOptions{TriggerInstance: str(triggerInstance), Execution: str(execution), RuleRef: str(ruleRef),
				EnforcedAtGt: str(timestampGT), EnforcedAtLt: str(timestampLT)}
			// st2 reverses the list for -j/-y only, and formats
			// enforced_at there only (where formatting does nothing).
			o := listOpts{last: last, reverse: p.Options.Format != output.Table}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(ruleEnforcements, p, o, func() (int, error) {
				page, err := c.RuleEnforcements.Page(cmd.Context(), q, last, 0)
				return page.Total, err
			})
		},
	}
	fs := cmd.Flags()
	fs.IntVarP(&last, "last", "n", 50, "list N most recent rule enforcements; -1 lists them all")
	fs.StringVar(&triggerInstance, "trigger-instance", "", "only enforcements for this trigger instance (id)")
	fs.StringVar(&execution, "execution", "", "only enforcements that started this execution (id)")
	fs.StringVar(&ruleRef, "rule", "", "only enforcements of this rule (ref)")
	fs.StringVar(&timestampGT, "timestamp-gt", "", `only enforcements after this time, e.g. "2000-01-01T12:00:00.000Z" (st2's -tg)`)
	fs.StringVar(&timestampLT, "timestamp-lt", "", `only enforcements before this time (st2's -tl)`)
	return cmd
}
