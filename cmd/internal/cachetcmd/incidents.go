package cachetcmd

import (
	"context"
	"iter"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

var incidentKind = kind{
	plural:  "incidents",
	columns: []string{"id", "name", "human_status", "component_id", "visible", "occurred_at"},
	order:   []string{"id", "name", "status", "human_status", "message", "component_id", "visible", "stickied", "occurred_at"},
}

func (e *env) incidentCmd() *cobra.Command {
	cmd := resource("incident", "Incidents: problems reported on the status page", "incidents")
	cmd.AddCommand(e.incidentList(), e.incidentGet(), e.incidentCreate(), e.incidentUpdate(), e.incidentDelete())
	return cmd
}

func (e *env) incidentList() *cobra.Command {
	var (
		status            cachet.IncidentStatus
		component, userID int
		name              string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents",
		Long: `List incidents. Filters combine (all must match). Without a token, only
public incidents are listed.`,
		Example: `  switchboard cachet incident list --status investigating
  switchboard cachet incident list --sort occurred_at --order desc -n 5`,
		Args: cobra.NoArgs,
	}
	fs := cmd.Flags()
	enumVar(fs, &status, "status", "status", incidentStatuses, false, "only incidents with this status")
	fs.IntVar(&component, "component", 0, "only incidents on this component id (0: on none)")
	fs.IntVar(&userID, "user", 0, "only incidents reported by this user id")
	fs.StringVar(&name, "name", "", "only incidents with exactly this name")
	fs.Bool("public", false, "only incidents everybody sees")
	fs.Bool("private", false, "only incidents logged-in users see")
	fs.Bool("stickied", false, "only incidents pinned at the top of the page")
	fs.Bool("unstickied", false, "only incidents not pinned")
	sorts := []string{"id", "user_id", "name", "status", "visible", "stickied", "message", "occurred_at"}
	return listCmd(e, cmd, incidentKind, sorts, true,
		func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.Incident, error], error) {
			vis, err := visibilityPair(cmd)
			if err != nil {
				return nil, err
			}
			sticky, err := boolPair(cmd, "stickied", "unstickied")
			if err != nil {
				return nil, err
			}
			return c.Incidents.List(cmd.Context(), cachet.IncidentListOptions{
				ListOptions: lo,
				Status:      changed(cmd, "status", status),
				ComponentID: changed(cmd, "component", component),
				UserID:      changed(cmd, "user", userID),
				Name:        changed(cmd, "name", name),
				Visible:     vis,
				Stickied:    sticky,
			}), nil
		})
}

func (e *env) incidentGet() *cobra.Command {
	return getCmd(e, incidentKind, "INCIDENT_ID", "Show an incident with its updates",
		func(ctx context.Context, c *cachet.Client, id int) (*cachet.Incident, error) {
			return c.Incidents.Get(ctx, id)
		})
}

// incidentFields are the flags create and update share.
type incidentFields struct {
	name, message, occurredAt, template string
	status                              cachet.IncidentStatus
	component                           int
	componentStatus                     cachet.ComponentStatus
	notify                              bool
	vars                                []string
}

func (f *incidentFields) add(cmd *cobra.Command, create bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "title of the incident")
	fs.StringVar(&f.message, "message", "", "message, in Markdown")
	enumVar(fs, &f.status, "status", "status", incidentStatuses, create, "status")
	fs.Bool("public", false, "everybody sees the incident (the default on create)")
	fs.Bool("private", false, "only logged-in users see the incident")
	fs.Bool("stickied", false, "pin the incident at the top of the page")
	fs.IntVar(&f.component, "component", 0, "id of the affected component; needs --component-status")
	enumVar(fs, &f.componentStatus, "component-status", "status", componentStatuses, false,
		"new status of --component")
	fs.StringVar(&f.occurredAt, "occurred-at", "", `when the problem started, "YYYY-MM-DD HH:MM" (default: now)`)
	fs.StringVar(&f.template, "template", "", "slug of an incident template rendering the message")
	fs.StringArrayVar(&f.vars, "var", nil, "KEY=VALUE variable of --template (repeatable)")
	fs.BoolVar(&f.notify, "notify", false, "email the subscribers")
}

// incidentInput is what create and update read alike from
// incidentFields, beyond plain values.
type incidentInput struct {
	visible    *cachet.Visibility
	component  *cachet.ComponentChange
	occurredAt *time.Time // nil: not given
	vars       map[string]any
}

