package cachetcmd_test

import (
	"regexp"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
)

// session runs the CLI for the goldens. Besides the emulators' ports, it
// masks their random tokens and verification codes, keeping their length.
var session = transcript.Session{Scrub: []transcript.Rule{
	transcript.Mask(regexp.MustCompile(`\b[0-9a-f]{32}\b`), "T"),
	transcript.Mask(regexp.MustCompile(`\b[A-Za-z0-9]{42}\b`), "V"),
}}

var (
	// sb builds the arguments of a sandboxed cachet command.
	sb      = transcript.Args("--sandbox", "cachet")
	formats = transcript.Formats
	tty     = transcript.TTY
)

// goldenCases are the transcripts under testdata: every command of the
// tree against the seeded sandbox, reads in every format, writes as a
// table and as JSON. Each run gets a fresh sandbox (as each --sandbox
// invocation does), so a run never sees what an earlier one changed.
var goldenCases = []transcript.Case{
	{Name: "ping", Runs: formats(sb("ping")...)},
	{Name: "version", Runs: formats(sb("version")...)},
	{Name: "status", Runs: formats(sb("status")...)},

	{Name: "component_list", Runs: formats(sb("component", "list")...)},
	{Name: "component_list_filters", Runs: tty(
		sb("component", "list", "--status", "performance-issues"),
		sb("component", "list", "--status", "1", "--group", "1"),
		sb("component", "list", "--tag", "frontend", "--tag", "backend", "--sort", "name", "--order", "asc"),
		sb("component", "list", "--disabled"),
		sb("components", "list", "--enabled", "--name", "API"),
		sb("component", "list", "--sort", "name", "-n", "2"),
		sb("component", "list", "--status", "major-outage"),
	)},
	{Name: "component_get", Runs: formats(sb("component", "get", "1")...)},
	{Name: "component_create", Runs: append(tty(
		sb("component", "create", "--name", "CDN", "--status", "partial-outage", "--description", "Edge caches",
			"--link", "https://cdn.example.com", "--group", "1", "--order", "4", "--tag", "Edge", "--tag", "Public",
			"--meta", "owner=web-team"),
		sb("component", "create", "--name", "Batch jobs", "--disabled"),
	), transcript.Run{Args: sb("component", "create", "--name", "CDN", "-j")})},
	{Name: "component_update", Runs: tty(
		sb("component", "update", "2", "--status", "operational", "--silent"),
		sb("component", "update", "1", "--add-tag", "Critical", "--remove-tag", "public", "-a", "id", "tags"),
		sb("component", "update", "3", "--tag", "Storage", "--name", "Primary database", "--disabled", "-j"),
	)},
	{Name: "component_delete", Runs: tty(
		sb("component", "delete", "4"),
		sb("component", "delete", "4", "-j"),
	)},

	{Name: "group_list", Runs: formats(sb("group", "list")...)},
	{Name: "group_list_filters", Runs: tty(
		sb("groups", "list", "--public", "--collapsed", "unless-issue"),
		sb("group", "list", "--private"),
		sb("group", "list", "--name", "Platform", "--sort", "name", "--order", "desc"),
	)},
	{Name: "group_get", Runs: formats(sb("group", "get", "1")...)},
	{Name: "group_create", Runs: tty(
		sb("group", "create", "--name", "Data", "--public", "--collapsed", "always", "--order", "2"),
		sb("group", "create", "--name", "Internal", "-j"),
	)},
	{Name: "group_update", Runs: tty(
		sb("group", "update", "1", "--name", "Core platform", "--collapsed", "never", "--private"),
	)},
	{Name: "group_delete", Runs: tty(sb("group", "delete", "1"))},

	{Name: "incident_list", Runs: formats(sb("incident", "list")...)},
	{Name: "incident_list_filters", Runs: tty(
		sb("incidents", "list", "--status", "fixed"),
		sb("incident", "list", "--component", "2", "--public"),
		sb("incident", "list", "--sort", "occurred_at", "--order", "asc", "-n", "1"),
		sb("incident", "list", "--name", "Slow API responses", "--user", "1", "--unstickied"),
		sb("incident", "list", "--stickied"),
	)},
	{Name: "incident_get", Runs: formats(sb("incident", "get", "2")...)},
	{Name: "incident_create", Runs: tty(
		sb("incident", "create", "--name", "Database failover", "--message", "The primary database failed over.",
			"--status", "watching", "--component", "3", "--component-status", "major-outage",
			"--occurred-at", "2024-05-01 11:45", "--stickied", "--meta", "ticket=OPS-1"),
		sb("incident", "create", "--name", "From a template", "--template", "investigating",
			"--var", "details=More soon.", "--component", "1", "--component-status", "performance-issues", "--private", "-j"),
	)},
	{Name: "incident_update", Runs: tty(
		sb("incident", "update", "2", "--status", "fixed", "--message", "Fixed by adding the index.", "--unstickied"),
		sb("incident", "update", "1", "--occurred-at", "2024-04-28 09:30", "--private", "-a", "id", "occurred_at", "visible"),
	)},
	{Name: "incident_delete", Runs: tty(sb("incident", "delete", "1"))},

	{Name: "incident_update_list", Runs: formats(sb("incident-update", "list", "2")...)},
	{Name: "incident_update_get", Runs: formats(sb("incident-update", "get", "2", "1")...)},
	{Name: "incident_update_create", Runs: tty(
		sb("incident-update", "create", "2", "--status", "fixed", "--message", "The index is in place."),
		sb("incident-updates", "create", "2", "--status", "watching", "--message", "Watching.", "-j"),
	)},
	{Name: "incident_update_update", Runs: tty(
		sb("incident-update", "update", "2", "1", "--message", "An index was missing.", "--status", "2"),
	)},
	{Name: "incident_update_delete", Runs: tty(sb("incident-update", "delete", "2", "1"))},

	{Name: "template_list", Runs: formats(sb("template", "list")...)},
	{Name: "template_get", Runs: formats(sb("template", "get", "1")...)},

	{Name: "metric_list", Runs: formats(sb("metric", "list")...)},
	{Name: "metric_list_sorted", Runs: tty(sb("metrics", "list", "--sort", "name", "--order", "asc", "-n", "5"))},
	{Name: "metric_get", Runs: formats(sb("metric", "get", "1")...)},
	{Name: "metric_create", Runs: tty(
		sb("metric", "create", "--name", "Error rate", "--suffix", "%", "--description", "Share of 5xx answers",
			"--calc-type", "sum", "--default-view", "week", "--places", "1", "--threshold", "10",
			"--visibility", "logged-in", "--hide-chart", "--default-value", "0", "--order", "2"),
		sb("metric", "create", "--name", "Queue depth", "--suffix", "jobs", "-j"),
	)},
	{Name: "metric_update", Runs: tty(
		sb("metric", "update", "1", "--name", "API latency", "--default-view", "last-hour", "--visibility", "hidden", "--threshold", "15"),
	)},
	{Name: "metric_delete", Runs: tty(sb("metric", "delete", "1"))},

	{Name: "metric_point_list", Runs: formats(sb("metric-point", "list", "1")...)},
	{Name: "metric_point_list_order", Runs: tty(
		sb("metric-points", "list", "1", "--order", "asc"),
		sb("metric-point", "list", "1", "-n", "2"),
	)},
	{Name: "metric_point_create", Runs: tty(
		sb("metric-point", "create", "1", "110"),
		sb("metric-point", "create", "1", "95.5", "--timestamp", "2024-05-01 11:58"),
		sb("metric-point", "create", "-j", "1", "--", "-3"),
	)},
	{Name: "metric_point_update", Runs: tty(
		sb("metric-point", "update", "1", "2", "--value", "300"),
		sb("metric-point", "update", "1", "2", "--timestamp", "2024-05-01 11:00", "-j"),
	)},
	{Name: "metric_point_delete", Runs: tty(sb("metric-point", "delete", "1", "3"))},

	{Name: "schedule_list", Runs: formats(sb("schedule", "list")...)},
	{Name: "schedule_get", Runs: formats(sb("schedule", "get", "1")...)},
	{Name: "schedule_create", Runs: tty(
		sb("schedule", "create", "--name", "Network maintenance", "--message", "Switch firmware upgrade.",
			"--scheduled-at", "2024-05-10 22:00", "--completed-at", "2024-05-10 23:30", "--notify"),
		sb("schedule", "create", "--name", "Now", "--status", "in-progress", "--scheduled-at", "2024-05-01 11:00", "-j"),
		sb("--time-zone", "Europe/Paris", "schedule", "create", "--name", "Paris time",
			"--scheduled-at", "2024-05-02 08:00", "-a", "id", "scheduled_at"),
	)},
	{Name: "schedule_update", Runs: tty(
		sb("schedule", "update", "1", "--status", "in-progress", "--completed-at", "2024-05-03 14:00"),
		sb("schedule", "update", "1", "--scheduled-at", "2024-05-03 10:00", "--name", "Database upgrade (moved)", "-j"),
	)},
	{Name: "schedule_delete", Runs: tty(sb("schedule", "delete", "1"))},

	{Name: "subscriber_list", Runs: formats(sb("subscriber", "list")...)},
	{Name: "subscriber_create", Runs: tty(
		sb("subscriber", "create", "dev@example.com", "--component", "1", "--component", "2"),
		sb("subscribers", "create", "ops@example.com", "-a", "id", "email", "created_at"),
		sb("subscriber", "create", "new@example.com", "--send-verification-email", "-a", "id", "email"),
	)},
	{Name: "subscriber_delete", Runs: tty(sb("subscriber", "delete", "1"))},

	// -a picks attributes, dotted paths included; -w sets column widths.
	{Name: "attributes", Runs: tty(
		sb("component", "list", "-a", "id", "name", "status", "status_name", "tags"),
		sb("component", "list", "-a", "all", "-n", "1"),
		sb("component", "get", "1", "-a", "name", "status_name", "tags"),
		sb("component", "get", "1", "-a", "name,tags.frontend", "-j"),
		sb("group", "get", "1", "-a", "id", "enabled_components", "-y"),
		sb("incident", "list", "-a", "id", "name", "updates", "-j"),
		sb("version", "-a", "latest.tag_name"),
	)},
	{Name: "widths", Runs: tty(
		sb("component", "list", "-w", "4", "12", "20"),
		sb("incident", "list", "-w", "10"),
		sb("schedule", "list", "-a", "id", "name", "scheduled_at", "-w", "3,18,19"),
	)},
}

func TestGolden(t *testing.T) { session.CheckCases(t, goldenCases) }

// TestEveryCommandHasAGolden keeps the goldens complete: each leaf of the
// cachet tree must be run by at least one golden case.
func TestEveryCommandHasAGolden(t *testing.T) {
	transcript.RequireEveryCommand(t, goldenCases, "cachet")
}
