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

// faultJob starts an emulator with one job and a client without transport
// retries, so that only the waiter rides faults out.
func faultJob(t *testing.T, tl saagietest.Timeline) (*saagietest.Server, *saagie.Client, string) {
	t.Helper()
	srv := saagietest.NewServer(saagietest.WithFaultSeed(3), saagietest.WithTimeline(tl))
	t.Cleanup(srv.Close)
	var job string
	srv.Seed(func(sd *saagietest.Seeder) {
		pid := sd.Project("faults", "")
		job = sd.Job(pid, saagietest.JobSpec{Name: "etl", CommandLine: "python {file}",
			Artifact: &saagietest.Upload{Filename: "etl.py", Data: []byte("print(1)\n")}})
	})
	c, err := saagie.New(context.Background(), srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, job
}

func TestFaultsJobWait(t *testing.T) {
	srv, c, job := faultJob(t, saagietest.Timeline{Requested: 100 * time.Millisecond, Queued: 100 * time.Millisecond, Running: 200 * time.Millisecond})
	ctx := context.Background()
	in, err := c.Jobs.Run(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	// Every kind a status poll can meet, on the GraphQL endpoint only (the
	// login is not what this test is about).
	var mix []fault.Fault
	for _, k := range []fault.Kind{fault.Status, fault.RateLimit, fault.Reset, fault.Truncate, fault.Malformed, fault.HTML} {
		mix = append(mix, fault.Fault{Kind: k, Pattern: "POST /projects/api/platform/"})
	}
	srv.Faults().SetRate(0.3, mix...)
	polls := 0
	final, err := c.Jobs.Wait(ctx, in.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: 30 * time.Second},
		Progress: func(saagie.InstanceStatus, time.Duration) { polls++ }})
	faults := srv.Faults().Injected()
	if err != nil || final.Status != saagie.StatusSucceeded {
		t.Fatalf("wait under faults: %v", err)
	}
	if faults == 0 {
		t.Fatal("no fault during the wait: the test proves nothing")
	}
	t.Logf("saagie job wait: %d good polls, %d faults ridden out, %s", polls, faults, final.Status)
	faulttest.Record(t, "saagie", "wait job instance under 30% faults (no transport retries)", fmt.Sprintf("%d good polls, %d faults ridden out, %s", polls, faults, final.Status))

	// Cancellation mid-wait returns at once, not at the next interval.
	_, slowC, slowJob := faultJob(t, saagietest.Timeline{Requested: time.Hour})
	slow, err := slowC.Jobs.Run(ctx, slowJob)
	if err != nil {
		t.Fatal(err)
	}
	faulttest.CancelMidWait(t, "saagie", "saagie job wait", func(cctx context.Context) error {
		_, err := slowC.Jobs.Wait(cctx, slow.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Minute}})
		return err
	})
}
