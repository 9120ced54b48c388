package saagie_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

func readyProject(t *testing.T, c *saagie.Client, name string) *saagie.Project {
	t.Helper()
	ctx := context.Background()
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = c.Projects.WaitReady(ctx, p.ID, facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitApp polls until the app reaches want (apps have no waiter, as in
// saagieapi, whose tests re-read the status the same way).
func waitApp(t *testing.T, c *saagie.Client, id string, want saagie.AppStatus) *saagie.App {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, err := c.Apps.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status() == want {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("app %s stayed %s, want %s", id, a.Status(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAppFromDockerImage(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	p := readyProject(t, c, "apps")
	creds, err := c.DockerCredentials.Create(ctx, p.ID, "registry.example.com", "bot", "registry-pw")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Apps.Create(ctx, saagie.AppSpec{ProjectID: p.ID, Name: "api", Image: "registry.example.com/api:1", DockerCredentialsID: creds.ID,
		Ports:    []saagie.Port{{Name: "http", Number: 8080, RewriteURL: true, BasePathVariable: "BASE", Scope: saagie.ExposedToProject}},
		Alerting: &saagie.AppAlerting{Emails: []string{"ops@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Apps.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	v := got.CurrentVersion
	if v == nil || v.DockerImage != "registry.example.com/api:1" || v.DockerCredentialsID != creds.ID || v.RuntimeContextID != "" ||
		len(v.Ports) != 1 || v.Ports[0].Number != 8080 || !v.Ports[0].RewriteURL || v.Ports[0].BasePathVariable != "BASE" {
		t.Fatalf("current version %+v", v)
	}
	if got.Status() != saagie.AppStopped || got.ProjectID != p.ID || got.Alerting == nil || got.Alerting.StatusList[0] != saagie.AppFailed {
		t.Fatalf("new app %+v (alerting %+v)", got, got.Alerting)
	}
	docker, err := c.Technologies.Find(ctx, "Docker image", "Saagie")
	if err != nil || got.TechnologyID != docker.ID {
		t.Fatalf("technology %q, Docker image is %+v %v", got.TechnologyID, docker, err)
	}
	// Local validation, before any request.
	for name, spec := range map[string]saagie.AppSpec{
		"no image nor context": {ProjectID: p.ID, Name: "x"},
		"image and context":    {ProjectID: p.ID, Name: "x", Image: "a", ContextID: "b"},
		"port out of range":    {ProjectID: p.ID, Name: "x", Image: "a", Ports: []saagie.Port{{Number: 70000}}},
		"no name":              {ProjectID: p.ID, Image: "a"},
	} {
		if _, err := c.Apps.Create(ctx, spec); !errors.Is(err, facade.ErrValidation) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.Apps.Create(ctx, saagie.AppSpec{ProjectID: p.ID, Name: "api", Image: "x"}); !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("duplicate app name: %v", err)
	}
	// Upgrade inherits the image and ports; rollback returns to 1.
	up, err := c.Apps.Upgrade(ctx, a.ID, saagie.AppUpgrade{ReleaseNote: "v2"})
	if err != nil || up.Number != 2 || up.DockerImage != "registry.example.com/api:1" || len(up.Ports) != 1 {
		t.Fatalf("upgrade %+v %v", up, err)
	}
	if _, err := c.Apps.Upgrade(ctx, a.ID, saagie.AppUpgrade{Image: "a", ContextID: "b"}); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("image and context: %v", err)
	}
	rb, err := c.Apps.Rollback(ctx, a.ID, 1)
	if err != nil || rb.CurrentVersion.Number != 1 {
		t.Fatalf("rollback %+v %v", rb, err)
	}
	id, err := c.Apps.ID(ctx, "api", "apps")
	if err != nil || id != a.ID {
		t.Fatalf("id by name %q %v", id, err)
	}
	if err := c.Apps.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apps.Get(ctx, a.ID); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("deleted app: %v", err)
	}
}

func TestAppFromCatalog(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	p := readyProject(t, c, "notebooks")
	// Labels match case-insensitively, as saagieapi matches them.
	a, err := c.Apps.CreateFromCatalog(ctx, p.ID, "JUPYTER NOTEBOOK", "saagie", "python 3.10")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Apps.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	tech, err := c.Technologies.Find(ctx, "Jupyter Notebook", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.TechnologyID != tech.ID || got.CurrentVersion == nil || got.CurrentVersion.RuntimeContextID != "jupyter-python-3.10" ||
		len(got.CurrentVersion.Ports) != 1 || got.CurrentVersion.Ports[0].Number != 8888 {
		t.Fatalf("catalog app %+v %+v", got, got.CurrentVersion)
	}
	label, err := c.Technologies.RuntimeLabel(ctx, tech.ID, got.CurrentVersion.RuntimeContextID)
	if err != nil || label != "Python 3.10" {
		t.Fatalf("runtime label %q %v", label, err)
	}
	var nf *saagie.NotFoundError
	if _, err := c.Apps.CreateFromCatalog(ctx, p.ID, "Jupyter Notebook", "Saagie", "Python 2.7"); !errors.As(err, &nf) || nf.Kind != "app context" {
		t.Fatalf("unknown context: %v", err)
	}
	if _, err := c.Apps.CreateFromCatalog(ctx, p.ID, "Zeppelin", "Saagie", "any"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown technology: %v", err)
	}
}

// The app's history events come newest first through the paging iterator
// (50 a page), and the logs of an execution through the REST log service
// (1,000 lines a page), both across several pages; break stops fetching.
func TestAppHistoryAndLogs(t *testing.T) {
	ctx := context.Background()
	c, srv := newEmulated(t)
	p := readyProject(t, c, "history")
	a, err := c.Apps.Create(ctx, saagie.AppSpec{ProjectID: p.ID, Name: "web", Image: "nginx"})
	if err != nil {
		t.Fatal(err)
	}
	const cycles = 30 // two events each: more than one page of 50
	for range cycles {
		if _, err := c.Apps.Run(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		waitApp(t, c, a.ID, saagie.AppStarted)
		if _, err := c.Apps.Stop(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		waitApp(t, c, a.ID, saagie.AppStopped)
	}
	var kinds []string
	var last time.Time
	for ev, err := range c.Apps.Events(ctx, a.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if !last.IsZero() && ev.RecordAt.After(last) {
			t.Fatalf("events not newest first: %v after %v", ev.RecordAt, last)
		}
		last = ev.RecordAt
		kinds = append(kinds, ev.Kind)
	}
	runs, stops := strings.Count(strings.Join(kinds, " "), "RunAction"), strings.Count(strings.Join(kinds, " "), "StopAction")
	if runs != cycles || stops != cycles || kinds[0] != "StopAction" {
		t.Fatalf("%d events: %d runs, %d stops, first %q", len(kinds), runs, stops, kinds[0])
	}
	n := 0
	for _, err := range c.Apps.Events(ctx, a.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	for _, err := range c.Apps.Events(ctx, "00000000-0000-4000-8000-000000000000") {
		if !errors.Is(err, facade.ErrNotFound) {
			t.Fatalf("events of an unknown app: %v", err)
		}
	}

	started, err := c.Apps.Run(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	exec := waitApp(t, c, started.ID, saagie.AppStarted).History.ExecutionID
	lines := make([]saagietest.LogLine, 2500)
	for i := range lines {
		lines[i] = saagietest.LogLine{Stream: "STDOUT", Value: "line"}
		if i%10 == 0 {
			lines[i].Stream = "STDERR"
		}
	}
	srv.AddLogs(exec, lines...)
	count, errs := 0, 0
	for l, err := range c.Apps.Logs(ctx, p.ID, exec) {
		if err != nil {
			t.Fatal(err)
		}
		if l.Index != count {
			t.Fatalf("line %d has index %d", count, l.Index)
		}
		count++
	}
	for l, err := range c.Apps.Logs(ctx, p.ID, exec, "stderr") {
		if err != nil {
			t.Fatal(err)
		}
		if l.Stream != "STDERR" {
			t.Fatalf("stream filter let %q through", l.Stream)
		}
		errs++
	}
	if count != 2500 || errs != 250 {
		t.Fatalf("%d lines, %d on stderr", count, errs)
	}
	for _, err := range c.Apps.Logs(ctx, p.ID, "not-a-uuid") {
		if !errors.Is(err, facade.ErrValidation) {
			t.Fatalf("bad execution id: %v", err)
		}
	}
}

func TestRepositoryMutations(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	r, err := c.Repositories.Create(ctx, "community", "https://example.com/technologies.zip", nil)
	if err != nil || r.Name != "community" {
		t.Fatalf("create from URL %+v %v", r, err)
	}
	zip, err := c.Repositories.Create(ctx, "local", "", &saagie.File{Name: "/tmp/x/technologies.zip", Content: strings.NewReader("PK\x03\x04")})
	if err != nil {
		t.Fatalf("create from a zip: %v", err)
	}
	if _, err := c.Repositories.Create(ctx, "neither", "", nil); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("neither URL nor file: %v", err)
	}
	if _, err := c.Repositories.Create(ctx, "community", "https://example.com/other.zip", nil); !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
	got, err := c.Repositories.Get(ctx, zip.ID, false, 0, false)
	if err != nil || got.FileName != "technologies.zip" || got.URL != "" || got.SyncCount != 1 {
		t.Fatalf("zip repository %+v %v", got, err)
	}
	if err := c.Repositories.Edit(ctx, r.ID, "community-2", "https://example.com/v2.zip", true); err != nil {
		t.Fatal(err)
	}
	if id, err := c.Repositories.ID(ctx, "community-2"); err != nil || id != r.ID {
		t.Fatalf("renamed repository %q %v", id, err)
	}
	got, err = c.Repositories.Get(ctx, r.ID, false, 0, false)
	if err != nil || got.URL != "https://example.com/v2.zip" || got.SyncCount != 2 {
		t.Fatalf("edited repository %+v %v", got, err)
	}
	rep, err := c.Repositories.Synchronize(ctx, r.ID, nil)
	if err != nil || rep.TriggerType != "MANUAL" {
		t.Fatalf("synchronize %+v %v", rep, err)
	}
	reverted, err := c.Repositories.RevertLastSynchronization(ctx, r.ID)
	if err != nil || reverted.ID != rep.ID || !reverted.Reverted {
		t.Fatalf("revert %+v %v", reverted, err)
	}
	// The Saagie catalog is read-only.
	saagieID, err := c.Repositories.ID(ctx, "Saagie")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Repositories.Edit(ctx, saagieID, "mine", "", false); !errors.Is(err, facade.ErrValidation) && err == nil {
		t.Fatal("edited the read-only Saagie repository")
	}
	if err := c.Repositories.Delete(ctx, saagieID); err == nil {
		t.Fatal("deleted the read-only Saagie repository")
	}
	if err := c.Repositories.Delete(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Repositories.Get(ctx, r.ID, false, 0, false); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("deleted repository: %v", err)
	}
	if _, err := c.Repositories.ID(ctx, "community-2"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("id of a deleted repository: %v", err)
	}
}
