package saagiecmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// session runs the CLI for the goldens, with stderr on the terminal
// whenever stdout is. The sandbox's ids are seeded and its clock is
// frozen, so ids and times are stable; only the ports (masked by every
// session) and temporary folders (masked per test) change between runs.
var session = transcript.Session{TTYStderr: true}

var sb = transcript.Args("--sandbox", "saagie")

// demoIDs reads the ids of the sandbox's demo data through the CLI itself.
type demoIDs struct {
	project, hello, broken, pipeline, app, instance string
}

func lookup(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	res := session.Exec(t, transcript.Run{Args: sb(append(args, "-j")...)})
	if res.Code != 0 {
		t.Fatalf("%v: exit %d: %s", args, res.Code, res.Stderr)
	}
	var v []map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &v); err != nil {
		var one map[string]any
		if err := json.Unmarshal([]byte(res.Stdout), &one); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, res.Stdout)
		}
		v = []map[string]any{one}
	}
	return v
}

func ids(t *testing.T) demoIDs {
	t.Helper()
	var d demoIDs
	d.project = lookup(t, "project", "get", "Demo")[0]["id"].(string)
	for _, j := range lookup(t, "job", "list", d.project) {
		switch j["name"] {
		case "hello":
			d.hello = j["id"].(string)
		case "broken":
			d.broken = j["id"].(string)
		}
	}
	d.pipeline = lookup(t, "pipeline", "list", d.project)[0]["id"].(string)
	d.app = lookup(t, "app", "list", d.project)[0]["id"].(string)
	d.instance, _ = lookup(t, "job", "get", d.hello)[0]["lastInstanceId"].(string)
	if d.hello == "" || d.broken == "" || d.instance == "" {
		t.Fatalf("demo data changed: %+v", d)
	}
	return d
}

// Every command of the subtree against the sandbox, in every output form.
// Each invocation starts a fresh sandbox, so the runs do not see each
// other's changes; a deterministic sandbox hands out the same ids each
// time, which is what lets a later run name an instance an earlier run
// started.
func TestGoldenSandbox(t *testing.T) {
	d := ids(t)
	tmp := t.TempDir()
	artifact := filepath.Join(tmp, "hello.py")
	if err := os.WriteFile(artifact, []byte("print('hi')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := session.WithRules(transcript.Literal(tmp, "$TMP")).Check(t, "sandbox", []transcript.Run{
		{Args: sb("platform"), TTY: true},
		{Args: sb("platform", "-j")},
		{Args: sb("project", "list"), TTY: true},
		{Args: sb("project", "list", "-y")},
		{Args: sb("project", "get", "Demo", "-a", "id", "name", "status")},
		{Args: sb("project", "get", d.project, "-j")},
		{Args: sb("project", "create", "Analytics", "--description", "made in a test", "--wait")},
		{Args: sb("project", "delete", d.project)},
		{Args: sb("project", "export", d.project, filepath.Join(tmp, "export"), "--all-versions", "-j")},
		{Args: sb("job", "list", d.project), TTY: true},
		{Args: sb("job", "list", d.project, "-a", "name", "artifact", "-w", "10,20")},
		{Args: sb("job", "get", d.hello)},
		{Args: sb("job", "create", d.project, "etl", "--file", artifact, "--cron", "0 3 * * *", "-j")},
		{Args: sb("job", "run", d.hello)},
		{Args: sb("job", "run", d.hello, "--wait", "--interval", "1ms"), TTY: true},
		{Args: sb("job", "run", d.broken, "--wait", "--interval", "1ms")},
		{Args: sb("job", "instance", d.instance, "-j")},
		{Args: sb("job", "stop", d.instance)},
		{Args: sb("job", "delete", d.broken)},
		{Args: sb("pipeline", "list", d.project), TTY: true},
		{Args: sb("pipeline", "get", d.pipeline, "-y")},
		{Args: sb("pipeline", "run", d.pipeline)},
		{Args: sb("pipeline", "run", d.pipeline, "--wait")},
		{Args: sb("app", "list", d.project), TTY: true},
		{Args: sb("app", "get", d.app, "-a", "name", "image", "status")},
		{Args: sb("app", "run", d.app)},
		{Args: sb("app", "stop", d.app, "-j")},
		{Args: sb("env", "list"), TTY: true},
		{Args: sb("env", "list", "--scope", "PROJECT", "--id", d.project, "-j")},
		{Args: sb("env", "list", "--scope", "PROJECT", "--id", d.project, "--scope-only")},
		{Args: sb("env", "set", "TOKEN", "tok-s3cret-value", "--scope", "PROJECT", "--id", d.project, "--is-password", "--description", "API token")},
		{Args: sb("env", "set", "ENVIRONMENT", "staging")},
		{Args: sb("env", "delete", "ENVIRONMENT")},
		{Args: sb("user", "list"), TTY: true},
		{Args: sb("user", "get", "admin", "-j")},
		{Args: sb("group", "list")},
		{Args: sb("group", "get", "administrators", "-y")},
	})
	for _, line := range strings.Split(got, "\n") {
		if !strings.HasPrefix(line, "=== ") && strings.Contains(line, "tok-s3cret-value") {
			t.Fatalf("a password variable's value reached the output: %s", line)
		}
	}
}

