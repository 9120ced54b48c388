package saagie

import (
	"context"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// ProjectManager manages projects (saagieapi's saagie.projects).
type ProjectManager struct{ c *Client }

// List returns the projects the user may see. The server returns them all
// at once (its paging arguments are not implemented).
func (m *ProjectManager) List(ctx context.Context) ([]Project, error) {
	r, err := gql.ListProjects(ctx, m.c.projects)
	var out []Project
	if r != nil {
		out = sized[Project](len(r.Projects))
		for i := range r.Projects {
			out = append(out, projectFrom(&r.Projects[i]))
		}
	}
	return out, err
}

// Get returns one project.
func (m *ProjectManager) Get(ctx context.Context, id string) (*Project, error) {
	r, err := gql.GetProject(ctx, m.c.projects, id)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", id)
	}
	p := projectFrom(r.Project)
	return &p, err
}

// GetByName looks a project up by its exact name, server-side.
func (m *ProjectManager) GetByName(ctx context.Context, name string) (*Project, error) {
	r, err := gql.GetProjectByName(ctx, m.c.projects, name)
	if r == nil || r.ProjectByName == nil {
		return nil, orNotFound(err, "project", name)
	}
	p := projectFrom(r.ProjectByName)
	return &p, err
}

// ID returns the id of the project named name (saagieapi's get_id).
func (m *ProjectManager) ID(ctx context.Context, name string) (string, error) {
	p, err := m.GetByName(ctx, name)
	if p == nil {
		return "", err
	}
	return p.ID, nil
}

// Technologies are the technologies a project allows.
type Technologies struct {
	// JobsByCategory maps a job category (Extraction, Processing, …) to
	// technology ids.
	JobsByCategory map[string][]string
	// Apps are app technology ids.
	Apps []string
}

// Technologies returns the job and app technologies a project allows.
func (m *ProjectManager) Technologies(ctx context.Context, id string) (*Technologies, error) {
	r, err := gql.GetProjectTechnologies(ctx, m.c.projects, id)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", id)
	}
	t := &Technologies{JobsByCategory: map[string][]string{}}
	for _, c := range r.Project.TechnologiesByCategory {
		if c == nil {
			continue
		}
		for _, tech := range c.Technologies {
			t.JobsByCategory[c.JobCategory] = append(t.JobsByCategory[c.JobCategory], tech.Id)
		}
	}
	for _, a := range r.Project.AppTechnologies {
		if a != nil {
			t.Apps = append(t.Apps, a.Id)
		}
	}
	return t, err
}

// Rights returns the groups that have rights on a project.
func (m *ProjectManager) Rights(ctx context.Context, id string) ([]GroupRight, error) {
	r, err := gql.GetProjectRights(ctx, m.c.projects, id)
	var out []GroupRight
	if r != nil {
		out = sized[GroupRight](len(r.Rights))
		for _, g := range r.Rights {
			gr := GroupRight{Group: g.Name, AllProjects: g.IsAllProjects}
			if g.Role != nil {
				gr.Role = Role(*g.Role)
			}
			out = append(out, gr)
		}
	}
	return out, err
}

// ProjectSpec describes a project to create or edit. On edit, nil/empty
// fields keep their current values.
type ProjectSpec struct {
	Name        string
	Description string
	// Groups gives each group a role.
	Groups map[string]Role
	// JobTechnologies are technology ids allowed for jobs. saagieapi
	// allows the same list in the Extraction and Processing categories;
	// so does Switchboard. Nil on create allows every available job
	// technology of the "saagie" catalog.
	JobTechnologies []string
	// AppTechnologies are app technology ids; nil on create allows every
	// available app technology of the "saagie" catalog.
	AppTechnologies []string
}

func groupsInput(g map[string]Role) []*gql.SecurityGroupInput {
	var out []*gql.SecurityGroupInput
	for _, name := range sortedKeys(g) {
		role := gql.ProjectRole(g[name])
		out = append(out, &gql.SecurityGroupInput{Name: name, Role: &role})
	}
	return out
}

func techInputs(ids []string) []gql.TechnologyInput {
	out := make([]gql.TechnologyInput, 0, len(ids))
	for _, id := range ids {
		out = append(out, gql.TechnologyInput{Id: id})
	}
	return out
}

