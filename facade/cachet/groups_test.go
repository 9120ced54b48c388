package cachet_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

func TestComponentGroupsCRUD(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g, err := e.c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{
		Name: "Core", Order: 1, Collapsed: cachet.CollapsedUnlessIssue, Visible: cachet.VisibilityPublic})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if g.Name != "Core" || g.Order != 1 || !g.CollapsedUnlessIssue() || g.Visible != cachet.VisibilityPublic ||
		len(g.EnabledComponents) != 0 || g.LowestHumanStatus != "" {
		t.Errorf("Create = %+v", g)
	}
	if _, ok := g.LowestStatus(); ok || !g.IsOperational() || !g.ShownCollapsed() {
		t.Error("an empty group has no status, is operational, and is shown collapsed")
	}

	for _, st := range []cachet.ComponentStatus{cachet.ComponentOperational, cachet.ComponentPartialOutage, cachet.ComponentPerformanceIssues} {
		if _, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: st.String(), Status: st, GroupID: g.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: "off", Status: cachet.ComponentMajorOutage, GroupID: g.ID, Enabled: new(false)}); err != nil {
		t.Fatal(err)
	}
	g, err = e.c.ComponentGroups.Get(ctx, g.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if len(g.EnabledComponents) != 3 {
		t.Errorf("EnabledComponents = %+v", g.EnabledComponents)
	}
	if s, ok := g.LowestStatus(); !ok || s != cachet.ComponentPartialOutage {
		t.Errorf("LowestStatus = %v, %v; want Partial Outage (the disabled major outage does not count)", s, ok)
	}
	if g.LowestHumanStatus == "" || g.IsOperational() || g.ShownCollapsed() {
		t.Errorf("group with an outage: LowestHumanStatus %q, IsOperational %v, ShownCollapsed %v",
			g.LowestHumanStatus, g.IsOperational(), g.ShownCollapsed())
	}

	// Only what changed is sent (see also trap 5); visibility stays public.
	e.rec.reset()
	upd, err := e.c.ComponentGroups.Update(ctx, g.ID, cachet.ComponentGroupChanges{Name: new("Core services")})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if upd.Name != "Core services" || upd.Visible != cachet.VisibilityPublic || upd.Collapsed != cachet.CollapsedUnlessIssue || upd.Order != 1 {
		t.Errorf("Update = %+v", upd)
	}
	if body := e.rec.requests("PUT", "/components/groups/"+itoa(g.ID))[0].bodyMap(t); len(body) != 1 || body["name"] != "Core services" {
		t.Errorf("PUT body = %v, want only the name", body)
	}
	// And zero values can be set.
	upd, err = e.c.ComponentGroups.Update(ctx, g.ID, cachet.ComponentGroupChanges{Visible: new(cachet.VisibilityLoggedIn), Collapsed: new(cachet.CollapsedNever)})
	if err != nil || upd.Visible != cachet.VisibilityLoggedIn || !upd.IsOpen() {
		t.Fatalf("Update to zero values = %+v, %v", upd, err)
	}

	if n, err := e.c.ComponentGroups.Count(ctx, cachet.ComponentGroupListOptions{}); err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if err := e.c.ComponentGroups.Delete(ctx, g.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := e.c.ComponentGroups.Get(ctx, g.ID); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}

// Trap 2 on groups: the server honours order=asc, so it is sent as such.
func TestTrap2GroupsSendOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"b", "c", "a", "e", "d"} {
		if _, err := e.c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	e.rec.reset()
	got := collect(t, e.c.ComponentGroups.List(ctx, cachet.ComponentGroupListOptions{ListOptions: cachet.ListOptions{Sort: "name", Order: cachet.Ascending, PerPage: 2}}))
	var names []string
	for _, g := range got {
		names = append(names, g.Name)
	}
	if !slices.Equal(names, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("ascending by name: %v", names)
	}
	for _, s := range e.rec.requests("GET", "/components/groups") {
		if s.Query.Get("order") != "asc" {
			t.Errorf("groups: order=%q sent, want asc", s.Query.Get("order"))
		}
	}
	got = collect(t, e.c.ComponentGroups.List(ctx, cachet.ComponentGroupListOptions{ListOptions: cachet.ListOptions{Sort: "name", Order: cachet.Descending}, Visible: new(cachet.VisibilityLoggedIn)}))
	names = names[:0]
	for _, g := range got {
		names = append(names, g.Name)
	}
	if !slices.Equal(names, []string{"e", "d", "c", "b", "a"}) {
		t.Errorf("descending by name, filtered: %v", names)
	}
	assertNoPagedFilter(t, e.rec, []string{"name", "collapsed", "visible"})
}
