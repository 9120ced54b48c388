package st2cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/golden"
	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// The goldens of this file run against one emulator that lives for the
// whole case, so that a command sees what the previous one did (each
// --sandbox run starts its own). Its clock is frozen in the future, so
// that the tokens it issues are still good for the token cache, and its
// background ticker is off: executions move on only when asked about,
// which keeps the goldens stable.

const password = "Ch@ngeMe-5ecret"

var future = time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)

// gate is the action test.gated: it writes a line, waits for release,
// writes another and succeeds.
type gate struct {
	once    sync.Once
	release chan struct{}
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

func newStatefulServer(t *testing.T, g *gate, now func() time.Time) *st2test.Server {
	t.Helper()
	srv := st2test.NewServer(
		st2test.WithDemoData(),
		st2test.WithClock(now),
		st2test.WithSchedulingDelays(0, 0),
		st2test.WithTickInterval(0),
		st2test.WithUser("st2admin", password),
		st2test.WithActionHandler("test.gated", &st2test.Action{RunnerType: "python-script", Description: "Waits for the test."},
			func(ctx context.Context, _ map[string]any) (any, error) {
				st2test.Stdout(ctx).Write([]byte("before the gate\n"))
				select {
				case <-g.release:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				st2test.Stdout(ctx).Write([]byte("after the gate\n"))
				return map[string]any{"ok": true}, nil
			}),
	)
	t.Cleanup(func() { g.open(); srv.Close() })
	return srv
}

// serverEnv points the CLI at srv with a home folder of its own.
func serverEnv(srv *st2test.Server, home string, apiKey bool) map[string]string {
	env := map[string]string{
		"NO_COLOR": "1", "ST2_COLORIZE": "0", "HOME": home,
		st2.EnvAuthURL: srv.AuthURL, st2.EnvAPIURL: srv.APIURL, st2.EnvStreamURL: srv.StreamURL,
	}
	if apiKey {
		env[st2.EnvAPIKey] = srv.APIKey
	}
	return env
}

// tokenRule masks the tokens the emulator issues (32 hex digits).
var tokenRule = transcript.Mask(regexp.MustCompile(`\b[0-9a-f]{32}\b`), "T")

// steps renders runs one at a time, calling between(i) before run i, for
// scenarios that must wait for the emulator between commands.
func steps(t *testing.T, s func(transcript.Run) string, runs []transcript.Run, between func(i int)) string {
	t.Helper()
	var parts []string
	for i, r := range runs {
		if between != nil {
			between(i)
		}
		parts = append(parts, s(r))
	}
	return strings.Join(parts, "\n")
}

// authRuns are the login, whoami and auth runs, for both binaries; sbPrefix
// is "st2" for switchboard and nothing for the drop-in.
func authRuns(prefix func(...string) []string, env, keyEnv map[string]string) []transcript.Run {
	return []transcript.Run{
		{Args: prefix("whoami"), Env: env},
		{Args: prefix("login", "st2admin", "-p", "wrong"), Env: env},
		{Args: prefix("login", "st2admin", "-p", password), Env: env},
		{Args: prefix("whoami"), Env: env},
		{Args: prefix("login", "st2admin", "-w", "--password", password, "-l", "600"), Env: env},
		{Args: prefix("whoami"), Env: env},
		{Args: prefix("auth", "st2admin", "-p", password), Env: env, TTY: true},
		{Args: prefix("auth", "st2admin", "-p", password, "-t"), Env: env},
		{Args: prefix("auth", "st2admin", "-p", password, "-j"), Env: env},
		{Args: prefix("auth", "st2admin", "-p", password, "-y", "--ttl", "60"), Env: env},
		{Args: prefix("auth", "st2admin", "-p", password, "-a", "user", "expiry", "-w", "12"), Env: env, TTY: true},
		{Args: prefix("auth", "st2admin"), Env: env, Stdin: password + "\n"},
		{Args: prefix("auth", "st2admin", "-p", "wrong"), Env: env},
		{Args: prefix("auth", "st2admin", "-l", "-5", "-p", password), Env: env},
		{Args: prefix("login"), Env: env},
		{Args: prefix("whoami"), Env: keyEnv},
	}
}

// checkAuthFiles checks what login left in the home folder: the cached
// token and the config file with the password (the last login had -w),
// private to the user.
func checkAuthFiles(t *testing.T, home string) {
	t.Helper()
	cfg := filepath.Join(home, ".st2", "config")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[credentials]\nusername = st2admin\npassword = " + password + "\n"; string(b) != want {
		t.Errorf("config file:\n%s\nwant:\n%s", b, want)
	}
	for _, p := range []string{cfg, filepath.Join(home, ".st2", "token-st2admin")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want private to the user", p, fi.Mode().Perm())
		}
	}
}