func categoriesInput(ids []string) []gql.TechnologyByCategoryInput {
	return []gql.TechnologyByCategoryInput{
		{JobCategory: "Extraction", Technologies: techInputs(ids)},
		{JobCategory: "Processing", Technologies: techInputs(ids)},
	}
}

// Create creates a project; it starts in CREATED and becomes READY after
// a while (see WaitReady).
func (m *ProjectManager) Create(ctx context.Context, spec ProjectSpec) (*Project, error) {
	if strings.TrimSpace(spec.Name) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "project name", Reason: "must not be empty", Err: facade.ErrValidation}
	}
	jobs, apps := spec.JobTechnologies, spec.AppTechnologies
	if jobs == nil || apps == nil {
		dj, da, err := m.c.Technologies.defaultIDs(ctx, "saagie")
		if err != nil {
			return nil, err
		}
		if jobs == nil {
			jobs = dj
		}
		if apps == nil {
			apps = da
		}
	}
	r, err := gql.CreateProject(ctx, m.c.projects, gql.ProjectInput{
		Name: spec.Name, Description: ptr(spec.Description), AuthorizedGroups: groupsInput(spec.Groups),
		TechnologiesByCategory: categoriesInput(jobs), AppTechnologies: techInputs(apps),
	})
	if r == nil || r.CreateProject.Id == "" {
		return nil, err
	}
	p := projectFrom(&r.CreateProject)
	return &p, err
}

// Edit changes a project's name, description, groups or technologies;
// unset fields of spec are left as they are.
func (m *ProjectManager) Edit(ctx context.Context, id string, spec ProjectSpec) (*Project, error) {
	in := gql.ProjectEditionInput{Id: id, Name: optStr(spec.Name), Description: optStr(spec.Description)}
	if spec.Groups != nil {
		in.AuthorizedGroups = groupsInput(spec.Groups)
	}
	if spec.JobTechnologies != nil {
		in.TechnologiesByCategory = categoriesInput(spec.JobTechnologies)
	}
	if spec.AppTechnologies != nil {
		in.AppTechnologies = techInputs(spec.AppTechnologies)
	}
	r, err := gql.EditProject(ctx, m.c.projects, in)
	if r == nil || r.EditProject.Id == "" {
		return nil, err
	}
	p := projectFrom(&r.EditProject)
	return &p, err
}

// Delete deletes a project and everything in it.
func (m *ProjectManager) Delete(ctx context.Context, id string) error {
	r, err := gql.DeleteProject(ctx, m.c.projects, id)
	if err != nil {
		return err
	}
	if r == nil || r.DeleteProject == nil || !*r.DeleteProject {
		return &NotFoundError{Kind: "project", Key: id}
	}
	return nil
}

// WaitReady polls a project until it is READY (saagieapi's
// get_status_with_callback). FAILED also ends the wait, with a
// *ProjectFailedError, where saagieapi kept polling until its timeout.
// Defaults: interval 2s, no timeout beyond the context's.
func (m *ProjectManager) WaitReady(ctx context.Context, id string, opts facade.WaitOptions) (*Project, error) {
	p, err := wait.Poll(ctx, opts, facade.WaitOptions{Interval: 2 * 1e9}, wait.Target{Platform: platform, Operation: "WaitProjectReady", ID: id},
		func(ctx context.Context) (*Project, string, bool, error) {
			p, err := m.Get(ctx, id)
			if err != nil {
				return nil, "", false, err
			}
			return p, stateName(m.c, p.Status), p.Status == ProjectReady || p.Status == ProjectFailed, nil
		})
	if err == nil && p.Status == ProjectFailed {
		return p, &ProjectFailedError{ID: id}
	}
	return p, err
}

// ProjectFailedError reports a project whose creation failed.
type ProjectFailedError struct{ ID string }

// Error names the project.
func (e *ProjectFailedError) Error() string { return platform + ": project " + e.ID + " is FAILED" }

// orNotFound returns err, or a *NotFoundError when the server answered
// null without an error.
func orNotFound(err error, kind, key string) error {
	if err != nil {
		return err
	}
	return &NotFoundError{Kind: kind, Key: key}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
