package spacestudio

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/joho/godotenv"

	"github.com/switchboard-go/switchboard/facade"
)

// Environment variables read by [ConnectFromEnv] and [ReadEnv]: the Python
// package's own, plus EnvTokenURL, Switchboard's.
const (
	EnvBaseURL  = "LOG_BASE_URL"
	EnvMail     = "LOG_MAIL"
	EnvPassword = "LOG_PASSWORD"
	EnvClientID = "CLIENT_ID"
	// EnvVerifySSL set to exactly FALSE turns TLS certificate verification
	// off, as in the Python package (3.7.0); any other value leaves it on.
	EnvVerifySSL = "VERIFY_SSL_CERTIFICATE"
	// EnvTokenURL replaces DefaultTokenURL. The Python package has no such
	// setting (its Keycloak URL is hard-coded); the emulator needs it.
	EnvTokenURL = "SPACESTUDIO_TOKEN_URL"
)

// DefaultEnvFile is the file ConnectFromEnv reads besides the environment,
// in the working directory, like the .env the Python examples load.
const DefaultEnvFile = ".env"

// Settings are the connection settings found in the environment.
type Settings struct {
	BaseURL  string
	Mail     string
	Password string
	ClientID string
	// TokenURL is empty when unset (DefaultTokenURL applies).
	TokenURL string
	// InsecureSkipVerify is true when VERIFY_SSL_CERTIFICATE is FALSE.
	InsecureSkipVerify bool
	// File is the .env file that was read, empty if none.
	File string
}

// ReadEnv reads the settings from getenv and from the .env file at path
// (skipped when path is empty, or when it is DefaultEnvFile and does not
// exist). A variable getenv returns non-empty wins over the file, as
// python-dotenv's load_dotenv does not override the environment. The file
// is only read, never loaded into the process environment.
func ReadEnv(getenv func(string) string, path string) (Settings, error) {
	var file map[string]string
	var s Settings
	if path != "" {
		m, err := godotenv.Read(path)
		switch {
		case err == nil:
			file, s.File = m, path
		case errors.Is(err, fs.ErrNotExist) && path == DefaultEnvFile:
		default:
			return Settings{}, &facade.ConfigError{Platform: platform, File: path, Setting: ".env file", Err: err}
		}
	}
	get := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return file[name]
	}
	s.BaseURL = get(EnvBaseURL)
	s.Mail = get(EnvMail)
	s.Password = get(EnvPassword)
	s.ClientID = get(EnvClientID)
	s.TokenURL = get(EnvTokenURL)
	s.InsecureSkipVerify = get(EnvVerifySSL) == "FALSE"
	return s, nil
}

// WithEnvFile makes ConnectFromEnv read path instead of ./.env; a missing
// file is then an error. An empty path reads no file.
func WithEnvFile(path string) Option {
	return func(c *config) { c.envFile, c.envSet = path, true }
}

// ConnectFromEnv is [Connect] with the settings of the Python package's
// environment: LOG_BASE_URL, LOG_MAIL, LOG_PASSWORD, CLIENT_ID and
// VERIFY_SSL_CERTIFICATE (exactly FALSE: no TLS verification), plus
// SPACESTUDIO_TOKEN_URL, read from the process environment and from a .env
// file in the working directory (see [WithEnvFile]); the environment wins
// over the file. Options given here win over both.
func ConnectFromEnv(ctx context.Context, opts ...Option) (*Client, error) {
	probe := newConfig(opts)
	path := DefaultEnvFile
	if probe.envSet {
		path = probe.envFile
	}
	s, err := ReadEnv(os.Getenv, path)
	if err != nil {
		return nil, err
	}
	return ConnectSettings(ctx, s, opts...)
}

// ConnectSettings is [Connect] with the settings ReadEnv returned. Options
// given here win over the settings (a WithTokenURL over s.TokenURL).
func ConnectSettings(ctx context.Context, s Settings, opts ...Option) (*Client, error) {
	var pre []Option
	if s.TokenURL != "" {
		pre = append(pre, WithTokenURL(s.TokenURL))
	}
	if s.InsecureSkipVerify {
		pre = append(pre, WithHTTPOptions(facade.WithInsecureSkipVerify()))
	}
	cfg := newConfig(append(pre, opts...))
	return connect(ctx, EnvBaseURL, s.BaseURL, s.Mail, s.Password, s.ClientID, cfg)
}
