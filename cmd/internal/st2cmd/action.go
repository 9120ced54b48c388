package st2cmd

import (
	"net/http"
	"slices"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/st2"
)

// Default columns and get order of the action commands.
var (
	actionColumns  = []string{"ref", "pack", "description"}
	actionGetOrder = []string{"id", "uid", "ref", "pack", "name", "description", "enabled", "entry_point", "runner_type", "parameters"}
)

// ActionCmd is `st2 action`: list and get.
func (e *Env) ActionCmd() *cobra.Command {
	cmd := group("action", "Browse actions", "actions")
	cmd.AddCommand(e.actionListCmd(), e.actionGetCmd())
	return cmd
}

func (e *Env) actionListCmd() *cobra.Command {
	var pack string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List actions",
		Example: `  switchboard --sandbox st2 action list
  switchboard --sandbox st2 action list -p core -a ref runner_type`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := e.printer()
			q := st2.ActionListOptions{}
			if pack != "" {
				q.Pack = &pack
			}
			if attrs := p.Options.Attrs; !slices.Contains(attrs, "all") {
				inc := attrs
				if len(inc) == 0 {
					inc = actionColumns
				}
				q.IncludeAttributes = &inc
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			// One request without a limit: the server returns every
			// action, as st2's get_all asks.
			items, err := e.rawList("/actions", func() error {
				_, err := c.Actions.Page(cmd.Context(), q, 0, 0)
				return err
			})
			if err != nil {
				return err
			}
			return p.List(items, actionColumns)
		},
	}
	cmd.Flags().StringVarP(&pack, "pack", "p", "", "only actions of this pack")
	return cmd
}

func (e *Env) actionGetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "get <ref-or-id> [<ref-or-id> ...]",
		Short:   "Show actions",
		Example: `  switchboard --sandbox st2 action get core.local`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, refs []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			p := e.printer()
			for _, ref := range refs {
				raw, err := e.rawObject(http.MethodGet, "/actions/"+ref, func() error {
					_, err := c.Actions.Get(cmd.Context(), ref)
					return err
				})
				if isNotFound(err) {
					e.printNotFound("Action", ref)
					if len(refs) == 1 {
						return &notFoundError{id: ref}
					}
					continue
				}
				if err != nil {
					return err
				}
				if err := p.Get(raw, actionGetOrder); err != nil {
					return err
				}
			}
			return nil
		},
	}
	return cmd
}
