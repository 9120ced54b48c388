package saagie

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// Export and import are client-side, as in saagieapi: the platform has no
// export endpoint. The folder layout and JSON keys are saagieapi's, so a
// folder written by either tool imports with the other. A project export
// nests the single-object exports:
//
//	<out>/<projectId>/project.json
//	<out>/<projectId>/jobs/<jobId>/job.json                 (Jobs.Export)
//	<out>/<projectId>/jobs/<jobId>/version/<n>/<artifact>
//	<out>/<projectId>/pipelines/<pipelineId>/pipeline.json  (Pipelines.Export)
//	<out>/<projectId>/pipelines/<pipelineId>/env_vars/<NAME>/variable.json
//	<out>/<projectId>/apps/<appId>/app.json                 (Apps.Export)
//	<out>/<projectId>/env_vars/<NAME>/variable.json         (EnvVars.Export)
//
// The JSON files hold the objects as the GraphQL API returns them, plus
// saagieapi's additions (technology.name and technology.technology_catalog
// in job.json and app.json, runtimeContextLabel on app versions,
// jobs_technologies/apps_technologies and rights in project.json).
//
// Unlike saagieapi, which logs a failure, appends the id to an error
// folder and goes on, Switchboard's exports and imports stop at the first
// failure and return it.

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// asMap reads a generated value through its JSON form, the wire shape.
func asMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// safeName refuses names that would leave the export folder.
func safeName(s string) (string, error) {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
		return "", &facade.ConfigError{Platform: platform, Setting: "export file name", Value: s, Reason: "would leave the export folder", Err: facade.ErrValidation}
	}
	return s, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &facade.ConfigError{Platform: platform, Setting: "export file", Value: path, Reason: "not the JSON an export writes", Err: err}
	}
	return nil
}

// exportFile resolves what the single-object imports take: the JSON file
// itself (saagieapi's json_file), or the object's folder holding it.
func exportFile(path, name string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, name)
	}
	return path
}

// technologyNames maps technology ids to their repository name and label.
func (c *Client) technologyNames(ctx context.Context) (map[string][2]string, error) {
	all, err := c.Technologies.List(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string][2]string, len(all))
	for _, t := range all {
		names[t.ID] = [2]string{t.RepositoryName, t.Label}
	}
	return names, nil
}

// withTechnology adds saagieapi's technology.name and
// technology.technology_catalog, which imports use to find the technology
// again on another platform, where ids differ.
func withTechnology(obj map[string]any, techID string, names map[string][2]string) error {
	n, ok := names[techID]
	if !ok {
		// saagieapi refuses the same way: an object whose technology was
		// removed from the catalog cannot be imported anywhere.
		return &NotFoundError{Kind: "technology", Key: techID}
	}
	obj["technology"] = map[string]any{"id": techID, "name": n[1], "technology_catalog": n[0]}
	return nil
}

func versionsArgs(onlyCurrent bool) *bool {
	if onlyCurrent {
		return ptr(true)
	}
	return nil
}

// Export writes a job as saagieapi's jobs.export does:
// out/<jobId>/job.json and, for each exported version with an artifact,
// out/<jobId>/version/<n>/<artifact>. onlyCurrent limits it to the current
// version. It returns the job's folder.
func (m *JobManager) Export(ctx context.Context, jobID, out string, onlyCurrent bool) (string, error) {
	names, err := m.c.technologyNames(ctx)
	if err != nil {
		return "", err
	}
	return m.export(ctx, jobID, out, onlyCurrent, names)
}

