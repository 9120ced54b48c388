package output

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestNormalizeArgs(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"space separated", []string{"action", "list", "-a", "ref", "pack", "-j"},
			[]string{"action", "list", "-a", "ref", "-a", "pack", "-j"}},
		{"long form and widths", []string{"--attr", "id", "status", "--width", "30", "10"},
			[]string{"--attr", "id", "--attr", "status", "--width", "30", "--width", "10"}},
		{"single value untouched", []string{"-a", "id"}, []string{"-a", "id"}},
		{"attached value is one value", []string{"--attr=id", "name"}, []string{"--attr=id", "name"}},
		{"no value left for pflag", []string{"-a", "-j"}, []string{"-a", "-j"}},
		{"greedy like argparse", []string{"get", "-a", "id", "status", "EXEC_ID"},
			[]string{"get", "-a", "id", "-a", "status", "-a", "EXEC_ID"}},
		{"positional first", []string{"get", "EXEC_ID", "-a", "id", "status"},
			[]string{"get", "EXEC_ID", "-a", "id", "-a", "status"}},
		{"stops at double dash", []string{"-a", "id", "--", "-a", "x", "y"},
			[]string{"-a", "id", "--", "-a", "x", "y"}},
		{"unknown flags pass", []string{"-n", "5", "-x", "y"}, []string{"-n", "5", "-x", "y"}},
		{"empty", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeArgs(tt.in, MultiValueFlags)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NormalizeArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func parseFlags(t *testing.T, args ...string) (Options, error) {
	t.Helper()
	var o Options
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	AddFlags(fs, &o)
	err := fs.Parse(NormalizeArgs(args, MultiValueFlags))
	return o, err
}

func TestAddFlags(t *testing.T) {
	tests := []struct {
		args      []string
		format    Format
		attrs     []string
		widths    []int
		parseErr  bool
		invalidOK bool // Validate fails
	}{
		{args: nil, format: Table},
		{args: []string{"-j"}, format: JSON},
		{args: []string{"--yaml"}, format: YAML},
		{args: []string{"-j", "-y"}, format: JSON, invalidOK: true},
		{args: []string{"-jy"}, format: JSON, invalidOK: true},
		{args: []string{"-a", "id", "name"}, attrs: []string{"id", "name"}},
		{args: []string{"-a", "id", "-a", "name"}, attrs: []string{"id", "name"}},
		{args: []string{"-a", "id,name", "--attr=action.ref"}, attrs: []string{"id", "name", "action.ref"}},
		{args: []string{"-w", "10", "20"}, widths: []int{10, 20}},
		{args: []string{"--width=5,6", "-w", "7"}, widths: []int{5, 6, 7}},
		{args: []string{"-w", "x"}, parseErr: true},
		{args: []string{"-a"}, parseErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o, err := parseFlags(t, tt.args...)
			if tt.parseErr {
				if err == nil {
					t.Fatal("parse succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Format != tt.format {
				t.Errorf("format %v, want %v", o.Format, tt.format)
			}
			if !reflect.DeepEqual(o.Attrs, tt.attrs) {
				t.Errorf("attrs %q, want %q", o.Attrs, tt.attrs)
			}
			if !reflect.DeepEqual(o.Widths, tt.widths) {
				t.Errorf("widths %v, want %v", o.Widths, tt.widths)
			}
			if err := o.Validate(); (err != nil) != tt.invalidOK {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestAttrFlagReplacesPreset(t *testing.T) {
	o := Options{Attrs: []string{"preset"}}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddFlags(fs, &o)
	if err := fs.Parse([]string{"-a", "x"}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Attrs, []string{"x"}) {
		t.Errorf("attrs %q", o.Attrs)
	}
}

func TestAutoWidths(t *testing.T) {
	ids := func(ss ...string) []any {
		var out []any
		for _, s := range ss {
			m := NewMap()
			m.Set("id", s)
			out = append(out, m)
		}
		return out
	}
	tests := []struct {
		name    string
		attrs   []string
		entries []any
		columns int
		want    []int
	}{
		{"even split", []string{"ref", "pack", "description"}, nil, 150, []int{50, 50, 50}},
		{"floor", []string{"a", "b", "c", "d"}, nil, 150, []int{37, 37, 37, 37}},
		{"zero columns means 150", []string{"a", "b"}, nil, 0, []int{75, 75}},
		{"id minimum 26", []string{"id", "name"}, ids("short"), 150, []int{26, 62, 62}[0:2]},
		{"id longest", []string{"id", "name"}, ids(strings.Repeat("x", 40)), 150, []int{40, 55}},
		{"status fixed, last pays", []string{"id", "action.ref", "context.user", "status", "start_timestamp", "end_timestamp"},
			ids("x"), 150, []int{26, 20, 20, 24, 20, 16}},
		{"status fixed, wide columns give back", []string{"name", "status", "other"}, nil, 150, []int{50, 24, 76}},
		{"last column minimum 5", []string{"id", "a", "status", "b"}, ids("x"), 60, []int{26, 8, 24, 5}},
		{"status last keeps 24", []string{"id", "action.ref", "status"}, ids("x"), 80, []int{26, 18, 24}},
		{"status first is not fixed", []string{"status", "id"}, nil, 150, []int{75, 75}},
		{"all counts as one column", []string{"all"}, nil, 120, []int{120}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Options{Columns: tt.columns}.autoWidths(tt.attrs, tt.entries)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPyFloatRepr(t *testing.T) {
	tests := map[string]string{
		"0.0": "0.0", "-0.0": "-0.0", "1.0": "1.0", "1.5": "1.5", "0.1": "0.1",
		"1e-05": "1e-05", "0.0001": "0.0001", "1e16": "1e+16", "1e15": "1000000000000000.0",
		"123456789.123": "123456789.123", "1.7976931348623157e308": "1.7976931348623157e+308",
		"5e-324": "5e-324", "2.5E-3": "0.0025", "-1.5e-10": "-1.5e-10", "1E400": "inf", "-1e400": "-inf",
	}
	for in, want := range tests {
		if got := pyFloatRepr(parsePyNumber(json.Number(in)).f); got != want {
			t.Errorf("repr(float(%s)) = %s, want %s", in, got, want)
		}
	}
	if n := parsePyNumber("-0"); !n.isInt || n.text != "0" {
		t.Errorf("int -0 = %+v", n)
	}
}

func TestInfinity(t *testing.T) {
	raw := json.RawMessage(`[{"x": 1E400, "y": -1e400}]`)
	var buf bytes.Buffer
	for _, f := range []Format{Table, JSON, YAML} {
		if err := (Options{Format: f, Attrs: []string{"x", "y"}}).List(&buf, raw, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"| inf | -inf |", `"x": Infinity`, `"y": -Infinity`, "x: .inf", "y: -.inf"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestPyRepr(t *testing.T) {
	g, err := Normalize(json.RawMessage(`{"s":"it's","d":"say \"hi\"","b":"both ' and \"","c":"\u0001\t\u00a0é日\ud83d\ude00\u200b","n":[null,true,1.0]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{'s': "it's", 'd': 'say "hi"', 'b': 'both \' and "', 'c': '\x01\t\xa0é日😀\u200b', 'n': [None, True, 1.0]}`
	if got := pyRepr(g); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

type typedAction struct {
	Ref        string            `json:"ref"`
	Pack       string            `json:"pack"`
	Enabled    bool              `json:"enabled"`
	Parameters map[string]string `json:"parameters,omitempty"`
	Secret     string            `json:"-"`
	Notes      *string           `json:"notes"`
}

func TestTypedValuesAndOrder(t *testing.T) {
	items := []typedAction{{Ref: "core.local", Pack: "core", Enabled: true, Parameters: map[string]string{"b": "2", "a": "1"}, Secret: "x"}}
	var buf bytes.Buffer
	o := Options{Format: JSON, Attrs: []string{"all"}}
	if err := o.List(&buf, items, nil); err != nil {
		t.Fatal(err)
	}
	want := "[\n    {\n        \"enabled\": true,\n        \"pack\": \"core\",\n        \"parameters\": {\n            \"a\": \"1\",\n            \"b\": \"2\"\n        },\n        \"ref\": \"core.local\"\n    }\n]\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}

	// A *Map keeps its order everywhere a Python dict would.
	m := NewMap()
	m.Set("zeta", 1)
	m.Set("alpha", "<&>")
	m.Set("zeta", 2) // existing key keeps its place
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// json.Marshal re-escapes <, > and & in a Marshaler's output; the order
	// is what matters here.
	if string(raw) != `{"zeta":2,"alpha":"\u003c\u0026\u003e"}` {
		t.Errorf("MarshalJSON = %s", raw)
	}
	outer := NewMap()
	outer.Set("id", "1")
	outer.Set("data", m)
	buf.Reset()
	if err := (Options{}).Get(&buf, outer, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "|          |     \"zeta\": 2,     |\n|          |     \"alpha\": \"<&>\" |") {
		t.Errorf("get view lost key order:\n%s", buf.String())
	}
}

func TestSelectKVPsDoesNotMutate(t *testing.T) {
	g, _ := Normalize(json.RawMessage(`{"a":{"b":1,"c":2},"n":null}`))
	before := pyRepr(g)
	got := selectKVPs(g, []string{"a", "a.b", "n", "missing.x"})
	if pyRepr(got) != "{'a': {'b': 1, 'c': 2}}" {
		t.Errorf("selected %s", pyRepr(got))
	}
	if pyRepr(g) != before {
		t.Errorf("input changed: %s", pyRepr(g))
	}
}

func TestListErrorsAndNil(t *testing.T) {
	var buf bytes.Buffer
	if err := (Options{}).List(&buf, map[string]int{"a": 1}, nil); err == nil {
		t.Error("List of an object should fail")
	}
	if err := (Options{}).List(&buf, nil, []string{"id"}); err != nil || buf.String() != NoItems+"\n" {
		t.Errorf("List(nil) = %q, %v", buf.String(), err)
	}
	buf.Reset()
	if err := (Options{Format: YAML}).Get(&buf, nil, nil); err != nil || buf.String() != NoItems+"\n" {
		t.Errorf("Get(nil) = %q, %v", buf.String(), err)
	}
	if err := (Options{}).List(&buf, []any{func() {}}, nil); err == nil {
		t.Error("unencodable value should fail")
	}
}

func TestMixedListJoinedAndTransforms(t *testing.T) {
	raw := json.RawMessage(`[{"id":"1","tags":["x",1,null],"status":"succeeded (3s elapsed)","when":"2014"}]`)
	o := Options{
		Attrs:   []string{"tags", "status", "when"},
		Columns: 150,
		Transforms: map[string]func(any) any{
			"status": func(v any) any { return ColorStatus(v.(string)) },
			"when":   func(v any) any { return "year " + v.(string) },
		},
	}
	var buf bytes.Buffer
	if err := o.List(&buf, raw, nil); err != nil {
		t.Fatal(err)
	}
	want := "+------------+------------------------+-----------+\n" +
		"| tags       | status                 | when      |\n" +
		"+------------+------------------------+-----------+\n" +
		"| x, 1, None | \x1b[92msucceeded\x1b[0m (3s elapsed) | year 2014 |\n" +
		"+------------+------------------------+-----------+\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// Transforms never touch JSON output.
	buf.Reset()
	o.Format = JSON
	if err := o.List(&buf, raw, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") || strings.Contains(buf.String(), "year") {
		t.Errorf("transform leaked into JSON: %s", buf.String())
	}
}

func TestColorStatus(t *testing.T) {
	tests := map[string]string{
		"succeeded":             "\x1b[92msucceeded\x1b[0m",
		"failed (2s elapsed)":   "\x1b[91mfailed\x1b[0m (2s elapsed)",
		"timeout":               "\x1b[33mtimeout\x1b[0m",
		"delayed":               "\x1b[94mdelayed\x1b[0m",
		"running (10s elapsed)": "\x1b[93mrunning\x1b[0m (10s elapsed)",
	}
	for in, want := range tests {
		if got := ColorStatus(in); got != want {
			t.Errorf("ColorStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestEnvironmentRules(t *testing.T) {
	if got := TerminalColumns(env("COLUMNS", " 93 ")); got != 93 {
		t.Errorf("TerminalColumns = %d", got)
	}
	if ColorAllowed(false, env()) || !ColorAllowed(true, env()) || ColorAllowed(true, env("NO_COLOR", "1")) {
		t.Error("ColorAllowed rule broken")
	}
	if !ST2ColorAllowed(env("TERM", "XTERM-256color")) || ST2ColorAllowed(env("TERM", "dumb")) ||
		ST2ColorAllowed(env("TERM", "xterm", "ST2_COLORIZE", "0")) {
		t.Error("ST2ColorAllowed rule broken")
	}
}

func TestPrinter(t *testing.T) {
	var out, errOut bytes.Buffer
	p := &Printer{Stdout: &out, Stderr: &errOut}
	p.Progress(".")
	if errOut.Len() != 0 {
		t.Error("progress printed off a terminal")
	}
	p.IsTerminal = true
	p.Progress("%d%%", 50)
	if errOut.String() != "50%" {
		t.Errorf("progress = %q", errOut.String())
	}

	errOut.Reset()
	p.Options = Options{Plain: true}
	if err := p.List([]any{}, []string{"id"}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 || errOut.String() != NoItems+"\n" {
		t.Errorf("plain empty list: stdout %q stderr %q", out.String(), errOut.String())
	}

	errOut.Reset()
	p.Options = Options{Format: JSON}
	if err := p.List(json.RawMessage(`[{"id":"1"}]`), []string{"id"}); err != nil {
		t.Fatal(err)
	}
	if err := p.LimitNote("executions", 1, ST2LimitFlag); err != nil || errOut.Len() != 0 {
		t.Errorf("note in JSON mode: %q %v", errOut.String(), err)
	}
	if np := NewPrinter(Options{}, &out, &errOut, false); np.Color {
		t.Error("colour off a terminal")
	}
}

func TestYAMLRootScalars(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"foo", "foo\n...\n"},
		{"", "''\n"},
		{json.Number("1"), "1\n...\n"},
		{nil, "null\n...\n"},
		{true, "true\n...\n"},
		{"a b: c", "'a b: c'\n"},
		{"multi\nline", "'multi\n\n    line'\n"},
		{strings.Repeat("x", 100) + " y", strings.Repeat("x", 100) + "\n    y\n...\n"},
		{[]any{}, "[]\n"},
		{NewMap(), "{}\n"},
	}
	for _, tt := range tests {
		if got := pyYAMLDump(tt.in); got != tt.want {
			t.Errorf("safe_dump(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextwrapFillIndent(t *testing.T) {
	got := TextwrapFill("The message to\techo back,\nverbatim and complete.", 24, "    ")
	want := "    The message to\n    echo back, verbatim\n    and complete."
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestYAMLDumpIndentAndWidth(t *testing.T) {
	m := NewMap()
	m.Set("stdout", "a long line that PyYAML would fold at eighty columns when the width is the default one")
	m.Set("list", []any{"x"})
	// Expected values are PyYAML 6's own output for the same data.
	if got := YAMLDump(m, 2, 1<<31-1); got != "list:\n- x\nstdout: a long line that PyYAML would fold at eighty columns when the width is the default one\n" {
		t.Fatalf("indent 2, unlimited width:\n%s", got)
	}
	if got := YAMLDump(m, 4, 80); got != "list:\n- x\nstdout: a long line that PyYAML would fold at eighty columns when the width is the\n    default one\n" {
		t.Fatalf("indent 4, width 80:\n%s", got)
	}
}
