package st2cmd

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// aliases is st2's ActionAlias resource. Its update and delete find the
// alias by name or id (st2's generic commands), not by ref.
var aliases = resource{
	display:  "Action Alias",
	plural:   "action aliases",
	columns:  []string{"ref", "pack", "description", "enabled"},
	getOrder: []string{"id", "ref", "pack", "name", "description", "enabled", "action_ref", "formats"},
	pk:       pkNameOrID,
}

// aliasMatchColumns are `action-alias match`'s columns.
var aliasMatchColumns = []string{"name", "description"}

var aliasTyped = writableOf(aliases, st2.RawActionAliases,
	func(c *st2.Client) crud[st2.ActionAlias] { return c.ActionAliases },
	func(v st2.ActionAlias) string { return v.ID })

// ActionAliasCmd is `st2 action-alias`: list, get, create, update,
// delete, match and execute.
func (e *Env) ActionAliasCmd() *cobra.Command {
	cmd := group("action-alias", "Manage ChatOps action aliases", "action-aliases")
	cmd.AddCommand(
		e.aliasListCmd(),
		e.getCmd(aliases, "ref-or-id", `  switchboard --sandbox st2 action-alias get examples.greet`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.ActionAliases.Get(ctx, id)
				return err
			}),
		e.createCmd(aliasTyped, `  switchboard --sandbox st2 action-alias create alias.yaml`),
		e.updateCmd(aliasTyped, `  switchboard --sandbox st2 action-alias update greet alias.yaml`),
		e.deleteCmd(aliasTyped, `  switchboard --sandbox st2 action-alias delete greet`),
		e.aliasMatchCmd(),
		e.aliasExecuteCmd(),
	)
	return cmd
}

func (e *Env) aliasListCmd() *cobra.Command {
	var pack string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List action aliases",
		Example: `  switchboard --sandbox st2 action-alias list
  switchboard --sandbox st2 action-alias list -p examples -a ref formats`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := e.printer()
			q := st2.AliasListOptions{Pack: str(pack), IncludeAttributes: include(p, aliases.columns)}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(aliases, p, listOpts{}, func() (int, error) {
				page, err := c.ActionAliases.Page(cmd.Context(), q, 0, 0)
				return page.Total, err
			})
		},
	}
	cmd.Flags().StringVarP(&pack, "pack", "p", "", "only action aliases of this pack")
	return cmd
}

func (e *Env) aliasMatchCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "match <command>",
		Short: "Show the action alias that matches a command text",
		Example: `  switchboard --sandbox st2 action-alias match "greet Ada"
  switchboard --sandbox st2 action-alias match "greet Ada 3 times" -a ref action_ref`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			v, err := e.rawAnswer(http.MethodPost, func() error {
				_, err := c.ActionAliases.Match(cmd.Context(), args[0])
				return err
			})
			if err != nil {
				return err
			}
			m, _ := v.(*output.Map)
			var alias any
			if m != nil {
				alias, _ = m.Get("actionalias")
			}
			if alias == nil {
				return fmt.Errorf("st2: the server's match answer has no actionalias")
			}
			return e.printer().List([]any{alias}, aliasMatchColumns)
		},
	}
}

func (e *Env) aliasExecuteCmd() *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:     "execute <command>",
		Short:   "Run the action of the action alias that matches a command text",
		Example: `  switchboard --sandbox st2 action-alias execute "greet Ada"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			res, err := c.ActionAliases.Execute(cmd.Context(), st2.AliasExecuteRequest{Command: args[0], User: user, SourceChannel: "cli"})
			if err != nil {
				return err
			}
			if len(res) == 0 {
				return fmt.Errorf("st2: the server ran no action for %q", args[0])
			}
			_, err = fmt.Fprintf(e.a.Out, "Matching Action-alias: '%s'\nTo get the results, execute:\n %s execution get %s\n",
				res[0].Actionalias.Ref, e.profile.Prog, res[0].Execution.ID)
			return err
		},
	}
	cmd.Flags().StringVarP(&user, "user", "u", "", "user under which to run the action (admins only)")
	return cmd
}