func (m *JobManager) export(ctx context.Context, jobID, out string, onlyCurrent bool, names map[string][2]string) (string, error) {
	if _, err := safeName(jobID); err != nil {
		return "", err
	}
	r, err := gql.GetJob(ctx, m.c.projects, jobID, ptr(1), nil, versionsArgs(onlyCurrent))
	if err != nil || r.Job == nil {
		return "", orNotFound(err, "job", jobID)
	}
	f := r.Job
	obj, err := asMap(f)
	if err != nil {
		return "", err
	}
	delete(obj, "project")
	techID := ""
	if f.Technology != nil {
		techID = f.Technology.Id
	}
	if err := withTechnology(obj, techID, names); err != nil {
		return "", err
	}
	dir := filepath.Join(out, jobID)
	if err := writeJSON(filepath.Join(dir, "job.json"), obj); err != nil {
		return "", err
	}
	for j := range f.Versions {
		v := jobVersionFrom(&f.Versions[j])
		if v.DownloadPath == "" {
			continue
		}
		name, err := safeName(filepath.Base(v.ArtifactName))
		if err != nil {
			return "", err
		}
		path := filepath.Join(dir, "version", fmt.Sprint(v.Number), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		fh, err := os.Create(path)
		if err != nil {
			return "", err
		}
		_, err = m.DownloadArtifact(ctx, &v, fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", err
		}
	}
	return dir, nil
}

// exportedTech is saagieapi's technology block of job.json and app.json.
type exportedTech struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Catalog string `json:"technology_catalog"`
}

type exportedJob struct {
	Name             string       `json:"name"`
	Description      string       `json:"description"`
	Category         string       `json:"category"`
	Technology       exportedTech `json:"technology"`
	CronScheduling   *string      `json:"cronScheduling"`
	IsScheduled      bool         `json:"isScheduled"`
	ScheduleTimezone *string      `json:"scheduleTimezone"`
	Alerting         *struct {
		Emails     []string         `json:"emails"`
		StatusList []InstanceStatus `json:"statusList"`
	} `json:"alerting"`
	Resources *Resources `json:"resources"`
	Versions  []struct {
		Number         int     `json:"number"`
		IsCurrent      bool    `json:"isCurrent"`
		ReleaseNote    *string `json:"releaseNote"`
		RuntimeVersion *string `json:"runtimeVersion"`
		CommandLine    *string `json:"commandLine"`
		SourceURL      *string `json:"sourceUrl"`
		PackageInfo    *struct {
			Name string `json:"name"`
		} `json:"packageInfo"`
		DockerInfo *struct {
			Image string `json:"image"`
		} `json:"dockerInfo"`
		ExtraTechnology *ExtraTechnology `json:"extraTechnology"`
	} `json:"versions"`
}

// findFile returns path/name, or the first such file below path (in
// lexical order), as saagieapi's import searches the folder for job.json.
func findFile(path, name string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return path, nil
	}
	found := ""
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == name {
			found = p
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if found == "" {
		return "", &facade.ConfigError{Platform: platform, Setting: "export folder", Value: path, Reason: "holds no " + name, Err: facade.ErrValidation}
	}
	return found, nil
}

// Import creates a job in projectID from a folder written by Export (or
// saagieapi's jobs.export): its current version, with that version's
// artifact. path is the job's folder (job.json is searched below it, as
// saagieapi does) or its job.json. The technology is found again by
// catalog and label.
func (m *JobManager) Import(ctx context.Context, projectID, path string) (*Job, error) {
	file, err := findFile(path, "job.json")
	if err != nil {
		return nil, err
	}
	var ej exportedJob
	if err := readJSON(file, &ej); err != nil {
		return nil, err
	}
	js := JobSpec{ProjectID: projectID, Name: ej.Name, Description: ej.Description, Category: ej.Category,
		Technology: ej.Technology.Name, Catalog: ej.Technology.Catalog, Resources: ej.Resources}
	if js.Technology == "" {
		js.TechnologyID = ej.Technology.ID
	}
	if ej.IsScheduled {
		js.Cron, js.TimeZone = str(ej.CronScheduling), str(ej.ScheduleTimezone)
	}
	if ej.Alerting != nil && len(ej.Alerting.Emails) > 0 {
		js.Alerting = &Alerting{Emails: ej.Alerting.Emails, StatusList: ej.Alerting.StatusList}
	}
	found := false
	for _, v := range ej.Versions {
		if !v.IsCurrent && len(ej.Versions) > 1 {
			continue
		}
		found = true
		js.RuntimeVersion, js.CommandLine, js.ReleaseNote, js.ExtraTechnology = str(v.RuntimeVersion), str(v.CommandLine), str(v.ReleaseNote), v.ExtraTechnology
		js.SourceURL = str(v.SourceURL)
		if v.DockerInfo != nil {
			js.DockerImage = v.DockerInfo.Image
		}
		if v.PackageInfo != nil {
			name, err := safeName(filepath.Base(v.PackageInfo.Name))
			if err != nil {
				return nil, err
			}
			fh, err := os.Open(filepath.Join(filepath.Dir(file), "version", fmt.Sprint(v.Number), name))
			if err != nil {
				return nil, err
			}
			defer fh.Close()
			js.File = &File{Name: name, Content: fh}
		}
		break
	}
	if !found {
		return nil, &facade.ConfigError{Platform: platform, Setting: "export file", Value: file, Reason: "the job has no current version", Err: facade.ErrValidation}
	}
	j, err := m.Create(ctx, js)
	if err != nil {
		return j, fmt.Errorf("importing job %q: %w", ej.Name, err)
	}
	return j, nil
}

