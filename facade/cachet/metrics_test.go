package cachet_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

func TestMetricsCRUD(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m, err := e.c.Metrics.Create(ctx, cachet.MetricCreate{
		Name: "Latency", Suffix: "ms", Description: "p95", DefaultValue: 0,
		CalcType: cachet.CalcAverage, DisplayChart: new(false), Places: new(0),
		DefaultView: new(cachet.ViewLastHour), Threshold: 10 * time.Minute, Visible: new(cachet.VisibilityLoggedIn),
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if m.Name != "Latency" || m.Suffix != "ms" || m.CalcType != cachet.CalcAverage || m.DisplayChart ||
		m.Places != 0 || m.DefaultView != cachet.ViewLastHour || m.Threshold != 10*time.Minute || m.Visible != cachet.VisibilityLoggedIn {
		t.Errorf("Create = %+v", m)
	}
	// Integers on the wire (trap 9), and the threshold in minutes.
	body := e.rec.requests("POST", "/metrics")[0].bodyMap(t)
	for _, k := range []string{"display_chart", "visible", "calc_type", "threshold", "places", "default_view"} {
		if _, ok := body[k].(json.Number); !ok {
			t.Errorf("%s sent as %#v, want a number", k, body[k])
		}
	}
	if body["display_chart"] != json.Number("0") || body["threshold"] != json.Number("10") {
		t.Errorf("display_chart %v, threshold %v", body["display_chart"], body["threshold"])
	}

	defaults, err := e.c.Metrics.Create(ctx, cachet.MetricCreate{Name: "Errors", Suffix: "/s"})
	if err != nil {
		t.Fatal(err)
	}
	if !defaults.DisplayChart || defaults.Places != 2 || defaults.DefaultView != cachet.ViewLast12Hours ||
		defaults.Threshold != 5*time.Minute || defaults.Visible != cachet.VisibilityPublic {
		t.Errorf("server defaults not kept: %+v", defaults)
	}

	upd, err := e.c.Metrics.Update(ctx, m.ID, cachet.MetricChanges{DisplayChart: new(true), Threshold: new(time.Minute), Name: new("P95 latency")})
	if err != nil || !upd.DisplayChart || upd.Threshold != time.Minute || upd.Name != "P95 latency" || upd.Suffix != "ms" || upd.CalcType != cachet.CalcAverage {
		t.Fatalf("Update = %+v, %v", upd, err)
	}
	if _, err := e.c.Metrics.Update(ctx, m.ID, cachet.MetricChanges{Threshold: new(7 * time.Minute)}); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("threshold of 7 minutes: %v", err)
	}
	got, err := e.c.Metrics.Get(ctx, m.ID)
	if err != nil || got.Name != "P95 latency" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	all := collect(t, e.c.Metrics.List(ctx, cachet.ListOptions{Sort: "name", Order: cachet.Ascending}))
	if len(all) != 2 || all[0].Name != "Errors" || all[1].Name != "P95 latency" {
		t.Errorf("List by name ascending = %+v", all)
	}
	if n, err := e.c.Metrics.Count(ctx); err != nil || n != 2 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if err := e.c.Metrics.Delete(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Metrics.Get(ctx, m.ID); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}

func TestMetricPoints(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m, err := e.c.Metrics.Create(ctx, cachet.MetricCreate{Name: "Load", Suffix: "%", Threshold: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
	var want []int
	for i := range 7 {
		p, err := e.c.MetricPoints.Create(ctx, m.ID, cachet.MetricPointCreate{Value: float64(10 + i), Timestamp: base.Add(time.Duration(i) * 10 * time.Minute)})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if p.MetricID != m.ID || p.Value != float64(10+i) || p.Counter != 1 || p.CalculatedValue != p.Value {
			t.Errorf("Create = %+v", p)
		}
		if d := p.CreatedAt.Sub(base.Add(time.Duration(i) * 10 * time.Minute)); d < -30*time.Second || d > 30*time.Second {
			t.Errorf("CreatedAt %v, want the timestamp given (to 30 s)", p.CreatedAt)
		}
		want = append(want, p.ID)
	}
	newest := ids(collect(t, e.c.MetricPoints.List(ctx, m.ID, cachet.ListOptions{PerPage: 3})), pointID)
	rev := slices.Clone(want)
	slices.Reverse(rev)
	if !slices.Equal(newest, rev) {
		t.Errorf("List = %v, want newest first %v", newest, rev)
	}
	oldest := ids(collect(t, e.c.MetricPoints.List(ctx, m.ID, cachet.ListOptions{PerPage: 3, Order: cachet.Ascending})), pointID)
	if !slices.Equal(oldest, want) {
		t.Errorf("List ascending = %v, want %v", oldest, want)
	}
	if n, err := e.c.MetricPoints.Count(ctx, m.ID); err != nil || n != 7 {
		t.Errorf("Count = %d, %v", n, err)
	}

	p, err := e.c.MetricPoints.Update(ctx, m.ID, want[2], cachet.MetricPointChanges{Value: new(0.0)})
	if err != nil || p.Value != 0 {
		t.Errorf("Update to 0 = %+v, %v", p, err)
	}
	if _, err := e.c.MetricPoints.Update(ctx, m.ID, 999, cachet.MetricPointChanges{Timestamp: &base}); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Update of a missing point: %v", err)
	}

	if err := e.c.MetricPoints.Delete(ctx, m.ID, want[0]); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.c.MetricPoints.Count(ctx, m.ID); n != 6 {
		t.Errorf("Count after Delete = %d", n)
	}
	if err := e.c.MetricPoints.Delete(ctx, m.ID, want[0]); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
}

func pointID(p cachet.MetricPoint) int { return p.ID }
