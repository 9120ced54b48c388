package cachettest_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

func TestIncidentCreate(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 37, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	r := e.call("POST", "/incidents", map[string]any{"name": "Down", "status": 1, "message": "  *raw*  "}).must(t, 200)
	id := r.id(t)
	eq(t, "message is not trimmed on create", r.str(t, "data", "message"), "  *raw*  ")
	eq(t, "user_id", r.num(t, "data", "user_id"), 1)
	eq(t, "component_id", r.num(t, "data", "component_id"), 0)
	eq(t, "visible", r.num(t, "data", "visible"), 1)
	eq(t, "stickied", r.get(t, "data", "stickied"), any(false))
	eq(t, "notifications", r.get(t, "data", "notifications"), any(false))
	eq(t, "human_status", r.str(t, "data", "human_status"), "Investigating")
	eq(t, "is_resolved", r.get(t, "data", "is_resolved"), any(false))
	eq(t, "occurred_at", r.str(t, "data", "occurred_at"), "2024-05-01 12:00:37")
	eq(t, "permalink", r.str(t, "data", "permalink"), strings.TrimSuffix(e.srv.URL, "/api/v1")+"/incidents/"+strconv.Itoa(id))
	eq(t, "latest_update_id", r.get(t, "data", "latest_update_id"), nil)
	eq(t, "latest_status", r.num(t, "data", "latest_status"), 1)
	eq(t, "latest_human_status", r.str(t, "data", "latest_human_status"), "Investigating")
	eq(t, "latest_icon", r.str(t, "data", "latest_icon"), "icon ion-flag oranges")
	eq(t, "duration", r.num(t, "data", "duration"), 0)
	eq(t, "deleted_at", r.get(t, "data", "deleted_at"), nil)
	if !strings.Contains(string(r.body), `"meta":[]`) || !strings.Contains(string(r.body), `"updates":[]`) {
		t.Errorf("empty meta and updates should be [], body %s", r.body)
	}

	// occurred_at is Y-m-d H:i exactly; the seconds come from the clock.
	r = e.call("POST", "/incidents", map[string]any{"name": "Past", "status": 4, "message": "m", "occurred_at": "2024-01-02 03:04"}).must(t, 200)
	eq(t, "occurred_at", r.str(t, "data", "occurred_at"), "2024-01-02 03:04:37")
	eq(t, "is_resolved", r.get(t, "data", "is_resolved"), any(true))
	eq(t, "Fixed", r.str(t, "data", "human_status"), "Fixed")
	// Unchecked, like the bad dates below: the spec's pattern wants two-digit hours.
	r = e.call("POST", "/incidents", map[string]any{"name": "Rollover", "status": 1, "message": "m", "occurred_at": "2019-02-30 7:05"}, unchecked()).must(t, 200)
	eq(t, "PHP rolls dates over", r.str(t, "data", "occurred_at"), "2019-03-02 07:05:37")
	for _, bad := range []string{"2024-01-02 03:04:05", "2024-01-02", "02/01/2024 03:04", "soon"} {
		e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", "occurred_at": bad}, unchecked()).must(t, 500)
	}

	// Status 0 (the old "scheduled") has no label in 2.4.
	r = e.call("POST", "/incidents", map[string]any{"name": "Old", "status": 0, "message": "m"}).must(t, 200)
	eq(t, "human_status", r.str(t, "data", "human_status"), "cachet.incidents.status.0")
	eq(t, "icon", r.str(t, "data", "latest_icon"), "icon ion-android-calendar")
}

func TestIncidentValidation(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		body map[string]any
		want []string
	}{
		{map[string]any{}, []string{"The name field is required.", "The status field is required."}},
		{map[string]any{"name": "x", "status": 1}, []string{"The message field is required."}},
		{map[string]any{"name": "x", "status": 1, "message": ""}, []string{"The message field is required."}},
		{map[string]any{"name": "x", "status": 5, "message": "m"}, []string{"The status may not be greater than 4."}},
		{map[string]any{"name": "x", "status": 1, "message": "m", "component_id": 1},
			[]string{"The component status field is required when component id is present."}},
		{map[string]any{"name": "x", "status": 1, "message": "m", "component_status": 0},
			[]string{"The component id field is required when component status is present."}},
	} {
		eqSlice(t, "details", e.call("POST", "/incidents", c.body).must(t, 400).errDetails(t), c.want)
	}
	// vars and meta must be objects: null (or a scalar) is a TypeError, 500.
	// Unchecked: the spec wants objects.
	for _, k := range []string{"vars", "meta"} {
		e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", k: nil}, unchecked()).must(t, 500)
		e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", k: "s"}, unchecked()).must(t, 500)
	}
	e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", "vars": map[string]any{}, "meta": map[string]any{}}).must(t, 200)
}

