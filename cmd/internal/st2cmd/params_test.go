package st2cmd_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/st2cmd"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// Declarations like core.local's runner and a few typed action parameters.
var (
	runnerParams = st2cmd.Params{
		"cmd":     {Type: "string"},
		"sudo":    {Type: "boolean"},
		"timeout": {Type: "integer"},
		"env":     {Type: "object"},
	}
	actionParams = st2cmd.Params{
		"count":   {Type: "integer"},
		"ratio":   {Type: "number"},
		"hosts":   {Type: "array"},
		"servers": {Type: "array", Properties: map[string]any{"port": map[string]any{"type": "integer"}}},
		"meta":    {Type: "object"},
		"note":    {},               // no type: sent as text
		"timeout": {Type: "string"}, // the runner's declaration wins
		"flag":    {Type: "boolean"},
	}
)

func parse(t *testing.T, opts st2cmd.ParamOptions, args ...string) (map[string]any, error) {
	t.Helper()
	return st2cmd.ParseParameters(args, runnerParams, actionParams, opts)
}

// canon compares through JSON, as the values are sent.
func canon(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseParametersTypes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"string", []string{"cmd=ls -la"}, `{"cmd":"ls -la"}`},
		{"value with =", []string{"cmd=a=b"}, `{"cmd":"a=b"}`},
		{"integer", []string{"count=42"}, `{"count":42}`},
		{"integer like python", []string{"count= -1_000 "}, `{"count":-1000}`},
		{"big integer", []string{"count=123456789012345678901234567890"}, `{"count":123456789012345678901234567890}`},
		{"runner type wins", []string{"timeout=30"}, `{"timeout":30}`},
		{"number", []string{"ratio=1.5"}, `{"ratio":1.5}`},
		{"number from int", []string{"ratio=2"}, `{"ratio":2}`},
		{"number exponent", []string{"ratio=1e3"}, `{"ratio":1000}`},
		{"boolean", []string{"sudo=TRUE", "flag=false"}, `{"flag":false,"sudo":true}`},
		{"object json", []string{`meta={"a": [1, 2], "b": null}`}, `{"meta":{"a":[1,2],"b":null}}`},
		{"object pairs", []string{"env=A=1,B=two,junk"}, `{"env":{"A":"1","B":"two"}}`},
		{"array csv", []string{"hosts=a, b ,c"}, `{"hosts":["a","b","c"]}`},
		{"array json", []string{`hosts=["a", 1]`}, `{"hosts":["a",1]}`},
		{"array lone int", []string{"hosts=51"}, `{"hosts":[51]}`},
		{"array repeated", []string{"hosts=a,b", "hosts=c", "hosts=[4]"}, `{"hosts":["a","b","c",4]}`},
		{"untyped", []string{"note=42", "unknown=true"}, `{"note":"42","unknown":"true"}`},
		{"cmd from words", []string{"count=1", "echo", "a=b", "c"}, `{"cmd":"echo a=b c","count":1}`},
		{"empty", nil, `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parse(t, st2cmd.ParamOptions{}, c.args...)
			if err != nil {
				t.Fatal(err)
			}
			if g := canon(t, got); g != c.want {
				t.Errorf("got %s, want %s", g, c.want)
			}
		})
	}
}

func TestParseParametersAutoDict(t *testing.T) {
	got, err := parse(t, st2cmd.ParamOptions{AutoDict: true}, "servers=host:a,port:22")
	if err != nil {
		t.Fatal(err)
	}
	if g, want := canon(t, got), `{"servers":[{"host":"a","port":22}]}`; g != want {
		t.Errorf("got %s, want %s", g, want)
	}
	// Without --auto-dict the items stay strings.
	got, err = parse(t, st2cmd.ParamOptions{}, "servers=host:a,port:22")
	if err != nil {
		t.Fatal(err)
	}
	if g, want := canon(t, got), `{"servers":["host:a","port:22"]}`; g != want {
		t.Errorf("got %s, want %s", g, want)
	}
	if _, err := parse(t, st2cmd.ParamOptions{AutoDict: true}, "servers=port:x,host:a"); !isParamError(err, "port") {
		t.Errorf("a bad typed item: got %v, want a ParamError naming port", err)
	}
}

func TestParseParametersFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "body.txt")
	if err := os.WriteFile(path, []byte("line 1\nline 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := parse(t, st2cmd.ParamOptions{}, "@cmd="+path, "count=1")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"cmd": "line 1\nline 2\n", "count": json.Number("1")}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	// core.http sends the file as the request body.
	got, err = st2cmd.ParseParameters([]string{"@body=" + path}, nil, nil, st2cmd.ParamOptions{ActionRef: "core.http"})
	if err != nil {
		t.Fatal(err)
	}
	if g, want := canon(t, got), `{"file_content":"line 1\nline 2\n","file_name":"body.txt","method":"POST"}`; g != want {
		t.Errorf("core.http: got %s, want %s", g, want)
	}
	_, err = parse(t, st2cmd.ParamOptions{}, "@cmd="+filepath.Join(dir, "missing"))
	if !isParamError(err, "cmd") || !strings.Contains(err.Error(), "doesn't exist") {
		t.Errorf("missing file: got %v", err)
	}
	_, err = parse(t, st2cmd.ParamOptions{}, "@cmd="+dir)
	if !isParamError(err, "cmd") || !strings.Contains(err.Error(), "is not a file") {
		t.Errorf("directory: got %v", err)
	}
	// ReadFile replaces the file system.
	got, err = parse(t, st2cmd.ParamOptions{ReadFile: func(p string) ([]byte, error) { return []byte("from " + p), nil }}, "@note=x")
	if err != nil || got["note"] != "from x" {
		t.Errorf("ReadFile: got %v, %v", got, err)
	}
}

func isParamError(err error, name string) bool {
	var pe *st2cmd.ParamError
	return errors.As(err, &pe) && pe.Name == name
}

func TestParseParametersBadValues(t *testing.T) {
	cases := []struct {
		arg, name, msg string
	}{
		{"count=many", "count", `parameter "count" (integer): "many" is not an integer`},
		{"count=1.5", "count", `is not an integer`},
		{"count=", "count", `is not an integer`},
		{"count=1__0", "count", `is not an integer`},
		{"count=+-1", "count", `is not an integer`},
		{"ratio=fast", "ratio", `parameter "ratio" (number): "fast" is not a number`},
		{"ratio=inf", "ratio", `is not a number`},
		{"sudo=yes", "sudo", `parameter "sudo" (boolean): "yes" is not a boolean: valid values are true and false`},
		{"sudo=1", "sudo", `is not a boolean`},
		{`meta={"a":`, "meta", `is not a JSON object`},
		{`meta={"a":1} x`, "meta", `is not a JSON object`},
		{"=value", "", `names no parameter`},
		{"@=file", "", `names no parameter`},
	}
	for _, c := range cases {
		t.Run(c.arg, func(t *testing.T) {
			_, err := parse(t, st2cmd.ParamOptions{}, "cmd=x", c.arg)
			if !isParamError(err, c.name) {
				t.Fatalf("got %v, want a *ParamError naming %q", err, c.name)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("message %q does not contain %q", err, c.msg)
			}
		})
	}
}

// The parser takes the facade's own declaration type, so an action read
// with the facade can be passed as is.
var _ st2cmd.Params = st2.Action{}.Parameters
