package saagie

import (
	"context"
	"sort"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// EnvVarManager manages environment variables (saagieapi's
// saagie.env_vars). Scope and owner are given by an [EnvVarTarget].
type EnvVarManager struct{ c *Client }

// EnvVarTarget says which variables a call is about: GLOBAL (no id), or
// the PROJECT, PIPELINE or APP with that id.
type EnvVarTarget struct {
	Scope EnvVarScope
	// ID is the project, pipeline or app id; empty for GLOBAL.
	ID string
}

// Global, Project, PipelineVars and AppVars build targets.
var Global = EnvVarTarget{Scope: ScopeGlobal}

// ProjectVars targets a project's variables.
func ProjectVars(id string) EnvVarTarget { return EnvVarTarget{Scope: ScopeProject, ID: id} }

// PipelineVars targets a pipeline's variables.
func PipelineVars(id string) EnvVarTarget { return EnvVarTarget{Scope: ScopePipeline, ID: id} }

// AppVars targets an app's variables.
func AppVars(id string) EnvVarTarget { return EnvVarTarget{Scope: ScopeApp, ID: id} }

func (t EnvVarTarget) check() error {
	switch t.Scope {
	case ScopeGlobal:
		if t.ID != "" {
			return &facade.ConfigError{Platform: platform, Setting: "env var scope", Value: string(t.Scope), Reason: "GLOBAL takes no id", Err: facade.ErrValidation}
		}
		return nil
	case ScopeProject, ScopePipeline, ScopeApp:
		if t.ID == "" {
			return &facade.ConfigError{Platform: platform, Setting: "env var scope", Value: string(t.Scope), Reason: "needs the project, pipeline or app id", Err: facade.ErrValidation}
		}
		return nil
	}
	return &facade.ConfigError{Platform: platform, Setting: "env var scope", Value: string(t.Scope), Reason: "must be GLOBAL, PROJECT, PIPELINE or APP", Err: facade.ErrValidation}
}

// List returns the variables visible at t: for a lower scope, the
// inherited ones too (each with its own Scope), unless scopeOnly. The
// scope-only filter is applied here, as saagieapi does.
func (m *EnvVarManager) List(ctx context.Context, t EnvVarTarget, scopeOnly bool) ([]EnvVar, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	var (
		fields []*gql.EnvVarFields
		err    error
	)
	switch t.Scope {
	case ScopeGlobal:
		r, e := gql.ListGlobalEnvVars(ctx, m.c.projects)
		if r != nil {
			for i := range r.GlobalEnvironmentVariables {
				fields = append(fields, &r.GlobalEnvironmentVariables[i].EnvVarFields)
			}
		}
		err = e
	case ScopeProject:
		r, e := gql.ListProjectEnvVars(ctx, m.c.projects, t.ID)
		if r != nil {
			for i := range r.ProjectEnvironmentVariables {
				fields = append(fields, &r.ProjectEnvironmentVariables[i].EnvVarFields)
			}
		}
		err = e
	case ScopePipeline:
		r, e := gql.ListPipelineEnvVars(ctx, m.c.projects, t.ID)
		if r != nil {
			for i := range r.PipelineEnvironmentVariables {
				fields = append(fields, &r.PipelineEnvironmentVariables[i].EnvVarFields)
			}
		}
		err = e
	case ScopeApp:
		r, e := gql.ListAppEnvVars(ctx, m.c.projects, t.ID)
		if r != nil {
			for i := range r.AppEnvironmentVariables {
				fields = append(fields, &r.AppEnvironmentVariables[i].EnvVarFields)
			}
		}
		err = e
	}
	var out []EnvVar
	for _, f := range fields {
		v := envVarFrom(f)
		if scopeOnly && v.Scope != t.Scope {
			continue
		}
		out = append(out, v)
	}
	return out, err
}

// Get returns the variable named name defined at t (not inherited).
func (m *EnvVarManager) Get(ctx context.Context, t EnvVarTarget, name string) (*EnvVar, error) {
	vars, err := m.List(ctx, t, true)
	if err != nil {
		return nil, err
	}
	for i := range vars {
		if vars[i].Name == name {
			return &vars[i], nil
		}
	}
	return nil, &NotFoundError{Kind: "environment variable", Key: name}
}

// EnvVarSpec is a variable to create or update.
type EnvVarSpec struct {
	Name        string
	Value       string
	Description string
	Password    bool
}

func (m *EnvVarManager) save(ctx context.Context, t EnvVarTarget, id *string, s EnvVarSpec, value *string) (*EnvVar, error) {
	in := gql.EnvironmentVariableInput{Id: id, Name: s.Name, Scope: gql.EnvVarScope(t.Scope), Value: value, Description: ptr(s.Description), IsPassword: s.Password}
	r, err := gql.SaveEnvVar(ctx, m.c.projects, optStr(t.ID), in)
	if r == nil || r.SaveEnvironmentVariable.Id == "" {
		return nil, err
	}
	v := envVarFrom(&r.SaveEnvironmentVariable.EnvVarFields)
	return &v, err
}

// Create creates a variable at t.
func (m *EnvVarManager) Create(ctx context.Context, t EnvVarTarget, s EnvVarSpec) (*EnvVar, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(s.Name) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "env var name", Reason: "must not be empty", Err: facade.ErrValidation}
	}
	return m.save(ctx, t, nil, s, ptr(s.Value))
}

