package cachetcmd

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/cachet"
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
