package st2cmd

import (
	"testing"
	"time"

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

// TestUpdateCredentials: login rewrites [credentials] and keeps the rest
// of the file, comments included.
func TestUpdateCredentials(t *testing.T) {
	for _, tc := range []struct{ in, password, want string }{
		{"", "", "[credentials]\nusername = ada\n"},
		{"", "pw", "[credentials]\nusername = ada\npassword = pw\n"},
		{"[general]\nbase_url = http://x\n", "", "[general]\nbase_url = http://x\n\n[credentials]\nusername = ada\n"},
		{"# mine\n[credentials]\nusername = bob\npassword: old\napi_key = k\n[cli]\ntimezone = Europe/Paris", "",
			"# mine\n[credentials]\nusername = ada\napi_key = k\n[cli]\ntimezone = Europe/Paris"},
	} {
		if got := updateCredentials(tc.in, "ada", tc.password); got != tc.want {
			t.Errorf("updateCredentials(%q, %q) =\n%q\nwant\n%q", tc.in, tc.password, got, tc.want)
		}
	}
}

// TestTimezoneTransforms: the zone of [cli] timezone (read by
// st2.LoadConfig) is the one the execution views print times in.
func TestTimezoneTransforms(t *testing.T) {
	tf := (&Env{loc: mustLoc(t, "Europe/Paris")}).executionTransforms(false)
	if got := tf["start_timestamp"]("2024-05-01T12:00:00.000000Z"); got != "Wed, 01 May 2024 14:00:00 CEST" {
		t.Errorf("timestamp in Europe/Paris: %v", got)
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	return loc
}

// TestInheritedEnv: -e/--inherit-env sends the environment minus st2's
// blacklist (exact lower or upper case), and env=... wins.
func TestInheritedEnv(t *testing.T) {
	got := withInheritedEnv(nil, []string{"PATH=/bin", "home=/h", "Home=/kept", "DEPLOY_ENV=prod", "EMPTY=", "A=b=c", "=x", "junk"})
	want := map[string]any{"Home": "/kept", "DEPLOY_ENV": "prod", "EMPTY": "", "A": "b=c"}
	env, _ := got["env"].(map[string]any)
	if len(env) != len(want) {
		t.Fatalf("env = %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("env[%s] = %v, want %v", k, env[k], v)
		}
	}
	given := map[string]any{"env": map[string]any{"X": "1"}}
	if got := withInheritedEnv(given, []string{"Y=2"}); len(got["env"].(map[string]any)) != 1 {
		t.Errorf("env=... overridden: %v", got)
	}
}
