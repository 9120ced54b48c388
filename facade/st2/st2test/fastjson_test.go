package st2test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// TestEncodeJSONMatchesMarshal checks the reflection-free encoder against
// json.Marshal byte for byte, on the shapes documents hold and on the
// strings and numbers whose encoding has special cases.
func TestEncodeJSONMatchesMarshal(t *testing.T) {
	strs := []string{"", "plain", `q"uote\back`, "<script>&amp;</script>", "ctl\x00\x01\x1f\x7f\b\f\n\r\t",
		"é ü 日本 🙂", "bad\xffutf8\xc3", "sep\u2028and\u2029", "mixed <é>\u2028\x02"}
	nums := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-7, 1e-6, 123456789, 1e20, 1e21, 1.5e300, -2.5e-10, math.MaxFloat64, math.SmallestNonzeroFloat64, 3.14159}
	vals := []any{nil, true, false, 7, int64(-9), []string{"a", "<b>"}, []string(nil), []any(nil), map[string]any(nil),
		[]map[string]any{{"z": 1.0, "a": nil}}, []map[string]any(nil), json.Number("12"), struct{ A int }{3},
		map[string]string{"k": "v"}, []byte("raw")}
	for _, s := range strs {
		vals = append(vals, s, map[string]any{s: s})
	}
	for _, n := range nums {
		vals = append(vals, n, []any{n, -n})
	}
	nested := map[string]any{"b": []any{map[string]any{"y": "<", "x": 2.0}, nil}, "a": map[string]any{}, "c": []any{}}
	vals = append(vals, nested, []any{nested, vals})
	for _, v := range vals {
		want, werr := json.Marshal(v)
		got, gerr := encodeJSON(v)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%#v: encodeJSON = %s, %v; json.Marshal = %s, %v", v, got, gerr, want, werr)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), map[string]any{"x": math.Inf(-1)}} {
		if _, err := encodeJSON(bad); err == nil {
			t.Errorf("encodeJSON(%v): no error, json.Marshal refuses it", bad)
		}
	}
}
