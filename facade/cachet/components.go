package cachet

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// ComponentManager manages components, the services listed on the status
// page. Reading needs no token (guests see enabled components only);
// writing does.
type ComponentManager struct{ c *Client }

// ComponentCreate describes a new component.
type ComponentCreate struct {
	// Name is required.
	Name string
	// Status is required; its zero value is ComponentUnknown (2.4 only,
	// 2.3 refuses it).
	Status ComponentStatus
	// Description is shown under the name; "" for none.
	Description string
	// Link is an absolute URL, "" for none.
	Link string
	// Order is the position on the page, lowest first.
	Order int
	// GroupID puts the component in a group; 0 for none.
	GroupID int
	// Enabled nil creates an enabled component, the server's default.
	Enabled *bool
	// Meta is free key/value data (2.4); nil sends none.
	Meta map[string]any
	// Tags are tag names ("Another Test Tag"); the server derives the
	// slugs. A name may not contain a comma.
	Tags []string
}

// ComponentChanges is a partial update of a component: nil fields are
// left as they are. Edit tags with SetTags, AddTag and RemoveTag.
//
// On Cachet 2.3 (not 2.4) an update without Enabled re-enables a disabled
// component; set Enabled explicitly there.
type ComponentChanges struct {
	// Name renames the component.
	Name *string
	// Status changes the status, notifying subscribers unless Silent.
	Status *ComponentStatus
	// Description replaces the description; new("") clears it.
	Description *string
	// Link replaces the link; new("") clears it.
	Link *string
	// Order moves the component on the page.
	Order *int
	// GroupID moves the component to a group; new(0) to none.
	GroupID *int
	// Enabled shows (true) or hides (false) the component.
	Enabled *bool
	// Meta replaces the whole meta map when non-nil.
	Meta map[string]any
	// Silent changes Status without notifying subscribers.
	Silent bool

	tags tagEdit
}

// SetTags replaces the component's tags with names. The API cannot clear
// all tags, so SetTags() with no names makes Update fail rather than
// silently do nothing.
func (u *ComponentChanges) SetTags(names ...string) {
	u.tags.set, u.tags.setAll = slices.Clone(names), true
}

// AddTag adds tags by name, keeping the others. Update then reads the
// component first, since the API only replaces the whole set.
func (u *ComponentChanges) AddTag(names ...string) { u.tags.add = append(u.tags.add, names...) }

// RemoveTag removes tags by name or slug (ignoring case), keeping the
// others; tags the component does not have are ignored. Update then reads
// the component first. Removing the last tag is refused: the API cannot
// clear tags.
func (u *ComponentChanges) RemoveTag(namesOrSlugs ...string) {
	u.tags.remove = append(u.tags.remove, namesOrSlugs...)
}

// ComponentListOptions are the options and filters of
// [ComponentManager.List]. Nil filters match everything.
//
// Sort columns: id, name, status, order, group_id, enabled.
type ComponentListOptions struct {
	ListOptions
	// Name matches the exact name, case included (Count leaves the
	// comparison to the database: see [ListOptions]).
	Name *string
	// Status matches one status.
	Status *ComponentStatus
	// GroupID matches one group; new(0) matches components in none.
	GroupID *int
	// Enabled matches enabled or disabled components (guests see
	// enabled ones only).
	Enabled *bool
	// Tags matches components carrying any of these tag slugs. Unlike
	// the other filters it works with paging on the server; combined
	// with them it is applied on the client side.
	Tags []string
}

func (o ComponentListOptions) columns() bool {
	return o.Name != nil || o.Status != nil || o.GroupID != nil || o.Enabled != nil
}

func (o ComponentListOptions) match(c Component) bool {
	switch {
	case o.Name != nil && c.Name != *o.Name,
		o.Status != nil && c.Status != *o.Status,
		o.GroupID != nil && c.GroupID != *o.GroupID,
		o.Enabled != nil && c.Enabled != *o.Enabled:
		return false
	}
	return len(o.Tags) == 0 || slices.ContainsFunc(o.Tags, c.HasTag)
}

func componentOne(c *Client, op string, resp *http.Response, err error) (*Component, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.ComponentResponse) cachetapi.Component { return e.Data },
		func(m cachetapi.Component) int { return m.ID },
		(*decoder).component)
}

// Create adds a component.
func (m *ComponentManager) Create(ctx context.Context, in ComponentCreate) (*Component, error) {
	const op = "CreateComponent"
	body := cachetapi.ComponentCreate{
		Name:        in.Name,
		Status:      cachetapi.ComponentStatus(in.Status),
		Description: ptrIf(in.Description),
		Link:        ptrIf(in.Link),
		Order:       ptrIf(in.Order),
		GroupID:     ptrIf(in.GroupID),
		Enabled:     in.Enabled,
		Meta:        meta(in.Meta),
	}
	if len(in.Tags) > 0 {
		tags, err := joinTags("Components.Create", in.Tags)
		if err != nil {
			return nil, err
		}
		body.Tags = &tags
	}
	resp, err := m.c.api.CreateComponent(ctx, body)
	return componentOne(m.c, op, resp, err)
}

