package cachet

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// IncidentManager manages incidents. Guests see public incidents only;
// with a token, hidden ones too.
//
// Notifications: the facade emails subscribers only when Notify is true,
// on creation and on update alike. The server's own default, when the
// field is omitted, is to notify; the facade always sends the field, so
// no email goes out as a side effect of, say, fixing a typo.
type IncidentManager struct{ c *Client }

// ComponentChange sets a component's status along with an incident: the
// server needs both values or neither, which this type guarantees.
type ComponentChange struct {
	// ID is the component to change.
	ID int
	// Status is its new status.
	Status ComponentStatus
}

// IncidentCreate describes a new incident.
type IncidentCreate struct {
	// Name is required.
	Name string
	// Status is required; IncidentScheduled is the 2.3 way of
	// announcing maintenance (use Schedules on 2.4).
	Status IncidentStatus
	// Message is Markdown; required unless Template names a template.
	Message string
	// Visible nil makes a public incident, the server's default.
	Visible *Visibility
	// Stickied pins the incident at the top of the page.
	Stickied bool
	// Notify emails the subscribers.
	Notify bool
	// Component, when set, also changes that component's status.
	Component *ComponentChange
	// OccurredAt is when the problem started; zero means now. It is sent
	// to the minute, in the client's zone.
	OccurredAt time.Time
	// Template is the slug of an incident template rendering the message
	// with Vars; see [IncidentTemplateManager].
	Template string
	// Vars are the template's variables, besides the incident's own
	// fields (incident.name, incident.status…).
	Vars map[string]any
	// Meta is free key/value data (2.4); it cannot be changed later.
	Meta map[string]any
}

// IncidentChanges is a partial update of an incident: nil fields keep
// their value.
//
// The real server resets an omitted visible to public and an omitted
// stickied to false. When Visible or Stickied is nil, Update therefore
// reads the incident first (one more request) and sends their current
// values. A change made by someone else between that read and the write
// is overwritten.
type IncidentChanges struct {
	// Name renames the incident.
	Name *string
	// Status moves the incident on; posting an incident update (which
	// also sets it) keeps a history, this does not.
	Status *IncidentStatus
	// Message replaces the message.
	Message *string
	// Visible changes who sees the incident; nil keeps it.
	Visible *Visibility
	// Stickied pins or unpins the incident; nil keeps it.
	Stickied *bool
	// Notify emails the subscribers about this update; false (the
	// default here, unlike the server's) sends nothing.
	Notify bool
	// Component also changes a component's status.
	Component *ComponentChange
	// OccurredAt moves the start of the problem (to the minute); nil or
	// the zero time keeps it.
	OccurredAt *time.Time
	// Template re-renders the message from a template with Vars.
	Template *string
	// Vars are the template's variables.
	Vars map[string]any
}

// IncidentListOptions are the options and filters of
// [IncidentManager.List]. Nil filters match everything.
//
// Sort columns: id, user_id, name, status, visible, stickied, message,
// occurred_at.
type IncidentListOptions struct {
	ListOptions
	// UserID matches the reporting user.
	UserID *int
	// ComponentID matches one component; new(0) matches incidents on
	// none.
	ComponentID *int
	// Name matches the exact name, case included (Count leaves the
	// comparison to the database: see [ListOptions]).
	Name *string
	// Status matches the incident's own status.
	Status *IncidentStatus
	// Visible matches one audience (guests see public incidents only).
	Visible *Visibility
	// Stickied matches pinned or unpinned incidents.
	Stickied *bool
}

func (o IncidentListOptions) columns() bool {
	return o.UserID != nil || o.ComponentID != nil || o.Name != nil || o.Status != nil || o.Visible != nil || o.Stickied != nil
}

func (o IncidentListOptions) match(i Incident) bool {
	return (o.UserID == nil || i.UserID == *o.UserID) &&
		(o.ComponentID == nil || i.ComponentID == *o.ComponentID) &&
		(o.Name == nil || i.Name == *o.Name) &&
		(o.Status == nil || i.Status == *o.Status) &&
		(o.Visible == nil || i.Visible == *o.Visible) &&
		(o.Stickied == nil || i.Stickied == *o.Stickied)
}

func incidentOne(c *Client, op string, resp *http.Response, err error) (*Incident, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.IncidentResponse) cachetapi.Incident { return e.Data },
		func(m cachetapi.Incident) int { return m.ID },
		(*decoder).incident)
}

// componentFields converts a ComponentChange for the generated bodies.
func componentFields(ch *ComponentChange) (*int, *cachetapi.ComponentStatus) {
	if ch == nil {
		return nil, nil
	}
	id, st := ch.ID, cachetapi.ComponentStatus(ch.Status)
	return &id, &st
}

