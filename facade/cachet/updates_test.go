package cachet_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

// tickingClock advances by a minute at every reading, so that objects
// created one after the other have distinct timestamps.
func tickingClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	now := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Minute)
		return now
	}
}

func TestIncidentUpdates(t *testing.T) {
	e := newEnv(t, cachettest.WithClock(tickingClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))))
	ctx := context.Background()
	in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "Slow", Message: "m", Status: cachet.IncidentInvestigating})
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, st := range []cachet.IncidentStatus{cachet.IncidentIdentified, cachet.IncidentWatching, cachet.IncidentWatching, cachet.IncidentFixed} {
		u, err := e.c.IncidentUpdates.Create(ctx, in.ID, st, "step "+itoa(i))
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if u.IncidentID != in.ID || u.Status != st || u.Message != "step "+itoa(i) || u.Permalink == "" || u.HumanStatus == "" {
			t.Errorf("Create = %+v", u)
		}
		want = append(want, u.ID)
	}
	parent, err := e.c.Incidents.Get(ctx, in.ID)
	if err != nil || parent.Status != cachet.IncidentFixed || !parent.IsResolved || len(parent.Updates) != 4 {
		t.Fatalf("incident after updates: %+v, %v", parent, err)
	}
	// The server measures the duration to now: the clock ticked a minute
	// at least once since the incident was made.
	if parent.LatestUpdateID != want[3] || parent.LatestStatus != cachet.IncidentFixed || parent.LatestHumanStatus != "Fixed" ||
		parent.LatestIcon != "icon ion-checkmark greens" || parent.Duration < time.Minute || parent.Duration%time.Minute != 0 {
		t.Errorf("latest fields after updates: id %d (want %d), status %v, %q, icon %q, duration %v",
			parent.LatestUpdateID, want[3], parent.LatestStatus, parent.LatestHumanStatus, parent.LatestIcon, parent.Duration)
	}

	newest := ids(collect(t, e.c.IncidentUpdates.List(ctx, in.ID, cachet.ListOptions{PerPage: 3})), updID)
	rev := slices.Clone(want)
	slices.Reverse(rev)
	if !slices.Equal(newest, rev) {
		t.Errorf("List = %v, want newest first %v", newest, rev)
	}
	oldest := ids(collect(t, e.c.IncidentUpdates.List(ctx, in.ID, cachet.ListOptions{PerPage: 3, Order: cachet.Ascending})), updID)
	if !slices.Equal(oldest, want) {
		t.Errorf("List ascending = %v, want %v", oldest, want)
	}
	if n, err := e.c.IncidentUpdates.Count(ctx, in.ID); err != nil || n != 4 {
		t.Errorf("Count = %d, %v", n, err)
	}

	got, err := e.c.IncidentUpdates.Get(ctx, in.ID, want[1])
	if err != nil || got.ID != want[1] {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	other, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "Other", Message: "m", Status: cachet.IncidentInvestigating})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.IncidentUpdates.Get(ctx, other.ID, want[1]); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get through the wrong incident: %v; want ErrNotFound", err)
	}

	edited, err := e.c.IncidentUpdates.Update(ctx, in.ID, want[0], cachet.IncidentUpdateChanges{Message: new("edited")})
	if err != nil || edited.Message != "edited" || edited.Status != cachet.IncidentIdentified {
		t.Fatalf("Update = %+v, %v", edited, err)
	}
	if body := e.rec.requests("PUT", "/updates/"+itoa(want[0]))[0].bodyMap(t); len(body) != 1 {
		t.Errorf("PUT body = %v, want the message only", body)
	}
	if err := e.c.IncidentUpdates.Delete(ctx, in.ID, want[0]); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := e.c.IncidentUpdates.Get(ctx, in.ID, want[0]); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if _, err := e.c.IncidentUpdates.Create(ctx, 999, cachet.IncidentFixed, "x"); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("update on a missing incident: %v", err)
	}
	if _, err := e.c.IncidentUpdates.Create(ctx, in.ID, cachet.IncidentScheduled, "x"); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("update with status 0: %v; want a validation error", err)
	}
}

func updID(u cachet.IncidentUpdate) int { return u.ID }

