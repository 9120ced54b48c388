package rightscale_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// The emulator stands for an account on a shard: srv.URL is what
// RIGHTSCALE_API_ENDPOINT would hold, srv.RefreshToken the token.
func Example() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithTaskPolls(1))
	defer srv.Close()
	ctx := context.Background()

	c, err := rightscale.New(srv.URL, srv.RefreshToken)
	if err != nil {
		log.Fatal(err)
	}
	insts, err := c.ListInstances(ctx, "EC2 us-east-1", rightscale.ListInstancesOptions{Deployment: "production", View: "default"})
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range insts {
		fmt.Println(in.Name, in.State)
	}
	task, err := c.RunScriptOnServer(ctx, "Hello World", "haproxy", rightscale.Inputs{"GREETING": rightscale.Text("hi")})
	if err != nil {
		log.Fatal(err)
	}
	if err := task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond}}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Summary)
	// Output:
	// haproxy operational
	// web operational
	// web-array #1 operational
	// web-array #2 operational
	// completed: Hello World
}

// A failed script is an error carrying RightScale's summary.
func ExampleTask_Wait() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithTaskPolls(1))
	defer srv.Close()
	ctx := context.Background()
	c, _ := rightscale.New(srv.URL, srv.RefreshToken)

	task, err := c.RunScriptOnServer(ctx, "Check disk space", "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	err = task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond}})
	var failed *rightscale.TaskFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.State, failed.Summary)
	}
	// Output:
	// failed failed: Check disk space
}

// The server's name filter matches substrings; FindByName keeps the exact
// name, as python-rightscale's find_by_name does.
func ExampleCollection_FindByName() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData())
	defer srv.Close()
	ctx := context.Background()
	c, _ := rightscale.New(srv.URL, srv.RefreshToken)

	partial, _ := c.Servers.Search(ctx, "web")
	exact, _ := c.Servers.FindByName(ctx, "web")
	fmt.Println(len(partial), exact.Name)
	// Output:
	// 2 web
}

// GetByPath walks names and collections from the API root.
func ExampleClient_GetByPath() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData())
	defer srv.Close()
	c, _ := rightscale.New(srv.URL, srv.RefreshToken)

	res, err := c.GetByPath(context.Background(), "deployments:production:servers:haproxy")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Items[0].Name)
	// Output:
	// haproxy
}

// Filters are ANDed; name matches a substring, ignoring case, while state
// matches exactly. The view decides how much of each instance comes back.
func ExampleCollection_Index() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData())
	defer srv.Close()
	ctx := context.Background()
	c, _ := rightscale.New(srv.URL, srv.RefreshToken)

	cloud, err := c.Clouds.FindHref(ctx, "EC2 us-east-1")
	if err != nil {
		log.Fatal(err)
	}
	opts := rightscale.IndexOptions{
		Filters: []rightscale.Filter{rightscale.Eq("name", "WEB-ARRAY"), rightscale.Eq("state", "operational")},
		View:    "default",
	}
	for inst, err := range c.Instances(cloud).Index(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(inst.Name, inst.State)
	}
	// Output:
	// web-array #1 operational
	// web-array #2 operational
}

// The same script on every instance of a server array, followed through
// one array-level task.
func ExampleClient_RunScriptOnServerArray() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithTaskPolls(1))
	defer srv.Close()
	ctx := context.Background()
	c, _ := rightscale.New(srv.URL, srv.RefreshToken)

	task, err := c.RunScriptOnServerArray(ctx, "Hello World", "web-array", rightscale.Inputs{"GREETING": rightscale.Text("hi all")})
	if err != nil {
		log.Fatal(err)
	}
	err = task.Wait(ctx, rightscale.TaskWaitOptions{
		WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond},
		Progress:    func(summary string) { fmt.Println("status:", summary) },
	})
	fmt.Println(err)
	// Output:
	// status: 0%: Querying tags
	// status: completed: Hello World
	// <nil>
}