func TestGoldenAuth(t *testing.T) {
	srv := newStatefulServer(t, &gate{release: make(chan struct{})}, func() time.Time { return future })
	home := t.TempDir()
	env := serverEnv(srv, home, false)
	keyEnv := serverEnv(srv, home, true)
	keyEnv[st2.EnvSkipConfig] = "1"
	s := session.WithRules(tokenRule, transcript.Literal(home, "$HOME"))
	s.Now = func() time.Time { return future }
	got := s.Check(t, "auth", authRuns(transcript.Args("st2"), env, keyEnv))
	checkNoPassword(t, got)
	checkAuthFiles(t, home)
}

func TestDropInGoldenAuth(t *testing.T) {
	srv := newStatefulServer(t, &gate{release: make(chan struct{})}, func() time.Time { return future })
	home := t.TempDir()
	env := serverEnv(srv, home, false)
	keyEnv := serverEnv(srv, home, true)
	keyEnv[st2.EnvSkipConfig] = "1"
	d := dropIn{now: func() time.Time { return future }, scrub: []transcript.Rule{tokenRule, transcript.Literal(home, "$HOME")}}
	got := d.check(t, "dropin_auth", authRuns(transcript.Args(), env, keyEnv))
	checkNoPassword(t, got)
	checkAuthFiles(t, home)
}

// checkNoPassword fails when the password shows anywhere in a
// transcript but the command lines that gave it.
func checkNoPassword(t *testing.T, transcript string) {
	t.Helper()
	for _, line := range strings.Split(transcript, "\n") {
		if !strings.HasPrefix(line, "=== ") && strings.Contains(line, password) {
			t.Errorf("the password shows in the output: %q", line)
		}
	}
}

// idRE finds the id an async run prints.
var idRE = regexp.MustCompile(`execution get ([0-9a-f]{24})`)

