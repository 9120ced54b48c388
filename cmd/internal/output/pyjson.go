package output

import (
	"encoding/json"
	"math"
	"strings"
	"unicode/utf16"
)

// pyJSONDumps reproduces Python's json.dumps(v, indent=indent,
// sort_keys=sortKeys) with the default ensure_ascii=True: newline + indent
// between items, "," at line ends, ": " between key and value, empty
// containers as [] and {}, every non-ASCII code point as \uXXXX (lower-case
// hex, astral ones as a surrogate pair). No trailing newline, like dumps.
func pyJSONDumps(v any, indent int, sortKeys bool) string {
	var b strings.Builder
	writePyJSON(&b, v, indent, sortKeys, 0)
	return b.String()
}

// PyJSONCompact is Python's json.dumps(v) with its defaults: no indent,
// separators ", " and ": ", keys in their order, ensure_ascii. v is JSON
// data as this package decodes it (json.Number, *Map, []any).
func PyJSONCompact(v any) string { return pyJSONDumps(v, -1, false) }

// writePyJSON writes v; an indent below 0 is json.dumps's indent=None:
// everything on one line, items separated by ", ".
func writePyJSON(b *strings.Builder, v any, indent int, sortKeys bool, level int) {
	newline := func(l int) {
		if indent < 0 {
			return
		}
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", indent*l))
	}
	itemSep := ","
	if indent < 0 {
		itemSep = ", "
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		b.WriteString(pyJSONString(t))
	case json.Number:
		n := parsePyNumber(t)
		switch {
		case n.isInt:
			b.WriteString(n.text)
		case math.IsNaN(n.f):
			b.WriteString("NaN")
		case math.IsInf(n.f, 1):
			b.WriteString("Infinity")
		case math.IsInf(n.f, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(pyFloatRepr(n.f))
		}
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteString(itemSep)
			}
			newline(level + 1)
			writePyJSON(b, x, indent, sortKeys, level+1)
		}
		newline(level)
		b.WriteByte(']')
	case *Map:
		if t.Len() == 0 {
			b.WriteString("{}")
			return
		}
		keys := t.keys
		if sortKeys {
			keys = t.sortedKeys()
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(itemSep)
			}
			newline(level + 1)
			b.WriteString(pyJSONString(k))
			b.WriteString(": ")
			writePyJSON(b, t.vals[k], indent, sortKeys, level+1)
		}
		newline(level)
		b.WriteByte('}')
	default:
		// Not JSON data (a Transform result): encode it as JSON first.
		raw, err := json.Marshal(v)
		if err != nil {
			b.WriteString("null")
			return
		}
		g, err := decodeOrdered(raw)
		if err != nil {
			b.WriteString("null")
			return
		}
		writePyJSON(b, g, indent, sortKeys, level)
	}
}

// pyJSONString is json.encoder.py_encode_basestring_ascii.
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r >= ' ' && r <= '~':
				b.WriteRune(r)
			case r >= 0x10000:
				r1, r2 := utf16.EncodeRune(r)
				b.WriteString(`\u` + hexN(int(r1), 4) + `\u` + hexN(int(r2), 4))
			default:
				b.WriteString(`\u` + hexN(int(r), 4))
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
