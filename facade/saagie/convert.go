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

// jobSource is the JobFields selection as genqlient generates it: the
// fragment's own type, or the type of an operation that writes the fields
// out (ListJobs, to decode in one pass). Both have the same getters and
// nested types, so one conversion serves both.
type jobSource interface {
	GetId() string
	GetName() string
	GetAlias() *string
	GetDescription() *string
	GetCategory() string
	GetTechnology() *gql.JobTechnology
	GetCountJobInstance() *int
	GetIsScheduled() bool
	GetCronScheduling() *string
	GetScheduleStatus() *gql.ScheduleStatus
	GetScheduleTimezone() *string
	GetAlerting() *gql.JobAlertingFields
	GetIsStreaming() bool
	GetCreationDate() string
	GetOriginalJobId() *string
	GetIsDeletable() bool
	GetDoesUseGPU() *bool
	GetResources() *gql.ResourcesFields
	GetGraphPipelines() []gql.JobGraphPipeline
}

func jobFrom[F jobSource](f F) Job {
	j := Job{
		ID: f.GetId(), Name: f.GetName(), Alias: str(f.GetAlias()), Description: str(f.GetDescription()), Category: f.GetCategory(),
		InstanceCount: intv(f.GetCountJobInstance()), IsScheduled: f.GetIsScheduled(), Cron: str(f.GetCronScheduling()),
		TimeZone: str(f.GetScheduleTimezone()), IsStreaming: f.GetIsStreaming(), Created: parseTime(f.GetCreationDate()),
		OriginalJobID: str(f.GetOriginalJobId()), Deletable: f.GetIsDeletable(), UsesGPU: boolv(f.GetDoesUseGPU()),
	}
	if t := f.GetTechnology(); t != nil {
		j.TechnologyID = t.Id
	}
	if s := f.GetScheduleStatus(); s != nil {
		j.ScheduleStatus = string(*s)
	}
	if a := f.GetAlerting(); a != nil {
		j.Alerting = jobAlerting(a)
	}
	if r := f.GetResources(); r != nil {
		j.Resources = jobResources(r)
	}
	for _, p := range f.GetGraphPipelines() {
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

func jobVersions(items []gql.JobVersionFields) []JobVersion {
	out := make([]JobVersion, 0, len(items))
	for i := range items {
		out = append(out, jobVersionFrom(&items[i]))
	}
	return out
}

func jobInstances(items []gql.JobInstanceFields) []JobInstance {
	out := make([]JobInstance, 0, len(items))
	for i := range items {
		out = append(out, jobInstanceFrom(&items[i]))
	}
	return out
}

// pipelineSource is the PipelineFields selection as genqlient generates
// it: the fragment's type or ListPipelines' written-out one (see
// jobSource).
type pipelineSource interface {
	GetId() string
	GetName() string
	GetAlias() string
	GetDescription() *string
	GetAlerting() *gql.JobAlertingFields
	GetHasExecutionVariablesEnabled() *bool
	GetPipelineInstanceCount() int
	GetCreationDate() string
	GetCreator() string
	GetIsScheduled() bool
	GetCronScheduling() *string
	GetScheduleStatus() *gql.ScheduleStatus
	GetScheduleTimezone() *string
	GetIsLegacyPipeline() *bool
}

func pipelineFrom[F pipelineSource](f F) Pipeline {
	p := Pipeline{
		ID: f.GetId(), Name: f.GetName(), Alias: f.GetAlias(), Description: str(f.GetDescription()),
		ExecutionVariables: boolv(f.GetHasExecutionVariablesEnabled()), InstanceCount: f.GetPipelineInstanceCount(),
		Created: parseTime(f.GetCreationDate()), Creator: f.GetCreator(), IsScheduled: f.GetIsScheduled(),
		Cron: str(f.GetCronScheduling()), TimeZone: str(f.GetScheduleTimezone()), Legacy: boolv(f.GetIsLegacyPipeline()),
	}
	if s := f.GetScheduleStatus(); s != nil {
		p.ScheduleStatus = string(*s)
	}
	if a := f.GetAlerting(); a != nil {
		p.Alerting = jobAlerting(a)
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

// appSource is the AppFields selection as genqlient generates it: the
// fragment's type or ListApps' written-out one (see jobSource).
type appSource interface {
	GetId() string
	GetName() string
	GetDescription() *string
	GetCreationDate() string
	GetCreator() string
	GetIsGenericApp() bool
	GetTechnology() *gql.AppTechnology
	GetAlerting() *gql.AppAlerting
	GetResources() *gql.AppResourcesFields
	GetCurrentVersion() *gql.AppVersionFields
	GetHistory() *gql.AppHistoryFields
	GetLinkedVolumes() []gql.AppLinkedVolume
}

func appFrom[F appSource](f F) App {
	a := App{ID: f.GetId(), Name: f.GetName(), Description: str(f.GetDescription()), Created: parseTime(f.GetCreationDate()), Creator: f.GetCreator(), Generic: f.GetIsGenericApp()}
	if t := f.GetTechnology(); t != nil {
		a.TechnologyID = t.Id
	}
	if fa := f.GetAlerting(); fa != nil {
		al := &AppAlerting{Emails: fa.Emails}
		for _, s := range fa.StatusList {
			al.StatusList = append(al.StatusList, AppStatus(s))
		}
		for _, l := range fa.LoginEmails {
			if l.Login != nil {
				al.Logins = append(al.Logins, *l.Login)
			}
		}
		a.Alerting = al
	}
	if r := f.GetResources(); r != nil {
		a.Resources = appResources(r)
	}
	if cv := f.GetCurrentVersion(); cv != nil {
		v := appVersionFrom(cv)
		a.CurrentVersion = &v
	}
	if h := f.GetHistory(); h != nil {
		a.History = appHistoryFrom(h)
	}
	for _, v := range f.GetLinkedVolumes() {
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
