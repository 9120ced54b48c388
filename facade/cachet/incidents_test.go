package cachet_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

func TestIncidentsCRUD(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	comp, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational})
	if err != nil {
		t.Fatal(err)
	}
	occurred := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)
	in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name:       "Outage",
		Message:    "We are *on it*.",
		Status:     cachet.IncidentInvestigating,
		Component:  &cachet.ComponentChange{ID: comp.ID, Status: cachet.ComponentMajorOutage},
		OccurredAt: occurred,
		Meta:       map[string]any{"ticket": "OPS-1"},
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if in.Name != "Outage" || in.Status != cachet.IncidentInvestigating || in.Visible != cachet.VisibilityPublic ||
		in.Stickied || in.ComponentID != comp.ID || in.HumanStatus == "" || in.IsResolved {
		t.Errorf("Create = %+v", in)
	}
	// Without updates, the latest status is the incident's own.
	if in.LatestUpdateID != 0 || in.LatestStatus != cachet.IncidentInvestigating || in.LatestHumanStatus != "Investigating" ||
		in.LatestIcon != "icon ion-flag oranges" || in.Duration != 0 {
		t.Errorf("latest fields without updates: id %d, status %v, %q, icon %q, duration %v",
			in.LatestUpdateID, in.LatestStatus, in.LatestHumanStatus, in.LatestIcon, in.Duration)
	}
	if !in.OccurredAt.Truncate(time.Minute).Equal(occurred) {
		t.Errorf("OccurredAt = %v, want %v (to the minute)", in.OccurredAt, occurred)
	}
	if c, err := e.c.Components.Get(ctx, comp.ID); err != nil || c.Status != cachet.ComponentMajorOutage {
		t.Errorf("component status after the incident: %+v, %v", c, err)
	}

	got, err := e.c.Incidents.Get(ctx, in.ID)
	if err != nil || got.Message != "We are *on it*." {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	fixed, err := e.c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Status: new(cachet.IncidentFixed)})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if fixed.Status != cachet.IncidentFixed || !fixed.IsResolved || fixed.Name != "Outage" {
		t.Errorf("Update = %+v", fixed)
	}
	if n, err := e.c.Incidents.Count(ctx, cachet.IncidentListOptions{}); err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if err := e.c.Incidents.Delete(ctx, in.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := e.c.Incidents.Get(ctx, in.ID); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}

// Trap 3: a partial update keeps a hidden, stickied incident hidden and
// stickied, and does not email subscribers.
func TestTrap3IncidentUpdateKeepsVisibility(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name: "Quiet", Message: "m", Status: cachet.IncidentIdentified,
		Visible: new(cachet.VisibilityLoggedIn), Stickied: true})
	if err != nil {
		t.Fatal(err)
	}
	if in.Visible != cachet.VisibilityLoggedIn || !in.Stickied {
		t.Fatalf("Create = %+v", in)
	}
	e.rec.reset()
	upd, err := e.c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Message: new("still quiet")})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Visible != cachet.VisibilityLoggedIn || !upd.Stickied || upd.Message != "still quiet" {
		t.Errorf("after a partial update: visible %v, stickied %v, message %q", upd.Visible, upd.Stickied, upd.Message)
	}
	puts := e.rec.requests("PUT", "/incidents/"+itoa(in.ID))
	if len(puts) != 1 {
		t.Fatalf("%d PUTs", len(puts))
	}
	body := puts[0].bodyMap(t)
	if body["notify"] != false || body["stickied"] != true || body["visible"] != json.Number("0") {
		t.Errorf("PUT body = %v; want notify false, stickied true, visible 0", body)
	}
	if len(e.rec.requests("GET", "/incidents/"+itoa(in.ID))) != 1 {
		t.Error("the current incident was not read first")
	}

	// With both fields given, no read is needed.
	e.rec.reset()
	upd, err = e.c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Visible: new(cachet.VisibilityPublic), Stickied: new(false), Notify: true})
	if err != nil || upd.Visible != cachet.VisibilityPublic || upd.Stickied {
		t.Fatalf("Update = %+v, %v", upd, err)
	}
	if n := len(e.rec.requests("GET", "")); n != 0 {
		t.Errorf("%d reads for an update that sets visible and stickied", n)
	}
	if body := e.rec.requests("PUT", "")[0].bodyMap(t); body["notify"] != true {
		t.Errorf("notify sent as %v", body["notify"])
	}
}

