package spacestudio_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

func newMission(t *testing.T, c *spacestudio.Client, body map[string]any) *spacestudio.Object {
	t.Helper()
	return check(c.SimulationMissions.Create(context.Background(), body))(t)
}

func TestWaitFinished(t *testing.T) {
	_, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(4, 0)})
	ctx := context.Background()
	orbit := check(c.Orbits.Create(ctx, map[string]any{"name": "o", "altitude": 7e5}))(t)
	sat := check(c.Spacecraft.Create(ctx, map[string]any{"name": "s"}))(t)
	m := newMission(t, c, map[string]any{"name": "m", "spacecraft": sat, "initialOrbit": orbit})
	if err := c.SimulationMissions.Compute(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	var seen []string
	st, err := c.SimulationMissions.Wait(ctx, m.ID, spacestudio.ComputeOptions{
		Wait:     facade.WaitOptions{Interval: time.Millisecond},
		Progress: func(s spacestudio.Status) { seen = append(seen, s.String()) },
	})
	if err != nil || !st.Finished() {
		t.Fatalf("%v, %v", st, err)
	}
	if want := []string{"pending", "33", "66", "finished"}; len(seen) != 4 || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] || seen[3] != want[3] {
		t.Fatalf("progress %v, want %v", seen, want)
	}
}

// A finished computation whose result document lists errors is a
// *ComputationError, with the results beside it.
func TestRunComputationFailed(t *testing.T) {
	_, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(1, 0)})
	m := newMission(t, c, map[string]any{"name": "incomplete"})
	res, err := c.SimulationMissions.RunComputation(context.Background(), m.ID, spacestudio.ComputeOptions{})
	var ce *spacestudio.ComputationError
	if !errors.As(err, &ce) || len(ce.Messages) != 2 || ce.MissionID != m.ID || res == nil || len(res.Errors) != 2 {
		t.Fatalf("got %v, %+v", err, res)
	}
}

func TestWaitTimeout(t *testing.T) {
	_, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(1000000, 0)})
	m := newMission(t, c, map[string]any{"name": "long"})
	ctx := context.Background()
	if err := c.SimulationMissions.Compute(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	_, err := c.SimulationMissions.Wait(ctx, m.ID, spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond, Timeout: 50 * time.Millisecond}})
	var we *facade.WaitTimeoutError
	if !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) || we.ID != m.ID || we.LastState == "" {
		t.Fatalf("got %v", err)
	}
}

func TestWaitCancel(t *testing.T) {
	_, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(1000000, 0)})
	m := newMission(t, c, map[string]any{"name": "long"})
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.SimulationMissions.Compute(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	polls := 0
	_, err := c.SimulationMissions.Wait(ctx, m.ID, spacestudio.ComputeOptions{
		Wait: facade.WaitOptions{Interval: time.Millisecond},
		Progress: func(spacestudio.Status) {
			if polls++; polls == 3 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

// Transient failures are ridden out; a 404 (unknown or never computed
// mission) ends the wait at once, where the Python loop spins forever.
func TestWaitErrors(t *testing.T) {
	srv, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(2, 0)})
	ctx := context.Background()
	opts := spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond, Timeout: 10 * time.Second}}
	if _, err := c.SimulationMissions.Wait(ctx, "unknown", opts); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown mission: %v", err)
	}
	m := newMission(t, c, map[string]any{"name": "never computed"})
	if _, err := c.SimulationMissions.Wait(ctx, m.ID, opts); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("never computed: %v", err)
	}
	if err := c.SimulationMissions.Compute(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(2, 503, "GET /exoops/users/"+srv.UserID+"/simulationrequests/status/")
	if _, err := c.SimulationMissions.Wait(ctx, m.ID, opts); err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
}
