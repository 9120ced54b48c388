package saagie

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// JobManager manages jobs (saagieapi's saagie.jobs).
type JobManager struct{ c *Client }

// DetailOptions choose how much of a job's or pipeline's history a read
// returns. The zero value returns every version and every instance, like
// saagieapi's defaults.
type DetailOptions struct {
	// InstancesLimit caps the instances returned (newest first); 0 = all.
	InstancesLimit int
	// VersionsLimit caps the versions returned; 0 = all.
	VersionsLimit int
	// OnlyCurrentVersion returns the current version only.
	OnlyCurrentVersion bool
}

func (o *DetailOptions) vars() (inst, vers *int, only *bool) {
	if o == nil {
		return nil, nil, nil
	}
	if o.InstancesLimit > 0 {
		inst = ptr(o.InstancesLimit)
	}
	if o.VersionsLimit > 0 {
		vers = ptr(o.VersionsLimit)
	}
	if o.OnlyCurrentVersion {
		only = ptr(true)
	}
	return
}

// Summary is the minimal form of a job, pipeline or app: what the
// "minimal" listings return.
type Summary struct {
	ID    string
	Name  string
	Alias string
}

// List returns every job of a project with its versions and instances.
func (m *JobManager) List(ctx context.Context, projectID string, opts *DetailOptions) ([]Job, error) {
	inst, vers, only := opts.vars()
	r, err := gql.ListJobs(ctx, m.c.projects, projectID, inst, vers, only)
	var out []Job
	if r != nil {
		out = sized[Job](len(r.Jobs))
		for i := range r.Jobs {
			f := &r.Jobs[i]
			j := jobFrom(f)
			j.ProjectID = projectID
			j.Versions = jobVersions(f.Versions)
			j.Instances = jobInstances(f.Instances)
			out = append(out, j)
		}
	}
	return out, err
}

// ListMinimal returns the id, name and alias of every job of a project.
func (m *JobManager) ListMinimal(ctx context.Context, projectID string) ([]Summary, error) {
	r, err := gql.ListJobsMinimal(ctx, m.c.projects, projectID)
	var out []Summary
	if r != nil {
		out = sized[Summary](len(r.Jobs))
		for _, j := range r.Jobs {
			out = append(out, Summary{ID: j.Id, Name: j.Name, Alias: str(j.Alias)})
		}
	}
	return out, err
}

// Get returns one job with its versions and instances.
func (m *JobManager) Get(ctx context.Context, id string, opts *DetailOptions) (*Job, error) {
	inst, vers, only := opts.vars()
	r, err := gql.GetJob(ctx, m.c.projects, id, inst, vers, only)
	if r == nil || r.Job == nil {
		return nil, orNotFound(err, "job", id)
	}
	f := r.Job
	j := jobFrom(&f.JobFields)
	j.ProjectID, j.ProjectName = f.Project.Id, f.Project.Name
	j.Versions = jobVersions(f.Versions)
	j.Instances = jobInstances(f.Instances)
	return &j, err
}

// GetByAlias looks a job up by its alias within a project, server-side.
func (m *JobManager) GetByAlias(ctx context.Context, projectID, alias string, opts *DetailOptions) (*Job, error) {
	inst, vers, only := opts.vars()
	r, err := gql.GetJobByAlias(ctx, m.c.projects, projectID, alias, inst, vers, only)
	if r == nil || r.JobByAlias == nil {
		return nil, orNotFound(err, "job", alias)
	}
	f := r.JobByAlias
	j := jobFrom(&f.JobFields)
	j.ProjectID, j.ProjectName = f.Project.Id, f.Project.Name
	j.Versions = jobVersions(f.Versions)
	j.Instances = jobInstances(f.Instances)
	return &j, err
}

// ID returns the id of the job named jobName in the project named
// projectName (saagieapi's get_id): the project by name server-side, then
// an exact, case-sensitive match on the minimal job list (the server has
// no job-by-name query).
func (m *JobManager) ID(ctx context.Context, jobName, projectName string) (string, error) {
	pid, err := m.c.Projects.ID(ctx, projectName)
	if err != nil {
		return "", err
	}
	return m.idIn(ctx, pid, jobName)
}

func (m *JobManager) idIn(ctx context.Context, projectID, name string) (string, error) {
	jobs, err := m.ListMinimal(ctx, projectID)
	if err != nil {
		return "", err
	}
	for _, j := range jobs {
		if j.Name == name {
			return j.ID, nil
		}
	}
	return "", &NotFoundError{Kind: "job", Key: name}
}

