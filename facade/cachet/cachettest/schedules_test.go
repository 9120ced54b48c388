package cachettest_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

func TestSchedules(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	for _, c := range []struct {
		body map[string]any
		want []string
	}{
		{map[string]any{}, []string{"The name field is required.", "The status field is required.", "The scheduled at field is required."}},
		{map[string]any{"name": "x", "status": 3, "scheduled_at": "2024-06-01 10:00"}, []string{"The status may not be greater than 2."}},
		// A bad date is a validation error on create (Carbon's message as detail).
		{map[string]any{"name": "x", "status": 0, "scheduled_at": "2024-06-01 10:00:00"}, []string{"Trailing data"}},
		{map[string]any{"name": "x", "status": 0, "scheduled_at": "2024-06-01"}, []string{"Data missing"}},
		{map[string]any{"name": "x", "status": 0, "scheduled_at": "2024-06-01 10:00", "completed_at": "tomorrow"}, []string{"A four digit year could not be found"}},
	} {
		eqSlice(t, "details", e.call("POST", "/schedules", c.body).must(t, 400).errDetails(t), c.want)
	}

	r := e.call("POST", "/schedules", map[string]any{"name": "Upgrade", "status": 0, "scheduled_at": "2024-06-01 10:00", "components": []int{1, 2}, "notify": true}).must(t, 200)
	id := strconv.Itoa(r.id(t))
	eq(t, "human_status", r.str(t, "data", "human_status"), "Upcoming")
	eq(t, "scheduled_at", r.str(t, "data", "scheduled_at"), "2024-06-01 10:00:00")
	// An unset completed_at shows as the current time.
	eq(t, "completed_at", r.str(t, "data", "completed_at"), "2024-05-01 12:00:00")
	eq(t, "message", r.get(t, "data", "message"), nil)
	eq(t, "deleted_at", r.get(t, "data", "deleted_at"), nil)
	// components are accepted and ignored.
	eq(t, "components", len(r.get(t, "data", "components").([]any)), 0)

	clk.add(time.Hour)
	r = e.call("GET", "/schedules/"+id, nil).must(t, 200)
	eq(t, "completed_at follows the clock", r.str(t, "data", "completed_at"), "2024-05-01 13:00:00")

	r = e.call("PUT", "/schedules/"+id, map[string]any{"status": 2, "completed_at": "2024-06-01 12:30", "message": " done "}).must(t, 200)
	eq(t, "human_status", r.str(t, "data", "human_status"), "Complete")
	eq(t, "completed_at", r.str(t, "data", "completed_at"), "2024-06-01 12:30:00")
	eq(t, "message trimmed on update", r.str(t, "data", "message"), "done")
	eq(t, "name kept", r.str(t, "data", "name"), "Upgrade")
	eq(t, "In Progress", e.call("PUT", "/schedules/"+id, map[string]any{"status": 1}).must(t, 200).str(t, "data", "human_status"), "In Progress")
	// On update a bad date is a 500. Unchecked: the spec wants "Y-m-d H:i".
	e.call("PUT", "/schedules/"+id, map[string]any{"scheduled_at": "2024-06-01T10:00"}, unchecked()).must(t, 500)

	e.call("POST", "/schedules", map[string]any{"name": "Another", "status": 1, "scheduled_at": "2024-05-20 10:00", "message": " raw "}).must(t, 200)
	eqSlice(t, "sort always desc", e.call("GET", "/schedules?sort=scheduled_at&order=asc", nil).must(t, 200).ids(t), []int{1, 2})
	eqSlice(t, "list", e.call("GET", "/schedules", nil, guest()).must(t, 200).ids(t), []int{1, 2})
	e.call("DELETE", "/schedules/"+id, nil).must(t, 204)
	e.call("GET", "/schedules/"+id, nil).must(t, 404)
}

func TestScheduleSiteZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now), cachettest.WithTimeZone(paris))
	// Input dates are read in the site zone and shown back in it...
	r := e.call("POST", "/schedules", map[string]any{"name": "x", "status": 0, "scheduled_at": "2024-06-01 10:00"}).must(t, 200)
	eq(t, "scheduled_at", r.str(t, "data", "scheduled_at"), "2024-06-01 10:00:00")
	// ...or in the Time-Zone header's zone.
	r = e.call("GET", "/schedules/1", nil, header("Time-Zone", "UTC")).must(t, 200)
	eq(t, "in UTC", r.str(t, "data", "scheduled_at"), "2024-06-01 08:00:00")
	r = e.call("POST", "/schedules", map[string]any{"name": "x", "status": 0, "scheduled_at": "2024-06-01 10:00"}, header("Time-Zone", "UTC")).must(t, 200)
	eq(t, "read in UTC", r.str(t, "data", "scheduled_at"), "2024-06-01 10:00:00")
	eq(t, "shown in Paris", e.call("GET", "/schedules/2", nil).must(t, 200).str(t, "data", "scheduled_at"), "2024-06-01 12:00:00")
}

func TestSubscribers(t *testing.T) {
	clk := newClock(time.Date(2019, 5, 24, 10, 1, 44, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now))
	e.srv.SeedComponents(3)

	e.call("GET", "/subscribers", nil, guest()).must(t, 401)
	eqSlice(t, "required", e.call("POST", "/subscribers", map[string]any{}).must(t, 400).errDetails(t), []string{"The email field is required."})
	eqSlice(t, "email", e.call("POST", "/subscribers", map[string]any{"email": "nope"}).must(t, 400).errDetails(t),
		[]string{"The email must be a valid email address."})

	r := e.call("POST", "/subscribers", map[string]any{"email": "ops@example.com", "verify": true}).must(t, 200)
	verified := r.id(t)
	eq(t, "verified_at", r.str(t, "data", "verified_at"), "Friday 24th May 2019 10:01:44")
	eq(t, "global", r.get(t, "data", "global"), any(true))
	eq(t, "phone_number", r.get(t, "data", "phone_number"), nil)
	eq(t, "slack_webhook_url", r.get(t, "data", "slack_webhook_url"), nil)
	code := r.str(t, "data", "verify_code")
	if !regexp.MustCompile(`^[A-Za-z0-9]{42}$`).MatchString(code) {
		t.Errorf("verify_code %q", code)
	}
	// No components: subscribed to all of them.
	eq(t, "subscriptions", len(r.get(t, "data", "subscriptions").([]any)), 3)
	eq(t, "subscription component", r.num(t, "data", "subscriptions", "2", "component_id"), 3)
	eq(t, "subscription subscriber", r.num(t, "data", "subscriptions", "0", "subscriber_id"), float64(verified))

	r = e.call("POST", "/subscribers", map[string]any{"email": "dev@example.com", "verify": false, "components": []int{2, 99}}).must(t, 200)
	unverified := r.id(t)
	eq(t, "one subscription", len(r.get(t, "data", "subscriptions").([]any)), 1)
	subID := strconv.Itoa(int(r.num(t, "data", "subscriptions", "0", "id")))

	// The same email again: the existing subscriber, unchanged.
	r = e.call("POST", "/subscribers", map[string]any{"email": "ops@example.com", "verify": false, "components": []int{1}}).must(t, 200)
	eq(t, "same id", r.id(t), verified)
	eq(t, "same code", r.str(t, "data", "verify_code"), code)
	eq(t, "same subscriptions", len(r.get(t, "data", "subscriptions").([]any)), 3)

	// An unverified subscriber shows the current time as verified_at.
	clk.add(24 * time.Hour)
	r = e.call("GET", "/subscribers", nil).must(t, 200)
	eqSlice(t, "list", r.ids(t), []int{verified, unverified})
	eq(t, "verified stays", r.str(t, "data", "0", "verified_at"), "Friday 24th May 2019 10:01:44")
	eq(t, "unverified is now", r.str(t, "data", "1", "verified_at"), "Saturday 25th May 2019 10:01:44")

	e.call("DELETE", "/subscriptions/"+subID, nil).must(t, 204)
	e.call("DELETE", "/subscriptions/"+subID, nil).must(t, 404)
	r = e.call("GET", "/subscribers", nil).must(t, 200)
	eq(t, "link removed", len(r.get(t, "data", "1", "subscriptions").([]any)), 0)
	e.call("DELETE", "/subscribers/"+strconv.Itoa(verified), nil).must(t, 204)
	eq(t, "total", e.call("GET", "/subscribers", nil).must(t, 200).num(t, "meta", "pagination", "total"), 1)
	e.call("DELETE", "/subscriptions/1", nil).must(t, 404) // gone with its subscriber

	// "verify" is only tested for truthiness: the string "false" verifies.
	// Unchecked: the spec wants a boolean.
	e.call("POST", "/subscribers", map[string]any{"email": "x@example.com", "verify": "false"}, unchecked()).must(t, 200)
	clk.add(time.Hour)
	eq(t, "verified", e.call("GET", "/subscribers", nil).must(t, 200).str(t, "data", "1", "verified_at"), "Saturday 25th May 2019 10:01:44")
}

