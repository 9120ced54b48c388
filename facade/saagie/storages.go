package saagie

import (
	"context"

	"github.com/switchboard-go/switchboard/facade"
	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// StorageManager manages storages, the platform's volumes (saagieapi's
// saagie.storages).
type StorageManager struct{ c *Client }

// List returns a project's storages.
func (m *StorageManager) List(ctx context.Context, projectID string) ([]Storage, error) {
	r, err := gql.ListVolumes(ctx, m.c.projects, projectID)
	if r == nil || r.Project == nil {
		return nil, orNotFound(err, "project", projectID)
	}
	out := sized[Storage](len(r.Project.Volumes))
	for i := range r.Project.Volumes {
		out = append(out, storageFrom(&r.Project.Volumes[i].VolumeFields))
	}
	return out, err
}

// Get returns one storage.
func (m *StorageManager) Get(ctx context.Context, id string) (*Storage, error) {
	r, err := gql.GetVolume(ctx, m.c.projects, id)
	if r == nil || r.Volume == nil {
		return nil, orNotFound(err, "storage", id)
	}
	s := storageFrom(&r.Volume.VolumeFields)
	return &s, err
}

// Create creates a storage; size is a DataSize such as "128 MB".
func (m *StorageManager) Create(ctx context.Context, projectID, name, size, description string) (*Storage, error) {
	r, err := gql.CreateVolume(ctx, m.c.projects, gql.VolumeInput{Name: name, Description: optStr(description), Size: size, ProjectId: projectID})
	if r == nil || r.CreateVolume.Id == "" {
		return nil, err
	}
	s := storageFrom(&r.CreateVolume.VolumeFields)
	return &s, err
}

// Edit renames a storage or changes its description; nil keeps.
func (m *StorageManager) Edit(ctx context.Context, id string, name, description *string) (*Storage, error) {
	r, err := gql.EditVolume(ctx, m.c.projects, gql.VolumeEditionInput{Id: id, Name: name, Description: description})
	if r == nil || r.EditVolume.Id == "" {
		return nil, err
	}
	s := storageFrom(&r.EditVolume.VolumeFields)
	return &s, err
}

// ErrStorageInUse is returned by Delete and Unlink for a storage mounted
// by the current version of its app, as saagieapi refuses them.
var ErrStorageInUse = &facade.ConfigError{Platform: platform, Setting: "storage", Reason: "is mounted by the current version of its app", Err: facade.ErrConflict}

func (m *StorageManager) inUse(ctx context.Context, id string) error {
	s, err := m.Get(ctx, id)
	if err != nil {
		return err
	}
	if s.LinkedAppID == "" {
		return nil
	}
	app, err := m.c.Apps.Get(ctx, s.LinkedAppID)
	if err != nil {
		return err
	}
	if app.CurrentVersion != nil {
		for _, mnt := range app.CurrentVersion.Storages {
			if mnt.StorageID == id {
				return ErrStorageInUse
			}
		}
	}
	return nil
}

// Delete deletes a storage that the current version of its app does not
// mount.
func (m *StorageManager) Delete(ctx context.Context, id string) error {
	if err := m.inUse(ctx, id); err != nil {
		return err
	}
	r, err := gql.DeleteVolume(ctx, m.c.projects, id)
	if err == nil && r.DeleteVolume == nil {
		return &NotFoundError{Kind: "storage", Key: id}
	}
	return err
}

// Unlink detaches a storage from its app's older versions.
func (m *StorageManager) Unlink(ctx context.Context, id string) (*Storage, error) {
	if err := m.inUse(ctx, id); err != nil {
		return nil, err
	}
	r, err := gql.UnlinkVolume(ctx, m.c.projects, id)
	if r == nil || r.UnlinkVolume == nil {
		return nil, orNotFound(err, "storage", id)
	}
	s := storageFrom(&r.UnlinkVolume.VolumeFields)
	return &s, err
}

// Move moves a storage to another project or platform; it returns the new
// id.
func (m *StorageManager) Move(ctx context.Context, id string, targetPlatformID int, targetProjectID string) (string, error) {
	r, err := gql.MoveVolume(ctx, m.c.projects, id, targetPlatformID, targetProjectID)
	if r == nil {
		return "", err
	}
	return r.MoveVolume, err
}

// Duplicate copies a storage.
func (m *StorageManager) Duplicate(ctx context.Context, id string) (*Storage, error) {
	r, err := gql.DuplicateVolume(ctx, m.c.projects, id)
	if r == nil || r.DuplicateVolume.Id == "" {
		return nil, err
	}
	s := storageFrom(&r.DuplicateVolume.VolumeFields)
	return &s, err
}
