package cachet

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// IncidentUpdateManager manages the follow-ups of incidents (Cachet 2.4;
// 2.3 answers 404 to all of these calls).
type IncidentUpdateManager struct{ c *Client }

// IncidentUpdateChanges is a partial edit of an incident update: nil
// fields keep their value. The update's author becomes the caller.
type IncidentUpdateChanges struct {
	// Status corrects the update's status (1 to 4); the incident's own
	// status is not changed by an edit.
	Status *IncidentStatus
	// Message replaces the message.
	Message *string
}

func updateOne(c *Client, op string, resp *http.Response, err error) (*IncidentUpdate, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.IncidentUpdateResponse) cachetapi.IncidentUpdate { return e.Data },
		func(m cachetapi.IncidentUpdate) int { return m.ID },
		(*decoder).incidentUpdate)
}

// Create posts an update on an incident. status must be Investigating,
// Identified, Watching or Fixed; the incident takes that status too. (The
// server accepts a component status here but ignores it: change components
// with [IncidentManager.Update] or [ComponentManager.Update].)
func (m *IncidentUpdateManager) Create(ctx context.Context, incidentID int, status IncidentStatus, message string) (*IncidentUpdate, error) {
	resp, err := m.c.api.CreateIncidentUpdate(ctx, incidentID, cachetapi.IncidentUpdateCreate{
		Status:  cachetapi.IncidentUpdateStatus(status),
		Message: message,
	})
	return updateOne(m.c, "CreateIncidentUpdate", resp, err)
}

// Get returns one update. The server does not check that the update
// belongs to incidentID; the facade does, and an update of another
// incident is an error matching facade.ErrNotFound, as it would be if
// the server checked (it is not an *facade.APIError: the server answered
// 200; see "Errors" in the package documentation).
func (m *IncidentUpdateManager) Get(ctx context.Context, incidentID, updateID int) (*IncidentUpdate, error) {
	return m.get(ctx, "GetIncidentUpdate", incidentID, updateID)
}

// get reads an update and checks that it belongs to incidentID; op names
// the call the caller asked for in the ownership error.
func (m *IncidentUpdateManager) get(ctx context.Context, op string, incidentID, updateID int) (*IncidentUpdate, error) {
	resp, err := m.c.api.GetIncidentUpdate(ctx, incidentID, updateID)
	u, err := updateOne(m.c, "GetIncidentUpdate", resp, err)
	if err != nil {
		return nil, err
	}
	if u.IncidentID != incidentID {
		return nil, fmt.Errorf("%s: %s: update %d belongs to incident %d, not %d: %w",
			platform, op, updateID, u.IncidentID, incidentID, facade.ErrNotFound)
	}
	return u, nil
}

// Update edits an update and returns it as stored.
//
// The server edits the update whatever incident the path names, so
// Update first reads the update (one GET, as [IncidentUpdateManager.Get])
// and sends nothing when it belongs to another incident: that is an error
// matching facade.ErrNotFound. A missing update is the GET's 404.
func (m *IncidentUpdateManager) Update(ctx context.Context, incidentID, updateID int, u IncidentUpdateChanges) (*IncidentUpdate, error) {
	if _, err := m.get(ctx, "UpdateIncidentUpdate", incidentID, updateID); err != nil {
		return nil, err
	}
	resp, err := m.c.api.UpdateIncidentUpdate(ctx, incidentID, updateID, cachetapi.IncidentUpdateEdit{
		Status:  (*cachetapi.IncidentUpdateStatus)(u.Status),
		Message: u.Message,
	})
	return updateOne(m.c, "UpdateIncidentUpdate", resp, err)
}

// Delete removes an update.
//
// The server deletes the update whatever incident the path names (a
// call for incident 1 could remove an update of incident 2), so Delete
// first reads the update (one GET, as [IncidentUpdateManager.Get]) and
// deletes nothing when it belongs to another incident: that is an error
// matching facade.ErrNotFound. A missing update is the GET's 404.
func (m *IncidentUpdateManager) Delete(ctx context.Context, incidentID, updateID int) error {
	if _, err := m.get(ctx, "DeleteIncidentUpdate", incidentID, updateID); err != nil {
		return err
	}
	resp, err := m.c.api.DeleteIncidentUpdate(ctx, incidentID, updateID)
	return wire.NoContent(m.c.call("DeleteIncidentUpdate"), resp, err)
}

// List iterates over an incident's updates, newest first; Order
// Ascending gives them oldest first. They cannot be sorted otherwise (the
// server always orders them by creation time).
func (m *IncidentUpdateManager) List(ctx context.Context, incidentID int, opts ListOptions) iter.Seq2[IncidentUpdate, error] {
	return m.lister(incidentID).seq(ctx, opts)
}

// Count returns the number of updates of an incident with one request.
func (m *IncidentUpdateManager) Count(ctx context.Context, incidentID int) (int, error) {
	return m.lister(incidentID).count(ctx)
}

func (m *IncidentUpdateManager) lister(incidentID int) *lister[IncidentUpdate] {
	const op = "ListIncidentUpdates"
	return &lister[IncidentUpdate]{
		c:    m.c,
		spec: listSpec{op: "IncidentUpdates.List", newestFirst: true},
		id:   func(u IncidentUpdate) int { return u.ID },
		fetch: func(ctx context.Context, q pageQuery) (pageOf[IncidentUpdate], error) {
			resp, err := m.c.api.ListIncidentUpdates(ctx, incidentID, &cachetapi.ListIncidentUpdatesParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
			})
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.IncidentUpdateList) (*[]cachetapi.IncidentUpdate, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).incidentUpdate)
		},
	}
}

// IncidentTemplateManager reads incident templates (Cachet 2.4), which are
// written in the dashboard only. Use a template's Slug as
// IncidentCreate.Template.
type IncidentTemplateManager struct{ c *Client }

// Get returns one template.
func (m *IncidentTemplateManager) Get(ctx context.Context, id int) (*IncidentTemplate, error) {
	resp, err := m.c.api.GetIncidentTemplate(ctx, id)
	return decodeOne(m.c, "GetIncidentTemplate", resp, err,
		func(e cachetapi.IncidentTemplateResponse) cachetapi.IncidentTemplate { return e.Data },
		func(m cachetapi.IncidentTemplate) int { return m.ID },
		(*decoder).template)
}

// List iterates over the templates. They cannot be sorted (the real server
// answers 500 to a sort), so Sort and Order must be empty.
func (m *IncidentTemplateManager) List(ctx context.Context, opts ListOptions) iter.Seq2[IncidentTemplate, error] {
	return m.lister().seq(ctx, opts)
}

// Count returns the number of templates with one request.
func (m *IncidentTemplateManager) Count(ctx context.Context) (int, error) {
	return m.lister().count(ctx)
}

func (m *IncidentTemplateManager) lister() *lister[IncidentTemplate] {
	const op = "ListIncidentTemplates"
	return &lister[IncidentTemplate]{
		c:    m.c,
		spec: listSpec{op: "IncidentTemplates.List"},
		id:   func(t IncidentTemplate) int { return t.ID },
		fetch: func(ctx context.Context, q pageQuery) (pageOf[IncidentTemplate], error) {
			resp, err := m.c.api.ListIncidentTemplates(ctx, &cachetapi.ListIncidentTemplatesParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
			})
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.IncidentTemplateList) (*[]cachetapi.IncidentTemplate, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).template)
		},
	}
}