// Instance returns one job instance with its execution variables.
func (m *JobManager) Instance(ctx context.Context, instanceID string) (*JobInstance, error) {
	r, err := gql.GetJobInstance(ctx, m.c.projects, instanceID)
	if r == nil || r.JobInstance == nil {
		return nil, orNotFound(err, "job instance", instanceID)
	}
	in := jobInstanceFrom(&r.JobInstance.JobInstanceFields)
	for _, v := range r.JobInstance.ExecutionGlobalVariablesInput {
		if v != nil {
			in.GlobalVariables = append(in.GlobalVariables, ExecutionVariable{Key: v.Key, Value: str(v.Value), Password: v.IsPassword})
		}
	}
	for _, v := range r.JobInstance.ExecutionVariablesOutput {
		if v != nil {
			in.OutputVariables = append(in.OutputVariables, ExecutionVariable{Key: v.Key, Value: str(v.Value), Password: v.IsPassword})
		}
	}
	return &in, err
}

// instancePage is how many instances each request of Instances asks for.
const instancePage = 50

// Instances iterates over a job's instances, newest first, fetching
// pages of 50 with the nested limit/skip arguments (the one place the
// Projects API really pages).
func (m *JobManager) Instances(ctx context.Context, jobID string) iter.Seq2[JobInstance, error] {
	return paging.SeqWith(ctx, m.c.pager, 0, func(ctx context.Context, skip int) (paging.Page[JobInstance, int], error) {
		r, err := gql.ListJobInstances(ctx, m.c.projects, jobID, ptr(instancePage), ptr(skip))
		if err != nil {
			return paging.Page[JobInstance, int]{}, err
		}
		if r.Job == nil {
			return paging.Page[JobInstance, int]{}, &NotFoundError{Kind: "job", Key: jobID}
		}
		items := jobInstances(r.Job.Instances)
		return paging.Page[JobInstance, int]{Items: items, Next: skip + len(items), More: len(items) == instancePage}, nil
	})
}

// JobSpec describes a job to create (saagieapi's jobs.create arguments).
type JobSpec struct {
	ProjectID   string
	Name        string
	Alias       string
	Description string
	// Category is Extraction, Processing (default) or Smart App.
	Category string
	// TechnologyID is the catalog technology; or give Technology (a label
	// such as "python", matched case-insensitively) and Catalog (default
	// "Saagie") to have it looked up.
	TechnologyID string
	Technology   string
	Catalog      string
	// RuntimeVersion is the technology context id, e.g. "3.10".
	RuntimeVersion string
	CommandLine    string
	ReleaseNote    string
	// File is the artifact, sent as a GraphQL multipart upload.
	File            *File
	ExtraTechnology *ExtraTechnology
	// Cron schedules the job (five fields); TimeZone defaults to UTC.
	Cron      string
	TimeZone  string
	Resources *Resources
	Alerting  *Alerting
	SourceURL string
	// DockerImage and DockerCredentialsID run a Docker image technology.
	DockerImage         string
	DockerCredentialsID string
}

// Create creates a job and its first version; the artifact, if any, is
// uploaded in the same request.
func (m *JobManager) Create(ctx context.Context, spec JobSpec) (*Job, error) {
	if spec.ProjectID == "" || strings.TrimSpace(spec.Name) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "job", Reason: "project id and name are required", Err: facade.ErrValidation}
	}
	category := spec.Category
	if category == "" {
		category = "Processing"
	}
	switch category {
	case "Extraction", "Processing", "Smart App":
	default:
		return nil, &facade.ConfigError{Platform: platform, Setting: "job category", Value: category, Reason: "must be Extraction, Processing or Smart App", Err: facade.ErrValidation}
	}
	techID := spec.TechnologyID
	if techID == "" {
		t, err := m.c.Technologies.Find(ctx, spec.Technology, spec.Catalog)
		if err != nil {
			return nil, err
		}
		techID = t.ID
	}
	tz := spec.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	job := gql.JobInput{
		ProjectId: spec.ProjectID, Name: spec.Name, Alias: optStr(spec.Alias), Description: ptr(spec.Description),
		Category: category, Technology: gql.TechnologyInput{Id: techID}, IsScheduled: spec.Cron != "",
		CronScheduling: optStr(spec.Cron), ScheduleTimezone: ptr(tz), Alerting: alertingInput(spec.Alerting),
		DoesUseGPU: ptr(false), Resources: resourcesInput(spec.Resources),
	}
	version := gql.JobVersionInput{
		ReleaseNote: ptr(spec.ReleaseNote), RuntimeVersion: optStr(spec.RuntimeVersion), CommandLine: optStr(spec.CommandLine),
		SourceUrl: ptr(spec.SourceURL),
	}
	if spec.ExtraTechnology != nil {
		version.ExtraTechnology = &gql.ExtraTechnologyInput{Language: spec.ExtraTechnology.Language, Version: spec.ExtraTechnology.Version}
	}
	if spec.DockerImage != "" {
		version.DockerInfo = &gql.JobDockerInput{Image: spec.DockerImage, DockerCredentialsId: optStr(spec.DockerCredentialsID)}
	}
	r, err := gql.CreateJob(withUpload(ctx, "file", spec.File), m.c.projects, job, version, nil)
	if r == nil || r.CreateJob.Id == "" {
		return nil, err
	}
	j := &Job{ID: r.CreateJob.Id, Name: r.CreateJob.Name, ProjectID: spec.ProjectID, Category: category, TechnologyID: techID}
	for _, v := range r.CreateJob.Versions {
		j.Versions = append(j.Versions, JobVersion{Number: v.Number, Current: true})
	}
	return j, err
}

