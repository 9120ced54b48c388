package cachettest_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

func TestMetricCreate(t *testing.T) {
	e := newEnv(t)
	r := e.call("POST", "/metrics", map[string]any{"name": "Latency", "suffix": "ms", "default_value": 0}).must(t, 200)
	eq(t, "calc_type", r.num(t, "data", "calc_type"), 0)
	eq(t, "display_chart", r.get(t, "data", "display_chart"), any(true))
	eq(t, "places", r.num(t, "data", "places"), 2)
	eq(t, "default_view", r.num(t, "data", "default_view"), 1)
	eq(t, "default_view_name", r.str(t, "data", "default_view_name"), "Last 12 Hours")
	eq(t, "threshold", r.num(t, "data", "threshold"), 5)
	eq(t, "order", r.num(t, "data", "order"), 0)
	eq(t, "visible", r.num(t, "data", "visible"), 1)
	eq(t, "description", r.get(t, "data", "description"), nil)
	r = e.call("GET", "/metrics/"+strconv.Itoa(r.id(t)), nil, guest()).must(t, 200)
	eq(t, "get", r.str(t, "data", "suffix"), "ms")

	r = e.call("POST", "/metrics", map[string]any{"name": "x", "suffix": "s", "default_value": 3, "view": 0, "display_chart": 0, "calc_type": 1}).must(t, 200)
	eq(t, "view alias", r.num(t, "data", "default_view"), 0)
	eq(t, "view name", r.str(t, "data", "default_view_name"), "Last Hour")
	eq(t, "display_chart", r.get(t, "data", "display_chart"), any(false))
	eq(t, "default_value", r.num(t, "data", "default_value"), 3)
	r = e.call("POST", "/metrics", map[string]any{"name": "x", "suffix": "s", "default_value": 3, "view": 0, "default_view": 3}).must(t, 200)
	eq(t, "default_view wins", r.str(t, "data", "default_view_name"), "Month")

	for _, c := range []struct {
		body map[string]any
		want []string
	}{
		{map[string]any{}, []string{"The name field is required.", "The suffix field is required.", "The default value field is required."}},
		{map[string]any{"name": "x", "suffix": "s", "default_value": 1.5}, []string{"The default value must be an integer."}},
		{map[string]any{"name": "x", "suffix": "s", "default_value": 1, "places": 5}, []string{"The places must be between 0 and 4."}},
		{map[string]any{"name": "x", "suffix": "s", "default_value": 1, "default_view": 4}, []string{"The default view must be between 0 and 3."}},
		{map[string]any{"name": "x", "suffix": "s", "default_value": 1, "visible": 3}, []string{"The visible must be between 0 and 2."}},
		{map[string]any{"name": "x", "suffix": "s", "default_value": 1, "threshold": 7}, []string{"Threshold must divide by 60."}},
		{map[string]any{"name": "x", "suffix": "s", "default_value": 1, "display_chart": 2}, []string{"The display chart field must be true or false."}},
	} {
		eqSlice(t, "details", e.call("POST", "/metrics", c.body).must(t, 400).errDetails(t), c.want)
	}
}

func TestMetricUpdateListDelete(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"b", "a", "c"} {
		e.call("POST", "/metrics", map[string]any{"name": n, "suffix": "s", "default_value": 0}).must(t, 200)
	}
	r := e.call("PUT", "/metrics/1", map[string]any{"description": "d", "threshold": 10, "view": 2}).must(t, 200)
	eq(t, "description", r.str(t, "data", "description"), "d")
	eq(t, "threshold", r.num(t, "data", "threshold"), 10)
	eq(t, "view", r.str(t, "data", "default_view_name"), "Week")
	eq(t, "name kept", r.str(t, "data", "name"), "b")
	eqSlice(t, "calc_type", e.call("PUT", "/metrics/1", map[string]any{"calc_type": 2}).must(t, 400).errDetails(t),
		[]string{"The selected calc type is invalid."})
	e.call("PUT", "/metrics/1", map[string]any{"threshold": 9}).must(t, 400)

	// Guests see every metric; sort is always descending.
	eqSlice(t, "guest", e.call("GET", "/metrics", nil, guest()).must(t, 200).ids(t), []int{1, 2, 3})
	eqSlice(t, "sort", e.call("GET", "/metrics?sort=name&order=asc", nil).must(t, 200).ids(t), []int{3, 1, 2})

	p := e.call("POST", "/metrics/1/points", map[string]any{"value": 1}).must(t, 200).id(t)
	e.call("DELETE", "/metrics/1", nil).must(t, 204)
	e.call("GET", "/metrics/1", nil).must(t, 404)
	e.call("GET", "/metrics/1/points", nil).must(t, 404)
	// Its points went with it.
	e.call("PUT", "/metrics/2/points/"+strconv.Itoa(p), map[string]any{"value": 1}).must(t, 404)
}

