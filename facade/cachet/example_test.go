package cachet_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

// A client for the emulator; against a real site, pass its
// https://…/api/v1 endpoint and a dashboard user's API token, or use
// NewFromEnv.
func Example() {
	srv := cachettest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		log.Fatal(err)
	}
	api, err := c.Components.Create(ctx, cachet.ComponentCreate{
		Name:   "API",
		Status: cachet.ComponentOperational,
		Tags:   []string{"Public Services"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(api.ID, api.Name, api.Status, api.TagSlugs(), api.HasTag("public services"))

	_, err = c.Components.Get(ctx, 99)
	fmt.Println(errors.Is(err, facade.ErrNotFound))
	// Output:
	// 1 API Operational [public-services] true
	// true
}

// Lists are iterators over every page; filters work although the real
// server cannot page a filtered list, and Ascending works although it
// ignores order=asc.
func ExampleComponentManager_List() {
	srv := cachettest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		log.Fatal(err)
	}
	for i, st := range []cachet.ComponentStatus{cachet.ComponentOperational, cachet.ComponentMajorOutage, cachet.ComponentOperational, cachet.ComponentMajorOutage} {
		if _, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: fmt.Sprint("svc-", i), Status: st}); err != nil {
			log.Fatal(err)
		}
	}
	down := cachet.ComponentListOptions{
		ListOptions: cachet.ListOptions{Sort: "id", Order: cachet.Ascending, PerPage: 1},
		Status:      new(cachet.ComponentMajorOutage),
	}
	for comp, err := range c.Components.List(ctx, down) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(comp.ID, comp.Name, comp.Status)
	}
	n, err := c.Components.Count(ctx, cachet.ComponentListOptions{})
	fmt.Println(n, err)
	// Output:
	// 2 svc-1 Major Outage
	// 4 svc-3 Major Outage
	// 4 <nil>
}

// Update changes only what is set. For incidents that includes the
// visibility and stickiness the real server would reset.
func ExampleIncidentManager_Update() {
	srv := cachettest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		log.Fatal(err)
	}
	in, err := c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name:     "Database failover",
		Message:  "Investigating.",
		Status:   cachet.IncidentInvestigating,
		Visible:  new(cachet.VisibilityLoggedIn),
		Stickied: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	in, err = c.Incidents.Update(ctx, in.ID, cachet.IncidentChanges{Status: new(cachet.IncidentFixed)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.Status, in.Visible, in.Stickied, in.IsResolved)
	// Output: Fixed Logged-in users true true
}

// Tags are edited one by one; the facade reads the current set, since the
// API can only replace it.
func ExampleComponentChanges_AddTag() {
	srv := cachettest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		log.Fatal(err)
	}
	comp, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "Web", Status: cachet.ComponentOperational, Tags: []string{"Frontend", "EU"}})
	if err != nil {
		log.Fatal(err)
	}
	var u cachet.ComponentChanges
	u.AddTag("US")
	u.RemoveTag("eu")
	comp, err = c.Components.Update(ctx, comp.ID, u)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(comp.TagNames())
	// Output: [Frontend US]
}

// Times are time.Time values; WithTimeZone chooses the zone they are
// written and read in.
func ExampleClient_WithTimeZone() {
	srv := cachettest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		log.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		log.Fatal(err)
	}
	pc, err := c.WithTimeZone(paris)
	if err != nil {
		log.Fatal(err)
	}
	s, err := pc.Schedules.Create(ctx, cachet.ScheduleCreate{
		Name:        "Maintenance",
		Status:      cachet.ScheduleUpcoming,
		ScheduledAt: time.Date(2020, 9, 1, 18, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.ScheduledAt)
	utc, err := c.Schedules.Get(ctx, s.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(utc.ScheduledAt)
	// Output:
	// 2020-09-01 20:00:00 +0200 CEST
	// 2020-09-01 18:00:00 +0000 UTC
}

// Errors from the server are *facade.APIError values carrying Cachet's own
// explanation.
func ExampleClient_errors() {
	srv := cachettest.NewServer()
	defer srv.Close()
	guest, err := cachet.New(srv.URL, "")
	if err != nil {
		log.Fatal(err)
	}
	_, err = guest.Components.Create(context.Background(), cachet.ComponentCreate{Name: "x"})
	var apiErr *facade.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, facade.ErrUnauthorized))
	}
	// Output: 401 true
}
