package saagie

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// InstanceStatus is the state of a job or pipeline instance.
type InstanceStatus string

// Instance states of the platform. The final ones end a wait.
const (
	StatusAwaiting  InstanceStatus = "AWAITING"
	StatusRequested InstanceStatus = "REQUESTED"
	StatusQueued    InstanceStatus = "QUEUED"
	StatusRunning   InstanceStatus = "RUNNING"
	StatusKilling   InstanceStatus = "KILLING"
	StatusKilled    InstanceStatus = "KILLED"
	StatusSucceeded InstanceStatus = "SUCCEEDED"
	StatusFailed    InstanceStatus = "FAILED"
	StatusError     InstanceStatus = "ERROR"
	StatusSkipped   InstanceStatus = "SKIPPED"
	StatusUnknown   InstanceStatus = "UNKNOWN"
)

// FinalStatuses are the states that end [JobManager.RunAndWait] and
// [PipelineManager.RunAndWait] by default. saagieapi's loop stops only on
// SUCCEEDED, FAILED, KILLED and UNKNOWN, and so polls forever on an
// instance that ends in ERROR or SKIPPED; these include both.
var FinalStatuses = []InstanceStatus{StatusSucceeded, StatusFailed, StatusKilled, StatusUnknown, StatusError, StatusSkipped}

// IsFinal reports whether s is one of [FinalStatuses].
func (s InstanceStatus) IsFinal() bool { return slices.Contains(FinalStatuses, s) }

// ProjectStatus is the state of a project.
type ProjectStatus string

// Project states; a new project goes through the first three to READY.
const (
	ProjectCreated       ProjectStatus = "CREATED"
	ProjectInitRequested ProjectStatus = "INIT_REQUESTED"
	ProjectInitializing  ProjectStatus = "INITIALIZING"
	ProjectFailed        ProjectStatus = "FAILED"
	ProjectReady         ProjectStatus = "READY"
)

// AppStatus is the state of an app.
type AppStatus string

// App states.
const (
	AppStarted     AppStatus = "STARTED"
	AppStarting    AppStatus = "STARTING"
	AppRestarting  AppStatus = "RESTARTING"
	AppRecovering  AppStatus = "RECOVERING"
	AppUpgrading   AppStatus = "UPGRADING"
	AppRollingBack AppStatus = "ROLLING_BACK"
	AppStopping    AppStatus = "STOPPING"
	AppStopped     AppStatus = "STOPPED"
	AppFailed      AppStatus = "FAILED"
	AppUnknown     AppStatus = "UNKNOWN"
)

// Role is a group's role on a project.
type Role string

// Project roles. saagieapi's "Manager", "Editor" and "Viewer" map to these
// (see [ParseRole]).
const (
	RoleViewer  Role = "ROLE_PROJECT_VIEWER"
	RoleEditor  Role = "ROLE_PROJECT_EDITOR"
	RoleManager Role = "ROLE_PROJECT_MANAGER"
)

// ParseRole accepts saagieapi's short names (Manager, Editor, Viewer, any
// case) as well as the platform's ROLE_PROJECT_* names.
func ParseRole(s string) (Role, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "MANAGER", string(RoleManager):
		return RoleManager, true
	case "EDITOR", string(RoleEditor):
		return RoleEditor, true
	case "VIEWER", string(RoleViewer):
		return RoleViewer, true
	}
	return "", false
}

// Short is the role as saagieapi writes it in exports: MANAGER, EDITOR or
// VIEWER.
func (r Role) Short() string { return strings.TrimPrefix(string(r), "ROLE_PROJECT_") }

// EnvVarScope is where an environment variable is defined.
type EnvVarScope string

// Scopes; lower scopes inherit (and may override) the higher ones.
const (
	ScopeGlobal   EnvVarScope = "GLOBAL"
	ScopeProject  EnvVarScope = "PROJECT"
	ScopePipeline EnvVarScope = "PIPELINE"
	ScopeJob      EnvVarScope = "JOB"
	ScopeApp      EnvVarScope = "APP"
)

// Platform is the platform the client talks to, with its object counts.
type Platform struct {
	ID        int
	Name      string
	Projects  int
	Jobs      int
	Apps      int
	Pipelines int
}

// NodeCapacity is the capacity of one cluster node.
type NodeCapacity struct {
	CPU, GPU, Memory float64
}

