package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// startSpacestudio starts the spacestudio emulator. Its variables are the
// ones the Python package's .env holds, plus the token URL override the
// Go facade reads (the Python package's Keycloak URL is hard-coded).
func startSpacestudio(ctx context.Context, opts Options) (*Instance, error) {
	srvOpts := []spacestudiotest.Option{spacestudiotest.WithAddr(opts.Addr)}
	if opts.Now != nil {
		srvOpts = append(srvOpts, spacestudiotest.WithClock(opts.Now))
	}
	faults, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	srvOpts = append(srvOpts, spacestudiotest.WithFaultSeed(faults.seed))
	srv, err := spacestudiotest.Listen(srvOpts...)
	if err != nil {
		return nil, err
	}
	if opts.Seed {
		if err := seedSpacestudio(ctx, srv); err != nil {
			srv.Close()
			return nil, fmt.Errorf("spacestudio sandbox: seeding the demo data: %w", err)
		}
	}
	// After seeding: the demo data goes in whole, the faults hit the user.
	faults.apply(srv.Faults())
	return &Instance{
		Platform: "spacestudio",
		URL:      srv.URL,
		Env: []EnvVar{
			{Name: spacestudio.EnvBaseURL, Value: srv.URL},
			{Name: spacestudio.EnvMail, Value: srv.Mail},
			{Name: spacestudio.EnvPassword, Value: srv.Password},
			{Name: spacestudio.EnvClientID, Value: srv.ClientID},
			{Name: spacestudio.EnvTokenURL, Value: srv.TokenURL},
		},
		close: srv.Close,
	}, nil
}

// seedSpacestudio creates, through the facade as a user would, the objects
// of the Python package's orbital-transfer example: a thruster, a
// geometry, a battery, a spacecraft built from them, an orbit and a
// mission, computed once.
func seedSpacestudio(ctx context.Context, srv *spacestudiotest.Server) error {
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		return err
	}
	thruster, err := c.PropulsionSystems.Create(ctx, map[string]any{
		"name": "ExoMG-micro", "thrust": 0.014, "isp": 800, "power": 100, "standbyPower": 5,
		"warmUpDuration": 600, "warmUpPower": 40, "propellantCapacityChoice": "PROPELLANT",
		"propellantMass": 1.5, "totalMass": 4,
	})
	if err != nil {
		return err
	}
	geometry, err := c.SpacecraftGeometries.Create(ctx, map[string]any{
		"name": "12U box", "type": "BOX", "x": 0.2, "y": 0.2, "z": 0.3,
		"solarArrayType": "SOLAR_ARRAY_TYPE_DEPLOYABLE_FIXED", "solarArrayDefinitionType": "MAXIMUM_POWER",
		"solarArrayMaximumPower": 120, "solarArrayEfficiency": 0.3,
	})
	if err != nil {
		return err
	}
	battery, err := c.Batteries.Create(ctx, map[string]any{
		"name": "Li-ion 560", "nominalCapacity": 560, "depthOfDischarge": 0.3, "minimumChargeForFiring": 0.5,
	})
	if err != nil {
		return err
	}
	sat, err := c.Spacecraft.Create(ctx, map[string]any{
		"name": "Demo 12U", "platformMass": 20, "platformPower": 30, "onBoardAveragePower": 25, "dutyCycle": 0.5,
		"powerSystemDefined": true, "dragModelDefined": true, "dragCoefficient": 2.2,
		"thruster": thruster, "spacecraftGeometry": geometry, "batteryDefinition": battery,
	})
	if err != nil {
		return err
	}
	orbit, err := c.Orbits.Create(ctx, map[string]any{
		"name": "SSO 500 km", "type": "Circular", "sunSynchronousOrbit": true, "altitude": 500000,
		"ascendingNodeDefinitionType": "LTAN", "ltan": 43200, "orbitDateTime": "2024-01-01T00:00:00.000Z",
		"meanOscType": "MEAN",
	})
	if err != nil {
		return err
	}
	mission, err := c.SimulationMissions.Create(ctx, map[string]any{
		"name": "Raise to 550 km", "type": "Orbital Transfer", "spacecraft": sat, "initialOrbit": orbit,
		"propagationType": "NUMERICAL", "perturbations": []string{"EARTH_POTENTIAL", "DRAG"},
		"targetDefinition": "DELTA", "deltaSemiMajorAxis": 50000, "maximumDuration": 2592000,
		"ephemeridesStepInSeconds": 259200,
	})
	if err != nil {
		return err
	}
	// Computed once, so that status, results and file download have
	// something to show in a --sandbox invocation, which never sees what
	// an earlier one did.
	_, err = c.SimulationMissions.RunComputation(ctx, mission.ID, spacestudio.ComputeOptions{
		Wait: facade.WaitOptions{Interval: time.Millisecond, MaxInterval: time.Millisecond, Timeout: 10 * time.Second},
	})
	return err
}
