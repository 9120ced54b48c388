package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/binarytest"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// TestBinary builds the st2 binary and runs it as a user would: the
// version line, st2's exit codes from the real process, a completion
// script, and commands against an emulator it reaches through the ST2_*
// variables, as it would reach a real server.
func TestBinary(t *testing.T) {
	bin := binarytest.Build(t, "st2")
	srv := st2test.NewServer(st2test.WithDemoData())
	t.Cleanup(srv.Close)
	run := func(stdin string, args ...string) (code int, stdout, stderr string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "ST2_CLI_SKIP_CONFIG=1", "ST2_COLORIZE=0", "HOME="+t.TempDir(),
			st2.EnvAuthURL+"="+srv.AuthURL, st2.EnvAPIURL+"="+srv.APIURL,
			st2.EnvStreamURL+"="+srv.StreamURL, st2.EnvAPIKey+"="+srv.APIKey)
		cmd.Stdin = strings.NewReader(stdin)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, o.String(), e.String()
	}
	if code, out, _ := run("", "--version"); code != 0 || !strings.HasPrefix(out, "st2 ") || !strings.Contains(out, "on Go") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if code, out, errOut := run(""); code != 2 || out != "" || !strings.Contains(errOut, "Usage:") {
		t.Errorf("no arguments: exit %d, stdout %q, stderr %.100q", code, out, errOut)
	}
	if code, _, errOut := run("", "execution", "list", "--bogus"); code != 2 || !strings.Contains(errOut, "unknown flag: --bogus") {
		t.Errorf("unknown flag: exit %d, %q", code, errOut)
	}
	if code, out, _ := run("", "completion", "bash"); code != 0 || !strings.Contains(out, "__start_st2") {
		t.Errorf("completion bash: exit %d, %.200q", code, out)
	}
	// The binary links no emulator: --sandbox is st2's unknown option.
	if code, _, errOut := run("", "--sandbox", "action", "list"); code != 2 || !strings.Contains(errOut, "unknown flag: --sandbox") {
		t.Errorf("--sandbox: exit %d, %q", code, errOut)
	}
	if code, out, _ := run("", "run", "core.local", "cmd=exit 4"); code != 1 || !strings.Contains(out, "return_code: 4") {
		t.Errorf("failed run: exit %d, %q", code, out)
	}
	if code, out, _ := run("", "execution", "list", "-n", "1", "-tg", "2000-01-01T00:00:00Z", "-a", "status"); code != 0 || !strings.Contains(out, "| status ") {
		t.Errorf("execution list -tg: exit %d, %q", code, out)
	}
	// A terminal-less run prints no progress: stderr stays empty.
	if code, _, errOut := run("", "run", "core.echo", "message=hi"); code != 0 || errOut != "" {
		t.Errorf("piped run: exit %d, stderr %q", code, errOut)
	}
}

// TestLinksNoEmulator keeps the emulators and net/http/httptest out of the
// binary: their package inits and pages cost every start of st2 0.4 to
// 1.8 ms in our measurements (cmd/internal/startupbench).
func TestLinksNoEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for pkg := range strings.FieldsSeq(string(out)) {
		if pkg == "net/http/httptest" || strings.HasPrefix(pkg, "github.com/switchboard-go/switchboard/facade/") && strings.HasSuffix(pkg, "test") {
			t.Errorf("st2 links %s", pkg)
		}
	}
}
