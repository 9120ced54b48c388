package st2cmd_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/st2cmd"
)

// Declarations like core.local's runner and typed action parameters, one
// of each type st2 knows.
var (
	fuzzRunner = st2cmd.Params{
		"cmd":     {Type: "string"},
		"sudo":    {Type: "boolean"},
		"timeout": {Type: "integer"},
		"env":     {Type: "object"},
	}
	fuzzAction = st2cmd.Params{
		"count":   {Type: "integer"},
		"ratio":   {Type: "number"},
		"hosts":   {Type: "array"},
		"servers": {Type: "array", Properties: map[string]any{"port": map[string]any{"type": "integer"}, "up": map[string]any{"type": "boolean"}}},
		"meta":    {Type: "object"},
		"note":    {},
		"timeout": {Type: "string"}, // the runner's declaration wins
		"flag":    {Type: "boolean"},
		"name":    {Type: "string"},
	}
)

// fuzzType is the type ParseParameters converts name to: the runner's
// declaration wins over the action's.
func fuzzType(name string) string {
	if spec, ok := fuzzRunner[name]; ok {
		return spec.Type
	}
	return fuzzAction[name].Type
}

// fuzzReadFile stands for the file system: "missing…" paths do not exist.
func fuzzReadFile(path string) ([]byte, error) {
	if path == "" || strings.HasPrefix(path, "missing") {
		return nil, fmt.Errorf("file %q doesn't exist", path)
	}
	return []byte("content of " + path), nil
}

// FuzzParseParameters feeds `st2 run` arguments (NUL-separated in the
// fuzzer's input) to ParseParameters. It never panics; a refusal is a
// *ParamError naming a parameter of the arguments; an accepted value has
// the declared type, is what the text says, reads back the same from its
// own rendering, and the whole result is JSON, as it is sent.
func FuzzParseParameters(f *testing.F) {
	f.Add("cmd=ls -la", false, false)
	f.Add("count=42\x00ratio=0.5\x00flag=TRUE\x00sudo=false", false, false)
	f.Add("count= -1_000 \x00timeout=30", false, false)
	f.Add("count=1__0\x00", false, false)
	f.Add("count=99999999999999999999999999999999", false, false)
	f.Add("ratio=inf", false, false)
	f.Add("ratio=1e400", false, false)
	f.Add("ratio=0x1p-2", false, false)
	f.Add("flag=yes", false, false)
	f.Add("meta={\"a\":1,\"b\":[true]}\x00env=A=1,B=2", false, false)
	f.Add("meta={bad json", false, false)
	f.Add("hosts=a, b ,c\x00hosts=d\x00hosts=[\"e\",1]\x00hosts=7", false, false)
	f.Add("servers=port:80,up:true", true, false)
	f.Add("servers=port:x", true, false)
	f.Add("servers=a:b:c,d:e", true, false)
	f.Add("note=a=b=c\x00name=", false, false)
	f.Add("=value", false, false)
	f.Add("@=file", false, false)
	f.Add("@body=req.json\x00headers=x", false, true)
	f.Add("@body=missing.json", false, true)
	f.Add("@note=notes.txt\x00count=1", false, false)
	f.Add("count=1\x00echo hello\x00world=1", false, false)
	f.Add("hosts=\x00hosts=,", false, false)

	f.Fuzz(func(t *testing.T, joined string, autoDict, httpAction bool) {
		args := strings.Split(joined, "\x00")
		opts := st2cmd.ParamOptions{AutoDict: autoDict, ReadFile: fuzzReadFile}
		if httpAction {
			opts.ActionRef = "core.http"
		}
		got, err := st2cmd.ParseParameters(args, fuzzRunner, fuzzAction, opts)
		if err != nil {
			var pe *st2cmd.ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseParameters(%q): error of type %T: %v", args, err, err)
			}
			if !strings.Contains(joined, pe.Name) {
				t.Fatalf("ParseParameters(%q): the error names %q, which no argument has: %v", args, pe.Name, err)
			}
			if pe.Type != "" && pe.Type != fuzzType(pe.Name) && fuzzAction["servers"].Properties[pe.Name] == nil {
				t.Fatalf("ParseParameters(%q): the error says %q is %s: %v", args, pe.Name, pe.Type, err)
			}
			return
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("ParseParameters(%q) = %#v, which is not JSON: %v", args, got, err)
		}
		// The last k=v of each name, before the first bare argument
		// (which starts cmd), gives the value.
		last := map[string]string{}
		for _, arg := range args {
			k, v, ok := strings.Cut(arg, "=")
			if !ok {
				break
			}
			if !strings.HasPrefix(k, "@") {
				last[k] = v
			}
		}
		for k, v := range last {
			if k == "cmd" || k == "method" || strings.Contains(k, "file_") {
				continue // cmd may come from bare arguments, the others from core.http's @file
			}
			checkValue(t, args, k, v, got[k], opts)
		}
	})
}

// checkValue checks one converted value against its text.
func checkValue(t *testing.T, args []string, k, v string, got any, opts st2cmd.ParamOptions) {
	t.Helper()
	fail := func(what string) {
		t.Helper()
		t.Fatalf("ParseParameters(%q): %s = %#v from %q: %s", args, k, got, v, what)
	}
	// readBack parses the value's own rendering again.
	readBack := func(text string) any {
		t.Helper()
		again, err := st2cmd.ParseParameters([]string{k + "=" + text}, fuzzRunner, fuzzAction, opts)
		if err != nil {
			fail(fmt.Sprintf("its rendering %q is refused: %v", text, err))
		}
		return again[k]
	}
	switch fuzzType(k) {
	case "", "string":
		if got != v {
			fail("want the text as it is")
		}
	case "integer":
		n, ok := got.(json.Number)
		if !ok {
			fail("want a json.Number")
		}
		want, ok := new(big.Int).SetString(strings.ReplaceAll(strings.TrimSpace(v), "_", ""), 10)
		if !ok || want.String() != string(n) {
			fail("want the integer the text says")
		}
		if again := readBack(string(n)); again != n {
			fail(fmt.Sprintf("reads back as %#v", again))
		}
	case "number":
		x, ok := got.(float64)
		if !ok {
			fail("want a float64")
		}
		if again := readBack(strconv.FormatFloat(x, 'g', -1, 64)); again != x {
			fail(fmt.Sprintf("reads back as %#v", again))
		}
	case "boolean":
		b, ok := got.(bool)
		if !ok || b != strings.EqualFold(v, "true") {
			fail("want the boolean the text says")
		}
		if again := readBack(strconv.FormatBool(b)); again != b {
			fail(fmt.Sprintf("reads back as %#v", again))
		}
	case "object":
		m, ok := got.(map[string]any)
		if !ok {
			fail("want an object")
		}
		if !strings.HasPrefix(v, "{") {
			// a=1,b=2 pairs: every value is a string of the text.
			for key, val := range m {
				if s, ok := val.(string); !ok || !strings.Contains(v, key+"="+s) {
					fail(fmt.Sprintf("pair %q=%#v is not in the text", key, val))
				}
			}
			return
		}
		// JSON: the value reads back the same from its own encoding.
		b, err := json.Marshal(m)
		if err != nil {
			fail(err.Error())
		}
		if again := readBack(string(b)); !reflect.DeepEqual(jsonCanon(t, again), jsonCanon(t, m)) {
			fail(fmt.Sprintf("reads back as %#v", again))
		}
	}
}

// jsonCanon compares values through their JSON encoding, as they are sent.
func jsonCanon(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
