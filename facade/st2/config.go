package st2

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/config"
)

// Environment variables read by [LoadConfig] and [NewFromEnv], the ones
// st2client and the st2 CLI read.
const (
	EnvBaseURL    = "ST2_BASE_URL"
	EnvAuthURL    = "ST2_AUTH_URL"
	EnvAPIURL     = "ST2_API_URL"
	EnvStreamURL  = "ST2_STREAM_URL"
	EnvAPIVersion = "ST2_API_VERSION"
	EnvCACert     = "ST2_CACERT"
	EnvAuthToken  = "ST2_AUTH_TOKEN"
	EnvAPIKey     = "ST2_API_KEY"
	EnvConfigFile = "ST2_CONFIG_FILE"
	// EnvSkipConfig set to a true value (1, true, yes, on) skips the
	// config file, as `st2 --skip-config` does.
	EnvSkipConfig = "ST2_CLI_SKIP_CONFIG"
)

// Defaults of st2client when nothing is configured.
const (
	DefaultBaseURL    = "http://127.0.0.1"
	DefaultAPIVersion = "v1"
	// DefaultConfigFile is the st2 CLI's config file; "~" is the user's
	// home directory.
	DefaultConfigFile = "~/.st2/config"
	// DefaultTokenCacheDir holds the CLI's cached tokens, token-<user>.
	DefaultTokenCacheDir = "~/.st2"
)

// Default ports of the three services when the URLs are derived from the
// base URL, as st2client derives them.
const (
	AuthPort   = 9100
	APIPort    = 9101
	StreamPort = 9102
)

// ErrInvalidURL is matched by errors.Is for a configured URL that is not an
// absolute http(s) URL.
var ErrInvalidURL = errors.New("invalid st2 URL")

// Config says where the three st2 services are and how to authenticate.
// [LoadConfig] fills it the way st2client does; [New] takes it as it is and
// derives only what is left empty.
type Config struct {
	// BaseURL is the host the services are derived from when their own
	// URLs are empty: <base>:9100 for auth, <base>:9101/<version> for the
	// API, <base>:9102/<version> for the stream. Default
	// http://127.0.0.1.
	BaseURL string
	// AuthURL, APIURL and StreamURL are the services' own URLs. Behind the
	// packaged nginx they are https://HOST/auth/v1, https://HOST/api/v1
	// and https://HOST/stream/v1 (see Proxy).
	AuthURL, APIURL, StreamURL string
	// Proxy derives <base>/auth/v1, <base>/api/v1 and <base>/stream/v1
	// from BaseURL instead of the per-service ports: a packaged install
	// behind nginx. st2client has no such switch (its users set the three
	// URLs); it exists only in Go.
	Proxy bool
	// APIVersion is appended to derived API and stream URLs; default v1.
	APIVersion string
	// CACert is a PEM file of CAs to trust (ST2_CACERT, [general]
	// cacert). Unlike st2client, which does not verify https without it,
	// Switchboard always verifies certificates; turn that off by name with
	// facade.WithInsecureSkipVerify().
	CACert string

	// Token is an auth token used as it is (ST2_AUTH_TOKEN). It wins over
	// every other credential.
	Token string
	// APIKey is an API key (ST2_API_KEY, [credentials] api_key); it wins
	// over Username/Password.
	APIKey string
	// Username and Password log in at <auth>/tokens ([credentials]
	// username and password). The token is cached in
	// <TokenCacheDir>/token-<Username> and renewed automatically when a
	// password is configured.
	Username, Password string
	// BasicAuth is an extra "user:password" sent as HTTP basic
	// authentication with every API and stream request, for a proxy in
	// front of st2 ([credentials] basic_auth).
	BasicAuth string
	// TokenTTL is the lifetime, in seconds, asked for new tokens; zero
	// takes the server's default (24 h).
	TokenTTL int
	// NoTokenCache stops reading cached tokens ([cli] cache_token =
	// false); a new token is still written, as the CLI does.
	NoTokenCache bool
	// TokenCacheDir is where tokens are cached; default ~/.st2.
	TokenCacheDir string
	// Timezone is the config file's [cli] timezone: the zone the st2 CLI
	// shows times in. Nil is UTC (also when the file says UTC); an
	// unknown zone is a *facade.ConfigError naming the file and line. New
	// does not act on it.
	Timezone *time.Location
	// Debug is the config file's [cli] debug, which turns on st2client's
	// printing of every HTTP exchange. New does not act on it: the caller
	// decides what debug output is (the st2 drop-in prints st2's curl
	// lines; see facade.WithLogger for the records).
	Debug bool

	// ConfigFile is the INI file LoadConfig reads (ST2_CONFIG_FILE,
	// default ~/.st2/config). A missing default file is not an error; a
	// missing file that was named explicitly is.
	ConfigFile string
	// SkipConfig makes LoadConfig ignore the config file.
	SkipConfig bool

	// warnings found while loading (a password in a file others can
	// read), logged by New.
	warnings []string
}

