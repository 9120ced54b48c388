package st2cmd

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/st2"
)

// Default columns and get order of the action commands.
var (
	actionColumns  = []string{"ref", "pack", "description"}
	actionGetOrder = []string{"id", "uid", "ref", "pack", "name", "description", "enabled", "entry_point", "runner_type", "parameters"}
)

// actions is st2's Action resource, for the generic commands.
var actions = resource{display: "Action", plural: "actions", columns: actionColumns, getOrder: actionGetOrder}

var actionTyped = writableOf(actions, st2.RawActions,
	func(c *st2.Client) crud[st2.Action] { return c.Actions.Manager },
	func(v st2.Action) string { return v.ID })

// ActionCmd is `st2 action`: list, get, create, update, delete, enable,
// disable, execute and clone.
func (e *Env) ActionCmd() *cobra.Command {
	cmd := group("action", "Manage and run actions", "actions")
	cmd.AddCommand(
		e.actionListCmd(),
		e.actionGetCmd(),
		e.createCmd(actionTyped, `  switchboard --sandbox st2 action create action.yaml`),
		e.updateCmd(actionTyped, `  switchboard --sandbox st2 action update examples.greet action.yaml`),
		e.actionDeleteCmd(),
		e.enableCmd(actionTyped, true, `  switchboard --sandbox st2 action enable examples.greet`),
		e.enableCmd(actionTyped, false, `  switchboard --sandbox st2 action disable examples.greet`),
		e.actionExecuteCmd(),
		e.actionCloneCmd(),
	)
	return cmd
}

// actionExecuteCmd is `st2 action execute`: st2 run, except that it does
// not wait for the execution (st2 makes it asynchronous by default).
func (e *Env) actionExecuteCmd() *cobra.Command {
	cmd := e.RunCmd()
	cmd.Use = "execute <ref> [k=v ...]"
	cmd.Short = "Run an action without waiting for its result"
	cmd.Example = `  switchboard --sandbox st2 action execute core.local cmd=date`
	// Always asynchronous; -a/--async is accepted and changes nothing.
	if f := cmd.Flags().Lookup("async"); f != nil {
		_ = f.Value.Set("true")
		f.DefValue = "true"
	}
	return cmd
}

// actionDeleteCmd is st2's ActionDeleteCommand: -r also removes the
// action's files; a missing action prints the "is not found" line and,
// unlike the other deletes, exits with 0.
func (e *Env) actionDeleteCmd() *cobra.Command {
	var removeFiles bool
	cmd := &cobra.Command{
		Use:     "delete <ref-or-id>",
		Short:   "Delete an action",
		Example: `  switchboard --sandbox st2 action delete examples.greet -r`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			a, err := c.Actions.Get(cmd.Context(), args[0])
			if isNotFound(err) {
				e.printNotFound(actions.display, args[0])
				return nil
			}
			if err != nil {
				return err
			}
			if err := c.Actions.DeleteWithFiles(cmd.Context(), a.ID, removeFiles); err != nil && !isNotFound(err) {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "Resource with id %q has been successfully deleted.\n", args[0])
			return err
		},
	}
	cmd.Flags().BoolVarP(&removeFiles, "remove-files", "r", false, "remove the action's files from disk")
	return cmd
}

// actionCloneCmd is st2's ActionCloneCommand.
func (e *Env) actionCloneCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "clone <source-ref-or-id> <dest-pack-name> <dest-action-name>",
		Short:   "Copy an action, with its files, into a pack under a new name",
		Example: `  switchboard --sandbox st2 action clone examples.greet examples greet2`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			src, pack, name := args[0], args[1], args[2]
			if _, err := c.Actions.Get(ctx, src); isNotFound(err) {
				e.printNotFound(actions.display, src)
				return nil
			} else if err != nil {
				return err
			}
			overwrite := false
			if _, err := c.Actions.Get(ctx, pack+"."+name); err == nil {
				if !force {
					if e.a.ErrIsTerminal {
						fmt.Fprint(e.a.Err, "The destination action already exists. Do you want to overwrite? (y/n): ")
					}
					line, _ := bufio.NewReader(e.a.In).ReadString('\n')
					switch strings.ToLower(strings.TrimSpace(line)) {
					case "y", "yes":
					default:
						_, err := fmt.Fprintln(e.a.Out, "Action is not cloned.")
						return err
					}
				}
				overwrite = true
			} else if !isNotFound(err) {
				return err
			}
			return e.printObject(http.MethodPost, func() error {
				_, err := c.Actions.Clone(ctx, src, pack, name, overwrite)
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "overwrite the destination action's files if it exists")
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
			page, err := c.Actions.PageJSON(cmd.Context(), q, 0, 0)
			if err != nil {
				return err
			}
			items, err := jsonItems(page)
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
