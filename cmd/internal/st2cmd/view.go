package st2cmd

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// ANSI colours of st2's DisplayColors.
const (
	colorBlue = "\033[94m"
	colorEnd  = "\033[0m"
)

// parametersToMask are shown as ******** in execution views, as st2's
// format_parameters does.
var parametersToMask = []string{"password", "private_key"}

// timestampLayout is st2's format_dt: "%a, %d %b %Y %H:%M:%S %Z".
const timestampLayout = "Mon, 02 Jan 2006 15:04:05 MST"

// formatTimestamp is format_isodate_for_user_timezone in UTC (st2's
// default [cli] timezone): an ISO timestamp shown as "Wed, 01 May 2024
// 12:00:00 UTC"; empty stays empty, unparsable text is kept.
func formatTimestamp(v any) any { return formatTimestampIn(time.UTC)(v) }

// formatTime is format_isodate_for_user_timezone in the configured [cli]
// timezone. It reads the zone when it runs, not when a command builds its
// transforms: the zone is known once the config file has been read, when
// the command connects.
func (e *Env) formatTime(v any) any {
	loc := e.loc
	if loc == nil {
		loc = time.UTC
	}
	return formatTimestampLoc(v, loc)
}

// formatTimestampIn is format_isodate_for_user_timezone in loc, the
// config file's [cli] timezone.
func formatTimestampIn(loc *time.Location) func(any) any {
	return func(v any) any { return formatTimestampLoc(v, loc) }
}

func formatTimestampLoc(v any, loc *time.Location) any {
	s, ok := v.(string)
	if !ok {
		if v == nil {
			return ""
		}
		return v
	}
	if s == "" {
		return ""
	}
	if _, err := time.Parse(timestampLayout, s); err == nil {
		// Already shown for the user (the result view applies its
		// transforms twice): Go reads a zone abbreviation other than
		// UTC as a zero offset, so parsing it again would shift it.
		return s
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02 15:04:05.999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.In(loc).Format(timestampLayout)
		}
	}
	return s
}

// maskParameters is format_parameters: a copy with secrets masked.
func maskParameters(v any) any {
	m, ok := v.(*output.Map)
	if !ok {
		return v
	}
	c := output.NewMap()
	for _, k := range m.Keys() {
		x, _ := m.Get(k)
		for _, secret := range parametersToMask {
			if k == secret {
				x = "********"
			}
		}
		c.Set(k, x)
	}
	return c
}

// withElapsed is format_execution_status: "succeeded (3s elapsed)" for a
// finished execution, "running (5s elapsed)" for a running one (now is
// the current time), the status alone otherwise. It changes ex.
func withElapsed(ex *output.Map, now time.Time) {
	status, _ := ex.Get("status")
	s, ok := status.(string)
	if !ok {
		return
	}
	start, okStart := parseISO(ex, "start_timestamp")
	end, okEnd := parseISO(ex, "end_timestamp")
	switch {
	case s == string(st2.StatusRunning) && okStart:
		ex.Set("status", fmt.Sprintf("%s (%ds elapsed)", s, now.Unix()-start.Unix()))
	case st2.Completed(st2.ExecutionStatus(s)) && okStart && okEnd:
		ex.Set("status", fmt.Sprintf("%s (%ds elapsed)", s, end.Unix()-start.Unix()))
	}
}

func parseISO(m *output.Map, key string) (time.Time, bool) {
	v, _ := m.Get(key)
	s, ok := v.(string)
	if !ok || s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// executionTransforms are st2's attribute_transform_functions of the
// execution commands; color adds format_status's colours.
func executionTransforms(color bool) map[string]func(any) any {
	tf := map[string]func(any) any{
		"start_timestamp": formatTimestamp,
		"end_timestamp":   formatTimestamp,
		"parameters":      maskParameters,
	}
	if color {
		tf["status"] = func(v any) any {
			if s, ok := v.(string); ok {
				return output.ColorStatus(s)
			}
			return v
		}
	}
	return tf
}

// executionTransforms are executionTransforms with the timestamps in
// the configured [cli] timezone.
func (e *Env) executionTransforms(color bool) map[string]func(any) any {
	tf := executionTransforms(color)
	if e.loc != nil {
		tf["start_timestamp"] = formatTimestampIn(e.loc)
		tf["end_timestamp"] = formatTimestampIn(e.loc)
	}
	return tf
}

// lookup is jsutil.get_value for simple dotted keys: nil when missing.
func lookup(doc *output.Map, path string) any {
	if doc == nil {
		return nil
	}
	var v any = doc
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(*output.Map)
		if !ok {
			return nil
		}
		if v, ok = m.Get(part); !ok {
			return nil
		}
	}
	return v
}

// unescapeST2 is strutil.unescape followed by strip_carriage_returns.
func unescapeST2(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.ReplaceAll(s, `\n`, "\n")
	s = strings.ReplaceAll(s, `\r`, "\r")
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `\r`, "")
	return strings.ReplaceAll(s, "\r", "")
}

// writeExecutionResult prints st2's ExecutionResult view: one "attr:
// value" line per attribute, objects and lists as block YAML (indent 2)
// starting on the next line.
func writeExecutionResult(w io.Writer, ex *output.Map, attrs []string, tf map[string]func(any) any, color bool) error {
	var b strings.Builder
	for _, attr := range attrs {
		value := unescapeST2(lookup(ex, attr))
		transform := tf[attr]
		if transform == nil {
			transform = func(v any) any { return v }
		}
		value = transform(value)
		if s, ok := value.(string); ok && len(s) > 0 && strings.ContainsRune("{[", rune(s[0])) && strings.ContainsRune("}]", rune(s[len(s)-1])) {
			// st2 runs ast.literal_eval on text that looks like a dict or
			// a list; JSON is the common case of that.
			if v, err := decodeJSON(s); err == nil {
				if g, err := output.Normalize(v); err == nil {
					switch g.(type) {
					case *output.Map, []any:
						value = g
					}
				}
			}
		}
		switch value.(type) {
		case *output.Map, []any:
			doc := output.NewMap()
			doc.Set(attr, value)
			y := output.YAMLDump(doc, 2, math.MaxInt32)
			formatted := ""
			if len(attr)+2 <= len(y)-1 {
				formatted = y[len(attr)+2 : len(y)-1]
			}
			if _, isList := value.([]any); isList {
				lines := strings.Split(formatted, "\n")
				for i, l := range lines {
					lines[i] = "  " + l
				}
				formatted = strings.Join(lines, "\n")
			}
			value = strings.ReplaceAll("\n"+formatted, "\n\n", "\n")
		}
		// st2 applies the transform a second time here (harmless for
		// timestamps; it wraps a coloured status once more).
		value = transform(value)
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		name := attr
		if color {
			name = colorBlue + attr + colorEnd
		}
		b.WriteString(name + ": " + output.PyStr(value))
	}
	out, _ := unescapeST2(b.String()).(string)
	_, err := io.WriteString(w, out+"\n")
	return err
}