// Project is a Saagie project.
type Project struct {
	ID          string
	Name        string
	Creator     string
	Description string
	JobsCount   int
	Status      ProjectStatus
}

// GroupRight is a group's right on a project.
type GroupRight struct {
	Group string
	Role  Role
	// AllProjects is set for groups that see every project (admins).
	AllProjects bool
}

// RequestLimit is a resource request and limit (CPU cores, memory GB);
// nil means unset.
type RequestLimit struct {
	Request *float64 `json:"request"`
	Limit   *float64 `json:"limit"`
}

// Resources are the CPU, memory and GPU settings of a job or app.
type Resources struct {
	CPU    *RequestLimit `json:"cpu,omitempty"`
	Memory *RequestLimit `json:"memory,omitempty"`
	GPU    *RequestLimit `json:"gpu,omitempty"`
}

// Alerting sends e-mails when a job or pipeline reaches one of StatusList.
type Alerting struct {
	Emails     []string         `json:"emails"`
	Logins     []string         `json:"logins,omitempty"`
	StatusList []InstanceStatus `json:"statusList"`
}

// AppAlerting sends e-mails when an app reaches one of StatusList.
type AppAlerting struct {
	Emails     []string    `json:"emails"`
	Logins     []string    `json:"logins,omitempty"`
	StatusList []AppStatus `json:"statusList"`
}

// ExtraTechnology is a job version's secondary technology (e.g. the
// Python version of a Spark job).
type ExtraTechnology struct {
	Language string `json:"language"`
	Version  string `json:"version"`
}

// Job is a job with, depending on the call, its versions and last
// instances.
type Job struct {
	ID             string
	Name           string
	Alias          string
	Description    string
	Category       string
	TechnologyID   string
	ProjectID      string
	ProjectName    string
	InstanceCount  int
	IsScheduled    bool
	Cron           string
	TimeZone       string
	ScheduleStatus string
	Alerting       *Alerting
	IsStreaming    bool
	Created        time.Time
	OriginalJobID  string
	Deletable      bool
	UsesGPU        bool
	Resources      *Resources
	// PipelineIDs are the pipelines whose current version uses the job.
	PipelineIDs []string
	Versions    []JobVersion
	Instances   []JobInstance
}

// CurrentVersion returns the version marked current, if it was fetched.
func (j *Job) CurrentVersion() *JobVersion {
	for i := range j.Versions {
		if j.Versions[i].Current {
			return &j.Versions[i]
		}
	}
	return nil
}

// JobVersion is one version of a job.
type JobVersion struct {
	Number         int
	Created        time.Time
	ReleaseNote    string
	RuntimeVersion string
	CommandLine    string
	// ArtifactName and DownloadPath describe the uploaded file, if any;
	// DownloadPath is relative to the base URL (see JobManager.DownloadArtifact).
	ArtifactName        string
	DownloadPath        string
	DockerImage         string
	DockerCredentialsID string
	ExtraTechnology     *ExtraTechnology
	Current             bool
	Major               bool
	Creator             string
	SourceURL           string
	Deletable           bool
}

// ExecutionVariable is a variable an instance received or produced.
type ExecutionVariable struct {
	Key      string
	Value    string
	Password bool
}

// JobInstance is one run of a job.
type JobInstance struct {
	ID     string
	Number int
	Status InstanceStatus
	// Details and Reason explain the status (e.g. OUT_OF_MEMORY).
	Details            string
	Reason             string
	Start              time.Time
	End                time.Time
	JobID              string
	JobAlias           string
	PipelineInstanceID string
	VersionNumber      int
	GlobalVariables    []ExecutionVariable
	OutputVariables    []ExecutionVariable
}

// Position places a pipeline node in the editor; nil lets the UI decide.
type Position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// JobNode runs a job, then the nodes in Next.
type JobNode struct {
	ID       string    `json:"id"`
	JobID    string    `json:"jobId"`
	JobName  string    `json:"jobName,omitempty"`
	Next     []string  `json:"nextNodes"`
	Position *Position `json:"position,omitempty"`
}

// ConditionPreset is a ready-made condition on the statuses of the
// previous nodes.
type ConditionPreset string

