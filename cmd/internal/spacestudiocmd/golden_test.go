package spacestudiocmd_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// session runs the CLI for the goldens. Besides the emulators' ports, it
// masks their random object ids, keeping their length.
var session = transcript.Session{Scrub: []transcript.Rule{
	transcript.Mask(regexp.MustCompile(`\b[0-9a-f]{24}\b`), "I"),
}}

func TestGoldenSandbox(t *testing.T) {
	sb := transcript.Args("--sandbox", "spacestudio")
	session.Check(t, "sandbox", []transcript.Run{
		{Args: sb("collections"), TTY: true},
		{Args: sb("orbit", "list"), TTY: true},
		{Args: sb("spacecraft", "get", "--name", "Demo 12U", "-a", "id", "name", "thruster.name", "thruster.thrust")},
		{Args: sb("orbit", "create", "--name", "LEO 400", "--field", "type=Circular", "--field", "altitude=400000", "-j")},
		{Args: sb("orbit", "create", "--name", "SSO 500 km")},
		{Args: sb("orbit", "update", "--name", "SSO 500 km", "--field", "altitude=510000", "--unset", "meanOscType", "--rename", "SSO 510 km", "-j")},
		{Args: sb("orbit", "update", "--name", "SSO 500 km")},
		{Args: sb("orbit", "update", "--name", "SSO 500 km", "--unset", "nope")},
		{Args: sb("simulation-mission", "status", "--name", "Raise to 550 km")},
		{Args: sb("simulation-mission", "results", "--name", "Raise to 550 km", "-a", "results.finalOrbit.altitude", "results.maneuverReport.totalNumberOfBurns")},
		{Args: sb("simulation-mission", "run", "--name", "Raise to 550 km", "--interval", "1ms"), TTY: true},
		{Args: sb("simulation-mission", "get", "--name", "nope")},
		{Args: sb("orbit", "delete", "--name", "SSO 500 km")},
		{Args: sb("orbit", "get")},
		{Args: sb("whoami", "-a", "id")},
	})
}

func TestGoldenConfiguration(t *testing.T) {
	session.Check(t, "configuration", []transcript.Run{
		{Args: []string{"spacestudio", "orbit", "list", "--env-file", ""}},
		{Args: []string{"spacestudio", "orbit", "list", "--env-file", "", "--base-url", "ftp://x"}, Env: map[string]string{"LOG_MAIL": "m", "LOG_PASSWORD": "p", "CLIENT_ID": "c"}},
		{Args: []string{"spacestudio", "orbit", "list", "--env-file", "/nonexistent/.env"}},
		{Args: []string{"--sandbox", "spacestudio", "orbit", "list", "--base-url", "https://x"}},
	})
}

// run -j prints the whole result document as JSON.
func TestRunJSON(t *testing.T) {
	runs := []transcript.Run{
		{Args: []string{"--sandbox", "spacestudio", "simulation-mission", "run", "--name", "Raise to 550 km", "--interval", "1ms", "-j"}},
	}
	out := session.Transcript(t, runs)
	if !strings.Contains(out, `"totalNumberOfBurns": 480`) || !strings.Contains(out, "--- exit 0") {
		t.Fatalf("run -j:\n%s", out)
	}
}

// served runs command lines against a served emulator, on the real
// clock, as a user of `switchboard sandbox serve spacestudio` would.
var served = transcript.Session{Now: time.Now}

// invoke runs one command line against env, with stderr as a terminal
// when errTTY, and returns its exit code and output.
func invoke(t *testing.T, env map[string]string, errTTY bool, args ...string) (int, string, string) {
	t.Helper()
	res := served.Exec(t, transcript.Run{Args: args, Env: env, ErrTTY: errTTY})
	return res.Code, res.Stdout, res.Stderr
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
