package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

// startCachet starts the Cachet 2.4 emulator. Its variables are the ones
// cachet-client and the Go facade's NewFromEnv read.
func startCachet(ctx context.Context, opts Options) (*Instance, error) {
	srvOpts := []cachettest.Option{cachettest.WithAddr(opts.Addr)}
	if opts.Now != nil {
		srvOpts = append(srvOpts, cachettest.WithClock(opts.Now))
	}
	// Listen, not NewServer: the address comes from the user (`sandbox
	// serve --addr`) and may well be taken, which is an error, not a panic.
	faults, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	srvOpts = append(srvOpts, cachettest.WithFaultSeed(faults.seed))
	srv, err := cachettest.Listen(srvOpts...)
	if err != nil {
		return nil, err
	}
	if opts.Seed {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		if err := seedCachet(ctx, srv, now()); err != nil {
			srv.Close()
			return nil, fmt.Errorf("cachet sandbox: seeding the demo data: %w", err)
		}
	}
	// After seeding: the demo data goes in whole, the faults hit the user.
	faults.apply(srv.Faults())
	return &Instance{
		Platform: "cachet",
		URL:      srv.URL,
		Env: []EnvVar{
			{Name: cachet.EnvEndpoint, Value: srv.URL},
			{Name: cachet.EnvToken, Value: srv.Token},
		},
		close: srv.Close,
	}, nil
}

// seedCachet fills the emulator with a small status page: a public group of
// three tagged components (one with an open incident), a disabled
// component outside any group, a resolved incident, a latency metric with
// a few points, an upcoming maintenance window, a verified subscriber and
// an incident template.
//
// Everything but the template goes through the facade, exactly as a user
// would create it, so the seed also exercises the client against the
// emulator. Templates cannot be created through the API (only in the
// dashboard), hence the emulator's own AddIncidentTemplate for that one.
func seedCachet(ctx context.Context, srv *cachettest.Server, now time.Time) error {
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		return err
	}
	enabled, disabled := true, false
	group, err := c.ComponentGroups.Create(ctx, cachet.ComponentGroupCreate{
		Name: "Platform", Order: 1, Collapsed: cachet.CollapsedUnlessIssue, Visible: cachet.VisibilityPublic,
	})
	if err != nil {
		return err
	}
	components := []cachet.ComponentCreate{
		{Name: "Website", Status: cachet.ComponentOperational, Description: "The public website",
			Link: "https://www.example.com", Order: 1, GroupID: group.ID, Enabled: &enabled, Tags: []string{"Frontend", "Public"}},
		{Name: "API", Status: cachet.ComponentOperational, Description: "The REST API",
			Link: "https://api.example.com", Order: 2, GroupID: group.ID, Enabled: &enabled, Tags: []string{"Backend", "Public"}},
		{Name: "Database", Status: cachet.ComponentOperational, Order: 3, GroupID: group.ID, Enabled: &enabled, Tags: []string{"Backend"}},
		{Name: "Legacy FTP", Status: cachet.ComponentUnknown, Description: "Retired; kept for the record", Enabled: &disabled},
	}
	ids := make([]int, len(components))
	for i, in := range components {
		comp, err := c.Components.Create(ctx, in)
		if err != nil {
			return err
		}
		ids[i] = comp.ID
	}
	api := ids[1]

	public := cachet.VisibilityPublic
	if _, err := c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name: "Website unreachable", Status: cachet.IncidentFixed, Visible: &public,
		Message:    "The website was down for 20 minutes after a certificate expired.",
		OccurredAt: now.Add(-72 * time.Hour).Truncate(time.Hour),
	}); err != nil {
		return err
	}
	open, err := c.Incidents.Create(ctx, cachet.IncidentCreate{
		Name: "Slow API responses", Status: cachet.IncidentInvestigating, Visible: &public,
		Message:    "We are investigating slow responses from the API.",
		Component:  &cachet.ComponentChange{ID: api, Status: cachet.ComponentPerformanceIssues},
		OccurredAt: now.Add(-30 * time.Minute).Truncate(time.Minute),
	})
	if err != nil {
		return err
	}
	if _, err := c.IncidentUpdates.Create(ctx, open.ID, cachet.IncidentIdentified,
		"A database index is missing; we are adding it."); err != nil {
		return err
	}

	places := 0
	metric, err := c.Metrics.Create(ctx, cachet.MetricCreate{
		Name: "API response time", Suffix: "ms", Description: "Median latency of API requests",
		CalcType: cachet.CalcAverage, Places: &places,
	})
	if err != nil {
		return err
	}
	for i, v := range []float64{120, 340, 95} {
		at := now.Add(time.Duration(i-3) * 10 * time.Minute)
		if _, err := c.MetricPoints.Create(ctx, metric.ID, cachet.MetricPointCreate{Value: v, Timestamp: at}); err != nil {
			return err
		}
	}

	start := now.Add(48 * time.Hour).Truncate(time.Hour)
	if _, err := c.Schedules.Create(ctx, cachet.ScheduleCreate{
		Name: "Database upgrade", Status: cachet.ScheduleUpcoming,
		Message:     "The database moves to a new version; the API may be read-only for a few minutes.",
		ScheduledAt: start, CompletedAt: start.Add(2 * time.Hour),
	}); err != nil {
		return err
	}

	if _, err := c.Subscribers.Create(ctx, "ops@example.com", cachet.SubscriberOptions{Components: []int{api}}); err != nil {
		return err
	}

	srv.AddIncidentTemplate("Investigating", "investigating",
		"We are investigating issues with {{ incident.component.name }}. {{ details }}")
	return nil
}