// JobEdit changes a job's metadata; nil fields are left as they are. It
// creates no version.
type JobEdit struct {
	Name        *string
	Alias       *string
	Description *string
	// Cron set to "" unschedules the job.
	Cron      *string
	TimeZone  *string
	Resources *Resources
	// Alerting with no e-mails and no logins removes the alerting.
	Alerting *Alerting
}

// Edit changes a job's metadata.
func (m *JobManager) Edit(ctx context.Context, id string, e JobEdit) (*Job, error) {
	in := gql.JobEditionInput{Id: id, Name: e.Name, Alias: e.Alias, Description: e.Description, ScheduleTimezone: e.TimeZone, Resources: resourcesInput(e.Resources), Alerting: alertingInput(e.Alerting)}
	if e.Cron != nil {
		in.IsScheduled = ptr(*e.Cron != "")
		in.CronScheduling = optStr(*e.Cron)
	}
	r, err := gql.EditJob(ctx, m.c.projects, in)
	if r == nil || r.EditJob.Id == "" {
		return nil, err
	}
	j := jobFrom(&r.EditJob.JobFields)
	return &j, err
}

// JobUpgrade describes a new version. Empty fields take the current
// version's values (runtime, command line, Docker image), and without a
// File the current artifact is kept, as saagieapi's jobs.upgrade does.
type JobUpgrade struct {
	File                *File
	RuntimeVersion      string
	CommandLine         string
	ReleaseNote         string
	ExtraTechnology     *ExtraTechnology
	SourceURL           string
	DockerImage         string
	DockerCredentialsID string
}

// Upgrade adds a version to a job; it becomes the current version.
func (m *JobManager) Upgrade(ctx context.Context, id string, up JobUpgrade) (*JobVersion, error) {
	job, err := m.Get(ctx, id, &DetailOptions{OnlyCurrentVersion: true, InstancesLimit: 1})
	if err != nil {
		return nil, err
	}
	in := gql.JobVersionInput{ReleaseNote: ptr(up.ReleaseNote), SourceUrl: ptr(up.SourceURL)}
	cur := job.CurrentVersion()
	runtime, cmd, image, creds := up.RuntimeVersion, up.CommandLine, up.DockerImage, up.DockerCredentialsID
	if cur != nil {
		runtime = cmpOr(runtime, cur.RuntimeVersion)
		cmd = cmpOr(cmd, cur.CommandLine)
		if image == "" {
			image, creds = cur.DockerImage, cmpOr(creds, cur.DockerCredentialsID)
		}
		if up.File == nil && cur.ArtifactName != "" {
			in.UsePreviousArtifact = ptr(true)
		}
		if up.ExtraTechnology == nil && cur.ExtraTechnology != nil {
			up.ExtraTechnology = cur.ExtraTechnology
		}
	}
	in.RuntimeVersion, in.CommandLine = optStr(runtime), optStr(cmd)
	if image != "" {
		in.DockerInfo = &gql.JobDockerInput{Image: image, DockerCredentialsId: optStr(creds)}
	}
	if up.ExtraTechnology != nil {
		in.ExtraTechnology = &gql.ExtraTechnologyInput{Language: up.ExtraTechnology.Language, Version: up.ExtraTechnology.Version}
	}
	r, err := gql.AddJobVersion(withUpload(ctx, "file", up.File), m.c.projects, id, in, nil)
	if r == nil || r.AddJobVersion.Number == 0 {
		return nil, err
	}
	v := jobVersionFrom(&r.AddJobVersion.JobVersionFields)
	return &v, err
}

