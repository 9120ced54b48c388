package saagiecmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

var clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

type run struct {
	args []string
	tty  bool
	env  map[string]string
}

// The sandbox's ids are seeded and its clock is frozen, so ids and times
// are stable; only the port and temporary folders change between runs.
var portRE = regexp.MustCompile(`(127\.0\.0\.1|localhost):[0-9]+`)

func scrub(s string, tmp []string) string {
	for _, d := range tmp {
		s = strings.ReplaceAll(s, d, "$TMP")
	}
	return portRE.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
}

func exec(t *testing.T, r run) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := app.IO{
		Out: &out, Err: &errOut, Getenv: func(k string) string { return r.env[k] },
		OutIsTerminal: r.tty, ErrIsTerminal: r.tty, Columns: 120, Now: func() time.Time { return clock },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = cli.Main(ctx, r.args, streams)
	return out.String(), errOut.String(), code
}

func transcript(t *testing.T, runs []run, tmp ...string) string {
	t.Helper()
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		out, errOut, code := exec(t, r)
		mode := "piped"
		if r.tty {
			mode = "terminal"
		}
		fmt.Fprintf(&b, "=== switchboard %s   # stdout: %s\n--- exit %d\n", scrub(strings.Join(r.args, " "), tmp), mode, code)
		if out != "" {
			b.WriteString("--- stdout\n" + scrub(out, tmp))
		}
		if errOut != "" {
			b.WriteString("--- stderr\n" + scrub(errOut, tmp))
		}
	}
	return b.String()
}

func sb(args ...string) []string { return append([]string{"--sandbox", "saagie"}, args...) }

// demoIDs reads the ids of the sandbox's demo data through the CLI itself.
type demoIDs struct {
	project, hello, broken, pipeline, app, instance string
}

func lookup(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out, errOut, code := exec(t, run{args: sb(append(args, "-j")...)})
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		var one map[string]any
		if err := json.Unmarshal([]byte(out), &one); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
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
	got := transcript(t, []run{
		{args: sb("platform"), tty: true},
		{args: sb("platform", "-j")},
		{args: sb("project", "list"), tty: true},
		{args: sb("project", "list", "-y")},
		{args: sb("project", "get", "Demo", "-a", "id", "name", "status")},
		{args: sb("project", "get", d.project, "-j")},
		{args: sb("project", "create", "Analytics", "--description", "made in a test", "--wait")},
		{args: sb("project", "delete", d.project)},
		{args: sb("project", "export", d.project, filepath.Join(tmp, "export"), "--all-versions", "-j")},
		{args: sb("job", "list", d.project), tty: true},
		{args: sb("job", "list", d.project, "-a", "name", "artifact", "-w", "10,20")},
		{args: sb("job", "get", d.hello)},
		{args: sb("job", "create", d.project, "etl", "--file", artifact, "--cron", "0 3 * * *", "-j")},
		{args: sb("job", "run", d.hello)},
		{args: sb("job", "run", d.hello, "--wait", "--interval", "1ms"), tty: true},
		{args: sb("job", "run", d.broken, "--wait", "--interval", "1ms")},
		{args: sb("job", "instance", d.instance, "-j")},
		{args: sb("job", "stop", d.instance)},
		{args: sb("job", "delete", d.broken)},
		{args: sb("pipeline", "list", d.project), tty: true},
		{args: sb("pipeline", "get", d.pipeline, "-y")},
		{args: sb("pipeline", "run", d.pipeline)},
		{args: sb("pipeline", "run", d.pipeline, "--wait")},
		{args: sb("app", "list", d.project), tty: true},
		{args: sb("app", "get", d.app, "-a", "name", "image", "status")},
		{args: sb("app", "run", d.app)},
		{args: sb("app", "stop", d.app, "-j")},
		{args: sb("env", "list"), tty: true},
		{args: sb("env", "list", "--scope", "PROJECT", "--id", d.project, "-j")},
		{args: sb("env", "list", "--scope", "PROJECT", "--id", d.project, "--scope-only")},
		{args: sb("env", "set", "TOKEN", "tok-s3cret-value", "--scope", "PROJECT", "--id", d.project, "--is-password", "--description", "API token")},
		{args: sb("env", "set", "ENVIRONMENT", "staging")},
		{args: sb("env", "delete", "ENVIRONMENT")},
		{args: sb("user", "list"), tty: true},
		{args: sb("user", "get", "admin", "-j")},
		{args: sb("group", "list")},
		{args: sb("group", "get", "administrators", "-y")},
	}, tmp)
	golden.Check(t, "sandbox", got, *update)
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
	got := transcript(t, []run{
		{args: sb("job", "get", "00000000-0000-4000-8000-000000000000")},
		{args: sb("job", "get", "not-a-uuid")},
		{args: sb("project", "get", "Nope")},
		{args: sb("project", "create", "Demo")},
		{args: sb("project", "import", "/nonexistent/export")},
		{args: sb("job", "create", d.project, "bad", "--technology", "cobol")},
		{args: sb("job", "create", d.project, "bad", "--file", "/nonexistent/file.py")},
		{args: sb("env", "list", "--scope", "SOMEWHERE")},
		{args: sb("env", "list", "--scope", "PROJECT")},
		{args: sb("user", "get", "nobody")},
		{args: sb("group", "get", "nobody")},
		{args: sb("job", "list")},
		{args: sb("project", "list", "-j", "-y")},
	})
	golden.Check(t, "errors", got, *update)
}

// Configuration: the flags and variables, EasyConnect's --platform-url,
// and their conflicts with --sandbox.
func TestGoldenConfiguration(t *testing.T) {
	srv := saagietest.NewServer(saagietest.WithRealm("acme"), saagietest.WithIDSeed(1), saagietest.WithClock(func() time.Time { return clock }))
	t.Cleanup(srv.Close)
	creds := map[string]string{"SAAGIE_USER": srv.User, "SAAGIE_PASSWORD": srv.Password}
	withEnv := map[string]string{"SAAGIE_URL": srv.URL, "SAAGIE_PLATFORM_ID": "1", "SAAGIE_REALM": "acme", "SAAGIE_USER": srv.User, "SAAGIE_PASSWORD": srv.Password}
	got := transcript(t, []run{
		{args: []string{"saagie", "project", "list"}},
		{args: []string{"saagie", "platform"}, env: withEnv},
		// EasyConnect: everything from the page URL, the realm from the host.
		{args: []string{"saagie", "--platform-url", srv.PlatformURL() + "project/x/jobs", "platform", "-a", "id", "name"}, env: creds},
		{args: []string{"saagie", "--platform-url", "ftp://acme-workspace.localhost/projects/platform/1/", "platform"}, env: creds},
		{args: []string{"saagie", "--url", srv.URL, "--platform-id", "one", "platform"}, env: creds},
		{args: []string{"saagie", "--url", srv.URL, "--platform-id", "1", "--realm", "acme", "--password", "wrong", "platform"}, env: creds},
		{args: []string{"saagie", "platform"}, env: map[string]string{"SAAGIE_URL": srv.URL, "SAAGIE_PLATFORM_ID": "1", "SAAGIE_REALM": "acme"}},
		{args: []string{"--sandbox", "saagie", "--url", "https://x", "platform"}},
		{args: []string{"--sandbox", "saagie", "--platform-url", srv.PlatformURL(), "platform"}},
	})
	golden.Check(t, "configuration", got, *update)
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
		out, errOut, code := exec(t, run{args: append(ec(args...), "-j"), env: env})
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
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
