package output

import (
	"encoding/json"
	"testing"
)

// PyJSONCompact is json.dumps(v) with its defaults, the text st2's key
// load --convert stores: ", " and ": " separators, keys in their order,
// floats as Python's repr, everything outside printable ASCII escaped.
func TestPyJSONCompact(t *testing.T) {
	for in, want := range map[string]string{
		`{"b": 1, "a": [true, null, 1.50, 1e20]}`: `{"b": 1, "a": [true, null, 1.5, 1e+20]}`,
		`["é", "\u0001", "tab\tq\"\\", "😀"]`:      `["\u00e9", "\u0001", "tab\tq\"\\", "\ud83d\ude00"]`,
		`{}`:                                      `{}`,
		`[]`:                                      `[]`,
		`{"x": {"y": [], "z": {}}}`:               `{"x": {"y": [], "z": {}}}`,
		`"\u007f"`:                                `"\u007f"`,
	} {
		v, err := Normalize(json.RawMessage(in))
		if err != nil {
			t.Fatal(err)
		}
		if got := PyJSONCompact(v); got != want {
			t.Errorf("PyJSONCompact(%s) = %s, want %s", in, got, want)
		}
	}
}
