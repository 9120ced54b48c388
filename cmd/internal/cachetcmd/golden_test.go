package cachetcmd_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// clock is the frozen time of every emulator in these tests, so that the
// timestamps in the goldens never move.
var clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// run is one invocation of the CLI.
type run struct {
	args []string
	// tty makes stdout a terminal: st2 tables instead of plain text.
	tty bool
	// env is the process environment; nil means empty.
	env map[string]string
}

// result is what an invocation did.
type result struct {
	code           int
	stdout, stderr string
}

// execute runs the CLI in-process with buffers and the frozen clock.
func execute(t *testing.T, r run) result {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := app.IO{
		Out:           &out,
		Err:           &errOut,
		Getenv:        func(k string) string { return r.env[k] },
		OutIsTerminal: r.tty,
		Columns:       120,
		Now:           func() time.Time { return clock },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cli.Main(ctx, r.args, streams)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// Emulators listen on random ports, which show in permalinks and error
// messages, and make random tokens and verification codes. scrub masks
// them while keeping their length, so that table borders stay where they
// were (ephemeral ports always have five digits on Linux and macOS).
var (
	portRE   = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	tokenRE  = regexp.MustCompile(`\b[0-9a-f]{32}\b`)
	verifyRE = regexp.MustCompile(`\b[A-Za-z0-9]{42}\b`)
)

func scrub(s string) string {
	s = portRE.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
	s = tokenRE.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("T", len(m)) })
	return verifyRE.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("V", len(m)) })
}

// transcript renders runs and their results as a golden file.
func transcript(t *testing.T, runs []run) string {
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		res := execute(t, r)
		mode := "piped"
		if r.tty {
			mode = "terminal"
		}
		fmt.Fprintf(&b, "=== switchboard %s   # stdout: %s\n", scrub(quoteArgs(r.args)), mode)
		fmt.Fprintf(&b, "--- exit %d\n", res.code)
		if res.stdout != "" {
			b.WriteString("--- stdout\n" + scrub(res.stdout))
		}
		if res.stderr != "" {
			b.WriteString("--- stderr\n" + scrub(res.stderr))
		}
	}
	return b.String()
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$;&|") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		} else {
			q[i] = a
		}
	}
	return strings.Join(q, " ")
}

// checkGolden compares got with testdata/<name>.golden, or rewrites it
// under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, name, got, *update)
}

// sb builds the arguments of a sandboxed cachet command.
func sb(args ...string) []string { return append([]string{"--sandbox", "cachet"}, args...) }

// formats runs a command in every output mode: a table on a terminal,
// plain text into a pipe, -j and -y.
func formats(args ...string) []run {
	return []run{
		{args: args, tty: true},
		{args: args},
		{args: append(slices.Clone(args), "-j"), tty: true},
		{args: append(slices.Clone(args), "-y"), tty: true},
	}
}

// tty runs commands on a terminal.
func tty(cmds ...[]string) []run {
	runs := make([]run, len(cmds))
	for i, c := range cmds {
		runs[i] = run{args: c, tty: true}
	}
	return runs
}