func TestIncidentComponentStatus(t *testing.T) {
	e := newEnv(t)
	c := e.call("POST", "/components", map[string]any{"name": "db", "status": 1}).must(t, 200).id(t)
	r := e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", "component_id": c, "component_status": 4}).must(t, 200)
	eq(t, "component_id", r.num(t, "data", "component_id"), float64(c))
	eq(t, "component status", e.call("GET", "/components/"+strconv.Itoa(c), nil).must(t, 200).num(t, "data", "status"), 4)
	// An unknown component is linked but nothing else happens.
	e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", "component_id": 99, "component_status": 2}).must(t, 200)
	// PUT updates it too.
	id := strconv.Itoa(r.id(t))
	e.call("PUT", "/incidents/"+id, map[string]any{"component_id": c, "component_status": 2}).must(t, 200)
	eq(t, "component status", e.call("GET", "/components/"+strconv.Itoa(c), nil).must(t, 200).num(t, "data", "status"), 2)
	e.call("PUT", "/incidents/"+id, map[string]any{"component_id": c}).must(t, 400)
}

func TestIncidentBooleans(t *testing.T) {
	e := newEnv(t)
	// visible/notify/stickied go through PHP's (bool) cast: "false" is true.
	// Unchecked: the spec wants booleans and 0/1.
	r := e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", "visible": "false", "stickied": "false", "notify": "false"}, unchecked()).must(t, 200)
	eq(t, "visible", r.num(t, "data", "visible"), 1)
	eq(t, "stickied", r.get(t, "data", "stickied"), any(true))
	r = e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m", "visible": 0, "stickied": true}).must(t, 200)
	eq(t, "visible", r.num(t, "data", "visible"), 0)
	eq(t, "stickied", r.get(t, "data", "stickied"), any(true))
}

func TestIncidentUpdateTrap(t *testing.T) {
	e := newEnv(t)
	id := strconv.Itoa(e.call("POST", "/incidents", map[string]any{
		"name": "x", "status": 1, "message": "m", "visible": 0, "stickied": true, "meta": map[string]any{"k": "v"},
	}).must(t, 200).id(t))
	// A partial PUT makes the incident public and unsticks it.
	r := e.call("PUT", "/incidents/"+id, map[string]any{"name": "renamed"}).must(t, 200)
	eq(t, "name", r.str(t, "data", "name"), "renamed")
	eq(t, "message kept", r.str(t, "data", "message"), "m")
	eq(t, "visible reset", r.num(t, "data", "visible"), 1)
	eq(t, "stickied reset", r.get(t, "data", "stickied"), any(false))
	eq(t, "meta kept", r.str(t, "data", "meta", "k"), "v")
	// Sending them keeps them; meta is not applied on update.
	r = e.call("PUT", "/incidents/"+id, map[string]any{"visible": 0, "stickied": true, "notify": false, "meta": map[string]any{"k": "new"}}).must(t, 200)
	eq(t, "visible", r.num(t, "data", "visible"), 0)
	eq(t, "stickied", r.get(t, "data", "stickied"), any(true))
	eq(t, "meta unchanged", r.str(t, "data", "meta", "k"), "v")
	// occurred_at has the same format as on create.
	r = e.call("PUT", "/incidents/"+id, map[string]any{"occurred_at": "2024-02-03 04:05", "visible": 0}).must(t, 200)
	if !strings.HasPrefix(r.str(t, "data", "occurred_at"), "2024-02-03 04:05:") {
		t.Errorf("occurred_at %s", r.str(t, "data", "occurred_at"))
	}
	// Unchecked: the spec wants "Y-m-d H:i" and an object.
	e.call("PUT", "/incidents/"+id, map[string]any{"occurred_at": "2024-02-03"}, unchecked()).must(t, 500)
	e.call("PUT", "/incidents/"+id, map[string]any{"vars": nil}, unchecked()).must(t, 500)
	e.call("PUT", "/incidents/"+id, map[string]any{"message": ""}).must(t, 400)
}

func TestIncidentMeta(t *testing.T) {
	e := newEnv(t)
	r := e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m",
		"meta": map[string]any{"ticket": "OPS-1", "empty": "", "list": []any{"a", "", "b"}}}).must(t, 200)
	eq(t, "ticket", r.str(t, "data", "meta", "ticket"), "OPS-1")
	if r.has("data", "meta", "empty") {
		t.Error("an empty meta value is not stored")
	}
	eq(t, "list cleaned", len(r.get(t, "data", "meta", "list").([]any)), 2)
}

