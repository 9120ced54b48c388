package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the Go output")

// goldenCase is one entry of testdata/cases.json. The same file drives
// testdata/gen_golden.py, which wrote the reference goldens with the real
// st2client formatters, prettytable 3.11, json and PyYAML.
type goldenCase struct {
	Name     string          `json:"name"`
	View     string          `json:"view"`
	Format   string          `json:"format"`
	Input    json.RawMessage `json:"input"`
	Defaults []string        `json:"defaults"`
	Order    []string        `json:"order"`
	Attrs    []string        `json:"attrs"`
	Widths   []int           `json:"widths"`
	Columns  int             `json:"columns"`
	Note     *struct {
		Plural string `json:"plural"`
		Limit  int    `json:"limit"`
	} `json:"note"`
}

func formatByName(t *testing.T, s string) Format {
	switch s {
	case "", "table":
		return Table
	case "json":
		return JSON
	case "yaml":
		return YAML
	}
	t.Fatalf("unknown format %q", s)
	return Table
}

func TestGoldenAgainstSt2(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			o := Options{Format: formatByName(t, c.Format), Attrs: c.Attrs, Widths: c.Widths, Columns: c.Columns}
			var out, errOut bytes.Buffer
			switch c.View {
			case "list":
				p := &Printer{Options: o, Stdout: &out, Stderr: &errOut}
				if err := p.List(c.Input, c.Defaults); err != nil {
					t.Fatal(err)
				}
				if c.Note != nil {
					if err := p.LimitNote(c.Note.Plural, c.Note.Limit, ST2LimitFlag); err != nil {
						t.Fatal(err)
					}
				}
			case "get":
				order := c.Order
				if order == nil {
					order = []string{"id", "name", "description"}
				}
				if err := o.Get(&out, c.Input, order); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("unknown view %q", c.View)
			}
			checkReferenceGolden(t, c.Name, out.String()+errOut.String())
		})
	}
}

// checkReferenceGolden compares got with a golden file written by
// gen_golden.py from the real st2 formatters; -update never rewrites those,
// since the Go port must match them, not define them.
func checkReferenceGolden(t *testing.T, name, got string) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
	if err != nil {
		t.Fatalf("%v (reference goldens come from testdata/gen_golden.py)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from st2\n--- got ---\n%s\n--- want (st2) ---\n%s", name, got, want)
	}
}

// checkGolden compares got with testdata/<name>.golden, or rewrites it
// under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, name, got, *update)
}
