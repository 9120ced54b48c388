//go:build live

package cachet_test

// The live test does against a real Cachet what cachet-client's
// extras/live_run.py does: it creates, changes and deletes real objects, so
// point it at a disposable site.
//
//	CACHET_ENDPOINT=https://status.example.com/api/v1 CACHET_API_TOKEN=… \
//	    go test -tags live -run Live -v ./facade/cachet/
//
// Set CACHET_LIVE_INSECURE=1 to accept a self-signed certificate.

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

func liveClient(t *testing.T) *cachet.Client {
	t.Helper()
	if os.Getenv(cachet.EnvEndpoint) == "" || os.Getenv(cachet.EnvToken) == "" {
		t.Skip("live test: set CACHET_ENDPOINT (…/api/v1) and CACHET_API_TOKEN to run it against a disposable Cachet 2.4")
	}
	opts := []facade.Option{facade.WithTimeout(time.Minute)}
	if os.Getenv("CACHET_LIVE_INSECURE") == "1" {
		opts = append(opts, facade.WithInsecureSkipVerify())
	}
	c, err := cachet.NewFromEnv(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLive(t *testing.T) {
	c := liveClient(t)
	ctx := t.Context()

	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	v, err := c.Version(ctx)
	if err != nil {
		t.Logf("version (the server may not reach GitHub): %v", err)
	} else {
		t.Logf("version %s, on latest %v, latest %+v", v.Value, v.OnLatest, v.Latest)
	}

	// Like live_run.py: make sure some component exists to hang the
	// incident on.
	generic, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "Generic Component", Status: cachet.ComponentOperational})
	if err != nil {
		t.Fatalf("generic component: %v", err)
	}
	t.Cleanup(func() { _ = c.Components.Delete(context.Background(), generic.ID) })

	t.Run("components", func(t *testing.T) { liveComponents(ctx, t, c) })
	t.Run("groups", func(t *testing.T) { liveGroups(ctx, t, c) })
	t.Run("subscribers", func(t *testing.T) { liveSubscribers(ctx, t, c) })
	t.Run("incidents", func(t *testing.T) { liveIncidents(ctx, t, c, generic.ID) })
	if v != nil && strings.HasPrefix(v.Value, "2.4") {
		t.Run("schedules", func(t *testing.T) { liveSchedules(ctx, t, c) })
	}
}