// UpgradeByName upgrades the job named jobName in the project named
// projectName.
func (m *JobManager) UpgradeByName(ctx context.Context, jobName, projectName string, up JobUpgrade) (*JobVersion, error) {
	id, err := m.ID(ctx, jobName, projectName)
	if err != nil {
		return nil, err
	}
	return m.Upgrade(ctx, id, up)
}

// CreateOrUpgrade upgrades (then edits the schedule, description,
// resources and alerting of) the job of that name in the project, or
// creates it. It returns the job's id and whether it was created.
func (m *JobManager) CreateOrUpgrade(ctx context.Context, spec JobSpec) (id string, created bool, err error) {
	id, err = m.idIn(ctx, spec.ProjectID, spec.Name)
	if err != nil {
		if !isNotFound(err) {
			return "", false, err
		}
		j, err := m.Create(ctx, spec)
		if j == nil {
			return "", false, err
		}
		return j.ID, true, err
	}
	if _, err := m.Upgrade(ctx, id, JobUpgrade{File: spec.File, RuntimeVersion: spec.RuntimeVersion, CommandLine: spec.CommandLine, ReleaseNote: spec.ReleaseNote, ExtraTechnology: spec.ExtraTechnology, SourceURL: spec.SourceURL, DockerImage: spec.DockerImage, DockerCredentialsID: spec.DockerCredentialsID}); err != nil {
		return id, false, err
	}
	e := JobEdit{Description: ptr(spec.Description), Cron: ptr(spec.Cron), Resources: spec.Resources, Alerting: spec.Alerting}
	if spec.TimeZone != "" {
		e.TimeZone = ptr(spec.TimeZone)
	}
	_, err = m.Edit(ctx, id, e)
	return id, false, err
}

// Rollback makes version number the current version again.
func (m *JobManager) Rollback(ctx context.Context, id string, version int) error {
	r, err := gql.RollbackJobVersion(ctx, m.c.projects, id, version)
	if err == nil && (r == nil || r.RollbackJobVersion == nil) {
		return &NotFoundError{Kind: "job", Key: id}
	}
	return err
}

// Delete deletes a job.
func (m *JobManager) Delete(ctx context.Context, id string) error {
	r, err := gql.DeleteJob(ctx, m.c.projects, id)
	if err != nil {
		return err
	}
	if r.DeleteJob == nil || !*r.DeleteJob {
		return &NotFoundError{Kind: "job", Key: id}
	}
	return nil
}

// Run starts a job; the instance starts in REQUESTED.
func (m *JobManager) Run(ctx context.Context, id string) (*JobInstance, error) {
	r, err := gql.RunJob(ctx, m.c.projects, id)
	if r == nil || r.RunJob.Id == "" {
		return nil, orNotFound(err, "job", id)
	}
	in := jobInstanceFrom(&r.RunJob.JobInstanceFields)
	return &in, err
}

// Stop stops a job instance.
func (m *JobManager) Stop(ctx context.Context, instanceID string) (*JobInstance, error) {
	r, err := gql.StopJobInstance(ctx, m.c.projects, instanceID)
	if r == nil || r.StopJobInstance.Id == "" {
		return nil, orNotFound(err, "job instance", instanceID)
	}
	in := jobInstanceFrom(&r.StopJobInstance.JobInstanceFields)
	return &in, err
}

// DeletionResult says whether one instance or version was deleted.
type DeletionResult struct {
	ID      string
	Number  int
	Success bool
}

// DeleteInstances deletes the given instances of a job.
func (m *JobManager) DeleteInstances(ctx context.Context, jobID string, instanceIDs []string) ([]DeletionResult, error) {
	r, err := gql.DeleteJobInstances(ctx, m.c.projects, jobID, instanceIDs)
	var out []DeletionResult
	if r != nil {
		for _, d := range r.DeleteJobInstances {
			out = append(out, DeletionResult{ID: str(d.Id), Success: boolv(d.Success)})
		}
	}
	return out, err
}

// InstanceSelector picks instances by final state: ALL, SUCCEEDED,
// FAILED, STOPPED or UNKNOWN.
type InstanceSelector string

// Instance selectors.
const (
	SelectAll       InstanceSelector = "ALL"
	SelectSucceeded InstanceSelector = "SUCCEEDED"
	SelectFailed    InstanceSelector = "FAILED"
	SelectStopped   InstanceSelector = "STOPPED"
	SelectUnknown   InstanceSelector = "UNKNOWN"
)

