package cachettest_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

// testClock is a settable clock for WithClock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *testClock { return &testClock{t: t} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestComponentCreateDefaults(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	r := e.call("POST", "/components", map[string]any{"name": "API", "status": 1}).must(t, 200)
	eq(t, "id", r.id(t), 1)
	eq(t, "name", r.str(t, "data", "name"), "API")
	eq(t, "description", r.str(t, "data", "description"), "")
	eq(t, "link", r.str(t, "data", "link"), "")
	eq(t, "order", r.num(t, "data", "order"), 0)
	eq(t, "group_id", r.num(t, "data", "group_id"), 0)
	eq(t, "enabled", r.get(t, "data", "enabled"), any(true))
	eq(t, "meta", r.get(t, "data", "meta"), nil)
	eq(t, "deleted_at", r.get(t, "data", "deleted_at"), nil)
	eq(t, "status_name", r.str(t, "data", "status_name"), "Operational")
	eq(t, "created_at", r.str(t, "data", "created_at"), "2024-05-01 12:00:00")
	eq(t, "updated_at", r.str(t, "data", "updated_at"), "2024-05-01 12:00:00")
	if !strings.Contains(string(r.body), `"tags":[]`) {
		t.Errorf("tags without tags should be [], body %s", r.body)
	}

	names := []string{"Unknown", "Operational", "Performance Issues", "Partial Outage", "Major Outage"}
	for st, name := range names {
		r := e.call("POST", "/components", map[string]any{"name": "c", "status": st}).must(t, 200)
		eq(t, "status_name", r.str(t, "data", "status_name"), name)
	}
}

func TestComponentValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		body map[string]any
		want []string
	}{
		{map[string]any{}, []string{"The name field is required.", "The status field is required."}},
		{map[string]any{"name": "a", "status": 5}, []string{"The status may not be greater than 4."}},
		{map[string]any{"name": "a", "status": -1}, []string{"The status must be at least 0."}},
		{map[string]any{"name": "a", "status": "x"}, []string{"The status must be an integer."}},
		{map[string]any{"name": 5, "status": 1}, []string{"The name must be a string."}},
		{map[string]any{"name": "a", "status": 1, "link": "not a url"}, []string{"The link format is invalid."}},
		{map[string]any{"name": "a", "status": 1, "order": 1.5}, []string{"The order must be an integer."}},
		{map[string]any{"name": "a", "status": 1, "meta": "x"}, []string{"The meta must be an array."}},
		// Tags are a comma-separated string; an array is refused.
		{map[string]any{"name": "a", "status": 1, "tags": []string{"a", "b"}}, []string{"The tags must be a string."}},
		{map[string]any{"name": "   ", "status": 1}, []string{"The name field is required."}}, // input is trimmed
	}
	for _, c := range cases {
		r := e.call("POST", "/components", c.body).must(t, 400)
		eqSlice(t, "details", r.errDetails(t), c.want)
	}
	// Strings that look like numbers pass the int rule and are stored as ints.
	// Unchecked: the spec wants integers.
	r := e.call("POST", "/components", map[string]any{"name": " padded ", "status": "2", "order": "3"}, unchecked()).must(t, 200)
	eq(t, "status", r.num(t, "data", "status"), 2)
	eq(t, "order", r.num(t, "data", "order"), 3)
	eq(t, "trimmed name", r.str(t, "data", "name"), "padded")

	// Form posts work too: the server reads query and body alike.
	// Unchecked: the spec documents JSON bodies only.
	r = e.call("POST", "/components", nil, unchecked(), rawBody("application/x-www-form-urlencoded", "name=form&status=4")).must(t, 200)
	eq(t, "form status", r.num(t, "data", "status"), 4)
	r = e.call("POST", "/components", nil, unchecked(), rawBody("multipart/form-data; boundary=XX",
		"--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nmultipart\r\n--XX\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n3\r\n--XX--\r\n")).must(t, 200)
	eq(t, "multipart status", r.num(t, "data", "status"), 3)
	// A JSON body without its Content-Type is not read.
	e.call("POST", "/components", nil, rawBody("text/plain", `{"name":"x","status":1}`)).must(t, 400)
}

