package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Map is a JSON object that remembers the order of its keys.
//
// st2 prints nested objects in the get view with their keys in the order the
// server sent them (Python dicts keep insertion order), and Go maps forget
// that order; every object the package decodes is therefore a *Map. Callers
// may also build items as *Map to fix the order of a synthetic object, since
// *Map marshals back to JSON in its own order.
type Map struct {
	keys []string
	vals map[string]any
}

// NewMap returns an empty ordered object, for callers that build a
// synthetic item whose key order must show (the zero Map works as well).
func NewMap() *Map { return &Map{vals: map[string]any{}} }

// Len reports the number of keys, so callers can tell an empty object ({}),
// which st2 renders differently from a missing one.
func (m *Map) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

// Keys returns the keys in insertion order; the slice is a copy so callers
// may sort it without disturbing the object.
func (m *Map) Keys() []string {
	if m == nil {
		return nil
	}
	return append([]string(nil), m.keys...)
}

// Get returns the value stored under key and whether it exists, because a
// JSON null (nil, true) and a missing key (nil, false) render differently.
func (m *Map) Get(key string) (any, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.vals[key]
	return v, ok
}

// Set stores value under key. Like a Python dict, a new key goes to the end
// and an existing key keeps its position, which is how json.loads treats
// duplicate keys.
func (m *Map) Set(key string, value any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	if _, ok := m.vals[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.vals[key] = value
}

// MarshalJSON writes the object with its keys in insertion order, so a *Map
// handed to List or Get (or to encoding/json) keeps its order.
func (m *Map) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshalNoHTML(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoHTML(m.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoHTML is json.Marshal without the \u003c-style escaping of <, >
// and &, which is noise in terminal and pipe output.
func marshalNoHTML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// sortedKeys returns the keys in code point order, the order of Python's
// sorted() on str keys (byte order of UTF-8 is code point order).
func (m *Map) sortedKeys() []string {
	ks := m.Keys()
	sort.Strings(ks)
	return ks
}

// Normalize converts any Go value into the generic form every renderer works
// on: *Map for objects, []any for arrays, string, json.Number, bool and nil.
//
// The value goes through encoding/json, so struct json tags, omitempty and
// custom marshalers apply exactly as on the wire. json.RawMessage (and
// *Map) inputs keep their key order and number text; a Go map is marshaled
// with sorted keys, and a float64 that is integral marshals without a
// fraction, so pass the raw server JSON when the exact st2 look of numbers
// and nested key order matters.
//
// A value already in that form (as decoded from the server by an earlier
// Normalize) is returned as it is, not copied, and raw JSON is decoded
// straight away: Normalize runs on every item a command prints, and the
// round trip through encoding/json cost a table command about a third of
// a millisecond of its start-up.
func Normalize(v any) (any, error) {
	switch t := v.(type) {
	case json.RawMessage:
		if len(t) > 0 {
			return decodeOrdered(t)
		}
	default:
		if isGeneric(v) {
			return v, nil
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("output: cannot encode value: %w", err)
	}
	return decodeOrdered(raw)
}

// isGeneric reports whether v is in the form Normalize returns. A nil
// *Map or nil slice is not: each normalizes to nil.
func isGeneric(v any) bool {
	switch t := v.(type) {
	case nil, string, json.Number, bool:
		return true
	case *Map:
		if t == nil || len(t.keys) != len(t.vals) {
			return false
		}
		for _, k := range t.keys {
			if !isGeneric(t.vals[k]) {
				return false
			}
		}
		return true
	case []any:
		if t == nil {
			return false
		}
		for _, e := range t {
			if !isGeneric(e) {
				return false
			}
		}
		return true
	}
	return false
}

// decodeOrdered decodes one JSON value, objects as *Map in their key
// order, numbers as json.Number. raw is checked by json.Valid first (no
// allocation), so the walk below only ever sees well-formed JSON: it is
// json.Decoder.Token's result without Token's cost (an error value built
// for every scalar it reads).
func decodeOrdered(raw []byte) (any, error) {
	if !json.Valid(raw) {
		var v any
		err := json.Unmarshal(raw, &v) // says where and why
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, fmt.Errorf("output: cannot decode value: %w", err)
	}
	w := jsonWalker{data: raw}
	return w.value()
}

// jsonWalker reads values out of valid JSON.
type jsonWalker struct {
	data []byte
	pos  int
}

func (w *jsonWalker) skipSpace() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

func (w *jsonWalker) value() (any, error) {
	w.skipSpace()
	switch c := w.data[w.pos]; {
	case c == '{':
		w.pos++
		m := NewMap()
		for {
			w.skipSpace()
			if w.data[w.pos] == '}' {
				w.pos++
				return m, nil
			}
			if w.data[w.pos] == ',' {
				w.pos++
				w.skipSpace()
			}
			k, err := w.str()
			if err != nil {
				return nil, err
			}
			w.skipSpace()
			w.pos++ // ':'
			v, err := w.value()
			if err != nil {
				return nil, err
			}
			m.Set(k, v)
		}
	case c == '[':
		w.pos++
		list := []any{}
		for {
			w.skipSpace()
			if w.data[w.pos] == ']' {
				w.pos++
				return list, nil
			}
			if w.data[w.pos] == ',' {
				w.pos++
			}
			v, err := w.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
	case c == '"':
		return w.str()
	case c == 't':
		w.pos += len("true")
		return true, nil
	case c == 'f':
		w.pos += len("false")
		return false, nil
	case c == 'n':
		w.pos += len("null")
		return nil, nil
	default: // a number
		start := w.pos
		for w.pos < len(w.data) && strings.IndexByte("+-.0123456789eE", w.data[w.pos]) >= 0 {
			w.pos++
		}
		return json.Number(w.data[start:w.pos]), nil
	}
}

// str reads the string at w.pos. One without escapes or bytes outside
// printable ASCII is its own text; any other is unquoted by encoding/json,
// for its exact handling of escapes, surrogates and invalid UTF-8.
func (w *jsonWalker) str() (string, error) {
	start := w.pos
	w.pos++ // the opening quote
	plain := true
	for {
		c := w.data[w.pos]
		if c == '"' {
			break
		}
		if c == '\\' {
			plain = false
			w.pos++ // the escaped byte cannot end the string
		} else if c < 0x20 || c >= 0x80 {
			plain = false
		}
		w.pos++
	}
	w.pos++ // the closing quote
	quoted := w.data[start:w.pos]
	if plain {
		return string(quoted[1 : len(quoted)-1]), nil
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return "", fmt.Errorf("output: cannot decode value: %w", err)
	}
	return s, nil
}

// isEmptyCollection reports an empty object or array; st2 shows those as an
// empty cell where it looks values up with its null-safe helpers.
func isEmptyCollection(v any) bool {
	switch t := v.(type) {
	case *Map:
		return t.Len() == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// lookupKVP is st2client's jsutil.get_value for simple dotted keys: walk
// objects only; anything else (or a missing key) yields (nil, false).
func lookupKVP(doc any, path string) (any, bool) {
	v := doc
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(*Map)
		if !ok {
			return nil, false
		}
		v, ok = m.Get(part)
		if !ok {
			return nil, false
		}
	}
	return v, true
}

// selectKVPs is st2client's jsutil.get_kvps: a new object holding only the
// requested (possibly dotted) keys, re-nested, with null or missing values
// dropped. An empty keys slice, or one containing "all", selects every
// top-level key.
func selectKVPs(doc any, keys []string) any {
	m, ok := doc.(*Map)
	if !ok {
		return doc
	}
	if len(keys) == 0 || contains(keys, "all") {
		keys = m.Keys()
	}
	out := NewMap()
	for _, key := range keys {
		v, found := lookupKVP(m, key)
		if !found || v == nil {
			continue
		}
		nested := out
		for strings.Contains(key, ".") {
			i := strings.Index(key, ".")
			head := key[:i]
			child, ok := nested.Get(head)
			cm, isMap := child.(*Map)
			if !ok || !isMap {
				cm = NewMap()
			} else {
				// The object may come from the input (-a a a.b): copy it
				// before writing into it so the caller's data is never
				// changed; copying one of our own objects is harmless.
				cm = cloneMap(cm)
			}
			nested.Set(head, cm)
			nested = cm
			key = key[i+1:]
		}
		nested.Set(key, v)
	}
	return out
}

func cloneMap(m *Map) *Map {
	c := NewMap()
	for _, k := range m.keys {
		c.Set(k, m.vals[k])
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