// Condition presets.
const (
	AllSuccess          ConditionPreset = "AllSuccess"
	AllSuccessOrSkipped ConditionPreset = "AllSuccessOrSkipped"
	AtLeastOneSuccess   ConditionPreset = "AtLeastOneSuccess"
)

// ConditionNode branches on a condition: Preset or Expression (a CEL
// expression), exactly one of them.
type ConditionNode struct {
	ID         string          `json:"id"`
	Preset     ConditionPreset `json:"preset,omitempty"`
	Expression string          `json:"expression,omitempty"`
	OnSuccess  []string        `json:"nextNodesSuccess"`
	OnFailure  []string        `json:"nextNodesFailure"`
	Position   *Position       `json:"position,omitempty"`
}

// Graph is a pipeline's nodes. Node ids are chosen by the client (see
// [NewNodeID]).
type Graph struct {
	JobNodes       []JobNode       `json:"jobNodes"`
	ConditionNodes []ConditionNode `json:"conditionNodes"`
}

// Pipeline is a graph pipeline.
type Pipeline struct {
	ID                 string
	Name               string
	Alias              string
	Description        string
	Alerting           *Alerting
	ExecutionVariables bool
	InstanceCount      int
	Created            time.Time
	Creator            string
	IsScheduled        bool
	Cron               string
	TimeZone           string
	ScheduleStatus     string
	Legacy             bool
	ProjectID          string
	ProjectName        string
	Versions           []PipelineVersion
	Instances          []PipelineInstance
}

// CurrentVersion returns the version marked current, if it was fetched.
func (p *Pipeline) CurrentVersion() *PipelineVersion {
	for i := range p.Versions {
		if p.Versions[i].Current {
			return &p.Versions[i]
		}
	}
	return nil
}

// PipelineVersion is one version of a pipeline's graph.
type PipelineVersion struct {
	Number      int
	ReleaseNote string
	Created     time.Time
	Creator     string
	Current     bool
	Major       bool
	SourceURL   string
	Graph       Graph
}

// NodeStatus is the status of one node of a pipeline instance.
type NodeStatus struct {
	NodeID string
	Status InstanceStatus
}

// PipelineInstance is one run of a pipeline.
type PipelineInstance struct {
	ID                 string
	Number             int
	Status             InstanceStatus
	Start              time.Time
	End                time.Time
	PipelineID         string
	PipelineName       string
	VersionNumber      int
	ExecutionVariables []ExecutionVariable
	Nodes              []NodeStatus
	JobInstances       []JobInstance
}

// ExpositionScope says who can reach an app port.
type ExpositionScope string

// Port scopes.
const (
	ExposedToProject ExpositionScope = "PROJECT"
	ExposedToPublic  ExpositionScope = "PUBLIC"
)

// Port is an app port.
type Port struct {
	Name             string          `json:"name,omitempty"`
	Number           int             `json:"number"`
	RewriteURL       bool            `json:"isRewriteUrl"`
	BasePathVariable string          `json:"basePathVariableName,omitempty"`
	Scope            ExpositionScope `json:"scope,omitempty"`
	// InternalURL is set by the server; ignored on input.
	InternalURL string `json:"internalUrl,omitempty"`
}

// StorageMount mounts a storage (volume) at Path in an app.
type StorageMount struct {
	Path      string `json:"path"`
	StorageID string `json:"volumeId"`
	Name      string `json:"name,omitempty"`
	Size      string `json:"size,omitempty"`
}

// AppVersion is one version of an app.
type AppVersion struct {
	Number              int
	Created             time.Time
	ReleaseNote         string
	DockerImage         string
	DockerCredentialsID string
	RuntimeContextID    string
	Creator             string
	Major               bool
	Ports               []Port
	Storages            []StorageMount
}

// AppHistory is an app's current state.
type AppHistory struct {
	ID             string
	RunningVersion int
	Status         AppStatus
	StatusReason   string
	ExecutionID    string
	Start          time.Time
	Stop           time.Time
	Author         string
	TriggerType    string
	EventCount     int
}

// App is an app built from a Docker image or installed from the catalog.
type App struct {
	ID             string
	Name           string
	Description    string
	Created        time.Time
	Creator        string
	Generic        bool
	TechnologyID   string
	ProjectID      string
	ProjectName    string
	Alerting       *AppAlerting
	Resources      *Resources
	CurrentVersion *AppVersion
	Versions       []AppVersion
	History        *AppHistory
	StorageIDs     []string
}

