package saagie

import (
	"context"
	"crypto/rand"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// PipelineManager manages graph pipelines (saagieapi's saagie.pipelines).
type PipelineManager struct{ c *Client }

// NewNodeID returns a random UUID for a pipeline node: the client chooses
// node ids, as saagieapi's graph builder does.
func NewNodeID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func graphInput(g Graph) gql.PipelineGraphInput {
	in := gql.PipelineGraphInput{JobNodes: []gql.JobNodeInput{}, ConditionNodes: []gql.ConditionNodeInput{}}
	for _, n := range g.JobNodes {
		jn := gql.JobNodeInput{Id: n.ID, Job: gql.JobInGraphPipelineInput{Id: n.JobID}, NextNodes: nonNil(n.Next)}
		if n.Position != nil {
			jn.Position = &gql.NodePositionInput{X: n.Position.X, Y: n.Position.Y}
		}
		in.JobNodes = append(in.JobNodes, jn)
	}
	for _, n := range g.ConditionNodes {
		cn := gql.ConditionNodeInput{Id: n.ID, NextNodesSuccess: nonNil(n.OnSuccess), NextNodesFailure: nonNil(n.OnFailure), Condition: &gql.ConditionInput{}}
		if n.Expression != "" {
			cn.Condition.Custom = &gql.ConditionExpressionInput{Expression: n.Expression}
		} else {
			preset := n.Preset
			if preset == "" {
				preset = AllSuccess
			}
			cn.Condition.Status = &gql.ConditionStatusInput{Value: gql.ConditionStatusPresetValueInput(preset)}
		}
		if n.Position != nil {
			cn.Position = &gql.NodePositionInput{X: n.Position.X, Y: n.Position.Y}
		}
		in.ConditionNodes = append(in.ConditionNodes, cn)
	}
	return in
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// LinearGraph chains jobs one after the other, the simplest pipeline.
func LinearGraph(jobIDs ...string) Graph {
	var g Graph
	ids := make([]string, len(jobIDs))
	for i := range jobIDs {
		ids[i] = NewNodeID()
	}
	for i, j := range jobIDs {
		n := JobNode{ID: ids[i], JobID: j, Next: []string{}}
		if i+1 < len(ids) {
			n.Next = []string{ids[i+1]}
		}
		g.JobNodes = append(g.JobNodes, n)
	}
	return g
}

// List returns every pipeline of a project with versions and instances.
func (m *PipelineManager) List(ctx context.Context, projectID string, opts *DetailOptions) ([]Pipeline, error) {
	inst, vers, only := opts.vars()
	r, err := gql.ListPipelines(ctx, m.c.projects, projectID, inst, vers, only)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", projectID)
	}
	out := sized[Pipeline](len(r.Project.Pipelines))
	for i := range r.Project.Pipelines {
		f := &r.Project.Pipelines[i]
		p := pipelineFrom(f)
		p.ProjectID = projectID
		p.Versions = sized[PipelineVersion](len(f.Versions))
		for j := range f.Versions {
			p.Versions = append(p.Versions, pipelineVersionFrom(&f.Versions[j]))
		}
		p.Instances = sized[PipelineInstance](len(f.Instances))
		for j := range f.Instances {
			p.Instances = append(p.Instances, pipelineInstanceFrom(&f.Instances[j]))
		}
		out = append(out, p)
	}
	return out, err
}

// ListMinimal returns the id, name and alias of every pipeline of a project.
func (m *PipelineManager) ListMinimal(ctx context.Context, projectID string) ([]Summary, error) {
	r, err := gql.ListPipelinesMinimal(ctx, m.c.projects, projectID)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", projectID)
	}
	out := sized[Summary](len(r.Project.Pipelines))
	for _, p := range r.Project.Pipelines {
		out = append(out, Summary{ID: p.Id, Name: p.Name, Alias: p.Alias})
	}
	return out, err
}

// Get returns one pipeline.
func (m *PipelineManager) Get(ctx context.Context, id string, opts *DetailOptions) (*Pipeline, error) {
	inst, vers, only := opts.vars()
	r, err := gql.GetPipeline(ctx, m.c.projects, id, inst, vers, only)
	if r == nil || r.GraphPipeline == nil {
		return nil, orNotFound(err, "pipeline", id)
	}
	f := r.GraphPipeline
	p := pipelineFrom(&f.PipelineFields)
	p.ProjectID, p.ProjectName = f.Project.Id, f.Project.Name
	for j := range f.Versions {
		p.Versions = append(p.Versions, pipelineVersionFrom(&f.Versions[j]))
	}
	for j := range f.Instances {
		p.Instances = append(p.Instances, pipelineInstanceFrom(&f.Instances[j]))
	}
	return &p, err
}

