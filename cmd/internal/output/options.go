// Package output is the one renderer behind every switchboard CLI subtree
// and the drop-in st2 binary.
//
// It reproduces the StackStorm st2 CLI's output byte for byte: prettytable
// tables (list view and Property/Value get view) with st2's width rules,
// `-j` as Python's json.dumps(indent=4, sort_keys=True) and `-y` as PyYAML's
// safe_dump(indent=4, default_flow_style=False). Values of any Go type are
// first normalized through encoding/json into *Map / []any / string /
// json.Number / bool / nil, so dotted attribute paths (action.ref,
// context.user) work the same on typed structs, maps and raw JSON.
//
// Plain mode (Options.Plain) is switchboard's own addition for pipes:
// tab-separated values without borders or wrapping.
package output

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Format selects the renderer; a single enum (not two booleans) so that the
// rest of the code cannot see an impossible "both JSON and YAML" state.
type Format int

const (
	// Table is the default human view: st2's prettytable tables.
	Table Format = iota
	// JSON is -j/--json: json.dumps(indent=4, sort_keys=True) bytes.
	JSON
	// YAML is -y/--yaml: yaml.safe_dump(indent=4) bytes.
	YAML
)

// String names the format as the flags do, for messages and tests.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case YAML:
		return "yaml"
	default:
		return "table"
	}
}

// DefaultColumns is the table width st2 assumes when neither COLUMNS nor a
// terminal says otherwise; Options.Columns <= 0 means this value.
const DefaultColumns = 150

// Options carries everything the output flags and the environment decide.
// The zero value renders st2 tables at width 150 with each command's
// default attributes.
type Options struct {
	// Format is Table, JSON or YAML.
	Format Format
	// Attrs is -a/--attr: attribute paths to show, dotted paths reaching
	// into nested objects; "all" means every attribute. Empty means the
	// command's defaults (the list's default columns, or everything on get).
	Attrs []string
	// Widths is -w/--width: one value for every column, one per column, or
	// (any other count) 28 for every column, as st2 does. Empty means the
	// automatic widths computed from Columns.
	Widths []int
	// Plain replaces bordered tables by tab-separated lines. switchboard
	// sets it when stdout is not a terminal so scripts can `cut -f`; the st2
	// drop-in never sets it, because st2 draws tables into pipes too.
	Plain bool
	// Columns is the terminal width used by st2's automatic column widths:
	// the COLUMNS variable, else the tty width, else 150 (see
	// TerminalColumns). The caller fills it; <= 0 means 150.
	Columns int
	// Transforms rewrites a table cell's value before it is printed, keyed
	// by attribute path, like st2's attribute_transform_functions (status
	// with elapsed time, timestamps in the configured zone). They apply to
	// table views only: JSON, YAML and plain output stay raw data.
	Transforms map[string]func(value any) any

	jsonSet, yamlSet bool
}

// AddFlags registers st2's output flags on fs: -j/--json, -y/--yaml,
// -a/--attr and -w/--width, all writing into o.
//
// st2 declares -a and -w with nargs='+' (`-a id name`). pflag has no such
// thing, so these flags accept repeated use (`-a id -a name`) and comma
// lists (`-a id,name`); space-separated values work only after the command
// line went through NormalizeArgs, which callers run before cobra parses.
func AddFlags(fs *pflag.FlagSet, o *Options) {
	fs.VarPF(&formatFlag{o: o, f: JSON}, "json", "j", "Print output in JSON format.").NoOptDefVal = "true"
	fs.VarPF(&formatFlag{o: o, f: YAML}, "yaml", "y", "Print output in YAML format.").NoOptDefVal = "true"
	fs.VarP(&attrFlag{o: o}, "attr", "a",
		`List of attributes to include in the output. "all" will return all attributes. `+
			`Dotted paths reach into nested objects; repeat the flag or separate with commas.`)
	fs.VarP(&widthFlag{o: o}, "width", "w",
		"Set the width of columns in output; repeat the flag or separate with commas.")
}

