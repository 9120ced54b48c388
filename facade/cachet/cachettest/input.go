package cachettest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxBody caps what the emulator reads of a request body; the real server
// sits behind PHP's post_max_size, which is of the same order.
const maxBody = 8 << 20

// input is what Laravel calls the request input: the query string and the
// body (JSON or form) merged, body first. Values keep PHP's shapes: string,
// int64, float64, bool, nil, []any (a PHP list) and map[string]any (a PHP
// associative array). Cachet reads every field through it, whatever the
// method, which is why the query filters of lists also see unknown keys.
type input struct {
	query     []kv           // top-level query keys, in request order
	body      map[string]any // decoded body; nil when none
	bodyOrder []string       // top-level body keys, in body order when known
}

type kv struct {
	key string
	val any
}

// readInput parses the request the way Laravel does: JSON bodies when the
// Content-Type says JSON (for any method), form bodies (urlencoded or
// multipart) on other methods than GET/HEAD. A body in another format is
// ignored, so a client that forgets its Content-Type gets validation
// errors, as from the real server.
func readInput(r *http.Request) (*input, error) {
	in := &input{query: parsePHPQuery(r.URL.RawQuery)}
	if r.Body == nil || r.Body == http.NoBody {
		return in, nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := strings.Contains(mt, "/json") || strings.Contains(mt, "+json")
	isForm := mt == "application/x-www-form-urlencoded"
	if !isJSON && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return in, nil
	}
	if mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return in, nil // an unreadable form is no input, as in PHP
		}
		var raw []string
		for k, vs := range r.MultipartForm.Value {
			for _, v := range vs {
				raw = append(raw, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
		slices.Sort(raw) // the part order is lost in Go's form; keep it stable
		in.setBody(parsePHPQuery(strings.Join(raw, "&")))
		return in, nil
	}
	if !isJSON && !isForm {
		return in, nil
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, err
	}
	if isJSON {
		in.body, in.bodyOrder = decodeJSONObject(raw)
		return in, nil
	}
	in.setBody(parsePHPQuery(string(raw)))
	return in, nil
}

// setBody stores form fields as the body.
func (in *input) setBody(pairs []kv) {
	in.body = make(map[string]any, len(pairs))
	for _, p := range pairs {
		in.body[p.key] = p.val
		in.bodyOrder = append(in.bodyOrder, p.key)
	}
}

// decodeJSONObject decodes a JSON body like PHP's json_decode(..., true)
// wrapped in Symfony's ParameterBag: anything but an object (including
// invalid JSON) yields no input at all.
func decodeJSONObject(raw []byte) (map[string]any, []string) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return map[string]any{}, nil
	}
	for k, x := range m {
		m[k] = phpValue(x)
	}
	return m, topLevelKeys(raw)
}

// topLevelKeys lists the keys of a JSON object in document order (maps
// forget it). Only used where the order shows, like the pagination links.
func topLevelKeys(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// phpValue turns decoded JSON into the PHP shapes: integers stay integers,
// other numbers become floats.
func phpValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i
			}
		}
		f, _ := strconv.ParseFloat(s, 64)
		return f
	case []any:
		for i := range x {
			x[i] = phpValue(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = phpValue(x[k])
		}
		return x
	}
	return v
}

// parsePHPQuery parses a query or form string like PHP's parse_str: "a[]"
// appends to a list, "a[k]" sets a key, "+" is a space, and a later plain
// key replaces an earlier one.
func parsePHPQuery(raw string) []kv {
	if raw == "" {
		return nil
	}
	var out []kv
	index := map[string]int{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		base, path := splitBrackets(key)
		if base == "" {
			continue
		}
		i, seen := index[base]
		if !seen {
			i = len(out)
			index[base] = i
			out = append(out, kv{key: base})
		}
		if len(path) == 0 {
			out[i].val = val
			continue
		}
		out[i].val = setPath(out[i].val, path, val)
	}
	return out
}

// splitBrackets splits "a[b][]" into "a" and ["b", ""].
func splitBrackets(key string) (string, []string) {
	open := strings.IndexByte(key, '[')
	if open <= 0 {
		return key, nil
	}
	base, rest := key[:open], key[open:]
	var path []string
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
	}
	if len(path) == 0 {
		return key, nil
	}
	return base, path
}

// setPath stores val under path inside container, creating lists for "[]"
// and maps for named keys.
func setPath(container any, path []string, val string) any {
	seg, rest := path[0], path[1:]
	leaf := func(old any) any {
		if len(rest) == 0 {
			return val
		}
		return setPath(old, rest, val)
	}
	if seg == "" {
		list, _ := container.([]any)
		return append(list, leaf(nil))
	}
	m, ok := container.(map[string]any)
	if !ok {
		m = map[string]any{}
		// A list filled by "a[]" keeps its items under "0", "1"... like PHP.
		if list, isList := container.([]any); isList {
			for i, x := range list {
				m[strconv.Itoa(i)] = x
			}
		}
	}
	m[seg] = leaf(m[seg])
	return m
}

