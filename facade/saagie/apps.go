package saagie

import (
	"context"
	"iter"
	"net/http"
	"strings"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/saagieapi"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// AppManager manages apps (saagieapi's saagie.apps).
type AppManager struct{ c *Client }

// List returns every app of a project with its versions and history.
func (m *AppManager) List(ctx context.Context, projectID string) ([]App, error) {
	r, err := gql.ListApps(ctx, m.c.projects, projectID)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", projectID)
	}
	out := sized[App](len(r.Project.Apps))
	for i := range r.Project.Apps {
		f := &r.Project.Apps[i]
		a := appFrom(f)
		a.ProjectID = projectID
		a.Versions = sized[AppVersion](len(f.Versions))
		for j := range f.Versions {
			a.Versions = append(a.Versions, appVersionFrom(&f.Versions[j]))
		}
		out = append(out, a)
	}
	return out, err
}

// ListMinimal returns the id and name of every app of a project.
func (m *AppManager) ListMinimal(ctx context.Context, projectID string) ([]Summary, error) {
	r, err := gql.ListAppsMinimal(ctx, m.c.projects, projectID)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", projectID)
	}
	out := sized[Summary](len(r.Project.Apps))
	for _, a := range r.Project.Apps {
		out = append(out, Summary{ID: a.Id, Name: a.Name})
	}
	return out, err
}

// Get returns one app.
func (m *AppManager) Get(ctx context.Context, id string) (*App, error) {
	r, err := gql.GetApp(ctx, m.c.projects, id)
	if r == nil || r.App == nil {
		return nil, orNotFound(err, "app", id)
	}
	a := appFrom(&r.App.AppFields)
	a.ProjectID, a.ProjectName = r.App.Project.Id, r.App.Project.Name
	for j := range r.App.Versions {
		a.Versions = append(a.Versions, appVersionFrom(&r.App.Versions[j]))
	}
	return &a, err
}

// ID returns the id of the app named name in the project named
// projectName (exact match on the minimal list; there is no by-name query).
func (m *AppManager) ID(ctx context.Context, name, projectName string) (string, error) {
	pid, err := m.c.Projects.ID(ctx, projectName)
	if err != nil {
		return "", err
	}
	apps, err := m.ListMinimal(ctx, pid)
	if err != nil {
		return "", err
	}
	for _, a := range apps {
		if a.Name == name {
			return a.ID, nil
		}
	}
	return "", &NotFoundError{Kind: "app", Key: name}
}

type appEventDetail interface {
	GetAuthor() *string
	GetTriggerType() *gql.TriggerType
}

// Events iterates over an app's history, newest first, 50 a page.
func (m *AppManager) Events(ctx context.Context, id string) iter.Seq2[AppEvent, error] {
	return paging.SeqWith(ctx, m.c.pager, 0, func(ctx context.Context, skip int) (paging.Page[AppEvent, int], error) {
		r, err := gql.ListAppHistoryEvents(ctx, m.c.projects, id, ptr(instancePage), ptr(skip))
		if err != nil {
			return paging.Page[AppEvent, int]{}, err
		}
		if r.App == nil {
			return paging.Page[AppEvent, int]{}, &NotFoundError{Kind: "app", Key: id}
		}
		if r.App.History == nil {
			return paging.Page[AppEvent, int]{}, nil
		}
		var items []AppEvent
		for _, e := range r.App.History.Events {
			ev := e.Action.Event
			out := AppEvent{ID: e.Id}
			if ev != nil {
				out.Kind = str(ev.GetTypename())
				out.RecordAt = parseTime(ev.GetRecordAt())
				out.ExecutionID = ev.GetExecutionId()
				out.VersionNumber = ev.GetVersionNumber()
				if s, ok := ev.(*gql.ListAppHistoryEventsAppHistoryEventsStatusHistoryByActionActionStatusHistoryEventStatusRetrieve); ok {
					out.Status, out.Reason = AppStatus(s.Status), str(s.Reason)
				}
				if d, ok := ev.(appEventDetail); ok {
					out.Author = str(d.GetAuthor())
					if t := d.GetTriggerType(); t != nil {
						out.TriggerType = string(*t)
					}
				}
			}
			items = append(items, out)
		}
		return paging.Page[AppEvent, int]{Items: items, Next: skip + len(items), More: len(items) == instancePage}, nil
	})
}

