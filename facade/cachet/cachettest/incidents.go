package cachettest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// incidentStatusName is trans('cachet.incidents.status.N'). 2.4 has no
// label for 0 (the old "scheduled"), so the translator returns the key.
func incidentStatusName(status int) string {
	switch status {
	case 1:
		return "Investigating"
	case 2:
		return "Identified"
	case 3:
		return "Watching"
	case 4:
		return "Fixed"
	}
	return "cachet.incidents.status." + strconv.Itoa(status)
}

// incidentIcon is the presenter's icon for a status (nil for none).
func incidentIcon(status int) *string {
	icons := [...]string{
		"icon ion-android-calendar",
		"icon ion-flag oranges",
		"icon ion-alert yellows",
		"icon ion-eye blues",
		"icon ion-checkmark greens",
	}
	if status < 0 || status >= len(icons) {
		return nil
	}
	s := icons[status]
	return &s
}

// incidentOut is an incident as the presenter renders it; the nullable
// fields the generated type would omit are shadowed to send null.
type incidentOut struct {
	cachetapi.Incident
	DeletedAt      *string `json:"deleted_at"`
	LatestUpdateID *int    `json:"latest_update_id"`
}

func (c *reqCtx) incidentOut(x *incident, updates []*incidentUpdate) incidentOut {
	userID, compID, notifications := x.userID, x.componentID, false
	occurred := fmtTime(x.occurredAt, c.loc)
	human := incidentStatusName(x.status)
	permalink := c.site() + "/incidents/" + strconv.Itoa(x.id)
	visible := 0
	if x.visible {
		visible = 1
	}
	out := incidentOut{Incident: cachetapi.Incident{
		ID:            x.id,
		UserID:        &userID,
		ComponentID:   &compID,
		Name:          x.name,
		Status:        cachetapi.IncidentStatus(x.status),
		HumanStatus:   human,
		Visible:       cachetapi.IncidentVisibility(visible),
		Stickied:      x.stickied,
		Notifications: &notifications, // "notify" is never stored by the API
		Message:       x.message,
		OccurredAt:    &occurred,
		CreatedAt:     fmtTime(x.createdAt, c.loc),
		UpdatedAt:     fmtTime(x.updatedAt, c.loc),
		IsResolved:    x.status == 4,
		Meta:          incidentMeta(x.meta),
		Updates:       make([]cachetapi.IncidentUpdateRow, len(updates)),
		Permalink:     &permalink,
	}}
	for i, u := range updates {
		out.Updates[i] = updateRow(u)
	}
	latestStatus, latestHuman, icon, duration := x.status, human, incidentIcon(x.status), 0
	if len(updates) > 0 {
		latest := updates[0]
		id := latest.id
		out.LatestUpdateID = &id
		latestStatus, latestHuman, icon = latest.status, incidentStatusName(latest.status), incidentIcon(latest.status)
		out.IsResolved = latest.status == 4
		// Meant as "creation to latest update", but updates have no
		// occurred_at, so Carbon measures to now.
		duration = int(c.now.Sub(x.createdAt).Abs() / time.Second)
	}
	ls := cachetapi.IncidentStatus(latestStatus)
	out.LatestStatus, out.LatestHumanStatus, out.LatestIcon, out.Duration = &ls, &latestHuman, icon, &duration
	return out
}

