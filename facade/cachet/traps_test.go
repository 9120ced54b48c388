package cachet_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

// Trap 4: the server sets an omitted value to 0, so a timestamp-only
// update resends the current value, found by listing the points.
func TestTrap4PointUpdateKeepsValue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m, err := e.c.Metrics.Create(ctx, cachet.MetricCreate{Name: "Load", Suffix: "%"})
	if err != nil {
		t.Fatal(err)
	}
	var pointIDs []int
	for _, v := range []float64{1.5, 2.5, 3.5} {
		p, err := e.c.MetricPoints.Create(ctx, m.ID, cachet.MetricPointCreate{Value: v})
		if err != nil {
			t.Fatal(err)
		}
		pointIDs = append(pointIDs, p.ID)
	}
	// The timestamp goes as a string of seconds, as this route wants.
	raw, rec := e.c, e.rec
	moved := time.Now().Add(-time.Hour)
	p, err := raw.MetricPoints.Update(ctx, m.ID, pointIDs[1], cachet.MetricPointChanges{Timestamp: &moved})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if p.Value != 2.5 {
		t.Errorf("value after a timestamp-only update = %v, want 2.5", p.Value)
	}
	if d := p.CreatedAt.Sub(moved); d < -30*time.Second || d > 30*time.Second {
		t.Errorf("CreatedAt = %v, want %v (to 30 s)", p.CreatedAt, moved)
	}
	put := rec.requests("PUT", "/points/"+itoa(pointIDs[1]))[0].bodyMap(t)
	if put["value"] != json.Number("2.5") || put["timestamp"] != itoa(int(moved.Unix())) {
		t.Errorf("PUT body %v: the value must be resent, the timestamp a string of seconds", put)
	}
	if n := len(rec.requests("GET", "/metrics/"+itoa(m.ID)+"/points")); n != 1 {
		t.Errorf("%d list requests to find the value, want 1", n)
	}
}

// Trap 5: a group update sends only the fields set; cachet-client sent
// visible=0 with every update, hiding the group from the public page.
func TestTrap5GroupUpdateSendsOnlyChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g, err := e.c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{Name: "Public", Order: 3, Visible: cachet.VisibilityPublic, Collapsed: cachet.CollapsedAlways})
	if err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	for _, u := range []cachet.ComponentGroupChanges{{Order: new(4)}, {Name: new("Renamed")}, {Collapsed: new(cachet.CollapsedUnlessIssue)}} {
		if _, err := e.c.ComponentGroups.Update(ctx, g.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range e.rec.requests("PUT", "") {
		if body := s.bodyMap(t); len(body) != 1 {
			t.Errorf("PUT body %v: want exactly the one field set", body)
		}
	}
	got, err := e.c.ComponentGroups.Get(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Visible != cachet.VisibilityPublic || got.Name != "Renamed" || got.Order != 4 || !got.CollapsedUnlessIssue() {
		t.Errorf("after partial updates: %+v", got)
	}
	// The guest view proves it: the group is still public.
	guest, _ := newContractClient(t, e.srv, "")
	if n, err := guest.ComponentGroups.Count(ctx, cachet.ComponentGroupListOptions{}); err != nil || n != 1 {
		t.Errorf("guests see %d groups, %v; want 1", n, err)
	}
}

// Trap 7: no request URL ever ends with a slash, the stock web server
// redirecting those (the redirect of writes is in wire_test.go).
func TestTrap7NoTrailingSlash(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	comp, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "x", Status: cachet.ComponentOperational})
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "n", Message: "m", Status: cachet.IncidentInvestigating})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.IncidentUpdates.Create(ctx, in.ID, cachet.IncidentFixed, "done"); err != nil {
		t.Fatal(err)
	}
	_ = collect(t, e.c.IncidentUpdates.List(ctx, in.ID, cachet.ListOptions{}))
	_ = collect(t, e.c.ComponentGroups.List(ctx, cachet.ComponentGroupListOptions{}))
	_ = collect(t, e.c.Components.List(ctx, cachet.ComponentListOptions{Tags: []string{"a"}}))
	if err := e.c.Components.Delete(ctx, comp.ID); err != nil {
		t.Fatal(err)
	}
	reqs := e.rec.requests("", "")
	if len(reqs) < 6 {
		t.Fatalf("only %d requests recorded", len(reqs))
	}
	for _, s := range reqs {
		if strings.HasSuffix(s.Path, "/") {
			t.Errorf("%s %s ends with a slash", s.Method, s.Path)
		}
	}
}

// Trap 9: visible, collapsed and display_chart go out as integers 0/1;
// enabled, stickied, notify and verify as JSON booleans.
func TestTrap9Booleans(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "Off", Status: cachet.ComponentOperational, Enabled: new(false)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled {
		t.Error("component created enabled")
	}
	steps := []func() error{
		func() error {
			_, err := e.c.Components.Update(ctx, c.ID, cachet.ComponentChanges{Enabled: new(true), Status: new(cachet.ComponentPartialOutage), Silent: true})
			return err
		},
		func() error {
			g, err := e.c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{Name: "G", Visible: cachet.VisibilityPublic, Collapsed: cachet.CollapsedAlways})
			if err != nil {
				return err
			}
			_, err = e.c.ComponentGroups.Update(ctx, g.ID, cachet.ComponentGroupChanges{Visible: new(cachet.VisibilityLoggedIn), Collapsed: new(cachet.CollapsedNever)})
			return err
		},
		func() error {
			in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "n", Message: "m", Status: cachet.IncidentInvestigating, Visible: new(cachet.VisibilityPublic), Stickied: true})
			if err != nil {
				return err
			}
			_, err = e.c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Stickied: new(false), Notify: true})
			return err
		},
		func() error {
			m, err := e.c.Metrics.Create(ctx, cachet.MetricCreate{Name: "m", Suffix: "s", DisplayChart: new(false), Visible: new(cachet.VisibilityHidden)})
			if err != nil {
				return err
			}
			_, err = e.c.Metrics.Update(ctx, m.ID, cachet.MetricChanges{DisplayChart: new(true)})
			return err
		},
		func() error {
			_, err := e.c.Subscribers.Create(ctx, "a@example.com", cachet.SubscriberOptions{})
			return err
		},
		func() error {
			_, err := e.c.Schedules.Create(ctx, cachet.ScheduleCreate{Name: "s", ScheduledAt: time.Now(), Notify: true})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	ints := map[string]bool{"visible": true, "collapsed": true, "display_chart": true}
	bools := map[string]bool{"enabled": true, "stickied": true, "notify": true, "verify": true, "silent": true}
	seen := map[string]bool{}
	for _, s := range e.rec.requests("", "") {
		if s.Method != "POST" && s.Method != "PUT" {
			continue
		}
		for k, v := range s.bodyMap(t) {
			switch {
			case ints[k]:
				n, ok := v.(json.Number)
				if !ok || (n != "0" && n != "1" && n != "2") {
					t.Errorf("%s %s: %s = %#v, want an integer", s.Method, s.Path, k, v)
				}
				seen[k] = true
			case bools[k]:
				if _, ok := v.(bool); !ok {
					t.Errorf("%s %s: %s = %#v, want a JSON boolean", s.Method, s.Path, k, v)
				}
				seen[k] = true
			}
		}
	}
	for k := range ints {
		if !seen[k] {
			t.Errorf("%s never sent", k)
		}
	}
	for k := range bools {
		if !seen[k] {
			t.Errorf("%s never sent", k)
		}
	}
}
