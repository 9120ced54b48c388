package rightscalecmd_test

import (
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
)

// session runs the CLI for the goldens. A script run waits for its task,
// polled every millisecond here (export_test.go), so it takes well under
// a second; the longer limit is for a loaded machine under -race.
var session = transcript.Session{Timeout: 60 * time.Second}

var (
	sb  = transcript.Args("--sandbox", "rightscale")
	tty = transcript.TTY
)

var goldenCases = []transcript.Case{
	{Name: "list_instances", Runs: append(tty(
		sb("list-instances", "--cloud", "EC2 us-east-1", "--deployment", "production", "-a", "name", "state", "href"),
		sb("list-instances", "--cloud", "EC2 us-east-1", "--view", "tiny"),
		sb("list-instances", "--cloud", "EC2 nowhere"),
		sb("list-instances"),
	), transcript.Run{Args: sb("list-instances", "--cloud", "EC2 us-east-1", "-a", "name", "state")})},
	{Name: "index_show", Runs: tty(
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
	{Name: "run_script", Runs: []transcript.Run{
		{Args: sb("run-script", "Hello World", "--server", "haproxy", "-i", "GREETING=hi"), TTY: true, ErrTTY: true},
		{Args: sb("run-script", "Hello World", "--server", "web", "-i", "PW=cred:DB_PASSWORD", "-j")},
		{Args: sb("run-script", "Check disk space", "--server", "web"), TTY: true},
		{Args: sb("run-script", "Hello World", "--array", "web-array"), TTY: true},
		{Args: sb("run-script", "Hello World", "--server", "web-staging"), TTY: true},
		{Args: sb("run-script", "Hello World", "--server", "web", "-i", "BAD"), TTY: true},
		{Args: sb("run-script", "Hello World"), TTY: true},
	}},
	{Name: "config_errors", Runs: []transcript.Run{
		{Args: []string{"rightscale", "index", "clouds"}, Env: map[string]string{"RIGHTSCALE_RC": "/nonexistent/rc"}},
		{Args: []string{"rightscale", "index", "clouds", "--endpoint", "https://us-3.rightscale.com/api", "--refresh-token", "x"}},
	}},
}

func TestGolden(t *testing.T) { session.CheckCases(t, goldenCases) }
