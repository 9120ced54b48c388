package st2

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const sampleConfig = `[general]
base_url = http://file.example
api_version = v1
cacert = /file/ca.pem

[cli]
cache_token = False

[credentials]
username = fileuser
password = filepass
api_key = filekey

[api]
url = http://file.example:9101/v1
`

func TestConfigPrecedence(t *testing.T) {
	path := writeConfig(t, sampleConfig)
	t.Run("option beats env beats file", func(t *testing.T) {
		env := envOf(map[string]string{EnvConfigFile: path, EnvAPIURL: "http://env.example/api/v1", EnvBaseURL: "http://env.example"})
		c, err := loadConfig(Config{APIURL: "http://opt.example/api/v1"}, env)
		if err != nil {
			t.Fatal(err)
		}
		if c.APIURL != "http://opt.example/api/v1" || c.BaseURL != "http://env.example" || c.CACert != "/file/ca.pem" || !c.NoTokenCache {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("file credentials: api key wins over the user", func(t *testing.T) {
		c, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: path}))
		if err != nil {
			t.Fatal(err)
		}
		if c.APIKey != "filekey" || c.Username != "fileuser" {
			t.Fatalf("%+v", c)
		}
		c.CACert = ""
		if _, err := New(c); err != nil {
			t.Fatal(err)
		}
		c.CACert = "/file/ca.pem"
		var ce *facade.ConfigError
		if _, err := New(c); !errors.As(err, &ce) {
			t.Fatalf("missing CA file: %v", err)
		}
	})
	t.Run("env token suppresses the file's credentials", func(t *testing.T) {
		c, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: path, EnvAuthToken: "envtok"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Token != "envtok" || c.APIKey != "" || c.Username != "" || c.Password != "" {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("skip config", func(t *testing.T) {
		c, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: path, EnvSkipConfig: "1"}))
		if err != nil || c.BaseURL != "" || c.APIKey != "" {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("a named missing file is an error, the default one is not", func(t *testing.T) {
		_, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: filepath.Join(t.TempDir(), "nope")}))
		var ce *facade.ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("want ConfigError, got %v", err)
		}
		t.Setenv("HOME", t.TempDir())
		if _, err := loadConfig(Config{}, envOf(nil)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("syntax errors name file and line", func(t *testing.T) {
		bad := writeConfig(t, "[general]\nbase_url = http://x\n[cli]\ncache_token = maybe\n")
		_, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: bad}))
		var ce *facade.ConfigError
		if !errors.As(err, &ce) || ce.File != bad || ce.Line != 4 {
			t.Fatalf("want a ConfigError at line 4, got %v", err)
		}
	})
	t.Run("[cli] timezone", func(t *testing.T) {
		if _, err := time.LoadLocation("Europe/Paris"); err != nil {
			t.Skip("no time zone database:", err)
		}
		for body, want := range map[string]string{"[cli]\ntimezone = Europe/Paris\n": "Europe/Paris", "[cli]\ntimezone: UTC\n": "", "[general]\ntimezone = Europe/Paris\n": "", "": ""} {
			c, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: writeConfig(t, body)}))
			got := ""
			if c.Timezone != nil {
				got = c.Timezone.String()
			}
			if err != nil || got != want {
				t.Errorf("%q: Timezone %q, %v; want %q", body, got, err, want)
			}
		}
		bad := writeConfig(t, "[general]\n\n[cli]\ntimezone = Mars/Olympus\n")
		var ce *facade.ConfigError
		if _, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: bad})); !errors.As(err, &ce) || ce.File != bad || ce.Line != 4 || ce.Value != "Mars/Olympus" {
			t.Errorf("unknown zone: want a ConfigError at line 4, got %v", err)
		}
	})
	t.Run("[cli] debug", func(t *testing.T) {
		for body, want := range map[string]bool{"[cli]\ndebug = True\n": true, "[cli]\ndebug = 0\n": false, "[general]\ndebug = True\n": false, "": false} {
			c, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: writeConfig(t, body)}))
			if err != nil || c.Debug != want {
				t.Errorf("%q: Debug %v, %v; want %v", body, c.Debug, err, want)
			}
		}
		bad := writeConfig(t, "[cli]\ndebug = loud\n")
		var ce *facade.ConfigError
		if _, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: bad})); !errors.As(err, &ce) || ce.Line != 2 {
			t.Errorf("debug = loud: want a ConfigError at line 2, got %v", err)
		}
	})
	t.Run("password in a world-readable file warns", func(t *testing.T) {
		p := writeConfig(t, "[credentials]\nusername = u\npassword = hunter2\n")
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := loadConfig(Config{}, envOf(map[string]string{EnvConfigFile: p}))
		if err != nil || len(c.warnings) != 1 || strings.Contains(c.warnings[0], "hunter2") {
			t.Fatalf("%v %v", c.warnings, err)
		}
	})
}

func TestEndpointDerivation(t *testing.T) {
	cases := []struct {
		cfg                  Config
		auth, api, streamURL string
	}{
		{Config{}, "http://127.0.0.1:9100", "http://127.0.0.1:9101/v1", "http://127.0.0.1:9102/v1"},
		{Config{BaseURL: "https://st2.example/"}, "https://st2.example:9100", "https://st2.example:9101/v1", "https://st2.example:9102/v1"},
		{Config{BaseURL: "https://st2.example", Proxy: true}, "https://st2.example/auth/v1", "https://st2.example/api/v1", "https://st2.example/stream/v1"},
		{Config{BaseURL: "https://st2.example", APIURL: "https://other/api/v1/", APIVersion: "v2"}, "https://st2.example:9100", "https://other/api/v1", "https://st2.example:9102/v2"},
	}
	for _, tc := range cases {
		e, err := tc.cfg.resolveEndpoints()
		if err != nil {
			t.Fatal(err)
		}
		if e.auth != tc.auth || e.api != tc.api || e.stream != tc.streamURL {
			t.Errorf("%+v: got %+v", tc.cfg, e)
		}
	}
	for _, bad := range []Config{{BaseURL: "ftp://x"}, {BaseURL: "http://x:8080"}, {APIURL: "http://u:p@x/api"}, {StreamURL: "/relative"}} {
		if _, err := bad.resolveEndpoints(); !errors.Is(err, ErrInvalidURL) {
			t.Errorf("%+v: want ErrInvalidURL, got %v", bad, err)
		}
	}
	if _, err := New(Config{APIURL: "http://u:secretpw@x/api"}); err == nil || strings.Contains(err.Error(), "secretpw") {
		t.Fatalf("credentials in a URL: %v", err)
	}
}
