package st2cmd_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// clock is the frozen time of every emulator in these tests, so that ids
// (which embed it) and timestamps never move; with it the sandbox runs
// executions at once.
var clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// run is one invocation of the CLI.
type run struct {
	args []string
	// tty makes stdout (and stderr) a terminal: st2 tables instead of
	// plain text, and progress.
	tty bool
	// env is the process environment; nil means NO_COLOR=1 only, so
	// that goldens carry no escape codes unless a case asks for them.
	env map[string]string
	// stdin is what the command reads.
	stdin string
}

type result struct {
	code           int
	stdout, stderr string
}

func execute(t *testing.T, r run) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := r.env
	if env == nil {
		env = map[string]string{"NO_COLOR": "1"}
	}
	streams := app.IO{
		In:            strings.NewReader(r.stdin),
		Out:           &out,
		Err:           &errOut,
		Getenv:        func(k string) string { return env[k] },
		OutIsTerminal: r.tty,
		ErrIsTerminal: r.tty,
		Columns:       120,
		Now:           func() time.Time { return clock },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cli.Main(ctx, r.args, streams)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// The emulator's ports, its random API keys and the cipher text of secret
// keys change on every run: scrub masks them, keeping their length so
// table borders stay in place.
var (
	portRE   = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	cipherRE = regexp.MustCompile(`\b[0-9A-F]{8,}\b`)
	// How many polls a wait takes depends on the emulator's goroutines:
	// the line of progress dots is shown as one.
	dotsRE = regexp.MustCompile(`(?m)^\.+$`)
)

func scrub(s string) string {
	s = portRE.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
	s = dotsRE.ReplaceAllString(s, "...")
	return cipherRE.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("X", len(m)) })
}

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
		if a == "" || strings.ContainsAny(a, " \t'\"$;&|{}[]") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		} else {
			q[i] = a
		}
	}
	return strings.Join(q, " ")
}

// sb builds the arguments of a sandboxed st2 command.
func sb(args ...string) []string { return append([]string{"--sandbox", "st2"}, args...) }

// formats runs a command as a table on a terminal, into a pipe, and with
// -j and -y.
func formats(args ...string) []run {
	return []run{
		{args: args, tty: true},
		{args: args},
		{args: append(slices.Clone(args), "-j"), tty: true},
		{args: append(slices.Clone(args), "-y"), tty: true},
	}
}

func tty(cmds ...[]string) []run {
	runs := make([]run, len(cmds))
	for i, c := range cmds {
		runs[i] = run{args: c, tty: true}
	}
	return runs
}

// The seeded sandbox's ids: the clock's seconds then a counter.
const (
	execDate   = "66322ec0000000000000003b" // core.local cmd=date
	execEcho   = "66322ec0000000000000003e" // core.echo
	execFailed = "66322ec00000000000000041" // core.local cmd="exit 3"
)