// DeleteInstancesBySelector deletes a job's instances in a state, minus
// exclude, plus include; it returns how many were deleted.
func (m *JobManager) DeleteInstancesBySelector(ctx context.Context, jobID string, sel InstanceSelector, exclude, include []string) (int, error) {
	r, err := gql.DeleteJobInstancesBySelector(ctx, m.c.projects, jobID, gql.JobInstanceSelector(sel), exclude, include)
	if r == nil {
		return 0, err
	}
	return r.DeleteJobInstancesBySelector, err
}

// DeleteInstancesByDate deletes a job's instances that started before t.
func (m *JobManager) DeleteInstancesByDate(ctx context.Context, jobID string, before time.Time, exclude, include []string) (int, error) {
	r, err := gql.DeleteJobInstancesByDate(ctx, m.c.projects, jobID, formatTime(before), exclude, include)
	if r == nil {
		return 0, err
	}
	return r.DeleteJobInstancesByDate, err
}

// DeleteVersions deletes versions of a job (not the current one).
func (m *JobManager) DeleteVersions(ctx context.Context, jobID string, numbers []int) ([]DeletionResult, error) {
	r, err := gql.DeleteJobVersions(ctx, m.c.projects, jobID, numbers)
	var out []DeletionResult
	if r != nil {
		for _, d := range r.DeleteJobVersions {
			out = append(out, DeletionResult{Number: d.Number, Success: d.Success})
		}
	}
	return out, err
}

// Duplicate copies a job in its project; it returns the copy.
func (m *JobManager) Duplicate(ctx context.Context, id string) (*Summary, error) {
	r, err := gql.DuplicateJob(ctx, m.c.projects, id)
	if r == nil || r.DuplicateJob.Id == "" {
		return nil, err
	}
	return &Summary{ID: r.DuplicateJob.Id, Name: r.DuplicateJob.Name}, err
}

// CountDeletableInstancesByStatus counts a job's deletable instances per
// selector.
func (m *JobManager) CountDeletableInstancesByStatus(ctx context.Context, jobID string) (map[InstanceSelector]int, error) {
	r, err := gql.CountJobInstancesBySelector(ctx, m.c.projects, jobID)
	out := map[InstanceSelector]int{}
	if r != nil {
		for _, c := range r.CountJobInstancesBySelector {
			out[InstanceSelector(c.Selector)] = c.Count
		}
	}
	return out, err
}

// CountDeletableInstancesByDate counts a job's instances started before t.
func (m *JobManager) CountDeletableInstancesByDate(ctx context.Context, jobID string, before time.Time) (int, error) {
	r, err := gql.CountJobInstancesByDate(ctx, m.c.projects, jobID, formatTime(before))
	if r == nil || r.CountJobInstancesByDate == nil {
		return 0, err
	}
	return *r.CountJobInstancesByDate, err
}

// Move moves a job to another project, possibly on another platform; it
// returns the job's new id.
func (m *JobManager) Move(ctx context.Context, jobID string, targetPlatformID int, targetProjectID string) (string, error) {
	r, err := gql.MoveJob(ctx, m.c.projects, jobID, targetPlatformID, targetProjectID)
	if r == nil {
		return "", err
	}
	return r.MoveJob, err
}

// DownloadArtifact writes the artifact of a job version to w. The path is
// the version's DownloadPath (packageInfo.downloadUrl), which must point
// under /projects/api/platform/; it is fetched with the client's token.
func (m *JobManager) DownloadArtifact(ctx context.Context, v *JobVersion, w io.Writer) (int64, error) {
	const op = "DownloadJobArtifact"
	if v == nil || v.DownloadPath == "" {
		return 0, &facade.ConfigError{Platform: platform, Setting: "job version", Reason: "has no artifact to download", Err: facade.ErrNotFound}
	}
	path := v.DownloadPath
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasPrefix(path, "/projects/api/platform/") || strings.Contains(path, "..") {
		return 0, &facade.ConfigError{Platform: platform, Setting: "download URL", Value: path, Reason: "is not a Saagie artifact path", Err: facade.ErrValidation}
	}
	req, err := http.NewRequestWithContext(transport.NoTimeout(transport.QuietBody(ctx)), http.MethodGet, m.c.base+path, nil)
	if err != nil {
		return 0, &facade.ConfigError{Platform: platform, Setting: "download URL", Value: path, Err: err}
	}
	resp, err := m.c.http.Do(req)
	resp, err = wire.Check(m.c.call(op), resp, err)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, &facade.TransportError{Platform: platform, Operation: op, Method: http.MethodGet, URL: m.c.base + path, Err: fmt.Errorf("reading the artifact: %w", err)}
	}
	return n, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isNotFound(err error) bool { return err != nil && errorsIs(err, facade.ErrNotFound) }
