package st2test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// checkFields is the part of JSON-schema validation the emulator needs
// for request bodies: required properties first, then no unknown
// properties (additionalProperties: false), then types ("string",
// "object|null", ...), with jsonschema's messages.
func checkFields(in map[string]any, fields map[string]string, required []string) error {
	for _, r := range required {
		if _, ok := in[r]; !ok {
			return errBad("'%s' is a required property", r)
		}
	}
	var extra []string
	for k := range in {
		if _, ok := fields[k]; !ok {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return errBad("Additional properties are not allowed (%s %s unexpected)", pyListBare(extra), wasWere(len(extra)))
	}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		types := strings.Split(fields[k], "|")
		anyT := make([]any, len(types))
		for i, t := range types {
			anyT[i] = t
		}
		if !typeMatches(in[k], anyT) {
			return errBad("%s is not of type %s", pyRepr(in[k]), typeNames(anyT))
		}
	}
	return nil
}

// typeMatches checks a JSON value against a JSON-schema type (a name or
// a list of names).
func typeMatches(v any, t any) bool {
	var names []string
	switch x := t.(type) {
	case string:
		names = []string{x}
	case []any:
		for _, e := range x {
			names = append(names, fmt.Sprint(e))
		}
	default:
		return true
	}
	for _, n := range names {
		switch n {
		case "", "any":
			return true
		case "string":
			if _, ok := v.(string); ok {
				return true
			}
		case "integer":
			if f, ok := v.(float64); ok && f == math.Trunc(f) {
				return true
			}
		case "number":
			if _, ok := v.(float64); ok {
				return true
			}
		case "boolean":
			if _, ok := v.(bool); ok {
				return true
			}
		case "object":
			if _, ok := v.(map[string]any); ok {
				return true
			}
		case "array":
			if _, ok := v.([]any); ok {
				return true
			}
		case "null":
			if v == nil {
				return true
			}
		}
	}
	return false
}

// typeNames renders types as jsonschema does: 'string' or 'array', 'null'.
func typeNames(t any) string {
	switch x := t.(type) {
	case string:
		return "'" + x + "'"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = "'" + fmt.Sprint(e) + "'"
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(t)
}

// pyRepr renders a JSON value as Python's repr, which st2's messages
// quote.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "'" + strings.ReplaceAll(x, "'", "\\'") + "'"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + pyRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func pyList(items []string) string {
	return "[" + pyListBare(items) + "]"
}

func pyListBare(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = pyRepr(s)
	}
	return strings.Join(parts, ", ")
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// nameRe is st2's rule for parameter names and similar: ^\w+$.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
