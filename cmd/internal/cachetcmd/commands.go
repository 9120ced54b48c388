package cachetcmd

import (
	"context"
	"iter"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

// The command shapes every resource repeats: list, get and delete, and
// the id arguments. Each resource still writes its own create and update,
// whose flags and requests have nothing in common but their form.

// runID is run for a command whose argument is an object's id; arg names
// it as the Use line does ("COMPONENT_ID").
func (e *env) runID(arg string, fn func(cmd *cobra.Command, c *cachet.Client, id int) error) func(*cobra.Command, []string) error {
	return e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		id, err := parseID(arg, args[0])
		if err != nil {
			return err
		}
		return fn(cmd, c, id)
	})
}

// runChildID is runID for an object addressed through its parent, as in
// `incident-update get INCIDENT_ID UPDATE_ID`.
func (e *env) runChildID(parentArg, arg string, fn func(cmd *cobra.Command, c *cachet.Client, parent, id int) error) func(*cobra.Command, []string) error {
	return e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		parent, err := parseID(parentArg, args[0])
		if err != nil {
			return err
		}
		id, err := parseID(arg, args[1])
		if err != nil {
			return err
		}
		return fn(cmd, c, parent, id)
	})
}

// listCmd completes cmd, whose Use, Short, Args and filter flags the
// caller sets, into a list command: it adds the list flags (sorts and
// ordered as for addListFlags) and shows what list yields. list reads the
// filters and arguments and is given the list options of the flags.
func listCmd[T any](e *env, cmd *cobra.Command, k kind, sorts []string, ordered bool,
	list func(cmd *cobra.Command, c *cachet.Client, args []string, lo cachet.ListOptions) (iter.Seq2[T, error], error)) *cobra.Command {
	var l listFlags
	addListFlags(cmd, &l, sorts, ordered)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		lo, err := l.options()
		if err != nil {
			return err
		}
		seq, err := list(cmd, c, args, lo)
		if err != nil {
			return err
		}
		return showList(e, c, k, l.limit, seq)
	})
	return cmd
}

// getCmd is `get ID`, showing the object get returns.
func getCmd[T any](e *env, k kind, arg, short string, get func(ctx context.Context, c *cachet.Client, id int) (*T, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "get " + arg,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: e.runID(arg, func(cmd *cobra.Command, c *cachet.Client, id int) error {
			v, err := get(cmd.Context(), c, id)
			if err != nil {
				return err
			}
			return e.show(c, k, v)
		}),
	}
}

// deleteCmd is `delete ID`, confirming as st2 does.
func deleteCmd(e *env, arg, short string, del func(ctx context.Context, c *cachet.Client, id int) error) *cobra.Command {
	return &cobra.Command{
		Use:   "delete " + arg,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: e.runID(arg, func(cmd *cobra.Command, c *cachet.Client, id int) error {
			if err := del(cmd.Context(), c, id); err != nil {
				return err
			}
			return e.deleted(id)
		}),
	}
}