func TestComponentTags(t *testing.T) {
	e := newEnv(t)
	r := e.call("POST", "/components", map[string]any{"name": "a", "status": 1, "tags": "Test Tag, Another Test Tag,,Foo.Bar"}).must(t, 200)
	want := `"tags":{"test-tag":"Test Tag","another-test-tag":"Another Test Tag","foobar":"Foo.Bar"}`
	if !strings.Contains(string(r.body), want) {
		t.Errorf("tags: want %s in %s", want, r.body)
	}
	id := strconv.Itoa(r.id(t))

	// An empty tags leaves the set alone: tags cannot be cleared.
	r = e.call("PUT", "/components/"+id, map[string]any{"tags": ""}).must(t, 200)
	eq(t, "kept", r.str(t, "data", "tags", "test-tag"), "Test Tag")
	r = e.call("PUT", "/components/"+id, map[string]any{"name": "b"}).must(t, 200)
	eq(t, "kept", r.str(t, "data", "tags", "foobar"), "Foo.Bar")
	// A non-empty one replaces it.
	r = e.call("PUT", "/components/"+id, map[string]any{"tags": "Another Test Tag,New"}).must(t, 200)
	want = `"tags":{"another-test-tag":"Another Test Tag","new":"New"}`
	if !strings.Contains(string(r.body), want) {
		t.Errorf("tags: want %s in %s", want, r.body)
	}
	// An array on update is a 500 (preg_split on an array). Unchecked: the
	// spec wants a string.
	e.call("PUT", "/components/"+id, map[string]any{"tags": []string{"x"}}, unchecked()).must(t, 500)
}

func TestComponentUpdate(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	id := strconv.Itoa(e.call("POST", "/components", map[string]any{
		"name": "a", "status": 1, "description": "d", "link": "https://example.com", "enabled": false,
		"meta": map[string]any{"owner": "ops"},
	}).must(t, 200).id(t))

	clk.add(time.Minute)
	// 2.4 keeps "enabled" when it is omitted (2.3 re-enabled the component).
	r := e.call("PUT", "/components/"+id, map[string]any{"status": 3}).must(t, 200)
	eq(t, "enabled", r.get(t, "data", "enabled"), any(false))
	eq(t, "status", r.num(t, "data", "status"), 3)
	eq(t, "status_name", r.str(t, "data", "status_name"), "Partial Outage")
	eq(t, "description", r.str(t, "data", "description"), "d")
	eq(t, "link", r.str(t, "data", "link"), "https://example.com")
	eq(t, "meta", r.str(t, "data", "meta", "owner"), "ops")
	eq(t, "updated_at", r.str(t, "data", "updated_at"), "2024-05-01 12:01:00")
	eq(t, "created_at", r.str(t, "data", "created_at"), "2024-05-01 12:00:00")

	// A PUT that changes nothing does not touch updated_at (Eloquent saves dirty models only).
	clk.add(time.Minute)
	r = e.call("PUT", "/components/"+id, map[string]any{"status": 3}).must(t, 200)
	eq(t, "updated_at", r.str(t, "data", "updated_at"), "2024-05-01 12:01:00")

	// meta replaces the stored value.
	r = e.call("PUT", "/components/"+id, map[string]any{"meta": map[string]any{"tier": 1}}).must(t, 200)
	eq(t, "meta.tier", r.num(t, "data", "meta", "tier"), 1)
	if r.has("data", "meta", "owner") {
		t.Error("meta was merged, not replaced")
	}

	// The model's own rules apply to the merged attributes.
	eqSlice(t, "empty name", e.call("PUT", "/components/"+id, map[string]any{"name": ""}).must(t, 400).errDetails(t),
		[]string{"The name field is required."})
	e.call("PUT", "/components/"+id, map[string]any{"status": 9}).must(t, 400)
	e.call("PUT", "/components/404", map[string]any{"status": 1}).must(t, 404)
	e.call("PUT", "/components/"+id, map[string]any{"status": 1}, guest()).must(t, 401)
}

