package cachetcmd

import (
	"context"
	"iter"
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
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List maintenance windows",
		Args:  cobra.NoArgs,
	}
	sorts := []string{"id", "name", "status", "scheduled_at", "completed_at", "created_at", "updated_at"}
	return listCmd(e, cmd, scheduleKind, sorts, true,
		func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.Schedule, error], error) {
			return c.Schedules.List(cmd.Context(), lo), nil
		})
}

func (e *env) scheduleGet() *cobra.Command {
	return getCmd(e, scheduleKind, "SCHEDULE_ID", "Show a maintenance window",
		func(ctx context.Context, c *cachet.Client, id int) (*cachet.Schedule, error) {
			return c.Schedules.Get(ctx, id)
		})
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

// times reads --scheduled-at and --completed-at in loc, each nil when not
// given.
func (f *scheduleFields) times(cmd *cobra.Command, loc *time.Location) (scheduled, completed *time.Time, err error) {
	for _, t := range []struct {
		flag, value string
		dst         **time.Time
	}{
		{"scheduled-at", f.scheduledAt, &scheduled},
		{"completed-at", f.completedAt, &completed},
	} {
		if !cmd.Flags().Changed(t.flag) {
			continue
		}
		at, err := parseTime(t.flag, t.value, loc)
		if err != nil {
			return nil, nil, err
		}
		*t.dst = &at
	}
	return scheduled, completed, nil
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
		scheduled, completed, err := f.times(cmd, c.TimeZone())
		if err != nil {
			return err
		}
		in := cachet.ScheduleCreate{Name: f.name, Message: f.message, Status: f.status, Notify: notify, ScheduledAt: *scheduled}
		if completed != nil {
			in.CompletedAt = *completed
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
	cmd.RunE = e.runID("SCHEDULE_ID", func(cmd *cobra.Command, c *cachet.Client, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		scheduled, completed, err := f.times(cmd, c.TimeZone())
		if err != nil {
			return err
		}
		s, err := c.Schedules.Update(cmd.Context(), id, cachet.ScheduleChanges{
			Name:        changed(cmd, "name", f.name),
			Message:     changed(cmd, "message", f.message),
			Status:      changed(cmd, "status", f.status),
			ScheduledAt: scheduled,
			CompletedAt: completed,
		})
		if err != nil {
			return err
		}
		return e.show(c, scheduleKind, s)
	})
	return cmd
}

func (e *env) scheduleDelete() *cobra.Command {
	return deleteCmd(e, "SCHEDULE_ID", "Delete a maintenance window",
		func(ctx context.Context, c *cachet.Client, id int) error { return c.Schedules.Delete(ctx, id) })
}