// AppSpec describes an app built from a Docker image (saagieapi's
// create_from_scratch) or from a catalog context.
type AppSpec struct {
	ProjectID   string
	Name        string
	Description string
	// Image is the Docker image; or set TechnologyID and ContextID (a
	// catalog app technology and one of its contexts).
	Image               string
	DockerCredentialsID string
	// TechnologyID defaults to the "Docker image" technology of the
	// Saagie catalog.
	TechnologyID string
	ContextID    string
	Ports        []Port
	Storages     []StorageMount
	ReleaseNote  string
	Alerting     *AppAlerting
	Resources    *Resources
}

func portsInput(ports []Port) []gql.PortInput {
	out := []gql.PortInput{}
	for _, p := range ports {
		in := gql.PortInput{Name: optStr(p.Name), Number: p.Number, IsRewriteUrl: p.RewriteURL, BasePathVariableName: optStr(p.BasePathVariable)}
		if p.Scope != "" {
			s := gql.ExpositionScope(p.Scope)
			in.Scope = &s
		}
		out = append(out, in)
	}
	return out
}

func mountsInput(m []StorageMount) []*gql.VolumeWithPathInput {
	var out []*gql.VolumeWithPathInput
	for _, v := range m {
		out = append(out, &gql.VolumeWithPathInput{Path: v.Path, VolumeId: v.StorageID})
	}
	return out
}

// Create creates an app from a Docker image or a catalog context.
func (m *AppManager) Create(ctx context.Context, spec AppSpec) (*App, error) {
	if spec.ProjectID == "" || strings.TrimSpace(spec.Name) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "app", Reason: "project id and name are required", Err: facade.ErrValidation}
	}
	if (spec.Image == "") == (spec.ContextID == "") {
		return nil, &facade.ConfigError{Platform: platform, Setting: "app", Reason: "give exactly one of an image and a catalog context", Err: facade.ErrValidation}
	}
	for _, p := range spec.Ports {
		if p.Number <= 0 || p.Number > 65535 {
			return nil, &facade.ConfigError{Platform: platform, Setting: "app port", Reason: "port numbers must be between 1 and 65535", Err: facade.ErrValidation}
		}
	}
	tech := spec.TechnologyID
	if tech == "" {
		t, err := m.c.Technologies.Find(ctx, "Docker image", "Saagie")
		if err != nil {
			return nil, err
		}
		tech = t.ID
	}
	v := gql.AppVersionInput{Ports: portsInput(spec.Ports), VolumesWithPath: mountsInput(spec.Storages), ReleaseNote: ptr(spec.ReleaseNote)}
	if spec.ContextID != "" {
		v.RuntimeContextId = ptr(spec.ContextID)
	} else {
		v.DockerInfo = &gql.AppDockerInput{Image: spec.Image, DockerCredentialsId: optStr(spec.DockerCredentialsID)}
	}
	r, err := gql.CreateApp(ctx, m.c.projects, gql.AppInput{
		ProjectId: spec.ProjectID, Name: spec.Name, Description: ptr(spec.Description), TechnologyId: tech,
		Version: v, Alerting: appAlertingInput(spec.Alerting), Resources: appResourcesInput(spec.Resources),
	})
	if r == nil || r.CreateApp.Id == "" {
		return nil, err
	}
	a := appFrom(&r.CreateApp.AppFields)
	a.ProjectID = spec.ProjectID
	return &a, err
}

