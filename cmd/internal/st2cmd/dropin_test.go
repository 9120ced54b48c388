package st2cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
	"github.com/switchboard-go/switchboard/cmd/internal/sandbox"
	"github.com/switchboard-go/switchboard/cmd/internal/st2cmd"
)

// dropIn runs the drop-in `st2` (st2cmd.MainWithSandbox) for goldens in the
// transcript format of package transcript, whose Session runs switchboard
// only: "=== st2 <args>" instead of "=== switchboard <args>".
type dropIn struct {
	env   map[string]string
	now   func() time.Time
	scrub []transcript.Rule
}

// loopback masks emulator ports, keeping their length.
var loopback = transcript.Rule(func(s string) string {
	return regexp.MustCompile(`(127\.0\.0\.1|localhost):[0-9]+`).ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
})

func (d dropIn) exec(t testing.TB, r transcript.Run) transcript.Result {
	t.Helper()
	env := r.Env
	if env == nil {
		env = d.env
	}
	now := d.now
	if now == nil {
		now = func() time.Time { return transcript.Clock }
	}
	var out, errOut bytes.Buffer
	streams := app.IO{
		In:            strings.NewReader(r.Stdin),
		Out:           &out,
		Err:           &errOut,
		Getenv:        func(k string) string { return env[k] },
		OutIsTerminal: r.TTY,
		ErrIsTerminal: r.ErrTTY,
		Columns:       transcript.Columns,
		Now:           now,
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	code := st2cmd.MainWithSandbox(ctx, r.Args, streams, sandbox.Seeded)
	return transcript.Result{Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

func (d dropIn) clean(s string) string {
	s = loopback(s)
	for _, r := range d.scrub {
		s = r(s)
	}
	return s
}

// transcript runs runs in order and renders them.
func (d dropIn) transcript(t testing.TB, runs []transcript.Run) string {
	t.Helper()
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		res := d.exec(t, r)
		mode := "piped"
		if r.TTY {
			mode = "terminal"
		}
		fmt.Fprintf(&b, "=== st2 %s   # stdout: %s\n--- exit %d\n", d.clean(transcript.QuoteArgs(r.Args)), mode, res.Code)
		if res.Stdout != "" {
			b.WriteString("--- stdout\n" + d.clean(res.Stdout))
		}
		if res.Stderr != "" {
			b.WriteString("--- stderr\n" + d.clean(res.Stderr))
		}
	}
	return b.String()
}

// update is -update of this package (registered by transcript).
func update() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func (d dropIn) check(t *testing.T, name string, runs []transcript.Run) string {
	t.Helper()
	got := d.transcript(t, runs)
	golden.Check(t, name, got, update())
	return got
}

// dropInSandbox runs the drop-in with the hidden --sandbox the tests give
// it (MainWithSandbox), with the scrubbing of the switchboard goldens.
var dropInSandbox = dropIn{env: map[string]string{"ST2_COLORIZE": "0"}, scrub: session.Scrub}

// st2sb builds the arguments of a sandboxed drop-in command.
var st2sb = transcript.Args("--sandbox")

func TestDropInGolden(t *testing.T) {
	cases := []transcript.Case{
		{Name: "dropin_basics", Runs: []transcript.Run{
			{Args: []string{"--version"}},
			{Args: []string{"execution", "list", "--nope"}},
			{Args: []string{"execution", "frobnicate"}},
			{Args: []string{"frobnicate"}},
			{Args: st2sb("run"), TTY: true},
			// A failed execution: the result, exit 1, no extra error line.
			{Args: st2sb("run", "core.local", "cmd=exit 2"), TTY: true},
			{Args: st2sb("run", "core.local", "cmd=date", "-a"), TTY: true},
			// Tables go into pipes too, as st2 draws them.
			{Args: st2sb("execution", "list", "-n", "2")},
			{Args: st2sb("key", "get", "demo.greeting", "-j", "-y"), TTY: true},
			// --tasks and --no-reset take several values, as in st2.
			{Args: st2sb("execution", "re-run", execEcho, "--tasks", "task1", "task2", "--no-reset", "task2", "-a"), TTY: true},
			{Args: st2sb("execution", "re-run", execEcho, "--tasks", "task1", "--no-reset", "task2", "-a"), TTY: true},
		}},
		{Name: "dropin_timestamps", Runs: transcript.TTY(
			st2sb("execution", "list", "-tg", "2024-05-01T11:00:00Z", "-a", "id", "status"),
			st2sb("execution", "list", "-tg=2024-05-01T11:00:00Z", "-tl=2024-05-01T11:30:00Z"),
			st2sb("execution", "list", "-tl", "2024-05-01T11:00:00Z"),
			st2sb("executions", "list", "-n", "1", "-tg", "2024-05-01T11:00:00Z", "-s", "asc"),
			// -t followed by its value is a token, whatever it reads.
			st2sb("execution", "list", "-t", "-tg"),
			st2sb("key", "list", "-tg", "x"),
		)},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			dropInSandbox.check(t, c.Name, c.Runs)
		})
	}
}

