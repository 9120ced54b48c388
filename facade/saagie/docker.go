package saagie

import (
	"context"

	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// DockerCredentialsManager manages a project's registry credentials
// (saagieapi's saagie.docker_credentials).
type DockerCredentialsManager struct{ c *Client }

// List returns a project's credentials.
func (m *DockerCredentialsManager) List(ctx context.Context, projectID string) ([]DockerCredentials, error) {
	r, err := gql.ListDockerCredentials(ctx, m.c.projects, projectID)
	var out []DockerCredentials
	if r != nil {
		out = sized[DockerCredentials](len(r.AllDockerCredentials))
		for i := range r.AllDockerCredentials {
			out = append(out, dockerCredentialsFrom(&r.AllDockerCredentials[i].DockerCredentialsFields))
		}
	}
	return out, err
}

// Get returns one credential.
func (m *DockerCredentialsManager) Get(ctx context.Context, projectID, id string) (*DockerCredentials, error) {
	r, err := gql.GetDockerCredentials(ctx, m.c.projects, id, projectID)
	if r == nil || r.DockerCredentials == nil {
		return nil, orNotFound(err, "docker credentials", id)
	}
	d := dockerCredentialsFrom(&r.DockerCredentials.DockerCredentialsFields)
	return &d, err
}

// GetForUsername finds a project's credential by username and registry
// ("" = Docker Hub).
func (m *DockerCredentialsManager) GetForUsername(ctx context.Context, projectID, username, registry string) (*DockerCredentials, error) {
	all, err := m.List(ctx, projectID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Username == username && all[i].Registry == registry {
			return &all[i], nil
		}
	}
	return nil, &NotFoundError{Kind: "docker credentials", Key: username}
}

// Create stores credentials for a registry ("" = Docker Hub).
func (m *DockerCredentialsManager) Create(ctx context.Context, projectID, username, password, registry string) (*DockerCredentials, error) {
	m.c.scrub.Add(password)
	r, err := gql.CreateDockerCredentials(ctx, m.c.projects, &gql.DockerCredentialsInput{Registry: optStr(registry), Username: username, Password: password, ProjectId: projectID})
	if r == nil || r.CreateDockerCredentials == nil {
		return nil, err
	}
	d := dockerCredentialsFrom(&r.CreateDockerCredentials.DockerCredentialsFields)
	return &d, err
}

// Upgrade replaces the password (always required) and, when not empty,
// the username and registry of a credential.
func (m *DockerCredentialsManager) Upgrade(ctx context.Context, projectID, id, password, username, registry string) (*DockerCredentials, error) {
	m.c.scrub.Add(password)
	r, err := gql.UpdateDockerCredentials(ctx, m.c.projects, &gql.DockerCredentialsUpdate{Id: id, Registry: optStr(registry), Username: optStr(username), Password: password, ProjectId: projectID})
	if r == nil || r.UpdateDockerCredentials == nil {
		return nil, orNotFound(err, "docker credentials", id)
	}
	d := dockerCredentialsFrom(&r.UpdateDockerCredentials.DockerCredentialsFields)
	return &d, err
}

// UpgradeForUsername replaces the password of the credential of username.
func (m *DockerCredentialsManager) UpgradeForUsername(ctx context.Context, projectID, username, password, registry string) (*DockerCredentials, error) {
	d, err := m.GetForUsername(ctx, projectID, username, registry)
	if err != nil {
		return nil, err
	}
	return m.Upgrade(ctx, projectID, d.ID, password, username, registry)
}

// Delete deletes a credential.
func (m *DockerCredentialsManager) Delete(ctx context.Context, projectID, id string) error {
	r, err := gql.DeleteDockerCredentials(ctx, m.c.projects, id, projectID)
	if err != nil {
		return err
	}
	if r.DeleteDockerCredentials == nil || !*r.DeleteDockerCredentials {
		return &NotFoundError{Kind: "docker credentials", Key: id}
	}
	return nil
}

// DeleteForUsername deletes the credential of username.
func (m *DockerCredentialsManager) DeleteForUsername(ctx context.Context, projectID, username, registry string) error {
	d, err := m.GetForUsername(ctx, projectID, username, registry)
	if err != nil {
		return err
	}
	return m.Delete(ctx, projectID, d.ID)
}
