package cachet

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// The domain types below are what the managers return. They differ from
// the generated wire models where the wire format would mislead: times
// are time.Time in the client's zone instead of zone-less strings, enums
// are typed, an absent optional string is "", and the server's
// object-or-empty-array fields are always maps. The JSON tags keep the
// server's field names so that the CLI's output reads like the API's.

// Component is a service shown on the status page.
type Component struct {
	// ID is the server's id, the argument of Get, Update and Delete.
	ID int `json:"id"`
	// Name is the label on the status page.
	Name string `json:"name"`
	// Description is shown under the name; "" for none.
	Description string `json:"description"`
	// Link is the URL the name links to; "" for none.
	Link string `json:"link"`
	// Status is what the page shows for the component.
	Status ComponentStatus `json:"status"`
	// StatusName is the server's translated label of Status (empty for
	// components embedded in a group).
	StatusName string `json:"status_name,omitempty"`
	// Order is the position on the page, lowest first.
	Order int `json:"order"`
	// GroupID is the component's group, 0 when it is in none.
	GroupID int `json:"group_id"`
	// Enabled is false for a component hidden from the page; guests
	// never see disabled components in lists.
	Enabled bool `json:"enabled"`
	// Meta holds free key/value pairs (Cachet 2.4).
	Meta map[string]any `json:"meta,omitempty"`
	// Tags maps each tag's slug to its name, e.g.
	// {"another-test-tag": "Another Test Tag"}. Never nil for components
	// read from the server, whether or not the server sent "[]". Empty
	// for components embedded in a group (the server omits them there).
	Tags map[string]string `json:"tags"`
	// CreatedAt is when the component was made.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the component last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// ComponentGroup groups components on the status page.
type ComponentGroup struct {
	// ID is the server's id.
	ID int `json:"id"`
	// Name is the group's heading on the page.
	Name string `json:"name"`
	// Order is the position on the page, lowest first.
	Order int `json:"order"`
	// Collapsed is how the page shows the group; see ShownCollapsed for
	// what it shows now.
	Collapsed GroupCollapsed `json:"collapsed"`
	// Visible says who sees the group: VisibilityLoggedIn or
	// VisibilityPublic.
	Visible Visibility `json:"visible"`
	// EnabledComponents are the group's enabled components by display
	// order. The server sends raw rows here: StatusName and Tags are
	// empty.
	EnabledComponents []Component `json:"enabled_components"`
	// LowestHumanStatus is the server's label of the worst status among
	// the enabled components, "" for a group without any.
	LowestHumanStatus string `json:"lowest_human_status,omitempty"`
	// CreatedAt is when the group was made.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the group last changed.
	UpdatedAt time.Time `json:"updated_at"`

	lowest *ComponentStatus // from enabled_components_lowest[0]
}

// LowestStatus returns the worst (highest) status among the group's
// enabled components, the one the page colours the group with; ok is false
// for a group without enabled components, which has no status at all.
func (g ComponentGroup) LowestStatus() (status ComponentStatus, ok bool) {
	if g.lowest != nil {
		return *g.lowest, true
	}
	if len(g.EnabledComponents) == 0 {
		return ComponentUnknown, false
	}
	worst := slices.MaxFunc(g.EnabledComponents, func(a, b Component) int { return cmp.Compare(a.Status, b.Status) })
	return worst.Status, true
}

// IsOperational reports whether no enabled component of the group has an
// issue (an empty group is operational). This is the reading
// cachet-client's is_operational got wrong: it looked at the collapse
// mode, not at the components.
func (g ComponentGroup) IsOperational() bool {
	s, ok := g.LowestStatus()
	return !ok || !s.HasIssue()
}

// IsCollapsed reports whether the group is always shown collapsed.
func (g ComponentGroup) IsCollapsed() bool { return g.Collapsed == CollapsedAlways }

// IsOpen reports whether the group is always shown expanded.
func (g ComponentGroup) IsOpen() bool { return g.Collapsed == CollapsedNever }

// CollapsedUnlessIssue reports whether the group is shown collapsed while
// its components are fine and expanded when one has an issue.
func (g ComponentGroup) CollapsedUnlessIssue() bool { return g.Collapsed == CollapsedUnlessIssue }

// ShownCollapsed reports whether the status page currently shows the group
// collapsed, combining the display mode with the components' state.
func (g ComponentGroup) ShownCollapsed() bool {
	switch g.Collapsed {
	case CollapsedAlways:
		return true
	case CollapsedUnlessIssue:
		return g.IsOperational()
	}
	return false
}

// Incident is a reported problem.
type Incident struct {
	// ID is the server's id.
	ID int `json:"id"`
	// UserID is the reporting dashboard user, 0 when unknown.
	UserID int `json:"user_id"`
	// ComponentID is the component the incident was reported on, 0 for
	// none.
	ComponentID int `json:"component_id"`
	// Name is the incident's title.
	Name string `json:"name"`
	// Status is the incident's own status; the latest update's status
	// is Updates[0].Status.
	Status IncidentStatus `json:"status"`
	// HumanStatus is the server's translated label of Status.
	HumanStatus string `json:"human_status"`
	// Visible says who sees the incident: VisibilityLoggedIn or
	// VisibilityPublic.
	Visible Visibility `json:"visible"`
	// Stickied incidents are pinned at the top of the page.
	Stickied bool `json:"stickied"`
	// Notifications records whether subscribers were notified.
	Notifications bool `json:"notifications"`
	// Message is Markdown.
	Message string `json:"message"`
	// OccurredAt is when the problem started (zero on 2.3, which has
	// no such field), to the minute: the seconds the server stores are
	// those of the request that set it.
	OccurredAt time.Time `json:"occurred_at"`
	// CreatedAt is when the incident was reported.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the incident last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// IsResolved is true when the latest update, or the incident itself
	// when it has none, is Fixed.
	IsResolved bool `json:"is_resolved"`
	// LatestUpdateID is the newest update's id, 0 when the incident has
	// no updates (the API's null).
	LatestUpdateID int `json:"latest_update_id"`
	// LatestStatus is the newest update's status, or Status when the
	// incident has no updates: the status the page shows. The server
	// computes it so; should it send null, the facade falls back on
	// Status the same way.
	LatestStatus IncidentStatus `json:"latest_status"`
	// LatestHumanStatus is the server's label of LatestStatus (or
	// HumanStatus, with the same fallback).
	LatestHumanStatus string `json:"latest_human_status"`
	// LatestIcon is the CSS class of the page's icon for LatestStatus,
	// e.g. "icon ion-flag oranges"; "" when the server sends none.
	LatestIcon string `json:"latest_icon"`
	// Duration is the server's duration, sent in seconds: 0 without
	// updates. With updates it is meant to run from creation to the
	// latest update, but the real server measures from creation to now
	// (a server bug), so it grows with every read.
	Duration time.Duration `json:"duration"`
	// Meta holds the key/value pairs given at creation (2.4).
	Meta map[string]any `json:"meta,omitempty"`
	// Updates are the incident's updates, newest first. The server
	// embeds raw rows: their HumanStatus and Permalink are empty.
	Updates []IncidentUpdate `json:"updates"`
	// Permalink is the incident's page on the status site.
	Permalink string `json:"permalink,omitempty"`
}

// IncidentUpdate is a follow-up message on an incident (Cachet 2.4).
type IncidentUpdate struct {
	// ID is the server's id.
	ID int `json:"id"`
	// IncidentID is the incident the update belongs to.
	IncidentID int `json:"incident_id"`
	// Status is the incident's status as of this update.
	Status IncidentStatus `json:"status"`
	// Message is Markdown.
	Message string `json:"message"`
	// UserID is the dashboard user who last wrote the update.
	UserID int `json:"user_id"`
	// HumanStatus is the server's translated label of Status.
	HumanStatus string `json:"human_status,omitempty"`
	// Permalink is the update's anchor on the incident's page.
	Permalink string `json:"permalink,omitempty"`
	// CreatedAt orders the updates of an incident.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the update was last edited.
	UpdatedAt time.Time `json:"updated_at"`
}

// IncidentTemplate is a Twig template for incident messages. Templates are
// made in the dashboard; the API only reads them.
type IncidentTemplate struct {
	// ID is the server's id.
	ID int `json:"id"`
	// Name is the template's label in the dashboard.
	Name string `json:"name"`
	// Slug is what IncidentCreate.Template names.
	Slug string `json:"slug"`
	// Template is the Twig source; it sees the incident's fields as
	// incident.* and the Vars given as top-level names.
	Template string `json:"template"`
	// CreatedAt is when the template was made.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the template last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// Metric is a chart on the status page.
type Metric struct {
	// ID is the server's id, the argument of the MetricPoints calls.
	ID int `json:"id"`
	// Name is the chart's title.
	Name string `json:"name"`
	// Suffix is the unit shown after values, e.g. "ms".
	Suffix string `json:"suffix"`
	// Description is shown with the chart.
	Description string `json:"description"`
	// DefaultValue fills time slots without points.
	DefaultValue int `json:"default_value"`
	// CalcType is how the points of one time slot combine.
	CalcType MetricCalcType `json:"calc_type"`
	// DisplayChart is false for a metric listed without its chart.
	DisplayChart bool `json:"display_chart"`
	// Places is the number of decimal places shown (0 to 4).
	Places int `json:"places"`
	// DefaultView is the range the chart opens on.
	DefaultView MetricView `json:"default_view"`
	// Threshold is the window within which equal values are folded into
	// one point (see [MetricPointManager.Create]).
	Threshold time.Duration `json:"threshold"`
	// Order is the position on the page, lowest first.
	Order int `json:"order"`
	// Visible says who sees the chart; VisibilityHidden hides it from
	// everyone. The API itself shows every metric to everyone.
	Visible Visibility `json:"visible"`
	// CreatedAt is when the metric was made.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the metric last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// MetricPoint is one value of a metric.
type MetricPoint struct {
	// ID is the server's id.
	ID int `json:"id"`
	// MetricID is the metric the point belongs to.
	MetricID int `json:"metric_id"`
	// Value is the measured value.
	Value float64 `json:"value"`
	// Counter is how many equal values were folded into this point.
	Counter int `json:"counter"`
	// CalculatedValue is Value × Counter, what a Sum metric charts.
	CalculatedValue float64 `json:"calculated_value"`
	// CreatedAt is the time the value stands for, rounded to 30 seconds.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the point last changed (or was counted up).
	UpdatedAt time.Time `json:"updated_at"`
}

// Schedule is a maintenance window (Cachet 2.4).
type Schedule struct {
	// ID is the server's id.
	ID int `json:"id"`
	// Name is the window's title.
	Name string `json:"name"`
	// Message is Markdown.
	Message string `json:"message"`
	// Status is the window's stage, which the caller moves on.
	Status ScheduleStatus `json:"status"`
	// HumanStatus is the server's label of Status.
	HumanStatus string `json:"human_status"`
	// ScheduledAt is the start, to the minute like OccurredAt of an
	// incident.
	ScheduledAt time.Time `json:"scheduled_at"`
	// CompletedAt is the end of the window, to the minute. For a window
	// without an end the real server sends the current time, not null,
	// so a CompletedAt close to "now" may mean "open-ended".
	CompletedAt time.Time `json:"completed_at"`
	// CreatedAt is when the window was scheduled.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the window last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// Components are the components affected, set in the dashboard.
	Components []ScheduleComponent `json:"components"`
}

// ScheduleComponent is a component affected by a schedule, with the
// status it has during the window. Links are made in the dashboard only.
type ScheduleComponent struct {
	// ID is the link's id.
	ID int `json:"id"`
	// ComponentID is the affected component.
	ComponentID int `json:"component_id"`
	// ComponentStatus is the component's status during the window.
	ComponentStatus ComponentStatus `json:"component_status"`
}

// Subscriber is someone who gets email notifications.
type Subscriber struct {
	// ID is the server's id, the argument of Delete.
	ID int `json:"id"`
	// Email is the subscribed address.
	Email string `json:"email"`
	// PhoneNumber is set by the dashboard only; "" for none.
	PhoneNumber string `json:"phone_number,omitempty"`
	// SlackWebhookURL is set by the dashboard only; "" for none.
	SlackWebhookURL string `json:"slack_webhook_url,omitempty"`
	// VerifyCode is the secret of the verification link.
	VerifyCode string `json:"verify_code"`
	// VerifiedAt is when the address was verified. The real server
	// sends the current time for an unverified subscriber, so it cannot
	// tell verified from unverified.
	VerifiedAt time.Time `json:"verified_at"`
	// Global is true when the subscriber follows every component.
	Global bool `json:"global"`
	// Subscriptions are the subscriber's component links; delete one
	// with [SubscriptionManager.Delete].
	Subscriptions []Subscription `json:"subscriptions"`
	// CreatedAt is when the address subscribed.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the subscriber last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// Subscription links a subscriber to one component; delete it with
// [SubscriptionManager.Delete] to unsubscribe from that component only.
type Subscription struct {
	// ID is the argument of SubscriptionManager.Delete.
	ID int `json:"id"`
	// SubscriberID is the subscriber following the component.
	SubscriberID int `json:"subscriber_id"`
	// ComponentID is the component followed.
	ComponentID int `json:"component_id"`
	// CreatedAt is when the link was made.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when the link last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// Version is the Cachet version a server runs.
type Version struct {
	// Value is the running version, e.g. "2.4.0-dev".
	Value string `json:"value"`
	// OnLatest is the server's own comparison with Latest; it is true only
	// when the running version is strictly newer than the latest tag.
	OnLatest bool `json:"on_latest"`
	// Latest is the newest release on GitHub, as the server last saw it.
	Latest Release `json:"latest"`
}

// Release is the latest Cachet release the server found on GitHub.
type Release struct {
	// TagName is the release's tag, e.g. "v2.3.18".
	TagName string `json:"tag_name"`
	// Prerelease is the server's "prelease" flag; the JSON tag keeps
	// the API's spelling, as every tag here does.
	Prerelease bool `json:"prelease"`
	// Draft marks an unpublished release.
	Draft bool `json:"draft"`
}

// SystemStatus is the site's overall state, the banner at the top of the
// status page.
type SystemStatus struct {
	// Level is the state, derived by the server from the components and
	// open incidents.
	Level SystemLevel `json:"status"`
	// Message is the server's banner text, e.g. "System operational".
	Message string `json:"message"`
}

// ---- conversions from the generated models ----

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func (d *decoder) component(m cachetapi.Component) Component {
	c := Component{
		ID:          m.ID,
		Name:        m.Name,
		Description: deref(m.Description),
		Link:        deref(m.Link),
		Status:      ComponentStatus(m.Status),
		StatusName:  m.StatusName,
		Order:       m.Order,
		GroupID:     m.GroupID,
		Enabled:     m.Enabled,
		Meta:        d.metaOrEmpty(m.Meta),
		Tags:        d.tags(m.Tags),
		CreatedAt:   d.time("created_at", m.CreatedAt),
		UpdatedAt:   d.time("updated_at", m.UpdatedAt),
	}
	return c
}

func (d *decoder) componentRow(m cachetapi.ComponentRow) Component {
	return Component{
		ID:          m.ID,
		Name:        m.Name,
		Description: deref(m.Description),
		Link:        deref(m.Link),
		Status:      ComponentStatus(m.Status),
		Order:       m.Order,
		GroupID:     m.GroupID,
		Enabled:     m.Enabled,
		Meta:        d.metaOrEmpty(m.Meta),
		Tags:        map[string]string{},
		CreatedAt:   d.optTime("created_at", m.CreatedAt),
		UpdatedAt:   d.optTime("updated_at", m.UpdatedAt),
	}
}

// tags reads the server's tag field, an object when there are tags and an
// empty array when there are none.
//
// The first byte tells the two apart, so the field is decoded once (the
// generated AsTagMap/AsEmptyList would each unmarshal it, and trying one
// then the other was a tenth of a Get's allocations).
func (d *decoder) tags(t cachetapi.ComponentTags) map[string]string {
	raw, err := t.MarshalJSON()
	switch unionKind(raw, err) {
	case unionAbsent, unionEmptyArray:
		return map[string]string{}
	case unionObject:
		if m, err := t.AsTagMap(); err == nil {
			if m == nil {
				return map[string]string{}
			}
			return map[string]string(m)
		}
	}
	d.fail("tags: %s is neither a {slug: name} object nor an empty array", truncate(raw, 64))
	return map[string]string{}
}

// metaOrEmpty reads incident meta, an object or an empty array.
func (d *decoder) metaOrEmpty(m *cachetapi.MetaOrEmpty) map[string]any {
	if m == nil {
		return nil
	}
	raw, err := m.MarshalJSON()
	switch unionKind(raw, err) {
	case unionAbsent, unionEmptyArray:
		return nil
	case unionObject:
		if v, err := m.AsMeta(); err == nil {
			return map[string]any(v)
		}
	}
	d.fail("meta: %s is neither an object nor an empty array", truncate(raw, 64))
	return nil
}

// unionKinds are the shapes of an "object, or an empty array for none"
// field, told apart without decoding it.
const (
	unionOther      = iota // anything else: a decoding error
	unionAbsent            // missing or null
	unionEmptyArray        // [] (PHP's empty array)
	unionObject            // {...}, decoded by the caller
)

// unionKind classifies raw, a field the server sends as an object, or
// as an empty array when it has nothing.
func unionKind(raw json.RawMessage, err error) int {
	raw = bytes.TrimSpace(raw)
	switch {
	case err != nil || len(raw) == 0 || string(raw) == "null":
		return unionAbsent
	case raw[0] == '{':
		return unionObject
	case raw[0] == '[' && raw[len(raw)-1] == ']' && len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0:
		return unionEmptyArray
	}
	return unionOther
}

func truncate(b json.RawMessage, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

func (d *decoder) group(m cachetapi.ComponentGroup) ComponentGroup {
	g := ComponentGroup{
		ID:                m.ID,
		Name:              m.Name,
		Order:             m.Order,
		Collapsed:         GroupCollapsed(m.Collapsed),
		Visible:           Visibility(m.Visible),
		EnabledComponents: make([]Component, 0, len(m.EnabledComponents)),
		LowestHumanStatus: deref(m.LowestHumanStatus),
		CreatedAt:         d.optTime("created_at", m.CreatedAt),
		UpdatedAt:         d.optTime("updated_at", m.UpdatedAt),
	}
	for _, r := range m.EnabledComponents {
		g.EnabledComponents = append(g.EnabledComponents, d.componentRow(r))
	}
	if len(m.EnabledComponentsLowest) > 0 {
		s := ComponentStatus(m.EnabledComponentsLowest[0].Status)
		g.lowest = &s
	}
	return g
}

func (d *decoder) incident(m cachetapi.Incident) Incident {
	in := Incident{
		ID:                m.ID,
		UserID:            deref(m.UserID),
		ComponentID:       deref(m.ComponentID),
		Name:              m.Name,
		Status:            IncidentStatus(m.Status),
		HumanStatus:       m.HumanStatus,
		Visible:           Visibility(m.Visible),
		Stickied:          m.Stickied,
		Notifications:     deref(m.Notifications),
		Message:           m.Message,
		OccurredAt:        d.minuteTime("occurred_at", m.OccurredAt),
		CreatedAt:         d.time("created_at", m.CreatedAt),
		UpdatedAt:         d.time("updated_at", m.UpdatedAt),
		IsResolved:        m.IsResolved,
		LatestUpdateID:    deref(m.LatestUpdateID),
		LatestStatus:      IncidentStatus(deref(m.LatestStatus)),
		LatestHumanStatus: deref(m.LatestHumanStatus),
		LatestIcon:        deref(m.LatestIcon),
		Duration:          time.Duration(deref(m.Duration)) * time.Second,
		Meta:              d.metaOrEmpty(m.Meta),
		Updates:           make([]IncidentUpdate, 0, len(m.Updates)),
		Permalink:         deref(m.Permalink),
	}
	if m.LatestStatus == nil {
		in.LatestStatus, in.LatestHumanStatus = in.Status, in.HumanStatus
	}
	for _, u := range m.Updates {
		in.Updates = append(in.Updates, IncidentUpdate{
			ID:         u.ID,
			IncidentID: u.IncidentID,
			Status:     IncidentStatus(u.Status),
			Message:    u.Message,
			UserID:     deref(u.UserID),
			CreatedAt:  d.optTime("updates.created_at", u.CreatedAt),
			UpdatedAt:  d.optTime("updates.updated_at", u.UpdatedAt),
		})
	}
	return in
}

func (d *decoder) incidentUpdate(m cachetapi.IncidentUpdate) IncidentUpdate {
	return IncidentUpdate{
		ID:          m.ID,
		IncidentID:  m.IncidentID,
		Status:      IncidentStatus(m.Status),
		Message:     m.Message,
		UserID:      deref(m.UserID),
		HumanStatus: m.HumanStatus,
		Permalink:   m.Permalink,
		CreatedAt:   d.optTime("created_at", m.CreatedAt),
		UpdatedAt:   d.optTime("updated_at", m.UpdatedAt),
	}
}

func (d *decoder) template(m cachetapi.IncidentTemplate) IncidentTemplate {
	return IncidentTemplate{
		ID:        m.ID,
		Name:      m.Name,
		Slug:      m.Slug,
		Template:  m.Template,
		CreatedAt: d.optTime("created_at", m.CreatedAt),
		UpdatedAt: d.optTime("updated_at", m.UpdatedAt),
	}
}

func (d *decoder) metric(m cachetapi.Metric) Metric {
	return Metric{
		ID:           m.ID,
		Name:         m.Name,
		Suffix:       m.Suffix,
		Description:  deref(m.Description),
		DefaultValue: m.DefaultValue,
		CalcType:     MetricCalcType(m.CalcType),
		DisplayChart: m.DisplayChart,
		Places:       m.Places,
		DefaultView:  MetricView(m.DefaultView),
		Threshold:    time.Duration(m.Threshold) * time.Minute,
		Order:        m.Order,
		Visible:      Visibility(m.Visible),
		CreatedAt:    d.optTime("created_at", m.CreatedAt),
		UpdatedAt:    d.optTime("updated_at", m.UpdatedAt),
	}
}

func (d *decoder) point(m cachetapi.MetricPoint) MetricPoint {
	return MetricPoint{
		ID:              m.ID,
		MetricID:        m.MetricID,
		Value:           m.Value,
		Counter:         m.Counter,
		CalculatedValue: m.CalculatedValue,
		CreatedAt:       d.time("created_at", m.CreatedAt),
		UpdatedAt:       d.optTime("updated_at", m.UpdatedAt),
	}
}

func (d *decoder) schedule(m cachetapi.Schedule) Schedule {
	s := Schedule{
		ID:          m.ID,
		Name:        m.Name,
		Message:     deref(m.Message),
		Status:      ScheduleStatus(m.Status),
		HumanStatus: m.HumanStatus,
		ScheduledAt: d.time("scheduled_at", m.ScheduledAt).Truncate(time.Minute),
		CompletedAt: d.minuteTime("completed_at", m.CompletedAt),
		CreatedAt:   d.optTime("created_at", m.CreatedAt),
		UpdatedAt:   d.optTime("updated_at", m.UpdatedAt),
		Components:  make([]ScheduleComponent, 0, len(m.Components)),
	}
	for _, c := range m.Components {
		s.Components = append(s.Components, ScheduleComponent{
			ID:              c.ID,
			ComponentID:     c.ComponentID,
			ComponentStatus: ComponentStatus(c.ComponentStatus),
		})
	}
	return s
}

func (d *decoder) subscriber(m cachetapi.Subscriber) Subscriber {
	s := Subscriber{
		ID:              m.ID,
		Email:           m.Email,
		PhoneNumber:     deref(m.PhoneNumber),
		SlackWebhookURL: deref(m.SlackWebhookURL),
		VerifyCode:      m.VerifyCode,
		VerifiedAt:      d.longTime("verified_at", m.VerifiedAt),
		Global:          m.Global,
		Subscriptions:   make([]Subscription, 0, len(m.Subscriptions)),
		CreatedAt:       d.optTime("created_at", m.CreatedAt),
		UpdatedAt:       d.optTime("updated_at", m.UpdatedAt),
	}
	for _, sub := range m.Subscriptions {
		s.Subscriptions = append(s.Subscriptions, d.subscription(sub))
	}
	return s
}

func (d *decoder) subscription(m cachetapi.Subscription) Subscription {
	return Subscription{
		ID:           m.ID,
		SubscriberID: m.SubscriberID,
		ComponentID:  m.ComponentID,
		CreatedAt:    d.optTime("created_at", m.CreatedAt),
		UpdatedAt:    d.optTime("updated_at", m.UpdatedAt),
	}
}