// LoadConfig completes explicit with the environment and then the config
// file, in that order of precedence: a field set in explicit wins, then
// the ST2_* variable, then ~/.st2/config (or ST2_CONFIG_FILE).
//
// The st2 CLI itself ranks the config file above the environment (it
// passes file values to the client as arguments); st2client used as a
// library without a config file ranks arguments above the environment, as
// here. Like the CLI, an API key from the config file suppresses the
// username login, and ST2_AUTH_TOKEN or ST2_API_KEY suppress the config
// file's credentials.
func LoadConfig(explicit Config) (Config, error) {
	return loadConfig(explicit, os.Getenv)
}

func loadConfig(c Config, getenv func(string) string) (Config, error) {
	setIf := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	setIf(&c.BaseURL, getenv(EnvBaseURL))
	setIf(&c.AuthURL, getenv(EnvAuthURL))
	setIf(&c.APIURL, getenv(EnvAPIURL))
	setIf(&c.StreamURL, getenv(EnvStreamURL))
	setIf(&c.APIVersion, getenv(EnvAPIVersion))
	setIf(&c.CACert, getenv(EnvCACert))
	envCreds := getenv(EnvAuthToken) != "" || getenv(EnvAPIKey) != ""
	explicitCreds := c.Token != "" || c.APIKey != "" || c.Username != ""
	setIf(&c.Token, getenv(EnvAuthToken))
	setIf(&c.APIKey, getenv(EnvAPIKey))
	if !c.SkipConfig && truthy(getenv(EnvSkipConfig)) {
		c.SkipConfig = true
	}
	if c.SkipConfig {
		return c, nil
	}

	path, named := c.ConfigFile, c.ConfigFile != ""
	if path == "" {
		if p := getenv(EnvConfigFile); p != "" {
			path, named = p, true
		} else {
			path = DefaultConfigFile
		}
	}
	expanded, err := config.ExpandHome(path)
	if err != nil {
		return c, &facade.ConfigError{Platform: platform, Setting: "config file", Value: path, Err: err}
	}
	ini, err := config.LoadINI(expanded)
	if errors.Is(err, fs.ErrNotExist) && !named {
		return c, nil
	}
	if err != nil {
		var ce *facade.ConfigError
		if errors.As(err, &ce) {
			ce.Platform = platform
			return c, ce
		}
		return c, &facade.ConfigError{Platform: platform, Setting: "config file", Value: expanded, Err: err}
	}
	c.ConfigFile = expanded

	get := func(section, key string) (string, error) {
		v, _, err := ini.String(section, key)
		if err != nil {
			return "", withPlatform(err)
		}
		return strings.TrimSpace(v), nil
	}
	fill := []struct {
		dst          *string
		section, key string
	}{
		{&c.BaseURL, "general", "base_url"},
		{&c.APIVersion, "general", "api_version"},
		{&c.CACert, "general", "cacert"},
		{&c.APIURL, "api", "url"},
		{&c.AuthURL, "auth", "url"},
		{&c.StreamURL, "stream", "url"},
		{&c.BasicAuth, "credentials", "basic_auth"},
	}
	for _, f := range fill {
		v, err := get(f.section, f.key)
		if err != nil {
			return c, err
		}
		setIf(f.dst, v)
	}
	if cache, ok, err := ini.Bool("cli", "cache_token"); err != nil {
		return c, withPlatform(err)
	} else if ok && !cache {
		c.NoTokenCache = true
	}
	if zone, err := get("cli", "timezone"); err != nil {
		return c, err
	} else if zone != "" && !strings.EqualFold(zone, "UTC") {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			e, _ := ini.Get("cli", "timezone")
			ce := ini.Invalid(e, "unknown time zone", err)
			ce.Value = zone
			return c, withPlatform(ce)
		}
		c.Timezone = loc
	}
	if debug, ok, err := ini.Bool("cli", "debug"); err != nil {
		return c, withPlatform(err)
	} else if ok && debug {
		c.Debug = true
	}
	// The file's credentials count only when nothing stronger was given:
	// an explicit or environment token/key, or an explicit user.
	if explicitCreds || envCreds {
		return c, nil
	}
	for _, f := range []struct {
		dst *string
		key string
	}{{&c.APIKey, "api_key"}, {&c.Username, "username"}, {&c.Password, "password"}} {
		v, err := get("credentials", f.key)
		if err != nil {
			return c, err
		}
		setIf(f.dst, v)
	}
	if c.Password != "" {
		if warn, err := config.CheckPrivate(expanded); err == nil && warn != "" {
			// Not fatal, as for the CLI; the caller's logger is not known
			// yet, so the warning goes with the config.
			c.warnings = append(c.warnings, warn)
		}
	}
	return c, nil
}

