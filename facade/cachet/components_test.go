package cachet_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

func TestGeneral(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	v, err := e.c.Version(ctx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if v.Value == "" || v.Latest.TagName == "" {
		t.Errorf("Version = %+v", v)
	}
	st, err := e.c.Status(ctx)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if st.Level != cachet.SystemOperational || st.Message == "" {
		t.Errorf("Status = %+v", st)
	}
	if e.c.APIVersion() != "1" || e.c.Endpoint() != e.srv.URL || e.c.TimeZone() != time.UTC {
		t.Errorf("APIVersion %q, Endpoint %q, TimeZone %v", e.c.APIVersion(), e.c.Endpoint(), e.c.TimeZone())
	}
}

func TestComponentsCRUD(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before := time.Now().Add(-2 * time.Second)

	created, err := e.c.Components.Create(ctx, cachet.ComponentCreate{
		Name:        "API",
		Status:      cachet.ComponentOperational,
		Description: "The public API",
		Link:        "https://api.example.com",
		Order:       1,
		Tags:        []string{"Test Tag", "Another Test Tag"},
		Meta:        map[string]any{"owner": "ops"},
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.ID == 0 || created.Name != "API" || created.Status != cachet.ComponentOperational || !created.Enabled ||
		created.Description != "The public API" || created.Link != "https://api.example.com" || created.Order != 1 {
		t.Errorf("Create = %+v", created)
	}
	if created.StatusName == "" {
		t.Error("StatusName empty")
	}
	if created.CreatedAt.Before(before) || created.CreatedAt.After(time.Now().Add(2*time.Second)) || created.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want about now in UTC", created.CreatedAt)
	}
	if !created.HasTag("test tag") || !created.HasTag("ANOTHER-TEST-TAG") ||
		!slices.Equal(created.TagSlugs(), []string{"another-test-tag", "test-tag"}) ||
		!slices.Equal(created.TagNames(), []string{"Another Test Tag", "Test Tag"}) {
		t.Errorf("Tags = %v", created.Tags)
	}

	got, err := e.c.Components.Get(ctx, created.ID)
	if err != nil || got.Name != "API" || len(got.Tags) != 2 {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	var u cachet.ComponentChanges
	u.Name = new("Public API")
	u.Status = new(cachet.ComponentMajorOutage)
	u.Enabled = new(false)
	u.AddTag("New Tag")
	u.RemoveTag("test-tag")
	updated, err := e.c.Components.Update(ctx, created.ID, u)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if updated.Name != "Public API" || updated.Status != cachet.ComponentMajorOutage || updated.Enabled ||
		updated.Description != "The public API" || updated.Order != 1 {
		t.Errorf("Update = %+v", updated)
	}
	if !slices.Equal(updated.TagNames(), []string{"Another Test Tag", "New Tag"}) {
		t.Errorf("tags after AddTag/RemoveTag = %v", updated.Tags)
	}

	// Setting a field to its zero value is possible: Order 0.
	zeroed, err := e.c.Components.Update(ctx, created.ID, cachet.ComponentChanges{Order: new(0), Status: new(cachet.ComponentUnknown)})
	if err != nil || zeroed.Order != 0 || zeroed.Status != cachet.ComponentUnknown {
		t.Fatalf("Update to zero values = %+v, %v", zeroed, err)
	}

	n, err := e.c.Components.Count(ctx, cachet.ComponentListOptions{})
	if err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if err := e.c.Components.Delete(ctx, created.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err = e.c.Components.Get(ctx, created.ID)
	var ae *facade.APIError
	if !errors.Is(err, facade.ErrNotFound) || !errors.As(err, &ae) || ae.Operation != "GetComponent" || ae.Message == "" {
		t.Errorf("Get after Delete = %v; want an APIError matching ErrNotFound", err)
	}
}

// Trap 8: tags are sent as one comma-joined string and read back from an
// object, or from the [] the server sends for a component without tags.
func TestTrap8TagsOnTheWire(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	plain, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "No tags", Status: cachet.ComponentOperational})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Tags == nil || len(plain.Tags) != 0 {
		t.Errorf("Tags of a tagless component = %#v, want an empty map", plain.Tags)
	}
	e.rec.reset()
	tagged, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "Tagged", Status: cachet.ComponentOperational, Tags: []string{"Alpha", "Beta Gamma"}})
	if err != nil {
		t.Fatal(err)
	}
	body := e.rec.requests("POST", "/components")[0].bodyMap(t)
	if body["tags"] != "Alpha,Beta Gamma" {
		t.Errorf("tags sent as %#v, want \"Alpha,Beta Gamma\"", body["tags"])
	}
	if tagged.Tags["beta-gamma"] != "Beta Gamma" {
		t.Errorf("Tags = %v", tagged.Tags)
	}

	_, err = e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "Bad", Status: cachet.ComponentOperational, Tags: []string{"a,b"}})
	var arg *facade.ArgumentError
	if !errors.As(err, &arg) || !errors.Is(err, facade.ErrValidation) {
		t.Errorf("comma in a tag: err = %v", err)
	}
	var u cachet.ComponentChanges
	u.RemoveTag("Alpha", "beta-gamma")
	if _, err := e.c.Components.Update(ctx, tagged.ID, u); !errors.As(err, &arg) {
		t.Errorf("removing every tag: err = %v; want an ArgumentError (the API cannot clear tags)", err)
	}
}