// CreateFromCatalog installs a catalog app (saagieapi's
// create_from_catalog): the technology is found by label in catalog
// (case-insensitive) and the context by label among its available ones.
func (m *AppManager) CreateFromCatalog(ctx context.Context, projectID, technology, catalog, contextLabel string) (*App, error) {
	t, err := m.c.Technologies.Find(ctx, technology, catalog)
	if err != nil {
		return nil, err
	}
	full, err := m.c.Technologies.Get(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	ctxID := ""
	for _, c := range full.Contexts {
		if c.Available && strings.EqualFold(c.Label, contextLabel) {
			ctxID = c.ID
			break
		}
	}
	if ctxID == "" {
		return nil, &NotFoundError{Kind: "app context", Key: contextLabel}
	}
	r, err := gql.InstallApp(ctx, m.c.projects, projectID, t.ID, ctxID)
	if r == nil || r.InstallApp.Id == "" {
		return nil, err
	}
	a := appFrom(&r.InstallApp.AppFields)
	a.ProjectID = projectID
	return &a, err
}

// AppEdit changes an app's metadata; nil fields are kept.
type AppEdit struct {
	Name        *string
	Description *string
	Alerting    *AppAlerting
	Resources   *Resources
}

// Edit changes an app's metadata.
func (m *AppManager) Edit(ctx context.Context, id string, e AppEdit) (*App, error) {
	r, err := gql.EditApp(ctx, m.c.projects, gql.AppEditionInput{Id: id, Name: e.Name, Description: e.Description, Alerting: appAlertingInput(e.Alerting), Resources: appResourcesInput(e.Resources)})
	if r == nil || r.EditApp.Id == "" {
		return nil, err
	}
	a := appFrom(&r.EditApp.AppFields)
	return &a, err
}

// AppUpgrade describes a new app version; unset Ports, Image and
// ContextID take the current version's, Storages are not inherited (as in
// saagieapi).
type AppUpgrade struct {
	Image               string
	DockerCredentialsID string
	ContextID           string
	Ports               []Port
	Storages            []StorageMount
	ReleaseNote         string
}

// Upgrade adds a version to an app.
func (m *AppManager) Upgrade(ctx context.Context, id string, up AppUpgrade) (*AppVersion, error) {
	if up.Image != "" && up.ContextID != "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "app upgrade", Reason: "image and catalog context are mutually exclusive", Err: facade.ErrValidation}
	}
	app, err := m.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ports, image, creds, ctxID := up.Ports, up.Image, up.DockerCredentialsID, up.ContextID
	if cur := app.CurrentVersion; cur != nil {
		if ports == nil {
			ports = cur.Ports
		}
		if image == "" && ctxID == "" {
			image, creds, ctxID = cur.DockerImage, cmpOr(creds, cur.DockerCredentialsID), cur.RuntimeContextID
		}
	}
	v := gql.AppVersionInput{Ports: portsInput(ports), VolumesWithPath: mountsInput(up.Storages), ReleaseNote: ptr(up.ReleaseNote)}
	if image != "" {
		v.DockerInfo = &gql.AppDockerInput{Image: image, DockerCredentialsId: optStr(creds)}
	} else {
		v.RuntimeContextId = optStr(ctxID)
	}
	r, err := gql.AddAppVersion(ctx, m.c.projects, id, v)
	if r == nil || r.AddAppVersion.Number == 0 {
		return nil, err
	}
	out := appVersionFrom(&r.AddAppVersion.AppVersionFields)
	return &out, err
}

// Rollback makes version number current again.
func (m *AppManager) Rollback(ctx context.Context, id string, version int) (*App, error) {
	r, err := gql.RollbackAppVersion(ctx, m.c.projects, id, version)
	if r == nil || r.RollbackAppVersion == nil {
		return nil, orNotFound(err, "app", id)
	}
	a := appFrom(&r.RollbackAppVersion.AppFields)
	return &a, err
}

// Run starts an app.
func (m *AppManager) Run(ctx context.Context, id string) (*App, error) {
	r, err := gql.RunApp(ctx, m.c.projects, id)
	if r == nil || r.RunApp.Id == "" {
		return nil, orNotFound(err, "app", id)
	}
	a := appFrom(&r.RunApp.AppFields)
	return &a, err
}

// Stop stops an app.
func (m *AppManager) Stop(ctx context.Context, id string) (*App, error) {
	r, err := gql.StopApp(ctx, m.c.projects, id)
	if r == nil || r.StopApp == nil {
		return nil, orNotFound(err, "app", id)
	}
	a := appFrom(&r.StopApp.AppFields)
	return &a, err
}

// Delete deletes an app.
func (m *AppManager) Delete(ctx context.Context, id string) error {
	r, err := gql.DeleteApp(ctx, m.c.projects, id)
	if err != nil {
		return err
	}
	if r.DeleteApp == nil {
		return &NotFoundError{Kind: "app", Key: id}
	}
	return nil
}

// AppStats is an app's availability since a start time.
type AppStats struct {
	UptimePercentage   float64
	DowntimePercentage float64
	RecoveredCount     int
}

// Stats returns an app version's availability since start.
func (m *AppManager) Stats(ctx context.Context, historyID string, version int, start time.Time) (*AppStats, error) {
	r, err := gql.GetAppStats(ctx, m.c.projects, historyID, version, formatTime(start))
	if r == nil || r.AppStats == nil {
		return nil, orNotFound(err, "app history", historyID)
	}
	return &AppStats{UptimePercentage: r.AppStats.UptimePercentage, DowntimePercentage: r.AppStats.DowntimePercentage, RecoveredCount: r.AppStats.RecoveredCount}, err
}

// StatusChange is one status of an app version and when it was recorded.
type StatusChange struct {
	Status   AppStatus
	RecordAt time.Time
}

