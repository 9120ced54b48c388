package st2test_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// exampleWait polls quickly: the emulator moves executions on at every
// request.
var exampleWait = st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond, Timeout: time.Minute}}

// Register an action implemented in Go: the code under test runs it as it
// would run a real StackStorm action, and sees its output and result.
func ExampleWithActionHandler() {
	srv := st2test.NewServer(st2test.WithActionHandler("deploy.app", &st2test.Action{
		Description: "Deploy the app to an environment.",
		Parameters:  map[string]any{"env": map[string]any{"type": "string", "required": true}},
	}, func(ctx context.Context, p map[string]any) (any, error) {
		fmt.Fprintln(st2test.Stdout(ctx), "deploying to", p["env"])
		return map[string]any{"deployed": p["env"]}, nil
	}))
	defer srv.Close()

	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ex, err := c.Executions.RunAndWait(ctx, "deploy.app", map[string]any{"env": "staging"}, exampleWait)
	if err != nil {
		log.Fatal(err)
	}
	out, err := c.Executions.Output(ctx, ex.ID, st2.OutputStdout)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ex.Status, ex.Result["deployed"])
	fmt.Print(out)
	// Output:
	// succeeded staging
	// deploying to staging
}

// A Go action can fail: the error becomes a failed execution, which Wait
// reports as an *st2.ExecutionError.
func ExampleActionFunc_failure() {
	srv := st2test.NewServer(st2test.WithActionHandler("deploy.broken", &st2test.Action{}, func(ctx context.Context, _ map[string]any) (any, error) {
		return nil, fmt.Errorf("no space left on device")
	}))
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		log.Fatal(err)
	}
	ex, err := c.Executions.RunAndWait(context.Background(), "deploy.broken", nil, exampleWait)
	fmt.Println(ex.Status, err != nil)
	// Output: failed true
}

// The demo data has a rule on the "echo" webhook: posting to it runs
// core.echo, as a real st2 with that rule would.
func ExampleWithDemoData() {
	srv := st2test.NewServer(st2test.WithDemoData())
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Webhooks.Post(ctx, "echo", map[string]any{"message": "hi from a webhook"}, st2.PostOptions{}); err != nil {
		log.Fatal(err)
	}
	for e, err := range c.RuleEnforcements.List(ctx, st2.RuleEnforcementListOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		ex, err := c.Executions.Wait(ctx, e.ExecutionID, exampleWait)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Rule.Ref, ex.Action.Ref, ex.Result["stdout"])
	}
	// Output: examples.webhook_echo core.echo hi from a webhook
}

// Time only moves with the clock given to the server: a test decides
// when a long command finishes.
func ExampleWithClock() {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := func() time.Time { return clock }
	srv := st2test.NewServer(st2test.WithClock(now), st2test.WithTickInterval(0))
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ex, err := c.Executions.Run(ctx, "core.local", map[string]any{"cmd": "sleep 60"})
	if err != nil {
		log.Fatal(err)
	}
	ex, _ = c.Executions.Get(ctx, ex.ID)
	fmt.Println(ex.Status)
	clock = clock.Add(time.Minute) // the only goroutine touching clock
	srv.Tick()
	ex, _ = c.Executions.Get(ctx, ex.ID)
	fmt.Println(ex.Status, ex.EndTimestamp.Sub(ex.StartTimestamp))
	// Output:
	// running
	// succeeded 1m0s
}
