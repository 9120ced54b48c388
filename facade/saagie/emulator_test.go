package saagie_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// fastTimeline makes the emulated platform move quickly.
var fastTimeline = saagietest.Timeline{Requested: 20 * time.Millisecond, Queued: 20 * time.Millisecond, Running: 50 * time.Millisecond, Starting: 20 * time.Millisecond, Stopping: 20 * time.Millisecond, ProjectInit: 20 * time.Millisecond}

func newEmulated(t *testing.T, opts ...saagietest.Option) (*saagie.Client, *saagietest.Server) {
	t.Helper()
	srv := saagietest.NewServer(append([]saagietest.Option{saagietest.WithTimeline(fastTimeline)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := saagie.New(context.Background(), srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

var fast = &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Timeout: 10 * time.Second}}

func TestProjectJobLifecycle(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: "Demo", Description: "d", Groups: map[string]saagie.Role{"administrators": saagie.RoleManager}})
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	if p, err = c.Projects.WaitReady(ctx, p.ID, facade.WaitOptions{Interval: 10 * time.Millisecond}); err != nil || p.Status != saagie.ProjectReady {
		t.Fatalf("wait ready: %+v %v", p, err)
	}
	if id, err := c.Projects.ID(ctx, "Demo"); err != nil || id != p.ID {
		t.Fatalf("project id by name: %q %v", id, err)
	}
	job, err := c.Jobs.Create(ctx, saagie.JobSpec{
		ProjectID: p.ID, Name: "hello", Technology: "python", RuntimeVersion: "3.10",
		CommandLine: "python {file}", File: &saagie.File{Name: "/tmp/x/hello.py", Content: strings.NewReader("print('hi')\n")},
	})
	if err != nil {
		t.Fatalf("create job: %v", err)
	}
	got, err := c.Jobs.Get(ctx, job.ID, nil)
	if err != nil {
		t.Fatalf("get job: %v", err)
	}
	cur := got.CurrentVersion()
	if cur == nil || cur.ArtifactName != "hello.py" || cur.DownloadPath == "" {
		t.Fatalf("current version %+v", cur)
	}
	var buf bytes.Buffer
	if _, err := c.Jobs.DownloadArtifact(ctx, cur, &buf); err != nil || buf.String() != "print('hi')\n" {
		t.Fatalf("download: %q %v", buf.String(), err)
	}
	var seen []saagie.InstanceStatus
	opts := *fast
	opts.Progress = func(s saagie.InstanceStatus, _ time.Duration) { seen = append(seen, s) }
	in, err := c.Jobs.RunAndWait(ctx, job.ID, &opts)
	if err != nil || in.Status != saagie.StatusSucceeded {
		t.Fatalf("run and wait: %+v %v", in, err)
	}
	if len(seen) == 0 || seen[len(seen)-1] != saagie.StatusSucceeded {
		t.Fatalf("progress %v", seen)
	}
	v, err := c.Jobs.Upgrade(ctx, job.ID, saagie.JobUpgrade{ReleaseNote: "v2"})
	if err != nil || v.Number != 2 {
		t.Fatalf("upgrade: %+v %v", v, err)
	}
	if err := c.Jobs.Rollback(ctx, job.ID, 1); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	got, _ = c.Jobs.Get(ctx, job.ID, nil)
	if got.CurrentVersion().Number != 1 {
		t.Fatalf("current after rollback: %d", got.CurrentVersion().Number)
	}
	n := 0
	for in, err := range c.Jobs.Instances(ctx, job.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if in.JobID != job.ID {
			t.Fatalf("instance of %s", in.JobID)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d instances", n)
	}

	pl, err := c.Pipelines.Create(ctx, saagie.PipelineSpec{ProjectID: p.ID, Name: "pipe", Graph: saagie.LinearGraph(job.ID)})
	if err != nil {
		t.Fatalf("create pipeline: %v", err)
	}
	pin, err := c.Pipelines.RunAndWait(ctx, pl.ID, fast)
	if err != nil || pin.Status != saagie.StatusSucceeded {
		t.Fatalf("pipeline run: %+v %v", pin, err)
	}
	if _, err := c.EnvVars.Create(ctx, saagie.ProjectVars(p.ID), saagie.EnvVarSpec{Name: "TOKEN", Value: "s3cr3t", Password: true}); err != nil {
		t.Fatalf("env var: %v", err)
	}
	vars, err := c.EnvVars.List(ctx, saagie.ProjectVars(p.ID), true)
	if err != nil || len(vars) != 1 || vars[0].Value != "" || !vars[0].Password {
		t.Fatalf("vars %+v %v", vars, err)
	}
	if _, err := c.Jobs.Get(ctx, "00000000-0000-0000-0000-000000000000", nil); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown job: %v", err)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: "Source"})
	if err != nil {
		t.Fatal(err)
	}
	wo := facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 5 * time.Second}
	if _, err := c.Projects.WaitReady(ctx, p.ID, wo); err != nil {
		t.Fatal(err)
	}
	job, err := c.Jobs.Create(ctx, saagie.JobSpec{ProjectID: p.ID, Name: "etl", Technology: "Python", RuntimeVersion: "3.10", CommandLine: "python {file}",
		File: &saagie.File{Name: "etl.py", Content: strings.NewReader("print(1)\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Pipelines.Create(ctx, saagie.PipelineSpec{ProjectID: p.ID, Name: "nightly", Graph: saagie.LinearGraph(job.ID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnvVars.Create(ctx, saagie.ProjectVars(p.ID), saagie.EnvVarSpec{Name: "DB", Value: "pg"}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	dir, err := c.Projects.Export(ctx, p.ID, out, true)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	for _, rel := range []string{"project.json", "jobs/" + job.ID + "/job.json", "jobs/" + job.ID + "/version/1/etl.py", "env_vars/DB/variable.json"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Fatalf("missing %s: %v", rel, err)
		}
	}
	// Import needs a fresh name: rename the exported project.
	pj := filepath.Join(dir, "project.json")
	b, _ := os.ReadFile(pj)
	os.WriteFile(pj, bytes.Replace(b, []byte(`"Source"`), []byte(`"Copy"`), 1), 0o644)
	np, err := c.Projects.Import(ctx, dir, wo)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	jobs, err := c.Jobs.List(ctx, np.ID, nil)
	if err != nil || len(jobs) != 1 || jobs[0].Name != "etl" || jobs[0].CurrentVersion().ArtifactName != "etl.py" {
		t.Fatalf("imported jobs %+v %v", jobs, err)
	}
	pipes, err := c.Pipelines.List(ctx, np.ID, nil)
	if err != nil || len(pipes) != 1 || pipes[0].CurrentVersion().Graph.JobNodes[0].JobID != jobs[0].ID {
		t.Fatalf("imported pipelines %+v %v", pipes, err)
	}
	vars, err := c.EnvVars.List(ctx, saagie.ProjectVars(np.ID), true)
	if err != nil || len(vars) != 1 || vars[0].Value != "pg" {
		t.Fatalf("imported vars %+v %v", vars, err)
	}
}

// The emulator's platform URL names a "<realm>-workspace.localhost" host,
// which the transport dials on loopback: EasyConnect reads everything from
// it, as from a real platform's URL, and every call works.
func TestEasyConnectToEmulator(t *testing.T) {
	ctx := context.Background()
	srv := saagietest.NewServer(saagietest.WithRealm("acme"), saagietest.WithPlatformID(4))
	t.Cleanup(srv.Close)
	pu := srv.PlatformURL()
	if !strings.HasPrefix(pu, "http://acme-workspace.localhost:") || !strings.HasSuffix(pu, "/projects/platform/4/") {
		t.Fatalf("platform URL %q", pu)
	}
	c, err := saagie.EasyConnect(ctx, pu+"project/x/jobs", srv.User, srv.Password)
	if err != nil {
		t.Fatal(err)
	}
	if c.Realm() != "acme" || c.PlatformID() != 4 || c.BaseURL() != srv.WorkspaceURL() {
		t.Fatalf("client %v", c)
	}
	info, err := c.PlatformInfo(ctx)
	if err != nil || info.ID != 4 {
		t.Fatalf("platform info through the .localhost host: %+v %v", info, err)
	}
	if srv.LoginCount() != 1 {
		t.Fatalf("%d logins", srv.LoginCount())
	}
	// A realm that cannot be a host label keeps the loopback address.
	odd := saagietest.NewServer(saagietest.WithRealm("my-realm"))
	t.Cleanup(odd.Close)
	if odd.WorkspaceURL() != odd.URL {
		t.Fatalf("workspace URL %q for a hyphenated realm", odd.WorkspaceURL())
	}
}
