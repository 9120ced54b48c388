package spacestudio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
)

// Objects manages one collection: list, find, create, replace, delete.
//
// The API has no call that reads one object and no server-side filter:
// every Get and Find lists the whole collection and searches it on the
// client, as the Python package does. Prefer one List over many Finds
// when handling many objects.
type Objects struct {
	c   *Client
	col Collection
	ep  endpointSet
}

// Collection describes the managed collection.
func (m *Objects) Collection() Collection { return m.col }

func (m *Objects) op(verb string) string { return verb + " " + m.col.Path }

// All returns the whole collection, in the server's order.
func (m *Objects) All(ctx context.Context) ([]Object, error) {
	resp, err := m.ep.list(ctx, m.c.userID)
	items, err := wire.Decode[[]Object](m.c.call(m.op("List")), resp, err)
	if err != nil {
		return nil, err
	}
	for i, o := range items {
		if o.ID == "" {
			return nil, m.c.call(m.op("List")).ConversionError(resp, fmt.Errorf("[%d].id: missing", i))
		}
	}
	return items, nil
}

// List iterates over the collection. The server sends it whole in one
// answer (no paging exists); the iterator only gives every list the same
// shape across Switchboard.
func (m *Objects) List(ctx context.Context) iter.Seq2[Object, error] {
	return paging.SeqWith(ctx, m.c.pager, struct{}{}, func(ctx context.Context, _ struct{}) (paging.Page[Object, struct{}], error) {
		items, err := m.All(ctx)
		return paging.Page[Object, struct{}]{Items: items}, err
	})
}

// Get returns the object with this id, found by listing the collection;
// a missing one is a *NotFoundError (matching facade.ErrNotFound).
func (m *Objects) Get(ctx context.Context, id string) (*Object, error) {
	items, err := m.All(ctx)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].ID == id {
			return &items[i], nil
		}
	}
	return nil, &NotFoundError{Collection: m.col.Path, ID: id}
}

// FindByName returns the first object whose displayedName is name, as
// the Python package's get_* functions do. The server cannot filter: the
// whole collection is listed. A missing one is a *NotFoundError.
func (m *Objects) FindByName(ctx context.Context, name string) (*Object, error) {
	items, err := m.All(ctx)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].DisplayedName == name {
			return &items[i], nil
		}
	}
	return nil, &NotFoundError{Collection: m.col.Path, Name: name}
}

// Create adds an object. body is anything that marshals to a JSON object
// with a non-empty "name": a map, an Object, a spacestudioapi struct
// (e.g. spacestudioapi.OrbitDefinition) or a struct of your own. Embedded
// objects (a spacecraft's thruster, a mission's spacecraft) are whole
// objects as listed, not ids: pass the *Object you got back.
//
// A name already taken in the collection is a *facade.APIError matching
// facade.ErrConflict (409). The server's answer to a create is not
// documented; when it is not the created object, the object is found by
// name afterwards.
func (m *Objects) Create(ctx context.Context, body any) (*Object, error) {
	op := m.op("Create")
	raw, name, err := m.body(op, body)
	if err != nil {
		return nil, err
	}
	resp, err := m.ep.create(ctx, m.c.userID, "application/json", bytes.NewReader(raw))
	answer, err := wire.Decode[json.RawMessage](m.c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	if obj, ok := asObject(answer); ok {
		return obj, nil
	}
	return m.findCreated(ctx, name)
}

// findCreated finds an object just created under name, when the server's
// answer did not carry it. That displayedName always mirrors name is not
// confirmed, so either matches here; a miss says the create succeeded, so
// that nobody retries it into a 409.
func (m *Objects) findCreated(ctx context.Context, name string) (*Object, error) {
	items, err := m.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("spacestudio: %s: the object %q was created, but listing it failed: %w", m.col.Path, name, err)
	}
	for _, match := range []func(*Object) bool{
		func(o *Object) bool { return o.DisplayedName == name },
		func(o *Object) bool { return o.Name == name },
	} {
		for i := range items {
			if match(&items[i]) {
				return &items[i], nil
			}
		}
	}
	return nil, fmt.Errorf("spacestudio: %s: the server accepted the object %q but lists no object of that name: %w",
		m.col.Path, name, &NotFoundError{Collection: m.col.Path, Name: name})
}

// Update replaces the object with this id by body, a whole object (the
// API takes no partial updates; start from the Object you got and change
// its Fields, or send a complete struct). Renaming onto a taken name is a
// facade.ErrConflict.
func (m *Objects) Update(ctx context.Context, id string, body any) (*Object, error) {
	op := m.op("Update")
	if err := checkID(platform, op, id); err != nil {
		return nil, err
	}
	raw, _, err := m.body(op, body)
	if err != nil {
		return nil, err
	}
	resp, err := m.ep.update(ctx, m.c.userID, id, "application/json", bytes.NewReader(raw))
	answer, err := wire.Decode[json.RawMessage](m.c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	if obj, ok := asObject(answer); ok {
		return obj, nil
	}
	return m.Get(ctx, id)
}

// Delete removes the object with this id.
func (m *Objects) Delete(ctx context.Context, id string) error {
	op := m.op("Delete")
	if err := checkID(platform, op, id); err != nil {
		return err
	}
	resp, err := m.ep.delete(ctx, m.c.userID, id)
	return wire.NoContent(m.c.call(op), resp, err)
}

// DeleteByName finds the object by displayedName and deletes it. Unlike
// the Python package, a name that is not there is an error
// (*NotFoundError), not a silent no-op.
func (m *Objects) DeleteByName(ctx context.Context, name string) error {
	obj, err := m.FindByName(ctx, name)
	if err != nil {
		return err
	}
	return m.Delete(ctx, obj.ID)
}

// body marshals a request body and checks it is an object with a name.
func (m *Objects) body(op string, body any) ([]byte, string, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, "", &facade.ArgumentError{Platform: platform, Operation: op, Argument: "body", Reason: "cannot be encoded as JSON: " + err.Error()}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, "", &facade.ArgumentError{Platform: platform, Operation: op, Argument: "body", Reason: "must be a JSON object"}
	}
	var name string
	if err := json.Unmarshal(fields["name"], &name); err != nil || strings.TrimSpace(name) == "" {
		return nil, "", &facade.ArgumentError{Platform: platform, Operation: op, Argument: "name", Reason: "a non-empty string name is required: objects are found by name"}
	}
	return raw, name, nil
}

// asObject reads an answer as an object when it is one with an id.
func asObject(raw json.RawMessage) (*Object, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var obj Object
	if err := json.Unmarshal(raw, &obj); err != nil || obj.ID == "" {
		return nil, false
	}
	return &obj, true
}

// checkID refuses ids that cannot be a path segment before any request.
func checkID(platform, op, id string) error {
	if strings.TrimSpace(id) == "" {
		return &facade.ArgumentError{Platform: platform, Operation: op, Argument: "id", Reason: "empty"}
	}
	return nil
}