func TestIncidentTemplates(t *testing.T) {
	e := newEnv(t)
	e.srv.AddIncidentTemplate("Outage", "outage", "Name: {{ incident.name }},\nMessage: {{ incident.message }}{# note #} in {{ region|upper }} {{ missing }}{{ incident.component.name }}")
	r := e.call("POST", "/incidents", map[string]any{"name": "<DB>", "status": 2, "template": "outage", "message": "slow",
		"vars": map[string]any{"region": "eu"}}).must(t, 200)
	eq(t, "rendered", r.str(t, "data", "message"), "Name: &lt;DB&gt;,\nMessage: slow in EU ")
	// The template alone supplies the message.
	e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "template": "outage"}).must(t, 200)
	// An unknown slug falls back to the message (and its absence is a 400).
	e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "template": "nope"}).must(t, 400)
	// The component is available to the template.
	c := e.call("POST", "/components", map[string]any{"name": "API", "status": 1}).must(t, 200).id(t)
	e.srv.AddIncidentTemplate("Comp", "", "{{ incident.component.name }} is {{ incident.component_status }}")
	r = e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "template": "comp", "component_id": c, "component_status": 3}).must(t, 200)
	eq(t, "component", r.str(t, "data", "message"), "API is 3")
	// PUT renders too.
	id := strconv.Itoa(r.id(t))
	r = e.call("PUT", "/incidents/"+id, map[string]any{"name": "again", "template": "outage", "message": "m", "vars": map[string]any{"region": "us"}}).must(t, 200)
	eq(t, "rendered on PUT", r.str(t, "data", "message"), "Name: again,\nMessage: m in US ")

	// Templates are read-only through the API.
	r = e.call("GET", "/incidents/templates", nil).must(t, 200)
	eq(t, "total", r.num(t, "meta", "pagination", "total"), 2)
	eq(t, "slug from name", r.str(t, "data", "1", "slug"), "comp")
	r = e.call("GET", "/incidents/templates/1", nil).must(t, 200)
	eq(t, "name", r.str(t, "data", "name"), "Outage")
	eq(t, "template", strings.HasPrefix(r.str(t, "data", "template"), "Name: {{"), true)
	eq(t, "deleted_at", r.get(t, "data", "deleted_at"), nil)
	e.call("GET", "/incidents/templates/9", nil).must(t, 404)
	r = e.call("POST", "/incidents/templates", map[string]any{"name": "x"}).must(t, 405)
	eq(t, "Allow", r.header.Get("Allow"), "GET, HEAD, PUT, DELETE")
	// The model has no sort scope: sort is a 500.
	e.call("GET", "/incidents/templates?sort=id", nil).must(t, 500)
}

func TestIncidentVisibilityFiltersSort(t *testing.T) {
	e := newEnv(t)
	e.call("POST", "/incidents", map[string]any{"name": "b", "status": 2, "message": "m"}).must(t, 200)
	e.call("POST", "/incidents", map[string]any{"name": "a", "status": 2, "message": "m", "visible": 0}).must(t, 200)
	e.call("POST", "/incidents", map[string]any{"name": "c", "status": 3, "message": "m", "stickied": true}).must(t, 200)
	eqSlice(t, "admin", e.call("GET", "/incidents", nil).must(t, 200).ids(t), []int{1, 2, 3})
	eqSlice(t, "guest", e.call("GET", "/incidents", nil, guest()).must(t, 200).ids(t), []int{1, 3})
	eqSlice(t, "status=2", e.call("GET", "/incidents?status=2", nil).must(t, 200).ids(t), []int{1, 2})
	eqSlice(t, "stickied=1", e.call("GET", "/incidents?stickied=1", nil).must(t, 200).ids(t), []int{3})
	eqSlice(t, "guest visible=0", e.call("GET", "/incidents?visible=0", nil, guest()).must(t, 200).ids(t), []int{})
	e.call("GET", "/incidents?status=2&page=2", nil).must(t, 500)
	eqSlice(t, "sort=name&order=asc", e.call("GET", "/incidents?sort=name&order=asc", nil).must(t, 200).ids(t), []int{3, 1, 2})
	// Guests can still read a hidden incident by id (no check on show).
	e.call("GET", "/incidents/2", nil, guest()).must(t, 200)
	e.call("DELETE", "/incidents/2", nil).must(t, 204)
	e.call("GET", "/incidents/2", nil).must(t, 404)
}

