package cachettest_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

func ptr[T any](v T) *T { return &v }

func TestSeeder(t *testing.T) {
	var ids struct{ group, comp, inc, upd, tpl, metric, point, sched, sub int }
	e := newEnv(t, cachettest.WithSeed(func(sd *cachettest.Seeder) {
		ids.group = sd.ComponentGroup(cachetapi.ComponentGroupCreate{Name: "Core", Visible: ptr(cachetapi.GroupVisibilityPublic)})
		ids.comp = sd.Component(cachetapi.ComponentCreate{Name: "API", Status: cachetapi.ComponentStatusOperational, GroupID: &ids.group, Tags: ptr("edge")})
		ids.tpl = sd.IncidentTemplate("Outage", "", "{{ incident.name }} is down")
		ids.inc = sd.Incident(cachetapi.IncidentCreate{Name: "API", Status: cachetapi.IncidentStatusInvestigating, Template: ptr("outage"),
			ComponentID: &ids.comp, ComponentStatus: ptr(cachetapi.ComponentStatusMajorOutage)})
		ids.upd = sd.IncidentUpdate(ids.inc, cachetapi.IncidentUpdateCreate{Status: cachetapi.IncidentUpdateStatusIdentified, Message: "found"})
		ids.metric = sd.Metric(cachetapi.MetricCreate{Name: "Latency", Suffix: "ms"})
		ids.point = sd.MetricPoint(ids.metric, cachetapi.MetricPointCreate{Value: 12.5})
		ids.sched = sd.Schedule(cachetapi.ScheduleCreate{Name: "Upgrade", ScheduledAt: "2030-01-01 10:00"})
		ids.sub = sd.Subscriber(cachetapi.SubscriberCreate{Email: "ops@example.com", Verify: ptr(true)})
	}))
	r := e.call("GET", "/components/groups/"+strconv.Itoa(ids.group), nil, guest()).must(t, 200)
	eq(t, "group member", r.num(t, "data", "enabled_components", "0", "id"), float64(ids.comp))
	eq(t, "component status from the incident", r.num(t, "data", "enabled_components", "0", "status"), 4)
	r = e.call("GET", "/incidents/"+strconv.Itoa(ids.inc), nil).must(t, 200)
	eq(t, "rendered", r.str(t, "data", "message"), "API is down")
	eq(t, "status from the update", r.num(t, "data", "status"), 2)
	eq(t, "update", r.num(t, "data", "latest_update_id"), float64(ids.upd))
	eq(t, "point", e.call("GET", "/metrics/"+strconv.Itoa(ids.metric)+"/points", nil).must(t, 200).num(t, "data", "0", "value"), 12.5)
	eq(t, "schedule", e.call("GET", "/schedules/"+strconv.Itoa(ids.sched), nil).must(t, 200).str(t, "data", "name"), "Upgrade")
	eq(t, "subscriber", e.call("GET", "/subscribers", nil).must(t, 200).num(t, "data", "0", "id"), float64(ids.sub))
	eq(t, "template", e.call("GET", "/incidents/templates/"+strconv.Itoa(ids.tpl), nil).must(t, 200).str(t, "data", "slug"), "outage")
	eq(t, "tag", e.call("GET", "/components/"+strconv.Itoa(ids.comp), nil).must(t, 200).str(t, "data", "tags", "edge"), "edge")

	// Seeding after start.
	got := e.srv.SeedComponents(2)
	eqSlice(t, "SeedComponents", got, []int{ids.comp + 1, ids.comp + 2})
	eq(t, "name", e.call("GET", "/components/"+strconv.Itoa(got[1]), nil).must(t, 200).str(t, "data", "name"), "Component 2")
}

func TestSeederPanicsOnInvalidData(t *testing.T) {
	srv := cachettest.NewServer()
	defer srv.Close()
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "The name field is required.") {
			t.Errorf("panic %q", msg)
		}
		// The lock was released: the server still answers.
		resp, err := srv.Client().Get(srv.URL + "/components")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		eq(t, "after panic", resp.StatusCode, 200)
	}()
	srv.Seed(func(sd *cachettest.Seeder) { sd.Component(cachetapi.ComponentCreate{}) })
}

// TestConcurrentUse hammers one server from many goroutines (run with
// -race): creates, reads, lists, updates and deletes interleave freely.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	e.srv.SeedComponents(5)
	m := e.call("POST", "/metrics", map[string]any{"name": "m", "suffix": "s", "default_value": 0}).must(t, 200).id(t)
	// Goroutines must not call t.Fatal: each step reports with Errorf and
	// the worker stops at its first failure.
	step := func(want int, method, path string, body any, opts ...reqOpt) (*response, bool) {
		r, err := e.do(method, path, body, opts...)
		if err != nil {
			t.Errorf("%s %s: %v", method, path, err)
			return nil, false
		}
		if r.status != want {
			t.Errorf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
			return nil, false
		}
		return r, true
	}
	idOf := func(r *response) string {
		id, _ := r.json.(map[string]any)["data"].(map[string]any)["id"].(float64)
		return strconv.Itoa(int(id))
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				r, ok := step(200, "POST", "/components", map[string]any{"name": "w" + strconv.Itoa(w), "status": 1 + i%4, "tags": "a,b"})
				if !ok {
					return
				}
				id := idOf(r)
				r, ok = step(200, "POST", "/incidents", map[string]any{"name": "i", "status": 1, "message": "m", "component_id": r.json.(map[string]any)["data"].(map[string]any)["id"], "component_status": 3})
				if !ok {
					return
				}
				inc := idOf(r)
				steps := []struct {
					want         int
					method, path string
					body         any
				}{
					{200, "GET", "/components/" + id, nil},
					{200, "PUT", "/components/" + id, map[string]any{"status": 1}},
					{200, "GET", "/components?per_page=5", nil},
					{200, "POST", "/incidents/" + inc + "/updates", map[string]any{"status": 4, "message": "ok"}},
					{200, "GET", "/incidents", nil},
					{200, "POST", "/metrics/" + strconv.Itoa(m) + "/points", map[string]any{"value": i % 3}},
					{200, "GET", "/status", nil},
					{204, "DELETE", "/components/" + id, nil},
				}
				for _, s := range steps {
					if _, ok := step(s.want, s.method, s.path, s.body); !ok {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	eq(t, "components left", e.call("GET", "/components", nil).must(t, 200).num(t, "meta", "pagination", "total"), 5)
}
