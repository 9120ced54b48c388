package spacestudiocmd_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
	"github.com/switchboard-go/switchboard/cmd/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

var clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

type run struct {
	args []string
	tty  bool
	env  map[string]string
}

// Emulators listen on random ports and make random ids: mask them, keeping
// their length.
var (
	portRE = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	idRE   = regexp.MustCompile(`\b[0-9a-f]{24}\b`)
)

func scrub(s string) string {
	s = portRE.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
	return idRE.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("I", len(m)) })
}

func transcript(t *testing.T, runs []run) string {
	t.Helper()
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		var out, errOut bytes.Buffer
		streams := app.IO{
			Out: &out, Err: &errOut, Getenv: func(k string) string { return r.env[k] },
			OutIsTerminal: r.tty, Columns: 120, Now: func() time.Time { return clock },
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		code := cli.Main(ctx, r.args, streams)
		cancel()
		mode := "piped"
		if r.tty {
			mode = "terminal"
		}
		fmt.Fprintf(&b, "=== switchboard %s   # stdout: %s\n--- exit %d\n", strings.Join(r.args, " "), mode, code)
		if out.Len() > 0 {
			b.WriteString("--- stdout\n" + scrub(out.String()))
		}
		if errOut.Len() > 0 {
			b.WriteString("--- stderr\n" + scrub(errOut.String()))
		}
	}
	return b.String()
}

func TestGoldenSandbox(t *testing.T) {
	sb := func(args ...string) []string { return append([]string{"--sandbox", "spacestudio"}, args...) }
	got := transcript(t, []run{
		{args: sb("collections"), tty: true},
		{args: sb("orbit", "list"), tty: true},
		{args: sb("spacecraft", "get", "--name", "Demo 12U", "-a", "id", "name", "thruster.name", "thruster.thrust")},
		{args: sb("orbit", "create", "--name", "LEO 400", "--field", "type=Circular", "--field", "altitude=400000", "-j")},
		{args: sb("orbit", "create", "--name", "SSO 500 km")},
		{args: sb("simulation-mission", "run", "--name", "Raise to 550 km", "--interval", "1ms"), tty: true},
		{args: sb("simulation-mission", "status", "--name", "Raise to 550 km")},
		{args: sb("simulation-mission", "get", "--name", "nope")},
		{args: sb("orbit", "delete", "--name", "SSO 500 km")},
		{args: sb("orbit", "get")},
		{args: sb("whoami", "-a", "id")},
	})
	golden.Check(t, "sandbox", got, *update)
}

func TestGoldenConfiguration(t *testing.T) {
	got := transcript(t, []run{
		{args: []string{"spacestudio", "orbit", "list", "--env-file", ""}},
		{args: []string{"spacestudio", "orbit", "list", "--env-file", "", "--base-url", "ftp://x"}, env: map[string]string{"LOG_MAIL": "m", "LOG_PASSWORD": "p", "CLIENT_ID": "c"}},
		{args: []string{"spacestudio", "orbit", "list", "--env-file", "/nonexistent/.env"}},
		{args: []string{"--sandbox", "spacestudio", "orbit", "list", "--base-url", "https://x"}},
	})
	golden.Check(t, "configuration", got, *update)
}

// A full cycle through the CLI, as the demo does it.
func TestCreateRunDownload(t *testing.T) {
	runs := []run{
		{args: []string{"--sandbox", "spacestudio", "simulation-mission", "run", "--name", "Raise to 550 km", "--interval", "1ms", "-j"}},
	}
	out := transcript(t, runs)
	if !strings.Contains(out, `"totalNumberOfBurns": 480`) || !strings.Contains(out, "--- exit 0") {
		t.Fatalf("run -j:\n%s", out)
	}
}