func TestIncidentUpdates(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	inc := e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m"}).must(t, 200).id(t)
	base := "/incidents/" + strconv.Itoa(inc) + "/updates"

	for _, c := range []struct {
		body map[string]any
		want []string
	}{
		{map[string]any{}, []string{"The status field is required.", "The message field is required."}},
		{map[string]any{"status": 0, "message": "m"}, []string{"The status must be at least 1."}},
		{map[string]any{"status": 5, "message": "m"}, []string{"The status may not be greater than 4."}},
	} {
		eqSlice(t, "details", e.call("POST", base, c.body).must(t, 400).errDetails(t), c.want)
	}

	clk.add(time.Minute)
	r := e.call("POST", base, map[string]any{"status": 2, "message": "found it"}).must(t, 200)
	u1 := r.id(t)
	eq(t, "incident_id", r.num(t, "data", "incident_id"), float64(inc))
	eq(t, "user_id", r.num(t, "data", "user_id"), 1)
	eq(t, "human_status", r.str(t, "data", "human_status"), "Identified")
	site := strings.TrimSuffix(e.srv.URL, "/api/v1")
	eq(t, "permalink", r.str(t, "data", "permalink"), site+"/incidents/"+strconv.Itoa(inc)+"#update-"+strconv.Itoa(u1))
	eq(t, "incident takes the status", e.call("GET", "/incidents/"+strconv.Itoa(inc), nil).must(t, 200).num(t, "data", "status"), 2)

	clk.add(time.Minute)
	u2 := e.call("POST", base, map[string]any{"status": 4, "message": "fixed", "component_id": 1, "component_status": 1}).must(t, 200).id(t)
	eqSlice(t, "newest first", e.call("GET", base, nil).must(t, 200).ids(t), []int{u2, u1})

	clk.add(time.Minute)
	r = e.call("GET", "/incidents/"+strconv.Itoa(inc), nil).must(t, 200)
	eqSlice(t, "embedded newest first", idsAt(t, r, "data", "updates"), []int{u2, u1})
	eq(t, "latest_update_id", r.num(t, "data", "latest_update_id"), float64(u2))
	eq(t, "latest_status", r.num(t, "data", "latest_status"), 4)
	eq(t, "latest_human_status", r.str(t, "data", "latest_human_status"), "Fixed")
	eq(t, "latest_icon", r.str(t, "data", "latest_icon"), "icon ion-checkmark greens")
	eq(t, "is_resolved", r.get(t, "data", "is_resolved"), any(true))
	// Measured from the incident's creation to now (three minutes), a server bug.
	eq(t, "duration", r.num(t, "data", "duration"), 180)
	// Embedded updates are raw rows: no human_status/permalink.
	if r.has("data", "updates", "0", "permalink") {
		t.Error("embedded updates are not presented")
	}

	// GET one does not check that the update belongs to the incident.
	other := e.call("POST", "/incidents", map[string]any{"name": "y", "status": 1, "message": "m"}).must(t, 200).id(t)
	e.call("GET", "/incidents/"+strconv.Itoa(other)+"/updates/"+strconv.Itoa(u1), nil).must(t, 200)
	e.call("GET", base+"/99", nil).must(t, 404)

	// PUT edits status/message only; the incident keeps its status.
	r = e.call("PUT", base+"/"+strconv.Itoa(u1), map[string]any{"message": "edited"}).must(t, 200)
	eq(t, "message", r.str(t, "data", "message"), "edited")
	eq(t, "status kept", r.num(t, "data", "status"), 2)
	e.call("PUT", base+"/"+strconv.Itoa(u1), map[string]any{"status": 3}).must(t, 200)
	eq(t, "incident status", e.call("GET", "/incidents/"+strconv.Itoa(inc), nil).must(t, 200).num(t, "data", "status"), 4)
	e.call("PUT", base+"/"+strconv.Itoa(u1), map[string]any{"status": 0}).must(t, 400)

	// sort only breaks ties after created_at desc.
	eqSlice(t, "sort=id", e.call("GET", base+"?sort=id&order=asc", nil).must(t, 200).ids(t), []int{u2, u1})

	e.call("DELETE", base+"/"+strconv.Itoa(u2), nil).must(t, 204)
	e.call("GET", base+"/"+strconv.Itoa(u2), nil).must(t, 404)
	// The updates of a deleted incident cannot be listed through it.
	e.call("DELETE", "/incidents/"+strconv.Itoa(inc), nil).must(t, 204)
	e.call("GET", base, nil).must(t, 404)
	e.call("POST", base, map[string]any{"status": 1, "message": "m"}).must(t, 404)
}

func TestIncidentUpdatesFrozenClock(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	inc := e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m"}).must(t, 200).id(t)
	base := "/incidents/" + strconv.Itoa(inc) + "/updates"
	var ids []int
	for st := 1; st <= 3; st++ {
		ids = append(ids, e.call("POST", base, map[string]any{"status": st, "message": "m"}).must(t, 200).id(t))
	}
	// Same created_at everywhere: the newest id still comes first.
	eqSlice(t, "ties", e.call("GET", base, nil).must(t, 200).ids(t), []int{ids[2], ids[1], ids[0]})
	eqSlice(t, "sort=status breaks ties (desc)", e.call("GET", base+"?sort=status", nil).must(t, 200).ids(t), []int{ids[2], ids[1], ids[0]})
}