var goldenCases = []struct {
	name string
	runs []run
}{
	{"run", formats(sb("run", "core.local", "cmd=date")...)},
	{"run_variants", append(tty(
		sb("run", "core.echo", "message=Hello, world"),
		sb("run", "core.local", "echo", "hello", "there"),
		sb("run", "examples.greet", "name=Ada", "count=2"),
		sb("run", "examples.greet", "name=Ada", "count=2", "-k", "greeted"),
		sb("run", "examples.greet", "name=Ada", "-d"),
		sb("run", "core.local", "cmd=date", "--attr", "id", "status", "result.stdout"),
		sb("run", "core.local", "cmd=date", "-a"),
		sb("run", "-a", "core.echo", "message=later"),
		sb("run", "core.local", "cmd=date", "-j", "-y"),
		// st2 stops waiting on any status it does not poll through:
		// an inquiry stays pending.
		sb("run", "core.ask"),
	), run{args: sb("run", "core.echo", "message=piped")})},
	{"run_failed", tty(
		sb("run", "core.local", "cmd=exit 2"),
		sb("run", "core.local", "cmd=false", "-j"),
	)},
	{"run_errors", tty(
		sb("run"),
		sb("run", "nope.missing"),
		sb("run", "examples.greet", "name=Ada", "count=many"),
		sb("run", "core.local", "cmd=date", "sudo=maybe"),
		sb("run", "core.local", "cmd=date", "timeout=1.5"),
		sb("run", "core.local", "@cmd=/nonexistent/file"),
		sb("run", "core.local", "=date"),
		sb("run", "core.echo"),
	)},
	{"run_help", tty(
		sb("run", "core.local", "-h"),
		sb("run", "nope.missing", "-h"),
		sb("run", "-h"),
		sb("key", "-h"),
	)},

	{"execution_list", formats(sb("execution", "list")...)},
	{"execution_list_filters", tty(
		sb("execution", "list", "--status", "failed"),
		sb("execution", "list", "--action", "core.echo", "-a", "id", "status", "result.stdout"),
		sb("execution", "list", "-n", "1"),
		sb("execution", "list", "-n", "2", "-s", "asc"),
		sb("execution", "list", "-a", "all", "-n", "1", "-j"),
		sb("execution", "list", "-w", "26", "12"),
		sb("execution", "list", "-n", "0"),
		sb("execution", "list", "-tg", "2024-01-01T00:00:00Z"),
	)},
	{"execution_get", formats(sb("execution", "get", execDate)...)},
	{"execution_get_variants", tty(
		sb("execution", "get", execFailed),
		sb("execution", "get", "last", "-k", "stdout"),
		sb("execution", "get", execEcho, "-d"),
		sb("execution", "get", execEcho, "-x"),
		sb("execution", "get", execEcho, "--attr", "id", "status", "-y"),
		sb("execution", "get", "000000000000000000000000"),
		sb("execution", "get", execEcho, "000000000000000000000000", "-a", "id", "status"),
	)},

	{"key_list", formats(sb("key", "list")...)},
	{"key_list_variants", tty(
		sb("key", "list", "--prefix", "demo.g"),
		sb("key", "list", "--scope", "system", "--decrypt"),
		sb("key", "list", "-s", "user"),
		sb("key", "list", "-n", "1"),
		sb("key", "list", "-s", "galaxy"),
	)},
	{"key_get", formats(sb("key", "get", "demo.greeting")...)},
	{"key_get_variants", tty(
		sb("key", "get", "demo.password"),
		sb("key", "get", "demo.password", "--decrypt"),
		sb("key", "get", "demo.theme", "--scope", "user"),
		sb("key", "get", "nope"),
		sb("key", "get", "demo.greeting", "nope", "-a", "name", "value"),
	)},
	{"key_set", append(tty(
		sb("key", "set", "color", "blue"),
		sb("key", "set", "token", "s3cr3t", "--encrypt", "--ttl", "60"),
		sb("key", "set", "theme", "light", "--scope", "user", "-j"),
		sb("key", "set", "color", "blue", "--encrypt", "--encrypted"),
		sb("key", "set", "color", "blue", "--ttl", "-5"),
	), run{args: sb("key", "set", "from_stdin"), stdin: "read from stdin\n"})},
	{"key_delete", tty(
		sb("key", "delete", "demo.greeting"),
		sb("key", "delete", "nope"),
		sb("key", "delete", "demo.theme", "--scope", "user"),
	)},

	{"action_list", formats(sb("action", "list", "-p", "core")...)},
	{"action_list_variants", tty(
		sb("action", "list"),
		sb("action", "list", "-p", "examples", "-a", "ref", "runner_type", "enabled"),
		sb("action", "list", "-p", "nope"),
	)},
	{"action_get", formats(sb("action", "get", "core.local")...)},
	{"action_get_variants", tty(
		sb("action", "get", "nope.missing"),
		sb("action", "get", "examples.greet", "-a", "ref", "parameters"),
	)},

	{"colors", []run{
		{args: sb("run", "core.local", "cmd=date"), tty: true, env: map[string]string{}},
		{args: sb("execution", "list", "-n", "2"), tty: true, env: map[string]string{}},
	}},
	{"connection", []run{
		{args: sb("key", "list", "--api-url", "http://127.0.0.1:1/api/v1")},
		{args: []string{"st2", "key", "list", "--api-url", "ftp://example.com/api/v1", "--skip-config"}},
		{args: []string{"st2", "key", "list", "--config-file", "/nonexistent/st2.conf"}},
	}},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			golden.Check(t, c.name, transcript(t, c.runs), *update)
		})
	}
}

// TestEveryCommandHasAGolden keeps the goldens complete: each leaf of the
// st2 tree must be run by at least one golden case.
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
	st2Cmd, _, err := root.Find([]string{"st2"})
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
	walk(st2Cmd)
}