func TestComponentBooleans(t *testing.T) {
	e := newEnv(t)
	// On create "enabled" goes through PHP's (bool) cast before validation:
	// any truthy value, the string "false" included, enables.
	for _, c := range []struct {
		v    any
		want bool
	}{{true, true}, {false, false}, {0, false}, {1, true}, {"0", false}, {"1", true}, {"false", true}, {"true", true}, {"", false}} {
		_, isBool := c.v.(bool) // the spec takes JSON booleans only: the others are unchecked
		r := e.call("POST", "/components", map[string]any{"name": "a", "status": 1, "enabled": c.v}, uncheckedIf(!isBool)).must(t, 200)
		eq(t, "enabled for "+strconv.Quote(strings.TrimSpace(jsonString(c.v))), r.get(t, "data", "enabled"), any(c.want))
	}
	// On update the validator's bool rule applies: "true"/"false" are refused.
	id := strconv.Itoa(e.call("POST", "/components", map[string]any{"name": "a", "status": 1}).must(t, 200).id(t))
	for _, bad := range []any{"true", "false", 2, "yes"} {
		r := e.call("PUT", "/components/"+id, map[string]any{"enabled": bad}).must(t, 400)
		eqSlice(t, "details", r.errDetails(t), []string{"The enabled field must be true or false."})
	}
	for _, c := range []struct {
		v    any
		want bool
	}{{false, false}, {true, true}, {0, false}, {1, true}, {"0", false}, {"1", true}} {
		_, isBool := c.v.(bool) // the spec takes JSON booleans only: the others are unchecked
		r := e.call("PUT", "/components/"+id, map[string]any{"enabled": c.v}, uncheckedIf(!isBool)).must(t, 200)
		eq(t, "enabled", r.get(t, "data", "enabled"), any(c.want))
	}
}

func jsonString(v any) string {
	switch x := v.(type) {
	case string:
		return `"` + x + `"`
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	}
	return "?"
}

func TestComponentMetaQuirks(t *testing.T) {
	e := newEnv(t)
	// PHP cannot tell {} from []: an empty meta object comes back as [],
	// which the spec allows.
	r := e.call("POST", "/components", map[string]any{"name": "a", "status": 1, "meta": map[string]any{}}).must(t, 200)
	if !strings.Contains(string(r.body), `"meta":[]`) {
		t.Errorf("meta {} should come back as [], body %s", r.body)
	}
}

func TestComponentVisibility(t *testing.T) {
	e := newEnv(t)
	e.call("POST", "/components", map[string]any{"name": "on", "status": 1}).must(t, 200)
	off := e.call("POST", "/components", map[string]any{"name": "off", "status": 1, "enabled": false}).must(t, 200).id(t)
	eqSlice(t, "admin list", e.call("GET", "/components", nil).must(t, 200).ids(t), []int{1, 2})
	eqSlice(t, "guest list", e.call("GET", "/components", nil, guest()).must(t, 200).ids(t), []int{1})
	eqSlice(t, "invalid token = guest", e.call("GET", "/components", nil, token("bad")).must(t, 200).ids(t), []int{1})
	// A disabled component can still be read by id, even by a guest.
	e.call("GET", "/components/"+strconv.Itoa(off), nil, guest()).must(t, 200)
}

func TestComponentDelete(t *testing.T) {
	e := newEnv(t)
	id := strconv.Itoa(e.call("POST", "/components", map[string]any{"name": "a", "status": 1}).must(t, 200).id(t))
	r := e.call("DELETE", "/components/"+id, nil).must(t, 204)
	if len(r.body) != 0 {
		t.Errorf("204 with a body: %q", r.body)
	}
	e.call("GET", "/components/"+id, nil).must(t, 404)
	e.call("DELETE", "/components/"+id, nil).must(t, 404)
	eq(t, "total", e.call("GET", "/components", nil).must(t, 200).num(t, "meta", "pagination", "total"), 0)
	// Ids are never reused.
	eq(t, "next id", e.call("POST", "/components", map[string]any{"name": "b", "status": 1}).must(t, 200).id(t), 2)
}

