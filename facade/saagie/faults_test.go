package saagie_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
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
	record(t, "saagie", "wait job instance under 30% faults (no transport retries)", fmt.Sprintf("%d good polls, %d faults ridden out, %s", polls, faults, final.Status))

	// Cancellation mid-wait returns at once, not at the next interval.
	_, slowC, slowJob := faultJob(t, saagietest.Timeline{Requested: time.Hour})
	slow, err := slowC.Jobs.Run(ctx, slowJob)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = slowC.Jobs.Wait(cctx, slow.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Minute}})
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) || took > 2*time.Second {
		t.Errorf("cancelled wait: %v after %v, want context.Canceled at once", err, took)
	}
	t.Logf("saagie job wait cancelled after 100ms returned in %v", took.Round(time.Millisecond))
	record(t, "saagie", "wait cancelled mid-interval (interval 1 min)", fmt.Sprintf("returned context.Canceled after %v", took.Round(10*time.Millisecond)))
}

// record writes one row of the resilience table into the directory named
// by SWITCHBOARD_RESILIENCE_OUT, when set (the figures of RESILIENCE.md);
// the t.Logf lines carry the same figures in every run.
func record(t *testing.T, platform, what, figure string) {
	t.Helper()
	dir := os.Getenv("SWITCHBOARD_RESILIENCE_OUT")
	if dir == "" {
		return
	}
	row := fmt.Sprintf("| %s | %s | `%s` | %s |\n", platform, what, t.Name(), figure)
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(what))
	name := filepath.Join(dir, platform+"-"+strings.ReplaceAll(t.Name(), "/", "_")+"-"+slug+".row")
	if err := os.WriteFile(name, []byte(row), 0o644); err != nil {
		t.Errorf("recording the figures: %v", err)
	}
}
