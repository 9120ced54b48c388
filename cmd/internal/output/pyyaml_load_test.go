package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestPyYAMLToJSON holds PyYAMLToJSON to PyYAML: testdata/yaml_load.json
// was written by gen_yaml_load.py with yaml.safe_load and json.dumps.
// Both sides are read back into ordered values and written again, so
// the comparison covers values, types and key order, not spacing or
// escapes.
func TestPyYAMLToJSON(t *testing.T) {
	var cases []struct {
		Name  string `json:"name"`
		YAML  string `json:"yaml"`
		JSON  string `json:"json"`
		Error string `json:"error"`
	}
	readJSON(t, "yaml_load.json", &cases)
	if len(cases) < 30 {
		t.Fatalf("only %d cases in testdata/yaml_load.json", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := PyYAMLToJSON([]byte(c.YAML))
			if c.Error != "" {
				if err == nil {
					t.Fatalf("PyYAML fails (%s), got %s", c.Error, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want %s", err, c.JSON)
			}
			if g, w := canonicalJSON(t, got), canonicalJSON(t, []byte(c.JSON)); g != w {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// canonicalJSON re-encodes JSON text through the ordered decoder.
func canonicalJSON(t *testing.T, data []byte) string {
	t.Helper()
	v, err := Normalize(json.RawMessage(data))
	if err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	out, err := marshalNoHTML(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestPyYAMLToJSONErrors checks what the errors say: the line, and the
// way out where there is one.
func TestPyYAMLToJSONErrors(t *testing.T) {
	for doc, want := range map[string]string{
		"a: 1\nwhen: 2001-12-14\n":               "line 2: 2001-12-14 is a timestamp",
		"a: 1\nb: 2\nx: .inf\n":                  "line 3: .inf has no JSON form",
		"x: !custom 1\n":                         "line 1: the tag !custom is not supported",
		"? [a, b]\n: c\n":                        "line 1: a list or a mapping cannot be a key",
		"a: &a\n  b: *a\n":                       "contains itself",
		"a: &a 1\nb:\n  <<: *a\n":                "merge key (<<) takes a mapping",
		"a: &a {<<: *a}\n":                       "merges a mapping into itself",
		"a: &a\n  b: &b\n    <<: *a\n  <<: *b\n": "merges a mapping into itself",
		"a: [1, 2\n":                             "yaml:",
		"a: !!int twelve\n":                      `line 1: "twelve" is not an integer`,
		"a: !!bool maybe\n":                      `line 1: "maybe" is not a boolean`,
		"a: !!float one\n":                       `line 1: "one" is not a float`,
		"x: !!binary aGVsbG8=\n":                 "the tag !!binary is not supported",
		"x: !!set {a: null}\n":                   "the tag !!set is not supported",
		"x: !!omap [a: 1]\n":                     "the tag !!omap is not supported",
		"a: =\n":                                 "the tag !!value is not supported",
		"a: 1\nb: !!timestamp x\n":               "line 2: x is a timestamp",
	} {
		_, err := PyYAMLToJSON([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", doc, err, want)
		}
	}
}

// bombBudget is the value budget of the bomb tests: the mechanism is the
// one PyYAMLToJSON runs with maxYAMLNodes, without building a million
// values under the race detector.
const bombBudget = 1 << 14

// TestPyYAMLToJSONAliasBomb: a few lines of nested aliases stand for
// 10^9 values; the conversion stops at its budget instead of building
// them.
func TestPyYAMLToJSONAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	_, err := pyYAMLToJSON([]byte(b.String()), bombBudget)
	if !errors.Is(err, errYAMLTooLarge) {
		t.Fatalf("got %v, want errYAMLTooLarge", err)
	}
}

func FuzzPyYAMLToJSON(f *testing.F) {
	for _, s := range []string{"a: yes\nb: [1, 0777, 1:30]\n", "a: &a {x: 1}\nb:\n  <<: *a\n", "? [a]\n: b\n", "- !!str 1\n- 1e3\n", "a: &a {<<: [*a]}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := PyYAMLToJSON(data)
		if err == nil && !json.Valid(out) {
			t.Fatalf("%q: invalid JSON %q", data, out)
		}
	})
}

// TestPyYAMLToJSONMergeBomb: merge keys that each merge the previous
// mapping twice stand for 2^30 pairs; flattening stops at the budget.
func TestPyYAMLToJSONMergeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("m0: &m0 {k0: 1}\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "m%d: &m%d\n  <<: [*m%d, *m%d]\n  k%d: 1\n", i, i, i-1, i-1, i)
	}
	_, err := pyYAMLToJSON([]byte(b.String()), bombBudget)
	if !errors.Is(err, errYAMLTooLarge) {
		t.Fatalf("got %v, want errYAMLTooLarge", err)
	}
}
