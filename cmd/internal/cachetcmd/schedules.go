package cachetcmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

var scheduleKind = kind{
	plural:  "schedules",
	columns: []string{"id", "name", "human_status", "scheduled_at", "completed_at"},
	order:   []string{"id", "name", "status", "human_status", "message", "scheduled_at", "completed_at"},
}

func (e *env) scheduleCmd() *cobra.Command {
	cmd := resource("schedule", "Schedules: maintenance windows (Cachet 2.4)", "schedules", "maintenance")
	cmd.AddCommand(e.scheduleList(), e.scheduleGet(), e.scheduleCreate(), e.scheduleUpdate(), e.scheduleDelete())
	return cmd
}

func (e *env) scheduleList() *cobra.Command {
	var l listFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List maintenance windows",
		Args:  cobra.NoArgs,
	}
	addListFlags(cmd, &l, []string{"id", "name", "status", "scheduled_at", "completed_at", "created_at", "updated_at"}, true)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		lo, err := l.options()
		if err != nil {
			return err
		}
		return showList(e, c, scheduleKind, l.limit, c.Schedules.List(cmd.Context(), lo))
	})
	return cmd
}

func (e *env) scheduleGet() *cobra.Command {
	return &cobra.Command{
		Use:   "get SCHEDULE_ID",
		Short: "Show a maintenance window",
		Args:  cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
			id, err := parseID("SCHEDULE_ID", args[0])
			if err != nil {
				return err
			}
			s, err := c.Schedules.Get(cmd.Context(), id)
			if err != nil {
				return err
			}
			return e.show(c, scheduleKind, s)
		}),
	}
}

// scheduleFields are the flags create and update share.
type scheduleFields struct {
	name, message, scheduledAt, completedAt string
	status                                  cachet.ScheduleStatus
}

func (f *scheduleFields) add(cmd *cobra.Command, create bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "title of the window")
	fs.StringVar(&f.message, "message", "", "message, in Markdown")
	enumVar(fs, &f.status, "status", "status", scheduleStatuses, create,
		"stage of the window (Cachet never moves it on by itself)")
	fs.StringVar(&f.scheduledAt, "scheduled-at", "", `start, "YYYY-MM-DD HH:MM"`)
	fs.StringVar(&f.completedAt, "completed-at", "", `end, "YYYY-MM-DD HH:MM"`)
}

func (e *env) scheduleCreate() *cobra.Command {
	var (
		f      scheduleFields
		notify bool
	)
	cmd := &cobra.Command{
		Use:   "create --name NAME --scheduled-at TIME [flags]",
		Short: "Schedule a maintenance window",
		Example: `  switchboard cachet schedule create --name "Database upgrade" \
      --scheduled-at "2024-06-01 22:00" --completed-at "2024-06-01 23:00"`,
		Args: cobra.NoArgs,
	}
	f.add(cmd, true)
	cmd.Flags().BoolVar(&notify, "notify", false, "email the subscribers")
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		if err := requireFlags(cmd, "name", "scheduled-at"); err != nil {
			return err
		}
		in := cachet.ScheduleCreate{Name: f.name, Message: f.message, Status: f.status, Notify: notify}
		var err error
		if in.ScheduledAt, err = parseTime("scheduled-at", f.scheduledAt, c.TimeZone()); err != nil {
			return err
		}
		if f.completedAt != "" {
			if in.CompletedAt, err = parseTime("completed-at", f.completedAt, c.TimeZone()); err != nil {
				return err
			}
		}
		s, err := c.Schedules.Create(cmd.Context(), in)
		if err != nil {
			return err
		}
		return e.show(c, scheduleKind, s)
	})
	return cmd
}

func (e *env) scheduleUpdate() *cobra.Command {
	var f scheduleFields
	cmd := &cobra.Command{
		Use:     "update SCHEDULE_ID [flags]",
		Short:   "Change a maintenance window; only the flags given are sent",
		Example: `  switchboard cachet schedule update 1 --status in-progress`,
		Args:    cobra.ExactArgs(1),
	}
	f.add(cmd, false)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		id, err := parseID("SCHEDULE_ID", args[0])
		if err != nil {
			return err
		}
		if err := requireChanges(cmd); err != nil {
			return err
		}
		u := cachet.ScheduleChanges{
			Name:    changed(cmd, "name", f.name),
			Message: changed(cmd, "message", f.message),
			Status:  changed(cmd, "status", f.status),
		}
		for _, t := range []struct {
			flag, value string
			dst         **time.Time
		}{
			{"scheduled-at", f.scheduledAt, &u.ScheduledAt},
			{"completed-at", f.completedAt, &u.CompletedAt},
		} {
			if !cmd.Flags().Changed(t.flag) {
				continue
			}
			at, err := parseTime(t.flag, t.value, c.TimeZone())
			if err != nil {
				return err
			}
			*t.dst = &at
		}
		s, err := c.Schedules.Update(cmd.Context(), id, u)
		if err != nil {
			return err
		}
		return e.show(c, scheduleKind, s)
	})
	return cmd
}

func (e *env) scheduleDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete SCHEDULE_ID",
		Short: "Delete a maintenance window",
		Args:  cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
			id, err := parseID("SCHEDULE_ID", args[0])
			if err != nil {
				return err
			}
			if err := c.Schedules.Delete(cmd.Context(), id); err != nil {
				return err
			}
			return e.deleted(id)
		}),
	}
}
