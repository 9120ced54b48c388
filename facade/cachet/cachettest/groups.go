package cachettest

import (
	"slices"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// groupOut is a component group as the presenter renders it, with its two
// eager-loaded relations and a null lowest_human_status when empty.
type groupOut struct {
	cachetapi.ComponentGroup
	EnabledComponents       []componentRowOut `json:"enabled_components"`
	EnabledComponentsLowest []componentRowOut `json:"enabled_components_lowest"`
	LowestHumanStatus       *string           `json:"lowest_human_status"`
}

// groupMembers indexes the enabled components by group, in id order; the
// caller holds the lock.
func (s *Server) groupMembers() map[int][]*component {
	m := map[int][]*component{}
	for _, x := range s.st.components.all() {
		if x.enabled && x.groupID > 0 {
			m[x.groupID] = append(m[x.groupID], x)
		}
	}
	return m
}

func (c *reqCtx) groupOut(g *group, members []*component) groupOut {
	created, updated := fmtTime(g.createdAt, c.loc), fmtTime(g.updatedAt, c.loc)
	byOrder := slices.Clone(members)
	slices.SortStableFunc(byOrder, func(a, b *component) int { return a.order - b.order })
	byStatus := slices.Clone(members)
	slices.SortStableFunc(byStatus, func(a, b *component) int { return b.status - a.status })
	out := groupOut{
		ComponentGroup: cachetapi.ComponentGroup{
			ID:        g.id,
			Name:      g.name,
			Order:     g.order,
			Collapsed: cachetapi.GroupCollapsed(g.collapsed),
			Visible:   cachetapi.GroupVisibility(g.visible),
			CreatedAt: &created,
			UpdatedAt: &updated,
		},
		EnabledComponents:       make([]componentRowOut, len(byOrder)),
		EnabledComponentsLowest: make([]componentRowOut, len(byStatus)),
	}
	for i, x := range byOrder {
		out.EnabledComponents[i] = componentRow(x)
	}
	for i, x := range byStatus {
		out.EnabledComponentsLowest[i] = componentRow(x)
	}
	if len(byStatus) > 0 {
		label := componentStatusName(byStatus[0].status)
		out.LowestHumanStatus = &label
	}
	return out
}

var groupList = &listDef[group]{
	columns: map[string]colKind{
		"id": colInt, "name": colString, "order": colInt, "collapsed": colInt, "visible": colInt,
		"created_at": colTime, "updated_at": colTime,
	},
	cell: func(g *group, col string) cell {
		switch col {
		case "id":
			return intCell(g.id)
		case "name":
			return strCell(g.name)
		case "order":
			return intCell(g.order)
		case "collapsed":
			return intCell(g.collapsed)
		case "visible":
			return intCell(g.visible)
		case "created_at":
			return timeCell(g.createdAt)
		case "updated_at":
			return timeCell(g.updatedAt)
		}
		return nullCell(colString)
	},
	searchable: []string{"id", "name", "order", "collapsed", "visible"},
	sortable:   []string{"id", "name", "order", "collapsed", "visible"},
	sort:       sortHonoursOrder,
}

func (s *Server) listGroups(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rows := s.st.groups.all()
	if !c.authed {
		rows = slices.DeleteFunc(rows, func(g *group) bool { return g.visible != 1 })
	}
	members := s.groupMembers()
	return listPage(c, rows, groupList, func(g *group) groupOut { return c.groupOut(g, members[g.id]) })
}

func (s *Server) getGroup(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// No visibility check on a single group, even for guests.
	return one(s.st.groups.get(c.ids[0]), func(g *group) groupOut { return c.groupOut(g, s.groupMembers()[g.id]) })
}

func (s *Server) createGroup(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.insertGroup(c, c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.groupOut(g, nil))
}

// insertGroup is ComponentGroupController@store; the caller holds the
// write lock.
func (s *Server) insertGroup(c *reqCtx, in *input) (*group, error) {
	name, order := in.get("name", nil), in.get("order", int64(0))
	collapsed, visible := in.get("collapsed", int64(0)), in.get("visible", int64(0))
	if err := validate(
		f("name", name, "required|string"),
		f("order", order, "required|int"),
		f("collapsed", collapsed, "required|int|between:0,4"),
		f("visible", visible, "required|bool"),
	); err != nil {
		return nil, err
	}
	g := &group{
		name:      phpString(name),
		order:     phpToInt(order),
		collapsed: phpToInt(collapsed),
		visible:   phpToInt(visible),
		createdAt: c.now,
		updatedAt: c.now,
	}
	g.id = s.st.groups.insert(g)
	return g, nil
}

func (s *Server) updateGroup(c *reqCtx) (int, any, error) {
	in := c.in
	name, order := in.get("name", nil), in.get("order", nil)
	collapsed, visible := in.get("collapsed", nil), in.get("visible", nil)
	if err := validate(
		f("name", name, "nullable|string"),
		f("order", order, "nullable|int"),
		f("collapsed", collapsed, "nullable|int|between:0,4"),
		f("visible", visible, "nullable|bool"),
	); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups.get(c.ids[0])
	if g == nil {
		return gone()
	}
	if name != nil && phpString(name) == "" {
		return 0, nil, errValidation("The name field is required.") // the model's rule
	}
	before := *g
	fill(&g.name, name, phpString)
	fill(&g.order, order, phpToInt)
	fill(&g.collapsed, collapsed, phpToInt)
	fill(&g.visible, visible, phpToInt)
	if *g != before {
		g.updatedAt = c.now
	}
	return single(c.groupOut(g, s.groupMembers()[g.id]))
}

func (s *Server) deleteGroup(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.ids[0]
	for _, x := range s.st.components.all() {
		if x.groupID == id {
			x.groupID = 0 // the handler moves the members out of the group
			x.updatedAt = c.now
		}
	}
	s.st.groups.remove(id) // component groups are deleted for real
	return noContent()
}