// TestDropInNoArguments: st2 alone prints its usage on stderr and exits 2
// (not a golden: the list of commands grows).
func TestDropInNoArguments(t *testing.T) {
	res := dropInSandbox.exec(t, transcript.Run{})
	if res.Code != 2 || res.Stdout != "" || !strings.Contains(res.Stderr, "Usage:\n  st2 [flags]") || !strings.Contains(res.Stderr, "login") {
		t.Errorf("st2 with no arguments: exit %d, stdout %q, stderr %.200q", res.Code, res.Stdout, res.Stderr)
	}
}

// TestDropInCompletion: cobra's completion scripts name the program st2
// and reach its commands.
func TestDropInCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		res := dropInSandbox.exec(t, transcript.Run{Args: []string{"completion", shell}})
		if res.Code != 0 || res.Stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", shell, res.Code, res.Stderr)
		}
		if !strings.Contains(res.Stdout, "st2") || !strings.Contains(res.Stdout, "__complete") {
			t.Errorf("%s: the script does not complete st2:\n%.300s", shell, res.Stdout)
		}
	}
	// The script asks the binary; the binary answers with st2's commands.
	for args, want := range map[string][]string{
		"":                   {"run", "execution", "key", "action", "login", "whoami", "auth"},
		"execution":          {"list", "get", "tail", "re-run", "cancel", "pause", "resume"},
		"execution list --t": {"--timestamp-gt", "--timestamp-lt", "--token"},
	} {
		words := append([]string{"__complete"}, strings.Fields(args)...)
		if args == "" || !strings.HasSuffix(args, "--t") {
			words = append(words, "")
		}
		res := dropInSandbox.exec(t, transcript.Run{Args: words})
		for _, w := range want {
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(w) + `(\t|$)`).MatchString(res.Stdout) {
				t.Errorf("completing %q: %q missing from\n%s", args, w, res.Stdout)
			}
		}
	}
}

