package output

import (
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"sync"
)

// This file reproduces PyYAML's yaml.safe_dump(data, indent=4,
// default_flow_style=False) (sort_keys=True, allow_unicode=False, width=80)
// for the JSON data model: PyYAML's representer, its YAML 1.1 implicit
// resolver (which decides when a string must be quoted) and the parts of its
// emitter that block-style JSON data reaches, ported state for state so the
// bytes match, including line folding at column 80.

// The -y output's settings: yaml.safe_dump(indent=4), PyYAML's default
// width.
const (
	yamlIndent = 4
	yamlWidth  = 80
)

// PyYAML's implicit resolvers (yaml/resolver.py), written without the
// verbose-mode whitespace. A string matching one of them would read back as
// another type, so it cannot be emitted plain. They are compiled on first
// use: compiling them at package init cost every CLI invocation about
// 1 ms, -y or not.
var yamlImplicit = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`),
		regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`),
		regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`),
		regexp.MustCompile(`^(?:<<)$`),
		regexp.MustCompile(`^(?:~|null|Null|NULL|)$`),
		regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`),
		regexp.MustCompile(`^(?:=)$`),
		regexp.MustCompile(`^(?:!|&|\*)$`),
	}
})

// yamlResolvesToStr reports whether PyYAML would read s back as a string.
// Python's `$` also matches before one trailing newline, hence the retry.
func yamlResolvesToStr(s string) bool {
	for _, re := range yamlImplicit() {
		if re.MatchString(s) {
			return false
		}
		if strings.HasSuffix(s, "\n") && re.MatchString(s[:len(s)-1]) {
			return false
		}
	}
	return true
}

// pyYAMLFloat is SafeRepresenter.represent_float.
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

// pyYAMLDump returns what yaml.safe_dump(v, indent=4,
// default_flow_style=False) returns (it ends with a newline).
func pyYAMLDump(v any) string { return YAMLDump(v, yamlIndent, yamlWidth) }

// YAMLDump returns what PyYAML's yaml.safe_dump(v, indent=indent,
// width=width, default_flow_style=False) returns for JSON data (it ends
// with a newline). st2's execution result view uses indent 2 and an
// unlimited width (yaml.dump(..., width=2**31-1)).
func YAMLDump(v any, indent, width int) string {
	e := &yamlEmitter{bestIndent: indent, bestWidth: width, indent: -1, whitespace: true, indention: true}
	e.expectNode(v, true, false, false, false)
	e.writeIndent() // document end
	if e.openEnded {
		e.writeIndicator("...", true, false, false)
		e.writeIndent()
	}
	return e.b.String()
}

type yamlEmitter struct {
	bestIndent, bestWidth int // PyYAML's best_indent and best_width

	b         strings.Builder
	indent    int // -1 is PyYAML's None
	indents   []int
	flowLevel int

	rootCtx, seqCtx, mapCtx, simpleKeyCtx bool

	column     int
	whitespace bool
	indention  bool
	openEnded  bool
}

type yamlScalar struct {
	value    string
	implicit bool // implicit[0]: the plain text reads back as the same type
}

// represent maps a JSON value to the scalar PyYAML's SafeRepresenter makes,
// or returns ok=false for collections.
func yamlRepresentScalar(v any) (yamlScalar, bool) {
	switch t := v.(type) {
	case nil:
		return yamlScalar{"null", true}, true
	case bool:
		if t {
			return yamlScalar{"true", true}, true
		}
		return yamlScalar{"false", true}, true
	case string:
		return yamlScalar{t, yamlResolvesToStr(t)}, true
	case json.Number:
		n := parsePyNumber(t)
		if n.isInt {
			return yamlScalar{n.text, true}, true
		}
		return yamlScalar{pyYAMLFloat(n.f), true}, true
	case []any, *Map:
		return yamlScalar{}, false
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return yamlScalar{"null", true}, true
		}
		g, err := decodeOrdered(raw)
		if err != nil {
			return yamlScalar{"null", true}, true
		}
		return yamlRepresentScalar(g)
	}
}