// Update replaces the variable named name at t with s (s.Name may rename
// it). For a password variable an empty s.Value keeps the stored value.
func (m *EnvVarManager) Update(ctx context.Context, t EnvVarTarget, name string, s EnvVarSpec) (*EnvVar, error) {
	cur, err := m.Get(ctx, t, name)
	if err != nil {
		return nil, err
	}
	if s.Name == "" {
		s.Name = name
	}
	value := ptr(s.Value)
	if s.Password && s.Value == "" {
		value = nil
	}
	return m.save(ctx, t, &cur.ID, s, value)
}

// CreateOrUpdate updates the variable of that name at t, or creates it.
func (m *EnvVarManager) CreateOrUpdate(ctx context.Context, t EnvVarTarget, s EnvVarSpec) (*EnvVar, error) {
	v, err := m.Update(ctx, t, s.Name, s)
	if isNotFound(err) {
		return m.Create(ctx, t, s)
	}
	return v, err
}

// Delete deletes the variable named name at t.
func (m *EnvVarManager) Delete(ctx context.Context, t EnvVarTarget, name string) error {
	cur, err := m.Get(ctx, t, name)
	if err != nil {
		return err
	}
	r, err := gql.DeleteEnvVar(ctx, m.c.projects, cur.ID)
	if err != nil {
		return err
	}
	if !r.DeleteEnvironmentVariable {
		return &NotFoundError{Kind: "environment variable", Key: name}
	}
	return nil
}

// ReplaceAll replaces every variable defined at t with vars (saagieapi's
// bulk_create_for_pipeline, for any scope): variables not in vars are
// deleted.
func (m *EnvVarManager) ReplaceAll(ctx context.Context, t EnvVarTarget, vars map[string]string) ([]EnvVar, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		if strings.ContainsAny(k, "=\n") {
			return nil, &facade.ConfigError{Platform: platform, Setting: "env var name", Value: k, Reason: "must not contain = or a newline", Err: facade.ErrValidation}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if strings.Contains(vars[k], "\n") {
			return nil, &facade.ConfigError{Platform: platform, Setting: "env var value", Value: k, Reason: "must not contain a newline", Err: facade.ErrValidation}
		}
		b.WriteString(k + "=" + vars[k] + "\n")
	}
	r, err := gql.ReplaceEnvVarsByRaw(ctx, m.c.projects, optStr(t.ID), gql.EnvVarScope(t.Scope), b.String())
	var out []EnvVar
	if r != nil {
		for i := range r.ReplaceEnvironmentVariablesByRawForScope {
			out = append(out, envVarFrom(&r.ReplaceEnvironmentVariablesByRawForScope[i].EnvVarFields))
		}
	}
	return out, err
}
