package rightscale

import (
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/config"
)

// Environment variables and files read by [LoadConfig].
const (
	// EnvEndpoint holds the shard, e.g. https://us-3.rightscale.com.
	EnvEndpoint = "RIGHTSCALE_API_ENDPOINT"
	// EnvRefreshToken holds the account's API refresh token.
	EnvRefreshToken = "RIGHTSCALE_REFRESH_TOKEN"
	// EnvRC names another rc file than ~/.rightscalerc.
	EnvRC = "RIGHTSCALE_RC"
	// DefaultRCFile is python-rightscale's credentials file.
	DefaultRCFile = "~/.rightscalerc"
	// RCSection is the section python-rightscale reads (case-sensitive,
	// as in Python's ConfigParser).
	RCSection = "OAuth"
)

// Config is where a client's endpoint and refresh token came from.
type Config struct {
	// Endpoint is the shard's scheme and host.
	Endpoint string
	// RefreshToken is the account's API refresh token.
	RefreshToken string
	// EndpointFrom and RefreshTokenFrom name where each value came from
	// ("RIGHTSCALE_API_ENDPOINT", "~/.rightscalerc", ...), for errors.
	EndpointFrom, RefreshTokenFrom string
	// RCFile is the rc file that was read, if any.
	RCFile string
	// Warnings are problems that did not stop loading, such as an rc file
	// readable by others.
	Warnings []string

	endpointLine int
}

// String never shows the refresh token.
func (c Config) String() string {
	tok := "unset"
	if c.RefreshToken != "" {
		tok = "set"
	}
	return "rightscale.Config{Endpoint: " + c.Endpoint + " (" + c.EndpointFrom + "), RefreshToken: " + tok + " (" + c.RefreshTokenFrom + ")}"
}

// GoString keeps %#v from printing the refresh token.
func (c Config) GoString() string { return c.String() }

// fileError points a configuration error at the rc file line the value
// came from.
func (c Config) fileError(err error) {
	var ce *facade.ConfigError
	if c.RCFile != "" && c.endpointLine > 0 && c.EndpointFrom == c.RCFile && errors.As(err, &ce) {
		ce.File, ce.Line = c.RCFile, c.endpointLine
		ce.Setting = "[" + RCSection + "] api_endpoint"
	}
}

// LoadConfig finds the endpoint and refresh token. Each value is taken,
// in order, from the explicit argument (when not empty), the environment
// (RIGHTSCALE_API_ENDPOINT, RIGHTSCALE_REFRESH_TOKEN), and the rc file:
// $RIGHTSCALE_RC or ~/.rightscalerc, read as python-rightscale reads it
// with Python's ConfigParser (section [OAuth], keys api_endpoint and
// refresh_token, %(name)s interpolation, # and ; comments). A missing rc
// file is not an error, as in Python; a malformed one is, with its line.
// An rc file holding a refresh token that group or others can read adds a
// warning. Values are not validated here: New does that.
func LoadConfig(endpoint, refreshToken string) (Config, error) {
	return LoadConfigFrom(endpoint, refreshToken, os.Getenv)
}

// LoadConfigFrom is [LoadConfig] with the environment read through getenv
// (a command line's own environment, a test's map).
func LoadConfigFrom(endpoint, refreshToken string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := Config{Endpoint: endpoint, RefreshToken: refreshToken, EndpointFrom: "endpoint", RefreshTokenFrom: "refresh token"}
	if cfg.Endpoint == "" {
		cfg.Endpoint, cfg.EndpointFrom = getenv(EnvEndpoint), EnvEndpoint
	}
	if cfg.RefreshToken == "" {
		cfg.RefreshToken, cfg.RefreshTokenFrom = getenv(EnvRefreshToken), EnvRefreshToken
	}
	if cfg.Endpoint != "" && cfg.RefreshToken != "" {
		return cfg, nil
	}
	path, explicit := getenv(EnvRC), true
	if path == "" {
		path, explicit = DefaultRCFile, false
	}
	expanded, err := config.ExpandHome(path)
	if err != nil {
		return cfg, &facade.ConfigError{Platform: platform, Setting: EnvRC, Value: path, Reason: "cannot find the home directory", Err: err}
	}
	f, err := os.Open(expanded)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return cfg, nil
	case err != nil:
		return cfg, &facade.ConfigError{Platform: platform, Setting: EnvRC, Value: path, File: expanded, Reason: "cannot read the rc file", Err: err}
	}
	defer f.Close()
	ini, err := config.ParseINI(expanded, f)
	if err != nil {
		return cfg, err
	}
	cfg.RCFile = expanded
	if cfg.Endpoint == "" {
		if v, ok, err := ini.String(RCSection, "api_endpoint"); err != nil {
			return cfg, err
		} else if ok {
			cfg.Endpoint, cfg.EndpointFrom = strings.TrimSpace(v), expanded
			if e, ok := ini.Get(RCSection, "api_endpoint"); ok {
				cfg.endpointLine = e.Line
			}
		}
	}
	if cfg.RefreshToken == "" {
		if v, ok, err := ini.String(RCSection, "refresh_token"); err != nil {
			return cfg, err
		} else if ok {
			cfg.RefreshToken, cfg.RefreshTokenFrom = strings.TrimSpace(v), expanded
			if warning, err := config.CheckPrivate(expanded); err == nil && warning != "" {
				cfg.Warnings = append(cfg.Warnings, warning)
			}
		}
	}
	return cfg, nil
}
