package saagie

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	gw "github.com/switchboard-go/switchboard/gen/saagiegql/gatewaygql"
)

// The gateway's answers are full of interfaces and unions (technology
// kinds, context kinds, report kinds, sources). genqlient decodes them
// into one Go type per concrete GraphQL type; the facade reads them
// through their JSON form (genqlient writes MarshalJSON for each), which
// keeps the conversion in one small set of wire shapes below.

type wireContext struct {
	ID              string  `json:"id"`
	Label           string  `json:"label"`
	Available       bool    `json:"available"`
	Recommended     bool    `json:"recommended"`
	TrustLevel      string  `json:"trustLevel"`
	DeprecationDate *string `json:"deprecationDate"`
	Description     *string `json:"description"`
	DockerInfo      *struct {
		Image   string `json:"image"`
		Version string `json:"version"`
	} `json:"dockerInfo"`
	Ports []struct {
		Name       *string `json:"name"`
		Port       int     `json:"port"`
		BasePath   *string `json:"basePath"`
		RewriteURL bool    `json:"rewriteUrl"`
		Scope      string  `json:"scope"`
	} `json:"ports"`
	Volumes []struct {
		Path string `json:"path"`
		Size string `json:"size"`
	} `json:"volumes"`
	TechnologyContexts []wireContext `json:"technologyContexts"`
	JobContexts        []wireContext `json:"jobContexts"`
}

func (w wireContext) info() ContextInfo {
	c := ContextInfo{ID: w.ID, Label: w.Label, Available: w.Available, Recommended: w.Recommended, TrustLevel: w.TrustLevel, Deprecation: parseTimePtr(w.DeprecationDate), Description: str(w.Description)}
	if w.DockerInfo != nil {
		c.DockerImage, c.DockerVersion = w.DockerInfo.Image, w.DockerInfo.Version
	}
	for _, p := range w.Ports {
		c.Ports = append(c.Ports, CatalogPort{Name: str(p.Name), Port: p.Port, BasePath: str(p.BasePath), RewriteURL: p.RewriteURL, Scope: ExpositionScope(p.Scope)})
	}
	for _, v := range w.Volumes {
		c.Volumes = append(c.Volumes, CatalogVolume(v))
	}
	for _, ch := range append(w.TechnologyContexts, w.JobContexts...) {
		c.Children = append(c.Children, ch.info())
	}
	return c
}

type wireTechnology struct {
	Typename     string        `json:"__typename"`
	ID           string        `json:"id"`
	TechnologyID string        `json:"technologyId"`
	Label        string        `json:"label"`
	Available    bool          `json:"available"`
	Description  *string       `json:"description"`
	CustomFlags  []string      `json:"customFlags"`
	RepositoryID string        `json:"repositoryId"`
	Contexts     []wireContext `json:"contexts"`
	AppContexts  []wireContext `json:"appContexts"`
}

func (w wireTechnology) technology(repoID, repoName string) Technology {
	t := Technology{ID: w.ID, TechnologyID: w.TechnologyID, Label: w.Label, Kind: w.Typename, Available: w.Available, Description: str(w.Description), Flags: w.CustomFlags, RepositoryID: cmpOr(w.RepositoryID, repoID), RepositoryName: repoName}
	for _, c := range append(w.Contexts, w.AppContexts...) {
		t.Contexts = append(t.Contexts, c.info())
	}
	return t
}

type wireReport struct {
	Typename  string `json:"__typename"`
	ID        string `json:"id"`
	StartedAt string `json:"startedAt"`
	EndedAt   string `json:"endedAt"`
	Trigger   struct {
		Author *string `json:"author"`
		Type   string  `json:"type"`
	} `json:"trigger"`
	NumberOfChanges int `json:"numberOfChanges"`
	Issues          []struct {
		Message string `json:"message"`
		Path    string `json:"path"`
	} `json:"issues"`
	Revert  *struct{} `json:"revert"`
	Failure string    `json:"failure"`
}

