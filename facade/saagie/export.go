package saagie

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// Export and import are client-side, as in saagieapi: the platform has no
// export endpoint. The folder layout and JSON keys are saagieapi's, so a
// folder written by either tool imports with the other:
//
//	<out>/<projectId>/project.json
//	<out>/<projectId>/jobs/<jobId>/job.json
//	<out>/<projectId>/jobs/<jobId>/version/<n>/<artifact>
//	<out>/<projectId>/pipelines/<pipelineId>/pipeline.json
//	<out>/<projectId>/apps/<appId>/app.json
//	<out>/<projectId>/env_vars/<NAME>/variable.json
//
// The JSON files hold the objects as the GraphQL API returns them, plus
// saagieapi's additions (technology.name and technology.technology_catalog,
// jobs_technologies/apps_technologies and rights in project.json).

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
		return "", fmt.Errorf("unsafe file name %q", s)
	}
	return s, nil
}

// Export writes a project with its jobs (current version and artifact
// only when onlyCurrent), pipelines, apps and project environment
// variables under out/<projectId>/, and returns that folder.
func (m *ProjectManager) Export(ctx context.Context, projectID, out string, onlyCurrent bool) (string, error) {
	c := m.c
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
	names := map[string][2]string{}
	if all, err := c.Technologies.List(ctx); err == nil {
		for _, t := range all {
			names[t.ID] = [2]string{t.RepositoryName, t.Label}
		}
	} else {
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
	withTech := func(obj map[string]any, techID string) {
		n := names[techID]
		obj["technology"] = map[string]any{"id": techID, "name": n[1], "technology_catalog": n[0]}
	}

	var only *bool
	if onlyCurrent {
		only = ptr(true)
	}
	jr, err := gql.ListJobs(ctx, c.projects, projectID, nil, nil, only)
	if err != nil {
		return "", err
	}
	for i := range jr.Jobs {
		f := &jr.Jobs[i]
		obj, err := asMap(f)
		if err != nil {
			return "", err
		}
		techID := ""
		if f.Technology != nil {
			techID = f.Technology.Id
		}
		withTech(obj, techID)
		jdir := filepath.Join(dir, "jobs", f.Id)
		if err := writeJSON(filepath.Join(jdir, "job.json"), obj); err != nil {
			return "", err
		}
		for j := range f.Versions {
			v := jobVersionFrom(&f.Versions[j].JobVersionFields)
			if v.DownloadPath == "" {
				continue
			}
			name, err := safeName(filepath.Base(v.ArtifactName))
			if err != nil {
				return "", err
			}
			path := filepath.Join(jdir, "version", fmt.Sprint(v.Number), name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return "", err
			}
			fh, err := os.Create(path)
			if err != nil {
				return "", err
			}
			_, err = c.Jobs.DownloadArtifact(ctx, &v, fh)
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return "", err
			}
		}
	}
	pr, err := gql.ListPipelines(ctx, c.projects, projectID, nil, nil, only)
	if err != nil {
		return "", err
	}
	if pr.Project != nil {
		for i := range pr.Project.Pipelines {
			f := &pr.Project.Pipelines[i]
			obj, err := asMap(f)
			if err != nil {
				return "", err
			}
			if err := writeJSON(filepath.Join(dir, "pipelines", f.Id, "pipeline.json"), obj); err != nil {
				return "", err
			}
		}
	}
	ar, err := gql.ListApps(ctx, c.projects, projectID)
	if err != nil {
		return "", err
	}
	if ar.Project != nil {
		for i := range ar.Project.Apps {
			f := &ar.Project.Apps[i]
			obj, err := asMap(f)
			if err != nil {
				return "", err
			}
			techID := ""
			if f.Technology != nil {
				techID = f.Technology.Id
			}
			withTech(obj, techID)
			if err := writeJSON(filepath.Join(dir, "apps", f.Id, "app.json"), obj); err != nil {
				return "", err
			}
		}
	}
	vars, err := c.EnvVars.List(ctx, ProjectVars(projectID), true)
	if err != nil {
		return "", err
	}
	for _, v := range vars {
		name, err := safeName(v.Name)
		if err != nil {
			return "", err
		}
		obj := map[string]any{"id": v.ID, "name": v.Name, "scope": v.Scope, "value": v.Value, "description": v.Description, "isPassword": v.Password}
		if err := writeJSON(filepath.Join(dir, "env_vars", name, "variable.json"), obj); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// exported shapes read back on import (saagieapi's keys).
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
		PackageInfo    *struct {
			Name string `json:"name"`
		} `json:"packageInfo"`
		DockerInfo *struct {
			Image string `json:"image"`
		} `json:"dockerInfo"`
		ExtraTechnology *ExtraTechnology `json:"extraTechnology"`
	} `json:"versions"`
}

