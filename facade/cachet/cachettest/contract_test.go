package cachettest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
)

// The other tests of this package check the emulator from the client's
// side. These put the contract check around the emulator's handler
// itself, as a server-side test: every request it is sent and every
// response it writes must be what the spec describes.

// serveChecked serves srv's handler behind the contract check, and
// returns the base URL of the API there and the check, which also tracks
// the operations reached.
func serveChecked(t *testing.T, tb testing.TB, srv *cachettest.Server) (string, *contract.Spec) {
	t.Helper()
	checked := contract.Load(tb, spec(t), "")
	ts := httptest.NewServer(checked.Handler(srv.Handler()))
	t.Cleanup(ts.Close)
	return ts.URL + cachettest.BasePath, checked
}

// A realistic session through the facade, every exchange validated on
// the server's side: each resource's create, get, list, update and
// delete, the follow-ups, points, subscribers and schedules, the general
// calls, and the error answers a client meets (404, 401, 400, 5XX).
func TestContractServerSide(t *testing.T) {
	clock := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	srv := cachettest.NewServer(cachettest.WithClock(func() time.Time { return clock }))
	t.Cleanup(srv.Close)
	tpl := srv.AddIncidentTemplate("Investigating", "investigating", "{{ incident.name }} is slow: {{ details }}")
	url, checked := serveChecked(t, t, srv)
	opts := []facade.Option{facade.WithRetry(0, 0, 0)}
	c, err := cachet.New(url, srv.Token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	guest, err := cachet.New(url, "", opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// General.
	must("Ping", c.Ping(ctx))
	_, err = c.Version(ctx)
	must("Version", err)
	_, err = guest.Status(ctx)
	must("Status", err)

	// Component groups and components.
	g, err := c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{Name: "Core", Visible: cachet.VisibilityPublic, Collapsed: cachet.CollapsedUnlessIssue})
	must("ComponentGroups.Create", err)
	_, err = c.ComponentGroups.Get(ctx, g.ID)
	must("ComponentGroups.Get", err)
	_, err = c.ComponentGroups.Update(ctx, g.ID, cachet.ComponentGroupChanges{Name: new("Core services"), Order: new(2)})
	must("ComponentGroups.Update", err)
	var comps []int
	for i, name := range []string{"API", "Web", "Mail"} {
		in := cachet.ComponentCreate{Name: name, Status: cachet.ComponentOperational, GroupID: g.ID, Order: i,
			Description: name + " service", Link: "https://example.com/" + strings.ToLower(name), Tags: []string{"Public"}}
		if i == 0 {
			in.Meta = map[string]any{"owner": "ops"}
		}
		if i == 2 {
			in.Meta = map[string]any{} // comes back as []
		}
		comp, err := c.Components.Create(ctx, in)
		must("Components.Create", err)
		comps = append(comps, comp.ID)
	}
	_, err = c.Components.Get(ctx, comps[0])
	must("Components.Get", err)
	ch := cachet.ComponentChanges{Status: new(cachet.ComponentPerformanceIssues), Enabled: new(true)}
	ch.AddTag("Backend")
	_, err = c.Components.Update(ctx, comps[0], ch)
	must("Components.Update", err)
	for name, o := range map[string]cachet.ComponentListOptions{
		"all, ascending": {ListOptions: cachet.ListOptions{PerPage: 2, Sort: "name", Order: cachet.Ascending}},
		"filtered":       {Status: new(cachet.ComponentPerformanceIssues), GroupID: new(g.ID)},
		"tagged":         {Tags: []string{"backend"}},
	} {
		if got := len(collectAll(t, name, c.Components.List(ctx, o))); got == 0 {
			t.Errorf("Components.List(%s) is empty", name)
		}
	}
	_, err = c.Components.Count(ctx, cachet.ComponentListOptions{Name: new("Web")})
	must("Components.Count", err)
	collectAll(t, "ComponentGroups.List", c.ComponentGroups.List(ctx, cachet.ComponentGroupListOptions{ListOptions: cachet.ListOptions{Order: cachet.Ascending}}))
	_, err = guest.ComponentGroups.Count(ctx, cachet.ComponentGroupListOptions{})
	must("ComponentGroups.Count", err)

	// Incidents, from a template, with their updates.
	in, err := c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "API", Status: cachet.IncidentInvestigating, Template: "investigating",
		Vars: map[string]any{"details": "looking"}, Component: &cachet.ComponentChange{ID: comps[0], Status: cachet.ComponentMajorOutage},
		OccurredAt: clock.Add(-time.Hour), Meta: map[string]any{"ticket": "OPS-1"}})
	must("Incidents.Create", err)
	_, err = c.Incidents.Get(ctx, in.ID)
	must("Incidents.Get", err)
	_, err = c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Message: new("Found it."), Status: new(cachet.IncidentIdentified)})
	must("Incidents.Update", err)
	other, err := c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "Mail", Message: "Delayed.", Status: cachet.IncidentWatching, Stickied: true})
	must("Incidents.Create", err)
	collectAll(t, "Incidents.List", c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{PerPage: 1, Sort: "id", Order: cachet.Ascending}}))
	_, err = c.Incidents.Count(ctx, cachet.IncidentListOptions{Stickied: new(true)})
	must("Incidents.Count", err)
	var updates []int
	for _, st := range []cachet.IncidentStatus{cachet.IncidentWatching, cachet.IncidentFixed} {
		u, err := c.IncidentUpdates.Create(ctx, in.ID, st, "Now "+st.String())
		must("IncidentUpdates.Create", err)
		updates = append(updates, u.ID)
	}
	_, err = c.IncidentUpdates.Get(ctx, in.ID, updates[0])
	must("IncidentUpdates.Get", err)
	_, err = c.IncidentUpdates.Update(ctx, in.ID, updates[0], cachet.IncidentUpdateChanges{Message: new("Watching closely.")})
	must("IncidentUpdates.Update", err)
	collectAll(t, "IncidentUpdates.List", c.IncidentUpdates.List(ctx, in.ID, cachet.ListOptions{PerPage: 1, Order: cachet.Ascending}))
	_, err = c.IncidentUpdates.Count(ctx, in.ID)
	must("IncidentUpdates.Count", err)
	_, err = c.IncidentTemplates.Get(ctx, tpl)
	must("IncidentTemplates.Get", err)
	collectAll(t, "IncidentTemplates.List", c.IncidentTemplates.List(ctx, cachet.ListOptions{}))
	_, err = c.IncidentTemplates.Count(ctx)
	must("IncidentTemplates.Count", err)

	// Metrics and their points.
	m, err := c.Metrics.Create(ctx, cachet.MetricCreate{Name: "Latency", Suffix: "ms", Description: "p95", DefaultValue: 0,
		CalcType: cachet.CalcAverage, DisplayChart: new(true), Places: new(1), DefaultView: new(cachet.ViewLast12Hours),
		Threshold: 5 * time.Minute, Visible: new(cachet.VisibilityPublic)})
	must("Metrics.Create", err)
	_, err = c.Metrics.Get(ctx, m.ID)
	must("Metrics.Get", err)
	_, err = c.Metrics.Update(ctx, m.ID, cachet.MetricChanges{Suffix: new("s"), Threshold: new(10 * time.Minute)})
	must("Metrics.Update", err)
	collectAll(t, "Metrics.List", c.Metrics.List(ctx, cachet.ListOptions{Sort: "name"}))
	_, err = guest.Metrics.Count(ctx)
	must("Metrics.Count", err)
	var points []int
	for i, v := range []float64{120, 95.5, 130} {
		p, err := c.MetricPoints.Create(ctx, m.ID, cachet.MetricPointCreate{Value: v, Timestamp: clock.Add(time.Duration(i-3) * 20 * time.Minute)})
		must("MetricPoints.Create", err)
		points = append(points, p.ID)
	}
	_, err = c.MetricPoints.Update(ctx, m.ID, points[0], cachet.MetricPointChanges{Timestamp: new(clock.Add(-90 * time.Minute))}) // walks the list for the value
	must("MetricPoints.Update", err)
	_, err = c.MetricPoints.Update(ctx, m.ID, points[1], cachet.MetricPointChanges{Value: new(99.0)})
	must("MetricPoints.Update", err)
	collectAll(t, "MetricPoints.List", c.MetricPoints.List(ctx, m.ID, cachet.ListOptions{PerPage: 2, Order: cachet.Ascending}))
	_, err = c.MetricPoints.Count(ctx, m.ID)
	must("MetricPoints.Count", err)

	// Subscribers.
	all, err := c.Subscribers.Create(ctx, "all@example.com", cachet.SubscriberOptions{})
	must("Subscribers.Create", err)
	one, err := c.Subscribers.Create(ctx, "api@example.com", cachet.SubscriberOptions{Components: comps[:2], SendVerificationEmail: true})
	must("Subscribers.Create", err)
	collectAll(t, "Subscribers.List", c.Subscribers.List(ctx, cachet.ListOptions{PerPage: 1}))
	_, err = c.Subscribers.Count(ctx)
	must("Subscribers.Count", err)
	must("Subscriptions.Delete", c.Subscriptions.Delete(ctx, one.Subscriptions[0].ID))

	// Schedules, in another zone (the Time-Zone header).
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	cp, err := c.WithTimeZone(paris)
	must("WithTimeZone", err)
	s, err := cp.Schedules.Create(ctx, cachet.ScheduleCreate{Name: "Upgrade", Message: "DB upgrade", Status: cachet.ScheduleUpcoming,
		ScheduledAt: clock.Add(48 * time.Hour), CompletedAt: clock.Add(50 * time.Hour), Notify: true})
	must("Schedules.Create", err)
	_, err = cp.Schedules.Get(ctx, s.ID)
	must("Schedules.Get", err)
	_, err = cp.Schedules.Update(ctx, s.ID, cachet.ScheduleChanges{Status: new(cachet.ScheduleInProgress), CompletedAt: new(clock.Add(49 * time.Hour))})
	must("Schedules.Update", err)
	collectAll(t, "Schedules.List", guest.Schedules.List(ctx, cachet.ListOptions{Sort: "scheduled_at", Order: cachet.Ascending}))
	_, err = cp.Schedules.Count(ctx)
	must("Schedules.Count", err)

	// Error answers, each documented.
	expect := func(what string, err, want error, status int) {
		t.Helper()
		var ae *facade.APIError
		if !errors.Is(err, want) || !errors.As(err, &ae) || ae.StatusCode != status {
			t.Errorf("%s: %v; want a %d APIError", what, err, status)
		}
	}
	_, err = c.Components.Get(ctx, 999)
	expect("Components.Get(999)", err, facade.ErrNotFound, 404)
	_, err = c.IncidentUpdates.Create(ctx, 999, cachet.IncidentFixed, "x")
	expect("IncidentUpdates.Create on a missing incident", err, facade.ErrNotFound, 404)
	_, err = guest.Components.Create(ctx, cachet.ComponentCreate{Name: "x", Status: cachet.ComponentOperational})
	expect("guest Components.Create", err, facade.ErrUnauthorized, 401)
	_, err = guest.Subscribers.Count(ctx)
	expect("guest Subscribers.Count", err, facade.ErrUnauthorized, 401)
	_, err = c.Components.Create(ctx, cachet.ComponentCreate{Status: cachet.ComponentOperational})
	expect("Components.Create without a name", err, facade.ErrValidation, 400)
	_, err = c.Metrics.Create(ctx, cachet.MetricCreate{Name: "x"})
	expect("Metrics.Create without a suffix", err, facade.ErrValidation, 400)
	srv.FailNext(1, http.StatusServiceUnavailable, "GET /api/v1/incidents")
	_, err = c.Incidents.Count(ctx, cachet.IncidentListOptions{})
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("Incidents.Count during an outage: %v; want a 503 APIError", err)
	}

	// Deletes, last: everything created goes.
	must("IncidentUpdates.Delete", c.IncidentUpdates.Delete(ctx, in.ID, updates[1]))
	must("Incidents.Delete", c.Incidents.Delete(ctx, other.ID))
	must("Incidents.Delete", c.Incidents.Delete(ctx, in.ID))
	must("MetricPoints.Delete", c.MetricPoints.Delete(ctx, m.ID, points[2]))
	must("Metrics.Delete", c.Metrics.Delete(ctx, m.ID))
	must("Subscribers.Delete", c.Subscribers.Delete(ctx, all.ID))
	must("Subscribers.Delete", c.Subscribers.Delete(ctx, one.ID))
	must("Schedules.Delete", cp.Schedules.Delete(ctx, s.ID))
	for _, id := range comps {
		must("Components.Delete", c.Components.Delete(ctx, id))
	}
	must("ComponentGroups.Delete", c.ComponentGroups.Delete(ctx, g.ID))
	err = c.ComponentGroups.Delete(ctx, g.ID)
	expect("second ComponentGroups.Delete", err, facade.ErrNotFound, 404)

	checked.RequireAllOperations(t)
}