// GetByName looks a pipeline up by exact name within a project, server-side.
func (m *PipelineManager) GetByName(ctx context.Context, projectID, name string, opts *DetailOptions) (*Pipeline, error) {
	inst, vers, only := opts.vars()
	r, err := gql.GetPipelineByName(ctx, m.c.projects, projectID, name, inst, vers, only)
	if r == nil || r.GraphPipelineByName == nil {
		return nil, orNotFound(err, "pipeline", name)
	}
	f := r.GraphPipelineByName
	p := pipelineFrom(&f.PipelineFields)
	p.ProjectID, p.ProjectName = f.Project.Id, f.Project.Name
	for j := range f.Versions {
		p.Versions = append(p.Versions, pipelineVersionFrom(&f.Versions[j]))
	}
	for j := range f.Instances {
		p.Instances = append(p.Instances, pipelineInstanceFrom(&f.Instances[j]))
	}
	return &p, err
}

// GetByAlias looks a pipeline up by alias within a project, server-side.
func (m *PipelineManager) GetByAlias(ctx context.Context, projectID, alias string, opts *DetailOptions) (*Pipeline, error) {
	inst, vers, only := opts.vars()
	r, err := gql.GetPipelineByAlias(ctx, m.c.projects, projectID, alias, inst, vers, only)
	if r == nil || r.GraphPipelineByAlias.Id == "" {
		return nil, orNotFound(err, "pipeline", alias)
	}
	f := &r.GraphPipelineByAlias
	p := pipelineFrom(&f.PipelineFields)
	p.ProjectID, p.ProjectName = f.Project.Id, f.Project.Name
	for j := range f.Versions {
		p.Versions = append(p.Versions, pipelineVersionFrom(&f.Versions[j]))
	}
	for j := range f.Instances {
		p.Instances = append(p.Instances, pipelineInstanceFrom(&f.Instances[j]))
	}
	return &p, err
}

// ID returns the id of the pipeline named name in the project named
// projectName, with the server's by-name query.
func (m *PipelineManager) ID(ctx context.Context, name, projectName string) (string, error) {
	pid, err := m.c.Projects.ID(ctx, projectName)
	if err != nil {
		return "", err
	}
	p, err := m.GetByName(ctx, pid, name, &DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true})
	if p == nil {
		return "", err
	}
	return p.ID, nil
}

// Instance returns one pipeline instance.
func (m *PipelineManager) Instance(ctx context.Context, instanceID string) (*PipelineInstance, error) {
	r, err := gql.GetPipelineInstance(ctx, m.c.projects, instanceID)
	if r == nil || r.PipelineInstance == nil {
		return nil, orNotFound(err, "pipeline instance", instanceID)
	}
	in := pipelineInstanceFrom(&r.PipelineInstance.PipelineInstanceFields)
	return &in, err
}

// Instances iterates over a pipeline's instances, newest first, 50 a page.
func (m *PipelineManager) Instances(ctx context.Context, pipelineID string) iter.Seq2[PipelineInstance, error] {
	return paging.SeqWith(ctx, m.c.pager, 0, func(ctx context.Context, skip int) (paging.Page[PipelineInstance, int], error) {
		r, err := gql.ListPipelineInstances(ctx, m.c.projects, pipelineID, ptr(instancePage), ptr(skip))
		if err != nil {
			return paging.Page[PipelineInstance, int]{}, err
		}
		if r.GraphPipeline == nil {
			return paging.Page[PipelineInstance, int]{}, &NotFoundError{Kind: "pipeline", Key: pipelineID}
		}
		var items []PipelineInstance
		for i := range r.GraphPipeline.Instances {
			items = append(items, pipelineInstanceFrom(&r.GraphPipeline.Instances[i]))
		}
		return paging.Page[PipelineInstance, int]{Items: items, Next: skip + len(items), More: len(items) == instancePage}, nil
	})
}

// PipelineSpec describes a pipeline to create.
type PipelineSpec struct {
	ProjectID string
	Name      string
	// Alias defaults to the name.
	Alias       string
	Description string
	Graph       Graph
	ReleaseNote string
	Alerting    *Alerting
	Cron        string
	TimeZone    string
	SourceURL   string
	// ExecutionVariables enables execution variables. saagieapi declares
	// the flag but never sends it at creation; Switchboard does.
	ExecutionVariables *bool
}

