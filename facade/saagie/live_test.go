//go:build live

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
	"github.com/switchboard-go/switchboard/facade/saagie"
)

// TestLiveSaagie runs against the platform named by the SAAGIE_*
// variables (make live-sandbox points them at `switchboard sandbox serve
// saagie`). It creates a project of its own and deletes it at the end.
func TestLiveSaagie(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := saagie.NewFromEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PlatformInfo(ctx); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("switchboard-live-%d", time.Now().UnixNano())
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Projects.Delete(context.WithoutCancel(ctx), p.ID)
	if _, err := c.Projects.WaitReady(ctx, p.ID, facade.WaitOptions{Interval: time.Second}); err != nil {
		t.Fatal(err)
	}
	job, err := c.Jobs.Create(ctx, saagie.JobSpec{ProjectID: p.ID, Name: "hello", Technology: "python", RuntimeVersion: "3.10",
		CommandLine: "python {file}", File: &saagie.File{Name: "hello.py", Content: strings.NewReader("print('hello')\n")}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.Jobs.RunAndWait(ctx, job.ID, &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Second, Timeout: 3 * time.Minute}})
	if err != nil || in.Status != saagie.StatusSucceeded {
		t.Fatalf("run: %+v %v", in, err)
	}
	if _, err := c.EnvVars.CreateOrUpdate(ctx, saagie.ProjectVars(p.ID), saagie.EnvVarSpec{Name: "LIVE", Value: "1"}); err != nil {
		t.Fatal(err)
	}
	// Export in saagieapi's layout: the job, its artifact, the variable.
	dir, err := c.Projects.Export(ctx, p.ID, t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"project.json", "jobs/" + job.ID + "/job.json", "jobs/" + job.ID + "/version/1/hello.py", "env_vars/LIVE/variable.json"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("export: %v", err)
		}
	}
	// The realm's REST administration needs the admin role; a plain user
	// gets a 403, which is the platform's answer, not a failure of ours.
	if users, err := c.Users.List(ctx); errors.Is(err, facade.ErrForbidden) {
		t.Logf("users: %v (not a realm admin)", err)
	} else if err != nil || len(users) == 0 {
		t.Fatalf("users: %d %v", len(users), err)
	}
	// EasyConnect, when the page URL is known (the sandbox prints it).
	if u := os.Getenv("SAAGIE_PLATFORM_URL"); u != "" {
		ec, err := saagie.EasyConnect(ctx, u, os.Getenv(saagie.EnvUser), os.Getenv(saagie.EnvPassword))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ec.Projects.Get(ctx, p.ID); err != nil || got.Name != name {
			t.Fatalf("EasyConnect %s: %+v %v", u, got, err)
		}
	}
}
