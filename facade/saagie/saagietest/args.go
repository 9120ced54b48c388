package saagietest

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// Argument readers. Arguments come coerced by the validator: strings,
// bools, int64 for Int literals and top-level variables, json.Number for
// numbers nested in input objects, float64 for Float, maps and []any.

func argStr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// argOptStr returns nil when the key is absent or null.
func argOptStr(m map[string]any, k string) *string {
	s, ok := m[k].(string)
	if !ok {
		return nil
	}
	return &s
}

func argBool(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func argOptBool(m map[string]any, k string) *bool {
	b, ok := m[k].(bool)
	if !ok {
		return nil
	}
	return &b
}

// argInt reads an Int; ok is false when absent or null.
func argInt(m map[string]any, k string) (int, bool) {
	return toInt(m[k])
}

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case int32:
		return int(v), true
	case float64:
		return int(v), true
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			f, ferr := v.Float64()
			if ferr != nil {
				return 0, false
			}
			return int(f), true
		}
		return int(n), true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

func argMap(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

// argList reads a list; nil when absent or null.
func argList(m map[string]any, k string) []any {
	v := m[k]
	if v == nil {
		return nil
	}
	return toList(v)
}

func argStrings(m map[string]any, k string) []string {
	var out []string
	for _, v := range argList(m, k) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// has reports whether an input object sets a key (even to null).
func has(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// formatUUID turns 16 bytes into an RFC 4122 version 4 id.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// validUUID checks the text form of an id; the platform's UUID scalar
// refuses anything else.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// dateTime formats a timestamp as the platform's DateTime scalar: ISO-8601
// in UTC with milliseconds.
func dateTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// optDateTime is dateTime, or null for the zero time.
func optDateTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return dateTime(t)
}

// parseDateTime reads a DateTime argument, leniently: RFC 3339 with or
// without fractions, or saagieapi's "2006-01-02T15:04:05-0700".
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// page applies limit and skip to a newest-first list.
func page[T any](items []T, m map[string]any) []T {
	skip, _ := argInt(m, "skip")
	if skip < 0 {
		skip = 0
	}
	if skip >= len(items) {
		return items[:0]
	}
	items = items[skip:]
	if limit, ok := argInt(m, "limit"); ok && limit >= 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
