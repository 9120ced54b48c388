package st2cmd

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
)

// Python's str() and repr() of the values json.loads produces, for the
// views the output package does not draw itself (the execution result
// view, `-k`, action help). They follow cmd/internal/output/pyfmt.go.

// isPyInt reports a JSON number Python reads as an int (no fraction or
// exponent).
func isPyInt(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// pyIntText is str(int): no leading zeros, no "-0".
func pyIntText(n json.Number) string {
	s := string(n)
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
	if digits == "" {
		return "0"
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// pyFloat is float() of a JSON number; out of range gives ±inf.
func pyFloat(n json.Number) float64 {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return math.NaN()
		}
	}
	return f
}

// pyFloatRepr is repr(float): the shortest round-tripping digits, fixed
// notation for decimal exponents in [-4, 16), else d.ddde±XX; integral
// values keep ".0".
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
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
	decpt := exp + 1
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

// pyYAMLFloat is PyYAML's represent_float.
func pyYAMLFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	v := strings.ToLower(pyFloatRepr(f))
	if !strings.Contains(v, ".") && strings.Contains(v, "e") {
		v = strings.Replace(v, "e", ".0e", 1)
	}
	return v
}

// pyStr is str(value).
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

// pyRepr is repr(value).
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
		if isPyInt(t) {
			b.WriteString(pyIntText(t))
		} else {
			b.WriteString(pyFloatRepr(pyFloat(t)))
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
	case *output.Map:
		b.WriteByte('{')
		for i, k := range t.Keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyStrRepr(k))
			b.WriteString(": ")
			x, _ := t.Get(k)
			writePyRepr(b, x)
		}
		b.WriteByte('}')
	default:
		g, err := output.Normalize(v)
		if err != nil {
			b.WriteString("None")
			return
		}
		writePyRepr(b, g)
	}
}

// pyStrRepr is repr(str).
func pyStrRepr(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch {
		case r == quote || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < ' ' || r == 0x7f:
			b.WriteString(`\x` + hexPad(int(r), 2))
		case r < 0x80 || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x` + hexPad(int(r), 2))
		case r < 0x10000:
			b.WriteString(`\u` + hexPad(int(r), 4))
		default:
			b.WriteString(`\U` + hexPad(int(r), 8))
		}
	}
	b.WriteRune(quote)
	return b.String()
}

func hexPad(n, width int) string {
	s := strconv.FormatInt(int64(n), 16)
	return strings.Repeat("0", max(width-len(s), 0)) + s
}

// textwrapFill is a simple textwrap.fill(text, width): words (split on
// whitespace) filled greedily into lines of at most width characters,
// each prefixed by indent; a word longer than a line is split.
func textwrapFill(text string, width int, indent string) string {
	var lines []string
	line := ""
	avail := width - len(indent)
	for _, w := range strings.Fields(text) {
		for len(w) > avail && avail > 0 {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			lines = append(lines, w[:avail])
			w = w[avail:]
		}
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= avail:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	for i := range lines {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}