func (e *yamlEmitter) increaseIndent(flow, indentless bool) {
	e.indents = append(e.indents, e.indent)
	if e.indent < 0 {
		if flow {
			e.indent = e.bestIndent
		} else {
			e.indent = 0
		}
	} else if !indentless {
		e.indent += e.bestIndent
	}
}

func (e *yamlEmitter) popIndent() {
	e.indent = e.indents[len(e.indents)-1]
	e.indents = e.indents[:len(e.indents)-1]
}

func (e *yamlEmitter) expectNode(v any, root, sequence, mapping, simpleKey bool) {
	e.rootCtx, e.seqCtx, e.mapCtx, e.simpleKeyCtx = root, sequence, mapping, simpleKey
	switch t := v.(type) {
	case []any:
		if e.flowLevel > 0 || len(t) == 0 {
			e.writeIndicator("[", true, true, false)
			e.flowLevel++
			e.increaseIndent(true, false)
			// Only empty sequences are emitted in flow style here.
			e.popIndent()
			e.flowLevel--
			e.writeIndicator("]", false, false, false)
			return
		}
		indentless := e.mapCtx && !e.indention
		e.increaseIndent(false, indentless)
		for _, item := range t {
			e.writeIndent()
			e.writeIndicator("-", true, false, true)
			e.expectNode(item, false, true, false, false)
		}
		e.popIndent()
	case *Map:
		if e.flowLevel > 0 || t.Len() == 0 {
			e.writeIndicator("{", true, true, false)
			e.flowLevel++
			e.increaseIndent(true, false)
			e.popIndent()
			e.flowLevel--
			e.writeIndicator("}", false, false, false)
			return
		}
		e.increaseIndent(false, false)
		for _, k := range t.sortedKeys() {
			e.writeIndent()
			a := yamlAnalyze(k)
			if len([]rune(k)) < 128 && !a.empty && !a.multiline {
				e.expectNode(k, false, false, true, true)
				e.writeIndicator(":", false, false, false)
			} else {
				e.writeIndicator("?", true, false, true)
				e.expectNode(k, false, false, true, false)
				e.writeIndent()
				e.writeIndicator(":", true, false, true)
			}
			e.expectNode(t.vals[k], false, false, true, false)
		}
		e.popIndent()
	default:
		s, _ := yamlRepresentScalar(v)
		e.increaseIndent(true, false)
		e.processScalar(s)
		e.popIndent()
	}
}

type yamlAnalysis struct {
	empty, multiline                     bool
	allowFlowPlain, allowBlockPlain      bool
	allowSingleQuoted, allowDoubleQuoted bool
	allowBlock                           bool
}

func isYAMLBreak(r rune) bool {
	return r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029
}

func isYAMLSpaceOrBreakOrNul(r rune) bool {
	return r == 0 || r == ' ' || r == '\t' || r == '\r' || isYAMLBreak(r)
}

