package cachetcmd

import (
	"context"
	"iter"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

var updateKind = kind{
	plural:  "incident updates",
	columns: []string{"id", "incident_id", "human_status", "message", "created_at"},
	order:   []string{"id", "incident_id", "status", "human_status", "message"},
}

var templateKind = kind{
	plural:  "templates",
	columns: []string{"id", "name", "slug", "created_at"},
	order:   []string{"id", "name", "slug", "template"},
}

func (e *env) incidentUpdateCmd() *cobra.Command {
	cmd := resource("incident-update", "Incident updates: the follow-ups posted on an incident (Cachet 2.4)",
		"incident-updates")
	cmd.AddCommand(e.updateList(), e.updateGet(), e.updateCreate(), e.updateUpdate(), e.updateDelete())
	return cmd
}

func (e *env) updateList() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list INCIDENT_ID",
		Short: "List the updates of an incident, newest first",
		Args:  cobra.ExactArgs(1),
	}
	return listCmd(e, cmd, updateKind, nil, true,
		func(cmd *cobra.Command, c *cachet.Client, args []string, lo cachet.ListOptions) (iter.Seq2[cachet.IncidentUpdate, error], error) {
			id, err := parseID("INCIDENT_ID", args[0])
			if err != nil {
				return nil, err
			}
			return c.IncidentUpdates.List(cmd.Context(), id, lo), nil
		})
}

func (e *env) updateGet() *cobra.Command {
	return &cobra.Command{
		Use:   "get INCIDENT_ID UPDATE_ID",
		Short: "Show an incident update",
		Args:  cobra.ExactArgs(2),
		RunE: e.runChildID("INCIDENT_ID", "UPDATE_ID", func(cmd *cobra.Command, c *cachet.Client, inc, id int) error {
			u, err := c.IncidentUpdates.Get(cmd.Context(), inc, id)
			if err != nil {
				return err
			}
			return e.show(c, updateKind, u)
		}),
	}
}

func (e *env) updateCreate() *cobra.Command {
	var (
		status  cachet.IncidentStatus
		message string
	)
	cmd := &cobra.Command{
		Use:   "create INCIDENT_ID --status STATUS --message TEXT",
		Short: "Post an update on an incident; the incident takes its status",
		Example: `  switchboard cachet incident-update create 1 --status identified --message "A bad deploy; rolling back."
  switchboard cachet incident-update create 1 --status fixed --message "Resolved."`,
		Args: cobra.ExactArgs(1),
	}
	enumVar(cmd.Flags(), &status, "status", "status", updateStatuses, false, "the incident's status as of this update")
	cmd.Flags().StringVar(&message, "message", "", "message, in Markdown")
	cmd.RunE = e.runID("INCIDENT_ID", func(cmd *cobra.Command, c *cachet.Client, id int) error {
		if err := requireFlags(cmd, "status", "message"); err != nil {
			return err
		}
		u, err := c.IncidentUpdates.Create(cmd.Context(), id, status, message)
		if err != nil {
			return err
		}
		return e.show(c, updateKind, u)
	})
	return cmd
}

func (e *env) updateUpdate() *cobra.Command {
	var (
		status  cachet.IncidentStatus
		message string
	)
	cmd := &cobra.Command{
		Use:   "update INCIDENT_ID UPDATE_ID [flags]",
		Short: "Correct an incident update; the incident's own status is left alone",
		Args:  cobra.ExactArgs(2),
	}
	enumVar(cmd.Flags(), &status, "status", "status", updateStatuses, false, "status")
	cmd.Flags().StringVar(&message, "message", "", "message, in Markdown")
	cmd.RunE = e.runChildID("INCIDENT_ID", "UPDATE_ID", func(cmd *cobra.Command, c *cachet.Client, inc, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		u, err := c.IncidentUpdates.Update(cmd.Context(), inc, id, cachet.IncidentUpdateChanges{
			Status:  changed(cmd, "status", status),
			Message: changed(cmd, "message", message),
		})
		if err != nil {
			return err
		}
		return e.show(c, updateKind, u)
	})
	return cmd
}

func (e *env) updateDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete INCIDENT_ID UPDATE_ID",
		Short: "Delete an incident update",
		Args:  cobra.ExactArgs(2),
		RunE: e.runChildID("INCIDENT_ID", "UPDATE_ID", func(cmd *cobra.Command, c *cachet.Client, inc, id int) error {
			if err := c.IncidentUpdates.Delete(cmd.Context(), inc, id); err != nil {
				return err
			}
			return e.deleted(id)
		}),
	}
}

func (e *env) templateCmd() *cobra.Command {
	cmd := resource("template", "Incident templates (read-only: they are written in the dashboard)",
		"templates", "incident-template", "incident-templates")
	list := &cobra.Command{
		Use:   "list",
		Short: "List incident templates",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(
		listCmd(e, list, templateKind, nil, false,
			func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.IncidentTemplate, error], error) {
				return c.IncidentTemplates.List(cmd.Context(), lo), nil
			}),
		getCmd(e, templateKind, "TEMPLATE_ID", "Show an incident template",
			func(ctx context.Context, c *cachet.Client, id int) (*cachet.IncidentTemplate, error) {
				return c.IncidentTemplates.Get(ctx, id)
			}),
	)
	return cmd
}
