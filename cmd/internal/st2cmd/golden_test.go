package st2cmd_test

import (
	"regexp"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
)

// session runs the CLI for the goldens, with stderr on the terminal
// whenever stdout is (progress shows), and NO_COLOR=1 unless a run brings
// its own environment, so that goldens carry no escape codes unless a
// case asks for them. The sandbox's clock is frozen, so ids (which embed
// it) never move and executions run at once. Besides the ports, it masks
// the cipher text of secret keys, keeping its length, and shows the
// progress line of a wait, whose updates depend on the emulator's
// goroutines, as one line.
var session = transcript.Session{
	Env:       map[string]string{"NO_COLOR": "1"},
	TTYStderr: true,
	Scrub: []transcript.Rule{
		transcript.Replace(regexp.MustCompile(`(\r[^\r\n]*)+\r\x1b\[K`), "[progress: status (Ns elapsed), erased]\n"),
		transcript.Mask(regexp.MustCompile(`\b[0-9A-F]{8,}\b`), "X"),
	},
}

var (
	// sb builds the arguments of a sandboxed st2 command.
	sb      = transcript.Args("--sandbox", "st2")
	formats = transcript.Formats
	tty     = transcript.TTY
)

// The seeded sandbox's ids: the clock's seconds then a counter.
const (
	execDate   = "66322ec0000000000000003b" // core.local cmd=date
	execEcho   = "66322ec0000000000000003e" // core.echo
	execFailed = "66322ec00000000000000041" // core.local cmd="exit 3"
)