// yamlAnalyze is Emitter.analyze_scalar with allow_unicode=False.
func yamlAnalyze(scalar string) yamlAnalysis {
	if scalar == "" {
		return yamlAnalysis{empty: true, allowBlockPlain: true, allowSingleQuoted: true, allowDoubleQuoted: true}
	}
	rs := []rune(scalar)
	var blockInd, flowInd, lineBreaks, special bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	if strings.HasPrefix(scalar, "---") || strings.HasPrefix(scalar, "...") {
		blockInd, flowInd = true, true
	}
	precededByWS := true
	followedByWS := len(rs) == 1 || isYAMLSpaceOrBreakOrNul(rs[1])
	prevSpace, prevBreak := false, false
	for i, ch := range rs {
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", ch) {
				flowInd, blockInd = true, true
			}
			if ch == '?' || ch == ':' {
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			}
			if ch == '-' && followedByWS {
				flowInd, blockInd = true, true
			}
		} else {
			if strings.ContainsRune(",?[]{}", ch) {
				flowInd = true
			}
			if ch == ':' {
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			}
			if ch == '#' && precededByWS {
				flowInd, blockInd = true, true
			}
		}
		if isYAMLBreak(ch) {
			lineBreaks = true
		}
		if !(ch == '\n' || (ch >= 0x20 && ch <= 0x7e)) {
			// Unicode characters are special too without allow_unicode.
			special = true
		}
		switch {
		case ch == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i == len(rs)-1 {
				trailingSpace = true
			}
			if prevBreak {
				breakSpace = true
			}
			prevSpace, prevBreak = true, false
		case isYAMLBreak(ch):
			if i == 0 {
				leadingBreak = true
			}
			if i == len(rs)-1 {
				trailingBreak = true
			}
			if prevSpace {
				spaceBreak = true
			}
			prevSpace, prevBreak = false, true
		default:
			prevSpace, prevBreak = false, false
		}
		precededByWS = isYAMLSpaceOrBreakOrNul(ch)
		followedByWS = i+2 >= len(rs) || isYAMLSpaceOrBreakOrNul(rs[i+2])
	}
	a := yamlAnalysis{multiline: lineBreaks, allowFlowPlain: true, allowBlockPlain: true,
		allowSingleQuoted: true, allowDoubleQuoted: true, allowBlock: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.allowFlowPlain, a.allowBlockPlain = false, false
	}
	if trailingSpace {
		a.allowBlock = false
	}
	if breakSpace {
		a.allowFlowPlain, a.allowBlockPlain, a.allowSingleQuoted = false, false, false
	}
	if spaceBreak || special {
		a.allowFlowPlain, a.allowBlockPlain, a.allowSingleQuoted, a.allowBlock = false, false, false, false
	}
	if lineBreaks {
		a.allowFlowPlain, a.allowBlockPlain = false, false
	}
	if flowInd {
		a.allowFlowPlain = false
	}
	if blockInd {
		a.allowBlockPlain = false
	}
	return a
}

func (e *yamlEmitter) processScalar(s yamlScalar) {
	a := yamlAnalyze(s.value)
	// choose_scalar_style with style=None (safe_dump never sets one).
	style := byte('"')
	plainOK := e.flowLevel > 0 && a.allowFlowPlain || e.flowLevel == 0 && a.allowBlockPlain
	switch {
	case s.implicit && !(e.simpleKeyCtx && (a.empty || a.multiline)) && plainOK:
		style = 0
	case a.allowSingleQuoted && !(e.simpleKeyCtx && a.multiline):
		style = '\''
	}
	split := !e.simpleKeyCtx
	switch style {
	case '"':
		e.writeDoubleQuoted([]rune(s.value), split)
	case '\'':
		e.writeSingleQuoted([]rune(s.value), split)
	default:
		e.writePlain([]rune(s.value), split)
	}
}

func (e *yamlEmitter) write(s string) {
	e.column += len([]rune(s))
	e.b.WriteString(s)
}

func (e *yamlEmitter) writeIndicator(ind string, needWhitespace, whitespace, indention bool) {
	data := ind
	if !e.whitespace && needWhitespace {
		data = " " + ind
	}
	e.whitespace = whitespace
	e.indention = e.indention && indention
	e.openEnded = false
	e.write(data)
}

func (e *yamlEmitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.writeLineBreak("\n")
	}
	if e.column < indent {
		e.whitespace = true
		e.b.WriteString(strings.Repeat(" ", indent-e.column))
		e.column = indent
	}
}

func (e *yamlEmitter) writeLineBreak(data string) {
	e.whitespace = true
	e.indention = true
	e.column = 0
	e.b.WriteString(data)
}

func (e *yamlEmitter) writeBreaks(text []rune) {
	for _, br := range text {
		e.writeLineBreak(string(br))
	}
}

