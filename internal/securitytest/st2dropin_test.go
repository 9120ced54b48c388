package securitytest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// TestNoSecretInSt2DropIn drives the st2 drop-in command (cmd/st2) through
// its authentication commands with --debug, in one HOME so that each run
// finds the token cache and config file the last one wrote: a refused
// login, a login with the password typed at the prompt, whoami, a key set,
// `st2 auth -t`, a login that writes the password to the config file, a
// call after the server expired the token (a 401, then a login with the
// stored password), and whoami and key list against a server echoing the
// credentials in a 403 and a 500. No password or token used or issued may
// appear in any stdout, stderr or debug line (the exchanges --debug prints
// on stdout, as st2 does, included), with one exception: the last line of
// the stdout of `st2 auth -t`, whose whole purpose is to print a new token
// (the lines before it and its stderr are still scanned, and that line is
// checked to be the token, so the exclusion hides nothing else).
func TestNoSecretInSt2DropIn(t *testing.T) {
	const user, pw, wrongPw = "st2admin", "st2-DropIn-Passw0rd-secret", "wrong-DropIn-password-st2"
	clk := &clock{}
	srv := st2test.NewServer(st2test.WithUser(user, pw), st2test.WithClock(clk.Func()))
	t.Cleanup(srv.Close)
	f := newFront(t, srv.Handler())
	env := map[string]string{st2.EnvAuthURL: f.URL + "/auth/v1", st2.EnvAPIURL: f.URL + "/api/v1", st2.EnvStreamURL: f.URL + "/stream/v1"}
	home := t.TempDir()

	type step struct {
		args     []string
		stdin    string
		mode     int32
		advance  time.Duration // the emulator's clock moves first
		wantCode int           // -1: any non-zero
		wantOut  string        // in stdout
		printsTk bool          // stdout is a token, on purpose
	}
	steps := []step{
		{args: []string{"login", user, "-p", wrongPw}, wantCode: -1},
		{args: []string{"login", user}, stdin: pw + "\n", wantOut: "Logged in as " + user},
		{args: []string{"whoami"}, wantOut: `Currently logged in as "` + user + `"`},
		{args: []string{"key", "set", "greeting", "hi"}, wantOut: "greeting"},
		{args: []string{"auth", user, "-p", pw, "-t"}, printsTk: true},
		{args: []string{"login", user, "-w", "-p", pw}, wantOut: "Logged in as " + user},
		{args: []string{"key", "get", "greeting"}, advance: 25 * time.Hour, wantOut: "hi"},
		{args: []string{"whoami"}, mode: modeEcho4xx, wantOut: "Unable to retrieve"},
		{args: []string{"key", "list"}, mode: modeEcho4xx, wantCode: -1},
		{args: []string{"key", "list"}, mode: modeEcho5xx, wantCode: -1},
	}
	haystacks := map[string]string{}
	logLines, outputs, excluded := 0, 0, 0
	var printed []string
	for i, s := range steps {
		clk.Advance(s.advance)
		before := f.Unauthorized()
		f.mode.Store(s.mode)
		r := runBinary(t, st2Bin, home, s.stdin, env, append([]string{"--debug"}, s.args...)...)
		f.mode.Store(modePass)
		name := fmt.Sprintf("st2 %s (step %d, mode %d)", strings.Join(s.args, " "), i, s.mode)
		if (s.wantCode == -1 && r.code == 0) || (s.wantCode != -1 && r.code != s.wantCode) || !strings.Contains(r.stdout, s.wantOut) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and %q", name, r.code, r.stdout, r.stderr, s.wantCode, s.wantOut)
		}
		// The drop-in's --debug prints each exchange on stdout, as st2's
		// does (curl lines and answers); other records go to stderr.
		if !strings.Contains(r.stdout, "# -------- begin 1 request ----------\ncurl ") {
			t.Errorf("%s: no exchange printed on stdout: nothing was scanned", name)
		}
		if s.advance > 0 && f.Unauthorized() == before {
			t.Errorf("%s: no 401 after the server-side expiry: the renewal path did not run", name)
		}
		haystacks[name+" stderr"] = r.stderr
		logLines += lines(r.stderr) + strings.Count(r.stdout, "\n# -------- ")
		outputs++
		if s.printsTk {
			// The token is the last line; the exchanges before it are
			// scanned like any other output.
			out := strings.TrimRight(r.stdout, "\n")
			cut := strings.LastIndexByte(out, '\n')
			printed = append(printed, out[cut+1:])
			excluded++
			haystacks[name+" stdout before the token"] = out[:max(cut, 0)]
			outputs++
			continue
		}
		haystacks[name+" stdout"] = r.stdout
		outputs++
	}
	var ss secrets
	ss.add("st2 password", pw)
	ss.add("wrong st2 password", wrongPw)
	ss.addSeen(f)
	if len(ss.list) <= 2 {
		t.Fatalf("no token was seen on the wire: the scan would prove nothing")
	}
	// The excluded output must be a token the server issued, and only it.
	for _, tok := range printed {
		if !strings.Contains(strings.Join(f.Seen(), "\n"), tok) || len(tok) < 16 || strings.ContainsAny(tok, " \n") {
			t.Errorf("st2 auth -t printed %d bytes that are not one issued token", len(tok))
		}
	}
	leakcheck.Assert(t, haystacks, ss.list...)
	t.Logf("st2 drop-in: %d secrets checked, %d log lines, %d outputs of %d runs scanned (the token line of st2 auth -t excluded), 0 occurrences",
		len(ss.list), logLines, outputs, len(steps))
}
