package cachetcmd

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/spf13/pflag"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

func TestAPIView(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	at := time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   any
		loc  *time.Location
		want string
	}{
		{
			name: "component: times in the zone, zero time as null, omitempty",
			in: &cachet.Component{ID: 1, Name: "API", Status: cachet.ComponentMajorOutage, StatusName: "Major Outage",
				Tags: map[string]string{"backend": "Backend"}, CreatedAt: at},
			loc: paris,
			want: `{"created_at":"2024-05-01 12:30:00","description":"","enabled":false,"group_id":0,"id":1,"link":"",` +
				`"name":"API","order":0,"status":4,"status_name":"Major Outage","tags":{"backend":"Backend"},"updated_at":null}`,
		},
		{
			name: "metric: threshold in minutes, derived default_view_name",
			in: cachet.Metric{ID: 2, Name: "Latency", Suffix: "ms", CalcType: cachet.CalcAverage, DefaultView: cachet.ViewWeek,
				Threshold: 15 * time.Minute, Visible: cachet.VisibilityHidden, CreatedAt: at, UpdatedAt: at},
			loc: time.UTC,
			want: `{"calc_type":1,"created_at":"2024-05-01 10:30:00","default_value":0,"default_view":2,"default_view_name":"Week",` +
				`"description":"","display_chart":false,"id":2,"name":"Latency","order":0,"places":0,"suffix":"ms",` +
				`"threshold":15,"updated_at":"2024-05-01 10:30:00","visible":2}`,
		},
		{
			name: "slices of structs, nil slice as []",
			in:   []cachet.Schedule{{ID: 3, Name: "Upgrade", Status: cachet.ScheduleInProgress, HumanStatus: "In Progress", ScheduledAt: at}},
			loc:  time.UTC,
			want: `[{"completed_at":null,"components":[],"created_at":null,"human_status":"In Progress","id":3,"message":"",` +
				`"name":"Upgrade","scheduled_at":"2024-05-01 10:30:00","status":1,"updated_at":null}]`,
		},
		{
			name: "system status: string enum",
			in:   &cachet.SystemStatus{Level: cachet.SystemIssues, Message: "Some systems are experiencing issues"},
			loc:  time.UTC,
			want: `{"message":"Some systems are experiencing issues","status":"info"}`,
		},
		{
			name: "incident: duration in seconds, no latest update as null",
			in: cachet.Incident{ID: 4, Name: "Down", Status: cachet.IncidentWatching, LatestStatus: cachet.IncidentWatching,
				LatestHumanStatus: "Watching", Duration: 3 * time.Minute, Meta: map[string]any{"n": 3.0}},
			loc: time.UTC,
			want: `{"component_id":0,"created_at":null,"duration":180,"human_status":"","id":4,"is_resolved":false,` +
				`"latest_human_status":"Watching","latest_icon":null,"latest_status":3,"latest_update_id":null,"message":"",` +
				`"meta":{"n":3},"name":"Down","notifications":false,"occurred_at":null,"status":3,"stickied":false,` +
				`"updated_at":null,"updates":[],"user_id":0,"visible":0}`,
		},
		{
			name: "group: embedded rows without tags",
			in: cachet.ComponentGroup{ID: 1, Name: "Platform", EnabledComponents: []cachet.Component{
				{ID: 2, Name: "API", Status: cachet.ComponentOperational, Tags: map[string]string{}}}},
			loc: time.UTC,
			want: `{"collapsed":0,"created_at":null,"enabled_components":[{"created_at":null,"description":"","enabled":false,` +
				`"group_id":0,"id":2,"link":"","name":"API","order":0,"status":1,"updated_at":null}],"id":1,"name":"Platform",` +
				`"order":0,"updated_at":null,"visible":0}`,
		},
		{
			name: "metric point: floats keep a decimal",
			in:   cachet.MetricPoint{ID: 5, MetricID: 1, Value: 120, Counter: 2, CalculatedValue: 240.5},
			loc:  time.UTC,
			want: `{"calculated_value":240.5,"counter":2,"created_at":null,"id":5,"metric_id":1,"updated_at":null,"value":120.0}`,
		},
		{name: "nil pointer", in: (*cachet.Component)(nil), loc: time.UTC, want: `null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(apiView(tc.in, tc.loc))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// Every duration of the facade's types needs its wire unit, or apiView
// panics on it.
func TestDurationUnits(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			name, _, ok := jsonName(f)
			if ok && f.Type == durationType {
				if _, known := durationUnits[name]; !known {
					t.Errorf("%s.%s: no wire unit for %q in durationUnits", ty.Name(), f.Name, name)
				}
			}
			walk(f.Type)
		}
	}
	for _, v := range []any{cachet.Component{}, cachet.ComponentGroup{}, cachet.Incident{}, cachet.IncidentTemplate{},
		cachet.Metric{}, cachet.MetricPoint{}, cachet.Schedule{}, cachet.Subscriber{}, cachet.Version{}, cachet.SystemStatus{}} {
		walk(reflect.TypeOf(v))
	}
}

// The CLI shows objects with the API's own names: every key apiView
// gives a facade type, and every json tag it may give, is a property of
// the type's schema in the spec.
func TestAPINames(t *testing.T) {
	raw, err := cachetapi.GetSpecJSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		schema string
		v      any
	}{
		{"Component", cachet.Component{}},
		{"ComponentGroup", cachet.ComponentGroup{}},
		{"Incident", cachet.Incident{}},
		{"IncidentUpdate", cachet.IncidentUpdate{}},
		{"IncidentTemplate", cachet.IncidentTemplate{}},
		{"Metric", cachet.Metric{}},
		{"MetricPoint", cachet.MetricPoint{}},
		{"Schedule", cachet.Schedule{}},
		{"ScheduleComponent", cachet.ScheduleComponent{}},
		{"Subscriber", cachet.Subscriber{}},
		{"Subscription", cachet.Subscription{}},
		{"LatestRelease", cachet.Release{}},
		{"SystemStatus", cachet.SystemStatus{}},
	} {
		ref := doc.Components.Schemas[tc.schema]
		if ref == nil || ref.Value == nil {
			t.Errorf("no schema %s in the spec", tc.schema)
			continue
		}
		names := map[string]bool{}
		for k := range apiView(tc.v, time.UTC).(map[string]any) {
			names[k] = true
		}
		ty := reflect.TypeOf(tc.v)
		for i := range ty.NumField() {
			if name, _, ok := jsonName(ty.Field(i)); ok {
				names[name] = true
			}
		}
		for name := range names {
			if _, ok := ref.Value.Properties[name]; !ok {
				t.Errorf("%T shows %q, which schema %s does not have", tc.v, name, tc.schema)
			}
		}
	}
}

func TestAPIFloat(t *testing.T) {
	for in, want := range map[float64]string{120: "120.0", -3: "-3.0", 0: "0.0", 95.5: "95.5", 0.001: "0.001", 1e15: "1000000000000000.0"} {
		if got := apiFloat(in); got != json.Number(want) {
			t.Errorf("apiFloat(%v) = %v, want %s", in, got, want)
		}
	}
}

func TestEnumFlag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want cachet.ComponentStatus
		ok   bool
	}{
		{"operational", cachet.ComponentOperational, true},
		{"Major Outage", cachet.ComponentMajorOutage, true},
		{"partial_outage", cachet.ComponentPartialOutage, true},
		{" 0 ", cachet.ComponentUnknown, true},
		{"4", cachet.ComponentMajorOutage, true},
		{"5", 0, false},
		{"-1", 0, false},
		{"down", 0, false},
		{"", 0, false},
	} {
		var got cachet.ComponentStatus
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		enumVar(fs, &got, "status", "status", componentStatuses, false, "status")
		err := fs.Set("status", tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("--status %q: got %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}

	// Help shows a default only where the flag has one.
	var filter, create cachet.ScheduleStatus
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	enumVar(fs, &filter, "filter", "status", scheduleStatuses, false, "filter")
	enumVar(fs, &create, "create", "status", scheduleStatuses, true, "create")
	if d := fs.Lookup("filter").DefValue; d != "" {
		t.Errorf("filter default shown as %q", d)
	}
	if d := fs.Lookup("create").DefValue; d != "upcoming" {
		t.Errorf("create default shown as %q, want upcoming", d)
	}
}

func TestTagNames(t *testing.T) {
	// Table cells get the output package's normalized values.
	if got := tagNames(""); got != "" {
		t.Errorf("empty: %q", got)
	}
	if got := tagNames(42); got != 42 {
		t.Errorf("non-map changed: %v", got)
	}
	m := output.NewMap()
	m.Set("public", "Public")
	m.Set("backend", "Backend")
	if got := tagNames(m); got != "Backend, Public" {
		t.Errorf("tags: %q", got)
	}
}
