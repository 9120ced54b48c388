package st2cmd

import (
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
)

// TestExecutionExit: a waited-for execution exits 1 when it failed, timed
// out or was abandoned, 0 otherwise (canceled included, as st2 does), and
// a missing object exits 1.
func TestExecutionExit(t *testing.T) {
	for status, want := range map[string]int{
		"succeeded": app.ExitOK, "canceled": app.ExitOK, "paused": app.ExitOK, "pending": app.ExitOK,
		"failed": app.ExitFailed, "timeout": app.ExitFailed, "abandoned": app.ExitFailed,
	} {
		ex := output.NewMap()
		ex.Set("status", status)
		if got := app.ExitCode(executionExit(ex)); got != want {
			t.Errorf("%s: exit %d, want %d", status, got, want)
		}
	}
	if got := app.ExitCode(&notFoundError{id: "x"}); got != app.ExitFailed {
		t.Errorf("not found: exit %d, want %d", got, app.ExitFailed)
	}
}

// TestResultViewYAML checks the parts of the result view the sandbox does
// not reach: multi-line text, lists, quoting, masking and st2's
// literal_eval of JSON-looking text.
func TestResultViewYAML(t *testing.T) {
	v, err := output.Normalize(map[string]any{
		"id":         "1",
		"parameters": map[string]any{"password": "hunter2", "hosts": []any{"a", "b"}},
		"result":     map[string]any{"stdout": "line 1\nline 2", "stderr": "it's", "n": 1.5, "empty": map[string]any{}},
		"text":       `{"k": [1, 2]}`,
		"flag":       true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b stringsBuilder
	if err := writeExecutionResult(&b, v.(*output.Map), []string{"id", "parameters", "result", "text", "flag", "missing"}, executionTransforms(false), false); err != nil {
		t.Fatal(err)
	}
	want := `id: 1
parameters: 
  hosts:
  - a
  - b
  password: '********'
result: 
  empty: {}
  n: 1.5
  stderr: it's
  stdout: 'line 1
    line 2'
text: 
  k:
  - 1
  - 2
flag: True
missing: None
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

type stringsBuilder struct{ s []byte }

func (b *stringsBuilder) Write(p []byte) (int, error) { b.s = append(b.s, p...); return len(p), nil }
func (b *stringsBuilder) String() string              { return string(b.s) }
