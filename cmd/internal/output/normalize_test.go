package output

import (
	"encoding/json"
	"reflect"
	"testing"
)

// normalizeByMarshal is Normalize without its shortcuts: the value through
// encoding/json and back.
func normalizeByMarshal(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	g, err := decodeOrdered(raw)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestNormalizeShortcuts: raw JSON decoded straight away, and a value
// already normalized returned as it is, give what the round trip through
// encoding/json gives; values that are not in the generic form still take
// the round trip; malformed raw JSON is an error.
func TestNormalizeShortcuts(t *testing.T) {
	docs := []string{
		`[]`, `{}`, `null`, `"s"`, `1.50`, `-0`, `1e400`, `true`,
		` [ {"b":1,"a":[1,2,{"z":null,"y":"\u00e9<&>"}]} , {"a":{}} ] `,
		`{"k":1,"k":2,"j":[]}`,
		`{"s":"it's","c":"\u0001\t\u00a0é日\ud83d\ude00","n":[null,true,1.0]}`,
	}
	for _, doc := range docs {
		fast, err := Normalize(json.RawMessage(doc))
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if slow := normalizeByMarshal(t, json.RawMessage(doc)); !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: raw shortcut %#v, round trip %#v", doc, fast, slow)
		}
		again, err := Normalize(fast)
		if err != nil || !reflect.DeepEqual(again, fast) {
			t.Errorf("%s: normalizing again gave %#v, %v", doc, again, err)
		}
		if m, ok := fast.(*Map); ok && again.(*Map) != m {
			t.Errorf("%s: a normalized object was copied", doc)
		}
	}

	// Not generic: Go numbers, maps, structs, nil containers, a *Map
	// holding an int.
	m := NewMap()
	m.Set("n", 3)
	var nilMap *Map
	for _, v := range []any{3, 2.5, map[string]any{"b": 1, "a": true}, struct{ A int }{1}, []any(nil), nilMap, m, []any{m}} {
		got, err := Normalize(v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if want := normalizeByMarshal(t, v); !reflect.DeepEqual(got, want) {
			t.Errorf("%#v: got %#v, want %#v", v, got, want)
		}
	}

	for _, bad := range []string{`{`, `[1,]`, `{"a":1} x`, `{"a" 1}`, `nul`} {
		if v, err := Normalize(json.RawMessage(bad)); err == nil {
			t.Errorf("%s: no error, got %#v", bad, v)
		}
	}
}
