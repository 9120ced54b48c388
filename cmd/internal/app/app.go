// Package app holds what every command of the switchboard and st2 binaries
// shares at run time: the process's standard streams and environment, the
// output options, the sandbox switch and exit codes. It is passed explicitly
// to each command tree instead of living in package variables, so commands can
// be run many times in one test process.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
)

// Exit codes shared by every command, as the st2 CLI uses them.
const (
	ExitOK     = 0 // the command did what was asked
	ExitFailed = 1 // the operation failed (API error, failed execution, ...)
	ExitUsage  = 2 // the command line was wrong
)

// IO is the process's view of the outside world. Tests fill it with buffers
// and a fake environment; main fills it from the os package.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// OutIsTerminal and ErrIsTerminal decide between tables and plain text,
	// and whether progress is shown.
	OutIsTerminal bool
	ErrIsTerminal bool
	// Columns is the terminal width used when no -w is given.
	Columns int
	// Now is the clock of the emulators started for --sandbox and
	// `sandbox serve`; nil means the real time. Tests freeze it so that
	// the timestamps the emulators write are reproducible.
	Now func() time.Time
}

// OSIO returns the IO of the running process.
func OSIO() IO {
	cols := 0
	if v, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && v > 0 {
		cols = v
	} else if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		cols = w
	}
	return IO{
		In:            os.Stdin,
		Out:           os.Stdout,
		Err:           os.Stderr,
		Getenv:        os.Getenv,
		OutIsTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		ErrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Columns:       cols,
	}
}

// App is the state of one command-line invocation.
type App struct {
	IO
	// Output holds -j/-y/-a/-w as parsed for this invocation.
	Output output.Options
	// Sandbox runs every command against in-process emulators.
	Sandbox bool
	// Debug turns on the facades' redacted request/response logging.
	Debug bool
	// StartSandbox starts the emulators for --sandbox. The binary sets it
	// (cli for switchboard, st2cmd for st2) instead of this package
	// importing cmd/internal/sandbox, so that each binary links only the
	// emulators it can start: linking all five (and kin-openapi, whose
	// init compiles JSON Schema meta-schemas) was most of st2's start-up.
	StartSandbox SandboxStarter

	mu        sync.Mutex
	sandboxes map[string]Sandbox
}

// New returns an App for one invocation.
func New(streams IO) *App {
	if streams.Getenv == nil {
		streams.Getenv = func(string) string { return "" }
	}
	if streams.In == nil {
		streams.In = eofReader{}
	}
	return &App{IO: streams}
}

// Logger is the logger handed to facades: silent unless --debug was given.
func (a *App) Logger() *slog.Logger {
	if !a.Debug {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(a.Err, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// OutputOptions returns the output options with the terminal facts filled
// in: switchboard prints plain text when stdout is not a terminal.
func (a *App) OutputOptions() output.Options {
	o := a.Output
	o.Plain = !a.OutIsTerminal
	if o.Columns == 0 {
		o.Columns = a.Columns
	}
	return o
}

// Sandbox is a running emulator as commands use it.
type Sandbox interface {
	// Lookup returns one of the variables that point the platform's own
	// tools at the emulator (ST2_API_URL, CACHET_API_TOKEN, ...).
	Lookup(name string) string
	// Close stops the emulator.
	Close()
}

// SandboxStarter starts the in-process emulator of platform, seeded with
// demo data, on the clock now (nil: the real time).
type SandboxStarter func(ctx context.Context, platform string, now func() time.Time) (Sandbox, error)

// SandboxInstance starts (once per invocation) the in-process emulator of a
// platform for --sandbox and returns it. It is closed by Close.
func (a *App) SandboxInstance(ctx context.Context, platform string) (Sandbox, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if inst, ok := a.sandboxes[platform]; ok {
		return inst, nil
	}
	if a.StartSandbox == nil {
		return nil, fmt.Errorf("--sandbox: no emulator of %s in this binary", platform)
	}
	inst, err := a.StartSandbox(ctx, platform, a.Now)
	if err != nil {
		return nil, err
	}
	if a.sandboxes == nil {
		a.sandboxes = map[string]Sandbox{}
	}
	a.sandboxes[platform] = inst
	return inst, nil
}

// Close stops every sandbox this invocation started.
func (a *App) Close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for name, inst := range a.sandboxes {
		inst.Close()
		delete(a.sandboxes, name)
	}
}

// Progress writes a progress line to stderr, only when stderr is a terminal,
// so piped output never carries it.
func (a *App) Progress(format string, args ...any) {
	if a.ErrIsTerminal {
		fmt.Fprintf(a.Err, format, args...)
	}
}

// UsageError marks an error as a command-line mistake (exit code 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef builds a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	var ce interface{ ExitCode() int }
	if errors.As(err, &ce) {
		return ce.ExitCode()
	}
	return ExitFailed
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
