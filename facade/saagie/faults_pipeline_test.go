package saagie_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// faultPipeline starts an emulator with a two-job pipeline and a client
// without transport retries, so that only the waiter rides faults out.
func faultPipeline(t *testing.T, tl saagietest.Timeline) (*saagietest.Server, *saagie.Client, string) {
	t.Helper()
	srv := saagietest.NewServer(saagietest.WithFaultSeed(5), saagietest.WithTimeline(tl))
	t.Cleanup(srv.Close)
	var pipeline string
	srv.Seed(func(sd *saagietest.Seeder) {
		pid := sd.Project("faults", "")
		var jobs []string
		for _, name := range []string{"extract", "load"} {
			jobs = append(jobs, sd.Job(pid, saagietest.JobSpec{Name: name, CommandLine: "python {file}",
				Artifact: &saagietest.Upload{Filename: name + ".py", Data: []byte("print(1)\n")}}))
		}
		pipeline = sd.Pipeline(pid, "nightly", jobs...)
	})
	c, err := saagie.New(context.Background(), srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, pipeline
}

// TestFaultsPipelineWait is TestFaultsJobWait for pipeline instances: the
// waiter polls pipelineInstance (a GraphQL query) through 30% faults of
// every kind with the transport's retries off, and a cancelled wait
// returns at once.
func TestFaultsPipelineWait(t *testing.T) {
	srv, c, pipeline := faultPipeline(t, saagietest.Timeline{Requested: 100 * time.Millisecond, Queued: 100 * time.Millisecond, Running: 200 * time.Millisecond})
	ctx := context.Background()
	in, err := c.Pipelines.Run(ctx, pipeline)
	if err != nil {
		t.Fatal(err)
	}
	var mix []fault.Fault
	for _, k := range []fault.Kind{fault.Status, fault.RateLimit, fault.Reset, fault.Truncate, fault.Malformed, fault.HTML} {
		mix = append(mix, fault.Fault{Kind: k, Pattern: "POST /projects/api/platform/"})
	}
	srv.Faults().SetRate(0.3, mix...)
	polls := 0
	final, err := c.Pipelines.Wait(ctx, in.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: 30 * time.Second},
		Progress: func(saagie.InstanceStatus, time.Duration) { polls++ }})
	faults := srv.Faults().Injected()
	srv.Faults().SetRate(0)
	if err != nil || final.Status != saagie.StatusSucceeded {
		t.Fatalf("wait under faults: %v", err)
	}
	if faults == 0 {
		t.Fatal("no fault during the wait: the test proves nothing")
	}
	if polls < 2 {
		t.Fatalf("%d good polls: the instance was final at once, the wait proves nothing", polls)
	}
	t.Logf("saagie pipeline wait: %d good polls, %d faults ridden out, %s", polls, faults, final.Status)
	faulttest.Record(t, "saagie", "wait pipeline instance under 30% faults (no transport retries)", fmt.Sprintf("%d good polls, %d faults ridden out, %s", polls, faults, final.Status))

	// Cancellation mid-wait returns at once, not at the next interval.
	_, slowC, slowPipeline := faultPipeline(t, saagietest.Timeline{Requested: time.Hour})
	slow, err := slowC.Pipelines.Run(ctx, slowPipeline)
	if err != nil {
		t.Fatal(err)
	}
	faulttest.CancelMidWait(t, "saagie", "saagie pipeline wait", func(cctx context.Context) error {
		_, err := slowC.Pipelines.Wait(cctx, slow.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Minute}})
		return err
	})
}
