//go:build live

package spacestudio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
)

// TestLive runs the Python package's basic cycle against the spacestudio
// named by LOG_BASE_URL, LOG_MAIL, LOG_PASSWORD and CLIENT_ID (and
// SPACESTUDIO_TOKEN_URL for an emulator): log in, create a thruster, a
// spacecraft and an orbit, a mission embedding them, compute it, read its
// results, and delete what it created. It reads no .env file.
func TestLive(t *testing.T) {
	for _, k := range []string{spacestudio.EnvBaseURL, spacestudio.EnvMail, spacestudio.EnvPassword, spacestudio.EnvClientID} {
		if os.Getenv(k) == "" {
			t.Skipf("%s is not set: this test needs a spacestudio account (or `switchboard sandbox serve spacestudio`)", k)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c, err := spacestudio.ConnectFromEnv(ctx, spacestudio.WithEnvFile(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("user %s", c.UserID())
	suffix := fmt.Sprintf(" switchboard-live %d", time.Now().UnixNano())
	var cleanup []func()
	defer func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}()
	create := func(m *spacestudio.Objects, body map[string]any) *spacestudio.Object {
		t.Helper()
		body["name"] = body["name"].(string) + suffix
		o, err := m.Create(ctx, body)
		if err != nil {
			t.Fatalf("create in %s: %v", m.Collection().Path, err)
		}
		cleanup = append(cleanup, func() {
			if err := m.Delete(context.Background(), o.ID); err != nil {
				t.Errorf("cleanup %s %s: %v", m.Collection().Path, o.ID, err)
			}
		})
		return o
	}
	thruster := create(c.PropulsionSystems, map[string]any{"name": "thruster", "thrust": 0.014, "isp": 800,
		"power": 100, "standbyPower": 5, "propellantCapacityChoice": "PROPELLANT", "propellantMass": 1.5, "totalMass": 4})
	sat := create(c.Spacecraft, map[string]any{"name": "sat", "platformMass": 20, "platformPower": 30,
		"dragModelDefined": false, "thruster": thruster})
	orbit := create(c.Orbits, map[string]any{"name": "orbit", "type": "Circular", "altitude": 500000,
		"inclination": 1.7, "orbitDateTime": "2024-01-01T00:00:00.000Z"})
	if _, err := c.Orbits.Create(ctx, map[string]any{"name": orbit.Name}); !errors.Is(err, facade.ErrConflict) {
		t.Errorf("a taken name: %v", err)
	}
	// A whole-object update, as the Python package's modify_* sends it.
	orbit.Fields["altitude"] = json.RawMessage("510000")
	up, err := c.Orbits.Update(ctx, orbit.ID, orbit)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	var alt float64
	if _, err := up.Get("altitude", &alt); err != nil || alt != 510000 || up.ID != orbit.ID {
		t.Errorf("updated orbit %s: altitude %v, %v", up.ID, alt, err)
	}
	orbit = up
	mission := create(c.SimulationMissions.Objects, map[string]any{"name": "transfer", "type": "Orbital Transfer",
		"spacecraft": sat, "initialOrbit": orbit, "propagationType": "NUMERICAL", "targetDefinition": "DELTA",
		"deltaSemiMajorAxis": 10000, "maximumDuration": 86400})
	found, err := c.SimulationMissions.FindByName(ctx, mission.DisplayedName)
	if err != nil || found.ID != mission.ID {
		t.Fatalf("find by name: %v", err)
	}
	res, err := c.SimulationMissions.RunComputation(ctx, mission.ID, spacestudio.ComputeOptions{
		Wait:     facade.WaitOptions{Interval: 200 * time.Millisecond, Timeout: 5 * time.Minute},
		Progress: func(s spacestudio.Status) { t.Logf("status %s", s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) == 0 {
		t.Fatal("no results")
	}
	var buf bytes.Buffer
	if _, err := c.SimulationMissions.WriteResults(ctx, mission.ID, &buf); err != nil || buf.Len() == 0 {
		t.Fatalf("write results: %v", err)
	}
}
