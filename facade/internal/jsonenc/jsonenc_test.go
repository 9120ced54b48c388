package jsonenc

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// The leaf encoders write what json.Marshal writes.
func TestMatchesMarshal(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "<script>&amp;</script>", "ctl\x00\x01\x1f\x7f\b\f\n\r\t",
		"é ü 日本 🙂", "bad\xffutf8\xc3", "sep\u2028and\u2029"} {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("%q: %s, json.Marshal %s", s, got, want)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		if got, want := AppendStringHTML(nil, s, false), bytes.TrimSuffix(b.Bytes(), []byte("\n")); string(got) != string(want) {
			t.Errorf("%q without HTML escaping: %s, json.Encoder %s", s, got, want)
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-7, 1e-6, 123456789, 1e20, 1e21, 1.5e300, -2.5e-10, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		want, _ := json.Marshal(f)
		if got := AppendFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: %s, json.Marshal %s", f, got, want)
		}
	}
}
