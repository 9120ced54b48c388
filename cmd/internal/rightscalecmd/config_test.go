package rightscalecmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// TestRCFileWarningAndPrecedence runs the CLI on an rc file (named by
// RIGHTSCALE_RC) that others can read: the command works, warns on
// stderr, and never prints the token; a flag beats the file.
func TestRCFileWarningAndPrecedence(t *testing.T) {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData())
	t.Cleanup(srv.Close)
	rc := filepath.Join(t.TempDir(), "rightscalerc")
	body := "[OAuth]\napi_endpoint = " + srv.URL + "\nrefresh_token = " + srv.RefreshToken + "\n"
	if err := os.WriteFile(rc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(rc, 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"RIGHTSCALE_RC": rc}
	res := execute(t, run{args: []string{"rightscale", "index", "clouds", "-a", "name"}, env: env})
	if res.code != 0 || !strings.Contains(res.stdout, "EC2 us-east-1") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "WARNING: "+rc+" holds credentials but is readable by others") {
		t.Fatalf("no warning for a 0644 rc file: %q", res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, srv.RefreshToken) {
		t.Fatal("the refresh token was printed")
	}

	// A private file: no warning.
	if err := os.Chmod(rc, 0o600); err != nil {
		t.Fatal(err)
	}
	res = execute(t, run{args: []string{"rightscale", "index", "clouds", "-a", "name"}, env: env})
	if res.code != 0 || strings.Contains(res.stderr, "WARNING") {
		t.Fatalf("private rc file: exit %d, stderr %q", res.code, res.stderr)
	}

	// The flag beats the file: a wrong token on the command line is used
	// (and refused), the file's good one ignored.
	res = execute(t, run{args: []string{"rightscale", "index", "clouds", "--refresh-token", "wrong-token-from-flag"}, env: env})
	if res.code != 1 || !strings.Contains(res.stderr, "exchanging the refresh token") || strings.Contains(res.stderr, "wrong-token-from-flag") {
		t.Fatalf("flag over file: exit %d, stderr %q", res.code, res.stderr)
	}
	// The environment beats the file too.
	env["RIGHTSCALE_REFRESH_TOKEN"] = "wrong-token-from-env"
	res = execute(t, run{args: []string{"rightscale", "index", "clouds"}, env: env})
	if res.code != 1 || !strings.Contains(res.stderr, "exchanging the refresh token") {
		t.Fatalf("env over file: exit %d, stderr %q", res.code, res.stderr)
	}
}
