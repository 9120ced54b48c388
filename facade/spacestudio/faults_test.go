package spacestudio_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// faultEnv is an emulator behind a counting front.
type faultEnv struct {
	srv   *spacestudiotest.Server
	c     *spacestudio.Client
	front *faulttest.Front
}

func newFaultEnv(t *testing.T, retries int, opts ...spacestudiotest.Option) *faultEnv {
	t.Helper()
	e := &faultEnv{srv: spacestudiotest.NewServer(opts...)}
	t.Cleanup(e.srv.Close)
	e.front = faulttest.NewFront(t, e.srv.Handler)
	c, err := spacestudio.Connect(context.Background(), e.front.URL, e.srv.Mail, e.srv.Password, e.srv.ClientID,
		spacestudio.WithTokenURL(e.srv.TokenURL),
		spacestudio.WithHTTPOptions(facade.WithRetry(retries, time.Millisecond, 200*time.Millisecond)))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func TestFaultsCreateOrbitNeverRetried(t *testing.T) {
	const calls = 200
	e := newFaultEnv(t, 5, spacestudiotest.WithFaultSeed(7))
	e.srv.Faults().SetRate(0.2) // every kind but Stall, on every request
	ctx := context.Background()
	tally := faulttest.CountCreates(calls, func(i int) error {
		_, err := e.c.Orbits.Create(ctx, map[string]any{
			"name": fmt.Sprintf("orbit %d", i), "type": "Circular", "altitude": 500000 + i,
		})
		return err
	})
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	created := 0
	for _, err := range e.c.Orbits.List(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		created++
	}
	posts := e.front.Matching(http.MethodPost, "orbitdefinitions")
	tally.Check(t, faulttest.CreateFigures{Platform: "spacestudio", Label: "spacestudio orbit creates", What: "create orbit under 20% faults",
		Posts: posts, Created: created, Faults: faults, WantUnknown: true})
}

// faultMission creates a simulation mission and what it refers to,
// without faults.
func faultMission(t *testing.T, c *spacestudio.Client) string {
	t.Helper()
	ctx := context.Background()
	orbit := check(c.Orbits.Create(ctx, map[string]any{"name": "o", "altitude": 7e5}))(t)
	sat := check(c.Spacecraft.Create(ctx, map[string]any{"name": "s"}))(t)
	return check(c.SimulationMissions.Create(ctx, map[string]any{"name": "m", "spacecraft": sat, "initialOrbit": orbit}))(t).ID
}

func TestFaultsWaitComputation(t *testing.T) {
	// Finished after 15 status polls: the waiter must get through them.
	e := newFaultEnv(t, 0, spacestudiotest.WithFaultSeed(3), spacestudiotest.WithCompute(15, time.Hour))
	ctx := context.Background()
	id := faultMission(t, e.c)
	if err := e.c.SimulationMissions.Compute(ctx, id); err != nil {
		t.Fatal(err)
	}
	getsBefore := e.front.Matching(http.MethodGet, id)
	// No transport retries at all: the waiter alone rides the faults out.
	e.srv.Faults().SetRate(0.3, fault.Fault{Kind: fault.Status, Status: 503}, fault.Fault{Kind: fault.RateLimit},
		fault.Fault{Kind: fault.Reset}, fault.Fault{Kind: fault.Truncate}, fault.Fault{Kind: fault.Malformed}, fault.Fault{Kind: fault.HTML})
	st, err := e.c.SimulationMissions.Wait(ctx, id, spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: 30 * time.Second}})
	faults := e.srv.Faults().Injected()
	polls := e.front.Matching(http.MethodGet, id) - getsBefore
	if err != nil || !st.Finished() {
		t.Fatalf("wait under faults: %v, %v", st, err)
	}
	if faults == 0 {
		t.Fatal("no fault during the wait: the test proves nothing")
	}
	t.Logf("spacestudio wait: %d polls, %d faults ridden out", polls, faults)
	faulttest.Record(t, "spacestudio", "wait computation under 30% faults (no transport retries)", fmt.Sprintf("%d polls, %d faults ridden out, finished", polls, faults))

	// Cancellation mid-wait returns at once, not at the next interval.
	e.srv.Faults().SetRate(0)
	slow := newFaultEnv(t, 0, spacestudiotest.WithCompute(1_000_000, time.Hour))
	sid := faultMission(t, slow.c)
	if err := slow.c.SimulationMissions.Compute(ctx, sid); err != nil {
		t.Fatal(err)
	}
	faulttest.CancelMidWait(t, "spacestudio", "spacestudio wait", func(cctx context.Context) error {
		_, err := slow.c.SimulationMissions.Wait(cctx, sid, spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Minute}})
		return err
	})
}
