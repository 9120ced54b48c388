package rightscale_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
)

// isolate points HOME at an empty directory and clears the variables.
func isolate(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv(rightscale.EnvEndpoint, "")
	t.Setenv(rightscale.EnvRefreshToken, "")
	t.Setenv(rightscale.EnvRC, "")
	return home
}

func writeRC(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestRCFileAsPythonReadsIt(t *testing.T) {
	home := isolate(t)
	writeRC(t, filepath.Join(home, ".rightscalerc"), `# python-rightscale credentials
[DEFAULT]
shard = us-4

[OAuth]
api_endpoint: https://%(shard)s.rightscale.com
REFRESH_TOKEN = rc-token-123
; a comment

[Testing]
safe_script_name = Hello
`, 0o600)
	cfg, err := rightscale.LoadConfig("", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != "https://us-4.rightscale.com" || cfg.RefreshToken != "rc-token-123" {
		t.Fatalf("cfg = %s", cfg)
	}
	if len(cfg.Warnings) != 0 {
		t.Fatalf("warnings for a private file: %v", cfg.Warnings)
	}
	if strings.Contains(cfg.String(), "rc-token-123") {
		t.Fatal("Config.String shows the token")
	}
}

func TestRCFilePrecedence(t *testing.T) {
	home := isolate(t)
	writeRC(t, filepath.Join(home, ".rightscalerc"), "[OAuth]\napi_endpoint = https://us-3.rightscale.com\nrefresh_token = from-rc\n", 0o600)

	t.Setenv(rightscale.EnvRefreshToken, "from-env")
	cfg, err := rightscale.LoadConfig("", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RefreshToken != "from-env" || cfg.RefreshTokenFrom != rightscale.EnvRefreshToken {
		t.Fatalf("env must win over the rc file: %s", cfg)
	}
	if cfg.Endpoint != "https://us-3.rightscale.com" {
		t.Fatalf("endpoint from the rc file: %s", cfg)
	}
	t.Setenv(rightscale.EnvEndpoint, "https://us-4.rightscale.com")
	cfg, err = rightscale.LoadConfig("https://telstra-10.rightscale.com", "explicit")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != "https://telstra-10.rightscale.com" || cfg.RefreshToken != "explicit" {
		t.Fatalf("explicit values must win: %s", cfg)
	}
	cfg, err = rightscale.LoadConfig("", "")
	if err != nil || cfg.Endpoint != "https://us-4.rightscale.com" {
		t.Fatalf("env endpoint: %s, %v", cfg, err)
	}

	other := filepath.Join(t.TempDir(), "rc")
	writeRC(t, other, "[OAuth]\nrefresh_token = from-other\napi_endpoint = https://us-3.rightscale.com\n", 0o644)
	t.Setenv(rightscale.EnvRefreshToken, "")
	t.Setenv(rightscale.EnvRC, other)
	cfg, err = rightscale.LoadConfig("", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RefreshToken != "from-other" || cfg.RCFile != other {
		t.Fatalf("RIGHTSCALE_RC: %s", cfg)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "readable by others") {
		t.Fatalf("warnings for a 0644 file: %v", cfg.Warnings)
	}
}

func TestRCFileErrors(t *testing.T) {
	home := isolate(t)
	// No file at all: not an error, but New then says what is missing.
	cfg, err := rightscale.LoadConfig("", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = rightscale.NewFromConfig(cfg)
	if !errors.Is(err, rightscale.ErrNoEndpoint) {
		t.Fatalf("no configuration: %v", err)
	}
	_, err = rightscale.New("https://us-3.rightscale.com", "")
	if !errors.Is(err, rightscale.ErrNoRefreshToken) {
		t.Fatalf("no token: %v", err)
	}
	// A named rc file that does not exist is an error.
	t.Setenv(rightscale.EnvRC, filepath.Join(home, "missing"))
	if _, err := rightscale.LoadConfig("", ""); err == nil {
		t.Fatal("a missing RIGHTSCALE_RC file was accepted")
	}
	// A malformed file points at its line.
	bad := filepath.Join(home, "bad")
	writeRC(t, bad, "[OAuth]\nthis line has no separator\n", 0o600)
	t.Setenv(rightscale.EnvRC, bad)
	_, err = rightscale.LoadConfig("", "")
	var ce *facade.ConfigError
	if !errors.As(err, &ce) || ce.Line != 2 {
		t.Fatalf("malformed file: %v", err)
	}
	// Python's interpolation: a bare % or an unknown %(name)s is an error
	// with the line, as ConfigParser raises one.
	for body, line := range map[string]int{
		"[OAuth]\napi_endpoint = https://us-3.rightscale.com\nrefresh_token = abc%def\n":        3,
		"[OAuth]\napi_endpoint = https://%(shard)s.rightscale.com\nrefresh_token = abc\n":       2,
		"\x00\x01\x02 not an ini file\n[OAuth]\nrefresh_token = x\n":                            1,
		"[OAuth]\napi_endpoint = https://us-3.rightscale.com\n[OAuth]\nrefresh_token = again\n": 3,
	} {
		f := filepath.Join(home, "interp")
		writeRC(t, f, body, 0o600)
		t.Setenv(rightscale.EnvRC, f)
		_, err = rightscale.LoadConfig("", "")
		if !errors.As(err, &ce) || ce.Line != line || ce.File != f {
			t.Errorf("rc file %q: %v, want a ConfigError at line %d", body, err, line)
		}
	}
	// An endpoint with a path is refused with a hint, pointing at the file.
	withPath := filepath.Join(home, "path")
	writeRC(t, withPath, "[OAuth]\napi_endpoint = https://us-3.rightscale.com/api/oauth2\nrefresh_token = x\n", 0o600)
	t.Setenv(rightscale.EnvRC, withPath)
	cfg, err = rightscale.LoadConfig("", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = rightscale.NewFromConfig(cfg)
	if !errors.As(err, &ce) || !errors.Is(err, rightscale.ErrInvalidEndpoint) || ce.Line != 2 || !strings.Contains(ce.Reason, "/api/oauth2") {
		t.Fatalf("endpoint with a path: %v", err)
	}
}

func TestEndpointValidation(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"https://us-3.rightscale.com", true},
		{"https://us-4.rightscale.com/", true},
		{"http://127.0.0.1:8080", true},
		{"us-3.rightscale.com", false},
		{"https://us-3.rightscale.com/api", false},
		{"ftp://us-3.rightscale.com", false},
		{"https://user:pw@us-3.rightscale.com", false},
	} {
		c, err := rightscale.New(tc.in, "tok")
		if (err == nil) != tc.ok {
			t.Errorf("New(%q) = %v", tc.in, err)
		}
		if err == nil && strings.HasSuffix(c.Endpoint(), "/") {
			t.Errorf("endpoint kept its slash: %q", c.Endpoint())
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}
