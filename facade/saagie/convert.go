package saagie

import (
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// Conversions from the generated genqlient types (one per fragment in
// specs/saagie/operations/projects/fragments.graphql) to the facade's.

func projectFrom(f *gql.ProjectFields) Project {
	return Project{ID: f.Id, Name: f.Name, Creator: f.Creator, Description: str(f.Description), JobsCount: f.JobsCount, Status: ProjectStatus(f.Status)}
}

type requestLimit interface {
	GetRequest() *float64
	GetLimit() *float64
}

func rl[T requestLimit](v T, isNil bool) *RequestLimit {
	if isNil {
		return nil
	}
	return &RequestLimit{Request: v.GetRequest(), Limit: v.GetLimit()}
}

func jobResources(f *gql.ResourcesFields) *Resources {
	if f == nil {
		return nil
	}
	return &Resources{CPU: rl(f.Cpu, f.Cpu == nil), Memory: rl(f.Memory, f.Memory == nil), GPU: rl(f.Gpu, f.Gpu == nil)}
}

func appResources(f *gql.AppResourcesFields) *Resources {
	if f == nil {
		return nil
	}
	return &Resources{CPU: rl(f.Cpu, f.Cpu == nil), Memory: rl(f.Memory, f.Memory == nil)}
}

func jobAlerting(f *gql.JobAlertingFields) *Alerting {
	if f == nil {
		return nil
	}
	a := &Alerting{Emails: f.Emails}
	for _, s := range f.StatusList {
		a.StatusList = append(a.StatusList, InstanceStatus(s))
	}
	for _, l := range f.LoginEmails {
		if l.Login != nil {
			a.Logins = append(a.Logins, *l.Login)
		}
	}
	return a
}

func jobFrom(f *gql.JobFields) Job {
	j := Job{
		ID: f.Id, Name: f.Name, Alias: str(f.Alias), Description: str(f.Description), Category: f.Category,
		InstanceCount: intv(f.CountJobInstance), IsScheduled: f.IsScheduled, Cron: str(f.CronScheduling),
		TimeZone: str(f.ScheduleTimezone), IsStreaming: f.IsStreaming, Created: parseTime(f.CreationDate),
		OriginalJobID: str(f.OriginalJobId), Deletable: f.IsDeletable, UsesGPU: boolv(f.DoesUseGPU),
	}
	if f.Technology != nil {
		j.TechnologyID = f.Technology.Id
	}
	if f.ScheduleStatus != nil {
		j.ScheduleStatus = string(*f.ScheduleStatus)
	}
	if f.Alerting != nil {
		j.Alerting = jobAlerting(&f.Alerting.JobAlertingFields)
	}
	if f.Resources != nil {
		j.Resources = jobResources(&f.Resources.ResourcesFields)
	}
	for _, p := range f.GraphPipelines {
		j.PipelineIDs = append(j.PipelineIDs, p.Id)
	}
	return j
}

func jobVersionFrom(f *gql.JobVersionFields) JobVersion {
	v := JobVersion{
		Number: f.Number, Created: parseTime(f.CreationDate), ReleaseNote: str(f.ReleaseNote),
		RuntimeVersion: str(f.RuntimeVersion), CommandLine: str(f.CommandLine), Current: f.IsCurrent,
		Major: boolv(f.IsMajor), Creator: f.Creator, SourceURL: str(f.SourceUrl),
	}
	if f.PackageInfo != nil {
		v.ArtifactName, v.DownloadPath = f.PackageInfo.Name, str(f.PackageInfo.DownloadUrl)
	}
	if f.DockerInfo != nil {
		v.DockerImage, v.DockerCredentialsID = f.DockerInfo.Image, str(f.DockerInfo.DockerCredentialsId)
	}
	if f.ExtraTechnology != nil {
		v.ExtraTechnology = &ExtraTechnology{Language: f.ExtraTechnology.Language, Version: f.ExtraTechnology.Version}
	}
	if f.DeletableState != nil {
		v.Deletable = f.DeletableState.Deletable
	}
	return v
}

func jobInstanceFrom(f *gql.JobInstanceFields) JobInstance {
	in := JobInstance{
		ID: f.Id, Number: f.Number, Status: InstanceStatus(f.Status), Start: parseTime(f.StartTime),
		End: parseTimePtr(f.EndTime), JobID: f.JobId, JobAlias: str(f.JobAlias),
		PipelineInstanceID: str(f.PipelineInstanceId), VersionNumber: f.Version.Number,
	}
	// history.currentStatus supersedes the deprecated top-level status.
	if f.History != nil && f.History.CurrentStatus.Status != "" {
		cs := f.History.CurrentStatus
		in.Status = InstanceStatus(cs.Status)
		in.Details = str(cs.Details)
		if cs.Reason != nil {
			in.Reason = string(*cs.Reason)
		}
	}
	return in
}

func jobVersions[T any](items []T, get func(*T) *gql.JobVersionFields) []JobVersion {
	out := make([]JobVersion, 0, len(items))
	for i := range items {
		out = append(out, jobVersionFrom(get(&items[i])))
	}
	return out
}

func jobInstances[T any](items []T, get func(*T) *gql.JobInstanceFields) []JobInstance {
	out := make([]JobInstance, 0, len(items))
	for i := range items {
		out = append(out, jobInstanceFrom(get(&items[i])))
	}
	return out
}

func pipelineFrom(f *gql.PipelineFields) Pipeline {
	p := Pipeline{
		ID: f.Id, Name: f.Name, Alias: f.Alias, Description: str(f.Description),
		ExecutionVariables: boolv(f.HasExecutionVariablesEnabled), InstanceCount: f.PipelineInstanceCount,
		Created: parseTime(f.CreationDate), Creator: f.Creator, IsScheduled: f.IsScheduled,
		Cron: str(f.CronScheduling), TimeZone: str(f.ScheduleTimezone), Legacy: boolv(f.IsLegacyPipeline),
	}
	if f.ScheduleStatus != nil {
		p.ScheduleStatus = string(*f.ScheduleStatus)
	}
	if f.Alerting != nil {
		p.Alerting = jobAlerting(&f.Alerting.JobAlertingFields)
	}
	return p
}

func pipelineVersionFrom(f *gql.PipelineVersionFields) PipelineVersion {
	v := PipelineVersion{
		Number: f.Number, ReleaseNote: str(f.ReleaseNote), Created: parseTime(f.CreationDate), Creator: f.Creator,
		Current: f.IsCurrent, Major: f.IsMajor, SourceURL: str(f.SourceUrl),
	}
	if f.Graph == nil {
		return v
	}
	for _, n := range f.Graph.JobNodes {
		jn := JobNode{ID: n.Id, JobID: n.Job.Id, JobName: n.Job.Name, Next: n.NextNodes}
		if n.Position != nil {
			jn.Position = &Position{X: n.Position.X, Y: n.Position.Y}
		}
		v.Graph.JobNodes = append(v.Graph.JobNodes, jn)
	}
	for _, n := range f.Graph.ConditionNodes {
		cn := ConditionNode{ID: n.Id, OnSuccess: n.NextNodesSuccess, OnFailure: n.NextNodesFailure}
		if n.Position != nil {
			cn.Position = &Position{X: n.Position.X, Y: n.Position.Y}
		}
		switch c := n.Condition.(type) {
		case *gql.PipelineVersionFieldsGraphPipelineGraphConditionNodesConditionNodeConditionConditionStatus:
			cn.Preset = ConditionPreset(c.Value)
		case *gql.PipelineVersionFieldsGraphPipelineGraphConditionNodesConditionNodeConditionConditionExpression:
			cn.Expression = c.Expression
		}
		v.Graph.ConditionNodes = append(v.Graph.ConditionNodes, cn)
	}
	return v
}

func pipelineInstanceFrom(f *gql.PipelineInstanceFields) PipelineInstance {
	in := PipelineInstance{
		ID: f.Id, Number: f.Number, Status: InstanceStatus(f.Status), Start: parseTime(f.StartTime),
		End: parseTimePtr(f.EndTime), PipelineID: str(f.PipelineId), PipelineName: str(f.PipelineName),
		VersionNumber: f.Version.Number,
	}
	for _, v := range f.InitialExecutionVariables {
		in.ExecutionVariables = append(in.ExecutionVariables, ExecutionVariable{Key: v.Key, Value: str(v.Value), Password: v.IsPassword})
	}
	for _, n := range f.NodeStatuses {
		in.Nodes = append(in.Nodes, NodeStatus{NodeID: n.NodeId, Status: InstanceStatus(n.Status)})
	}
	for _, j := range f.JobsInstance {
		in.JobInstances = append(in.JobInstances, JobInstance{ID: j.Id, JobID: j.JobId, Number: j.Number, Status: InstanceStatus(j.Status), Start: parseTime(j.StartTime), End: parseTimePtr(j.EndTime)})
	}
	return in
}

func appVersionFrom(f *gql.AppVersionFields) AppVersion {
	v := AppVersion{
		Number: f.Number, Created: parseTime(f.CreationDate), ReleaseNote: str(f.ReleaseNote),
		RuntimeContextID: str(f.RuntimeContextId), Creator: f.Creator, Major: boolv(f.IsMajor),
	}
	if f.DockerInfo != nil {
		v.DockerImage, v.DockerCredentialsID = f.DockerInfo.Image, str(f.DockerInfo.DockerCredentialsId)
	}
	for _, p := range f.Ports {
		port := Port{Name: str(p.Name), Number: p.Number, RewriteURL: p.IsRewriteUrl, BasePathVariable: str(p.BasePathVariableName), InternalURL: p.InternalUrl}
		if p.Scope != nil {
			port.Scope = ExpositionScope(*p.Scope)
		}
		v.Ports = append(v.Ports, port)
	}
	for _, m := range f.VolumesWithPath {
		sm := StorageMount{Path: m.Path}
		if m.Volume != nil {
			sm.StorageID, sm.Name, sm.Size = m.Volume.Id, m.Volume.Name, m.Volume.Size
		}
		v.Storages = append(v.Storages, sm)
	}
	return v
}

func appHistoryFrom(f *gql.AppHistoryFields) *AppHistory {
	h := &AppHistory{
		ID: f.Id, RunningVersion: f.RunningVersionNumber, Status: AppStatus(f.CurrentStatus),
		StatusReason: str(f.CurrentStatusReason), ExecutionID: str(f.CurrentExecutionId),
		Start: parseTimePtr(f.StartTime), Stop: parseTimePtr(f.StopTime), Author: str(f.Author),
		EventCount: intv(f.CountEvents),
	}
	if f.TriggerType != nil {
		h.TriggerType = string(*f.TriggerType)
	}
	return h
}

func appFrom(f *gql.AppFields) App {
	a := App{ID: f.Id, Name: f.Name, Description: str(f.Description), Created: parseTime(f.CreationDate), Creator: f.Creator, Generic: f.IsGenericApp}
	if f.Technology != nil {
		a.TechnologyID = f.Technology.Id
	}
	if f.Alerting != nil {
		al := &AppAlerting{Emails: f.Alerting.Emails}
		for _, s := range f.Alerting.StatusList {
			al.StatusList = append(al.StatusList, AppStatus(s))
		}
		for _, l := range f.Alerting.LoginEmails {
			if l.Login != nil {
				al.Logins = append(al.Logins, *l.Login)
			}
		}
		a.Alerting = al
	}
	if f.Resources != nil {
		a.Resources = appResources(&f.Resources.AppResourcesFields)
	}
	if f.CurrentVersion != nil {
		v := appVersionFrom(&f.CurrentVersion.AppVersionFields)
		a.CurrentVersion = &v
	}
	if f.History != nil {
		a.History = appHistoryFrom(&f.History.AppHistoryFields)
	}
	for _, v := range f.LinkedVolumes {
		a.StorageIDs = append(a.StorageIDs, v.Id)
	}
	return a
}

func storageFrom(f *gql.VolumeFields) Storage {
	s := Storage{
		ID: f.Id, Name: f.Name, Description: str(f.Description), Size: f.Size, ProjectID: f.ProjectId,
		Created: parseTime(f.CreationDate), Creator: f.Creator, Locked: boolv(f.IsLocked), OriginalID: str(f.OriginalVolumeId),
	}
	if f.DuplicationStatus != nil {
		s.DuplicationStatus = string(*f.DuplicationStatus)
	}
	if f.LinkedApp != nil {
		s.LinkedAppID, s.LinkedAppName = f.LinkedApp.Id, f.LinkedApp.Name
	}
	return s
}

func envVarFrom(f *gql.EnvVarFields) EnvVar {
	v := EnvVar{ID: f.Id, Name: f.Name, Scope: EnvVarScope(f.Scope), Value: str(f.Value), Description: str(f.Description), Password: f.IsPassword, Valid: f.IsValid == nil || *f.IsValid}
	for _, r := range f.InvalidReasons {
		if r != nil {
			v.InvalidReasons = append(v.InvalidReasons, r.Message)
		}
	}
	for _, o := range f.OverriddenValues {
		if o != nil {
			v.Overridden = append(v.Overridden, EnvVarOverride{ID: o.Id, Scope: EnvVarScope(o.Scope), Value: str(o.Value), Description: str(o.Description), Password: o.IsPassword})
		}
	}
	return v
}

func dockerCredentialsFrom(f *gql.DockerCredentialsFields) DockerCredentials {
	d := DockerCredentials{ID: f.Id, Registry: str(f.Registry), Username: f.Username, LastUpdate: parseTime(f.LastUpdate)}
	for _, j := range f.Jobs {
		d.JobIDs = append(d.JobIDs, j.Id)
	}
	for _, a := range f.Apps {
		d.AppIDs = append(d.AppIDs, a.Id)
	}
	return d
}

func resourcesInput(r *Resources) *gql.JobResourceInput {
	if r == nil {
		return nil
	}
	conv := func(v *RequestLimit) *gql.ResourceRequestLimitInput {
		if v == nil {
			return nil
		}
		return &gql.ResourceRequestLimitInput{Request: v.Request, Limit: v.Limit}
	}
	return &gql.JobResourceInput{Cpu: conv(r.CPU), Memory: conv(r.Memory), Gpu: conv(r.GPU)}
}

func appResourcesInput(r *Resources) *gql.AppResourceInput {
	in := resourcesInput(r)
	if in == nil {
		return nil
	}
	return &gql.AppResourceInput{Cpu: in.Cpu, Memory: in.Memory, Gpu: in.Gpu}
}

func alertingInput(a *Alerting) *gql.JobPipelineAlertingInput {
	if a == nil {
		return nil
	}
	in := &gql.JobPipelineAlertingInput{Emails: a.Emails, Logins: a.Logins}
	for _, s := range a.StatusList {
		in.StatusList = append(in.StatusList, gql.InstanceStatus(s))
	}
	if in.StatusList == nil {
		in.StatusList = []gql.InstanceStatus{gql.InstanceStatusFailed}
	}
	return in
}

func appAlertingInput(a *AppAlerting) *gql.AppAlertingInput {
	if a == nil {
		return nil
	}
	in := &gql.AppAlertingInput{Emails: a.Emails, Logins: a.Logins}
	for _, s := range a.StatusList {
		in.StatusList = append(in.StatusList, gql.AppStatus(s))
	}
	if in.StatusList == nil {
		in.StatusList = []gql.AppStatus{gql.AppStatusFailed}
	}
	return in
}
