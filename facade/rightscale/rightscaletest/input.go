package rightscaletest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBody bounds request bodies: scripts and inputs are small.
const maxBody = 4 << 20

// params is a request's parameters as Rails sees them: the query string
// and the body (JSON, or a form with Rails-style nested keys such as
// deployment[name], inputs[][name] and tags[]) merged, the body winning.
type params map[string]any

// readParams parses the query and the body of r.
func readParams(r *http.Request) (params, *apiError) {
	p := parseRails(r.URL.RawQuery)
	if r.Body == nil || r.Body == http.NoBody {
		return p, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, errParam("reading the request body: %v", err)
	}
	if len(b) > maxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return p, nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var body params
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			return nil, errParam("The request body is not valid JSON: %v", err)
		}
	case mt == "text/plain":
		body = params{"__raw": string(b)}
	default: // forms, and bodies sent without a type
		body = parseRails(string(b))
	}
	for k, v := range body {
		p[k] = v
	}
	return p, nil
}

// parseRails decodes a query string or form body with Rails' nesting
// rules, keeping the order of the pairs (which pairs inputs[][name] with
// its inputs[][value]).
func parseRails(raw string) params {
	out := params{}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		path := splitKey(key)
		if len(path) == 0 {
			continue
		}
		setPath(out, path, val)
	}
	return out
}

// splitKey turns "a[b][][c]" into ["a", "b", "", "c"].
func splitKey(key string) []string {
	name, rest, ok := strings.Cut(key, "[")
	if name == "" {
		return nil
	}
	path := []string{name}
	if !ok {
		return path
	}
	rest = "[" + rest
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
	}
	return path
}

// setPath stores val at path in m, the way Rack's nested query parser
// does: "" is an array; an array of hashes starts a new element when the
// last one already has the key.
func setPath(m map[string]any, path []string, val string) {
	head := path[0]
	if len(path) == 1 {
		m[head] = val
		return
	}
	if path[1] == "" {
		arr, _ := m[head].([]any)
		if len(path) == 2 {
			m[head] = append(arr, val)
			return
		}
		var last map[string]any
		if n := len(arr); n > 0 {
			last, _ = arr[n-1].(map[string]any)
		}
		if last == nil || hasPath(last, path[2:]) {
			last = map[string]any{}
			arr = append(arr, last)
		}
		setPath(last, path[2:], val)
		m[head] = arr
		return
	}
	sub, _ := m[head].(map[string]any)
	if sub == nil {
		sub = map[string]any{}
		m[head] = sub
	}
	setPath(sub, path[1:], val)
}

func hasPath(m map[string]any, path []string) bool {
	v, ok := m[path[0]]
	if !ok {
		return false
	}
	if len(path) == 1 || path[1] == "" {
		return true
	}
	sub, ok := v.(map[string]any)
	return ok && hasPath(sub, path[1:])
}

// str returns a scalar parameter as a string ("" when absent).
func (p params) str(name string) (string, bool) {
	return scalar(p[name])
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// obj returns a nested hash parameter (deployment[...] or {"deployment":{}}).
func (p params) obj(name string) params {
	m, _ := p[name].(map[string]any)
	return m
}

// list returns an array parameter of scalars (tags[], resource_hrefs[],
// filter[]). A single scalar counts as a one-element list.
func (p params) list(name string) ([]string, bool) {
	switch x := p[name].(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, v := range x {
			s, ok := scalar(v)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	case nil:
		return nil, true
	default:
		s, ok := scalar(x)
		if !ok {
			return nil, false
		}
		return []string{s}, true
	}
}

// boolean reads a true/false parameter ("true" only counts as true, as
// the API's match_all and latest_only do).
func (p params) boolean(name string) bool {
	s, _ := p.str(name)
	return s == "true"
}