// Failures: exit 1 for what the platform refuses, exit 2 for command-line
// mistakes caught before any request.
func TestGoldenErrors(t *testing.T) {
	d := ids(t)
	session.Check(t, "errors", []transcript.Run{
		{Args: sb("job", "get", "00000000-0000-4000-8000-000000000000")},
		{Args: sb("job", "get", "not-a-uuid")},
		{Args: sb("project", "get", "Nope")},
		{Args: sb("project", "create", "Demo")},
		{Args: sb("project", "import", "/nonexistent/export")},
		{Args: sb("job", "create", d.project, "bad", "--technology", "cobol")},
		{Args: sb("job", "create", d.project, "bad", "--file", "/nonexistent/file.py")},
		{Args: sb("env", "list", "--scope", "SOMEWHERE")},
		{Args: sb("env", "list", "--scope", "PROJECT")},
		{Args: sb("user", "get", "nobody")},
		{Args: sb("group", "get", "nobody")},
		{Args: sb("job", "list")},
		{Args: sb("project", "list", "-j", "-y")},
	})
}

// Configuration: the flags and variables, EasyConnect's --platform-url,
// and their conflicts with --sandbox.
func TestGoldenConfiguration(t *testing.T) {
	srv := saagietest.NewServer(saagietest.WithRealm("acme"), saagietest.WithIDSeed(1), saagietest.WithClock(func() time.Time { return transcript.Clock }))
	t.Cleanup(srv.Close)
	creds := map[string]string{"SAAGIE_USER": srv.User, "SAAGIE_PASSWORD": srv.Password}
	withEnv := map[string]string{"SAAGIE_URL": srv.URL, "SAAGIE_PLATFORM_ID": "1", "SAAGIE_REALM": "acme", "SAAGIE_USER": srv.User, "SAAGIE_PASSWORD": srv.Password}
	got := session.Check(t, "configuration", []transcript.Run{
		{Args: []string{"saagie", "project", "list"}},
		{Args: []string{"saagie", "platform"}, Env: withEnv},
		// EasyConnect: everything from the page URL, the realm from the host.
		{Args: []string{"saagie", "--platform-url", srv.PlatformURL() + "project/x/jobs", "platform", "-a", "id", "name"}, Env: creds},
		{Args: []string{"saagie", "--platform-url", "ftp://acme-workspace.localhost/projects/platform/1/", "platform"}, Env: creds},
		{Args: []string{"saagie", "--url", srv.URL, "--platform-id", "one", "platform"}, Env: creds},
		{Args: []string{"saagie", "--url", srv.URL, "--platform-id", "1", "--realm", "acme", "--password", "wrong", "platform"}, Env: creds},
		{Args: []string{"saagie", "platform"}, Env: map[string]string{"SAAGIE_URL": srv.URL, "SAAGIE_PLATFORM_ID": "1", "SAAGIE_REALM": "acme"}},
		{Args: []string{"--sandbox", "saagie", "--url", "https://x", "platform"}},
		{Args: []string{"--sandbox", "saagie", "--platform-url", srv.PlatformURL(), "platform"}},
	})
	if strings.Contains(got, srv.Password) {
		t.Fatal("the password reached the output")
	}
}

// The full cycle the demo shows: a project, a job with an artifact, a run
// waited for until SUCCEEDED, in one invocation each against one server.
func TestEasyConnectCycle(t *testing.T) {
	srv := saagietest.NewServer(saagietest.WithTimeline(saagietest.Timeline{Running: 20 * time.Millisecond}))
	t.Cleanup(srv.Close)
	env := map[string]string{"SAAGIE_USER": srv.User, "SAAGIE_PASSWORD": srv.Password}
	ec := func(args ...string) []string {
		return append([]string{"saagie", "--platform-url", srv.PlatformURL()}, args...)
	}
	one := func(args ...string) map[string]any {
		res := session.Exec(t, transcript.Run{Args: append(ec(args...), "-j"), Env: env})
		if res.Code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.Code, res.Stderr)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(res.Stdout), &v); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return v
	}
	p := one("project", "create", "cycle", "--wait")
	if p["status"] != "READY" {
		t.Fatalf("project %v", p)
	}
	artifact := filepath.Join(t.TempDir(), "job.py")
	os.WriteFile(artifact, []byte("print(1)\n"), 0o644)
	j := one("job", "create", p["id"].(string), "cycle-job", "--file", artifact)
	in := one("job", "run", j["id"].(string), "--wait", "--interval", "5ms")
	if in["status"] != "SUCCEEDED" {
		t.Fatalf("run %v", in)
	}
	jobs := one("job", "get", j["id"].(string))
	if jobs["artifact"] != "job.py" || jobs["lastInstanceStatus"] != "SUCCEEDED" {
		t.Fatalf("job %v", jobs)
	}
}
