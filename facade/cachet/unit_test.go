package cachet

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not available: %v", name, err)
	}
	return loc
}

func TestDecoderTimes(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	d := &decoder{loc: paris}
	got := d.time("created_at", "2024-05-01 12:30:15")
	want := time.Date(2024, 5, 1, 12, 30, 15, 0, paris)
	if !got.Equal(want) || got.Location() != paris {
		t.Errorf("time = %v, want %v in Europe/Paris", got, want)
	}
	if d.err != nil {
		t.Fatalf("unexpected error %v", d.err)
	}
	if z := d.optTime("deleted_at", nil); !z.IsZero() || d.err != nil {
		t.Errorf("optTime(nil) = %v, %v; want zero, nil", z, d.err)
	}
	for _, bad := range []string{"", "2024-05-01T12:30:15Z", "2024-05-01 12:30", "01/05/2024 12:30"} {
		d := &decoder{loc: time.UTC}
		if got := d.time("updated_at", bad); !got.IsZero() || d.err == nil {
			t.Errorf("time(%q) = %v, %v; want a decoding error", bad, got, d.err)
		}
	}
	// The first error wins: it names the first field that failed.
	d = &decoder{loc: time.UTC}
	d.time("a", "x")
	d.time("b", "y")
	if d.err == nil || !strings.HasPrefix(d.err.Error(), "a:") {
		t.Errorf("err = %v, want the first field's", d.err)
	}
}

func TestLongTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"Friday 24th May 2019 10:01:44":       time.Date(2019, 5, 24, 10, 1, 44, 0, time.UTC),
		"Wednesday 1st January 2020 00:00:00": time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		"Sunday 2nd February 2020 23:59:59":   time.Date(2020, 2, 2, 23, 59, 59, 0, time.UTC),
		"Tuesday 3rd March 2020 08:00:00":     time.Date(2020, 3, 3, 8, 0, 0, 0, time.UTC),
		"2019-05-24 10:01:44":                 time.Date(2019, 5, 24, 10, 1, 44, 0, time.UTC),
	} {
		d := &decoder{loc: time.UTC}
		if got := d.longTime("verified_at", &in); !got.Equal(want) || d.err != nil {
			t.Errorf("longTime(%q) = %v, %v; want %v", in, got, d.err, want)
		}
	}
	for _, bad := range []string{"Friday 24th of May 2019 10:01:44", "24/05/2019", "Friday 24th Mai 2019 10:01:44"} {
		d := &decoder{loc: time.UTC}
		if got := d.longTime("verified_at", &bad); !got.IsZero() || d.err == nil {
			t.Errorf("longTime(%q) = %v, %v; want an error", bad, got, d.err)
		}
	}
}

// Trap 6: inputs are "Y-m-d H:i" in the client's zone, never with seconds.
func TestFormatInput(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := time.Date(2020, 9, 1, 18, 0, 59, 999, time.UTC)
	if got := formatInput(at, time.UTC); got != "2020-09-01 18:00" {
		t.Errorf("UTC: %q", got)
	}
	if got := formatInput(at, paris); got != "2020-09-01 20:00" {
		t.Errorf("Paris: %q", got)
	}
	if got := optInput(&at, paris); got == nil || *got != "2020-09-01 20:00" {
		t.Errorf("optInput: %v", got)
	}
	if got := optInput(nil, paris); got != nil {
		t.Errorf("optInput(nil) = %q, want nil", *got)
	}
	if got := optInput(&time.Time{}, paris); got != nil {
		t.Errorf("optInput(zero) = %q, want nil", *got)
	}
}