func (w wireReport) report() SyncReport {
	r := SyncReport{ID: w.ID, Started: parseTime(w.StartedAt), Ended: parseTime(w.EndedAt), TriggerType: w.Trigger.Type, Author: str(w.Trigger.Author), Success: w.Typename != "FailedSynchronization", Failure: w.Failure, Changes: w.NumberOfChanges, Reverted: w.Revert != nil}
	for _, i := range w.Issues {
		r.Issues = append(r.Issues, i.Path+": "+i.Message)
	}
	return r
}

type wireRepository struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	CreationDate     string `json:"creationDate"`
	Creator          string `json:"creator"`
	Editor           string `json:"editor"`
	ModificationDate string `json:"modificationDate"`
	ReadOnly         bool   `json:"readOnly"`
	Source           *struct {
		URL  string `json:"url"`
		Name string `json:"name"`
	} `json:"source"`
	SynchronizationReports *struct {
		Count            int          `json:"count"`
		LastReversibleID *string      `json:"lastReversibleId"`
		List             []wireReport `json:"list"`
	} `json:"synchronizationReports"`
	Technologies []wireTechnology `json:"technologies"`
}

func (w wireRepository) repository() Repository {
	r := Repository{ID: w.ID, Name: w.Name, Created: parseTime(w.CreationDate), Creator: w.Creator, Editor: w.Editor, Modified: parseTime(w.ModificationDate), ReadOnly: w.ReadOnly}
	if w.Source != nil {
		r.URL, r.FileName = w.Source.URL, w.Source.Name
	}
	if s := w.SynchronizationReports; s != nil {
		r.SyncCount, r.LastReversibleID = s.Count, str(s.LastReversibleID)
		for _, rep := range s.List {
			r.Syncs = append(r.Syncs, rep.report())
		}
	}
	for _, t := range w.Technologies {
		r.Technologies = append(r.Technologies, t.technology(w.ID, w.Name))
	}
	return r
}

// rewire reads a generated value through its JSON form into out.
func rewire(op string, in, out any) error {
	b, err := json.Marshal(in)
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(b)).Decode(out)
	}
	if err != nil {
		return &facade.DecodeError{Platform: platform, Operation: op, Err: err}
	}
	return nil
}

// TechnologyManager reads the technology catalog (saagieapi's
// technology helpers on SaagieApi).
type TechnologyManager struct{ c *Client }

// List returns every technology of every repository.
func (m *TechnologyManager) List(ctx context.Context) ([]Technology, error) {
	r, err := gw.ListTechnologies(ctx, m.c.gateway)
	if r == nil {
		return nil, err
	}
	var repos []wireRepository
	if cerr := rewire("ListTechnologies", r.Repositories, &repos); cerr != nil {
		return nil, cerr
	}
	var out []Technology
	for _, repo := range repos {
		for _, t := range repo.Technologies {
			out = append(out, t.technology(repo.ID, repo.Name))
		}
	}
	return out, err
}

// Available returns the available technologies of the repository named
// catalog (case-insensitive), saagieapi's get_available_technologies.
func (m *TechnologyManager) Available(ctx context.Context, catalog string) ([]Technology, error) {
	all, err := m.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []Technology
	for _, t := range all {
		if strings.EqualFold(t.RepositoryName, catalog) && t.Available {
			out = append(out, t)
		}
	}
	return out, nil
}

// Find returns the technology labelled label in the repository named
// catalog, both case-insensitive; catalog "" means "Saagie".
func (m *TechnologyManager) Find(ctx context.Context, label, catalog string) (*Technology, error) {
	if strings.TrimSpace(label) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "technology", Reason: "give a technology id or label", Err: facade.ErrValidation}
	}
	catalog = cmpOr(catalog, "Saagie")
	all, err := m.List(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if strings.EqualFold(all[i].RepositoryName, catalog) && strings.EqualFold(all[i].Label, label) {
			return &all[i], nil
		}
	}
	return nil, &NotFoundError{Kind: "technology", Key: catalog + "/" + label}
}