// Create creates a graph pipeline and its first version.
func (m *PipelineManager) Create(ctx context.Context, spec PipelineSpec) (*Pipeline, error) {
	if spec.ProjectID == "" || strings.TrimSpace(spec.Name) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "pipeline", Reason: "project id and name are required", Err: facade.ErrValidation}
	}
	tz := cmpOr(spec.TimeZone, "UTC")
	in := gql.GraphPipelineInput{
		Name: spec.Name, Alias: cmpOr(spec.Alias, spec.Name), Description: ptr(spec.Description),
		Alerting: alertingInput(spec.Alerting), HasExecutionVariablesEnabled: spec.ExecutionVariables,
		ProjectId: spec.ProjectID, Graph: graphInput(spec.Graph), ReleaseNote: ptr(spec.ReleaseNote),
		IsScheduled: spec.Cron != "", CronScheduling: optStr(spec.Cron), ScheduleTimezone: ptr(tz), SourceUrl: ptr(spec.SourceURL),
	}
	r, err := gql.CreateGraphPipeline(ctx, m.c.projects, &in)
	if r == nil || r.CreateGraphPipeline.Id == "" {
		return nil, err
	}
	p := &Pipeline{ID: r.CreateGraphPipeline.Id, Name: r.CreateGraphPipeline.Name, Alias: r.CreateGraphPipeline.Alias, ProjectID: spec.ProjectID}
	return p, err
}

// PipelineEdit changes a pipeline's metadata; nil fields are kept.
type PipelineEdit struct {
	Name               *string
	Alias              *string
	Description        *string
	Alerting           *Alerting
	Cron               *string
	TimeZone           *string
	ExecutionVariables *bool
}

// Edit changes a pipeline's metadata.
func (m *PipelineManager) Edit(ctx context.Context, id string, e PipelineEdit) (*Pipeline, error) {
	in := gql.PipelineEditionInput{Id: id, Name: e.Name, Alias: e.Alias, Description: e.Description, Alerting: alertingInput(e.Alerting), HasExecutionVariablesEnabled: e.ExecutionVariables, ScheduleTimezone: e.TimeZone}
	if e.Cron != nil {
		in.IsScheduled = ptr(*e.Cron != "")
		in.CronScheduling = optStr(*e.Cron)
	}
	r, err := gql.EditPipeline(ctx, m.c.projects, &in)
	if r == nil || r.EditPipeline.Id == "" {
		return nil, err
	}
	p := pipelineFrom(&r.EditPipeline.PipelineFields)
	return &p, err
}

// Upgrade adds a graph version to a pipeline; it becomes current.
func (m *PipelineManager) Upgrade(ctx context.Context, id string, g Graph, releaseNote, sourceURL string) (*PipelineVersion, error) {
	r, err := gql.AddGraphPipelineVersion(ctx, m.c.projects, id, graphInput(g), ptr(releaseNote), ptr(sourceURL))
	if r == nil || r.AddGraphPipelineVersion.Number == 0 {
		return nil, err
	}
	v := pipelineVersionFrom(&r.AddGraphPipelineVersion.PipelineVersionFields)
	return &v, err
}

// CreateOrUpgrade edits and upgrades the pipeline of that name in the
// project, or creates it; it returns the id and whether it was created.
func (m *PipelineManager) CreateOrUpgrade(ctx context.Context, spec PipelineSpec) (string, bool, error) {
	p, err := m.GetByName(ctx, spec.ProjectID, spec.Name, &DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true})
	if err != nil && !isNotFound(err) {
		return "", false, err
	}
	if p == nil {
		np, err := m.Create(ctx, spec)
		if np == nil {
			return "", false, err
		}
		return np.ID, true, err
	}
	e := PipelineEdit{Description: ptr(spec.Description), Alerting: spec.Alerting, Cron: ptr(spec.Cron), ExecutionVariables: spec.ExecutionVariables}
	if spec.Alias != "" {
		e.Alias = ptr(spec.Alias)
	}
	if spec.TimeZone != "" {
		e.TimeZone = ptr(spec.TimeZone)
	}
	if _, err := m.Edit(ctx, p.ID, e); err != nil {
		return p.ID, false, err
	}
	_, err = m.Upgrade(ctx, p.ID, spec.Graph, spec.ReleaseNote, spec.SourceURL)
	return p.ID, false, err
}

// Rollback makes version number current again.
func (m *PipelineManager) Rollback(ctx context.Context, id string, version int) error {
	r, err := gql.RollbackPipelineVersion(ctx, m.c.projects, id, version)
	if err == nil && (r == nil || r.RollbackPipelineVersion == nil) {
		return &NotFoundError{Kind: "pipeline", Key: id}
	}
	return err
}

// Delete deletes a pipeline (not its jobs).
func (m *PipelineManager) Delete(ctx context.Context, id string) error {
	r, err := gql.DeletePipeline(ctx, m.c.projects, id)
	if err != nil {
		return err
	}
	if !r.DeletePipeline {
		return &NotFoundError{Kind: "pipeline", Key: id}
	}
	return nil
}