// Trap 6: dates go out as "Y-m-d H:i" in the client's zone; the Time-Zone
// header makes the server read them, and write its own, in that zone.
func TestTrap6DatesInClientZone(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	e := newEnv(t)
	ctx := context.Background()
	pc, err := e.c.WithTimeZone(paris)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 9, 1, 18, 0, 42, 0, time.UTC) // 20:00:42 in Paris
	in, err := pc.Incidents.Create(ctx, cachet.IncidentCreate{Name: "n", Message: "m", Status: cachet.IncidentWatching, OccurredAt: at})
	if err != nil {
		t.Fatal(err)
	}
	sent := e.rec.requests("POST", "/incidents")[0]
	if got := sent.bodyMap(t)["occurred_at"]; got != "2020-09-01 20:00" {
		t.Errorf("occurred_at sent as %v, want \"2020-09-01 20:00\" (Paris, no seconds)", got)
	}
	if sent.Header.Get("Time-Zone") != "Europe/Paris" {
		t.Errorf("Time-Zone header %q", sent.Header.Get("Time-Zone"))
	}
	if in.OccurredAt.Location() != paris || !in.OccurredAt.Truncate(time.Minute).Equal(at.Truncate(time.Minute)) {
		t.Errorf("OccurredAt = %v, want %v in Paris", in.OccurredAt, at.Truncate(time.Minute))
	}
	// The UTC client reads the same instant.
	utc, err := e.c.Incidents.Get(ctx, in.ID)
	if err != nil || !utc.OccurredAt.Equal(in.OccurredAt) || utc.OccurredAt.Location() != time.UTC {
		t.Errorf("UTC client: %v, %v", utc.OccurredAt, err)
	}

	start := time.Date(2020, 9, 1, 20, 0, 0, 0, paris)
	sc, err := pc.Schedules.Create(ctx, cachet.ScheduleCreate{Name: "Upgrade", Status: cachet.ScheduleUpcoming, ScheduledAt: start, CompletedAt: start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !sc.ScheduledAt.Equal(start) || !sc.CompletedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("schedule times %v - %v, want %v - %v", sc.ScheduledAt, sc.CompletedAt, start, start.Add(time.Hour))
	}
	inputFormat := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$`)
	for _, s := range e.rec.requests("", "") {
		if s.Method == "GET" || s.Method == "DELETE" {
			continue
		}
		for _, k := range []string{"occurred_at", "scheduled_at", "completed_at"} {
			if v, ok := s.bodyMap(t)[k]; ok && !inputFormat.MatchString(v.(string)) {
				t.Errorf("%s %s: %s = %q is not Y-m-d H:i", s.Method, s.Path, k, v)
			}
		}
	}

	if _, err := e.c.WithTimeZone(time.Local); !errors.Is(err, cachet.ErrInvalidTimeZone) {
		t.Errorf("WithTimeZone(Local) = %v", err)
	}
	if _, err := e.c.WithTimeZone(time.FixedZone("X", 3600)); !errors.Is(err, cachet.ErrInvalidTimeZone) {
		t.Errorf("WithTimeZone(fixed) = %v", err)
	}
}

// An incident is created with vars as an object (never null) and without
// meta unless given (a null meta is a 500).
func TestIncidentCreateBody(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "n", Message: "m", Status: cachet.IncidentInvestigating, Visible: new(cachet.VisibilityPublic)}); err != nil {
		t.Fatal(err)
	}
	body := e.rec.requests("POST", "/incidents")[0].bodyMap(t)
	if _, ok := body["visible"].(json.Number); !ok {
		t.Errorf("visible sent as %#v", body["visible"])
	}
	for _, k := range []string{"stickied", "notify"} {
		if _, ok := body[k].(bool); !ok {
			t.Errorf("%s sent as %#v", k, body[k])
		}
	}
	if vars, ok := body["vars"].(map[string]any); !ok || len(vars) != 0 {
		t.Errorf("vars sent as %#v, want {} (never null)", body["vars"])
	}
	if _, ok := body["meta"]; ok {
		t.Error("meta sent although unset (a null is a 500)")
	}
}

// Trap 2: ascending order is delivered although the server sorts
// descending, across pages, reading them backwards.
func TestTrap2AscendingAcrossPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var want []int
	for i := range 23 {
		in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "i" + itoa(i), Message: "m", Status: cachet.IncidentInvestigating})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, in.ID)
	}
	e.rec.reset()
	asc := ids(collect(t, e.c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{Sort: "id", Order: cachet.Ascending, PerPage: 5}})), incID)
	if !slices.Equal(asc, want) {
		t.Errorf("ascending = %v, want %v", asc, want)
	}
	for _, s := range e.rec.requests("GET", "/incidents") {
		if s.Query.Get("order") != "desc" || s.Query.Get("sort") != "id" {
			t.Errorf("sent sort=%q order=%q; want sort=id order=desc", s.Query.Get("sort"), s.Query.Get("order"))
		}
	}
	if n := len(e.rec.requests("GET", "/incidents")); n != 5 { // page 1 (kept for last), then pages 5..2
		t.Errorf("%d requests, want 5", n)
	}
	desc := ids(collect(t, e.c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{Order: cachet.Descending, PerPage: 5}})), incID)
	rev := slices.Clone(want)
	slices.Reverse(rev)
	if !slices.Equal(desc, rev) {
		t.Errorf("descending = %v", desc)
	}
	// Ascending with a filter: the one filtered page is reversed.
	asc = ids(collect(t, e.c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{Order: cachet.Ascending, PerPage: 5}, Status: new(cachet.IncidentInvestigating)})), incID)
	if !slices.Equal(asc, want) {
		t.Errorf("ascending, filtered = %v", asc)
	}
	// Breaking out stops fetching: the first page, and at most the one
	// page the iterator reads ahead (cancelled when the loop ends).
	e.rec.reset()
	for range e.c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{PerPage: 5}}) {
		break
	}
	if n := len(e.rec.requests("GET", "")); n < 1 || n > 2 {
		t.Errorf("%d requests after a break on the first item, want the first page and at most one read ahead", n)
	}
}

func incID(i cachet.Incident) int { return i.ID }

// Trap 1: a filter with more matches than one request holds falls back to
// unfiltered paging, and still yields every match exactly once.
func TestTrap1FallbackToClientSide(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 530 incidents")
	}
	e := newEnv(t)
	ctx := context.Background()
	var fixed []int
	for i := range 530 {
		st := cachet.IncidentInvestigating
		if i%25 != 0 { // 508 matches: more than one filtered request holds
			st = cachet.IncidentFixed
		}
		in, err := e.c.Incidents.Create(ctx, cachet.IncidentCreate{Name: "i", Message: "m", Status: st})
		if err != nil {
			t.Fatal(err)
		}
		if st == cachet.IncidentFixed {
			fixed = append(fixed, in.ID)
		}
	}
	e.rec.reset()
	got := ids(collect(t, e.c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{PerPage: 100}, Status: new(cachet.IncidentFixed)})), incID)
	if !slices.Equal(sortedCopy(got), fixed) {
		t.Errorf("got %d incidents, want %d", len(got), len(fixed))
	}
	assertNoPagedFilter(t, e.rec, []string{"status"})
	reqs := e.rec.requests("GET", "/incidents")
	if len(reqs) < 2 || reqs[0].Query.Get("status") != "4" || reqs[0].Query.Get("per_page") != "500" || reqs[1].Query.Has("status") {
		t.Errorf("expected a filtered first page of 500, then unfiltered pages; got %d requests, first %v", len(reqs), reqs[0].Query)
	}
	asc := ids(collect(t, e.c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: cachet.ListOptions{PerPage: 100, Order: cachet.Ascending}, Status: new(cachet.IncidentFixed)})), incID)
	if !slices.Equal(asc, fixed) {
		t.Errorf("ascending fallback: %d items, sorted %v", len(asc), slices.IsSorted(asc))
	}
	if n, err := e.c.Incidents.Count(ctx, cachet.IncidentListOptions{Status: new(cachet.IncidentFixed)}); err != nil || n != len(fixed) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(fixed))
	}
}
