package rightscalecmd_test

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

// clock freezes the emulator's timestamps.
var clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

type run struct {
	args []string
	tty  bool
	// errTTY makes stderr a terminal, which shows task progress.
	errTTY bool
	env    map[string]string
}

type result struct {
	code           int
	stdout, stderr string
}

func execute(t *testing.T, r run) result {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := app.IO{
		Out: &out, Err: &errOut,
		Getenv:        func(k string) string { return r.env[k] },
		OutIsTerminal: r.tty, ErrIsTerminal: r.errTTY,
		Columns: 120,
		Now:     func() time.Time { return clock },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := cli.Main(ctx, r.args, streams)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

var portRE = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)

func scrub(s string) string {
	return portRE.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
}

func transcript(t *testing.T, runs []run) string {
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		res := execute(t, r)
		mode := "piped"
		if r.tty {
			mode = "terminal"
		}
		fmt.Fprintf(&b, "=== switchboard %s   # stdout: %s\n", scrub(strings.Join(r.args, " ")), mode)
		fmt.Fprintf(&b, "--- exit %d\n", res.code)
		if res.stdout != "" {
			b.WriteString("--- stdout\n" + scrub(res.stdout))
		}
		if res.stderr != "" {
			b.WriteString("--- stderr\n" + scrub(res.stderr))
		}
	}
	return b.String()
}

func sb(args ...string) []string { return append([]string{"--sandbox", "rightscale"}, args...) }

func tty(cmds ...[]string) []run {
	out := make([]run, len(cmds))
	for i, c := range cmds {
		out[i] = run{args: c, tty: true}
	}
	return out
}

var goldenCases = []struct {
	name string
	runs []run
}{
	{"list_instances", append(tty(
		sb("list-instances", "--cloud", "EC2 us-east-1", "--deployment", "production", "-a", "name", "state", "href"),
		sb("list-instances", "--cloud", "EC2 us-east-1", "--view", "tiny"),
		sb("list-instances", "--cloud", "EC2 nowhere"),
		sb("list-instances"),
	), run{args: sb("list-instances", "--cloud", "EC2 us-east-1", "-a", "name", "state")})},
	{"index_show", tty(
		sb("index", "clouds"),
		sb("index", "servers", "--filter", "name==WEB", "-a", "name", "state", "href"),
		sb("index", "instances", "--cloud", "EC2 us-east-1", "--filter", "state<>operational", "-a", "name", "state"),
		sb("index", "instances"),
		sb("index", "deployments", "--filter", "name"),
		sb("index", "/api/deployments/1002/servers", "-a", "name"),
		sb("index", "/api/deployments/1/servers", "-a", "name"),
		sb("show", "/api/clouds/1", "-a", "name", "cloud_type"),
		sb("show", "clouds", "1", "--view", "extended", "-a", "name"),
		sb("show", "/api/clouds/0"),
		sb("index", "nothing"),
	)},
	{"run_script", []run{
		{args: sb("run-script", "Hello World", "--server", "haproxy", "-i", "GREETING=hi"), tty: true, errTTY: true},
		{args: sb("run-script", "Hello World", "--server", "web", "-i", "PW=cred:DB_PASSWORD", "-j")},
		{args: sb("run-script", "Check disk space", "--server", "web"), tty: true},
		{args: sb("run-script", "Hello World", "--array", "web-array"), tty: true},
		{args: sb("run-script", "Hello World", "--server", "web-staging"), tty: true},
		{args: sb("run-script", "Hello World", "--server", "web", "-i", "BAD"), tty: true},
		{args: sb("run-script", "Hello World"), tty: true},
	}},
	{"config_errors", []run{
		{args: []string{"rightscale", "index", "clouds"}, env: map[string]string{"RIGHTSCALE_RC": "/nonexistent/rc"}},
		{args: []string{"rightscale", "index", "clouds", "--endpoint", "https://us-3.rightscale.com/api", "--refresh-token", "x"}},
	}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			golden.Check(t, tc.name, transcript(t, tc.runs), *update)
		})
	}
}