// Run starts a pipeline.
func (m *PipelineManager) Run(ctx context.Context, id string) (*PipelineInstance, error) {
	r, err := gql.RunPipeline(ctx, m.c.projects, id)
	if r == nil || r.RunPipeline.Id == "" {
		return nil, orNotFound(err, "pipeline", id)
	}
	in := pipelineInstanceFrom(&r.RunPipeline.PipelineInstanceFields)
	return &in, err
}

// Stop stops a pipeline instance.
func (m *PipelineManager) Stop(ctx context.Context, instanceID string) (*PipelineInstance, error) {
	r, err := gql.StopPipelineInstance(ctx, m.c.projects, instanceID)
	if r == nil || r.StopPipelineInstance.Id == "" {
		return nil, orNotFound(err, "pipeline instance", instanceID)
	}
	in := pipelineInstanceFrom(&r.StopPipelineInstance.PipelineInstanceFields)
	return &in, err
}

// DeleteVersions deletes versions of a pipeline (not the current one).
func (m *PipelineManager) DeleteVersions(ctx context.Context, id string, numbers []int) ([]DeletionResult, error) {
	r, err := gql.DeletePipelineVersions(ctx, m.c.projects, id, numbers)
	var out []DeletionResult
	if r != nil {
		for _, d := range r.DeletePipelineVersions {
			out = append(out, DeletionResult{Number: d.Number, Success: d.Success})
		}
	}
	return out, err
}

// DeleteInstances deletes the given instances of a pipeline.
func (m *PipelineManager) DeleteInstances(ctx context.Context, id string, instanceIDs []string) ([]DeletionResult, error) {
	r, err := gql.DeletePipelineInstances(ctx, m.c.projects, id, instanceIDs)
	var out []DeletionResult
	if r != nil {
		for _, d := range r.DeletePipelineInstances {
			out = append(out, DeletionResult{ID: str(d.Id), Success: boolv(d.Success)})
		}
	}
	return out, err
}

// DeleteInstancesBySelector deletes a pipeline's instances in a state.
func (m *PipelineManager) DeleteInstancesBySelector(ctx context.Context, id string, sel InstanceSelector, exclude, include []string) (int, error) {
	r, err := gql.DeletePipelineInstancesByStatusSelector(ctx, m.c.projects, id, gql.PipelineInstanceStatusSelector(sel), exclude, include)
	if r == nil {
		return 0, err
	}
	return r.DeletePipelineInstancesByStatusSelector, err
}

// DeleteInstancesByDate deletes a pipeline's instances started before t.
func (m *PipelineManager) DeleteInstancesByDate(ctx context.Context, id string, before time.Time, exclude, include []string) (int, error) {
	r, err := gql.DeletePipelineInstancesByDateSelector(ctx, m.c.projects, id, formatTime(before), exclude, include)
	if r == nil {
		return 0, err
	}
	return r.DeletePipelineInstancesByDateSelector, err
}

// CountDeletableInstancesByStatus counts deletable instances per selector.
func (m *PipelineManager) CountDeletableInstancesByStatus(ctx context.Context, id string) (map[InstanceSelector]int, error) {
	r, err := gql.CountDeletablePipelineInstancesByStatus(ctx, m.c.projects, id)
	out := map[InstanceSelector]int{}
	if r != nil {
		for _, c := range r.CountDeletablePipelineInstancesByStatus {
			out[InstanceSelector(c.Selector)] = c.Count
		}
	}
	return out, err
}

// CountDeletableInstancesByDate counts instances started before t.
func (m *PipelineManager) CountDeletableInstancesByDate(ctx context.Context, id string, before time.Time) (int, error) {
	r, err := gql.CountDeletablePipelineInstancesByDate(ctx, m.c.projects, id, formatTime(before))
	if r == nil || r.CountDeletablePipelineInstancesByDate == nil {
		return 0, err
	}
	return *r.CountDeletablePipelineInstancesByDate, err
}

// Duplicate copies a pipeline, and its jobs when duplicateJobs is set.
func (m *PipelineManager) Duplicate(ctx context.Context, id string, duplicateJobs bool) (*Summary, error) {
	r, err := gql.DuplicatePipeline(ctx, m.c.projects, id, &duplicateJobs)
	if r == nil || r.DuplicatePipeline.Id == "" {
		return nil, err
	}
	return &Summary{ID: r.DuplicatePipeline.Id, Name: r.DuplicatePipeline.Name, Alias: r.DuplicatePipeline.Alias}, err
}
