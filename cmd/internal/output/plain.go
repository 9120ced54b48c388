package output

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// Plain mode is switchboard's pipe-friendly rendering (Options.Plain): one
// line per row, fields separated by a tab, a header line naming the
// attribute paths, no borders and no wrapping, so `cut -f2` and
// `while IFS=$'\t' read ...` work. Cells are raw data rather than st2's
// display text: strings as they are, numbers as sent, true/false, an empty
// field for null or a missing attribute, and objects/arrays as compact
// JSON. Tab, newline, carriage return and backslash inside a string value
// are written as \t, \n, \r and \\ so that a row stays on one line (JSON
// cells are already one line and are left as they are).

func (o Options) plainList(w io.Writer, entries []any, attrs []string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(strings.Join(escapePlainAll(attrs), "\t") + "\n")
	for _, e := range entries {
		cells := make([]string, len(attrs))
		for i, a := range attrs {
			v, _ := lookupKVP(e, a)
			cells[i] = plainCell(v)
		}
		bw.WriteString(strings.Join(cells, "\t") + "\n")
	}
	return bw.Flush()
}

func (o Options) plainGet(w io.Writer, g any, attrs []string) error {
	bw := bufio.NewWriter(w)
	for _, a := range attrs {
		v, _ := lookupKVP(g, a)
		bw.WriteString(escapePlain(a) + "\t" + plainCell(v) + "\n")
	}
	return bw.Flush()
}

// plainCell is the raw-data text of a value in plain mode.
func plainCell(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return escapePlain(t)
	case json.Number:
		return string(t)
	case bool:
		if t {
			return "true"
		}
		return "false"
	default:
		// Compact JSON never holds a raw tab or line break: no escaping.
		raw, err := marshalNoHTML(t)
		if err != nil {
			return ""
		}
		return string(raw)
	}
}

var plainEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func escapePlain(s string) string { return plainEscaper.Replace(s) }

func escapePlainAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = escapePlain(s)
	}
	return out
}
