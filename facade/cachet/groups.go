package cachet

import (
	"context"
	"iter"
	"net/http"

	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// ComponentGroupManager manages component groups. Guests see public
// groups only; with a token, all of them.
type ComponentGroupManager struct{ c *Client }

// ComponentGroupCreate describes a new group. The zero values are the
// server's defaults: order 0, always expanded, visible to logged-in users
// only (set Visible to VisibilityPublic for the public page).
type ComponentGroupCreate struct {
	// Name is required.
	Name string
	// Order is the position on the page, lowest first.
	Order int
	// Collapsed is how the page shows the group.
	Collapsed GroupCollapsed
	// Visible is VisibilityLoggedIn (the zero value) or
	// VisibilityPublic.
	Visible Visibility
}

// ComponentGroupChanges is a partial update: nil fields are not sent and
// keep their value. (cachet-client sent visible=0 whenever the caller did
// not pass it, hiding the group from the public page.)
type ComponentGroupChanges struct {
	// Name renames the group.
	Name *string
	// Order moves the group on the page.
	Order *int
	// Collapsed changes how the page shows the group.
	Collapsed *GroupCollapsed
	// Visible changes who sees the group.
	Visible *Visibility
}

// ComponentGroupListOptions are the options and filters of
// [ComponentGroupManager.List]. Nil filters match everything.
//
// Sort columns: id, name, order, collapsed, visible. This is the one list
// whose server honours Order itself.
type ComponentGroupListOptions struct {
	ListOptions
	// Name matches the exact name, case included (Count leaves the
	// comparison to the database: see [ListOptions]).
	Name *string
	// Collapsed matches one display mode.
	Collapsed *GroupCollapsed
	// Visible matches one audience (guests see public groups only).
	Visible *Visibility
}

func (o ComponentGroupListOptions) columns() bool {
	return o.Name != nil || o.Collapsed != nil || o.Visible != nil
}

func (o ComponentGroupListOptions) match(g ComponentGroup) bool {
	return (o.Name == nil || g.Name == *o.Name) &&
		(o.Collapsed == nil || g.Collapsed == *o.Collapsed) &&
		(o.Visible == nil || g.Visible == *o.Visible)
}

func groupOne(c *Client, op string, resp *http.Response, err error) (*ComponentGroup, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.ComponentGroupResponse) cachetapi.ComponentGroup { return e.Data },
		func(m cachetapi.ComponentGroup) int { return m.ID },
		(*decoder).group)
}

// Create adds a group.
func (m *ComponentGroupManager) Create(ctx context.Context, in ComponentGroupCreate) (*ComponentGroup, error) {
	collapsed := cachetapi.GroupCollapsed(in.Collapsed)
	visible := cachetapi.GroupVisibility(in.Visible)
	resp, err := m.c.api.CreateComponentGroup(ctx, cachetapi.ComponentGroupCreate{
		Name:      in.Name,
		Order:     &in.Order,
		Collapsed: &collapsed,
		Visible:   &visible,
	})
	return groupOne(m.c, "CreateComponentGroup", resp, err)
}

// Get returns one group, whatever its visibility.
func (m *ComponentGroupManager) Get(ctx context.Context, id int) (*ComponentGroup, error) {
	resp, err := m.c.api.GetComponentGroup(ctx, id)
	return groupOne(m.c, "GetComponentGroup", resp, err)
}

// Update sends only the fields set in u and returns the group as stored.
func (m *ComponentGroupManager) Update(ctx context.Context, id int, u ComponentGroupChanges) (*ComponentGroup, error) {
	resp, err := m.c.api.UpdateComponentGroup(ctx, id, cachetapi.ComponentGroupUpdate{
		Name:      u.Name,
		Order:     u.Order,
		Collapsed: (*cachetapi.GroupCollapsed)(u.Collapsed),
		Visible:   (*cachetapi.GroupVisibility)(u.Visible),
	})
	return groupOne(m.c, "UpdateComponentGroup", resp, err)
}

// Delete removes a group; its components stay, in no group.
func (m *ComponentGroupManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteComponentGroup(ctx, id)
	return wire.NoContent(m.c.call("DeleteComponentGroup"), resp, err)
}

// List iterates over the groups matching opts; see [ListOptions].
func (m *ComponentGroupManager) List(ctx context.Context, opts ComponentGroupListOptions) iter.Seq2[ComponentGroup, error] {
	return m.lister(opts).seq(ctx, opts.ListOptions)
}

// Count returns the number of groups matching the filters of opts (its
// ListOptions are ignored) with one request. The server compares Name
// as its database does, ignoring case on MySQL, where List matches it
// exactly: see [ListOptions].
func (m *ComponentGroupManager) Count(ctx context.Context, opts ComponentGroupListOptions) (int, error) {
	return m.lister(opts).count(ctx)
}

func (m *ComponentGroupManager) lister(opts ComponentGroupListOptions) *lister[ComponentGroup] {
	const op = "ListComponentGroups"
	l := &lister[ComponentGroup]{
		c:       m.c,
		spec:    listSpec{op: "ComponentGroups.List", sorts: groupSorts, honorsOrder: true},
		id:      func(g ComponentGroup) int { return g.ID },
		columns: opts.columns(),
		fetch: func(ctx context.Context, q pageQuery) (pageOf[ComponentGroup], error) {
			params := &cachetapi.ListComponentGroupsParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
				Sort:    sortParam[cachetapi.ListComponentGroupsParamsSort](q.sort),
				Order:   orderParam[cachetapi.SortOrder](q.order),
			}
			if q.columns {
				params.Name = opts.Name
				params.Collapsed = (*cachetapi.GroupCollapsed)(opts.Collapsed)
				params.Visible = (*cachetapi.GroupVisibility)(opts.Visible)
			}
			resp, err := m.c.api.ListComponentGroups(ctx, params)
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.ComponentGroupList) (*[]cachetapi.ComponentGroup, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).group)
		},
	}
	if l.columns {
		l.match = opts.match // see ComponentManager.lister
	}
	return l
}

// groupSorts are the sort columns of component groups, made once.
var groupSorts = []string{"id", "name", "order", "collapsed", "visible"}