// TestRewriteArgs: only whole -tg/-tl options of execution list are
// rewritten; a token, a value after --, other commands are left alone.
func TestRewriteArgs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"execution list -tg X -tl Y", "execution list --timestamp-gt X --timestamp-lt Y"},
		{"--sandbox executions list -n 2 -tg=X", "--sandbox executions list -n 2 --timestamp-gt=X"},
		{"execution list -t -tg", "execution list -t -tg"},
		{"execution list --token -tl -tg X", "execution list --token -tl --timestamp-gt X"},
		{"execution list -- -tg", "execution list -- -tg"},
		{"execution get -tg", "execution get -tg"},
		{"key list -tg X", "key list -tg X"},
		{"run core.local -- execution list -tg", "run core.local -- execution list -tg"},
		{"execution list -tgX -tga", "execution list -tgX -tga"},
		{"", ""},
	} {
		got := strings.Join(st2cmd.RewriteArgs(strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("RewriteArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDropInPrintConfig: --print-config prints every option, the file's
// values or st2's defaults, secrets masked, and exits 3.
func TestDropInPrintConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := dir + "/config"
	if err := os.WriteFile(cfg, []byte("# mine\n[general]\nbase_url = https://st2.example.com\n[cli]\ncache_token = no\ntimezone: Europe/Paris\n[credentials]\nusername = ada\npassword = hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := dir + "/bad"
	if err := os.WriteFile(bad, []byte("[cli]\ndebug = maybe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := dropIn{env: map[string]string{"HOME": dir + "/home"}, scrub: []transcript.Rule{transcript.Literal(dir, "$DIR")}}
	got := d.check(t, "dropin_print_config", []transcript.Run{
		{Args: []string{"--print-config", "--config-file", cfg}},
		{Args: []string{"--print-config"}},
		{Args: []string{"--print-config", "--config-file", dir + "/missing"}},
		{Args: []string{"--print-config", "--config-file", bad}},
		{Args: []string{"key", "list", "--print-config", "--skip-config"}},
	})
	if strings.Contains(got, "hunter2") {
		t.Error("--print-config shows the password")
	}
}

// TestDropInDebugPrintsCurlLines: the drop-in's --debug, and [cli] debug
// in the config file, print every exchange as st2 does, a numbered curl
// line and then the answer, on stdout before the command's own output.
// No credential shows: the API key is added below the log, and a login's
// answer, which holds the new token, is left out. switchboard st2 keeps
// its log records on stderr.
func TestDropInDebugPrintsCurlLines(t *testing.T) {
	srv := newStatefulServer(t, &gate{release: make(chan struct{})}, func() time.Time { return future })
	home := t.TempDir()
	d := dropIn{now: func() time.Time { return future }}
	env := serverEnv(srv, home, true)
	noSecret := func(res transcript.Result, secrets ...string) {
		t.Helper()
		for _, s := range append(secrets, srv.APIKey, password) {
			if strings.Contains(res.Stdout+res.Stderr, s) {
				t.Errorf("%q shows in the output:\n%s\n%s", s, res.Stdout, res.Stderr)
			}
		}
	}

	res := d.exec(t, transcript.Run{Args: []string{"--debug", "action", "get", "core.local", "-j"}, Env: env})
	head := "# -------- begin 1 request ----------\ncurl -X GET " + srv.APIURL + "/actions/core.local\n" +
		"# -------- begin 1 response ----------\n{\"description\":"
	if res.Code != 0 || !strings.HasPrefix(res.Stdout, head) || !strings.Contains(res.Stdout, "\n# -------- end 1 response ------------\n\n{\n    \"") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	noSecret(res)

	// A body and a header, quoted for the shell as st2 quotes them.
	res = d.exec(t, transcript.Run{Args: []string{"--debug", "key", "set", "greeting", "it's me"}, Env: env})
	curl := regexp.MustCompile(`(?m)^curl -X PUT -H  'Content-Type: application/json' --data-binary '(.*)' ` + regexp.QuoteMeta(srv.APIURL) + `/keys/greeting$`).FindStringSubmatch(res.Stdout)
	if res.Code != 0 || curl == nil || !strings.Contains(curl[1], `"value":"it'"'"'s me"`) || !strings.Contains(res.Stdout, "# -------- end 1 response ------------\n") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	noSecret(res)

	// A login: the password goes as basic credentials, the token comes
	// back in the answer; neither shows.
	loginEnv := serverEnv(srv, home, false)
	res = d.exec(t, transcript.Run{Args: []string{"--debug", "login", "st2admin", "-p", password}, Env: loginEnv})
	if res.Code != 0 || !strings.Contains(res.Stdout, "curl -X POST") || !strings.Contains(res.Stdout, "Logged in as st2admin") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	tok, err := os.ReadFile(home + "/.st2/token-st2admin")
	if err != nil {
		t.Fatal(err)
	}
	var cached struct{ Token string }
	if err := json.Unmarshal(tok, &cached); err != nil || cached.Token == "" {
		t.Fatalf("token cache %s: %v", tok, err)
	}
	noSecret(res, cached.Token)

	// [cli] debug in the config file turns it on too.
	cfg := home + "/.st2/config"
	if err := os.WriteFile(cfg, []byte("[cli]\ndebug = True\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = d.exec(t, transcript.Run{Args: []string{"action", "get", "core.local", "-j"}, Env: env})
	if res.Code != 0 || !strings.HasPrefix(res.Stdout, head) {
		t.Errorf("[cli] debug: exit %d, stdout:\n%s", res.Code, res.Stdout)
	}
	os.Remove(cfg)

	// switchboard st2 logs records on stderr and prints only its output.
	res = session.Exec(t, transcript.Run{Args: []string{"--debug", "st2", "action", "get", "core.local", "-j"}, Env: env})
	if res.Code != 0 || strings.Contains(res.Stdout, "# --------") || !strings.Contains(res.Stderr, `msg="http response"`) {
		t.Errorf("switchboard st2: exit %d, stdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	noSecret(res)
}