func TestComponentFilters(t *testing.T) {
	e := newEnv(t)
	for i, st := range []int{1, 2, 2, 3} {
		e.call("POST", "/components", map[string]any{"name": "c" + strconv.Itoa(i+1), "status": st, "group_id": i % 2, "tags": "t" + strconv.Itoa(i+1)}).must(t, 200)
	}
	e.call("POST", "/components", map[string]any{"name": "off", "status": 2, "enabled": false}).must(t, 200)
	eqSlice(t, "status=2", e.call("GET", "/components?status=2", nil).must(t, 200).ids(t), []int{2, 3, 5})
	eqSlice(t, "status=2 guest", e.call("GET", "/components?status=2", nil, guest()).must(t, 200).ids(t), []int{2, 3})
	eqSlice(t, "two filters", e.call("GET", "/components?status=2&group_id=1", nil).must(t, 200).ids(t), []int{2})
	eqSlice(t, "name", e.call("GET", "/components?name=c4", nil).must(t, 200).ids(t), []int{4})
	eqSlice(t, "enabled=0", e.call("GET", "/components?enabled=0", nil).must(t, 200).ids(t), []int{5})
	// Any other column joins the WHERE clause too.
	eqSlice(t, "description", e.call("GET", "/components?status=2&description=", nil).must(t, 200).ids(t), []int{2, 3, 5})
	// sort, order and per_page are the only keys kept out of the filter.
	eqSlice(t, "with sort", e.call("GET", "/components?status=2&sort=id&order=asc&per_page=10", nil).must(t, 200).ids(t), []int{5, 3, 2})
	// page (or any unknown key) next to a filter is an SQL error.
	e.call("GET", "/components?status=2&page=2", nil).must(t, 500)
	e.call("GET", "/components?status=2&foo=1", nil).must(t, 500)
	e.call("GET", "/components?status=abc", nil, unchecked()).must(t, 500) // unchecked: the spec wants an integer
	// Without a searchable key, unknown keys are harmless.
	eq(t, "foo only", len(e.call("GET", "/components?foo=1", nil).must(t, 200).ids(t)), 5)

	// tags (2.4) match any of the slugs; tags is no column, so it cannot be
	// combined with a filter.
	eqSlice(t, "tags", e.call("GET", "/components?tags=t2", nil).must(t, 200).ids(t), []int{2})
	eqSlice(t, "tags[]", e.call("GET", "/components?tags[]=t1&tags[]=t3", nil).must(t, 200).ids(t), []int{1, 3})
	eqSlice(t, "comma is one slug", e.call("GET", "/components?tags=t1,t3", nil).must(t, 200).ids(t), []int{})
	e.call("GET", "/components?tags=t2&status=2", nil).must(t, 500)
}

