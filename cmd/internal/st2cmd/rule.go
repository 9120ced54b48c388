package st2cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// rules is st2's Rule resource.
var rules = resource{
	display:  "Rule",
	plural:   "rules",
	columns:  []string{"ref", "pack", "description", "enabled"},
	getOrder: []string{"id", "uid", "ref", "pack", "name", "description", "enabled"},
}

// ruleIFTTColumns are `rule list --iftt`'s columns.
var ruleIFTTColumns = []string{"ref", "trigger.ref", "action.ref", "enabled"}

var ruleTyped = writableOf(rules, st2.RawRules,
	func(c *st2.Client) crud[st2.Rule] { return c.Rules },
	func(v st2.Rule) string { return v.ID })

// RuleCmd is `st2 rule`: list, get, create, update, delete, enable and
// disable.
func (e *Env) RuleCmd() *cobra.Command {
	cmd := group("rule", "Manage rules: when a trigger fires, run an action", "rules")
	cmd.AddCommand(
		e.ruleListCmd(),
		e.getCmd(rules, "ref-or-id", `  switchboard --sandbox st2 rule get examples.webhook_echo`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Rules.Get(ctx, id)
				return err
			}),
		e.createCmd(ruleTyped, `  switchboard --sandbox st2 rule create rule.yaml`),
		e.updateCmd(ruleTyped, `  switchboard --sandbox st2 rule update examples.webhook_echo rule.yaml`),
		e.deleteCmd(ruleTyped, `  switchboard --sandbox st2 rule delete examples.webhook_echo`),
		e.enableCmd(ruleTyped, true, `  switchboard --sandbox st2 rule enable examples.webhook_echo`),
		e.enableCmd(ruleTyped, false, `  switchboard --sandbox st2 rule disable examples.webhook_echo`),
	)
	return cmd
}

func (e *Env) ruleListCmd() *cobra.Command {
	var (
		last                  int
		iftt                  bool
		pack, action, trigger string
		enabled, disabled     bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List rules (the first 50 by default)",
		Example: `  switchboard --sandbox st2 rule list
  switchboard --sandbox st2 rule list --iftt
  switchboard --sandbox st2 rule list -p examples -g core.st2.webhook --enabled`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLast(last); err != nil {
				return err
			}
			if enabled && disabled {
				return app.Usagef("--enabled and --disabled cannot be used together")
			}
			p := e.printer()
			columns := rules.columns
			if iftt {
				// st2 replaces -a with the IFTTT columns.
				columns, p.Options.Attrs = ruleIFTTColumns, nil
			}
			r := rules
			r.columns = columns
			q := st2.RuleListOptions{Pack: str(pack), Action: str(action), Trigger: str(trigger), IncludeAttributes: include(p, columns)}
			switch {
			case enabled:
				q.Enabled = str("true") // st2 sends True; the server reads both
			case disabled:
				q.Enabled = str("false")
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(r, p, listOpts{last: last}, func() (int, error) {
				page, err := c.Rules.Page(cmd.Context(), q, last, 0)
				return page.Total, err
			})
		},
	}
	fs := cmd.Flags()
	fs.IntVarP(&last, "last", "n", 50, "list N most recent rules; -1 lists them all")
	fs.BoolVar(&iftt, "iftt", false, "show the trigger and the action of each rule")
	fs.StringVarP(&pack, "pack", "p", "", "only rules of this pack")
	fs.StringVarP(&action, "action", "c", "", "only rules that run this action (ref)")
	fs.StringVarP(&trigger, "trigger", "g", "", "only rules on this trigger type (ref)")
	fs.BoolVar(&enabled, "enabled", false, "only enabled rules")
	fs.BoolVar(&disabled, "disabled", false, "only disabled rules")
	return cmd
}
