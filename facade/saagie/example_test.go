package saagie_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// Create a project and a job with an artifact, run it and wait for the
// end, against the emulator.
func Example() {
	srv := saagietest.NewServer(saagietest.WithTimeline(saagietest.Timeline{Running: 50 * time.Millisecond}))
	defer srv.Close()
	ctx := context.Background()
	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
	if err != nil {
		panic(err)
	}
	p, _ := c.Projects.Create(ctx, saagie.ProjectSpec{Name: "Example"})
	p, _ = c.Projects.WaitReady(ctx, p.ID, facade.WaitOptions{Interval: 10 * time.Millisecond})
	job, err := c.Jobs.Create(ctx, saagie.JobSpec{
		ProjectID: p.ID, Name: "hello", Technology: "python", RuntimeVersion: "3.10",
		CommandLine: "python {file}", File: &saagie.File{Name: "hello.py", Content: strings.NewReader("print('hi')")},
	})
	if err != nil {
		panic(err)
	}
	in, err := c.Jobs.RunAndWait(ctx, job.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond}})
	fmt.Println(p.Status, in.Status, err)
	// Output: READY SUCCEEDED <nil>
}

// Read the base URL, realm and platform id from a page URL.
func ExampleParsePlatformURL() {
	p, _ := saagie.ParsePlatformURL("https://mysaagie-workspace.prod.saagie.io/projects/platform/6/project/abc/jobs")
	fmt.Println(p.BaseURL, p.Realm, p.PlatformID)
	// Output: https://mysaagie-workspace.prod.saagie.io mysaagie 6
}