// Get returns one technology with its runtime contexts (saagieapi's
// get_runtimes).
func (m *TechnologyManager) Get(ctx context.Context, id string) (*Technology, error) {
	r, err := gw.GetTechnology(ctx, m.c.gateway, id)
	if r == nil || r.Technology == nil {
		return nil, orNotFound(err, "technology", id)
	}
	var w wireTechnology
	if cerr := rewire("GetTechnology", r.Technology, &w); cerr != nil {
		return nil, cerr
	}
	t := w.technology("", "")
	return &t, err
}

// Name returns the repository name and label of a technology id
// (saagieapi's get_technology_name_by_id).
func (m *TechnologyManager) Name(ctx context.Context, id string) (catalog, label string, err error) {
	all, err := m.List(ctx)
	if err != nil {
		return "", "", err
	}
	for _, t := range all {
		if t.ID == id {
			return t.RepositoryName, t.Label, nil
		}
	}
	return "", "", &NotFoundError{Kind: "technology", Key: id}
}

// RuntimeLabel returns the label of context contextID of technology
// techID (saagieapi's get_runtime_label_by_id).
func (m *TechnologyManager) RuntimeLabel(ctx context.Context, techID, contextID string) (string, error) {
	t, err := m.Get(ctx, techID)
	if err != nil {
		return "", err
	}
	var find func([]ContextInfo) string
	find = func(cs []ContextInfo) string {
		for _, c := range cs {
			if c.ID == contextID {
				return c.Label
			}
			if l := find(c.Children); l != "" {
				return l
			}
		}
		return ""
	}
	if l := find(t.Contexts); l != "" {
		return l, nil
	}
	return "", &NotFoundError{Kind: "runtime context", Key: contextID}
}

// defaultIDs are the available job and app technologies of catalog, the
// default of project creation.
func (m *TechnologyManager) defaultIDs(ctx context.Context, catalog string) (jobs, apps []string, err error) {
	techs, err := m.Available(ctx, catalog)
	if err != nil {
		return nil, nil, err
	}
	jobs, apps = []string{}, []string{}
	for _, t := range techs {
		if t.IsApp() {
			apps = append(apps, t.ID)
		} else {
			jobs = append(jobs, t.ID)
		}
	}
	return jobs, apps, nil
}

// RepositoryManager manages the catalog's repositories (saagieapi's
// saagie.repositories).
type RepositoryManager struct{ c *Client }

// List returns every repository with its technologies and, when
// lastSyncOnly, only its last synchronization report.
func (m *RepositoryManager) List(ctx context.Context, lastSyncOnly bool) ([]Repository, error) {
	r, err := gw.ListRepositories(ctx, m.c.gateway, &lastSyncOnly)
	if r == nil {
		return nil, err
	}
	var repos []wireRepository
	if cerr := rewire("ListRepositories", r.Repositories, &repos); cerr != nil {
		return nil, cerr
	}
	out := make([]Repository, 0, len(repos))
	for _, w := range repos {
		out = append(out, w.repository())
	}
	return out, err
}

// ListMinimal returns the id and name of every repository.
func (m *RepositoryManager) ListMinimal(ctx context.Context) ([]Summary, error) {
	r, err := gw.ListRepositoriesMinimal(ctx, m.c.gateway)
	var out []Summary
	if r != nil {
		for _, repo := range r.Repositories {
			out = append(out, Summary{ID: repo.Id, Name: repo.Name})
		}
	}
	return out, err
}