// lookup returns a field as Laravel's input() does: the body wins over the
// query; a key present with null is present.
func (in *input) lookup(key string) (any, bool) {
	if v, ok := in.body[key]; ok {
		return v, true
	}
	for _, p := range in.query {
		if p.key == key {
			return p.val, true
		}
	}
	return nil, false
}

// get is Binput::get: the value, trimmed, or def when the key is absent.
func (in *input) get(key string, def any) any {
	v, ok := in.lookup(key)
	if !ok {
		return def
	}
	return trimDeep(v)
}

// raw is Binput::get with trimming turned off (incident and schedule
// messages on create).
func (in *input) raw(key string, def any) any {
	v, ok := in.lookup(key)
	if !ok {
		return def
	}
	return v
}

// keysExcept is Binput::except(...) reduced to its keys (body and query),
// in first-seen order.
func (in *input) keysExcept(skip ...string) []kv {
	var out []kv
	seen := map[string]bool{}
	add := func(k string, v any) {
		if seen[k] {
			return
		}
		seen[k] = true
		for _, s := range skip {
			if s == k {
				return
			}
		}
		out = append(out, kv{k, trimDeep(v)})
	}
	for _, k := range in.bodyOrder {
		add(k, in.body[k])
	}
	for k, v := range in.body { // keys bodyOrder could not list
		add(k, v)
	}
	for _, p := range in.query {
		add(p.key, p.val)
	}
	return out
}

// trimDeep trims strings, also inside lists and maps (Binput's trim).
func trimDeep(v any) any {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = trimDeep(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k := range x {
			out[k] = trimDeep(x[k])
		}
		return out
	}
	return v
}

// --- PHP value semantics ----------------------------------------------------

// fill sets *dst to conv(v) when the request gave the field (v is not
// nil): how an update applies only the attributes it is given.
func fill[T any](dst *T, v any, conv func(any) T) {
	if v != nil {
		*dst = conv(v)
	}
}

// phpBool is PHP's (bool) cast: false, 0, 0.0, "", "0", null and empty
// arrays are false, everything else (including the string "false") true.
func phpBool(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != "" && x != "0"
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// phpEmpty is PHP's empty(): the falsy values.
func phpEmpty(v any) bool { return !phpBool(v) }

// isPHPInt reports whether FILTER_VALIDATE_INT accepts v (Laravel's
// integer rule): integers, integral floats, true, and decimal strings
// without leading zeros.
func isPHPInt(v any) bool {
	_, ok := phpIntValue(v)
	return ok
}

func phpIntValue(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	case bool:
		if x {
			return 1, true
		}
	case string:
		s := strings.TrimSpace(x)
		digits := strings.TrimLeft(s, "+-")
		if digits == "" || len(s)-len(digits) > 1 || (len(digits) > 1 && digits[0] == '0') {
			return 0, false
		}
		i, err := strconv.ParseInt(s, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// isPHPNumeric is PHP 7's is_numeric: numbers and numeric strings (leading
// but no trailing white space).
func isPHPNumeric(v any) bool {
	_, ok := phpNumber(v)
	return ok
}

func phpNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		s := strings.TrimLeft(x, " \t\n\r\v\f")
		if s == "" || strings.ContainsAny(s, "xX_") || strings.TrimRight(s, " \t\n\r\v\f") != s {
			return 0, false
		}
		if l := strings.ToLower(s); strings.Contains(l, "inf") || strings.Contains(l, "nan") {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

// phpToInt is PHP's (int) cast of a value that passed validation.
func phpToInt(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case float64:
		return int(x)
	case bool:
		if x {
			return 1
		}
	case string:
		if i, ok := phpIntValue(x); ok {
			return int(i)
		}
		if f, ok := phpNumber(x); ok {
			return int(f)
		}
	}
	return 0
}

// phpToFloat is PHP's (float) cast of a value that passed validation.
func phpToFloat(v any) float64 {
	switch x := v.(type) {
	case bool:
		if x {
			return 1
		}
		return 0
	default:
		f, _ := phpNumber(x)
		return f
	}
}

// phpString is PHP's string conversion as used by the template renderer.
func phpString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return phpFloatString(x)
	case []any, map[string]any:
		return "Array"
	}
	return ""
}

// phpFloatString formats a float as PHP 7.1+ does in strings.
func phpFloatString(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'G', 17, 64)
}

// optString returns a string value, or nil for null/missing.
func optString(v any) *string {
	if v == nil {
		return nil
	}
	s := phpString(v)
	return &s
}