var goldenCases = []transcript.Case{
	{Name: "run", Runs: formats(sb("run", "core.local", "cmd=date")...)},
	{Name: "run_variants", Runs: append(tty(
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
	), transcript.Run{Args: sb("run", "core.echo", "message=piped")})},
	{Name: "run_failed", Runs: tty(
		sb("run", "core.local", "cmd=exit 2"),
		sb("run", "core.local", "cmd=false", "-j"),
	)},
	{Name: "run_errors", Runs: tty(
		sb("run"),
		sb("run", "nope.missing"),
		sb("run", "examples.greet", "name=Ada", "count=many"),
		sb("run", "core.local", "cmd=date", "sudo=maybe"),
		sb("run", "core.local", "cmd=date", "timeout=1.5"),
		sb("run", "core.local", "@cmd=/nonexistent/file"),
		sb("run", "core.local", "=date"),
		sb("run", "core.echo"),
	)},
	{Name: "run_help", Runs: tty(
		sb("run", "core.local", "-h"),
		sb("run", "nope.missing", "-h"),
		sb("run", "-h"),
		// A group's help lists its commands (execution's are all st2-core's,
		// so this golden does not move when other groups grow).
		sb("execution", "-h"),
	)},

	{Name: "execution_list", Runs: formats(sb("execution", "list")...)},
	{Name: "execution_list_filters", Runs: tty(
		sb("execution", "list", "--status", "failed"),
		sb("execution", "list", "--action", "core.echo", "-a", "id", "status", "result.stdout"),
		sb("execution", "list", "-n", "1"),
		sb("execution", "list", "-n", "2", "-s", "asc"),
		sb("execution", "list", "-a", "all", "-n", "1", "-j"),
		sb("execution", "list", "-w", "26", "12"),
		sb("execution", "list", "-n", "0"),
		sb("execution", "list", "-tg", "2024-01-01T00:00:00Z"),
	)},
	{Name: "execution_get", Runs: formats(sb("execution", "get", execDate)...)},
	{Name: "execution_get_variants", Runs: tty(
		sb("execution", "get", execFailed),
		sb("execution", "get", "last", "-k", "stdout"),
		sb("execution", "get", execEcho, "-d"),
		sb("execution", "get", execEcho, "-x"),
		sb("execution", "get", execEcho, "--attr", "id", "status", "-y"),
		sb("execution", "get", "000000000000000000000000"),
		sb("execution", "get", execEcho, "000000000000000000000000", "-a", "id", "status"),
	)},

	{Name: "execution_tail", Runs: append(tty(
		sb("execution", "tail"),
		sb("execution", "tail", execEcho, "--type", "stdout"),
		sb("execution", "tail", execFailed, "--include-metadata"),
		sb("execution", "tail", "000000000000000000000000"),
		sb("execution", "tail", "last", "--type", "bogus"),
	), transcript.Run{Args: sb("execution", "tail", execDate)})},
	{Name: "execution_rerun", Runs: append(tty(
		sb("execution", "re-run", execEcho),
		sb("execution", "re-run", execEcho, "message=again", "-a"),
		sb("execution", "re-run", execDate, "-k", "stdout"),
		sb("execution", "re-run", execFailed),
		sb("execution", "re-run", "000000000000000000000000"),
		sb("execution", "re-run"),
		sb("execution", "re-run", execEcho, "--no-reset", "task2"),
		sb("execution", "re-run", execEcho, "timeout=soon"),
		sb("execution", "re-run", execEcho, "--show-tasks"),
		sb("execution", "re-run", execEcho, "--attr", "id", "status", "result.stdout"),
		sb("execution", "re-run", execEcho, "-d", "-w", "20", "40"),
	), append(formats(sb("execution", "re-run", execDate)...)[1:],
		transcript.Run{Args: sb("execution", "re-run", execEcho, "--delay", "100", "-a", "-j")})...)},
	{Name: "execution_cancel", Runs: tty(
		sb("execution", "cancel", execDate, "000000000000000000000000"),
		sb("execution", "cancel"),
	)},
	{Name: "execution_pause_resume", Runs: tty(
		sb("execution", "pause", execDate),
		sb("execution", "resume", execDate),
		sb("execution", "pause", "000000000000000000000000"),
		sb("execution", "resume"),
	)},
	{Name: "workflow", Runs: append(tty(
		sb("run", "examples.sequence", "name=Ada", "pause=0"),
		sb("run", "examples.sequence", "name=Ada", "pause=0", "--raw"),
		sb("run", "examples.sequence", "name=Ada", "pause=0", "-d"),
		sb("run", "examples.sequence", "name=Ada", "pause=0", "-w", "30"),
		sb("run", "examples.sequence", "name=Ada", "pause=0", "--depth", "0"),
		sb("execution", "get", execDate, "--raw", "--show-tasks"),
		sb("execution", "get", execDate, "--show-tasks"),
	), []transcript.Run{
		{Args: sb("run", "examples.sequence", "name=Ada", "pause=0", "-j"), TTY: true},
		{Args: sb("run", "examples.sequence", "name=Ada", "pause=0", "-y"), TTY: true},
		{Args: sb("run", "examples.sequence", "name=Ada", "pause=0")},
	}...)},

	{Name: "key_list", Runs: formats(sb("key", "list")...)},
	{Name: "key_list_variants", Runs: tty(
		sb("key", "list", "--prefix", "demo.g"),
		sb("key", "list", "--scope", "system", "--decrypt"),
		sb("key", "list", "-s", "user"),
		sb("key", "list", "-n", "1"),
		sb("key", "list", "-s", "galaxy"),
	)},
	{Name: "key_get", Runs: formats(sb("key", "get", "demo.greeting")...)},
	{Name: "key_get_variants", Runs: tty(
		sb("key", "get", "demo.password"),
		sb("key", "get", "demo.password", "--decrypt"),
		sb("key", "get", "demo.theme", "--scope", "user"),
		sb("key", "get", "nope"),
		sb("key", "get", "demo.greeting", "nope", "-a", "name", "value"),
	)},
	{Name: "key_set", Runs: append(tty(
		sb("key", "set", "color", "blue"),
		sb("key", "set", "token", "s3cr3t", "--encrypt", "--ttl", "60"),
		sb("key", "set", "theme", "light", "--scope", "user", "-j"),
		sb("key", "set", "color", "blue", "--encrypt", "--encrypted"),
		sb("key", "set", "color", "blue", "--ttl", "-5"),
	), transcript.Run{Args: sb("key", "set", "from_stdin"), Stdin: "read from stdin\n"})},
	{Name: "key_delete", Runs: tty(
		sb("key", "delete", "demo.greeting"),
		sb("key", "delete", "nope"),
		sb("key", "delete", "demo.theme", "--scope", "user"),
	)},

	{Name: "action_list", Runs: formats(sb("action", "list", "-p", "core")...)},
	{Name: "action_list_variants", Runs: tty(
		sb("action", "list"),
		sb("action", "list", "-p", "examples", "-a", "ref", "runner_type", "enabled"),
		sb("action", "list", "-p", "nope"),
	)},
	{Name: "action_get", Runs: formats(sb("action", "get", "core.local")...)},
	{Name: "action_get_variants", Runs: tty(
		sb("action", "get", "nope.missing"),
		sb("action", "get", "examples.greet", "-a", "ref", "parameters"),
	)},

	{Name: "colors", Runs: []transcript.Run{
		{Args: sb("run", "core.local", "cmd=date"), TTY: true, Env: map[string]string{}},
		{Args: sb("execution", "list", "-n", "2"), TTY: true, Env: map[string]string{}},
	}},
	{Name: "connection", Runs: []transcript.Run{
		{Args: sb("key", "list", "--api-url", "http://127.0.0.1:1/api/v1")},
		{Args: []string{"st2", "key", "list", "--api-url", "ftp://example.com/api/v1", "--skip-config"}},
		{Args: []string{"st2", "key", "list", "--config-file", "/nonexistent/st2.conf"}},
	}},
}

func TestGolden(t *testing.T) { session.CheckCases(t, goldenCases) }

// TestEveryCommandHasAGolden keeps the goldens complete: each leaf of the
// st2 tree must be run by at least one golden case.
func TestEveryCommandHasAGolden(t *testing.T) {
	auth := transcript.Case{Name: "auth", Runs: authRuns(transcript.Args("st2"), nil, nil)}
	transcript.RequireEveryCommand(t, append(goldenCases, auth), "st2")
}
