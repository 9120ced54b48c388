package rightscalecmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
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
	res := session.Exec(t, transcript.Run{Args: []string{"rightscale", "index", "clouds", "-a", "name"}, Env: env})
	if res.Code != 0 || !strings.Contains(res.Stdout, "EC2 us-east-1") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", res.Code, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "WARNING: "+rc+" holds credentials but is readable by others") {
		t.Fatalf("no warning for a 0644 rc file: %q", res.Stderr)
	}
	if strings.Contains(res.Stdout+res.Stderr, srv.RefreshToken) {
		t.Fatal("the refresh token was printed")
	}

	// A private file: no warning.
	if err := os.Chmod(rc, 0o600); err != nil {
		t.Fatal(err)
	}
	res = session.Exec(t, transcript.Run{Args: []string{"rightscale", "index", "clouds", "-a", "name"}, Env: env})
	if res.Code != 0 || strings.Contains(res.Stderr, "WARNING") {
		t.Fatalf("private rc file: exit %d, stderr %q", res.Code, res.Stderr)
	}

	// The flag beats the file: a wrong token on the command line is used
	// (and refused), the file's good one ignored.
	res = session.Exec(t, transcript.Run{Args: []string{"rightscale", "index", "clouds", "--refresh-token", "wrong-token-from-flag"}, Env: env})
	if res.Code != 1 || !strings.Contains(res.Stderr, "exchanging the refresh token") || strings.Contains(res.Stderr, "wrong-token-from-flag") {
		t.Fatalf("flag over file: exit %d, stderr %q", res.Code, res.Stderr)
	}
	// The environment beats the file too.
	env["RIGHTSCALE_REFRESH_TOKEN"] = "wrong-token-from-env"
	res = session.Exec(t, transcript.Run{Args: []string{"rightscale", "index", "clouds"}, Env: env})
	if res.Code != 1 || !strings.Contains(res.Stderr, "exchanging the refresh token") {
		t.Fatalf("env over file: exit %d, stderr %q", res.Code, res.Stderr)
	}
}