// Export writes a pipeline as saagieapi's pipelines.export does:
// out/<pipelineId>/pipeline.json and, for each variable the pipeline sees
// at the scopes envScope selects, out/<pipelineId>/env_vars/<NAME>/
// variable.json. envScope is saagieapi's env_var_scope: PIPELINE (the
// default, "" too) keeps the pipeline's own variables, PROJECT adds the
// project's, GLOBAL the global ones as well. It returns the folder.
func (m *PipelineManager) Export(ctx context.Context, pipelineID, out string, onlyCurrent bool, envScope EnvVarScope) (string, error) {
	if _, err := safeName(pipelineID); err != nil {
		return "", err
	}
	scopes := map[EnvVarScope][]EnvVarScope{
		"":            {ScopePipeline},
		ScopePipeline: {ScopePipeline},
		ScopeProject:  {ScopePipeline, ScopeProject},
		ScopeGlobal:   {ScopePipeline, ScopeProject, ScopeGlobal},
	}
	keep, ok := scopes[envScope]
	if !ok {
		return "", &facade.ConfigError{Platform: platform, Setting: "env var scope", Value: string(envScope), Reason: "must be PIPELINE, PROJECT or GLOBAL", Err: facade.ErrValidation}
	}
	r, err := gql.GetPipeline(ctx, m.c.projects, pipelineID, ptr(1), nil, versionsArgs(onlyCurrent))
	if err != nil || r.GraphPipeline == nil {
		return "", orNotFound(err, "pipeline", pipelineID)
	}
	obj, err := asMap(r.GraphPipeline)
	if err != nil {
		return "", err
	}
	delete(obj, "project")
	dir := filepath.Join(out, pipelineID)
	if err := writeJSON(filepath.Join(dir, "pipeline.json"), obj); err != nil {
		return "", err
	}
	vars, err := m.c.EnvVars.List(ctx, PipelineVars(pipelineID), false)
	if err != nil {
		return "", err
	}
	for _, v := range vars {
		if !contains(keep, v.Scope) {
			continue
		}
		if err := writeVariable(filepath.Join(dir, "env_vars"), v); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type exportedPipeline struct {
	Name             string  `json:"name"`
	Alias            string  `json:"alias"`
	Description      string  `json:"description"`
	CronScheduling   *string `json:"cronScheduling"`
	IsScheduled      bool    `json:"isScheduled"`
	ScheduleTimezone *string `json:"scheduleTimezone"`
	HasExecVars      *bool   `json:"hasExecutionVariablesEnabled"`
	Alerting         *struct {
		Emails     []string         `json:"emails"`
		StatusList []InstanceStatus `json:"statusList"`
	} `json:"alerting"`
	Versions []struct {
		IsCurrent   bool    `json:"isCurrent"`
		ReleaseNote *string `json:"releaseNote"`
		Graph       struct {
			JobNodes []struct {
				ID  string `json:"id"`
				Job struct {
					Name string `json:"name"`
				} `json:"job"`
				NextNodes []string `json:"nextNodes"`
			} `json:"jobNodes"`
			ConditionNodes []struct {
				ID               string   `json:"id"`
				NextNodesSuccess []string `json:"nextNodesSuccess"`
				NextNodesFailure []string `json:"nextNodesFailure"`
				Condition        struct {
					Value      string `json:"value"`
					Expression string `json:"expression"`
				} `json:"condition"`
			} `json:"conditionNodes"`
		} `json:"graph"`
	} `json:"versions"`
}

// Import creates a pipeline in projectID from a pipeline.json written by
// Export (or saagieapi's pipelines.export), path being the file or its
// folder: its current version, with the job nodes re-linked by job name
// to the jobs of projectID (a missing job stops the import before anything
// is created, as in saagieapi), then the variables of its env_vars folder
// at their own scope (PIPELINE ones on the new pipeline).
func (m *PipelineManager) Import(ctx context.Context, projectID, path string) (*Pipeline, error) {
	file := exportFile(path, "pipeline.json")
	var ep exportedPipeline
	if err := readJSON(file, &ep); err != nil {
		return nil, err
	}
	jobs, err := m.c.Jobs.ListMinimal(ctx, projectID)
	if err != nil {
		return nil, err
	}
	jobIDs := map[string]string{}
	for _, j := range jobs {
		if _, dup := jobIDs[j.Name]; !dup {
			jobIDs[j.Name] = j.ID
		}
	}
	spec, err := ep.spec(projectID, jobIDs)
	if err != nil {
		return nil, err
	}
	p, err := m.Create(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("importing pipeline %q: %w", ep.Name, err)
	}
	vars, err := readVariables(filepath.Join(filepath.Dir(file), "env_vars"))
	if err != nil {
		return p, err
	}
	for _, v := range vars {
		t := EnvVarTarget{Scope: v.Scope, ID: projectID}
		switch v.Scope {
		case ScopePipeline, "":
			t = PipelineVars(p.ID)
		case ScopeGlobal:
			t = Global
		}
		if err := m.c.EnvVars.importOne(ctx, t, v); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (ep *exportedPipeline) spec(projectID string, jobIDs map[string]string) (PipelineSpec, error) {
	spec := PipelineSpec{ProjectID: projectID, Name: ep.Name, Alias: ep.Alias, Description: ep.Description, ExecutionVariables: ep.HasExecVars}
	if ep.IsScheduled {
		spec.Cron, spec.TimeZone = str(ep.CronScheduling), str(ep.ScheduleTimezone)
	}
	if ep.Alerting != nil && len(ep.Alerting.Emails) > 0 {
		spec.Alerting = &Alerting{Emails: ep.Alerting.Emails, StatusList: ep.Alerting.StatusList}
	}
	found := false
	var missing []string
	for _, v := range ep.Versions {
		if !v.IsCurrent && len(ep.Versions) > 1 {
			continue
		}
		found = true
		spec.ReleaseNote = str(v.ReleaseNote)
		for _, n := range v.Graph.JobNodes {
			id, ok := jobIDs[n.Job.Name]
			if !ok {
				missing = append(missing, n.Job.Name)
				continue
			}
			spec.Graph.JobNodes = append(spec.Graph.JobNodes, JobNode{ID: n.ID, JobID: id, Next: n.NextNodes})
		}
		for _, n := range v.Graph.ConditionNodes {
			spec.Graph.ConditionNodes = append(spec.Graph.ConditionNodes, ConditionNode{ID: n.ID, OnSuccess: n.NextNodesSuccess, OnFailure: n.NextNodesFailure, Preset: ConditionPreset(n.Condition.Value), Expression: n.Condition.Expression})
		}
		break
	}
	if !found {
		return spec, &facade.ConfigError{Platform: platform, Setting: "export file", Value: ep.Name, Reason: "the pipeline has no current version", Err: facade.ErrValidation}
	}
	if len(missing) > 0 {
		return spec, &NotFoundError{Kind: "job of pipeline " + ep.Name, Key: strings.Join(missing, ", ")}
	}
	return spec, nil
}

// Export writes an app as saagieapi's apps.export does:
// out/<appId>/app.json, with the technology's name and catalog and each
// version's runtimeContextLabel (the catalog context's label, by which an
// import finds it again). It returns the folder.
func (m *AppManager) Export(ctx context.Context, appID, out string, onlyCurrent bool) (string, error) {
	names, err := m.c.technologyNames(ctx)
	if err != nil {
		return "", err
	}
	return m.export(ctx, appID, out, onlyCurrent, names)
}

func (m *AppManager) export(ctx context.Context, appID, out string, onlyCurrent bool, names map[string][2]string) (string, error) {
	if _, err := safeName(appID); err != nil {
		return "", err
	}
	r, err := gql.GetApp(ctx, m.c.projects, appID)
	if err != nil || r.App == nil {
		return "", orNotFound(err, "app", appID)
	}
	obj, err := asMap(r.App)
	if err != nil {
		return "", err
	}
	delete(obj, "project")
	techID := ""
	if r.App.Technology != nil {
		techID = r.App.Technology.Id
	}
	if err := withTechnology(obj, techID, names); err != nil {
		return "", err
	}
	labels := map[string]string{}
	var labelErr error
	label := func(v any) {
		ver, ok := v.(map[string]any)
		if !ok {
			return
		}
		id, _ := ver["runtimeContextId"].(string)
		if id == "" {
			ver["runtimeContextLabel"] = nil
			return
		}
		if _, ok := labels[id]; !ok {
			l, err := m.c.Technologies.RuntimeLabel(ctx, techID, id)
			if err != nil && !errors.Is(err, facade.ErrNotFound) {
				labelErr = err
				return
			}
			labels[id] = l
		}
		ver["runtimeContextLabel"] = labels[id]
	}
	if onlyCurrent {
		delete(obj, "versions")
	} else if vs, ok := obj["versions"].([]any); ok {
		for _, v := range vs {
			label(v)
		}
	}
	label(obj["currentVersion"])
	if labelErr != nil {
		return "", labelErr
	}
	dir := filepath.Join(out, appID)
	if err := writeJSON(filepath.Join(dir, "app.json"), obj); err != nil {
		return "", err
	}
	return dir, nil
}

type exportedApp struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Technology  exportedTech `json:"technology"`
	Alerting    *struct {
		Emails     []string    `json:"emails"`
		StatusList []AppStatus `json:"statusList"`
	} `json:"alerting"`
	Resources      *Resources `json:"resources"`
	CurrentVersion *struct {
		ReleaseNote *string `json:"releaseNote"`
		DockerInfo  *struct {
			Image               string  `json:"image"`
			DockerCredentialsID *string `json:"dockerCredentialsId"`
		} `json:"dockerInfo"`
		RuntimeContextID    *string `json:"runtimeContextId"`
		RuntimeContextLabel *string `json:"runtimeContextLabel"`
		Ports               []Port  `json:"ports"`
		VolumesWithPath     []struct {
			Path   string `json:"path"`
			Volume *struct {
				ID          string  `json:"id"`
				Name        string  `json:"name"`
				Size        *string `json:"size"`
				Description *string `json:"description"`
			} `json:"volume"`
		} `json:"volumesWithPath"`
	} `json:"currentVersion"`
}

// Import creates an app in projectID from an app.json written by Export
// (or saagieapi's apps.export), path being the file or its folder, from
// its current version: a catalog app is found again by technology
// catalog, label and runtimeContextLabel; a Docker-image app keeps its
// image, and its Docker credentials when they belong to projectID. Each
// mounted storage is re-created in projectID (by name and size; one of
// that name not mounted anywhere is reused), as saagieapi does with
// volume{name, size}.
func (m *AppManager) Import(ctx context.Context, projectID, path string) (*App, error) {
	file := exportFile(path, "app.json")
	var ea exportedApp
	if err := readJSON(file, &ea); err != nil {
		return nil, err
	}
	cur := ea.CurrentVersion
	if cur == nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: "export file", Value: file, Reason: "the app has no current version", Err: facade.ErrValidation}
	}
	spec := AppSpec{ProjectID: projectID, Name: ea.Name, Description: ea.Description, ReleaseNote: str(cur.ReleaseNote), Resources: ea.Resources}
	if ea.Alerting != nil && len(ea.Alerting.Emails) > 0 {
		spec.Alerting = &AppAlerting{Emails: ea.Alerting.Emails, StatusList: ea.Alerting.StatusList}
	}
	for _, p := range cur.Ports {
		p.InternalURL = ""
		spec.Ports = append(spec.Ports, p)
	}
	if ea.Technology.Name != "" {
		t, err := m.c.Technologies.Find(ctx, ea.Technology.Name, ea.Technology.Catalog)
		if err != nil {
			return nil, err
		}
		spec.TechnologyID = t.ID
	} else {
		spec.TechnologyID = ea.Technology.ID
	}
	switch {
	case str(cur.RuntimeContextLabel) != "" && str(cur.RuntimeContextID) != "":
		full, err := m.c.Technologies.Get(ctx, spec.TechnologyID)
		if err != nil {
			return nil, err
		}
		for _, c := range full.Contexts {
			if c.Available && c.Label == *cur.RuntimeContextLabel {
				spec.ContextID = c.ID
				break
			}
		}
		if spec.ContextID == "" {
			return nil, &NotFoundError{Kind: "app context", Key: *cur.RuntimeContextLabel}
		}
	case cur.DockerInfo != nil && cur.DockerInfo.Image != "":
		spec.Image = cur.DockerInfo.Image
		if id := str(cur.DockerInfo.DockerCredentialsID); id != "" {
			creds, err := m.c.DockerCredentials.List(ctx, projectID)
			if err != nil {
				return nil, err
			}
			for _, c := range creds {
				if c.ID == id {
					spec.DockerCredentialsID = id
				}
			}
		}
	default:
		return nil, &facade.ConfigError{Platform: platform, Setting: "export file", Value: file, Reason: "the app's current version has neither an image nor a catalog context", Err: facade.ErrValidation}
	}
	if len(cur.VolumesWithPath) > 0 {
		existing, err := m.c.Storages.List(ctx, projectID)
		if err != nil {
			return nil, err
		}
		for _, vp := range cur.VolumesWithPath {
			if vp.Volume == nil || vp.Volume.Name == "" {
				continue
			}
			id := ""
			for _, s := range existing {
				if s.Name == vp.Volume.Name && s.LinkedAppID == "" {
					id = s.ID
				}
			}
			if id == "" {
				s, err := m.c.Storages.Create(ctx, projectID, vp.Volume.Name, cmpOr(str(vp.Volume.Size), "1 GB"), str(vp.Volume.Description))
				if err != nil {
					return nil, fmt.Errorf("importing app %q: storage %q: %w", ea.Name, vp.Volume.Name, err)
				}
				id = s.ID
			}
			spec.Storages = append(spec.Storages, StorageMount{Path: vp.Path, StorageID: id})
		}
	}
	a, err := m.Create(ctx, spec)
	if err != nil {
		return a, fmt.Errorf("importing app %q: %w", ea.Name, err)
	}
	return a, nil
}

// exportedVariable is saagieapi's variable.json.
type exportedVariable struct {
	ID          string      `json:"id,omitempty"`
	Name        string      `json:"name"`
	Scope       EnvVarScope `json:"scope"`
	Value       *string     `json:"value"`
	Description string      `json:"description"`
	IsPassword  bool        `json:"isPassword"`
}

func writeVariable(dir string, v EnvVar) error {
	name, err := safeName(v.Name)
	if err != nil {
		return err
	}
	ev := exportedVariable{ID: v.ID, Name: v.Name, Scope: v.Scope, Description: v.Description, IsPassword: v.Password}
	if !v.Password {
		ev.Value = ptr(v.Value)
	}
	return writeJSON(filepath.Join(dir, name, "variable.json"), ev)
}

// readVariables reads <dir>/<NAME>/variable.json (saagieapi's export) or
// env_var.json (the name its project import looks for), sorted by name;
// a missing dir holds none.
func readVariables(dir string) ([]exportedVariable, error) {
	var files []string
	for _, name := range []string{"variable.json", "env_var.json"} {
		more, err := filepath.Glob(filepath.Join(dir, "*", name))
		if err != nil {
			return nil, err
		}
		files = append(files, more...)
	}
	sort.Strings(files)
	var out []exportedVariable
	for _, f := range files {
		var v exportedVariable
		if err := readJSON(f, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Export writes the variables of a project as saagieapi's env_vars.export
// does, one out/<NAME>/variable.json each: the project's own and, unless
// projectOnly, the global ones it inherits. Password values are never
// returned by the platform, so their files hold a null value. It returns
// how many variables were written.
func (m *EnvVarManager) Export(ctx context.Context, projectID, out string, projectOnly bool) (int, error) {
	vars, err := m.List(ctx, ProjectVars(projectID), projectOnly)
	if err != nil {
		return 0, err
	}
	for _, v := range vars {
		if err := writeVariable(out, v); err != nil {
			return 0, err
		}
	}
	return len(vars), nil
}

// Import creates a variable from a variable.json written by Export (or
// saagieapi), path being the file or its folder, at the scope the file
// names: GLOBAL, or PROJECT on projectID (PIPELINE variables come with
// their pipeline's import). A password variable, exported without its
// value, is created with an empty one to be set afterwards. A variable
// that already exists is left as it is (its *GraphQLError is returned, and
// matches facade.ErrConflict).
func (m *EnvVarManager) Import(ctx context.Context, projectID, path string) (*EnvVar, error) {
	file := exportFile(path, "variable.json")
	var v exportedVariable
	if err := readJSON(file, &v); err != nil {
		return nil, err
	}
	var t EnvVarTarget
	switch v.Scope {
	case ScopeGlobal:
		t = Global
	case ScopeProject, "":
		t = ProjectVars(projectID)
	default:
		return nil, &facade.ConfigError{Platform: platform, Setting: "env var scope", Value: string(v.Scope), Reason: "only GLOBAL and PROJECT variables import on their own", Err: facade.ErrValidation}
	}
	return m.Create(ctx, t, EnvVarSpec{Name: v.Name, Value: str(v.Value), Description: v.Description, Password: v.IsPassword})
}

// importOne creates a variable of a project or pipeline import, leaving
// one that already exists (an inherited GLOBAL one, typically) alone.
func (m *EnvVarManager) importOne(ctx context.Context, t EnvVarTarget, v exportedVariable) error {
	_, err := m.Create(ctx, t, EnvVarSpec{Name: v.Name, Value: str(v.Value), Description: v.Description, Password: v.IsPassword})
	if err != nil && !errors.Is(err, facade.ErrConflict) {
		return fmt.Errorf("importing variable %q: %w", v.Name, err)
	}
	return nil
}

// Export writes a project with its jobs, pipelines (with their own
// variables), apps and project variables under out/<projectId>/ in
// saagieapi's layout (see the package's export notes); onlyCurrent limits
// jobs, pipelines and apps to their current version. It returns that
// folder.
func (m *ProjectManager) Export(ctx context.Context, projectID, out string, onlyCurrent bool) (string, error) {
	c := m.c
	if _, err := safeName(projectID); err != nil {
		return "", err
	}
	dir := filepath.Join(out, projectID)
	p, err := m.Get(ctx, projectID)
	if err != nil {
		return "", err
	}
	proj := map[string]any{"name": p.Name, "creator": p.Creator, "description": p.Description, "jobsCount": p.JobsCount, "status": p.Status}
	techs, err := m.Technologies(ctx, projectID)
	if err != nil {
		return "", err
	}
	names, err := c.technologyNames(ctx)
	if err != nil {
		return "", err
	}
	byCatalog := func(ids []string) map[string][]string {
		out := map[string][]string{}
		seen := map[string]bool{}
		for _, id := range ids {
			n, ok := names[id]
			if !ok || seen[id] {
				continue
			}
			seen[id] = true
			out[n[0]] = append(out[n[0]], n[1])
		}
		for k := range out {
			sort.Strings(out[k])
		}
		return out
	}
	var jobTechs []string
	for _, ids := range techs.JobsByCategory {
		jobTechs = append(jobTechs, ids...)
	}
	proj["jobs_technologies"] = byCatalog(jobTechs)
	proj["apps_technologies"] = byCatalog(techs.Apps)
	rights, err := m.Rights(ctx, projectID)
	if err != nil {
		return "", err
	}
	rl := []map[string]string{}
	for _, r := range rights {
		if !r.AllProjects {
			rl = append(rl, map[string]string{r.Group: r.Role.Short()})
		}
	}
	proj["rights"] = rl
	if err := writeJSON(filepath.Join(dir, "project.json"), proj); err != nil {
		return "", err
	}
	jobs, err := c.Jobs.ListMinimal(ctx, projectID)
	if err != nil {
		return "", err
	}
	for _, j := range jobs {
		if _, err := c.Jobs.export(ctx, j.ID, filepath.Join(dir, "jobs"), onlyCurrent, names); err != nil {
			return "", err
		}
	}
	pipes, err := c.Pipelines.ListMinimal(ctx, projectID)
	if err != nil {
		return "", err
	}
	for _, pl := range pipes {
		if _, err := c.Pipelines.Export(ctx, pl.ID, filepath.Join(dir, "pipelines"), onlyCurrent, ScopePipeline); err != nil {
			return "", err
		}
	}
	apps, err := c.Apps.ListMinimal(ctx, projectID)
	if err != nil {
		return "", err
	}
	for _, a := range apps {
		if _, err := c.Apps.export(ctx, a.ID, filepath.Join(dir, "apps"), onlyCurrent, names); err != nil {
			return "", err
		}
	}
	if _, err := c.EnvVars.Export(ctx, projectID, filepath.Join(dir, "env_vars"), true); err != nil {
		return "", err
	}
	return dir, nil
}

// Import creates a project from a folder written by Export (or by
// saagieapi's projects.export): the project, waiting until READY, then
// each job (its current version, with its artifact), each pipeline (job
// nodes re-linked by job name, with its own variables), each app and
// each project variable. It returns the new project, also when a later
// step fails.
func (m *ProjectManager) Import(ctx context.Context, dir string, wait facade.WaitOptions) (*Project, error) {
	c := m.c
	var pj struct {
		Name        string              `json:"name"`
		Description string              `json:"description"`
		JobTechs    map[string][]string `json:"jobs_technologies"`
		AppTechs    map[string][]string `json:"apps_technologies"`
		Rights      []map[string]string `json:"rights"`
	}
	if err := readJSON(filepath.Join(dir, "project.json"), &pj); err != nil {
		return nil, err
	}
	all, err := c.Technologies.List(ctx)
	if err != nil {
		return nil, err
	}
	lookup := func(catalog, label string) string {
		for _, t := range all {
			if strings.EqualFold(t.RepositoryName, catalog) && strings.EqualFold(t.Label, label) {
				return t.ID
			}
		}
		return ""
	}
	ids := func(m map[string][]string) []string {
		out := []string{}
		for cat, labels := range m {
			for _, l := range labels {
				if id := lookup(cat, l); id != "" {
					out = append(out, id)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	spec := ProjectSpec{Name: pj.Name, Description: pj.Description, JobTechnologies: ids(pj.JobTechs), AppTechnologies: ids(pj.AppTechs), Groups: map[string]Role{}}
	for _, r := range pj.Rights {
		for g, role := range r {
			if rr, ok := ParseRole(role); ok {
				spec.Groups[g] = rr
			}
		}
	}
	p, err := m.Create(ctx, spec)
	if err != nil {
		return nil, err
	}
	if p, err = m.WaitReady(ctx, p.ID, wait); err != nil {
		return p, err
	}
	jobFiles, err := filepath.Glob(filepath.Join(dir, "jobs", "*", "job.json"))
	if err != nil {
		return p, err
	}
	for _, f := range jobFiles {
		if _, err := c.Jobs.Import(ctx, p.ID, f); err != nil {
			return p, err
		}
	}
	pipeFiles, err := filepath.Glob(filepath.Join(dir, "pipelines", "*", "pipeline.json"))
	if err != nil {
		return p, err
	}
	for _, f := range pipeFiles {
		if _, err := c.Pipelines.Import(ctx, p.ID, f); err != nil {
			return p, err
		}
	}
	appFiles, err := filepath.Glob(filepath.Join(dir, "apps", "*", "app.json"))
	if err != nil {
		return p, err
	}
	for _, f := range appFiles {
		if _, err := c.Apps.Import(ctx, p.ID, f); err != nil {
			return p, err
		}
	}
	// saagieapi's export writes variable.json; its project import looks
	// for env_var.json. Both are read here.
	vars, err := readVariables(filepath.Join(dir, "env_vars"))
	if err != nil {
		return p, err
	}
	for _, v := range vars {
		t := ProjectVars(p.ID)
		if v.Scope == ScopeGlobal {
			t = Global
		}
		if err := c.EnvVars.importOne(ctx, t, v); err != nil {
			return p, err
		}
	}
	return p, nil
}