func TestEnumStrings(t *testing.T) {
	for got, want := range map[string]string{
		ComponentUnknown.String():      "Unknown",
		ComponentMajorOutage.String():  "Major Outage",
		ComponentStatus(9).String():    "ComponentStatus(9)",
		IncidentScheduled.String():     "Scheduled",
		IncidentFixed.String():         "Fixed",
		ScheduleInProgress.String():    "In Progress",
		CollapsedUnlessIssue.String():  "Collapsed unless an issue",
		VisibilityHidden.String():      "Hidden",
		CalcAverage.String():           "Average",
		ViewLast12Hours.String():       "Last 12 Hours",
		SystemMajorOutage.String():     "Major outage",
		SystemLevel("purple").String(): `SystemLevel("purple")`,
	} {
		if got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
	if ComponentUnknown.HasIssue() || ComponentOperational.HasIssue() || !ComponentPerformanceIssues.HasIssue() {
		t.Error("HasIssue: only statuses above Operational are issues")
	}
}

// Trap 8 (input side): tags go out as one comma-separated string.
func TestJoinTags(t *testing.T) {
	got, err := joinTags("op", []string{" Test Tag", "Another Test Tag", "test tag"})
	if err != nil || got != "Test Tag,Another Test Tag" {
		t.Errorf("joinTags = %q, %v", got, err)
	}
	for _, bad := range [][]string{{"a,b"}, {"ok", " "}} {
		_, err := joinTags("Components.Create", bad)
		var ae *facade.ArgumentError
		if !errors.As(err, &ae) || ae.Argument != "Tags" || !errors.Is(err, facade.ErrValidation) {
			t.Errorf("joinTags(%q) error = %v, want an *facade.ArgumentError on Tags", bad, err)
		}
	}
}

func TestTagEdit(t *testing.T) {
	current := map[string]string{"test-tag": "Test Tag", "another-test-tag": "Another Test Tag"}
	cases := []struct {
		name     string
		edit     func(*ComponentChanges)
		current  map[string]string
		want     string
		wantSend bool
		wantErr  bool
	}{
		{"add keeps others", func(u *ComponentChanges) { u.AddTag("New") }, current, "Another Test Tag,Test Tag,New", true, false},
		{"add existing is a no-op", func(u *ComponentChanges) { u.AddTag("test tag") }, current, "Another Test Tag,Test Tag", true, false},
		{"remove by slug", func(u *ComponentChanges) { u.RemoveTag("ANOTHER-TEST-TAG") }, current, "Test Tag", true, false},
		{"remove by name", func(u *ComponentChanges) { u.RemoveTag("test tag") }, current, "Another Test Tag", true, false},
		{"remove missing ignored", func(u *ComponentChanges) { u.RemoveTag("nope") }, current, "Another Test Tag,Test Tag", true, false},
		{"remove last refused", func(u *ComponentChanges) { u.RemoveTag("Test Tag", "another-test-tag") }, current, "", false, true},
		{"set replaces", func(u *ComponentChanges) { u.SetTags("X", "Y") }, current, "X,Y", true, false},
		{"set then add", func(u *ComponentChanges) { u.SetTags("X"); u.AddTag("Z") }, nil, "X,Z", true, false},
		{"set empty refused", func(u *ComponentChanges) { u.SetTags() }, nil, "", false, true},
		{"remove on tagless sends nothing", func(u *ComponentChanges) { u.RemoveTag("x") }, map[string]string{}, "", false, false},
		{"comma refused", func(u *ComponentChanges) { u.AddTag("a,b") }, current, "", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var u ComponentChanges
			tc.edit(&u)
			got, send, err := u.tags.apply("Components.Update", tc.current)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, facade.ErrValidation) {
				t.Errorf("err %v does not match facade.ErrValidation", err)
			}
			if got != tc.want || send != tc.wantSend {
				t.Errorf("apply = %q, %v; want %q, %v", got, send, tc.want, tc.wantSend)
			}
		})
	}
}

func TestComponentTagHelpers(t *testing.T) {
	c := Component{Tags: map[string]string{"another-test-tag": "Another Test Tag", "db": "DB"}}
	for _, q := range []string{"Another Test Tag", "another test tag", "ANOTHER-TEST-TAG", "db", " DB "} {
		if !c.HasTag(q) {
			t.Errorf("HasTag(%q) = false", q)
		}
	}
	if c.HasTag("another") {
		t.Error("HasTag matches prefixes")
	}
	if got := c.TagNames(); !slices.Equal(got, []string{"Another Test Tag", "DB"}) {
		t.Errorf("TagNames = %q", got)
	}
	if got := c.TagSlugs(); !slices.Equal(got, []string{"another-test-tag", "db"}) {
		t.Errorf("TagSlugs = %q", got)
	}
}

func TestGroupHelpers(t *testing.T) {
	empty := ComponentGroup{Collapsed: CollapsedUnlessIssue}
	if _, ok := empty.LowestStatus(); ok {
		t.Error("an empty group has no lowest status")
	}
	if !empty.IsOperational() || !empty.ShownCollapsed() || !empty.CollapsedUnlessIssue() || empty.IsCollapsed() || empty.IsOpen() {
		t.Error("empty collapse-unless-issue group: wrong helpers")
	}
	bad := ComponentGroup{Collapsed: CollapsedUnlessIssue, EnabledComponents: []Component{
		{Status: ComponentOperational}, {Status: ComponentPartialOutage}, {Status: ComponentUnknown}}}
	if s, ok := bad.LowestStatus(); !ok || s != ComponentPartialOutage {
		t.Errorf("LowestStatus = %v, %v", s, ok)
	}
	if bad.IsOperational() || bad.ShownCollapsed() {
		t.Error("a group with an outage is not operational and is shown expanded")
	}
	s := ComponentMajorOutage
	fromServer := ComponentGroup{lowest: &s}
	if got, ok := fromServer.LowestStatus(); !ok || got != ComponentMajorOutage {
		t.Errorf("LowestStatus from enabled_components_lowest = %v, %v", got, ok)
	}
	if !(ComponentGroup{Collapsed: CollapsedAlways}).ShownCollapsed() || (ComponentGroup{Collapsed: CollapsedNever}).ShownCollapsed() {
		t.Error("ShownCollapsed ignores the mode")
	}
}

func TestErrorMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"errors":[{"id":"x","status":404,"title":"Not Found","detail":"The requested resource could not be found but may be available again in the future."}]}`:                            "The requested resource could not be found but may be available again in the future.",
		`{"errors":[{"status":400,"title":"Bad Request","detail":"The request has failed validation.","meta":{"details":["The name field is required.","The status field is required."]}}]}`: "The request has failed validation. (The name field is required. The status field is required.)",
		`<html>oops</html>`: "",
		`{"errors":[]}`:     "",
	} {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestValidateEndpoint(t *testing.T) {
	for _, ok := range []string{"https://status.example.com/api/v1", "http://127.0.0.1:8080/status/api/v1"} {
		if err := validateEndpoint("endpoint", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for in, want := range map[string]error{
		"":                                       ErrNoEndpoint,
		"  ":                                     ErrNoEndpoint,
		"https://status.example.com/api/v1/":     ErrInvalidEndpoint,
		"https://status.example.com/api":         ErrInvalidEndpoint,
		"https://status.example.com/api/v2":      ErrInvalidEndpoint,
		"status.example.com/api/v1":              ErrInvalidEndpoint,
		"ftp://status.example.com/api/v1":        ErrInvalidEndpoint,
		"https://status.example.com/api/v1?x=1":  ErrInvalidEndpoint,
		"https://u:secret@example.com/api/v1/":   ErrInvalidEndpoint,
		"https://status.example.com/api/v1#frag": ErrInvalidEndpoint,
	} {
		err := validateEndpoint("endpoint", in)
		var ce *facade.ConfigError
		if !errors.Is(err, want) || !errors.As(err, &ce) {
			t.Errorf("validateEndpoint(%q) = %v, want a *facade.ConfigError matching %v", in, err, want)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

func TestPlan(t *testing.T) {
	sorted := listSpec{op: "X.List", sorts: []string{"id", "name"}}
	groups := listSpec{op: "G.List", sorts: []string{"id", "name"}, honorsOrder: true}
	newest := listSpec{op: "P.List", newestFirst: true}
	plain := listSpec{op: "T.List"}
	cases := []struct {
		spec    listSpec
		opts    ListOptions
		want    plan
		wantErr bool
	}{
		{sorted, ListOptions{}, plan{}, false},
		{sorted, ListOptions{Sort: "name"}, plan{sort: "name"}, false},
		{sorted, ListOptions{Sort: "name", Order: Descending}, plan{sort: "name", order: Descending}, false},
		{sorted, ListOptions{Sort: "name", Order: Ascending}, plan{sort: "name", order: Descending, reverse: true}, false},
		{sorted, ListOptions{Order: Ascending}, plan{sort: "id", order: Descending, reverse: true}, false},
		{sorted, ListOptions{Sort: "colour"}, plan{}, true},
		{sorted, ListOptions{Order: "up"}, plan{}, true},
		{sorted, ListOptions{PerPage: -1}, plan{}, true},
		{groups, ListOptions{Sort: "name", Order: Ascending}, plan{sort: "name", order: Ascending}, false},
		{groups, ListOptions{Order: Descending}, plan{sort: "id", order: Descending}, false},
		{newest, ListOptions{Order: Ascending}, plan{reverse: true}, false},
		{newest, ListOptions{Order: Descending}, plan{}, false},
		{newest, ListOptions{Sort: "id"}, plan{}, true},
		{plain, ListOptions{Order: Ascending}, plan{}, true},
		{plain, ListOptions{Sort: "id"}, plan{}, true},
	}
	for _, tc := range cases {
		got, err := tc.spec.plan(tc.opts)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s %+v: err = %v", tc.spec.op, tc.opts, err)
			continue
		}
		if err != nil {
			var ae *facade.ArgumentError
			if !errors.As(err, &ae) || ae.Operation != tc.spec.op {
				t.Errorf("%s %+v: err = %#v, want an *facade.ArgumentError", tc.spec.op, tc.opts, err)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s %+v: plan = %+v, want %+v", tc.spec.op, tc.opts, got, tc.want)
		}
	}
}

func TestMinutes(t *testing.T) {
	for _, d := range []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, time.Hour} {
		if n, err := minutes("op", d); err != nil || *n != int(d/time.Minute) {
			t.Errorf("minutes(%v) = %v, %v", d, n, err)
		}
	}
	for _, d := range []time.Duration{-time.Minute, 90 * time.Second, 7 * time.Minute, 2 * time.Hour} {
		if _, err := minutes("op", d); !errors.Is(err, facade.ErrValidation) {
			t.Errorf("minutes(%v): err = %v, want a validation error", d, err)
		}
	}
}
