package cachetcmd

import (
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
		l         listFlags
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
	addListFlags(cmd, &l, []string{"id", "name", "order", "collapsed", "visible"}, true)
	fs := cmd.Flags()
	fs.StringVar(&name, "name", "", "only groups with exactly this name")
	enumVar(fs, &collapsed, "collapsed", "mode", collapsedModes, false, "only groups shown this way")
	fs.Bool("public", false, "only groups everybody sees")
	fs.Bool("private", false, "only groups logged-in users see")
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		lo, err := l.options()
		if err != nil {
			return err
		}
		vis, err := visibilityPair(cmd)
		if err != nil {
			return err
		}
		opts := cachet.ComponentGroupListOptions{
			ListOptions: lo,
			Name:        changed(cmd, "name", name),
			Collapsed:   changed(cmd, "collapsed", collapsed),
			Visible:     vis,
		}
		return showList(e, c, groupKind, l.limit, c.ComponentGroups.List(cmd.Context(), opts))
	})
	return cmd
}

func (e *env) groupGet() *cobra.Command {
	return &cobra.Command{
		Use:   "get GROUP_ID",
		Short: "Show a component group with its enabled components",
		Args:  cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
			id, err := parseID("GROUP_ID", args[0])
			if err != nil {
				return err
			}
			g, err := c.ComponentGroups.Get(cmd.Context(), id)
			if err != nil {
				return err
			}
			return e.show(c, groupKind, g)
		}),
	}
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
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		id, err := parseID("GROUP_ID", args[0])
		if err != nil {
			return err
		}
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
	return &cobra.Command{
		Use:   "delete GROUP_ID",
		Short: "Delete a component group; its components move out of it",
		Args:  cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
			id, err := parseID("GROUP_ID", args[0])
			if err != nil {
				return err
			}
			if err := c.ComponentGroups.Delete(cmd.Context(), id); err != nil {
				return err
			}
			return e.deleted(id)
		}),
	}
}
