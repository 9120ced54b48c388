package cachettest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// componentStatusNames are the English labels of component statuses.
var componentStatusNames = [...]string{"Unknown", "Operational", "Performance Issues", "Partial Outage", "Major Outage"}

// componentStatusName is trans('cachet.components.status.N'): the label,
// or the raw key for a status without one.
func componentStatusName(status int) string {
	if status >= 0 && status < len(componentStatusNames) {
		return componentStatusNames[status]
	}
	return "cachet.components.status." + strconv.Itoa(status)
}

// componentOut is a component as the presenter renders it. The generated
// type omits nil fields; the real server sends null, so the nullable ones
// are shadowed here.
type componentOut struct {
	cachetapi.Component
	Meta      json.RawMessage `json:"meta"`
	DeletedAt *string         `json:"deleted_at"`
}

// componentRowOut is a raw component row (Eloquent's toArray), as
// embedded in groups: no status_name, no tags, and timestamps in the
// application zone (UTC), since no presenter formats them.
type componentRowOut struct {
	cachetapi.ComponentRow
	Meta      json.RawMessage `json:"meta"`
	DeletedAt *string         `json:"deleted_at"`
}

func (c *reqCtx) componentOut(x *component) componentOut {
	desc, link := x.description, x.link
	return componentOut{
		Component: cachetapi.Component{
			ID:          x.id,
			Name:        x.name,
			Description: &desc,
			Link:        &link,
			Status:      cachetapi.ComponentStatus(x.status),
			StatusName:  componentStatusName(x.status),
			Order:       x.order,
			GroupID:     x.groupID,
			Enabled:     x.enabled,
			CreatedAt:   fmtTime(x.createdAt, c.loc),
			UpdatedAt:   fmtTime(x.updatedAt, c.loc),
			Tags:        x.tagsOut,
		},
		Meta: x.meta,
	}
}

func componentRow(x *component) componentRowOut {
	desc, link := x.description, x.link
	created, updated := fmtTime(x.createdAt, time.UTC), fmtTime(x.updatedAt, time.UTC)
	return componentRowOut{
		ComponentRow: cachetapi.ComponentRow{
			ID:          x.id,
			Name:        x.name,
			Description: &desc,
			Link:        &link,
			Status:      cachetapi.ComponentStatus(x.status),
			Order:       x.order,
			GroupID:     x.groupID,
			Enabled:     x.enabled,
			CreatedAt:   &created,
			UpdatedAt:   &updated,
		},
		Meta: x.meta,
	}
}

var componentList = &listDef[component]{
	columns: map[string]colKind{
		"id": colInt, "name": colString, "description": colString, "link": colString,
		"status": colInt, "order": colInt, "group_id": colInt, "enabled": colBool,
		"meta": colJSON, "created_at": colTime, "updated_at": colTime, "deleted_at": colTime,
	},
	cell: func(x *component, col string) cell {
		switch col {
		case "id":
			return intCell(x.id)
		case "name":
			return strCell(x.name)
		case "description":
			return strCell(x.description)
		case "link":
			return strCell(x.link)
		case "status":
			return intCell(x.status)
		case "order":
			return intCell(x.order)
		case "group_id":
			return intCell(x.groupID)
		case "enabled":
			return boolCell(x.enabled)
		case "created_at":
			return timeCell(x.createdAt)
		case "updated_at":
			return timeCell(x.updatedAt)
		}
		return nullCell(colString)
	},
	// "order" is declared searchable but the controller strips it first.
	searchable: []string{"id", "name", "status", "order", "group_id", "enabled"},
	sortable:   []string{"id", "name", "status", "order", "group_id", "enabled"},
	sort:       sortAlwaysDesc,
}

func (s *Server) listComponents(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rows := s.st.components.all()
	if !c.authed {
		rows = slices.DeleteFunc(rows, func(x *component) bool { return !x.enabled })
	}
	if tags := c.in.get("tags", nil); phpBool(tags) {
		rows = withAnyTag(rows, tags)
	}
	return listPage(c, rows, componentList, c.componentOut)
}

// withAnyTag keeps the components carrying one of the slugs (2.4's
// withAnyTags: "tags=a" or "tags[]=a&tags[]=b"; a comma string is one slug).
func withAnyTag(rows []*component, tags any) []*component {
	var slugs []string
	switch x := tags.(type) {
	case []any:
		for _, v := range x {
			slugs = append(slugs, phpString(v))
		}
	case map[string]any:
		for _, v := range x {
			slugs = append(slugs, phpString(v))
		}
	default:
		slugs = []string{phpString(x)}
	}
	return slices.DeleteFunc(rows, func(x *component) bool {
		for _, t := range x.tags {
			if slices.Contains(slugs, t.slug) {
				return false
			}
		}
		return true
	})
}

func (s *Server) getComponent(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// A disabled component is shown even to guests.
	return one(s.st.components.get(c.ids[0]), c.componentOut)
}

func (s *Server) createComponent(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, err := s.insertComponent(c, c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.componentOut(x))
}

