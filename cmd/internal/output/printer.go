package output

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// Printer bundles the options with the process's output streams and what
// is known about the terminal, so a command needs one value to print
// results, progress and notes correctly.
type Printer struct {
	// Options are the parsed output flags.
	Options Options
	// Stdout receives results.
	Stdout io.Writer
	// Stderr receives progress, notes and warnings.
	Stderr io.Writer
	// IsTerminal says whether Stderr/Stdout is an interactive terminal:
	// progress is printed only then (design note: progress for long
	// waits goes to stderr, only on a terminal).
	IsTerminal bool
	// Color allows ANSI colour; NewPrinter sets it by switchboard's rule
	// (ColorAllowed). The st2 drop-in overwrites it with ST2ColorAllowed.
	// The package itself never colours: commands consult Color when they
	// install Transforms such as ColorStatus.
	Color bool

	lastTableWidth int
}

// NewPrinter returns a Printer for the given streams; isTerminal should say
// whether stdout is a terminal (see IsTerminal). Colour is enabled only on
// a terminal and when NO_COLOR is unset or empty.
func NewPrinter(o Options, stdout, stderr io.Writer, isTerminal bool) *Printer {
	return &Printer{
		Options:    o,
		Stdout:     stdout,
		Stderr:     stderr,
		IsTerminal: isTerminal,
		Color:      ColorAllowed(isTerminal, os.Getenv),
	}
}

// List is Options.List on Stdout; it also records the table width for
// LimitNote, and in plain mode reports an empty result on Stderr (stdout
// stays empty for scripts).
func (p *Printer) List(items any, defaultCols []string) error {
	res, err := p.Options.list(p.Stdout, items, defaultCols)
	if err != nil {
		return err
	}
	p.lastTableWidth = res.tableWidth
	if res.empty && p.Options.Plain && p.Options.Format == Table && p.Stderr != nil {
		fmt.Fprintln(p.Stderr, NoItems)
	}
	return nil
}

// Get is Options.Get on Stdout.
func (p *Printer) Get(item any, order []string) error {
	return p.Options.Get(p.Stdout, item, order)
}

// LimitNote prints st2's "Only first N <plural> are displayed" box on
// Stderr, sized to the last table List printed; nothing in -j/-y mode.
// flag names the option that raises the limit (see Options.LimitNote).
func (p *Printer) LimitNote(plural string, limit int, flag string) error {
	if p.Stderr == nil {
		return nil
	}
	return p.Options.LimitNote(p.Stderr, plural, limit, flag, p.lastTableWidth)
}

// Progress writes a progress message (a poll dot, "waiting...") to Stderr,
// and only on a terminal, so pipes and logs never collect it. No newline is
// added: callers print dots and finish the line themselves.
func (p *Printer) Progress(format string, args ...any) {
	if !p.IsTerminal || p.Stderr == nil {
		return
	}
	fmt.Fprintf(p.Stderr, format, args...)
}

// IsTerminal reports whether f is an interactive terminal; callers use it
// for Printer.IsTerminal and to decide Options.Plain.
func IsTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(int(f.Fd()))
}

// TerminalColumns is the width st2 assumes for its automatic column widths:
// the COLUMNS variable when it is an integer, else the width of the first
// of stdin, stdout and stderr that is a terminal, else DefaultColumns.
func TerminalColumns(getenv func(string) string) int {
	if n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil {
		return n
	}
	for _, f := range []*os.File{os.Stdin, os.Stdout, os.Stderr} {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return DefaultColumns
}

// ColorAllowed is switchboard's colour rule: only on a terminal, and never
// when NO_COLOR is set to a non-empty value (https://no-color.org).
func ColorAllowed(isTerminal bool, getenv func(string) string) bool {
	return isTerminal && getenv("NO_COLOR") == ""
}

// ST2ColorAllowed is the st2 CLI's own colour rule, for the drop-in st2
// binary: TERM is one of xterm, xterm-color, xterm-256color, screen, vt100,
// vt100-color (any case), and ST2_COLORIZE is unset or empty.
func ST2ColorAllowed(getenv func(string) string) bool {
	switch strings.ToLower(getenv("TERM")) {
	case "xterm", "xterm-color", "xterm-256color", "screen", "vt100", "vt100-color":
	default:
		return false
	}
	return getenv("ST2_COLORIZE") == ""
}

// ANSI colours st2 uses for execution statuses.
const (
	colorRed    = "\033[91m"
	colorGreen  = "\033[92m"
	colorYellow = "\033[93m"
	colorBlue   = "\033[94m"
	colorBrown  = "\033[33m"
	colorEnd    = "\033[0m"
)

// ColorStatus colours an execution status like st2's format_status: the
// word before an optional "(…elapsed)" suffix is green for succeeded, red
// for failed, brown for timeout, blue for delayed and yellow otherwise.
// Tables measure widths without the escape codes, so coloured cells line
// up; callers apply it (through Options.Transforms) only when colour is
// allowed.
func ColorStatus(value string) string {
	status, rest, found := strings.Cut(value, "(")
	if found {
		status = strings.TrimSpace(status)
		rest = "(" + rest
	} else {
		status = value
	}
	color := colorYellow
	switch status {
	case "succeeded":
		color = colorGreen
	case "failed":
		color = colorRed
	case "timeout":
		color = colorBrown
	case "delayed":
		color = colorBlue
	}
	out := color + status + colorEnd
	if found {
		out += " " + rest
	}
	return out
}
