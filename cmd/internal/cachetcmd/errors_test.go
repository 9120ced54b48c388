package cachetcmd_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
	"github.com/switchboard-go/switchboard/cmd/internal/sandbox"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

// TestErrors records how each kind of failure ends: usage errors (exit 2,
// with the usage hint) before any request, API errors (exit 1) with the
// server's message.
func TestErrors(t *testing.T) {
	t.Parallel()
	noEnv := func(args ...string) transcript.Run { return transcript.Run{Args: args} }
	runs := []transcript.Run{
		// The connection.
		noEnv("cachet", "component", "list"),
		{Args: []string{"cachet", "ping"}, Env: map[string]string{"CACHET_ENDPOINT": "http://status.example.com/api/v1/"}},
		noEnv("cachet", "--endpoint", "ftp://status.example.com/api/v1", "ping"),
		noEnv("--sandbox", "cachet", "--endpoint", "http://status.example.com/api/v1", "ping"),
		noEnv(sb("--time-zone", "Mars/Olympus", "ping")...),
		// The command line.
		noEnv(sb("nope")...),
		noEnv(sb("component", "get")...),
		noEnv(sb("component", "get", "abc")...),
		noEnv(sb("component", "get", "1", "2")...),
		noEnv(sb("component", "list", "--status", "broken")...),
		noEnv(sb("component", "list", "--status", "7")...),
		noEnv(sb("component", "list", "--sort", "created_at")...),
		noEnv(sb("component", "list", "--order", "up")...),
		noEnv(sb("component", "list", "-n", "-1")...),
		noEnv(sb("component", "list", "--enabled", "--disabled")...),
		noEnv(sb("component", "list", "-j", "-y")...),
		noEnv(sb("component", "create")...),
		noEnv(sb("component", "create", "--name", "x", "--tag", "a,b")...),
		noEnv(sb("component", "create", "--name", "x", "--meta", "novalue")...),
		noEnv(sb("component", "update", "1")...),
		noEnv(sb("incident", "create", "--name", "x")...),
		noEnv(sb("incident", "create", "--name", "x", "--message", "y", "--component", "1")...),
		noEnv(sb("incident", "create", "--name", "x", "--message", "y", "--occurred-at", "yesterday")...),
		noEnv(sb("incident", "list", "--public", "--private")...),
		noEnv(sb("incident-update", "create", "2", "--status", "scheduled", "--message", "m")...),
		noEnv(sb("incident-update", "create", "2", "--message", "m")...),
		noEnv(sb("metric-point", "create", "1", "lots")...),
		noEnv(sb("metric-point", "update", "1", "2")...),
		noEnv(sb("schedule", "create", "--name", "x", "--scheduled-at", "2024-05-01T10:00")...),
		noEnv(sb("template", "list", "--sort", "id")...),
		// The server's answers.
		noEnv(sb("component", "get", "99")...),
		noEnv(sb("incident-update", "get", "1", "1")...),
		noEnv(sb("incident-update", "update", "1", "1", "--message", "hijacked")...),
		noEnv(sb("incident-update", "delete", "1", "1")...),
		noEnv(sb("metric-point", "update", "1", "99", "--timestamp", "2024-05-01 10:00")...),
		noEnv(sb("metric", "create", "--name", "x", "--suffix", "ms", "--threshold", "7")...),
		noEnv(sb("subscriber", "create", "not-an-email")...),
		noEnv(sb("subscriber", "create", "Ops <ops@example.com>")...),
		noEnv(sb("group", "delete", "42")...),
	}
	session.Check(t, "errors", runs)
}

// TestEnvironment points the CLI at a running emulator through the
// variables cachet-client reads, as after `sandbox serve`, and checks
// that flags win over them and that a guest sees what the public page
// shows.
func TestEnvironment(t *testing.T) {
	t.Parallel()
	inst, err := sandbox.Start(context.Background(), "cachet", sandbox.Options{Seed: true, Now: func() time.Time { return transcript.Clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inst.Close)
	full := map[string]string{}
	for _, v := range inst.Env {
		full[v.Name] = v.Value
	}
	guest := map[string]string{"CACHET_ENDPOINT": full["CACHET_ENDPOINT"]}
	runs := []transcript.Run{
		{Args: []string{"cachet", "component", "list"}, Env: full, TTY: true},
		{Args: []string{"cachet", "component", "list"}, Env: guest, TTY: true},
		{Args: []string{"cachet", "subscriber", "list"}, Env: guest, TTY: true},
		{Args: []string{"cachet", "--token", "wrong", "component", "delete", "1"}, Env: full, TTY: true},
		{Args: []string{"cachet", "--token", full["CACHET_API_TOKEN"], "group", "list", "-a", "id", "name"}, Env: guest, TTY: true},
		{Args: []string{"cachet", "--endpoint", full["CACHET_ENDPOINT"], "ping"}, Env: map[string]string{"CACHET_ENDPOINT": "http://127.0.0.1:1/api/v1"}},
	}
	session.Check(t, "environment", runs)
}

// TestInsecure checks --insecure against a TLS emulator with a
// self-signed certificate: refused without it, accepted with it.
func TestInsecure(t *testing.T) {
	t.Parallel()
	srv := cachettest.NewServer(cachettest.WithTLS())
	t.Cleanup(srv.Close)
	env := map[string]string{"CACHET_ENDPOINT": srv.URL, "CACHET_API_TOKEN": srv.Token}

	res := session.Exec(t, transcript.Run{Args: []string{"cachet", "ping", "--timeout", "5s"}, Env: env})
	if res.Code != app.ExitFailed || !strings.Contains(res.Stderr, "certificate") {
		t.Errorf("without --insecure: exit %d, stderr %q; want 1 and a certificate error", res.Code, res.Stderr)
	}
	res = session.Exec(t, transcript.Run{Args: []string{"cachet", "--insecure", "ping"}, Env: env})
	if res.Code != app.ExitOK || res.Stdout != "Pong!\n" {
		t.Errorf("with --insecure: exit %d, stdout %q, stderr %q", res.Code, res.Stdout, res.Stderr)
	}
}

// TestDebug checks that --debug hands the app's logger to the facade:
// requests are logged to stderr, with the token redacted.
func TestDebug(t *testing.T) {
	t.Parallel()
	srv := cachettest.NewServer()
	t.Cleanup(srv.Close)
	env := map[string]string{"CACHET_ENDPOINT": srv.URL, "CACHET_API_TOKEN": srv.Token}
	res := session.Exec(t, transcript.Run{Args: []string{"--debug", "cachet", "component", "create", "--name", "x", "-a", "id"}, Env: env})
	if res.Code != app.ExitOK {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "POST") || !strings.Contains(res.Stderr, "/components") {
		t.Errorf("no request logged:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stderr, srv.Token) {
		t.Errorf("the token leaked into the debug log:\n%s", res.Stderr)
	}
	res = session.Exec(t, transcript.Run{Args: []string{"cachet", "ping"}, Env: env})
	if res.Stderr != "" {
		t.Errorf("without --debug, stderr = %q", res.Stderr)
	}
}
