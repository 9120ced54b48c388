package output

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextwrapMatchesPython replays random strings that gen_golden.py sent
// through Python's textwrap.fill: wrapped afresh, and by one textWrapper
// whose buffers are reused from case to case, as a table reuses them from
// cell to cell.
func TestTextwrapMatchesPython(t *testing.T) {
	var cases []struct {
		Text  string `json:"text"`
		Width int    `json:"width"`
		Want  string `json:"want"`
	}
	readJSON(t, "fuzz_textwrap.json", &cases)
	var reused textWrapper
	for i, c := range cases {
		if got := textwrapFill(c.Text, c.Width); got != c.Want {
			t.Errorf("case %d: textwrap.fill(%q, %d)\n got %q\nwant %q", i, c.Text, c.Width, got, c.Want)
		}
		if got := strings.Join(reused.wrap(c.Text, c.Width), "\n"); got != c.Want {
			t.Errorf("case %d, reused buffers: textwrap.fill(%q, %d)\n got %q\nwant %q", i, c.Text, c.Width, got, c.Want)
		}
	}
}

// TestDocsMatchPython replays random documents that gen_golden.py sent
// through json.dumps(indent=4, sort_keys=True) and yaml.safe_dump(indent=4).
func TestDocsMatchPython(t *testing.T) {
	var cases []struct {
		Input json.RawMessage `json:"input"`
		JSON  string          `json:"json"`
		YAML  string          `json:"yaml"`
	}
	readJSON(t, "fuzz_docs.json", &cases)
	for i, c := range cases {
		g, err := Normalize(c.Input)
		if err != nil {
			t.Fatal(err)
		}
		if got := pyJSONDumps(g, 4, true); got != c.JSON {
			t.Errorf("case %d json\n got %q\nwant %q", i, got, c.JSON)
		}
		if got := pyYAMLDump(g); got != c.YAML {
			t.Errorf("case %d yaml (input %s)\n got %q\nwant %q", i, c.Input, got, c.YAML)
		}
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}
