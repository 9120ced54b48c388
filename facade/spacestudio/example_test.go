package spacestudio_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
	"github.com/switchboard-go/switchboard/gen/spacestudioapi"
)

// The whole cycle of the Python package's examples: log in, create a
// propulsion system, a spacecraft around it and an orbit, a mission
// embedding them, compute it and read its results.
func Example() {
	srv := spacestudiotest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID,
		spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		fmt.Println(err)
		return
	}
	thruster, err := c.PropulsionSystems.Create(ctx, spacestudioapi.PropulsionSystemDefinition{
		Name: new("ExoMG-nano"), Thrust: new(0.014), Isp: new(800.0), Power: new(60.0), TotalMass: new(2.5),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sat, err := c.Spacecraft.Create(ctx, map[string]any{
		"name": "Demo sat", "platformMass": 20, "thruster": thruster, // the whole object, not its id
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	orbit, err := c.Orbits.Create(ctx, spacestudioapi.OrbitDefinition{
		Name: new("SSO 500 km"), Type: new("Circular"), Altitude: new(500e3), Inclination: new(1.7),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mission, err := c.SimulationMissions.Create(ctx, map[string]any{
		"name": "Raise to 550 km", "type": "Orbital Transfer", "spacecraft": sat, "initialOrbit": orbit,
		"targetDefinition": "DELTA", "deltaSemiMajorAxis": 50e3, "maximumDuration": 30 * 86400,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := c.SimulationMissions.RunComputation(ctx, mission.ID, spacestudio.ComputeOptions{
		Wait: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var out struct {
		FinalOrbit struct {
			Altitude float64 `json:"altitude"`
		} `json:"finalOrbit"`
	}
	if err := res.Decode(&out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("final altitude: %.0f km\n", out.FinalOrbit.Altitude/1000)

	// Names are unique per collection.
	_, err = c.Orbits.Create(ctx, map[string]any{"name": "SSO 500 km"})
	fmt.Println("name taken:", errors.Is(err, facade.ErrConflict))
	// Output:
	// final altitude: 550 km
	// name taken: true
}

// Results and files stream to any io.Writer.
func ExampleFiles_DownloadCSV() {
	srv := spacestudiotest.NewServer(spacestudiotest.WithCompute(1, 0))
	defer srv.Close()
	ctx := context.Background()
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		fmt.Println(err)
		return
	}
	orbit, _ := c.Orbits.Create(ctx, map[string]any{"name": "LEO", "altitude": 400e3})
	sat, _ := c.Spacecraft.Create(ctx, map[string]any{"name": "Sat"})
	m, _ := c.SimulationMissions.Create(ctx, map[string]any{
		"name": "Drift", "spacecraft": sat, "initialOrbit": orbit, "maximumDuration": 100, "ephemeridesStepInSeconds": 50,
	})
	if _, err := c.SimulationMissions.RunComputation(ctx, m.ID, spacestudio.ComputeOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	m, _ = c.SimulationMissions.Get(ctx, m.ID)
	// The emulator names its files after the computation log; the real
	// server's naming is not confirmed.
	if _, err := c.Files.DownloadCSV(ctx, spacestudiotest.FileName(m.ComputationLogID), os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// simulationDuration,keplerianSma,keplerianAltitude,totalConsumption
	// 0,6.778137e+06,400000,0
	// 50,6.778137e+06,400000,0
	// 100,6.778137e+06,400000,0
}

// ConnectFromEnv reads the Python package's variables, from the
// environment or a .env file.
func ExampleConnectFromEnv() {
	srv := spacestudiotest.NewServer()
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "spacestudio")
	defer os.RemoveAll(dir)
	env := dir + "/.env"
	_ = os.WriteFile(env, []byte(strings.Join([]string{
		"LOG_BASE_URL=" + srv.URL,
		"LOG_MAIL=" + srv.Mail,
		"LOG_PASSWORD=" + srv.Password,
		"CLIENT_ID=" + srv.ClientID,
		"SPACESTUDIO_TOKEN_URL=" + srv.TokenURL,
	}, "\n")), 0o600)

	c, err := spacestudio.ConnectFromEnv(context.Background(), spacestudio.WithEnvFile(env))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.UserID() == srv.UserID)
	// Output: true
}

// RunComputation with a progress callback and a timeout: the wait ends
// at the timeout with a *facade.WaitTimeoutError, where the Python loop
// would poll forever.
func ExampleMissions_RunComputation() {
	srv := spacestudiotest.NewServer(spacestudiotest.WithCompute(3, 0))
	defer srv.Close()
	ctx := context.Background()
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		fmt.Println(err)
		return
	}
	orbit, _ := c.Orbits.Create(ctx, map[string]any{"name": "LEO", "altitude": 400e3})
	sat, _ := c.Spacecraft.Create(ctx, map[string]any{"name": "Sat"})
	m, _ := c.SimulationMissions.Create(ctx, map[string]any{"name": "Drift", "spacecraft": sat, "initialOrbit": orbit})

	res, err := c.SimulationMissions.RunComputation(ctx, m.ID, spacestudio.ComputeOptions{
		Wait:     facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: time.Minute},
		Progress: func(s spacestudio.Status) { fmt.Println("status:", s) },
	})
	var timeout *facade.WaitTimeoutError
	var failed *spacestudio.ComputationError
	switch {
	case errors.As(err, &timeout):
		fmt.Println("still", timeout.LastState, "after", timeout.Elapsed)
	case errors.As(err, &failed):
		fmt.Println("failed:", failed.Messages)
	case err != nil:
		fmt.Println(err)
	default:
		eph, _ := res.Ephemerides()
		alt, _ := eph.Column("keplerianAltitude")
		fmt.Println(len(alt), "time steps")
	}
	// Output:
	// status: pending
	// status: 50
	// status: finished
	// 11 time steps
}

// Find by name lists the collection and matches displayedName: the
// server has no filter. A missing name is a *NotFoundError.
func ExampleObjects_FindByName() {
	srv := spacestudiotest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = c.Orbits.Create(ctx, map[string]any{"name": "LEO", "altitude": 400e3})
	o, err := c.Orbits.FindByName(ctx, "LEO")
	if err != nil {
		fmt.Println(err)
		return
	}
	var altitude float64
	_, _ = o.Get("altitude", &altitude)
	fmt.Println(o.DisplayedName, altitude)

	_, err = c.Orbits.FindByName(ctx, "GEO")
	fmt.Println(errors.Is(err, facade.ErrNotFound), err)
	// Output:
	// LEO 400000
	// true spacestudio: orbitdefinitions: no object named "GEO"
}