// MultiValueFlags lists the spellings AddFlags registers with st2's
// nargs='+' meaning, ready to pass to NormalizeArgs.
var MultiValueFlags = map[string]bool{"-a": true, "--attr": true, "-w": true, "--width": true}

// Validate rejects -j together with -y. st2 itself accepts both and prints
// JSON; switchboard treats the combination as a usage error, and the st2
// drop-in may skip Validate to keep st2's behaviour (JSON wins).
func (o Options) Validate() error {
	if o.jsonSet && o.yamlSet {
		return errors.New("only one of -j/--json and -y/--yaml may be given")
	}
	return nil
}

// NormalizeArgs rewrites st2-style multi-value options into the repeated
// form pflag understands: with multi = MultiValueFlags, `-a id name -j`
// becomes `-a id -a name -j`. Values are taken after a bare flag token
// (exactly a key of multi) until the next token that starts with '-';
// `--attr=x` and `-ax` carry their single value as in argparse, and
// everything after "--" is left alone.
//
// Like st2's argparse, this is greedy: `execution get -a id status ID` reads
// ID as an attribute too; put positionals before the option, or end the
// values with another flag. A "-a" that is really the value of some other
// flag is also taken for the attribute flag, since NormalizeArgs does not
// know the other flags.
func NormalizeArgs(args []string, multi map[string]bool) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if !multi[a] {
			out = append(out, a)
			continue
		}
		j := i + 1
		for j < len(args) && !strings.HasPrefix(args[j], "-") {
			j++
		}
		if j == i+1 {
			out = append(out, a) // no value: let pflag report it
			continue
		}
		for _, v := range args[i+1 : j] {
			out = append(out, a, v)
		}
		i = j - 1
	}
	return out
}

// formatFlag is a boolean flag that selects a Format.
type formatFlag struct {
	o *Options
	f Format
}

func (f *formatFlag) String() string {
	return strconv.FormatBool(f.o != nil && f.o.Format == f.f && f.set())
}

func (f *formatFlag) set() bool {
	if f.f == JSON {
		return f.o.jsonSet
	}
	return f.o.yamlSet
}

func (f *formatFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	if f.f == JSON {
		f.o.jsonSet = v
	} else {
		f.o.yamlSet = v
	}
	// st2 checks json before yaml: -j wins when both are given.
	switch {
	case f.o.jsonSet:
		f.o.Format = JSON
	case f.o.yamlSet:
		f.o.Format = YAML
	default:
		f.o.Format = Table
	}
	return nil
}

func (f *formatFlag) Type() string     { return "bool" }
func (f *formatFlag) IsBoolFlag() bool { return true }

// attrFlag appends to Options.Attrs; comma lists are split.
type attrFlag struct {
	o       *Options
	changed bool
}

func (f *attrFlag) String() string { return strings.Join(f.o.Attrs, ",") }

func (f *attrFlag) Set(s string) error {
	if !f.changed {
		f.o.Attrs = nil // the first use replaces any preset default
		f.changed = true
	}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			f.o.Attrs = append(f.o.Attrs, p)
		}
	}
	return nil
}

func (f *attrFlag) Type() string { return "strings" }

// widthFlag appends to Options.Widths; comma lists are split.
type widthFlag struct {
	o       *Options
	changed bool
}

func (f *widthFlag) String() string {
	parts := make([]string, len(f.o.Widths))
	for i, w := range f.o.Widths {
		parts[i] = strconv.Itoa(w)
	}
	return strings.Join(parts, ",")
}

func (f *widthFlag) Set(s string) error {
	if !f.changed {
		f.o.Widths = nil
		f.changed = true
	}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("invalid int value: %q", p)
		}
		f.o.Widths = append(f.o.Widths, n)
	}
	return nil
}

func (f *widthFlag) Type() string { return "ints" }