func TestMetricPoints(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 14, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	m := e.call("POST", "/metrics", map[string]any{"name": "x", "suffix": "s", "default_value": 0, "threshold": 5}).must(t, 200).id(t)
	base := "/metrics/" + strconv.Itoa(m) + "/points"

	eqSlice(t, "required", e.call("POST", base, map[string]any{}).must(t, 400).errDetails(t), []string{"The value field is required."})
	eqSlice(t, "numeric", e.call("POST", base, map[string]any{"value": "abc"}).must(t, 400).errDetails(t), []string{"The value must be a number."})
	eqSlice(t, "timestamp int", e.call("POST", base, map[string]any{"value": 1, "timestamp": "soon"}).must(t, 400).errDetails(t),
		[]string{"The created at must be an integer."})

	r := e.call("POST", base, map[string]any{"value": 3}).must(t, 200)
	p1 := r.id(t)
	eq(t, "created_at rounded to 30s", r.str(t, "data", "created_at"), "2024-05-01 12:00:00")
	eq(t, "counter", r.num(t, "data", "counter"), 1)
	eq(t, "calculated_value", r.num(t, "data", "calculated_value"), 3)
	// PHP writes floats with a decimal point.
	if !strings.Contains(string(r.body), `"value":3.0`) || !strings.Contains(string(r.body), `"calculated_value":3.0`) {
		t.Errorf("floats: %s", r.body)
	}

	// The same value within the threshold folds into the existing point.
	clk.add(3 * time.Minute)
	r = e.call("POST", base, map[string]any{"value": 3}).must(t, 200)
	eq(t, "same id", r.id(t), p1)
	eq(t, "counter", r.num(t, "data", "counter"), 2)
	eq(t, "calculated_value", r.num(t, "data", "calculated_value"), 6)
	// Another value is a new point; 12:03:15 rounds up to 12:03:30.
	clk.add(time.Second)
	r = e.call("POST", base, map[string]any{"value": 2.5}).must(t, 200)
	p2 := r.id(t)
	eq(t, "rounded up", r.str(t, "data", "created_at"), "2024-05-01 12:03:30")
	// Past the window (counted back from now): a new point.
	clk.add(5 * time.Minute)
	p3 := e.call("POST", base, map[string]any{"value": 3}).must(t, 200).id(t)
	if p3 == p1 {
		t.Error("value folded outside the threshold window")
	}
	// An explicit timestamp sets created_at (rounded) but not the window.
	ts := time.Date(2024, 4, 1, 10, 0, 44, 0, time.UTC).Unix()
	r = e.call("POST", base, map[string]any{"value": 7, "timestamp": ts}).must(t, 200)
	p4 := r.id(t)
	eq(t, "timestamp", r.str(t, "data", "created_at"), "2024-04-01 10:00:30")
	// The window looks at the stored created_at: an old point never folds.
	p5 := e.call("POST", base, map[string]any{"value": 7, "timestamp": ts - 86400}).must(t, 200).id(t)
	if p5 == p4 {
		t.Error("folded into a point outside the window")
	}

	// Newest first; the Time-Zone header only changes the rendering.
	r = e.call("GET", base, nil).must(t, 200)
	eqSlice(t, "newest first", r.ids(t), []int{p3, p2, p1, p4, p5})
	r = e.call("GET", base, nil, header("Time-Zone", "America/New_York")).must(t, 200)
	eq(t, "created_at in New York", r.str(t, "data", "3", "created_at"), "2024-04-01 06:00:30")

	// PUT: an omitted value becomes 0; a JSON number timestamp fails the
	// command's string rule; a string one works.
	r = e.call("PUT", base+"/"+strconv.Itoa(p2), map[string]any{}).must(t, 200)
	eq(t, "value reset", r.num(t, "data", "value"), 0)
	eqSlice(t, "int timestamp", e.call("PUT", base+"/"+strconv.Itoa(p2), map[string]any{"value": 1, "timestamp": ts}).must(t, 400).errDetails(t),
		[]string{"The created at must be a string."})
	r = e.call("PUT", base+"/"+strconv.Itoa(p2), map[string]any{"value": 1, "timestamp": strconv.FormatInt(ts, 10)}).must(t, 200)
	eq(t, "moved", r.str(t, "data", "created_at"), "2024-04-01 10:00:30")

	// No GET for one point: the path only has PUT and DELETE.
	e.call("GET", base+"/"+strconv.Itoa(p2), nil).must(t, 405)
	e.call("DELETE", base+"/"+strconv.Itoa(p2), nil).must(t, 204)
	e.call("DELETE", base+"/"+strconv.Itoa(p2), nil).must(t, 404)
	eq(t, "total", e.call("GET", base, nil).must(t, 200).num(t, "meta", "pagination", "total"), 4)
}

func TestMetricPointMovesBetweenMetrics(t *testing.T) {
	e := newEnv(t)
	a := e.call("POST", "/metrics", map[string]any{"name": "a", "suffix": "s", "default_value": 0}).must(t, 200).id(t)
	b := e.call("POST", "/metrics", map[string]any{"name": "b", "suffix": "s", "default_value": 0}).must(t, 200).id(t)
	p := e.call("POST", "/metrics/"+strconv.Itoa(a)+"/points", map[string]any{"value": 1}).must(t, 200).id(t)
	// PUT through another metric's URL moves the point there.
	r := e.call("PUT", "/metrics/"+strconv.Itoa(b)+"/points/"+strconv.Itoa(p), map[string]any{"value": 2}).must(t, 200)
	eq(t, "metric_id", r.num(t, "data", "metric_id"), float64(b))
	eq(t, "a has none", e.call("GET", "/metrics/"+strconv.Itoa(a)+"/points", nil).must(t, 200).num(t, "meta", "pagination", "total"), 0)
}
