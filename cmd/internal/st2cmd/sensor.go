package st2cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/st2"
)

// sensors is st2's Sensor resource (/sensortypes).
var sensors = resource{
	display:  "Sensor",
	plural:   "sensors",
	columns:  []string{"ref", "pack", "description", "enabled"},
	getOrder: []string{"id", "uid", "ref", "pack", "name", "enabled", "entry_point", "artifact_uri", "trigger_types"},
}

var sensorTyped = writableOf(sensors, st2.RawSensors,
	func(c *st2.Client) crud[st2.SensorType] { return c.Sensors },
	func(v st2.SensorType) string { return v.ID })

// SensorCmd is `st2 sensor`: list, get, enable and disable.
func (e *Env) SensorCmd() *cobra.Command {
	cmd := group("sensor", "Browse, enable and disable sensors", "sensors")
	cmd.AddCommand(
		e.sensorListCmd(),
		e.getCmd(sensors, "ref-or-id", `  switchboard --sandbox st2 sensor get linux.FileWatchSensor`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Sensors.Get(ctx, id)
				return err
			}),
		e.enableCmd(sensorTyped, true, `  switchboard --sandbox st2 sensor enable linux.FileWatchSensor`),
		e.enableCmd(sensorTyped, false, `  switchboard --sandbox st2 sensor disable linux.FileWatchSensor`),
	)
	return cmd
}

func (e *Env) sensorListCmd() *cobra.Command {
	var pack string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List sensors",
		Example: `  switchboard --sandbox st2 sensor list
  switchboard --sandbox st2 sensor list -p linux -a ref trigger_types`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := e.printer()
			q := st2.SensorListOptions{Pack: str(pack), IncludeAttributes: include(p, sensors.columns)}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(sensors, p, listOpts{}, func() (int, error) {
				page, err := c.Sensors.Page(cmd.Context(), q, 0, 0)
				return page.Total, err
			})
		},
	}
	cmd.Flags().StringVarP(&pack, "pack", "p", "", "only sensors of this pack")
	return cmd
}
