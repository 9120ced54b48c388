package cachettest

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPHPVersionCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2.4.0-dev", "v2.3.18", 1}, // "v" is an unknown word, below every number
		{"2.4.0-dev", "2.4.0", -1},  // dev < release
		{"2.3.18", "2.3.18", 0},
		{"2.3.10", "2.3.9", 1},
		{"2.4.0-RC1", "2.4.0-beta2", 1},
		{"2.4.0-alpha", "2.4.0-dev", 1},
		{"1.0", "1.0.0", -1},
		{"1.0pl1", "1.0", 1},
	} {
		if got := phpVersionCompare(c.a, c.b); got != c.want {
			t.Errorf("version_compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Another Test Tag": "another-test-tag",
		"  Foo  Bar  ":     "foo-bar",
		"Foo.Bar":          "foobar",
		"snake_case":       "snake-case",
		"ops@example":      "ops-at-example",
		"Café Crème":       "cafe-creme",
		"--x--":            "x",
		"日本":               "",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseInputTime(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 37, 0, time.UTC)
	for in, want := range map[string]string{
		"2024-01-02 03:04": "2024-01-02 03:04:37",
		"2024-1-2 3:04":    "2024-01-02 03:04:37",
		"2019-02-30 10:00": "2019-03-02 10:00:37",
		"2019-01-01 10:75": "2019-01-01 11:15:37",
	} {
		got, perr := parseInputTime(in, time.UTC, now)
		if perr != "" || got.Format(phpDateTime) != want {
			t.Errorf("parse(%q) = %v %q, want %s", in, got, perr, want)
		}
	}
	for in, want := range map[string]string{
		"2024-01-02 03:04:05": "Trailing data",
		"2024-01-02":          "Data missing",
		"":                    "Data missing",
		"soon":                "A four digit year could not be found",
		"2024/01/02 03:04":    "The separation symbol could not be found",
	} {
		if _, perr := parseInputTime(in, time.UTC, now); perr != want {
			t.Errorf("parse(%q) error %q, want %q", in, perr, want)
		}
	}
}

func TestLongDate(t *testing.T) {
	for _, c := range []struct {
		day  int
		want string
	}{{1, "Wednesday 1st May 2019 10:01:44"}, {2, "Thursday 2nd May 2019 10:01:44"}, {3, "Friday 3rd May 2019 10:01:44"},
		{11, "Saturday 11th May 2019 10:01:44"}, {22, "Wednesday 22nd May 2019 10:01:44"}, {24, "Friday 24th May 2019 10:01:44"}} {
		if got := fmtLongDate(time.Date(2019, 5, c.day, 10, 1, 44, 0, time.UTC), time.UTC); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestRenderTwig(t *testing.T) {
	vars := map[string]any{
		"who":      "<ops>",
		"n":        int64(3),
		"f":        1.5,
		"yes":      true,
		"no":       false,
		"incident": map[string]any{"name": "DB", "component": nil},
	}
	for src, want := range map[string]string{
		"{{ incident.name }} by {{who}}":         "DB by &lt;ops&gt;",
		"{{ who|raw }} {{ who|e }}":              "<ops> &lt;ops&gt;",
		"{{ n }}/{{ f }}/{{ yes }}/{{ no }}!":    "3/1.5/1/!",
		"{{ incident.component.name }}|":         "|",
		"{{ missing }}{# gone #}x":               "x",
		"a  {{- incident.name -}}  b":            "aDBb",
		"{% if x %}y{% endif %}":                 "{% if x %}y{% endif %}",
		"{{ incident.name|upper }} {{ n + 1 }}":  "DB {{ n + 1 }}",
		"{{ who|nosuchfilter }}":                 "{{ who|nosuchfilter }}",
		"unclosed {{ incident.name":              "unclosed {{ incident.name",
		"{ single } {{ incident.name|lower }} {": "{ single } db {",
	} {
		if got := renderTwig(src, vars); got != want {
			t.Errorf("render(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestParsePHPQuery(t *testing.T) {
	got := parsePHPQuery("a=1&tags[]=x&tags[]=y&m[k]=v&a=2&sp=a+b&enc=%2F")
	want := []kv{
		{"a", "2"},
		{"tags", []any{"x", "y"}},
		{"m", map[string]any{"k": "v"}},
		{"sp", "a b"},
		{"enc", "/"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}

func TestAcceptsJSON(t *testing.T) {
	for _, c := range []struct {
		h    []string
		want bool
	}{
		{nil, true},
		{[]string{""}, true},
		{[]string{"application/json"}, true},
		{[]string{"text/html"}, false},
		{[]string{"text/html", "application/json"}, true},
		{[]string{"text/plain; q=1, */*; q=0.1"}, true},
		{[]string{"application/vnd.api+json"}, false},
	} {
		if got := acceptsJSON(c.h); got != c.want {
			t.Errorf("acceptsJSON(%q) = %v", c.h, got)
		}
	}
}

func TestValidateSemantics(t *testing.T) {
	// A blank string skips non-required rules; nullable skips null.
	if err := validate(f("link", "", "nullable|url"), f("order", nil, "nullable|int")); err != nil {
		t.Errorf("unexpected %v", err)
	}
	// A failed required stops the attribute; other rules go on.
	err := validate(f("name", nil, "required|string"), f("status", "x", "required|int|min:0|max:4"))
	want := []string{"The name field is required.", "The status must be an integer."}
	if err == nil || !reflect.DeepEqual(err.details, want) {
		t.Errorf("got %v, want %v", err, want)
	}
	// Absent (not null) model attributes skip everything but required.
	if err := validate(field{name: "order", rules: "int"}); err != nil {
		t.Errorf("absent attribute: %v", err)
	}
	for _, v := range []any{int64(1), "12", "-3", "+4", 2.0, true} {
		if !isPHPInt(v) {
			t.Errorf("%#v should be an int", v)
		}
	}
	for _, v := range []any{"1.5", "012", "", "abc", 1.5, false, nil, []any{}} {
		if isPHPInt(v) {
			t.Errorf("%#v should not be an int", v)
		}
	}
}

// The zone cache belongs to one server, keeps only names that loaded, and
// stays bounded whatever spellings clients send.
func TestZoneCache(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Paris"); err != nil {
		t.Skipf("no zone database: %v", err)
	}
	a, b := newUnstarted(), newUnstarted()
	if loc := a.zones.load("Europe/Paris"); loc == nil || loc.String() != "Europe/Paris" {
		t.Fatalf("load(Europe/Paris) = %v", loc)
	}
	if _, ok := a.zones.m.Load("Europe/Paris"); !ok {
		t.Error("a loaded zone is not cached")
	}
	if _, ok := b.zones.m.Load("Europe/Paris"); ok {
		t.Error("the cache is shared between servers")
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "", "europe/paris"} {
		if loc := a.zones.load(bad); loc != nil {
			t.Errorf("load(%q) = %v, want nil", bad, loc)
		}
		if _, ok := a.zones.m.Load(bad); ok {
			t.Errorf("the unknown zone %q was cached", bad)
		}
	}
	// "Europe//Paris", "Europe///Paris"... all load: the cache stops
	// growing at maxZones, and loading still works past it.
	name := "Europe/Paris"
	for range maxZones + 10 {
		name = strings.Replace(name, "/", "//", 1)
		if a.zones.load(name) == nil {
			t.Fatalf("load(%q) failed", name)
		}
	}
	stored := 0
	a.zones.m.Range(func(any, any) bool { stored++; return true })
	if stored != maxZones || a.zones.n.Load() != maxZones {
		t.Errorf("%d zones stored (count %d), want the bound %d", stored, a.zones.n.Load(), maxZones)
	}
}