// Get returns one repository; limit caps the synchronization reports
// (0 = all), withReverted includes reverted ones.
func (m *RepositoryManager) Get(ctx context.Context, id string, lastSyncOnly bool, limit int, withReverted bool) (*Repository, error) {
	var l *int
	if limit > 0 {
		l = &limit
	}
	r, err := gw.GetRepository(ctx, m.c.gateway, id, &lastSyncOnly, l, &withReverted)
	if r == nil || r.Repository == nil {
		return nil, orNotFound(err, "repository", id)
	}
	var w wireRepository
	if cerr := rewire("GetRepository", r.Repository, &w); cerr != nil {
		return nil, cerr
	}
	repo := w.repository()
	return &repo, err
}

// ID returns the id of the repository named name (exact match).
func (m *RepositoryManager) ID(ctx context.Context, name string) (string, error) {
	all, err := m.ListMinimal(ctx)
	if err != nil {
		return "", err
	}
	for _, r := range all {
		if r.Name == name {
			return r.ID, nil
		}
	}
	return "", &NotFoundError{Kind: "repository", Key: name}
}

// Create adds a repository from a URL or an uploaded zip/metadata.yml
// (exactly one of them).
func (m *RepositoryManager) Create(ctx context.Context, name, url string, file *File) (*Summary, error) {
	if (url == "") == (file == nil) {
		return nil, &facade.ConfigError{Platform: platform, Setting: "repository", Reason: "give exactly one of a URL and a file", Err: facade.ErrValidation}
	}
	r, err := gw.AddRepository(withUpload(ctx, "upload", file), m.c.gateway, gw.RepositoryInput{Name: name, Url: optStr(url)}, nil)
	if r == nil || len(r.AddRepository.Objects) == 0 {
		return nil, err
	}
	o := r.AddRepository.Objects[0]
	return &Summary{ID: o.Id, Name: o.Name}, err
}

// Edit renames a repository or changes its URL ("" keeps either).
func (m *RepositoryManager) Edit(ctx context.Context, id, name, url string, triggerSync bool) error {
	_, err := gw.EditRepository(ctx, m.c.gateway, gw.RepositoryEditionInput{Id: id, Name: optStr(name), Url: optStr(url), TriggerSynchronization: triggerSync})
	return err
}

// Synchronize synchronizes a repository now, from its URL or from file.
func (m *RepositoryManager) Synchronize(ctx context.Context, id string, file *File) (*SyncReport, error) {
	r, err := gw.SynchronizeRepository(withUpload(ctx, "upload", file), m.c.gateway, id, nil)
	if r == nil {
		return nil, err
	}
	var w struct {
		Report wireReport `json:"report"`
	}
	if cerr := rewire("SynchronizeRepository", &r.SynchronizeRepository, &w); cerr != nil {
		return nil, cerr
	}
	rep := w.Report.report()
	return &rep, err
}

// RevertLastSynchronization undoes a repository's last reversible
// synchronization.
func (m *RepositoryManager) RevertLastSynchronization(ctx context.Context, id string) (*SyncReport, error) {
	repo, err := m.Get(ctx, id, true, 0, false)
	if err != nil {
		return nil, err
	}
	if repo.LastReversibleID == "" {
		return nil, &NotFoundError{Kind: "reversible synchronization of repository", Key: id}
	}
	r, err := gw.RevertLastSynchronization(ctx, m.c.gateway, id, repo.LastReversibleID)
	if r == nil {
		return nil, err
	}
	var w struct {
		Report wireReport `json:"report"`
	}
	if cerr := rewire("RevertLastSynchronization", &r.RevertLastSynchronization, &w); cerr != nil {
		return nil, cerr
	}
	rep := w.Report.report()
	return &rep, err
}

// Delete removes a repository.
func (m *RepositoryManager) Delete(ctx context.Context, id string) error {
	r, err := gw.RemoveRepository(ctx, m.c.gateway, id)
	if err == nil && r.RemoveRepository == nil {
		return &NotFoundError{Kind: "repository", Key: id}
	}
	return err
}