// HistoryStatuses returns the statuses of an app version since start (at
// most limit; 0 = all).
func (m *AppManager) HistoryStatuses(ctx context.Context, historyID string, version int, start time.Time, limit int) ([]StatusChange, error) {
	var l *int
	if limit > 0 {
		l = &limit
	}
	r, err := gql.GetAppHistoryStatuses(ctx, m.c.projects, historyID, version, formatTime(start), l)
	var out []StatusChange
	if r != nil {
		for _, s := range r.AppHistoryStatuses {
			if s != nil {
				out = append(out, StatusChange{Status: AppStatus(s.Status), RecordAt: parseTime(s.RecordAt)})
			}
		}
	}
	return out, err
}

// CountHistoryStatuses counts the statuses of an app version since start.
func (m *AppManager) CountHistoryStatuses(ctx context.Context, historyID string, version int, start time.Time) (int, error) {
	r, err := gql.CountAppHistoryStatuses(ctx, m.c.projects, historyID, version, formatTime(start))
	if r == nil || r.CountAppHistoryStatuses == nil {
		return 0, err
	}
	return *r.CountAppHistoryStatuses, err
}

// LogLine is one line of the log service.
type LogLine struct {
	Index  int
	Stream string
	Time   string
	Value  string
}

// logPage is how many lines each log-service request asks for.
const logPage = 1000

// Logs iterates over the logs of an app execution (the execution id is
// the app's History.ExecutionID), oldest first, through the REST log
// service's limit/skip paging. streams filters (STDOUT, STDERR, …); none
// means all.
func (m *AppManager) Logs(ctx context.Context, projectID, executionID string, streams ...string) iter.Seq2[LogLine, error] {
	c := m.c
	return c.logs(ctx, "GetAppExecutionLogs", projectID, executionID, streams,
		func(ctx context.Context, pid, eid openapi_types.UUID, limit, skip int, st *[]saagieapi.LogStream) (*http.Response, error) {
			return c.api.GetAppExecutionLogs(ctx, c.realm, c.platformID, pid, eid,
				&saagieapi.GetAppExecutionLogsParams{Limit: &limit, Skip: &skip, Streams: st, SaagieRealm: c.realm})
		})
}

// ConditionLogs iterates over the logs of a pipeline condition instance.
func (m *PipelineManager) ConditionLogs(ctx context.Context, projectID, conditionInstanceID string, streams ...string) iter.Seq2[LogLine, error] {
	c := m.c
	return c.logs(ctx, "GetConditionInstanceLogs", projectID, conditionInstanceID, streams,
		func(ctx context.Context, pid, eid openapi_types.UUID, limit, skip int, st *[]saagieapi.LogStream) (*http.Response, error) {
			return c.api.GetConditionInstanceLogs(ctx, c.realm, c.platformID, pid, eid,
				&saagieapi.GetConditionInstanceLogsParams{Limit: &limit, Skip: &skip, Streams: st, SaagieRealm: c.realm})
		})
}

type logFetch func(ctx context.Context, projectID, id openapi_types.UUID, limit, skip int, streams *[]saagieapi.LogStream) (*http.Response, error)

func (c *Client) logs(ctx context.Context, op, projectID, id string, streams []string, get logFetch) iter.Seq2[LogLine, error] {
	var st *[]saagieapi.LogStream
	if len(streams) > 0 {
		s := make([]saagieapi.LogStream, len(streams))
		for i, v := range streams {
			s[i] = saagieapi.LogStream(strings.ToUpper(v))
		}
		st = &s
	}
	return paging.SeqWith(ctx, c.pager, 0, func(ctx context.Context, skip int) (paging.Page[LogLine, int], error) {
		var pid, eid openapi_types.UUID
		if pid.UnmarshalText([]byte(projectID)) != nil || eid.UnmarshalText([]byte(id)) != nil {
			return paging.Page[LogLine, int]{}, &facade.ConfigError{Platform: platform, Setting: "log ids", Value: projectID + " " + id, Reason: "project and execution ids must be UUIDs", Err: facade.ErrValidation}
		}
		resp, err := get(ctx, pid, eid, logPage, skip, st)
		page, err := wire.Decode[saagieapi.LogPage](c.call(op), resp, err)
		if err != nil {
			return paging.Page[LogLine, int]{}, err
		}
		items := make([]LogLine, 0, len(page.Logs))
		for _, l := range page.Logs {
			line := LogLine{Index: l.Index, Value: l.Value, Time: deref(l.Time)}
			if l.Stream != nil {
				line.Stream = string(*l.Stream)
			}
			items = append(items, line)
		}
		next := skip + len(items)
		return paging.Page[LogLine, int]{Items: items, Next: next, More: len(items) > 0 && next < page.Total}, nil
	})
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