// collectAll drains a list, failing the test on an error.
func collectAll[T any](t *testing.T, what string, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		out = append(out, v)
	}
	return out
}

// reportTB keeps the contract's reports instead of failing the test.
type reportTB struct {
	testing.TB
	mu      sync.Mutex
	reports []string
}

func (r *reportTB) Helper() {}

func (r *reportTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, fmt.Sprintf(format, args...))
}

// The server-side check is live: an exchange outside the spec, sent
// straight to the wrapped handler, is reported.
func TestContractServerSideReports(t *testing.T) {
	srv := cachettest.NewServer()
	t.Cleanup(srv.Close)
	rep := &reportTB{TB: t}
	url, _ := serveChecked(t, rep, srv)
	for _, tc := range []struct{ method, path string }{
		{"HEAD", "/ping"},                 // no HEAD operations in the spec
		{"GET", "/components?sort=bogus"}, // not a sortable column
		{"GET", "/components/?page=2"},    // the trailing-slash redirect
		{"OPTIONS", "/components"},        // Laravel's automatic answer
	} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, url+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		rep.mu.Lock()
		n := len(rep.reports)
		rep.mu.Unlock()
		if n == 0 {
			t.Errorf("%s %s (answered %d) was not reported", tc.method, tc.path, resp.StatusCode)
		}
		rep.mu.Lock()
		rep.reports = nil
		rep.mu.Unlock()
	}
}