// Get returns one component. A disabled component can be read by id even
// by a guest.
func (m *ComponentManager) Get(ctx context.Context, id int) (*Component, error) {
	resp, err := m.c.api.GetComponent(ctx, id)
	return componentOne(m.c, "GetComponent", resp, err)
}

// Update changes the fields set in u and returns the component as stored.
// Adding or removing single tags reads the component first (one more
// request), as the API can only replace the whole tag set.
func (m *ComponentManager) Update(ctx context.Context, id int, u ComponentChanges) (*Component, error) {
	const op = "UpdateComponent"
	body := cachetapi.ComponentUpdate{
		Name:        u.Name,
		Status:      (*cachetapi.ComponentStatus)(u.Status),
		Description: u.Description,
		Link:        u.Link,
		Order:       u.Order,
		GroupID:     u.GroupID,
		Enabled:     u.Enabled,
		Meta:        meta(u.Meta),
		Silent:      ptrIf(u.Silent),
	}
	if !u.tags.empty() {
		var current map[string]string
		if u.tags.needsCurrent() {
			cur, err := m.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			current = cur.Tags
		}
		tags, send, err := u.tags.apply("Components.Update", current)
		if err != nil {
			return nil, err
		}
		if send {
			body.Tags = &tags
		}
	}
	resp, err := m.c.api.UpdateComponent(ctx, id, body)
	return componentOne(m.c, op, resp, err)
}

// Delete removes a component (a soft delete on the server).
func (m *ComponentManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteComponent(ctx, id)
	return wire.NoContent(m.c.call("DeleteComponent"), resp, err)
}

// List iterates over the components matching opts; see [ListOptions] for
// how filters and ascending order are made to work on the real server.
func (m *ComponentManager) List(ctx context.Context, opts ComponentListOptions) iter.Seq2[Component, error] {
	return m.lister(opts).seq(ctx, opts.ListOptions)
}

// Count returns the number of components matching the filters of opts
// (its ListOptions are ignored) with one request. The server compares
// Name as its database does, ignoring case on MySQL, where List matches
// it exactly: see [ListOptions].
func (m *ComponentManager) Count(ctx context.Context, opts ComponentListOptions) (int, error) {
	return m.lister(opts).count(ctx)
}

func (m *ComponentManager) lister(opts ComponentListOptions) *lister[Component] {
	const op = "ListComponents"
	l := &lister[Component]{
		c:        m.c,
		spec:     listSpec{op: "Components.List", sorts: componentSorts},
		id:       func(c Component) int { return c.ID },
		columns:  opts.columns(),
		pageable: len(opts.Tags) > 0,
		fetch: func(ctx context.Context, q pageQuery) (pageOf[Component], error) {
			params := &cachetapi.ListComponentsParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
				Sort:    sortParam[cachetapi.ListComponentsParamsSort](q.sort),
				Order:   orderParam[cachetapi.SortOrder](q.order),
			}
			if q.columns {
				params.Name = opts.Name
				params.Status = (*cachetapi.ComponentStatus)(opts.Status)
				params.GroupID = opts.GroupID
				params.Enabled = flag(opts.Enabled)
			}
			if q.pageable && !q.columns {
				tags := trimAll(opts.Tags)
				params.Tags = &tags
			}
			resp, err := m.c.api.ListComponents(ctx, params)
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.ComponentList) (*[]cachetapi.Component, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).component)
		},
	}
	if l.columns || l.pageable {
		// Only a filtered list checks its items: an unfiltered one skips
		// the call per item and the method value's allocation.
		l.match = opts.match
	}
	return l
}

// componentSorts are the sort columns of components, made once.
var componentSorts = []string{"id", "name", "status", "order", "group_id", "enabled"}

// meta converts user meta for the generated bodies: nil stays absent, as
// a JSON null makes the server fail.
func meta(m map[string]any) *cachetapi.Meta {
	if m == nil {
		return nil
	}
	v := cachetapi.Meta(m)
	return &v
}

// flag is how the server wants display_chart and the enabled and stickied
// filters: the integers 0 and 1, which every code path reads the same way
// (the string "false" would be cast to true on some).
func flag(b *bool) *cachetapi.Flag {
	if b == nil {
		return nil
	}
	v := cachetapi.FlagOff
	if *b {
		v = cachetapi.FlagOn
	}
	return &v
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