// Create reports an incident.
func (m *IncidentManager) Create(ctx context.Context, in IncidentCreate) (*Incident, error) {
	// Some Cachet versions fail without vars, and all fail on a null:
	// always send an object.
	vars := in.Vars
	if vars == nil {
		vars = map[string]any{}
	}
	body := cachetapi.IncidentCreate{
		Name:       in.Name,
		Status:     cachetapi.IncidentStatus(in.Status),
		Message:    ptrIf(in.Message),
		Visible:    (*cachetapi.IncidentVisibility)(in.Visible),
		Stickied:   &in.Stickied,
		Notify:     &in.Notify,
		OccurredAt: optInput(&in.OccurredAt, m.c.loc),
		Template:   ptrIf(in.Template),
		Vars:       &vars,
		Meta:       meta(in.Meta),
	}
	body.ComponentID, body.ComponentStatus = componentFields(in.Component)
	resp, err := m.c.api.CreateIncident(ctx, body)
	return incidentOne(m.c, "CreateIncident", resp, err)
}

// Get returns one incident.
func (m *IncidentManager) Get(ctx context.Context, id int) (*Incident, error) {
	resp, err := m.c.api.GetIncident(ctx, id)
	return incidentOne(m.c, "GetIncident", resp, err)
}

// Update changes the fields set in u, keeping visibility and stickiness
// unless u sets them (see [IncidentChanges]), and returns the incident as
// stored.
func (m *IncidentManager) Update(ctx context.Context, id int, u IncidentChanges) (*Incident, error) {
	body := cachetapi.IncidentUpdateRequest{
		Name:       u.Name,
		Status:     (*cachetapi.IncidentStatus)(u.Status),
		Message:    u.Message,
		Visible:    (*cachetapi.IncidentVisibility)(u.Visible),
		Stickied:   u.Stickied,
		Notify:     &u.Notify,
		OccurredAt: optInput(u.OccurredAt, m.c.loc),
		Template:   u.Template,
	}
	if u.Vars != nil {
		vars := u.Vars
		body.Vars = &vars
	}
	body.ComponentID, body.ComponentStatus = componentFields(u.Component)
	if body.Visible == nil || body.Stickied == nil {
		cur, err := m.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if body.Visible == nil {
			v := cachetapi.IncidentVisibility(cur.Visible)
			body.Visible = &v
		}
		if body.Stickied == nil {
			body.Stickied = &cur.Stickied
		}
	}
	resp, err := m.c.api.UpdateIncident(ctx, id, body)
	return incidentOne(m.c, "UpdateIncident", resp, err)
}

// Delete removes an incident (a soft delete on the server).
func (m *IncidentManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteIncident(ctx, id)
	return wire.NoContent(m.c.call("DeleteIncident"), resp, err)
}

// List iterates over the incidents matching opts; see [ListOptions].
func (m *IncidentManager) List(ctx context.Context, opts IncidentListOptions) iter.Seq2[Incident, error] {
	return m.lister(opts).seq(ctx, opts.ListOptions)
}

// Count returns the number of incidents matching the filters of opts (its
// ListOptions are ignored) with one request. The server compares Name
// as its database does, ignoring case on MySQL, where List matches it
// exactly: see [ListOptions].
func (m *IncidentManager) Count(ctx context.Context, opts IncidentListOptions) (int, error) {
	return m.lister(opts).count(ctx)
}

func (m *IncidentManager) lister(opts IncidentListOptions) *lister[Incident] {
	const op = "ListIncidents"
	l := &lister[Incident]{
		c:       m.c,
		spec:    listSpec{op: "Incidents.List", sorts: incidentSorts},
		id:      func(i Incident) int { return i.ID },
		columns: opts.columns(),
		fetch: func(ctx context.Context, q pageQuery) (pageOf[Incident], error) {
			params := &cachetapi.ListIncidentsParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
				Sort:    sortParam[cachetapi.ListIncidentsParamsSort](q.sort),
				Order:   orderParam[cachetapi.SortOrder](q.order),
			}
			if q.columns {
				params.UserID = opts.UserID
				params.ComponentID = opts.ComponentID
				params.Name = opts.Name
				params.Status = (*cachetapi.IncidentStatus)(opts.Status)
				params.Visible = (*cachetapi.IncidentVisibility)(opts.Visible)
				params.Stickied = flag(opts.Stickied)
			}
			resp, err := m.c.api.ListIncidents(ctx, params)
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.IncidentList) (*[]cachetapi.Incident, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).incident)
		},
	}
	if l.columns {
		l.match = opts.match // see ComponentManager.lister
	}
	return l
}

// incidentSorts are the sort columns of incidents, made once.
var incidentSorts = []string{"id", "user_id", "name", "status", "visible", "stickied", "message", "occurred_at"}