func withPlatform(err error) error {
	var ce *facade.ConfigError
	if errors.As(err, &ce) && ce.Platform == "" {
		ce.Platform = platform
	}
	return err
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on", "y":
		return true
	}
	return false
}

// endpoints are the three services' URLs, without trailing slashes.
type endpoints struct {
	auth, api, stream string
}

// resolveEndpoints derives what c leaves empty, as st2client does, and
// checks every URL.
func (c Config) resolveEndpoints() (endpoints, error) {
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	version := strings.Trim(c.APIVersion, "/")
	if version == "" {
		version = DefaultAPIVersion
	}
	derive := func(port int, svc string, versioned bool) string {
		if c.Proxy {
			return base + "/" + svc + "/" + version
		}
		u := fmt.Sprintf("%s:%d", base, port)
		if versioned {
			u += "/" + version
		}
		return u
	}
	e := endpoints{
		auth:   strings.TrimRight(c.AuthURL, "/"),
		api:    strings.TrimRight(c.APIURL, "/"),
		stream: strings.TrimRight(c.StreamURL, "/"),
	}
	if e.auth == "" || e.api == "" || e.stream == "" {
		if err := checkURL("base URL", base, c.BaseURL != "" && !c.Proxy); err != nil {
			return e, err
		}
	}
	if e.auth == "" {
		e.auth = derive(AuthPort, "auth", false)
	}
	if e.api == "" {
		e.api = derive(APIPort, "api", true)
	}
	if e.stream == "" {
		e.stream = derive(StreamPort, "stream", true)
	}
	for _, u := range []struct{ name, v string }{{"auth URL", e.auth}, {"API URL", e.api}, {"stream URL", e.stream}} {
		if err := checkURL(u.name, u.v, false); err != nil {
			return e, err
		}
	}
	return e, nil
}

// checkURL refuses anything but an absolute http(s) URL without query or
// credentials. A base URL that gets a port appended must not have one.
func checkURL(setting, v string, isBase bool) error {
	bad := func(reason string) error {
		return &facade.ConfigError{Platform: platform, Setting: setting, Value: redactURL(v), Reason: reason, Err: ErrInvalidURL}
	}
	u, err := url.Parse(v)
	if err != nil {
		return bad("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return bad("needs to be an absolute http:// or https:// URL")
	}
	if u.User != nil {
		return bad("must not hold credentials; use the username, password or basic_auth settings")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return bad("must not have a query or fragment")
	}
	if isBase && (u.Port() != "" || (u.Path != "" && u.Path != "/")) {
		return bad("the service ports are appended to the base URL, so it takes neither a port nor a path (set the auth, API and stream URLs instead)")
	}
	return nil
}

func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable)"
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	return u.String()
}

// tokenCachePath is where the CLI caches a user's token.
func (c Config) tokenCachePath() (string, error) {
	dir := c.TokenCacheDir
	if dir == "" {
		dir = DefaultTokenCacheDir
	}
	dir, err := config.ExpandHome(dir)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(c.Username, `/\`) || c.Username == "." || c.Username == ".." {
		return "", &facade.ConfigError{Platform: platform, Setting: "username", Reason: "cannot name a token cache file"}
	}
	return filepath.Join(dir, "token-"+c.Username), nil
}
