// Package config reads the configuration files of the platforms' own
// tools: INI files with the semantics of Python's configparser (st2's
// ~/.st2/config, python-rightscale's ~/.rightscalerc), and the permission
// checks credential files deserve. Every error names the file and, where
// there is one, the line.
package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
)

// DefaultSection is configparser's section of defaults for every other
// section.
const DefaultSection = "DEFAULT"

// maxLineLen bounds one line, so a corrupt or hostile file cannot make the
// reader buffer it whole.
const maxLineLen = 1 << 20

// ErrSyntax is matched by errors.Is for every INI syntax error.
var ErrSyntax = errors.New("invalid INI syntax")

// INI is a parsed configparser-style file.
type INI struct {
	// File is the path the file was read from, for error messages.
	File     string
	sections map[string]*section
	order    []string
}

type section struct {
	line    int
	entries map[string]Entry
}

// Entry is one option with its location.
type Entry struct {
	// Section and Key locate the option; Key is lower-cased, as
	// configparser's default optionxform does.
	Section, Key string
	// Value is the raw value, continuation lines joined with "\n".
	Value string
	// Line is the 1-based line of the key.
	Line int
}

// LoadINI reads and parses the file at path. A missing file gives an error
// matching fs.ErrNotExist, so callers can treat it as "no file".
func LoadINI(path string) (*INI, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseINI(path, f)
}

// ParseINI parses r as configparser does with its defaults: `[section]`
// headers (case-sensitive), `key = value` or `key: value` options
// (case-insensitive keys, surrounding spaces stripped), whole-line `#` and
// `;` comments, indented continuation lines, a DEFAULT section whose
// options every section inherits, and strict mode (a repeated section or
// option is an error). path only labels errors.
func ParseINI(path string, r io.Reader) (*INI, error) {
	f := &INI{File: path, sections: map[string]*section{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineLen)

	var (
		cur      *section
		curName  string
		last     *Entry // the option continuation lines extend
		blankRun int    // blank lines seen since last, kept if a continuation follows
		lineNo   int
	)
	commit := func() {
		if last != nil {
			cur.entries[last.Key] = *last
			last = nil
		}
	}
	for sc.Scan() {
		lineNo++
		raw := strings.TrimSuffix(sc.Text(), "\r")
		if lineNo == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		trimmed := strings.TrimSpace(raw)
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		if trimmed == "" {
			blankRun++
			continue
		}
		indented := raw[0] == ' ' || raw[0] == '\t'
		if indented && last != nil {
			last.Value += strings.Repeat("\n", blankRun+1) + trimmed
			blankRun = 0
			continue
		}
		blankRun = 0
		commit()
		if strings.HasPrefix(trimmed, "[") {
			end := strings.Index(trimmed, "]")
			if end < 0 {
				return nil, f.syntax(lineNo, "section header "+strconv.Quote(trimmed)+" has no closing bracket")
			}
			curName = trimmed[1:end]
			if curName == "" {
				return nil, f.syntax(lineNo, "empty section name")
			}
			if prev, dup := f.sections[curName]; dup {
				return nil, f.syntax(lineNo, fmt.Sprintf("section [%s] already defined on line %d", curName, prev.line))
			}
			cur = &section{line: lineNo, entries: map[string]Entry{}}
			f.sections[curName] = cur
			f.order = append(f.order, curName)
			continue
		}
		if cur == nil {
			return nil, f.syntax(lineNo, "option outside any [section]")
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			return nil, f.syntax(lineNo, fmt.Sprintf("expected key = value, got %q", truncate(trimmed)))
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:i]))
		if prev, dup := cur.entries[key]; dup {
			return nil, f.syntax(lineNo, fmt.Sprintf("option %q in [%s] already set on line %d", key, curName, prev.Line))
		}
		last = &Entry{Section: curName, Key: key, Value: strings.TrimSpace(trimmed[i+1:]), Line: lineNo}
	}
	if err := sc.Err(); err != nil {
		return nil, &facade.ConfigError{File: path, Line: lineNo + 1, Setting: "file", Reason: "cannot read: " + err.Error(), Err: err}
	}
	commit()
	return f, nil
}