// goldenCases are the transcripts under testdata: every command of the
// tree against the seeded sandbox, reads in every format, writes as a
// table and as JSON. Each run gets a fresh sandbox (as each --sandbox
// invocation does), so a run never sees what an earlier one changed.
var goldenCases = []struct {
	name string
	runs []run
}{
	{"ping", formats(sb("ping")...)},
	{"version", formats(sb("version")...)},
	{"status", formats(sb("status")...)},

	{"component_list", formats(sb("component", "list")...)},
	{"component_list_filters", tty(
		sb("component", "list", "--status", "performance-issues"),
		sb("component", "list", "--status", "1", "--group", "1"),
		sb("component", "list", "--tag", "frontend", "--tag", "backend", "--sort", "name", "--order", "asc"),
		sb("component", "list", "--disabled"),
		sb("components", "list", "--enabled", "--name", "API"),
		sb("component", "list", "--sort", "name", "-n", "2"),
		sb("component", "list", "--status", "major-outage"),
	)},
	{"component_get", formats(sb("component", "get", "1")...)},
	{"component_create", append(tty(
		sb("component", "create", "--name", "CDN", "--status", "partial-outage", "--description", "Edge caches",
			"--link", "https://cdn.example.com", "--group", "1", "--order", "4", "--tag", "Edge", "--tag", "Public",
			"--meta", "owner=web-team"),
		sb("component", "create", "--name", "Batch jobs", "--disabled"),
	), run{args: sb("component", "create", "--name", "CDN", "-j")})},
	{"component_update", tty(
		sb("component", "update", "2", "--status", "operational", "--silent"),
		sb("component", "update", "1", "--add-tag", "Critical", "--remove-tag", "public", "-a", "id", "tags"),
		sb("component", "update", "3", "--tag", "Storage", "--name", "Primary database", "--disabled", "-j"),
	)},
	{"component_delete", tty(
		sb("component", "delete", "4"),
		sb("component", "delete", "4", "-j"),
	)},

	{"group_list", formats(sb("group", "list")...)},
	{"group_list_filters", tty(
		sb("groups", "list", "--public", "--collapsed", "unless-issue"),
		sb("group", "list", "--private"),
		sb("group", "list", "--name", "Platform", "--sort", "name", "--order", "desc"),
	)},
	{"group_get", formats(sb("group", "get", "1")...)},
	{"group_create", tty(
		sb("group", "create", "--name", "Data", "--public", "--collapsed", "always", "--order", "2"),
		sb("group", "create", "--name", "Internal", "-j"),
	)},
	{"group_update", tty(
		sb("group", "update", "1", "--name", "Core platform", "--collapsed", "never", "--private"),
	)},
	{"group_delete", tty(sb("group", "delete", "1"))},

	{"incident_list", formats(sb("incident", "list")...)},
	{"incident_list_filters", tty(
		sb("incidents", "list", "--status", "fixed"),
		sb("incident", "list", "--component", "2", "--public"),
		sb("incident", "list", "--sort", "occurred_at", "--order", "asc", "-n", "1"),
		sb("incident", "list", "--name", "Slow API responses", "--user", "1", "--unstickied"),
		sb("incident", "list", "--stickied"),
	)},
	{"incident_get", formats(sb("incident", "get", "2")...)},
	{"incident_create", tty(
		sb("incident", "create", "--name", "Database failover", "--message", "The primary database failed over.",
			"--status", "watching", "--component", "3", "--component-status", "major-outage",
			"--occurred-at", "2024-05-01 11:45", "--stickied", "--meta", "ticket=OPS-1"),
		sb("incident", "create", "--name", "From a template", "--template", "investigating",
			"--var", "details=More soon.", "--component", "1", "--component-status", "performance-issues", "--private", "-j"),
	)},
	{"incident_update", tty(
		sb("incident", "update", "2", "--status", "fixed", "--message", "Fixed by adding the index.", "--unstickied"),
		sb("incident", "update", "1", "--occurred-at", "2024-04-28 09:30", "--private", "-a", "id", "occurred_at", "visible"),
	)},
	{"incident_delete", tty(sb("incident", "delete", "1"))},

	{"incident_update_list", formats(sb("incident-update", "list", "2")...)},
	{"incident_update_get", formats(sb("incident-update", "get", "2", "1")...)},
	{"incident_update_create", tty(
		sb("incident-update", "create", "2", "--status", "fixed", "--message", "The index is in place."),
		sb("incident-updates", "create", "2", "--status", "watching", "--message", "Watching.", "-j"),
	)},
	{"incident_update_update", tty(
		sb("incident-update", "update", "2", "1", "--message", "An index was missing.", "--status", "2"),
	)},
	{"incident_update_delete", tty(sb("incident-update", "delete", "2", "1"))},

	{"template_list", formats(sb("template", "list")...)},
	{"template_get", formats(sb("template", "get", "1")...)},

	{"metric_list", formats(sb("metric", "list")...)},
	{"metric_list_sorted", tty(sb("metrics", "list", "--sort", "name", "--order", "asc", "-n", "5"))},
	{"metric_get", formats(sb("metric", "get", "1")...)},
	{"metric_create", tty(
		sb("metric", "create", "--name", "Error rate", "--suffix", "%", "--description", "Share of 5xx answers",
			"--calc-type", "sum", "--default-view", "week", "--places", "1", "--threshold", "10",
			"--visibility", "logged-in", "--hide-chart", "--default-value", "0", "--order", "2"),
		sb("metric", "create", "--name", "Queue depth", "--suffix", "jobs", "-j"),
	)},
	{"metric_update", tty(
		sb("metric", "update", "1", "--name", "API latency", "--default-view", "last-hour", "--visibility", "hidden", "--threshold", "15"),
	)},
	{"metric_delete", tty(sb("metric", "delete", "1"))},

	{"metric_point_list", formats(sb("metric-point", "list", "1")...)},
	{"metric_point_list_order", tty(
		sb("metric-points", "list", "1", "--order", "asc"),
		sb("metric-point", "list", "1", "-n", "2"),
	)},
	{"metric_point_create", tty(
		sb("metric-point", "create", "1", "110"),
		sb("metric-point", "create", "1", "95.5", "--timestamp", "2024-05-01 11:58"),
		sb("metric-point", "create", "-j", "1", "--", "-3"),
	)},
	{"metric_point_update", tty(
		sb("metric-point", "update", "1", "2", "--value", "300"),
		sb("metric-point", "update", "1", "2", "--timestamp", "2024-05-01 11:00", "-j"),
	)},
	{"metric_point_delete", tty(sb("metric-point", "delete", "1", "3"))},

	{"schedule_list", formats(sb("schedule", "list")...)},
	{"schedule_get", formats(sb("schedule", "get", "1")...)},
	{"schedule_create", tty(
		sb("schedule", "create", "--name", "Network maintenance", "--message", "Switch firmware upgrade.",
			"--scheduled-at", "2024-05-10 22:00", "--completed-at", "2024-05-10 23:30", "--notify"),
		sb("schedule", "create", "--name", "Now", "--status", "in-progress", "--scheduled-at", "2024-05-01 11:00", "-j"),
		sb("--time-zone", "Europe/Paris", "schedule", "create", "--name", "Paris time",
			"--scheduled-at", "2024-05-02 08:00", "-a", "id", "scheduled_at"),
	)},
	{"schedule_update", tty(
		sb("schedule", "update", "1", "--status", "in-progress", "--completed-at", "2024-05-03 14:00"),
		sb("schedule", "update", "1", "--scheduled-at", "2024-05-03 10:00", "--name", "Database upgrade (moved)", "-j"),
	)},
	{"schedule_delete", tty(sb("schedule", "delete", "1"))},

	{"subscriber_list", formats(sb("subscriber", "list")...)},
	{"subscriber_create", tty(
		sb("subscriber", "create", "dev@example.com", "--component", "1", "--component", "2"),
		sb("subscribers", "create", "ops@example.com", "-a", "id", "email", "created_at"),
		sb("subscriber", "create", "new@example.com", "--send-verification-email", "-a", "id", "email"),
	)},
	{"subscriber_delete", tty(sb("subscriber", "delete", "1"))},

	// -a picks attributes, dotted paths included; -w sets column widths.
	{"attributes", tty(
		sb("component", "list", "-a", "id", "name", "status", "status_name", "tags"),
		sb("component", "list", "-a", "all", "-n", "1"),
		sb("component", "get", "1", "-a", "name", "status_name", "tags"),
		sb("component", "get", "1", "-a", "name,tags.frontend", "-j"),
		sb("group", "get", "1", "-a", "id", "enabled_components", "-y"),
		sb("incident", "list", "-a", "id", "name", "updates", "-j"),
		sb("version", "-a", "latest.tag_name"),
	)},
	{"widths", tty(
		sb("component", "list", "-w", "4", "12", "20"),
		sb("incident", "list", "-w", "10"),
		sb("schedule", "list", "-a", "id", "name", "scheduled_at", "-w", "3,18,19"),
	)},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, c.name, transcript(t, c.runs))
		})
	}
}

// TestEveryCommandHasAGolden keeps the goldens complete: each leaf of the
// cachet tree must be run by at least one golden case.
func TestEveryCommandHasAGolden(t *testing.T) {
	root := cli.NewRoot(app.New(app.IO{}))
	covered := map[string]bool{}
	for _, c := range goldenCases {
		for _, r := range c.runs {
			if cmd, _, err := root.Find(r.args); err == nil {
				covered[cmd.CommandPath()] = true
			}
		}
	}
	cachetCmd, _, err := root.Find([]string{"cachet"})
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() {
			if !covered[c.CommandPath()] {
				t.Errorf("%q has no golden case", c.CommandPath())
			}
			return
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cachetCmd)
}