// incidentMeta renders the meta rows as pluck('value', 'key'): an object,
// or [] when there are none.
func incidentMeta(meta []metaEntry) *cachetapi.MetaOrEmpty {
	var m cachetapi.MetaOrEmpty
	if len(meta) == 0 {
		_ = m.UnmarshalJSON([]byte("[]"))
		return &m
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range meta {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.key)
		v, err := json.Marshal(e.value)
		if err != nil {
			v = []byte("null")
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	_ = m.UnmarshalJSON(b.Bytes())
	return &m
}

// updateRow is an incident update as embedded in its incident: the raw
// row, timestamps in the application zone (UTC).
func updateRow(u *incidentUpdate) cachetapi.IncidentUpdateRow {
	created, updated, userID := fmtTime(u.createdAt, time.UTC), fmtTime(u.updatedAt, time.UTC), u.userID
	return cachetapi.IncidentUpdateRow{
		ID:         u.id,
		IncidentID: u.incidentID,
		Status:     cachetapi.IncidentStatus(u.status),
		Message:    u.message,
		UserID:     &userID,
		CreatedAt:  &created,
		UpdatedAt:  &updated,
	}
}

func (c *reqCtx) updateOut(u *incidentUpdate) cachetapi.IncidentUpdate {
	created, updated, userID := fmtTime(u.createdAt, c.loc), fmtTime(u.updatedAt, c.loc), u.userID
	return cachetapi.IncidentUpdate{
		ID:          u.id,
		IncidentID:  u.incidentID,
		Status:      cachetapi.IncidentUpdateStatus(u.status),
		Message:     u.message,
		UserID:      &userID,
		HumanStatus: incidentStatusName(u.status),
		Permalink:   c.site() + "/incidents/" + strconv.Itoa(u.incidentID) + "#update-" + strconv.Itoa(u.id),
		CreatedAt:   &created,
		UpdatedAt:   &updated,
	}
}

var incidentList = &listDef[incident]{
	columns: map[string]colKind{
		"id": colInt, "component_id": colInt, "name": colString, "status": colInt, "visible": colInt,
		"message": colString, "created_at": colTime, "updated_at": colTime, "deleted_at": colTime,
		"occurred_at": colTime, "stickied": colBool, "notifications": colBool, "user_id": colInt,
	},
	cell: func(x *incident, col string) cell {
		switch col {
		case "id":
			return intCell(x.id)
		case "component_id":
			return intCell(x.componentID)
		case "name":
			return strCell(x.name)
		case "status":
			return intCell(x.status)
		case "visible":
			if x.visible {
				return intCell(1)
			}
			return intCell(0)
		case "message":
			return strCell(x.message)
		case "created_at":
			return timeCell(x.createdAt)
		case "updated_at":
			return timeCell(x.updatedAt)
		case "occurred_at":
			return timeCell(x.occurredAt)
		case "stickied":
			return boolCell(x.stickied)
		case "notifications":
			return boolCell(false)
		case "user_id":
			return intCell(x.userID)
		}
		return nullCell(colTime)
	},
	searchable: []string{"id", "user_id", "component_id", "name", "status", "visible", "stickied"},
	sortable:   []string{"id", "user_id", "name", "status", "visible", "stickied", "message", "occurred_at"},
	sort:       sortAlwaysDesc,
}

func (s *Server) listIncidents(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rows := s.st.incidents.all()
	if !c.authed {
		rows = slices.DeleteFunc(rows, func(x *incident) bool { return !x.visible })
	}
	return listPage(c, rows, incidentList, s.incidentView(c))
}

func (s *Server) getIncident(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return one(s.st.incidents.get(c.ids[0]), s.incidentView(c))
}

// incidentView renders incidents with their updates, for reads; the
// caller holds the lock.
func (s *Server) incidentView(c *reqCtx) func(*incident) incidentOut {
	return func(x *incident) incidentOut { return c.incidentOut(x, s.st.updatesOf(x.id)) }
}

// isPHPArray reports whether v would pass an "array" parameter type.
func isPHPArray(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return true
	}
	return false
}

// templateVars builds the Twig context of an incident template: the
// request's vars, then the "incident" the command describes.
func (s *Server) templateVars(vars any, inc map[string]any, componentID any) map[string]any {
	ctx := map[string]any{}
	switch v := vars.(type) {
	case map[string]any:
		for k, x := range v {
			ctx[k] = x
		}
	case []any:
		for i, x := range v {
			ctx[strconv.Itoa(i)] = x
		}
	}
	var comp any
	if id, ok := phpIntValue(componentID); ok {
		if x := s.st.components.get(int(id)); x != nil {
			comp = map[string]any{
				"id": int64(x.id), "name": x.name, "description": x.description, "link": x.link,
				"status": int64(x.status), "order": int64(x.order), "group_id": int64(x.groupID),
				"enabled": x.enabled,
			}
		}
	}
	inc["component"] = comp
	ctx["incident"] = inc
	return ctx
}

// templateBySlug finds a template; the caller holds the lock.
func (s *Server) templateBySlug(slug any) *incidentTemplate {
	str, isStr := slug.(string)
	if !isStr {
		if slug == nil {
			return nil
		}
		str = phpString(slug)
	}
	for _, t := range s.st.templates.all() {
		if t.slug == str {
			return t
		}
	}
	return nil
}

func (s *Server) createIncident(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, err := s.insertIncident(c, c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.incidentOut(x, nil))
}

// insertIncident is IncidentController@store and its command handler; the
// caller holds the write lock.
func (s *Server) insertIncident(c *reqCtx, in *input) (*incident, error) {
	name, status := in.get("name", nil), in.get("status", nil)
	message := in.raw("message", nil) // taken untrimmed on create
	visible := phpBool(in.get("visible", true))
	compID, compStatus := in.get("component_id", nil), in.get("component_status", nil)
	notify := phpBool(in.get("notify", true))
	stickied := phpBool(in.get("stickied", false))
	occurredAt, tplSlug := in.get("occurred_at", nil), in.get("template", nil)
	vars, meta := in.get("vars", []any{}), in.get("meta", []any{})
	if !isPHPArray(vars) || !isPHPArray(meta) {
		return nil, errServer // TypeError: the command's parameters are typed array
	}
	if err := validate(
		f("name", name, "required|string"),
		f("status", status, "required|int|min:0|max:4"),
		f("message", message, "nullable|string"),
		f("visible", visible, "nullable|bool"),
		f("component_id", compID, "nullable|required_with:component_status|int"),
		f("component_status", compStatus, "nullable|required_with:component_id|int|min:0|max:4"),
		f("notify", notify, "nullable|bool"),
		f("stickied", stickied, "required|bool"),
		f("occurred_at", occurredAt, "nullable|string"),
		f("template", tplSlug, "nullable|string"),
		f("meta", meta, "nullable|array"),
	); err != nil {
		return nil, err
	}
	if t := s.templateBySlug(tplSlug); t != nil {
		message = renderTwig(t.template, s.templateVars(vars, map[string]any{
			"name": name, "status": status, "message": message, "visible": visible,
			"notify": notify, "stickied": stickied, "occurred_at": occurredAt,
			"component_status": compStatus,
		}, compID))
	}
	occurred := c.now
	if phpBool(occurredAt) {
		t, perr := parseInputTime(phpString(occurredAt), c.loc, c.now)
		if perr != "" {
			return nil, errServer // Carbon's InvalidArgumentException
		}
		occurred = t
	}
	if err := validate(f("message", message, "required|string")); err != nil {
		return nil, err // the model's rule: no message and no template
	}
	x := &incident{
		userID:     UserID,
		name:       phpString(name),
		status:     phpToInt(status),
		visible:    visible,
		stickied:   stickied,
		message:    phpString(message),
		occurredAt: occurred.Truncate(time.Second),
		createdAt:  c.now,
		updatedAt:  c.now,
	}
	if phpBool(compID) {
		x.componentID = phpToInt(compID)
	}
	if m, isMap := meta.(map[string]any); isMap && len(m) > 0 {
		x.meta = storeMeta(nil, m)
	}
	x.id = s.st.incidents.insert(x)
	s.setComponentStatus(c, compID, compStatus)
	return x, nil
}

// setComponentStatus is the UpdateComponentCommand an incident (or its
// update) issues for component_id/component_status; the caller holds the
// write lock.
func (s *Server) setComponentStatus(c *reqCtx, compID, compStatus any) {
	id, isInt := phpIntValue(compID)
	if !isInt || compStatus == nil {
		return
	}
	x := s.st.components.get(int(id))
	if x == nil {
		return
	}
	if st := phpToInt(compStatus); st != x.status {
		x.status = st
		x.updatedAt = c.now
	}
}

// storeMeta applies meta input to the meta rows: a non-empty value sets
// the key, an empty one (PHP's empty(): "", 0, "0", false, [], null)
// deletes it. Lists and maps lose their empty items first.
func storeMeta(rows []metaEntry, input map[string]any) []metaEntry {
	out := slices.Clone(rows)
	keys := make([]string, 0, len(input))
	for k := range input {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := input[k]
		switch x := v.(type) {
		case []any:
			var kept []any
			for _, item := range x {
				if !phpEmpty(item) {
					kept = append(kept, item)
				}
			}
			v = kept
		case map[string]any:
			kept := map[string]any{}
			for kk, item := range x {
				if !phpEmpty(item) {
					kept[kk] = item
				}
			}
			v = kept
		}
		i := slices.IndexFunc(out, func(e metaEntry) bool { return e.key == k })
		if phpEmpty(v) {
			if i >= 0 {
				out = slices.Delete(out, i, i+1)
			}
			continue
		}
		if i >= 0 {
			out[i] = metaEntry{k, v}
		} else {
			out = append(out, metaEntry{k, v})
		}
	}
	return out
}

func (s *Server) updateIncident(c *reqCtx) (int, any, error) {
	in := c.in
	name, status, message := in.get("name", nil), in.get("status", nil), in.get("message", nil)
	// The trap: these three fall back to true/true/false when omitted.
	visible := phpBool(in.get("visible", true))
	notify := phpBool(in.get("notify", true))
	stickied := phpBool(in.get("stickied", false))
	compID, compStatus := in.get("component_id", nil), in.get("component_status", nil)
	occurredAt, tplSlug := in.get("occurred_at", nil), in.get("template", nil)
	vars := in.get("vars", []any{})
	if !isPHPArray(vars) {
		return 0, nil, errServer
	}
	if err := validate(
		f("name", name, "nullable|string"),
		f("status", status, "nullable|int|min:0|max:4"),
		f("message", message, "nullable|string"),
		f("visible", visible, "nullable|bool"),
		f("component_id", compID, "nullable|int"),
		f("component_status", compStatus, "nullable|int|min:0|max:4|required_with:component_id"),
		f("notify", notify, "nullable|bool"),
		f("stickied", stickied, "nullable|bool"),
		f("occurred_at", occurredAt, "nullable|string"),
		f("template", tplSlug, "nullable|string"),
	); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.st.incidents.get(c.ids[0])
	if x == nil {
		return gone()
	}
	if t := s.templateBySlug(tplSlug); t != nil {
		message = renderTwig(t.template, s.templateVars(vars, map[string]any{
			"name": name, "status": status, "message": message, "visible": visible,
			"notify": notify, "stickied": stickied, "occurred_at": occurredAt,
			"component_status": compStatus,
		}, compID))
	}
	next := *x
	fill(&next.name, name, phpString)
	fill(&next.status, status, phpToInt)
	fill(&next.message, message, phpString)
	next.visible, next.stickied = visible, stickied
	fill(&next.componentID, compID, phpToInt)
	if phpBool(occurredAt) {
		t, perr := parseInputTime(phpString(occurredAt), c.loc, c.now)
		if perr != "" {
			return 0, nil, errServer
		}
		next.occurredAt = t.Truncate(time.Second)
	}
	// The model validates the merged attributes on save.
	if err := validate(
		f("name", next.name, "required|string"),
		f("message", next.message, "required|string"),
	); err != nil {
		return 0, nil, err
	}
	if next.name != x.name || next.status != x.status || next.message != x.message ||
		next.visible != x.visible || next.stickied != x.stickied || next.componentID != x.componentID ||
		!next.occurredAt.Equal(x.occurredAt) {
		next.updatedAt = c.now
	}
	*x = next // "meta" is not passed on by the update path
	s.setComponentStatus(c, compID, compStatus)
	return single(c.incidentOut(x, s.st.updatesOf(x.id)))
}

func (s *Server) deleteIncident(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	s.st.incidents.remove(c.ids[0]) // its updates stay, as in the database
	s.mu.Unlock()
	return noContent()
}

// --- incident templates -------------------------------------------------

// templateOut is a template as the model's toArray gives it (there is no
// presenter): timestamps in the application zone (UTC), deleted_at null.
type templateOut struct {
	cachetapi.IncidentTemplate
	DeletedAt *string `json:"deleted_at"`
}

func templateRow(t *incidentTemplate) templateOut {
	created, updated := fmtTime(t.createdAt, time.UTC), fmtTime(t.updatedAt, time.UTC)
	return templateOut{IncidentTemplate: cachetapi.IncidentTemplate{
		ID: t.id, Name: t.name, Slug: t.slug, Template: t.template, CreatedAt: &created, UpdatedAt: &updated,
	}}
}

var templateList = &listDef[incidentTemplate]{sort: sortBroken}

func (s *Server) listTemplates(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return listPage(c, s.st.templates.all(), templateList, templateRow)
}

func (s *Server) getTemplate(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return one(s.st.templates.get(c.ids[0]), templateRow)
}

// --- incident updates ---------------------------------------------------

var updateList = &listDef[incidentUpdate]{
	cell: func(u *incidentUpdate, col string) cell {
		switch col {
		case "id":
			return intCell(u.id)
		case "status":
			return intCell(u.status)
		case "user_id":
			return intCell(u.userID)
		case "created_at":
			return timeCell(u.createdAt)
		}
		return nullCell(colInt)
	},
	sortable: []string{"id", "status", "user_id"},
	sort:     sortAfterBase,
}

func (s *Server) listUpdates(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return listPage(c, s.st.updatesOf(c.ids[0]), updateList, c.updateOut)
}

func (s *Server) getUpdate(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// The controller never checks that the update belongs to the incident.
	return one(s.st.updates.get(c.ids[1]), c.updateOut)
}

func (s *Server) createUpdate(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.insertUpdate(c, c.ids[0], c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.updateOut(u))
}

// insertUpdate is IncidentUpdateController@store; the caller holds the
// write lock.
func (s *Server) insertUpdate(c *reqCtx, incidentID int, in *input) (*incidentUpdate, error) {
	status, message := in.get("status", nil), in.get("message", nil)
	compID, compStatus := in.get("component_id", nil), in.get("component_status", nil)
	if err := validate(
		f("status", status, "required|int|min:1|max:4"),
		f("message", message, "required|string"),
		f("component_id", compID, "nullable|required_with:component_status|int"),
		f("component_status", compStatus, "nullable|required_with:component_id|int|min:0|max:4"),
	); err != nil {
		return nil, err // component_id/component_status are validated, then ignored
	}
	x := s.st.incidents.get(incidentID)
	if x == nil {
		return nil, errNotFound
	}
	u := &incidentUpdate{
		incidentID: incidentID,
		status:     phpToInt(status),
		message:    phpString(message),
		userID:     UserID,
		createdAt:  c.now,
		updatedAt:  c.now,
	}
	u.id = s.st.updates.insert(u)
	if x.status != u.status { // the incident takes the update's status
		x.status = u.status
		x.updatedAt = c.now
	}
	return u, nil
}

func (s *Server) editUpdate(c *reqCtx) (int, any, error) {
	status, message := c.in.get("status", nil), c.in.get("message", nil)
	if err := validate(
		f("status", status, "nullable|int|min:1|max:4"),
		f("message", message, "nullable|string"),
	); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.updates.get(c.ids[1])
	if u == nil {
		return gone()
	}
	if message != nil && phpString(message) == "" {
		return 0, nil, errValidation("The message field is required.") // the model's rule
	}
	before := *u
	fill(&u.status, status, phpToInt)
	fill(&u.message, message, phpString)
	u.userID = UserID // the editor becomes the author
	if *u != before {
		u.updatedAt = c.now
	}
	return single(c.updateOut(u))
}

func (s *Server) deleteUpdate(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	s.st.updates.remove(c.ids[1])
	s.mu.Unlock()
	return noContent()
}
