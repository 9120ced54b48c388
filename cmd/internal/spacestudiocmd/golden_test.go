package spacestudiocmd_test

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
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
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
		{args: sb("orbit", "update", "--name", "SSO 500 km", "--field", "altitude=510000", "--unset", "meanOscType", "--rename", "SSO 510 km", "-j")},
		{args: sb("orbit", "update", "--name", "SSO 500 km")},
		{args: sb("orbit", "update", "--name", "SSO 500 km", "--unset", "nope")},
		{args: sb("simulation-mission", "status", "--name", "Raise to 550 km")},
		{args: sb("simulation-mission", "results", "--name", "Raise to 550 km", "-a", "results.finalOrbit.altitude", "results.maneuverReport.totalNumberOfBurns")},
		{args: sb("simulation-mission", "run", "--name", "Raise to 550 km", "--interval", "1ms"), tty: true},
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

// run -j prints the whole result document as JSON.
func TestRunJSON(t *testing.T) {
	runs := []run{
		{args: []string{"--sandbox", "spacestudio", "simulation-mission", "run", "--name", "Raise to 550 km", "--interval", "1ms", "-j"}},
	}
	out := transcript(t, runs)
	if !strings.Contains(out, `"totalNumberOfBurns": 480`) || !strings.Contains(out, "--- exit 0") {
		t.Fatalf("run -j:\n%s", out)
	}
}

// invoke runs one command line against env, with stderr as a terminal
// when errTTY, and returns its exit code and output.
func invoke(t *testing.T, env map[string]string, errTTY bool, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := app.IO{Out: &out, Err: &errOut, Getenv: func(k string) string { return env[k] },
		ErrIsTerminal: errTTY, Columns: 120, Now: time.Now}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cli.Main(ctx, args, streams)
	return code, out.String(), errOut.String()
}

// A session of several commands against one served emulator, as a user
// with `switchboard sandbox serve spacestudio` has it: objects made by one
// command are there for the next; run shows progress on a terminal;
// results and files download to files that are replaced only when whole.
func TestServedSession(t *testing.T) {
	srv := spacestudiotest.NewServer(spacestudiotest.WithCompute(3, 0))
	t.Cleanup(srv.Close)
	env := map[string]string{
		spacestudio.EnvBaseURL: srv.URL, spacestudio.EnvMail: srv.Mail, spacestudio.EnvPassword: srv.Password,
		spacestudio.EnvClientID: srv.ClientID, spacestudio.EnvTokenURL: srv.TokenURL,
	}
	ss := func(args ...string) []string { return append([]string{"spacestudio", "--env-file", ""}, args...) }
	must := func(args ...string) string {
		t.Helper()
		code, out, errOut := invoke(t, env, false, ss(args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}
	must("propulsion-system", "create", "--name", "thruster", "--field", "thrust=0.014")
	must("spacecraft", "create", "--name", "sat", "--ref", "thruster=propulsion-system:thruster")
	must("orbit", "create", "--name", "LEO", "--field", "altitude=500000")
	must("simulation-mission", "create", "--name", "M", "--ref", "spacecraft=spacecraft:sat",
		"--ref", "initialOrbit=orbit:LEO", "--field", "deltaSemiMajorAxis=10000", "--field", "maximumDuration=600")

	code, out, errOut := invoke(t, env, true, ss("simulation-mission", "run", "--name", "M", "--interval", "1ms", "-a", "results.finalOrbit.altitude")...)
	if code != 0 || !strings.Contains(out, "510000") || !strings.Contains(errOut, ": pending") || !strings.Contains(errOut, ": finished") {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
	}
	if out := must("simulation-mission", "status", "--name", "M"); !strings.Contains(out, "finished") {
		t.Fatalf("status after run: %s", out)
	}

	dir := t.TempDir()
	resultsFile := filepath.Join(dir, "results.json")
	must("simulation-mission", "results", "--name", "M", "-o", resultsFile)
	b, err := os.ReadFile(resultsFile)
	if err != nil || !json.Valid(b) || !bytes.Contains(b, []byte(`"maneuverReport"`)) {
		t.Fatalf("results file: %v %.200s", err, b)
	}
	var mission struct {
		ComputationLogID string `json:"computationLogId"`
	}
	if err := json.Unmarshal([]byte(must("simulation-mission", "get", "--name", "M", "-j")), &mission); err != nil || mission.ComputationLogID == "" {
		t.Fatalf("get -j: %v", err)
	}
	csvFile := filepath.Join(dir, "eph.csv")
	must("file", "download", spacestudiotest.FileName(mission.ComputationLogID), "-o", csvFile)
	good, err := os.ReadFile(csvFile)
	if err != nil || !bytes.HasPrefix(good, []byte("simulationDuration,")) {
		t.Fatalf("csv file: %v %.200s", err, good)
	}
	// A download cut short leaves the earlier file as it was, and no
	// partial file beside it.
	srv.FailNextWith(1, spacestudiotest.Fault{Kind: spacestudiotest.FaultReset, Pattern: "GET /exoops/users/" + srv.UserID + "/gridfs/"})
	code, _, errOut = invoke(t, env, false, ss("file", "download", spacestudiotest.FileName(mission.ComputationLogID), "-o", csvFile)...)
	if code != 1 || !strings.Contains(errOut, "left unchanged") {
		t.Fatalf("cut download: exit %d, %s", code, errOut)
	}
	if now, _ := os.ReadFile(csvFile); !bytes.Equal(now, good) {
		t.Fatal("a failed download changed the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("files left: %v", entries)
	}

	// update keeps the other fields, renames, and refuses a taken name.
	must("orbit", "create", "--name", "GEO", "--field", "altitude=35786000")
	must("orbit", "update", "--name", "LEO", "--field", "altitude=550000", "--rename", "LEO 550")
	var orbit map[string]any
	if err := json.Unmarshal([]byte(must("orbit", "get", "--name", "LEO 550", "-j")), &orbit); err != nil || orbit["altitude"] != 550000.0 {
		t.Fatalf("after update: %v %v", orbit, err)
	}
	if code, _, errOut := invoke(t, env, false, ss("orbit", "update", "--name", "LEO 550", "--rename", "GEO")...); code != 1 || !strings.Contains(errOut, "409") {
		t.Fatalf("rename onto a taken name: exit %d, %s", code, errOut)
	}
	// A body file with more than one JSON value is refused, not half read.
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name":"x"} {"name":"y"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := invoke(t, env, false, ss("orbit", "create", "--from-file", bad)...); code != 2 || !strings.Contains(errOut, "unexpected data") {
		t.Fatalf("two JSON values: exit %d, %s", code, errOut)
	}
	// Outside --sandbox, a missing object has no sandbox note.
	if _, _, errOut := invoke(t, env, false, ss("orbit", "get", "--name", "nope")...); strings.Contains(errOut, "--sandbox") {
		t.Fatalf("note outside the sandbox: %s", errOut)
	}
}
