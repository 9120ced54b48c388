// Package transcript runs switchboard command lines in-process and writes
// what they did as a golden transcript, so that the CLI packages share one
// format, one way of masking what changes from run to run, and one -update
// flag.
//
// A transcript holds, for each run:
//
//	=== switchboard <args, shell-quoted>   # stdout: terminal|piped
//	--- exit <code>
//	--- stdout
//	<stdout, when not empty>
//	--- stderr
//	<stderr, when not empty>
//
// with a blank line between runs. It lives apart from package golden
// because it runs the CLI: golden is also used by the tests of
// cmd/internal/output, which the CLI imports, and importing the CLI from
// there would be a cycle.
package transcript

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
	"github.com/switchboard-go/switchboard/cmd/internal/shellquote"
)

// update is the -update flag of every test binary that imports this
// package: `go test ./cmd/internal/<p>cmd/ -update` rewrites the goldens.
var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// Clock is the frozen time of the emulators the runs start (through
// app.IO.Now), so that timestamps and time-based ids never move.
var Clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// Columns is the terminal width of every run: wide enough that tables do
// not wrap, fixed so that goldens do not depend on the developer's terminal.
const Columns = 120

// Run is one invocation of the CLI.
type Run struct {
	// Args are the arguments after the program name.
	Args []string
	// Env is the process environment; nil means the Session's Env.
	Env map[string]string
	// Stdin is what the command reads.
	Stdin string
	// TTY makes stdout a terminal: tables instead of plain text.
	TTY bool
	// ErrTTY makes stderr a terminal, which shows progress.
	ErrTTY bool
}

// Result is what an invocation did.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Session is how a test package runs the CLI. The zero value runs with
// the frozen Clock, an empty environment and a 30-second limit per run,
// and masks loopback ports only.
type Session struct {
	// Env is the environment of runs whose Env is nil.
	Env map[string]string
	// TTYStderr puts stderr on the terminal whenever stdout is, as in an
	// interactive shell; without it only Run.ErrTTY does.
	TTYStderr bool
	// Timeout bounds each run; zero means 30 seconds.
	Timeout time.Duration
	// Now is the clock handed to the sandboxes; nil means Clock.
	Now func() time.Time
	// Scrub masks, after the loopback ports, what else changes from run
	// to run (tokens, ids, temporary folders).
	Scrub []Rule
}

// WithRules returns a copy of s that also applies rules, after its own:
// for values known to one test only, like its temporary folder.
func (s Session) WithRules(rules ...Rule) Session {
	s.Scrub = append(slices.Clip(s.Scrub), rules...)
	return s
}

// Exec runs r in-process with buffers for its streams.
func (s Session) Exec(t testing.TB, r Run) Result {
	t.Helper()
	env := r.Env
	if env == nil {
		env = s.Env
	}
	now := s.Now
	if now == nil {
		now = func() time.Time { return Clock }
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	var out, errOut bytes.Buffer
	streams := app.IO{
		In:            strings.NewReader(r.Stdin),
		Out:           &out,
		Err:           &errOut,
		Getenv:        func(k string) string { return env[k] },
		OutIsTerminal: r.TTY,
		ErrIsTerminal: r.ErrTTY || (s.TTYStderr && r.TTY),
		Columns:       Columns,
		Now:           now,
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	code := cli.Main(ctx, r.Args, streams)
	return Result{Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

// Transcript runs every run, in order, and renders them scrubbed.
func (s Session) Transcript(t testing.TB, runs []Run) string {
	t.Helper()
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		write(&b, r, s.Exec(t, r), s.scrub)
	}
	return b.String()
}

// Case is one golden file: runs whose transcript is testdata/<Name>.golden.
type Case struct {
	Name string
	Runs []Run
}

// CheckCases checks each case in a parallel subtest of its name. Each run
// starts its own sandboxes, so cases do not see each other's changes.
func (s Session) CheckCases(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			s.Check(t, c.Name, c.Runs)
		})
	}
}

// Check runs runs and compares their transcript with
// testdata/<name>.golden, or rewrites it under -update. It returns the
// transcript for further checks.
func (s Session) Check(t testing.TB, name string, runs []Run) string {
	t.Helper()
	got := s.Transcript(t, runs)
	golden.Check(t, name, got, *update)
	return got
}

func (s Session) scrub(text string) string {
	text = loopbackPorts(text)
	for _, rule := range s.Scrub {
		text = rule(text)
	}
	return text
}

// write renders one run of a transcript.
func write(b *strings.Builder, r Run, res Result, scrub func(string) string) {
	mode := "piped"
	if r.TTY {
		mode = "terminal"
	}
	fmt.Fprintf(b, "=== switchboard %s   # stdout: %s\n", scrub(QuoteArgs(r.Args)), mode)
	fmt.Fprintf(b, "--- exit %d\n", res.Code)
	if res.Stdout != "" {
		b.WriteString("--- stdout\n" + scrub(res.Stdout))
	}
	if res.Stderr != "" {
		b.WriteString("--- stderr\n" + scrub(res.Stderr))
	}
}

// QuoteArgs joins args as a POSIX shell would read them back (the rule
// of Python's shlex.quote).
func QuoteArgs(args []string) string { return shellquote.Join(args) }

// Args returns a builder of argument lists that start with prefix, such as
// the --sandbox flag and a platform's name.
func Args(prefix ...string) func(args ...string) []string {
	return func(args ...string) []string {
		return append(slices.Clone(prefix), args...)
	}
}

// Formats runs a command in every output mode: a table on a terminal,
// plain text into a pipe, -j and -y.
func Formats(args ...string) []Run {
	return []Run{
		{Args: args, TTY: true},
		{Args: args},
		{Args: append(slices.Clone(args), "-j"), TTY: true},
		{Args: append(slices.Clone(args), "-y"), TTY: true},
	}
}

// TTY runs each command line on a terminal.
func TTY(cmds ...[]string) []Run {
	runs := make([]Run, len(cmds))
	for i, c := range cmds {
		runs[i] = Run{Args: c, TTY: true}
	}
	return runs
}
