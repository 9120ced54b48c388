package output

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reproduces how CPython turns the values json.loads produces into
// text: str() and repr() of str/int/float/bool/None/list/dict. st2's table
// cells are str(value), so a nested object shows as {'k': 'v'}.

// pyNumber is a JSON number as Python's json module reads it: an int when the
// text has no fraction or exponent, else a float.
type pyNumber struct {
	isInt bool
	text  string  // canonical int text when isInt
	f     float64 // value when !isInt
}

func parsePyNumber(n json.Number) pyNumber {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		// Python's int() drops a minus sign on zero and never keeps
		// leading zeros (JSON forbids them anyway).
		neg := strings.HasPrefix(s, "-")
		digits := strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
		if digits == "" {
			return pyNumber{isInt: true, text: "0"}
		}
		if neg {
			digits = "-" + digits
		}
		return pyNumber{isInt: true, text: digits}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Out of range: ParseFloat already returned ±Inf, like float().
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return pyNumber{isInt: false, f: math.NaN()}
		}
	}
	return pyNumber{f: f}
}

// pyFloatRepr is repr(float) of CPython 3: the shortest round-tripping
// digits, in fixed notation when the decimal exponent is in [-4, 16),
// otherwise d.ddde+XX; integral values keep a trailing ".0".
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±XX
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		x := strconv.Itoa(exp)
		if len(x) < 2 {
			x = "0" + x
		}
		return sign + m + "e" + es + x
	}
	decpt := exp + 1 // digits before the decimal point
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

// pyStr is Python's str(value).
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

// pyRepr is Python's repr(value) for the types json.loads produces.
func pyRepr(v any) string {
	var b strings.Builder
	writePyRepr(&b, v)
	return b.String()
}

func writePyRepr(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if t {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case string:
		b.WriteString(pyStrRepr(t))
	case json.Number:
		n := parsePyNumber(t)
		if n.isInt {
			b.WriteString(n.text)
		} else {
			b.WriteString(pyFloatRepr(n.f))
		}
	case []any:
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyRepr(b, x)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyStrRepr(k))
			b.WriteString(": ")
			writePyRepr(b, t.vals[k])
		}
		b.WriteByte('}')
	default:
		// Values produced by a caller's Transform: fall back to fmt-ish text.
		b.WriteString(fallbackText(v))
	}
}

// pyStrRepr is repr(str): single quotes unless the text has a single quote
// and no double quote; backslash escapes for the quote, backslash, \t \n \r
// and every non-printable code point.
func pyStrRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < ' ' || r == 0x7f:
			b.WriteString(`\x` + hex2(int(r)))
		case r < 0x80 || pyIsPrintable(r):
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x` + hex2(int(r)))
		case r < 0x10000:
			b.WriteString(`\u` + hexN(int(r), 4))
		default:
			b.WriteString(`\U` + hexN(int(r), 8))
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// pyIsPrintable approximates str.isprintable for one non-ASCII code point:
// everything but the Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs categories.
// utf8.RuneError stands for invalid input, which Go decoding already
// replaced, so it is printable like U+FFFD is in Python.
func pyIsPrintable(r rune) bool {
	if r == utf8.RuneError {
		return true
	}
	return unicode.IsPrint(r)
}

func hex2(n int) string { return hexN(n, 2) }

func hexN(n, width int) string {
	s := strconv.FormatInt(int64(n), 16)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// fallbackText renders values that are not part of the JSON data model (a
// Transform may return anything): Stringers and errors by their text, other
// values through encoding/json.
func fallbackText(v any) string {
	switch t := v.(type) {
	case interface{ String() string }:
		return t.String()
	case error:
		return t.Error()
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	g, err := decodeOrdered(raw)
	if err != nil {
		return string(raw)
	}
	return pyStr(g)
}

// PyStr is Python's str(value) for JSON data, as st2 prints parameter
// defaults and result fields.
func PyStr(v any) string { return pyStr(v) }

// PyRepr is Python's repr(value) for JSON data.
func PyRepr(v any) string { return pyRepr(v) }