func (f *INI) syntax(line int, reason string) error {
	return &facade.ConfigError{File: f.File, Line: line, Setting: "syntax", Reason: reason, Err: ErrSyntax}
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// Sections lists the sections in file order, DEFAULT excluded.
func (f *INI) Sections() []string {
	return slices.DeleteFunc(slices.Clone(f.order), func(s string) bool { return s == DefaultSection })
}

// HasSection reports whether the file has the section.
func (f *INI) HasSection(name string) bool {
	_, ok := f.sections[name]
	return ok && name != DefaultSection
}

// Get returns the raw option, falling back to the DEFAULT section as
// configparser does. Keys are matched case-insensitively.
func (f *INI) Get(sectionName, key string) (Entry, bool) {
	key = strings.ToLower(key)
	if s, ok := f.sections[sectionName]; ok {
		if e, ok := s.entries[key]; ok {
			return e, true
		}
	}
	if d, ok := f.sections[DefaultSection]; ok {
		if e, ok := d.entries[key]; ok {
			return e, true
		}
	}
	return Entry{}, false
}

// String returns the option's value with configparser's basic
// interpolation applied (`%(other)s` from the same section or DEFAULT,
// `%%` for a percent sign). ok is false when the option is absent.
func (f *INI) String(sectionName, key string) (value string, ok bool, err error) {
	e, ok := f.Get(sectionName, key)
	if !ok {
		return "", false, nil
	}
	v, err := f.interpolate(sectionName, e, 0)
	return v, true, err
}

// maxInterpolationDepth is configparser's own limit.
const maxInterpolationDepth = 10

func (f *INI) interpolate(sectionName string, e Entry, depth int) (string, error) {
	if !strings.Contains(e.Value, "%") {
		return e.Value, nil
	}
	if depth >= maxInterpolationDepth {
		return "", f.Invalid(e, "interpolation nested too deeply (a reference loop?)", ErrSyntax)
	}
	var b strings.Builder
	rest := e.Value
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "%%"):
			b.WriteByte('%')
			rest = rest[2:]
		case strings.HasPrefix(rest, "%("):
			end := strings.Index(rest, ")s")
			if end < 0 {
				return "", f.Invalid(e, "bad interpolation syntax: '%' must be followed by '%' or '(name)s'", ErrSyntax)
			}
			name := rest[2:end]
			ref, ok := f.Get(sectionName, name)
			if !ok {
				return "", f.Invalid(e, fmt.Sprintf("refers to %q, which is not set in [%s]", name, sectionName), ErrSyntax)
			}
			v, err := f.interpolate(sectionName, ref, depth+1)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			rest = rest[end+2:]
		default:
			return "", f.Invalid(e, "bad interpolation syntax: '%' must be followed by '%' or '(name)s' (write %% for a percent sign)", ErrSyntax)
		}
	}
}

// Bool reads a boolean as configparser's getboolean does: 1/yes/true/on
// and 0/no/false/off, case-insensitively.
func (f *INI) Bool(sectionName, key string) (value, ok bool, err error) {
	s, ok, err := f.String(sectionName, key)
	if !ok || err != nil {
		return false, ok, err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "true", "on":
		return true, true, nil
	case "0", "no", "false", "off":
		return false, true, nil
	}
	e, _ := f.Get(sectionName, key)
	return false, true, f.Invalid(e, "not a boolean (use true/false, yes/no, on/off or 1/0)", nil)
}

// Int reads an integer option.
func (f *INI) Int(sectionName, key string) (value int, ok bool, err error) {
	s, ok, err := f.String(sectionName, key)
	if !ok || err != nil {
		return 0, ok, err
	}
	n, perr := strconv.Atoi(strings.TrimSpace(s))
	if perr != nil {
		e, _ := f.Get(sectionName, key)
		return 0, true, f.Invalid(e, "not an integer", perr)
	}
	return n, true, nil
}

// Invalid builds the error for an option whose value a caller refuses,
// pointing at its file and line. The value is left out of the message: it
// may be a secret.
func (f *INI) Invalid(e Entry, reason string, cause error) *facade.ConfigError {
	return &facade.ConfigError{
		File: f.File, Line: e.Line, Setting: "[" + e.Section + "] " + e.Key,
		Reason: reason, Err: cause,
	}
}

// CheckPrivate reports a credential file that others can read. warning is
// empty when the file is private (or the platform has no Unix permission
// bits); err is set when the file cannot be examined at all.
func CheckPrivate(path string) (warning string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if runtime.GOOS == "windows" {
		return "", nil
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Sprintf("%s holds credentials but is readable by others (mode %04o); run: chmod 600 %s", path, mode, path), nil
	}
	return "", nil
}

// ExpandHome replaces a leading "~" with the user's home directory, as the
// Python tools' os.path.expanduser does for their default file paths.
func ExpandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") && !strings.HasPrefix(path, `~\`) {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expanding %q: %w", path, err)
	}
	return filepath.Join(home, path[1:]), nil
}
