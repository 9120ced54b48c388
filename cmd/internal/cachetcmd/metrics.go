package cachetcmd

import (
	"context"
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

var metricKind = kind{
	plural:  "metrics",
	columns: []string{"id", "name", "suffix", "calc_type", "default_value", "threshold", "visible"},
	order:   []string{"id", "name", "suffix", "description", "calc_type", "default_value"},
}

var pointKind = kind{
	plural:  "metric points",
	columns: []string{"id", "value", "counter", "calculated_value", "created_at"},
	order:   []string{"id", "metric_id", "value", "counter", "calculated_value", "created_at"},
}

func (e *env) metricCmd() *cobra.Command {
	cmd := resource("metric", "Metrics: the charts of the status page", "metrics")
	cmd.AddCommand(e.metricList(), e.metricGet(), e.metricCreate(), e.metricUpdate(), e.metricDelete())
	return cmd
}

func (e *env) metricList() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List metrics",
		Args:  cobra.NoArgs,
	}
	sorts := []string{"id", "name", "display_chart", "default_value", "calc_type", "order", "visible"}
	return listCmd(e, cmd, metricKind, sorts, true,
		func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.Metric, error], error) {
			return c.Metrics.List(cmd.Context(), lo), nil
		})
}

func (e *env) metricGet() *cobra.Command {
	return getCmd(e, metricKind, "METRIC_ID", "Show a metric",
		func(ctx context.Context, c *cachet.Client, id int) (*cachet.Metric, error) {
			return c.Metrics.Get(ctx, id)
		})
}

// metricFields are the flags create and update share.
type metricFields struct {
	name, suffix, description        string
	defaultValue, places, order, thr int
	calcType                         cachet.MetricCalcType
	view                             cachet.MetricView
	visible                          cachet.Visibility
}

func (f *metricFields) add(cmd *cobra.Command, create bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "title of the chart")
	fs.StringVar(&f.suffix, "suffix", "", `unit shown after values, e.g. "ms"`)
	fs.StringVar(&f.description, "description", "", "description shown with the chart")
	fs.IntVar(&f.defaultValue, "default-value", 0, "value of time slots without points")
	enumVar(fs, &f.calcType, "calc-type", "calc", calcTypes, create, "how the points of a time slot combine")
	fs.Bool("display-chart", false, "show the chart (the default on create)")
	fs.Bool("hide-chart", false, "list the metric without its chart")
	// The server's defaults, shown in help on create only: an update
	// sends only the flags given.
	places, threshold := 0, 0
	if create {
		places, threshold = 2, 5
	}
	fs.IntVar(&f.places, "places", places, "decimal places shown, 0 to 4")
	enumVar(fs, &f.view, "default-view", "view", metricViews, create, "range the chart opens on")
	fs.IntVar(&f.thr, "threshold", threshold, "minutes within which equal values fold into one point; must divide 60")
	fs.IntVar(&f.order, "order", 0, "position on the page, lowest first")
	enumVar(fs, &f.visible, "visibility", "who", metricVisibilities, create, "who sees the chart")
}

func (e *env) metricCreate() *cobra.Command {
	f := metricFields{view: cachet.ViewLast12Hours, visible: cachet.VisibilityPublic}
	cmd := &cobra.Command{
		Use:     "create --name NAME --suffix UNIT [flags]",
		Short:   "Create a metric",
		Example: `  switchboard cachet metric create --name "API latency" --suffix ms --calc-type average`,
		Args:    cobra.NoArgs,
	}
	f.add(cmd, true)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		if err := requireFlags(cmd, "name", "suffix"); err != nil {
			return err
		}
		chart, err := boolPair(cmd, "display-chart", "hide-chart")
		if err != nil {
			return err
		}
		m, err := c.Metrics.Create(cmd.Context(), cachet.MetricCreate{
			Name: f.name, Suffix: f.suffix, Description: f.description, DefaultValue: f.defaultValue,
			CalcType: f.calcType, DisplayChart: chart, Places: &f.places, DefaultView: &f.view,
			Threshold: time.Duration(f.thr) * time.Minute, Order: f.order, Visible: &f.visible,
		})
		if err != nil {
			return err
		}
		return e.show(c, metricKind, m)
	})
	return cmd
}

