package st2test

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/switchboard-go/switchboard/facade/internal/jsonenc"
)

// encodeJSON writes v exactly as json.Marshal would (sorted keys, HTML
// escaping, the same number format), without reflection for the JSON
// shapes documents are made of: encoding/json walks a map[string]any by
// reflection, copying every key and value, which was most of the cost of
// answering a GET. Any other type is handed to json.Marshal, so the bytes
// never differ.
func encodeJSON(v any) ([]byte, error) {
	bp := jsonBufs.Get().(*[]byte)
	b, err := appendJSON((*bp)[:0], v)
	var out []byte
	if err == nil {
		out = slices.Clone(b)
	}
	if cap(b) <= 1<<20 { // do not pin one huge answer's buffer
		*bp = b
		jsonBufs.Put(bp)
	}
	return out, err
}

var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return jsonenc.AppendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			break // json.Marshal's own error
		}
		return jsonenc.AppendFloat(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case map[string]any:
		return appendJSONObject(b, x)
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case []map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONObject(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case []string:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.AppendString(b, e)
		}
		return append(b, ']'), nil
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, enc...), nil
}

func appendJSONObject(b []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	var small [32]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}
