package cachetcmd

import (
	"context"
	"iter"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

var componentKind = kind{
	plural:  "components",
	columns: []string{"id", "name", "status_name", "group_id", "enabled", "tags"},
	order:   []string{"id", "name", "status", "status_name", "group_id", "enabled", "tags"},
}

func (e *env) componentCmd() *cobra.Command {
	cmd := resource("component", "Components: the services listed on the status page", "components")
	cmd.AddCommand(e.componentList(), e.componentGet(), e.componentCreate(), e.componentUpdate(), e.componentDelete())
	return cmd
}

func (e *env) componentList() *cobra.Command {
	var (
		status cachet.ComponentStatus
		group  int
		name   string
		tags   []string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List components",
		Long: `List components. Filters combine (all must match); --tag matches any of the
given tag slugs. Without a token, disabled components are not listed.`,
		Example: `  switchboard cachet component list --status major-outage
  switchboard cachet component list --tag backend -a id name status_name tags`,
		Args: cobra.NoArgs,
	}
	fs := cmd.Flags()
	enumVar(fs, &status, "status", "status", componentStatuses, false, "only components with this status")
	fs.IntVar(&group, "group", 0, "only components of this group id (0: in no group)")
	fs.StringVar(&name, "name", "", "only components with exactly this name")
	fs.StringArrayVar(&tags, "tag", nil, "only components with this tag slug (repeatable: any of them)")
	fs.Bool("enabled", false, "only enabled components")
	fs.Bool("disabled", false, "only disabled components")
	return listCmd(e, cmd, componentKind, []string{"id", "name", "status", "order", "group_id", "enabled"}, true,
		func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.Component, error], error) {
			en, err := boolPair(cmd, "enabled", "disabled")
			if err != nil {
				return nil, err
			}
			return c.Components.List(cmd.Context(), cachet.ComponentListOptions{
				ListOptions: lo,
				Status:      changed(cmd, "status", status),
				GroupID:     changed(cmd, "group", group),
				Name:        changed(cmd, "name", name),
				Enabled:     en,
				Tags:        tags,
			}), nil
		})
}

func (e *env) componentGet() *cobra.Command {
	return getCmd(e, componentKind, "COMPONENT_ID", "Show a component",
		func(ctx context.Context, c *cachet.Client, id int) (*cachet.Component, error) {
			return c.Components.Get(ctx, id)
		})
}

// componentFields are the flags create and update share.
type componentFields struct {
	name, description, link string
	status                  cachet.ComponentStatus
	order, group            int
	tags, meta              []string
}

func (f *componentFields) add(cmd *cobra.Command, create bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "name shown on the status page")
	enumVar(fs, &f.status, "status", "status", componentStatuses, create, "status")
	fs.StringVar(&f.description, "description", "", "description shown under the name")
	fs.StringVar(&f.link, "link", "", "URL the name links to")
	fs.IntVar(&f.order, "order", 0, "position on the page, lowest first")
	fs.IntVar(&f.group, "group", 0, "id of the component group (0: none)")
	fs.Bool("enabled", false, "show the component on the page")
	fs.Bool("disabled", false, "hide the component from the page")
	fs.StringArrayVar(&f.meta, "meta", nil, "KEY=VALUE metadata (repeatable)")
}

// read reads the switches and pairs that create and update share.
func (f *componentFields) read(cmd *cobra.Command) (enabled *bool, meta map[string]any, err error) {
	if enabled, err = boolPair(cmd, "enabled", "disabled"); err != nil {
		return nil, nil, err
	}
	meta, err = parsePairs("meta", f.meta)
	return enabled, meta, err
}

func (e *env) componentCreate() *cobra.Command {
	f := componentFields{status: cachet.ComponentOperational}
	cmd := &cobra.Command{
		Use:     "create --name NAME [flags]",
		Short:   "Create a component",
		Example: `  switchboard cachet component create --name API --status operational --group 1 --tag Backend`,
		Args:    cobra.NoArgs,
	}
	f.add(cmd, true)
	cmd.Flags().StringArrayVar(&f.tags, "tag", nil, "tag name, e.g. \"Backend\" (repeatable)")
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		if err := requireFlags(cmd, "name"); err != nil {
			return err
		}
		en, meta, err := f.read(cmd)
		if err != nil {
			return err
		}
		comp, err := c.Components.Create(cmd.Context(), cachet.ComponentCreate{
			Name: f.name, Status: f.status, Description: f.description, Link: f.link,
			Order: f.order, GroupID: f.group, Enabled: en, Meta: meta, Tags: f.tags,
		})
		if err != nil {
			return err
		}
		return e.show(c, componentKind, comp)
	})
	return cmd
}

func (e *env) componentUpdate() *cobra.Command {
	var (
		f              componentFields
		addTags, rmTag []string
		silent         bool
	)
	cmd := &cobra.Command{
		Use:   "update COMPONENT_ID [flags]",
		Short: "Change a component; only the flags given are sent",
		Example: `  switchboard cachet component update 2 --status major-outage
  switchboard cachet component update 2 --add-tag Critical --remove-tag legacy`,
		Args: cobra.ExactArgs(1),
	}
	f.add(cmd, false)
	fs := cmd.Flags()
	fs.StringArrayVar(&f.tags, "tag", nil, "replace all tags with these names (repeatable)")
	fs.StringArrayVar(&addTags, "add-tag", nil, "add a tag by name, keeping the others (repeatable)")
	fs.StringArrayVar(&rmTag, "remove-tag", nil, "remove a tag by name or slug (repeatable)")
	fs.BoolVar(&silent, "silent", false, "change the status without notifying subscribers")
	cmd.RunE = e.runID("COMPONENT_ID", func(cmd *cobra.Command, c *cachet.Client, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		en, meta, err := f.read(cmd)
		if err != nil {
			return err
		}
		u := cachet.ComponentChanges{
			Name:        changed(cmd, "name", f.name),
			Status:      changed(cmd, "status", f.status),
			Description: changed(cmd, "description", f.description),
			Link:        changed(cmd, "link", f.link),
			Order:       changed(cmd, "order", f.order),
			GroupID:     changed(cmd, "group", f.group),
			Enabled:     en,
			Meta:        meta,
			Silent:      silent,
		}
		if cmd.Flags().Changed("tag") {
			u.SetTags(f.tags...)
		}
		u.AddTag(addTags...)
		u.RemoveTag(rmTag...)
		comp, err := c.Components.Update(cmd.Context(), id, u)
		if err != nil {
			return err
		}
		return e.show(c, componentKind, comp)
	})
	return cmd
}

func (e *env) componentDelete() *cobra.Command {
	return deleteCmd(e, "COMPONENT_ID", "Delete a component",
		func(ctx context.Context, c *cachet.Client, id int) error { return c.Components.Delete(ctx, id) })
}