func (e *yamlEmitter) writePlain(text []rune, split bool) {
	if e.rootCtx {
		e.openEnded = true
	}
	if len(text) == 0 {
		return
	}
	if !e.whitespace {
		e.write(" ")
	}
	e.whitespace, e.indention = false, false
	spaces, breaks := false, false
	start := 0
	for end := 0; end <= len(text); end++ {
		var ch rune = -1
		if end < len(text) {
			ch = text[end]
		}
		switch {
		case spaces:
			if ch != ' ' {
				if start+1 == end && e.column > e.bestWidth && split {
					e.writeIndent()
					e.whitespace, e.indention = false, false
				} else {
					e.write(string(text[start:end]))
				}
				start = end
			}
		case breaks:
			if !isYAMLBreak(ch) {
				if text[start] == '\n' {
					e.writeLineBreak("\n")
				}
				e.writeBreaks(text[start:end])
				e.writeIndent()
				e.whitespace, e.indention = false, false
				start = end
			}
		default:
			if ch == -1 || ch == ' ' || isYAMLBreak(ch) {
				e.write(string(text[start:end]))
				start = end
			}
		}
		if ch != -1 {
			spaces = ch == ' '
			breaks = isYAMLBreak(ch)
		}
	}
}

func (e *yamlEmitter) writeSingleQuoted(text []rune, split bool) {
	e.writeIndicator("'", true, false, false)
	spaces, breaks := false, false
	start := 0
	for end := 0; end <= len(text); end++ {
		var ch rune = -1
		if end < len(text) {
			ch = text[end]
		}
		switch {
		case spaces:
			if ch != ' ' {
				if start+1 == end && e.column > e.bestWidth && split && start != 0 && end != len(text) {
					e.writeIndent()
				} else {
					e.write(string(text[start:end]))
				}
				start = end
			}
		case breaks:
			if !isYAMLBreak(ch) {
				if text[start] == '\n' {
					e.writeLineBreak("\n")
				}
				e.writeBreaks(text[start:end])
				e.writeIndent()
				start = end
			}
		default:
			if ch == -1 || ch == ' ' || isYAMLBreak(ch) || ch == '\'' {
				if start < end {
					e.write(string(text[start:end]))
					start = end
				}
			}
		}
		if ch == '\'' {
			e.write("''")
			start = end + 1
		}
		if ch != -1 {
			spaces = ch == ' '
			breaks = isYAMLBreak(ch)
		}
	}
	e.writeIndicator("'", false, false, false)
}

var yamlEscapes = map[rune]string{
	0: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0a: "n", 0x0b: "v", 0x0c: "f",
	0x0d: "r", 0x1b: "e", '"': "\"", '\\': "\\", 0x85: "N", 0xa0: "_",
	0x2028: "L", 0x2029: "P",
}

func (e *yamlEmitter) writeDoubleQuoted(text []rune, split bool) {
	e.writeIndicator("\"", true, false, false)
	start := 0
	for end := 0; end <= len(text); end++ {
		var ch rune = -1
		if end < len(text) {
			ch = text[end]
		}
		if ch == -1 || ch == '"' || ch == '\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 ||
			ch == 0xfeff || !(ch >= 0x20 && ch <= 0x7e) {
			if start < end {
				e.write(string(text[start:end]))
				start = end
			}
			if ch != -1 {
				var data string
				if r, ok := yamlEscapes[ch]; ok {
					data = "\\" + r
				} else if ch <= 0xff {
					data = "\\x" + strings.ToUpper(hexN(int(ch), 2))
				} else if ch <= 0xffff {
					data = "\\u" + strings.ToUpper(hexN(int(ch), 4))
				} else {
					data = "\\U" + strings.ToUpper(hexN(int(ch), 8))
				}
				e.write(data)
				start = end + 1
			}
		}
		if end > 0 && end < len(text)-1 && (ch == ' ' || start >= end) &&
			e.column+(end-start) > e.bestWidth && split {
			data := "\\"
			if start < end {
				data = string(text[start:end]) + data
				start = end
			}
			e.write(data)
			e.writeIndent()
			e.whitespace, e.indention = false, false
			if text[start] == ' ' {
				e.write("\\")
			}
		}
	}
	e.writeIndicator("\"", false, false, false)
}
