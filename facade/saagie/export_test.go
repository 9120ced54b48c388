package saagie_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
)

// exportFixture is a source project with something of every kind an
// export carries: a job with two versions (each with its artifact), a
// second job, a pipeline of both with a condition node and its own
// variable, a Docker-image app mounting a storage, a catalog app, and a
// plain and a password project variable.
type exportFixture struct {
	project          *saagie.Project
	etl, report      *saagie.Job
	pipeline         *saagie.Pipeline
	webApp, notebook *saagie.App
	waitOpts         facade.WaitOptions
}

func newExportFixture(t *testing.T, c *saagie.Client, name string) *exportFixture {
	t.Helper()
	ctx := context.Background()
	f := &exportFixture{waitOpts: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: 5 * time.Second}}
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if f.project, err = c.Projects.WaitReady(ctx, p.ID, f.waitOpts); err != nil {
		t.Fatal(err)
	}
	if f.etl, err = c.Jobs.Create(ctx, saagie.JobSpec{ProjectID: p.ID, Name: "etl", Technology: "Python", RuntimeVersion: "3.10", CommandLine: "python {file}",
		Cron: "0 3 * * *", TimeZone: "Europe/Paris", File: &saagie.File{Name: "etl.py", Content: strings.NewReader("print(1)\n")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Jobs.Upgrade(ctx, f.etl.ID, saagie.JobUpgrade{ReleaseNote: "v2", File: &saagie.File{Name: "etl2.py", Content: strings.NewReader("print(2)\n")}}); err != nil {
		t.Fatal(err)
	}
	if f.report, err = c.Jobs.Create(ctx, saagie.JobSpec{ProjectID: p.ID, Name: "report", Technology: "Bash", RuntimeVersion: "debian11", CommandLine: "echo done"}); err != nil {
		t.Fatal(err)
	}
	g := saagie.Graph{
		JobNodes:       []saagie.JobNode{{ID: "n1", JobID: f.etl.ID, Next: []string{"c1"}}, {ID: "n2", JobID: f.report.ID}},
		ConditionNodes: []saagie.ConditionNode{{ID: "c1", Preset: saagie.AllSuccess, OnSuccess: []string{"n2"}}},
	}
	if f.pipeline, err = c.Pipelines.Create(ctx, saagie.PipelineSpec{ProjectID: p.ID, Name: "nightly", Alias: "nightly_run", Description: "every night", Graph: g, ReleaseNote: "first"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnvVars.Create(ctx, saagie.PipelineVars(f.pipeline.ID), saagie.EnvVarSpec{Name: "BATCH", Value: "500"}); err != nil {
		t.Fatal(err)
	}
	st, err := c.Storages.Create(ctx, p.ID, "cache", "2 GB", "")
	if err != nil {
		t.Fatal(err)
	}
	if f.webApp, err = c.Apps.Create(ctx, saagie.AppSpec{ProjectID: p.ID, Name: "web", Description: "front", Image: "nginx:1.27",
		Ports: []saagie.Port{{Name: "http", Number: 80, Scope: saagie.ExposedToPublic}}, Storages: []saagie.StorageMount{{Path: "/cache", StorageID: st.ID}}}); err != nil {
		t.Fatal(err)
	}
	if f.notebook, err = c.Apps.CreateFromCatalog(ctx, p.ID, "jupyter notebook", "saagie", "python 3.10"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnvVars.Create(ctx, saagie.ProjectVars(p.ID), saagie.EnvVarSpec{Name: "DB", Value: "pg", Description: "database"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnvVars.Create(ctx, saagie.ProjectVars(p.ID), saagie.EnvVarSpec{Name: "DB_PASSWORD", Value: "s3cret", Password: true}); err != nil {
		t.Fatal(err)
	}
	return f
}

func readExported(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// A whole project, exported with every version, then imported under a new
// name: apps (image and catalog, with the storage re-created), pipelines
// with their variables, and both project variables come back.
func TestProjectExportImportWithApps(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	f := newExportFixture(t, c, "Source")
	dir, err := c.Projects.Export(ctx, f.project.ID, t.TempDir(), false)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	for _, rel := range []string{
		"jobs/" + f.etl.ID + "/version/1/etl.py", "jobs/" + f.etl.ID + "/version/2/etl2.py",
		"pipelines/" + f.pipeline.ID + "/env_vars/BATCH/variable.json",
		"apps/" + f.webApp.ID + "/app.json", "apps/" + f.notebook.ID + "/app.json",
		"env_vars/DB/variable.json", "env_vars/DB_PASSWORD/variable.json",
	} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Fatalf("missing %s: %v", rel, err)
		}
	}
	nb := readExported(t, filepath.Join(dir, "apps", f.notebook.ID, "app.json"))
	tech := nb["technology"].(map[string]any)
	cur := nb["currentVersion"].(map[string]any)
	if tech["name"] != "Jupyter Notebook" || tech["technology_catalog"] != "Saagie" || cur["runtimeContextLabel"] != "Python 3.10" {
		t.Fatalf("catalog app.json: technology %v, current version %v", tech, cur)
	}
	if pw := readExported(t, filepath.Join(dir, "env_vars", "DB_PASSWORD", "variable.json")); pw["value"] != nil || pw["isPassword"] != true {
		t.Fatalf("a password variable was exported with its value: %v", pw)
	}

	pj := filepath.Join(dir, "project.json")
	b, _ := os.ReadFile(pj)
	if err := os.WriteFile(pj, []byte(strings.Replace(string(b), `"Source"`, `"Copy"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	np, err := c.Projects.Import(ctx, dir, f.waitOpts)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	apps, err := c.Apps.List(ctx, np.ID)
	if err != nil || len(apps) != 2 {
		t.Fatalf("imported apps %+v %v", apps, err)
	}
	byName := map[string]saagie.App{}
	for _, a := range apps {
		byName[a.Name] = a
	}
	web, jup := byName["web"], byName["jupyter"]
	if web.CurrentVersion == nil || web.CurrentVersion.DockerImage != "nginx:1.27" || web.Description != "front" ||
		len(web.CurrentVersion.Ports) != 1 || web.CurrentVersion.Ports[0].Number != 80 || len(web.CurrentVersion.Storages) != 1 {
		t.Fatalf("imported web app %+v", web.CurrentVersion)
	}
	storages, err := c.Storages.List(ctx, np.ID)
	if err != nil || !slices.ContainsFunc(storages, func(s saagie.Storage) bool {
		return s.Name == "cache" && s.ID == web.CurrentVersion.Storages[0].StorageID
	}) {
		t.Fatalf("storage of the imported app: %+v %v", storages, err)
	}
	if len(apps) == 2 && jup.ID == "" {
		// The catalog app keeps its exported name, whatever it is.
		for _, a := range apps {
			if a.Name != "web" {
				jup = a
			}
		}
	}
	if jup.CurrentVersion == nil || jup.CurrentVersion.RuntimeContextID != "jupyter-python-3.10" {
		t.Fatalf("imported catalog app %+v", jup.CurrentVersion)
	}
	pipes, err := c.Pipelines.List(ctx, np.ID, nil)
	if err != nil || len(pipes) != 1 || pipes[0].Alias != "nightly_run" || len(pipes[0].CurrentVersion().Graph.ConditionNodes) != 1 {
		t.Fatalf("imported pipelines %+v %v", pipes, err)
	}
	pv, err := c.EnvVars.List(ctx, saagie.PipelineVars(pipes[0].ID), true)
	if err != nil || len(pv) != 1 || pv[0].Name != "BATCH" || pv[0].Value != "500" {
		t.Fatalf("imported pipeline variables %+v %v", pv, err)
	}
	vars, err := c.EnvVars.List(ctx, saagie.ProjectVars(np.ID), true)
	if err != nil || len(vars) != 2 || vars[0].Name != "DB" || vars[0].Value != "pg" || vars[0].Description != "database" || !vars[1].Password {
		t.Fatalf("imported project variables %+v %v", vars, err)
	}
	jobs, err := c.Jobs.List(ctx, np.ID, nil)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("imported jobs %+v %v", jobs, err)
	}
	for _, j := range jobs {
		if j.Name == "etl" && (j.CurrentVersion().ArtifactName != "etl2.py" || j.Cron != "0 3 * * *" || !j.IsScheduled) {
			t.Fatalf("imported etl %+v", j)
		}
	}
}

// Each kind on its own, as saagieapi's jobs/pipelines/apps/env_vars
// export and import_from_json do, into another project.
func TestSingleObjectExportImport(t *testing.T) {
	ctx := context.Background()
	c, _ := newEmulated(t)
	f := newExportFixture(t, c, "Source")
	target, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: "Target"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Projects.WaitReady(ctx, target.ID, f.waitOpts); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()

	// Jobs: the folder, current version only.
	jdir, err := c.Jobs.Export(ctx, f.etl.ID, filepath.Join(out, "jobs"), true)
	if err != nil || jdir != filepath.Join(out, "jobs", f.etl.ID) {
		t.Fatalf("job export %q %v", jdir, err)
	}
	if _, err := os.Stat(filepath.Join(jdir, "version", "1")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("only the current version was asked for, yet version 1 is there: %v", err)
	}
	j, err := c.Jobs.Import(ctx, target.ID, filepath.Join(out, "jobs"))
	if err != nil {
		t.Fatalf("job import: %v", err)
	}
	got, err := c.Jobs.Get(ctx, j.ID, nil)
	if err != nil || got.Name != "etl" || got.CurrentVersion().ArtifactName != "etl2.py" || got.CurrentVersion().ReleaseNote != "v2" {
		t.Fatalf("imported job %+v %v", got, err)
	}
	var art strings.Builder
	if _, err := c.Jobs.DownloadArtifact(ctx, got.CurrentVersion(), &art); err != nil || art.String() != "print(2)\n" {
		t.Fatalf("imported artifact %q %v", art.String(), err)
	}

	// Env vars: every project variable, and the global ones unless
	// projectOnly.
	if _, err := c.EnvVars.Create(ctx, saagie.Global, saagie.EnvVarSpec{Name: "REGION", Value: "eu"}); err != nil {
		t.Fatal(err)
	}
	n, err := c.EnvVars.Export(ctx, f.project.ID, filepath.Join(out, "vars"), false)
	if err != nil || n != 3 {
		t.Fatalf("env var export: %d %v", n, err)
	}
	if _, err := c.EnvVars.Import(ctx, target.ID, filepath.Join(out, "vars", "DB")); err != nil {
		t.Fatal(err)
	}
	v, err := c.EnvVars.Import(ctx, target.ID, filepath.Join(out, "vars", "DB_PASSWORD", "variable.json"))
	if err != nil || !v.Password {
		t.Fatalf("password variable import %+v %v", v, err)
	}
	if _, err := c.EnvVars.Import(ctx, target.ID, filepath.Join(out, "vars", "REGION")); !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("the global variable exists already: %v", err)
	}
	tv, err := c.EnvVars.List(ctx, saagie.ProjectVars(target.ID), true)
	if err != nil || len(tv) != 2 || tv[0].Value != "pg" {
		t.Fatalf("target variables %+v %v", tv, err)
	}

	// Pipelines: a missing job stops the import before anything is made.
	pdir, err := c.Pipelines.Export(ctx, f.pipeline.ID, filepath.Join(out, "pipelines"), true, saagie.ScopeProject)
	if err != nil {
		t.Fatalf("pipeline export: %v", err)
	}
	for _, name := range []string{"BATCH", "DB", "DB_PASSWORD"} {
		if _, err := os.Stat(filepath.Join(pdir, "env_vars", name, "variable.json")); err != nil {
			t.Fatalf("env_var_scope PROJECT: %s missing: %v", name, err)
		}
	}
	var nf *saagie.NotFoundError
	if _, err := c.Pipelines.Import(ctx, target.ID, filepath.Join(pdir, "pipeline.json")); !errors.As(err, &nf) || !strings.Contains(nf.Key, "report") {
		t.Fatalf("pipeline import without its jobs: %v", err)
	}
	if ps, _ := c.Pipelines.ListMinimal(ctx, target.ID); len(ps) != 0 {
		t.Fatalf("a failed import left %+v", ps)
	}
	if _, err := c.Jobs.Import(ctx, target.ID, mustExport(t, func() (string, error) { return c.Jobs.Export(ctx, f.report.ID, filepath.Join(out, "jobs2"), true) })); err != nil {
		t.Fatal(err)
	}
	p, err := c.Pipelines.Import(ctx, target.ID, pdir)
	if err != nil {
		t.Fatalf("pipeline import: %v", err)
	}
	gp, err := c.Pipelines.Get(ctx, p.ID, nil)
	if err != nil || gp.Description != "every night" || gp.CurrentVersion().Graph.JobNodes[0].JobID != j.ID {
		t.Fatalf("imported pipeline %+v %v", gp, err)
	}
	scoped, err := c.EnvVars.List(ctx, saagie.PipelineVars(p.ID), false)
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]saagie.EnvVarScope{}
	for _, v := range scoped {
		scopes[v.Name] = v.Scope
	}
	if scopes["BATCH"] != saagie.ScopePipeline || scopes["DB"] != saagie.ScopeProject {
		t.Fatalf("variables seen by the imported pipeline: %v", scopes)
	}

	// Apps: the JSON file itself.
	adir, err := c.Apps.Export(ctx, f.webApp.ID, filepath.Join(out, "apps"), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := readExported(t, filepath.Join(adir, "app.json"))["versions"]; ok {
		t.Fatal("only the current version was asked for, yet versions were written")
	}
	a, err := c.Apps.Import(ctx, target.ID, filepath.Join(adir, "app.json"))
	if err != nil || a.Name != "web" {
		t.Fatalf("app import %+v %v", a, err)
	}
	if _, err := c.Apps.Import(ctx, target.ID, adir); !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("importing the same app twice: %v", err)
	}

	// Bad input is a typed error, never a panic.
	bad := filepath.Join(out, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	var ce *facade.ConfigError
	for name, err := range map[string]error{
		"job":      second(c.Jobs.Import(ctx, target.ID, bad)),
		"pipeline": second(c.Pipelines.Import(ctx, target.ID, bad)),
		"app":      second(c.Apps.Import(ctx, target.ID, bad)),
		"variable": second(c.EnvVars.Import(ctx, target.ID, bad)),
	} {
		if !errors.As(err, &ce) {
			t.Errorf("%s import of a broken file: %v", name, err)
		}
	}
	if _, err := c.Jobs.Import(ctx, target.ID, t.TempDir()); !errors.As(err, &ce) {
		t.Errorf("job import of an empty folder: %v", err)
	}
	if _, err := c.Jobs.Export(ctx, "../x", out, true); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("export of an id that leaves the folder: %v", err)
	}
}

func mustExport(t *testing.T, fn func() (string, error)) string {
	t.Helper()
	dir, err := fn()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func second[T any](_ T, err error) error { return err }