// Trap 1: filters are never sent with a page number, and every match
// comes back exactly once.
func TestTrap1FilteredLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g, err := e.c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{Name: "Core", Visible: cachet.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	var down, tagged []int
	for i := range 12 {
		in := cachet.ComponentCreate{Name: "c" + itoa(i), Status: cachet.ComponentOperational}
		if i%3 == 0 {
			in.Status = cachet.ComponentPartialOutage
			in.GroupID = g.ID
		}
		if i%2 == 0 {
			in.Tags = []string{"Edge"}
		}
		c, err := e.c.Components.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			down = append(down, c.ID)
		}
		if i%2 == 0 {
			tagged = append(tagged, c.ID)
		}
	}
	e.rec.reset()
	got := collect(t, e.c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 2}, Status: new(cachet.ComponentPartialOutage)}))
	if !slices.Equal(sortedCopy(ids(got, compID)), down) {
		t.Errorf("Status filter: %v, want %v", ids(got, compID), down)
	}
	assertNoPagedFilter(t, e.rec, []string{"status", "name", "group_id", "enabled"})

	got = collect(t, e.c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 2}, Tags: []string{"edge"}}))
	if !slices.Equal(sortedCopy(ids(got, compID)), tagged) {
		t.Errorf("Tags filter: %v, want %v", ids(got, compID), tagged)
	}
	// Tags with a column filter: both must hold (0, 6 of 0..11).
	got = collect(t, e.c.Components.List(ctx, cachet.ComponentListOptions{GroupID: new(g.ID), Tags: []string{"edge"}}))
	want := []int{down[0], down[2]}
	if !slices.Equal(sortedCopy(ids(got, compID)), want) {
		t.Errorf("GroupID+Tags: %v, want %v", ids(got, compID), want)
	}
	for _, s := range e.rec.requests("GET", "/components") {
		if s.Query.Has("group_id") && (s.Query.Has("tags[]") || s.Query.Has("tags")) {
			t.Errorf("sent a column filter with tags (a 500 on the real server): %v", s.Query)
		}
	}

	n, err := e.c.Components.Count(ctx, cachet.ComponentListOptions{Status: new(cachet.ComponentPartialOutage)})
	if err != nil || n != len(down) {
		t.Errorf("Count(status) = %d, %v; want %d", n, err, len(down))
	}
	n, err = e.c.Components.Count(ctx, cachet.ComponentListOptions{Tags: []string{"edge"}, Status: new(cachet.ComponentPartialOutage)})
	if err != nil || n != 2 {
		t.Errorf("Count(status+tags) = %d, %v; want 2", n, err)
	}
	// Name matches exactly, whatever the database's collation.
	got = collect(t, e.c.Components.List(ctx, cachet.ComponentListOptions{Name: new("C1")}))
	if len(got) != 0 {
		t.Errorf("Name filter is case-insensitive: %v", ids(got, compID))
	}
	got = collect(t, e.c.Components.List(ctx, cachet.ComponentListOptions{Name: new("c1"), Enabled: new(true)}))
	if len(got) != 1 || got[0].Name != "c1" {
		t.Errorf("Name filter: %+v", got)
	}
}

func compID(c cachet.Component) int { return c.ID }

// assertNoPagedFilter checks trap 1: no request carried a page number
// together with a column filter.
func assertNoPagedFilter(t *testing.T, rec *recorder, filters []string) {
	t.Helper()
	for _, s := range rec.requests("GET", "") {
		if !s.Query.Has("page") {
			continue
		}
		for _, f := range filters {
			if s.Query.Has(f) {
				t.Errorf("%s?%s: page sent with filter %s (a 500 on the real server)", s.Path, s.Query.Encode(), f)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSortValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, err := range e.c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{Sort: "colour"}}) {
		var arg *facade.ArgumentError
		if !errors.As(err, &arg) || !strings.Contains(err.Error(), "group_id") {
			t.Errorf("unknown sort column: err = %v", err)
		}
		break
	}
	for _, err := range e.c.IncidentTemplates.List(ctx, cachet.ListOptions{Sort: "id"}) {
		if !errors.Is(err, facade.ErrValidation) {
			t.Errorf("sorting templates (a 500 on the real server): err = %v", err)
		}
		break
	}
	if len(e.rec.requests("", "")) != 0 {
		t.Error("refused options still sent requests")
	}
}