func TestIncidentTemplates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.srv.AddIncidentTemplate("Maintenance", "", "Name: {{ incident.name }}, ETA: {{ eta }}")
	second := e.srv.AddIncidentTemplate("Other", "other", "x")
	tpl, err := e.c.IncidentTemplates.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if tpl.Name != "Maintenance" || tpl.Slug != "maintenance" || tpl.Template == "" {
		t.Errorf("Get = %+v", tpl)
	}
	all := ids(collect(t, e.c.IncidentTemplates.List(ctx, cachet.ListOptions{PerPage: 1})), func(t cachet.IncidentTemplate) int { return t.ID })
	if !slices.Equal(sortedCopy(all), []int{id, second}) {
		t.Errorf("List = %v", all)
	}
	if n, err := e.c.IncidentTemplates.Count(ctx); err != nil || n != 2 {
		t.Errorf("Count = %d, %v", n, err)
	}
	in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name: "DB", Status: cachet.IncidentInvestigating, Template: tpl.Slug, Vars: map[string]any{"eta": "1h"}})
	if err != nil {
		t.Fatalf("Create from a template: %v", err)
	}
	if in.Message != "Name: DB, ETA: 1h" {
		t.Errorf("rendered message %q", in.Message)
	}
	if _, err := e.c.IncidentTemplates.Get(ctx, 999); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get(999): %v", err)
	}
}

// The server edits and deletes an update whatever incident the path
// names; the facade checks first, with one GET, and sends nothing for an
// update of another incident.
func TestIncidentUpdateOwnership(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var incidents, updates []int
	for _, name := range []string{"One", "Two"} {
		in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: name, Message: "m", Status: cachet.IncidentInvestigating})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.c.IncidentUpdates.Create(ctx, in.ID, cachet.IncidentIdentified, name+" update")
		if err != nil {
			t.Fatal(err)
		}
		incidents, updates = append(incidents, in.ID), append(updates, u.ID)
	}
	one, two := incidents[0], incidents[1]
	theirs := updates[1] // an update of incident two

	e.rec.reset()
	for name, call := range map[string]func() error{
		"UpdateIncidentUpdate": func() error {
			_, err := e.c.IncidentUpdates.Update(ctx, one, theirs, cachet.IncidentUpdateChanges{Message: new("hijacked")})
			return err
		},
		"DeleteIncidentUpdate": func() error { return e.c.IncidentUpdates.Delete(ctx, one, theirs) },
		"GetIncidentUpdate": func() error {
			_, err := e.c.IncidentUpdates.Get(ctx, one, theirs)
			return err
		},
	} {
		err := call()
		if !errors.Is(err, facade.ErrNotFound) || errors.As(err, new(*facade.APIError)) {
			t.Errorf("%s through the wrong incident: %v; want ErrNotFound, not an APIError (the server said 200)", name, err)
		} else if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %q does not name the call", name, err)
		}
	}
	if sent := e.rec.requests("", ""); len(sent) != 3 {
		t.Errorf("%d requests, want the 3 GETs only", len(sent))
	}
	for _, s := range e.rec.requests("", "") {
		if s.Method != http.MethodGet {
			t.Errorf("sent %s %s for an update of another incident", s.Method, s.Path)
		}
	}
	u, err := e.c.IncidentUpdates.Get(ctx, two, theirs)
	if err != nil || u.Message != "Two update" {
		t.Errorf("incident two's update after the refused calls: %+v, %v; want it untouched", u, err)
	}

	// Through its own incident, both work.
	if u, err := e.c.IncidentUpdates.Update(ctx, two, theirs, cachet.IncidentUpdateChanges{Message: new("edited")}); err != nil || u.Message != "edited" {
		t.Errorf("Update through its incident = %+v, %v", u, err)
	}
	if err := e.c.IncidentUpdates.Delete(ctx, two, theirs); err != nil {
		t.Errorf("Delete through its incident: %v", err)
	}
	// A missing update is the server's 404, from the checking GET.
	var ae *facade.APIError
	if err := e.c.IncidentUpdates.Delete(ctx, two, theirs); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Errorf("Delete of a deleted update: %v; want a 404 APIError", err)
	}
	if _, err := e.c.IncidentUpdates.Update(ctx, one, 999, cachet.IncidentUpdateChanges{Message: new("x")}); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Errorf("Update of a missing update: %v; want a 404 APIError", err)
	}
	if _, err := e.c.IncidentUpdates.Get(ctx, one, updates[0]); err != nil {
		t.Errorf("incident one's own update: %v", err)
	}
}