// Status is the app's current status, UNKNOWN when it has no history.
func (a *App) Status() AppStatus {
	if a.History == nil {
		return AppUnknown
	}
	return a.History.Status
}

// AppEvent is one entry of an app's history: an action (Kind RunAction,
// StopAction, RestartAction, UpgradeAction, RollbackAction) or a status
// change (Kind StatusRetrieve).
type AppEvent struct {
	ID            string
	Kind          string
	RecordAt      time.Time
	ExecutionID   string
	VersionNumber int
	Status        AppStatus
	Reason        string
	Author        string
	TriggerType   string
}

// Storage is a volume.
type Storage struct {
	ID                string
	Name              string
	Description       string
	Size              string
	ProjectID         string
	Created           time.Time
	Creator           string
	Locked            bool
	OriginalID        string
	DuplicationStatus string
	LinkedAppID       string
	LinkedAppName     string
}

// EnvVarOverride is a value of the same variable at another scope.
type EnvVarOverride struct {
	ID          string
	Scope       EnvVarScope
	Value       string
	Description string
	Password    bool
}

// EnvVar is an environment variable. The server never returns the value
// of a password variable.
type EnvVar struct {
	ID             string
	Name           string
	Scope          EnvVarScope
	Value          string
	Description    string
	Password       bool
	Valid          bool
	InvalidReasons []string
	Overridden     []EnvVarOverride
}

// DockerCredentials are a project's credentials for a registry.
type DockerCredentials struct {
	ID string
	// Registry is empty for Docker Hub.
	Registry   string
	Username   string
	LastUpdate time.Time
	JobIDs     []string
	AppIDs     []string
}

// ContextInfo is a runtime context of a catalog technology (a Python
// version, a Spark build, an app image).
type ContextInfo struct {
	ID            string
	Label         string
	Available     bool
	Recommended   bool
	TrustLevel    string
	Deprecation   time.Time
	Description   string
	DockerImage   string
	DockerVersion string
	// Ports and Volumes are those of app contexts.
	Ports   []CatalogPort
	Volumes []CatalogVolume
	// Children are Spark's nested contexts (technology contexts, then job
	// contexts).
	Children []ContextInfo
}

// CatalogPort is a port an app context exposes.
type CatalogPort struct {
	Name       string
	Port       int
	BasePath   string
	RewriteURL bool
	Scope      ExpositionScope
}

// CatalogVolume is a volume an app context needs.
type CatalogVolume struct {
	Path string
	Size string
}

// Technology is a catalog entry. Kind is JobTechnology, SparkTechnology or
// AppTechnology.
type Technology struct {
	ID             string
	TechnologyID   string
	Label          string
	Kind           string
	Available      bool
	Description    string
	Flags          []string
	RepositoryID   string
	RepositoryName string
	Contexts       []ContextInfo
}

// IsApp reports whether the technology makes apps rather than jobs.
func (t *Technology) IsApp() bool { return t.Kind == "AppTechnology" }

// SyncReport is one synchronization of a catalog repository.
type SyncReport struct {
	ID          string
	Started     time.Time
	Ended       time.Time
	TriggerType string
	Author      string
	Success     bool
	Failure     string
	Changes     int
	Issues      []string
	Reverted    bool
}

// Repository is a technology catalog repository.
type Repository struct {
	ID       string
	Name     string
	Created  time.Time
	Creator  string
	Editor   string
	Modified time.Time
	ReadOnly bool
	// URL or FileName is the source it synchronizes from.
	URL              string
	FileName         string
	Technologies     []Technology
	LastReversibleID string
	SyncCount        int
	Syncs            []SyncReport
}

// ---- conversion helpers

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }

func intv(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// optStr returns nil for "", so that optional inputs stay null.
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timeLayouts are the timestamp styles accepted from the server: RFC 3339
// with or without fraction, with an offset without colon (+0000, the
// style saagieapi sends), or without any zone (read as UTC).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
}

// parseTime reads a platform timestamp; an unreadable one is the zero time
// rather than a failed call, because no decision depends on it.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func parseTimePtr(s *string) time.Time { return parseTime(str(s)) }

// formatTime writes a timestamp the way the platform reads DateTime
// arguments (RFC 3339, UTC, milliseconds).
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func sortStrings(s []string) { sort.Strings(s) }