func TestComponentSort(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"b", "c", "a"} {
		e.call("POST", "/components", map[string]any{"name": n, "status": 1}).must(t, 200)
	}
	// A valid sort is always descending, whatever order says.
	for _, q := range []string{"sort=name", "sort=name&order=asc", "sort=name&order=desc"} {
		eqSlice(t, q, e.call("GET", "/components?"+q, nil).must(t, 200).ids(t), []int{2, 1, 3})
	}
	// Unchecked: the spec's order enum is lower case.
	eqSlice(t, "order=ASC", e.call("GET", "/components?sort=name&order=ASC", nil, unchecked()).must(t, 200).ids(t), []int{2, 1, 3})
	// Columns outside the sortable list are ignored. Unchecked: the spec
	// lists only the valid ones.
	eqSlice(t, "sort=description", e.call("GET", "/components?sort=description", nil, unchecked()).must(t, 200).ids(t), []int{1, 2, 3})
	eqSlice(t, "sort=bogus", e.call("GET", "/components?sort=bogus", nil, unchecked()).must(t, 200).ids(t), []int{1, 2, 3})
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	e.srv.SeedComponents(5)
	r := e.call("GET", "/components?per_page=2", nil).must(t, 200)
	eq(t, "total", r.num(t, "meta", "pagination", "total"), 5)
	eq(t, "count", r.num(t, "meta", "pagination", "count"), 2)
	eq(t, "per_page", r.num(t, "meta", "pagination", "per_page"), 2)
	eq(t, "current_page", r.num(t, "meta", "pagination", "current_page"), 1)
	eq(t, "total_pages", r.num(t, "meta", "pagination", "total_pages"), 3)
	eq(t, "next", r.str(t, "meta", "pagination", "links", "next_page"), e.srv.URL+"/components?per_page=2&page=2")
	eq(t, "previous", r.get(t, "meta", "pagination", "links", "previous_page"), nil)
	eqSlice(t, "page 1", r.ids(t), []int{1, 2})

	r = e.call("GET", "/components?sort=id&page=3&per_page=2", nil).must(t, 200)
	eqSlice(t, "page 3", r.ids(t), []int{1})
	eq(t, "next", r.get(t, "meta", "pagination", "links", "next_page"), nil)
	eq(t, "previous keeps the other params", r.str(t, "meta", "pagination", "links", "previous_page"),
		e.srv.URL+"/components?sort=id&per_page=2&page=2")

	// Past the end: empty data, still a previous link.
	r = e.call("GET", "/components?page=9&per_page=2", nil).must(t, 200)
	eq(t, "count", r.num(t, "meta", "pagination", "count"), 0)
	eq(t, "previous", r.str(t, "meta", "pagination", "links", "previous_page"), e.srv.URL+"/components?per_page=2&page=8")

	// Defaults: 20 per page; an empty list still has one page.
	eq(t, "default per_page", e.call("GET", "/components", nil).must(t, 200).num(t, "meta", "pagination", "per_page"), 20)
	r = e.call("GET", "/incidents", nil).must(t, 200)
	eq(t, "empty total_pages", r.num(t, "meta", "pagination", "total_pages"), 1)
	eq(t, "empty data", len(r.get(t, "data").([]any)), 0)
	// per_page=0 falls back to the model's 15; a word is a PHP warning (500).
	// Unchecked, like the page=abc below: the spec wants positive integers.
	eq(t, "per_page=0", e.call("GET", "/components?per_page=0", nil, unchecked()).must(t, 200).num(t, "meta", "pagination", "per_page"), 15)
	e.call("GET", "/components?per_page=abc", nil, unchecked()).must(t, 500)
	// Invalid pages are page 1.
	eq(t, "page=abc", e.call("GET", "/components?page=abc", nil, unchecked()).must(t, 200).num(t, "meta", "pagination", "current_page"), 1)
	// Array parameters are carried PHP-style.
	r = e.call("GET", "/components?tags[]=x&per_page=1&page=1", nil).must(t, 200)
	eq(t, "no next on empty", r.get(t, "meta", "pagination", "links", "next_page"), nil)
	e.srv.Seed(func(sd *cachettest.Seeder) {})
	r = e.call("GET", "/subscribers?per_page=1", nil).must(t, 200)
	eq(t, "subscribers per_page", r.num(t, "meta", "pagination", "per_page"), 1)
}

func TestPaginationLinksCarryArrays(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		e.call("POST", "/components", map[string]any{"name": "a", "status": 1, "tags": "x"}).must(t, 200)
	}
	r := e.call("GET", "/components?tags[]=x&per_page=1", nil).must(t, 200)
	eq(t, "next", r.str(t, "meta", "pagination", "links", "next_page"), e.srv.URL+"/components?tags%5B0%5D=x&per_page=1&page=2")
}