// read reads them, with dates in loc.
func (f *incidentFields) read(cmd *cobra.Command, loc *time.Location) (incidentInput, error) {
	var (
		in  incidentInput
		err error
	)
	if in.visible, err = visibilityPair(cmd); err != nil {
		return in, err
	}
	// The server wants --component and --component-status together or
	// not at all.
	id, st := cmd.Flags().Changed("component"), cmd.Flags().Changed("component-status")
	if id != st {
		return in, app.Usagef("--component and --component-status go together: give both or neither")
	}
	if id {
		in.component = &cachet.ComponentChange{ID: f.component, Status: f.componentStatus}
	}
	if f.occurredAt != "" {
		t, err := parseTime("occurred-at", f.occurredAt, loc)
		if err != nil {
			return in, err
		}
		in.occurredAt = &t
	}
	in.vars, err = parsePairs("var", f.vars)
	return in, err
}

func (e *env) incidentCreate() *cobra.Command {
	var (
		f    incidentFields
		meta []string
	)
	f.status = cachet.IncidentInvestigating
	cmd := &cobra.Command{
		Use:   "create --name NAME --message TEXT [flags]",
		Short: "Report an incident, optionally changing a component's status",
		Example: `  switchboard cachet incident create --name "Elevated API errors" \
      --message "We are investigating." --status investigating \
      --component 2 --component-status partial-outage`,
		Args: cobra.NoArgs,
	}
	f.add(cmd, true)
	cmd.Flags().StringArrayVar(&meta, "meta", nil, "KEY=VALUE metadata (repeatable; cannot be changed later)")
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		if err := requireFlags(cmd, "name"); err != nil {
			return err
		}
		if !cmd.Flags().Changed("template") {
			if err := requireFlags(cmd, "message"); err != nil {
				return err
			}
		}
		r, err := f.read(cmd, c.TimeZone())
		if err != nil {
			return err
		}
		in := cachet.IncidentCreate{
			Name: f.name, Status: f.status, Message: f.message, Template: f.template, Notify: f.notify,
			Visible: r.visible, Component: r.component, Vars: r.vars,
		}
		in.Stickied, _ = cmd.Flags().GetBool("stickied")
		if r.occurredAt != nil {
			in.OccurredAt = *r.occurredAt
		}
		if in.Meta, err = parsePairs("meta", meta); err != nil {
			return err
		}
		inc, err := c.Incidents.Create(cmd.Context(), in)
		if err != nil {
			return err
		}
		return e.show(c, incidentKind, inc)
	})
	return cmd
}

func (e *env) incidentUpdate() *cobra.Command {
	var f incidentFields
	cmd := &cobra.Command{
		Use:   "update INCIDENT_ID [flags]",
		Short: "Change an incident; only the flags given are sent",
		Long: `Change an incident; only the flags given are changed. To tell the story of
an incident (investigating, identified, fixed), post incident updates
instead: they keep a history and also set the incident's status.`,
		Args: cobra.ExactArgs(1),
	}
	f.add(cmd, false)
	cmd.Flags().Bool("unstickied", false, "unpin the incident")
	cmd.RunE = e.runID("INCIDENT_ID", func(cmd *cobra.Command, c *cachet.Client, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		r, err := f.read(cmd, c.TimeZone())
		if err != nil {
			return err
		}
		sticky, err := boolPair(cmd, "stickied", "unstickied")
		if err != nil {
			return err
		}
		inc, err := c.Incidents.Update(cmd.Context(), id, cachet.IncidentChanges{
			Name:       changed(cmd, "name", f.name),
			Status:     changed(cmd, "status", f.status),
			Message:    changed(cmd, "message", f.message),
			Template:   changed(cmd, "template", f.template),
			Notify:     f.notify,
			Visible:    r.visible,
			Stickied:   sticky,
			Component:  r.component,
			OccurredAt: r.occurredAt,
			Vars:       r.vars,
		})
		if err != nil {
			return err
		}
		return e.show(c, incidentKind, inc)
	})
	return cmd
}

func (e *env) incidentDelete() *cobra.Command {
	return deleteCmd(e, "INCIDENT_ID", "Delete an incident",
		func(ctx context.Context, c *cachet.Client, id int) error { return c.Incidents.Delete(ctx, id) })
}
