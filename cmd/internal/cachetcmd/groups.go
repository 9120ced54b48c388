package cachetcmd

import (
	"context"
	"iter"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

var groupKind = kind{
	plural:  "groups",
	columns: []string{"id", "name", "order", "collapsed", "visible", "lowest_human_status"},
	order:   []string{"id", "name", "order", "collapsed", "visible", "lowest_human_status"},
}

func (e *env) groupCmd() *cobra.Command {
	cmd := resource("group", "Component groups: the headings components are shown under",
		"groups", "component-group", "component-groups")
	cmd.AddCommand(e.groupList(), e.groupGet(), e.groupCreate(), e.groupUpdate(), e.groupDelete())
	return cmd
}

func (e *env) groupList() *cobra.Command {
	var (
		name      string
		collapsed cachet.GroupCollapsed
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List component groups",
		Long: `List component groups. Without a token, only public groups are listed.
Unlike the other lists, --order asc works on the server itself.`,
		Args: cobra.NoArgs,
	}
	fs := cmd.Flags()
	fs.StringVar(&name, "name", "", "only groups with exactly this name")
	enumVar(fs, &collapsed, "collapsed", "mode", collapsedModes, false, "only groups shown this way")
	fs.Bool("public", false, "only groups everybody sees")
	fs.Bool("private", false, "only groups logged-in users see")
	return listCmd(e, cmd, groupKind, []string{"id", "name", "order", "collapsed", "visible"}, true,
		func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.ComponentGroup, error], error) {
			vis, err := visibilityPair(cmd)
			if err != nil {
				return nil, err
			}
			return c.ComponentGroups.List(cmd.Context(), cachet.ComponentGroupListOptions{
				ListOptions: lo,
				Name:        changed(cmd, "name", name),
				Collapsed:   changed(cmd, "collapsed", collapsed),
				Visible:     vis,
			}), nil
		})
}

func (e *env) groupGet() *cobra.Command {
	return getCmd(e, groupKind, "GROUP_ID", "Show a component group with its enabled components",
		func(ctx context.Context, c *cachet.Client, id int) (*cachet.ComponentGroup, error) {
			return c.ComponentGroups.Get(ctx, id)
		})
}

// groupFields are the flags create and update share.
type groupFields struct {
	name      string
	order     int
	collapsed cachet.GroupCollapsed
}

func (f *groupFields) add(cmd *cobra.Command, create bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "heading shown on the status page")
	fs.IntVar(&f.order, "order", 0, "position on the page, lowest first")
	enumVar(fs, &f.collapsed, "collapsed", "mode", collapsedModes, create,
		"when the group is shown collapsed (unless-issue: while its components are fine)")
	fs.Bool("public", false, "everybody sees the group")
	fs.Bool("private", false, "only logged-in users see the group (the default on create)")
}

func (e *env) groupCreate() *cobra.Command {
	var f groupFields
	cmd := &cobra.Command{
		Use:     "create --name NAME [flags]",
		Short:   "Create a component group",
		Example: `  switchboard cachet group create --name "Web platform" --public --collapsed unless-issue`,
		Args:    cobra.NoArgs,
	}
	f.add(cmd, true)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		if err := requireFlags(cmd, "name"); err != nil {
			return err
		}
		vis, err := visibilityPair(cmd)
		if err != nil {
			return err
		}
		in := cachet.ComponentGroupCreate{Name: f.name, Order: f.order, Collapsed: f.collapsed}
		if vis != nil {
			in.Visible = *vis
		}
		g, err := c.ComponentGroups.Create(cmd.Context(), in)
		if err != nil {
			return err
		}
		return e.show(c, groupKind, g)
	})
	return cmd
}

func (e *env) groupUpdate() *cobra.Command {
	var f groupFields
	cmd := &cobra.Command{
		Use:   "update GROUP_ID [flags]",
		Short: "Change a component group; only the flags given are sent",
		Args:  cobra.ExactArgs(1),
	}
	f.add(cmd, false)
	cmd.RunE = e.runID("GROUP_ID", func(cmd *cobra.Command, c *cachet.Client, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		vis, err := visibilityPair(cmd)
		if err != nil {
			return err
		}
		g, err := c.ComponentGroups.Update(cmd.Context(), id, cachet.ComponentGroupChanges{
			Name:      changed(cmd, "name", f.name),
			Order:     changed(cmd, "order", f.order),
			Collapsed: changed(cmd, "collapsed", f.collapsed),
			Visible:   vis,
		})
		if err != nil {
			return err
		}
		return e.show(c, groupKind, g)
	})
	return cmd
}

func (e *env) groupDelete() *cobra.Command {
	return deleteCmd(e, "GROUP_ID", "Delete a component group; its components move out of it",
		func(ctx context.Context, c *cachet.Client, id int) error { return c.ComponentGroups.Delete(ctx, id) })
}
