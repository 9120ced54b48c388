package rightscale_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// faultEnv is an emulator behind a counting front.
type faultEnv struct {
	srv   *rightscaletest.Server
	c     *rightscale.Client
	front *faulttest.Front
}

func newFaultEnv(t *testing.T, retries int, opts ...rightscaletest.Option) *faultEnv {
	t.Helper()
	e := &faultEnv{srv: rightscaletest.NewServer(opts...)}
	t.Cleanup(e.srv.Close)
	e.front = faulttest.NewFront(t, e.srv.Handler)
	c, err := rightscale.New(e.front.URL, e.srv.RefreshToken, facade.WithRetry(retries, time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func TestFaultsCreateDeploymentNeverRetried(t *testing.T) {
	const calls = 200
	e := newFaultEnv(t, 5, rightscaletest.WithFaultSeed(7))
	ctx := context.Background()
	before, err := e.c.Deployments.List(ctx, rightscale.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Faults only on the creates: a failed token exchange would be a
	// definite failure that proves nothing about POSTs.
	e.srv.Faults().SetRate(0.2,
		fault.Fault{Kind: fault.Status, Status: 500, Pattern: "POST /api/deployments"}, fault.Fault{Kind: fault.Status, Status: 503, Pattern: "POST /api/deployments"},
		fault.Fault{Kind: fault.RateLimit, Pattern: "POST /api/deployments"}, fault.Fault{Kind: fault.Reset, Pattern: "POST /api/deployments"},
		fault.Fault{Kind: fault.Truncate, Pattern: "POST /api/deployments"}, fault.Fault{Kind: fault.Malformed, Pattern: "POST /api/deployments"},
		fault.Fault{Kind: fault.HTML, Pattern: "POST /api/deployments"})
	tally := faulttest.CountCreates(calls, func(i int) error {
		_, err := e.c.Deployments.Create(ctx, rightscale.DeploymentCreate{Deployment: rightscale.DeploymentCreateParams{Name: fmt.Sprintf("d-%d", i)}})
		return err
	})
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	after, err := e.c.Deployments.List(ctx, rightscale.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created := len(after) - len(before)
	posts := e.front.Count("POST /api/deployments")
	tally.Check(t, faulttest.CreateFigures{Platform: "rightscale", Label: "rightscale deployment creates", What: "create deployment under 20% faults",
		Posts: posts, Created: created, Faults: faults, WantUnknown: true})
}

// postFaults is every kind of fault but Stall on the POSTs whose path
// starts with path.
func postFaults(path string) []fault.Fault {
	p := "POST " + path
	return []fault.Fault{
		{Kind: fault.Status, Status: 500, Pattern: p}, {Kind: fault.Status, Status: 502, Pattern: p},
		{Kind: fault.Status, Status: 503, Pattern: p}, {Kind: fault.Status, Status: 504, Pattern: p},
		{Kind: fault.RateLimit, Pattern: p}, {Kind: fault.Reset, Pattern: p}, {Kind: fault.Truncate, Pattern: p},
		{Kind: fault.Malformed, Pattern: p}, {Kind: fault.HTML, Pattern: p},
	}
}

// TestFaultsRunExecutableNeverRetried runs a RightScript 200 times under a
// 20% rate of every fault kind on run_executable. Its answer is a 202
// whose Location names the task: an answer without one (a proxy's page)
// may hide a task that did start, so it must match
// facade.ErrOutcomeUnknown, and the POST must never be sent twice.
func TestFaultsRunExecutableNeverRetried(t *testing.T) {
	const calls = 200
	e := newFaultEnv(t, 5, rightscaletest.WithDemoData(), rightscaletest.WithFaultSeed(11))
	ctx := context.Background()
	first, err := e.c.RunScriptOnServer(ctx, "Hello World", "haproxy", rightscale.Inputs{"GREETING": rightscale.Text("hi")})
	if err != nil {
		t.Fatal(err)
	}
	inst, _, ok := strings.Cut(first.Href, "/live/tasks/")
	script, err := e.c.RightScripts.FindHref(ctx, "Hello World")
	if !ok || err != nil {
		t.Fatalf("instance of %s, script: %v", first.Href, err)
	}
	tasksBefore, postsBefore := e.srv.Tasks(), e.front.Count("POST "+inst+"/run_executable")
	e.srv.Faults().SetRate(0.2, postFaults(inst+"/run_executable")...)
	tally := faulttest.CountCreates(calls, func(i int) error {
		task, err := e.c.RunExecutable(ctx, inst, rightscale.RunExecutable{RightScriptHref: script,
			Inputs: rightscale.Inputs{"GREETING": rightscale.Text(fmt.Sprintf("run %d", i))}})
		if err == nil && !strings.HasPrefix(task.Href, inst+"/live/tasks/") {
			t.Errorf("task href %q", task.Href)
		}
		return err
	})
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	tally.Check(t, faulttest.CreateFigures{Platform: "rightscale", Label: "rightscale run_executable", What: "run_executable under 20% faults",
		Posts: e.front.Count("POST "+inst+"/run_executable") - postsBefore, Created: e.srv.Tasks() - tasksBefore, Faults: faults, WantUnknown: true})
}

func TestFaultsTaskWait(t *testing.T) {
	e := newFaultEnv(t, 0, rightscaletest.WithDemoData(), rightscaletest.WithTaskPolls(15), rightscaletest.WithFaultSeed(3))
	ctx := context.Background()
	task, err := e.c.RunScriptOnServer(ctx, "Hello World", "haproxy", rightscale.Inputs{"GREETING": rightscale.Text("hi")})
	if err != nil {
		t.Fatal(err)
	}
	// No transport retries at all: the waiter alone rides the faults out.
	e.srv.Faults().SetRate(0.3, fault.Fault{Kind: fault.Status, Status: 503, Pattern: "GET "}, fault.Fault{Kind: fault.RateLimit, Pattern: "GET "},
		fault.Fault{Kind: fault.Reset, Pattern: "GET "}, fault.Fault{Kind: fault.Truncate, Pattern: "GET "},
		fault.Fault{Kind: fault.Malformed, Pattern: "GET "}, fault.Fault{Kind: fault.HTML, Pattern: "GET "})
	err = task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: 30 * time.Second}})
	faults := e.srv.Faults().Injected()
	if err != nil || task.State() != rightscale.TaskCompleted {
		t.Fatalf("wait under faults: %q, %v", task.Summary, err)
	}
	if faults == 0 {
		t.Fatal("no fault during the wait: the test proves nothing")
	}
	polls := e.front.Count("GET " + task.Href)
	t.Logf("rightscale task wait: %d polls, %d faults ridden out, %q", polls, faults, task.Summary)
	faulttest.Record(t, "rightscale", "wait task under 30% faults (no transport retries)", fmt.Sprintf("%d polls, %d faults ridden out, completed", polls, faults))

	// Cancellation mid-wait returns at once, not at the next interval.
	e.srv.Faults().SetRate(0)
	slow := newFaultEnv(t, 0, rightscaletest.WithDemoData(), rightscaletest.WithTaskPolls(1_000_000), rightscaletest.WithTaskStepTime(time.Hour))
	stask, err := slow.c.RunScriptOnServer(ctx, "Hello World", "haproxy", rightscale.Inputs{"GREETING": rightscale.Text("hi")})
	if err != nil {
		t.Fatal(err)
	}
	faulttest.CancelMidWait(t, "rightscale", "rightscale task wait", func(cctx context.Context) error {
		return stask.Wait(cctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Minute}})
	})
}