func (e *env) metricUpdate() *cobra.Command {
	var f metricFields
	cmd := &cobra.Command{
		Use:   "update METRIC_ID [flags]",
		Short: "Change a metric; only the flags given are sent",
		Args:  cobra.ExactArgs(1),
	}
	f.add(cmd, false)
	cmd.RunE = e.runID("METRIC_ID", func(cmd *cobra.Command, c *cachet.Client, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		chart, err := boolPair(cmd, "display-chart", "hide-chart")
		if err != nil {
			return err
		}
		u := cachet.MetricChanges{
			Name:         changed(cmd, "name", f.name),
			Suffix:       changed(cmd, "suffix", f.suffix),
			Description:  changed(cmd, "description", f.description),
			DefaultValue: changed(cmd, "default-value", f.defaultValue),
			CalcType:     changed(cmd, "calc-type", f.calcType),
			DisplayChart: chart,
			Places:       changed(cmd, "places", f.places),
			DefaultView:  changed(cmd, "default-view", f.view),
			Threshold:    changed(cmd, "threshold", time.Duration(f.thr)*time.Minute),
			Order:        changed(cmd, "order", f.order),
			Visible:      changed(cmd, "visibility", f.visible),
		}
		m, err := c.Metrics.Update(cmd.Context(), id, u)
		if err != nil {
			return err
		}
		return e.show(c, metricKind, m)
	})
	return cmd
}

func (e *env) metricDelete() *cobra.Command {
	return deleteCmd(e, "METRIC_ID", "Delete a metric and its points",
		func(ctx context.Context, c *cachet.Client, id int) error { return c.Metrics.Delete(ctx, id) })
}

func (e *env) metricPointCmd() *cobra.Command {
	cmd := resource("metric-point", "Metric points: the values of a metric", "metric-points", "point", "points")
	cmd.AddCommand(e.pointList(), e.pointCreate(), e.pointUpdate(), e.pointDelete())
	return cmd
}

func (e *env) pointList() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list METRIC_ID",
		Short: "List the points of a metric, newest first",
		Args:  cobra.ExactArgs(1),
	}
	return listCmd(e, cmd, pointKind, nil, true,
		func(cmd *cobra.Command, c *cachet.Client, args []string, lo cachet.ListOptions) (iter.Seq2[cachet.MetricPoint, error], error) {
			id, err := parseID("METRIC_ID", args[0])
			if err != nil {
				return nil, err
			}
			return c.MetricPoints.List(cmd.Context(), id, lo), nil
		})
}

func (e *env) pointCreate() *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "create METRIC_ID VALUE",
		Short: "Add a value to a metric",
		Long: `Add a value to a metric. If the metric already has a point with the same
value within its threshold, the server counts that point up instead of
adding one, and shows it. Put a negative value after --, as in
"metric-point create 1 -- -5".`,
		Example: `  switchboard cachet metric-point create 1 120
  switchboard cachet metric-point create 1 95.5 --timestamp "2024-05-01 11:30"`,
		Args: cobra.ExactArgs(2),
	}
	cmd.Flags().StringVar(&at, "timestamp", "", `when the value was measured, "YYYY-MM-DD HH:MM" (default: now)`)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		id, err := parseID("METRIC_ID", args[0])
		if err != nil {
			return err
		}
		v, err := parseValue(args[1])
		if err != nil {
			return err
		}
		in := cachet.MetricPointCreate{Value: v}
		if at != "" {
			if in.Timestamp, err = parseTime("timestamp", at, c.TimeZone()); err != nil {
				return err
			}
		}
		p, err := c.MetricPoints.Create(cmd.Context(), id, in)
		if err != nil {
			return err
		}
		return e.show(c, pointKind, p)
	})
	return cmd
}

func (e *env) pointUpdate() *cobra.Command {
	var value, at string
	cmd := &cobra.Command{
		Use:   "update METRIC_ID POINT_ID [flags]",
		Short: "Change a metric point; only the flags given are sent",
		Args:  cobra.ExactArgs(2),
	}
	cmd.Flags().StringVar(&value, "value", "", "new value")
	cmd.Flags().StringVar(&at, "timestamp", "", `new time, "YYYY-MM-DD HH:MM"`)
	cmd.RunE = e.runChildID("METRIC_ID", "POINT_ID", func(cmd *cobra.Command, c *cachet.Client, metric, id int) error {
		if err := requireChanges(cmd); err != nil {
			return err
		}
		var u cachet.MetricPointChanges
		if cmd.Flags().Changed("value") {
			v, err := parseValue(value)
			if err != nil {
				return err
			}
			u.Value = &v
		}
		if cmd.Flags().Changed("timestamp") {
			t, err := parseTime("timestamp", at, c.TimeZone())
			if err != nil {
				return err
			}
			u.Timestamp = &t
		}
		p, err := c.MetricPoints.Update(cmd.Context(), metric, id, u)
		if err != nil {
			return err
		}
		return e.show(c, pointKind, p)
	})
	return cmd
}

func (e *env) pointDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete METRIC_ID POINT_ID",
		Short: "Delete a metric point",
		Args:  cobra.ExactArgs(2),
		RunE: e.runChildID("METRIC_ID", "POINT_ID", func(cmd *cobra.Command, c *cachet.Client, metric, id int) error {
			if err := c.MetricPoints.Delete(cmd.Context(), metric, id); err != nil {
				return err
			}
			return e.deleted(id)
		}),
	}
}

// parseValue reads a metric value.
func parseValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, app.Usagef("VALUE %q: want a number", s)
	}
	return v, nil
}