func TestSubscriberSkipVerification(t *testing.T) {
	clk := newClock(time.Date(2019, 5, 1, 10, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now), cachettest.WithSkipSubscriberVerification())
	e.call("POST", "/subscribers", map[string]any{"email": "a@example.com"}).must(t, 200)
	clk.add(time.Hour)
	eq(t, "verified at creation", e.call("GET", "/subscribers", nil).must(t, 200).str(t, "data", "0", "verified_at"), "Wednesday 1st May 2019 10:00:00")
}

func TestMoreSortsAndFilters(t *testing.T) {
	clk := newClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, cachettest.WithClock(clk.now), cachettest.WithMajorOutageRate(30))
	// completed_at: NULL sorts as the largest value (PostgreSQL), so first when descending.
	e.call("POST", "/schedules", map[string]any{"name": "a", "status": 0, "scheduled_at": "2024-06-01 10:00", "completed_at": "2024-06-01 11:00"}).must(t, 200)
	e.call("POST", "/schedules", map[string]any{"name": "b", "status": 0, "scheduled_at": "2024-06-02 10:00"}).must(t, 200)
	e.call("POST", "/schedules", map[string]any{"name": "c", "status": 0, "scheduled_at": "2024-06-03 10:00", "completed_at": "2024-06-03 11:00"}).must(t, 200)
	eqSlice(t, "completed_at", e.call("GET", "/schedules?sort=completed_at", nil).must(t, 200).ids(t), []int{2, 3, 1})

	for _, v := range []int{5, 1, 3} {
		e.call("POST", "/metrics", map[string]any{"name": "m", "suffix": "s", "default_value": v}).must(t, 200)
	}
	eqSlice(t, "default_value", e.call("GET", "/metrics?sort=default_value", nil).must(t, 200).ids(t), []int{1, 3, 2})

	// Filters on any real column, with the column's type.
	e.call("POST", "/components", map[string]any{"name": "a", "status": 1}).must(t, 200)
	clk.add(time.Hour)
	e.call("POST", "/components", map[string]any{"name": "b", "status": 4, "enabled": false}).must(t, 200)
	eqSlice(t, "created_at", e.call("GET", "/components?status=4&created_at=2024-05-01+13:00:00", nil).must(t, 200).ids(t), []int{2})
	// Unchecked, like enabled=maybe: the spec's enabled is 0 or 1.
	eqSlice(t, "enabled=false", e.call("GET", "/components?enabled=false", nil, unchecked()).must(t, 200).ids(t), []int{2})
	e.call("GET", "/components?enabled=maybe", nil, unchecked()).must(t, 500)
	e.call("GET", "/components?status=1&meta=x", nil).must(t, 500)
	e.call("GET", "/components?status[]=1", nil).must(t, 500)
	eqSlice(t, "incident occurred_at", e.call("GET", "/incidents?status=1&occurred_at=2024-05-01", nil).must(t, 200).ids(t), []int{})

	// The disabled component in major outage does not count.
	eq(t, "success", e.call("GET", "/status", nil).must(t, 200).str(t, "data", "status"), "success")
	// One enabled component in major outage out of one: 100% >= 30%.
	e.call("PUT", "/components/1", map[string]any{"status": 4}).must(t, 200)
	eq(t, "danger", e.call("GET", "/status", nil).must(t, 200).str(t, "data", "status"), "danger")
	eq(t, "one component", e.call("GET", "/status", nil).must(t, 200).str(t, "data", "message"), "The system is experiencing major issues")
}