type exportedPipeline struct {
	Name        string `json:"name"`
	Alias       string `json:"alias"`
	Description string `json:"description"`
	Versions    []struct {
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

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Import creates a project from a folder written by Export (or by
// saagieapi's projects.export): the project, waiting until READY, then
// each job (its current version, with its artifact), each pipeline (job
// nodes re-linked by job name) and each project variable. Apps are not
// imported yet. It returns the new project.
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
	jobIDs := map[string]string{}
	jobDirs, _ := filepath.Glob(filepath.Join(dir, "jobs", "*", "job.json"))
	for _, path := range jobDirs {
		var ej exportedJob
		if err := readJSON(path, &ej); err != nil {
			return p, err
		}
		js := JobSpec{ProjectID: p.ID, Name: ej.Name, Description: ej.Description, Category: ej.Category,
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
		for _, v := range ej.Versions {
			if !v.IsCurrent && len(ej.Versions) > 1 {
				continue
			}
			js.RuntimeVersion, js.CommandLine, js.ReleaseNote, js.ExtraTechnology = str(v.RuntimeVersion), str(v.CommandLine), str(v.ReleaseNote), v.ExtraTechnology
			if v.DockerInfo != nil {
				js.DockerImage = v.DockerInfo.Image
			}
			if v.PackageInfo != nil {
				name, err := safeName(filepath.Base(v.PackageInfo.Name))
				if err != nil {
					return p, err
				}
				fh, err := os.Open(filepath.Join(filepath.Dir(path), "version", fmt.Sprint(v.Number), name))
				if err != nil {
					return p, err
				}
				defer fh.Close()
				js.File = &File{Name: name, Content: fh}
			}
			break
		}
		j, err := c.Jobs.Create(ctx, js)
		if err != nil {
			return p, fmt.Errorf("importing job %q: %w", ej.Name, err)
		}
		jobIDs[ej.Name] = j.ID
	}
	pipeDirs, _ := filepath.Glob(filepath.Join(dir, "pipelines", "*", "pipeline.json"))
	for _, path := range pipeDirs {
		var ep exportedPipeline
		if err := readJSON(path, &ep); err != nil {
			return p, err
		}
		var g Graph
		note := ""
		for _, v := range ep.Versions {
			if !v.IsCurrent && len(ep.Versions) > 1 {
				continue
			}
			note = str(v.ReleaseNote)
			for _, n := range v.Graph.JobNodes {
				id, ok := jobIDs[n.Job.Name]
				if !ok {
					return p, &NotFoundError{Kind: "job of pipeline " + ep.Name, Key: n.Job.Name}
				}
				g.JobNodes = append(g.JobNodes, JobNode{ID: n.ID, JobID: id, Next: n.NextNodes})
			}
			for _, n := range v.Graph.ConditionNodes {
				g.ConditionNodes = append(g.ConditionNodes, ConditionNode{ID: n.ID, OnSuccess: n.NextNodesSuccess, OnFailure: n.NextNodesFailure, Preset: ConditionPreset(n.Condition.Value), Expression: n.Condition.Expression})
			}
			break
		}
		if _, err := c.Pipelines.Create(ctx, PipelineSpec{ProjectID: p.ID, Name: ep.Name, Alias: ep.Alias, Description: ep.Description, Graph: g, ReleaseNote: note}); err != nil {
			return p, fmt.Errorf("importing pipeline %q: %w", ep.Name, err)
		}
	}
	// saagieapi's export writes variable.json; its project import looks
	// for env_var.json. Both are read here.
	varFiles, _ := filepath.Glob(filepath.Join(dir, "env_vars", "*", "variable.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "env_vars", "*", "env_var.json"))
	for _, path := range append(varFiles, more...) {
		var v struct {
			Name        string `json:"name"`
			Value       string `json:"value"`
			Description string `json:"description"`
			IsPassword  bool   `json:"isPassword"`
		}
		if err := readJSON(path, &v); err != nil {
			return p, err
		}
		if _, err := c.EnvVars.Create(ctx, ProjectVars(p.ID), EnvVarSpec{Name: v.Name, Value: v.Value, Description: v.Description, Password: v.IsPassword}); err != nil && !errors.Is(err, facade.ErrConflict) {
			return p, fmt.Errorf("importing variable %q: %w", v.Name, err)
		}
	}
	return p, nil
}