func TestGoldenExecutionsLive(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	var offset atomic.Int64 // seconds the test moved the clock on
	now := func() time.Time { return future.Add(time.Duration(offset.Load()) * time.Second) }
	srv := newStatefulServer(t, g, now)
	env := serverEnv(srv, t.TempDir(), true)
	s := session
	s.Env = env
	s.Now = now
	client, err := st2.New(st2.Config{APIURL: srv.APIURL, AuthURL: srv.AuthURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	start := func(args ...string) string {
		res := s.Exec(t, transcript.Run{Args: append([]string{"st2", "run", "-a"}, args...)})
		m := idRE.FindStringSubmatch(res.Stdout)
		if m == nil {
			t.Fatalf("run %q: %+v", args, res)
		}
		return m[1]
	}
	status := func(id string, want st2.ExecutionStatus) func() bool {
		return func() bool {
			ex, err := client.Executions.Get(ctx, id)
			return err == nil && ex.Status == want
		}
	}
	// Executions started before the transcript: a shell command that never
	// ends on the frozen clock, the gated action, and a workflow waiting
	// in its second task (a pause of 5 seconds of the clock).
	sleeper := start("core.local", "cmd=sleep 500")
	gated := start("test.gated")
	wf := start("examples.sequence", "name=Ada", "pause=5")
	waitFor(t, func() bool {
		ch, err := client.Executions.Children(ctx, wf, -1)
		return err == nil && len(ch) == 2 && ch[1].Status == st2.StatusRunning
	})
	waitFor(t, status(gated, st2.StatusRunning))
	st := transcript.Args("st2")
	runs := []transcript.Run{
		{Args: st("execution", "tail", gated), TTY: true},
		{Args: st("execution", "get", wf), TTY: true},
		{Args: st("execution", "get", wf, "--show-tasks", "-j"), TTY: true},
		{Args: st("execution", "get", wf, "-y"), TTY: true},
		{Args: st("execution", "get", wf, "--raw", "--attr", "id", "status"), TTY: true},
		{Args: st("execution", "get", wf, "--depth", "0", "-w", "30")},
		{Args: st("execution", "pause", wf), TTY: true},
		{Args: st("execution", "pause", wf, "--raw", "-y"), TTY: true},
		// Still pausing: its running task has not finished.
		{Args: st("execution", "resume", wf), TTY: true},
		// The clock moves on 10 s: the task ends, the workflow is paused.
		{Args: st("execution", "get", wf, "--show-tasks"), TTY: true},
		{Args: st("execution", "resume", wf, "-j"), TTY: true},
		// The workflow has finished its last task.
		{Args: st("execution", "get", wf), TTY: true},
		{Args: st("execution", "resume", wf, "--raw", "-d"), TTY: true},
		{Args: st("execution", "cancel", sleeper, wf), TTY: true},
		{Args: st("execution", "cancel", sleeper), TTY: true},
		{Args: st("execution", "list", "-n", "3", "--attr", "id", "action.ref", "status"), TTY: true},
		// A workflow re-run from a task: the new execution's id.
		{Args: st("execution", "re-run", wf, "--tasks", "task2,task3", "--no-reset", "task3", "-a"), TTY: true},
	}
	got := steps(t, func(r transcript.Run) string {
		if len(r.Args) > 2 && r.Args[2] == "tail" {
			// Open the gate once the tail listens and has read the
			// execution once more (the facade's catch-up on connecting,
			// which would otherwise see it completed and end the tail
			// before its output arrives; st2's own tail has that race).
			go func() {
				for srv.StreamSubscribers() == 0 {
					time.Sleep(5 * time.Millisecond)
				}
				time.Sleep(300 * time.Millisecond)
				g.open()
			}()
		}
		return s.Transcript(t, []transcript.Run{r})
	}, runs, func(i int) {
		switch i {
		case 9:
			offset.Store(10)
			waitFor(t, status(wf, st2.StatusPaused))
		case 11:
			waitFor(t, status(wf, st2.StatusSucceeded))
		}
	})
	golden.Check(t, "executions_live", got, update())
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting for the emulator")
}

// TestRunTail: `run --tail` follows the output of the new execution, then
// prints its result view. Not a golden: whether the execution has
// already started when the stream opens (and so the "has started" line
// and the first output) depends on timing, as with st2.
func TestRunTail(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	srv := newStatefulServer(t, g, func() time.Time { return future })
	go func() {
		for srv.StreamSubscribers() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		g.open()
	}()
	s := session
	s.Env = serverEnv(srv, t.TempDir(), true)
	res := s.Exec(t, transcript.Run{Args: []string{"st2", "run", "test.gated", "--tail"}})
	for _, want := range []string{"Tailing execution \"", "after the gate\n", "has completed (status=succeeded).\n\nid: ", "status: succeeded\n"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("%q missing from the output:\n%s", want, res.Stdout)
		}
	}
	if res.Code != 0 || res.Stderr != "" {
		t.Errorf("exit %d, stderr %q", res.Code, res.Stderr)
	}
}

// TestTailWorkflow: tailing a running workflow prints its tasks' output
// and st2's lines as they start and finish, then the workflow's
// completion.
func TestTailWorkflow(t *testing.T) {
	var offset atomic.Int64
	now := func() time.Time { return future.Add(time.Duration(offset.Load()) * time.Second) }
	srv := newStatefulServer(t, &gate{release: make(chan struct{})}, now)
	client, err := st2.New(st2.Config{APIURL: srv.APIURL, AuthURL: srv.AuthURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	wf, err := client.Executions.Run(ctx, "examples.sequence", map[string]any{"name": "Ada", "pause": 5})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		ch, err := client.Executions.Children(ctx, wf.ID, -1)
		return err == nil && len(ch) == 2 && ch[1].Status == st2.StatusRunning
	})
	go func() {
		for srv.StreamSubscribers() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		offset.Store(10)
		// The emulator moves on when asked: ask until the workflow ends.
		for ctx.Err() == nil {
			if ex, err := client.Executions.Get(ctx, wf.ID); err == nil && st2.Completed(ex.Status) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	s := session
	s.Env = serverEnv(srv, t.TempDir(), true)
	s.Now = now
	res := s.Exec(t, transcript.Run{Args: []string{"st2", "execution", "tail", wf.ID}})
	children, err := client.Executions.Children(ctx, wf.ID, -1)
	if err != nil || len(children) != 3 {
		t.Fatalf("children: %v, %v", children, err)
	}
	for _, want := range []string{
		"\nChild execution (task=task2) " + children[1].ID + " has finished (status=succeeded).\n",
		"Child execution (task=task3) " + children[2].ID + " has started.\n\nBye, Ada\n",
		"\nChild execution (task=task3) " + children[2].ID + " has finished (status=succeeded).\n",
		"\nExecution " + wf.ID + " has completed (status=succeeded).\n",
	} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("%q missing from the output:\n%s", want, res.Stdout)
		}
	}
	if res.Code != 0 || res.Stderr != "" {
		t.Errorf("exit %d, stderr %q", res.Code, res.Stderr)
	}
}

// TestGoldenTimezone: [cli] timezone of the config file sets the zone of
// the times the execution views and key lists show; an unknown zone is a
// usage error.
func TestGoldenTimezone(t *testing.T) {
	mustLoc := func(name string) {
		if _, err := time.LoadLocation(name); err != nil {
			t.Skip("no time zone database:", err)
		}
	}
	mustLoc("Europe/Paris")
	srv := newStatefulServer(t, &gate{release: make(chan struct{})}, func() time.Time { return future })
	dir := t.TempDir()
	env := serverEnv(srv, dir, true)
	good, bad := filepath.Join(dir, "paris.ini"), filepath.Join(dir, "mars.ini")
	for p, text := range map[string]string{good: "[cli]\ntimezone = Europe/Paris\n", bad: "[general]\n\n[cli]\ntimezone = Mars/Olympus\n"} {
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := session.WithRules(transcript.Literal(dir, "$DIR"))
	s.Env = env
	s.Now = func() time.Time { return future }
	st := transcript.Args("st2")
	s.Check(t, "timezone", []transcript.Run{
		{Args: st("run", "core.local", "cmd=date", "--config-file", good), TTY: true},
		{Args: st("execution", "list", "-n", "1", "--config-file", good), TTY: true},
		{Args: st("execution", "list", "-n", "1", "--config-file", good, "-j")},
		{Args: st("execution", "list", "-n", "1", "--config-file", bad), TTY: true},
		{Args: st("key", "set", "tz_probe", "v", "--ttl", "3600", "--config-file", good, "-j")},
		{Args: st("key", "list", "--prefix", "tz_probe", "--config-file", good), TTY: true},
	})
}

// TestRunInheritEnv: run -e sends the process environment, minus st2's
// blacklist, as the env parameter.
func TestRunInheritEnv(t *testing.T) {
	t.Setenv("SB_INHERITED", "yes")
	t.Setenv("PATH", "/usr/bin:/bin")
	res := session.Exec(t, transcript.Run{Args: []string{"--sandbox", "st2", "run", "core.local", "cmd=true", "-e", "-j"}})
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if !strings.Contains(res.Stdout, `"SB_INHERITED": "yes"`) || strings.Contains(res.Stdout, `"PATH"`) {
		t.Errorf("parameters.env: %s", res.Stdout)
	}
}

// TestBasicAuth: --basic-auth goes with every request as HTTP basic
// credentials (for a proxy in front of st2), beside the API key, and never
// shows in the output.
func TestBasicAuth(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%v %s:%s key=%s", ok, user, pass, r.Header.Get("St2-Api-Key")))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "[]")
	}))
	defer proxy.Close()
	res := session.Exec(t, transcript.Run{Args: []string{"st2", "key", "list", "--skip-config", "--api-url", proxy.URL + "/api/v1",
		"--api-key", "k3y", "--basic-auth", "gate:pr0xy-pass", "--debug"}})
	if res.Code != 0 || strings.Contains(res.Stdout+res.Stderr, "pr0xy-pass") {
		t.Errorf("exit %d, output %q %q", res.Code, res.Stdout, res.Stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "true gate:pr0xy-pass key=k3y" {
		t.Errorf("requests: %q", seen)
	}
}

// TestCreateFromYAMLReadsYAML11: a metadata file is read as st2 reads it,
// with PyYAML: a plain no is false and 010 is octal, while 1e3 (no dot)
// stays a string. YAML 1.2 readers make a string of the first and ten of
// the second, and the server gets the wrong action.
func TestCreateFromYAMLReadsYAML11(t *testing.T) {
	path := filepath.Join(t.TempDir(), "action.yaml")
	meta := "name: yaml11\npack: examples\nrunner_type: local-shell-cmd\nenabled: no\nentry_point: ''\n" +
		"description: 1e3\nparameters:\n  count:\n    type: integer\n    default: 010\n"
	if err := os.WriteFile(path, []byte(meta), 0o600); err != nil {
		t.Fatal(err)
	}
	res := session.Exec(t, transcript.Run{Args: []string{"--sandbox", "st2", "action", "create", path, "-j"}})
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	var got struct {
		Enabled     any `json:"enabled"`
		Description any `json:"description"`
		Parameters  struct {
			Count struct {
				Default any `json:"default"`
			} `json:"count"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, res.Stdout)
	}
	if got.Enabled != false || got.Description != "1e3" || got.Parameters.Count.Default != 8.0 {
		t.Errorf("created enabled=%#v description=%#v count default=%#v, want false, \"1e3\", 8",
			got.Enabled, got.Description, got.Parameters.Count.Default)
	}
}