// insertComponent is ComponentController@store; the caller holds the
// write lock.
func (s *Server) insertComponent(c *reqCtx, in *input) (*component, error) {
	name, desc, status := in.get("name", nil), in.get("description", nil), in.get("status", nil)
	link, order, groupID := in.get("link", nil), in.get("order", nil), in.get("group_id", nil)
	enabled := phpBool(in.get("enabled", true)) // cast before validation: "false" is true
	meta, tags := in.get("meta", nil), in.get("tags", nil)
	if err := validate(
		f("name", name, "required|string"),
		f("description", desc, "nullable|string"),
		f("status", status, "required|int|min:0|max:4"),
		f("link", link, "nullable|url"),
		f("order", order, "nullable|int"),
		f("group_id", groupID, "nullable|int"),
		f("enabled", enabled, "nullable|bool"),
		f("meta", meta, "nullable|array"),
		f("tags", tags, "nullable|string"),
	); err != nil {
		return nil, err
	}
	x := &component{
		name:      phpString(name),
		status:    phpToInt(status),
		enabled:   enabled,
		createdAt: c.now,
		updatedAt: c.now,
	}
	fill(&x.description, desc, phpString)
	fill(&x.link, link, phpString)
	fill(&x.order, order, phpToInt)
	fill(&x.groupID, groupID, phpToInt)
	fill(&x.meta, meta, jsonColumn)
	if phpBool(tags) {
		x.setTags(splitTags(phpString(tags)), false)
	} else {
		x.setTags(nil, false)
	}
	x.id = s.st.components.insert(x)
	return x, nil
}

func (s *Server) updateComponent(c *reqCtx) (int, any, error) {
	in := c.in
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.st.components.get(c.ids[0])
	if x == nil {
		return gone()
	}
	name, desc, status := in.get("name", nil), in.get("description", nil), in.get("status", nil)
	link, order, groupID := in.get("link", nil), in.get("order", nil), in.get("group_id", nil)
	enabled := in.get("enabled", x.enabled) // 2.4 keeps the current value when omitted
	meta, tags := in.get("meta", nil), in.get("tags", nil)
	silent := phpBool(in.get("silent", false))
	if err := validate(
		f("name", name, "nullable|string"),
		f("description", desc, "nullable|string"),
		f("status", status, "nullable|int|min:0|max:4"),
		f("link", link, "nullable|url"),
		f("order", order, "nullable|int"),
		f("group_id", groupID, "nullable|int"),
		f("enabled", enabled, "nullable|bool"),
		f("meta", meta, "nullable|array"),
		f("silent", silent, "nullable|bool"),
	); err != nil {
		return 0, nil, err
	}
	// The model validates the merged attributes on save.
	merged := func(v, cur any) any {
		if v != nil {
			return v
		}
		return cur
	}
	if err := validate(
		f("name", merged(name, x.name), "required|string"),
		f("status", merged(status, int64(x.status)), "required|int"),
		f("order", merged(order, int64(x.order)), "nullable|int"),
		f("group_id", merged(groupID, int64(x.groupID)), "nullable|int"),
		f("link", merged(link, x.link), "nullable|url"),
		f("enabled", merged(enabled, x.enabled), "required|bool"),
	); err != nil {
		return 0, nil, err
	}
	var tagNames []string
	if phpBool(tags) {
		switch tags.(type) {
		case []any, map[string]any:
			return 0, nil, errServer // preg_split() on an array
		}
		tagNames = splitTags(phpString(tags))
	}

	before := *x
	fill(&x.name, name, phpString)
	fill(&x.description, desc, phpString)
	fill(&x.link, link, phpString)
	fill(&x.status, status, phpToInt)
	fill(&x.enabled, enabled, phpBool)
	fill(&x.order, order, phpToInt)
	fill(&x.groupID, groupID, phpToInt)
	fill(&x.meta, meta, jsonColumn)
	// Eloquent only saves (and touches updated_at) when an attribute changed.
	if x.name != before.name || x.description != before.description || x.link != before.link ||
		x.status != before.status || x.enabled != before.enabled || x.order != before.order ||
		x.groupID != before.groupID || !bytes.Equal(x.meta, before.meta) {
		x.updatedAt = c.now
	}
	if tagNames != nil {
		x.setTags(tagNames, true) // a non-empty list replaces the set
	}
	return single(c.componentOut(x))
}

func (s *Server) deleteComponent(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	s.st.components.remove(c.ids[0])
	s.mu.Unlock()
	return noContent()
}

// setTags attaches tags by name (a tag's slug is made from its name when
// first created). sync=false adds to the set (create); sync=true makes the
// set exactly names, keeping the existing ones in place (update).
func (x *component) setTags(names []string, sync bool) {
	var out []tag
	if sync {
		for _, t := range x.tags {
			if slices.Contains(names, t.name) {
				out = append(out, t)
			}
		}
	} else {
		out = slices.Clone(x.tags)
	}
	for _, n := range names {
		if !slices.ContainsFunc(out, func(t tag) bool { return t.name == n }) {
			out = append(out, tag{slug: slugify(n), name: n})
		}
	}
	x.tags = out
	x.tagsOut = tagsJSON(out)
}

// tagsJSON renders pluck('name', 'slug'): {slug: name} in tag order (a
// later tag with the same slug wins), or [] without tags.
func tagsJSON(tags []tag) cachetapi.ComponentTags {
	var t cachetapi.ComponentTags
	if len(tags) == 0 {
		_ = t.UnmarshalJSON([]byte("[]"))
		return t
	}
	var slugs []string
	names := map[string]string{}
	for _, tg := range tags {
		if _, seen := names[tg.slug]; !seen {
			slugs = append(slugs, tg.slug)
		}
		names[tg.slug] = tg.name
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, slug := range slugs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(slug)
		v, _ := json.Marshal(names[slug])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	_ = t.UnmarshalJSON(b.Bytes())
	return t
}

// jsonColumn stores a value in a JSON column the way PHP's json_encode
// writes a decoded array: an empty object comes back as [] (PHP cannot
// tell an empty object from an empty list).
func jsonColumn(v any) json.RawMessage {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return json.RawMessage("[]")
		}
	case []any:
		if len(x) == 0 {
			return json.RawMessage("[]")
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
