package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
)

// decodeByTokens is the reference decodeOrdered is held to: the same
// value read through json.Decoder.Token, objects as *Map in key order,
// numbers as json.Number.
func decodeByTokens(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var value func() (any, error)
	value = func() (any, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case json.Delim('{'):
			m := NewMap()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := value()
				if err != nil {
					return nil, err
				}
				m.Set(k.(string), v)
			}
			_, err := dec.Token()
			return m, err
		case json.Delim('['):
			list := []any{}
			for dec.More() {
				v, err := value()
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return tok, nil
	}
	v, err := value()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

var decodeSeeds = []string{
	`[]`, `{}`, `null`, `true`, `false`, `"s"`, `0`, `-0`, `1.50`, `-12.5e+3`, `1E400`, `2e-7`,
	" \t\r\n[ 1 , \"a\" ,{ } ,[ ] ] \n",
	`{"b":1,"a":[1,2,{"z":null,"y":"\u00e9<&>"}]}`,
	`{"k":1,"k":2,"j":[],"k":{"x":3}}`, // a repeated key keeps its first place, its last value
	`{"s":"it's","c":"\u0001\t\u00a0é日\ud83d\ude00","n":[null,true,1.0]}`,
	`"\ud800"`, `"\udc00x"`, `"a\\\"b\/c\b\f\n\r\t"`, "\"\xff\xfe invalid UTF-8\"", "\"\xe6\x97\xa5本\"",
	`{"":""}`, `[[[[[]]]]]`, `{"a":{"b":{"c":{"d":[{"e":null}]}}}}`,
}

// TestDecodeOrderedMatchesTokens holds decodeOrdered to the Token
// reading on valid documents, and to an error on invalid ones.
func TestDecodeOrderedMatchesTokens(t *testing.T) {
	docs := append([]string(nil), decodeSeeds...)
	var fuzzDocs []struct {
		Input json.RawMessage `json:"input"`
	}
	readJSON(t, "fuzz_docs.json", &fuzzDocs)
	for _, d := range fuzzDocs {
		docs = append(docs, string(d.Input))
	}
	for _, doc := range docs {
		checkDecode(t, []byte(doc))
	}
	for _, bad := range []string{``, ` `, `{`, `[1,]`, `{"a" 1}`, `{"a":1}x`, `1 2`, `"unterminated`, `tru`, `[1]]`, `{1:2}`, "\"tab\tinside\""} {
		if v, err := decodeOrdered([]byte(bad)); err == nil {
			t.Errorf("%q: decoded to %#v, want an error", bad, v)
		}
	}
}

func checkDecode(t *testing.T, raw []byte) {
	t.Helper()
	want, wantErr := decodeByTokens(raw)
	got, err := decodeOrdered(raw)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, the Token reading's %v", raw, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", raw, got, want)
	}
}

func FuzzDecodeOrdered(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecode(t, raw) })
}
