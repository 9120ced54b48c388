package saagie_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// EasyConnect reads everything from a page URL of the platform. The
// emulator's URL is on "<realm>-workspace.localhost", which reaches the
// loopback interface, so the realm is read from the host as on a real
// platform.
func ExampleEasyConnect() {
	srv := saagietest.NewServer(saagietest.WithRealm("acme"), saagietest.WithPlatformID(6))
	defer srv.Close()
	ctx := context.Background()
	c, err := saagie.EasyConnect(ctx, srv.PlatformURL()+"project/x/jobs", srv.User, srv.Password)
	if err != nil {
		panic(err)
	}
	info, err := c.PlatformInfo(ctx)
	fmt.Println(c.Realm(), c.PlatformID(), info.Name, err)
	// Output: acme 6 Sandbox <nil>
}

// The realm's users and groups (REST, admin role).
func ExampleUserManager() {
	srv := saagietest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, _ := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
	if err := c.Groups.Create(ctx, "analysts", nil); err != nil {
		panic(err)
	}
	if err := c.Users.Create(ctx, saagie.UserSpec{Login: "alice", Password: "initial-Pw-1", Groups: []string{"analysts"}}); err != nil {
		panic(err)
	}
	g, _ := c.Groups.Get(ctx, "analysts")
	u, _ := c.Users.Get(ctx, "alice")
	fmt.Println(g.Users, u.Roles)
	// Output: [alice] [ROLE_READER]
}

// Export a job in saagieapi's layout and import it into another project.
func ExampleJobManager_Export() {
	srv := saagietest.NewServer(saagietest.WithIDSeed(1))
	defer srv.Close()
	var from, to, job string
	srv.Seed(func(sd *saagietest.Seeder) {
		from, to = sd.Project("from", ""), sd.Project("to", "")
		job = sd.Job(from, saagietest.JobSpec{Name: "etl", CommandLine: "python {file}",
			Artifact: &saagietest.Upload{Filename: "etl.py", Data: []byte("print(1)\n")}})
	})
	ctx := context.Background()
	c, _ := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
	out, _ := os.MkdirTemp("", "export")
	defer os.RemoveAll(out)
	dir, err := c.Jobs.Export(ctx, job, out, true)
	if err != nil {
		panic(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*"))
	rel, _ := filepath.Rel(dir, files[0])
	copied, err := c.Jobs.Import(ctx, to, dir)
	if err != nil {
		panic(err)
	}
	fmt.Println(filepath.ToSlash(rel), copied.Name, copied.ID != job)
	// Output: version/1/etl.py etl true
}
