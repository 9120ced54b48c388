package transcript

import (
	"regexp"
	"strings"
	"testing"
)

func TestQuoteArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sandbox", "cachet", "-a", "id,name", "--url", "http://127.0.0.1:80/api/v1", "-n", "-1", "50%", "a+b", "x@y", "k=v", "a_b"},
			"--sandbox cachet -a id,name --url http://127.0.0.1:80/api/v1 -n -1 50% a+b x@y k=v a_b"},
		{[]string{"--env-file", ""}, "--env-file ''"},
		{[]string{"Hello World"}, "'Hello World'"},
		{[]string{"it's"}, `'it'"'"'s'`},
		{[]string{"state<>operational", "0 3 * * *", "{}", "[x]", "$HOME", "a;b", "a|b", "a&b", "~", "#", "é"},
			"'state<>operational' '0 3 * * *' '{}' '[x]' '$HOME' 'a;b' 'a|b' 'a&b' '~' '#' 'é'"},
	} {
		if got := QuoteArgs(tc.args); got != tc.want {
			t.Errorf("QuoteArgs(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestScrub(t *testing.T) {
	s := Session{Scrub: []Rule{
		Mask(regexp.MustCompile(`\b[0-9a-f]{8}\b`), "T"),
		Replace(regexp.MustCompile(`(?m)^\.+$`), "..."),
		Literal("/tmp/x1", "$TMP"),
	}}
	in := "http://127.0.0.1:41234/a http://acme.localhost:8080/b 127.0.0.1 token deadbeef\n.....\n/tmp/x1/f"
	want := "http://127.0.0.1:PPPPP/a http://acme.localhost:PPPP/b 127.0.0.1 token TTTTTTTT\n...\n$TMP/f"
	if got := s.scrub(in); got != want {
		t.Errorf("scrub:\n got %q\nwant %q", got, want)
	}
	// WithRules adds to a copy: the original session is unchanged.
	more := s.WithRules(Literal("token", "secret"))
	if got := s.scrub("token"); got != "token" {
		t.Errorf("WithRules changed the original: %q", got)
	}
	if got := more.scrub("token"); got != "secret" {
		t.Errorf("WithRules: %q", got)
	}
}

func TestWrite(t *testing.T) {
	var b strings.Builder
	scrub := Session{}.scrub
	write(&b, Run{Args: []string{"--url", "http://127.0.0.1:5000", "x y"}, TTY: true}, Result{Code: 1, Stdout: "out 127.0.0.1:5000\n", Stderr: "err\n"}, scrub)
	b.WriteString("\n")
	write(&b, Run{Args: []string{"ping"}}, Result{}, scrub)
	want := `=== switchboard --url http://127.0.0.1:PPPP 'x y'   # stdout: terminal
--- exit 1
--- stdout
out 127.0.0.1:PPPP
--- stderr
err

=== switchboard ping   # stdout: piped
--- exit 0
`
	if got := b.String(); got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}
}

// TestExec runs the real CLI: the environment falls back to the
// session's, stdin reaches the command, and the exit code is reported.
func TestExec(t *testing.T) {
	s := Session{Env: map[string]string{"CACHET_ENDPOINT": "ftp://status.example.com/api/v1"}}
	res := s.Exec(t, Run{Args: []string{"cachet", "ping"}})
	if res.Code != 2 || !strings.Contains(res.Stderr, "ftp://status.example.com") {
		t.Errorf("session env: exit %d, stderr %q", res.Code, res.Stderr)
	}
	res = s.Exec(t, Run{Args: []string{"cachet", "ping"}, Env: map[string]string{}})
	if res.Code != 2 || strings.Contains(res.Stderr, "ftp://") {
		t.Errorf("run env: exit %d, stderr %q", res.Code, res.Stderr)
	}
	res = s.Exec(t, Run{Args: []string{"--sandbox", "cachet", "ping"}})
	if res.Code != 0 || res.Stdout != "Pong!\n" {
		t.Errorf("sandbox ping: exit %d, stdout %q, stderr %q", res.Code, res.Stdout, res.Stderr)
	}
}

// recorder stands in for testing.T to count reported failures.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
}

func TestRequireEveryCommand(t *testing.T) {
	rec := &recorder{TB: t}
	RequireEveryCommand(rec, []Case{{Name: "one", Runs: TTY([]string{"--sandbox", "cachet", "ping"})}}, "cachet")
	if len(rec.errors) < 10 {
		t.Errorf("%d commands reported missing with one run, want most of the cachet tree", len(rec.errors))
	}
	all := &recorder{TB: t}
	var runs []Run
	for _, leaf := range []string{"ping", "version", "status"} {
		runs = append(runs, Formats("cachet", leaf)...)
	}
	RequireEveryCommand(all, []Case{{Name: "general", Runs: runs}}, "cachet")
	if len(all.errors) != len(rec.errors)-2 {
		t.Errorf("covering version and status: %d reports, want %d", len(all.errors), len(rec.errors)-2)
	}
}

func TestHelpers(t *testing.T) {
	sb := Args("--sandbox", "cachet")
	a := sb("ping")
	b := sb("version")
	if QuoteArgs(a) != "--sandbox cachet ping" || QuoteArgs(b) != "--sandbox cachet version" {
		t.Errorf("Args shares its prefix: %q %q", a, b)
	}
	f := Formats(a...)
	if len(f) != 4 || !f[0].TTY || f[1].TTY || QuoteArgs(f[2].Args) != "--sandbox cachet ping -j" || QuoteArgs(f[3].Args) != "--sandbox cachet ping -y" || len(a) != 3 {
		t.Errorf("Formats: %+v", f)
	}
}