func liveComponents(ctx context.Context, t *testing.T, c *cachet.Client) {
	before := time.Now().Add(-time.Minute)
	comp, err := c.Components.Create(ctx, cachet.ComponentCreate{
		Name: "Test Component", Status: cachet.ComponentOperational, Description: "live test",
		Order: 1, Tags: []string{"Test Tag", "Another Test Tag"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { _ = c.Components.Delete(context.Background(), comp.ID) })
	if comp.Status != cachet.ComponentOperational || comp.CreatedAt.Before(before) || comp.UpdatedAt.IsZero() {
		t.Errorf("created %+v", comp)
	}
	for _, q := range []string{"Test Tag", "another test tag", "ANOTHER-TEST-TAG", "test-tag"} {
		if !comp.HasTag(q) {
			t.Errorf("HasTag(%q) false; tags %v", q, comp.Tags)
		}
	}

	var u cachet.ComponentChanges
	u.Name = new("Test Component (renamed)")
	u.Status = new(cachet.ComponentMajorOutage)
	u.Link = new("https://example.com")
	u.Order = new(10)
	u.Enabled = new(false)
	u.SetTags("Some Tag", "Another Tag")
	up, err := c.Components.Update(ctx, comp.ID, u)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if up.Name != "Test Component (renamed)" || up.Status != cachet.ComponentMajorOutage || up.Link != "https://example.com" ||
		up.Order != 10 || up.Enabled || up.Description != "live test" {
		t.Errorf("updated %+v", up)
	}
	if !slices.Equal(up.TagNames(), []string{"Another Tag", "Some Tag"}) || !slices.Equal(up.TagSlugs(), []string{"another-tag", "some-tag"}) {
		t.Errorf("tags %v", up.Tags)
	}

	var u2 cachet.ComponentChanges
	u2.Enabled = new(true)
	u2.AddTag("Third Tag")
	up, err = c.Components.Update(ctx, comp.ID, u2)
	if err != nil {
		t.Fatalf("second update: %v", err)
	}
	if !up.Enabled || !slices.Equal(up.TagNames(), []string{"Another Tag", "Some Tag", "Third Tag"}) {
		t.Errorf("second update %+v", up)
	}
	if err := c.Components.Delete(ctx, comp.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.Components.Get(ctx, comp.ID); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}

func liveGroups(ctx context.Context, t *testing.T, c *cachet.Client) {
	g, err := c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{Name: "Test Group", Order: 1, Visible: cachet.VisibilityPublic})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { _ = c.ComponentGroups.Delete(context.Background(), g.ID) })
	if !g.IsOpen() || g.IsCollapsed() || g.CollapsedUnlessIssue() || !g.IsOperational() {
		t.Errorf("created %+v", g)
	}
	// Unlike live_run.py, really update, and check that the untouched
	// visibility survives.
	up, err := c.ComponentGroups.Update(ctx, g.ID, cachet.ComponentGroupChanges{Name: new("Test Group (renamed)"), Collapsed: new(cachet.CollapsedUnlessIssue)})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if up.Visible != cachet.VisibilityPublic || !up.CollapsedUnlessIssue() || up.Order != 1 {
		t.Errorf("updated %+v", up)
	}
	if err := c.ComponentGroups.Delete(ctx, g.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
}

func liveSubscribers(ctx context.Context, t *testing.T, c *cachet.Client) {
	before, err := c.Subscribers.Count(ctx)
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	email := "switchboard-live-" + time.Now().Format("20060102150405") + "@example.com"
	s, err := c.Subscribers.Create(ctx, email, cachet.SubscriberOptions{}) // verified: no email
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { _ = c.Subscribers.Delete(context.Background(), s.ID) })
	if s.CreatedAt.IsZero() || s.UpdatedAt.IsZero() || s.VerifiedAt.IsZero() {
		t.Errorf("created %+v", s)
	}
	after, err := c.Subscribers.Count(ctx)
	if err != nil || after != before+1 {
		t.Errorf("count %d -> %d, %v", before, after, err)
	}
	found := false
	for sub, err := range c.Subscribers.List(ctx, cachet.ListOptions{PerPage: 50}) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		found = found || sub.ID == s.ID
	}
	if !found {
		t.Error("new subscriber not listed")
	}
	if err := c.Subscribers.Delete(ctx, s.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if n, err := c.Subscribers.Count(ctx); err != nil || n != before {
		t.Errorf("count after delete %d, %v; want %d", n, err, before)
	}
}

func liveIncidents(ctx context.Context, t *testing.T, c *cachet.Client, componentID int) {
	in, err := c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name: "Test Incident", Message: "live test", Status: cachet.IncidentInvestigating,
		Component: &cachet.ComponentChange{ID: componentID, Status: cachet.ComponentMajorOutage},
		Visible:   new(cachet.VisibilityLoggedIn),
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { _ = c.Incidents.Delete(context.Background(), in.ID) })
	if comp, err := c.Components.Get(ctx, componentID); err != nil || comp.Status != cachet.ComponentMajorOutage {
		t.Errorf("component after the incident: %+v, %v", comp, err)
	}
	up, err := c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Message: new("live test, updated")})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if up.Visible != cachet.VisibilityLoggedIn || up.Name != in.Name {
		t.Errorf("update changed untouched fields: %+v", up)
	}
	if _, err := c.Components.Update(ctx, componentID, cachet.ComponentChanges{Status: new(cachet.ComponentOperational), Silent: true}); err != nil {
		t.Errorf("restoring the component: %v", err)
	}
	if err := c.Incidents.Delete(ctx, in.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
}

func liveSchedules(ctx context.Context, t *testing.T, c *cachet.Client) {
	start := time.Date(2020, 9, 1, 20, 0, 0, 0, time.UTC)
	s, err := c.Schedules.Create(ctx, cachet.ScheduleCreate{
		Name: "Test Schedule", Message: "live test", Status: cachet.ScheduleUpcoming,
		ScheduledAt: start, CompletedAt: start.Add(time.Hour),
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { _ = c.Schedules.Delete(context.Background(), s.ID) })
	got, err := c.Schedules.Get(ctx, s.ID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Status != cachet.ScheduleUpcoming || got.Name != "Test Schedule" || got.Message != "live test" ||
		!got.ScheduledAt.Equal(start) || !got.CompletedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("got %+v", got)
	}
	if err := c.Schedules.Delete(ctx, s.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
}
