package st2cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
)

// An inquiry answer is read by its schema type; bad text is an error
// naming the value, never a panic.
func TestReadTyped(t *testing.T) {
	ok := []struct {
		typ, in string
		want    any
	}{
		{"boolean", "Yes", true}, {"boolean", "n", false}, {"integer", "-3", int64(-3)},
		{"number", "2.5", 2.5}, {"string", "x", "x"}, {"", "free", "free"},
	}
	for _, c := range ok {
		if got, err := readTyped(c.typ, c.in); err != nil || got != c.want {
			t.Errorf("readTyped(%s, %q) = %v, %v", c.typ, c.in, got, err)
		}
	}
	if got, err := readTyped("array", "a, b"); err != nil || len(got.([]any)) != 2 {
		t.Errorf("array: %v, %v", got, err)
	}
	if got, err := readTyped("array", `[1]`); err != nil || len(got.([]any)) != 1 {
		t.Errorf("JSON array: %v, %v", got, err)
	}
	if got, err := readTyped("object", `{"a": 1}`); err != nil || got.(map[string]any)["a"] != 1.0 {
		t.Errorf("object: %v, %v", got, err)
	}
	for _, c := range [][2]string{{"boolean", "maybe"}, {"integer", "1.5"}, {"number", "x"}, {"object", "[1]"}, {"object", "null"}} {
		if _, err := readTyped(c[0], c[1]); err == nil || !strings.Contains(err.Error(), c[1]) {
			t.Errorf("readTyped(%s, %q): %v", c[0], c[1], err)
		}
	}
}

func TestPackName(t *testing.T) {
	for in, want := range map[string]string{
		"github": "github", "slack=2.2.0": "slack",
		"https://github.com/StackStorm-Exchange/stackstorm-aws.git": "aws",
	} {
		if got := packName(in); got != want {
			t.Errorf("packName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The files create and update read: one object, JSON or YAML; anything
// else is an error worded as st2 words it.
func TestLoadObject(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	m, err := loadObject(write("r.yml", "name: x\nb: 2\na: [1]\n"))
	if err != nil || m.Len() != 3 {
		t.Fatalf("yaml: %v, %v", m, err)
	}
	if m, err := loadObject(write("r.json", `{"z": 1, "a": 2}`)); err != nil || strings.Join(m.Keys(), ",") != "z,a" {
		t.Fatalf("json keeps order: %v, %v", m, err)
	}
	for name, text := range map[string]string{"list.json": `[1]`, "bad.json": `{`, "bad.yaml": "a: [", "null.yaml": ""} {
		if _, err := loadObject(write(name, text)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := loadObject(filepath.Join(dir, "none.json")); err == nil || !strings.HasPrefix(err.Error(), "File ") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := loadObject(dir); err == nil || !strings.HasPrefix(err.Error(), "File ") {
		t.Errorf("a folder: %v", err)
	}
	if _, err := loadObject(write("r.toml", "a=1")); err == nil || !strings.Contains(err.Error(), "Unsupported meta type .toml") {
		t.Errorf("toml: %v", err)
	}
}

func TestResourceExitCodes(t *testing.T) {
	if got := app.ExitCode(&operationFailure{msg: "Resource x not found."}); got != 2 {
		t.Errorf("operationFailure exits %d", got)
	}
	if got := app.ExitCode(&missingError{msg: "gone"}); got != 1 {
		t.Errorf("missingError exits %d", got)
	}
	if err := checkLast(-2); app.ExitCode(err) != 2 {
		t.Errorf("checkLast(-2) = %v", err)
	}
	if err := checkLast(-1); err != nil {
		t.Errorf("checkLast(-1) = %v", err)
	}
}
