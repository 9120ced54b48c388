package spacestudio

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

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

// ErrEnvFile matches the *facade.ConfigError for a .env file that cannot
// be parsed.
var ErrEnvFile = errors.New("invalid .env file")

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
// python-dotenv's load_dotenv does not override the environment (an
// empty variable counts as unset here, where python-dotenv would keep
// it). The file is only read, never loaded into the process environment.
// A file godotenv cannot parse, a line that is not an assignment, and a
// value holding $NAME (which godotenv would expand and python-dotenv
// keeps) are *facade.ConfigError matching ErrEnvFile, with the line when
// it can be found and without quoting the file.
func ReadEnv(getenv func(string) string, path string) (Settings, error) {
	var file map[string]string
	var s Settings
	if path != "" {
		m, err := readEnvFile(path)
		switch {
		case err == nil:
			file, s.File = m, path
		case errors.Is(err, fs.ErrNotExist) && path == DefaultEnvFile:
		default:
			return Settings{}, err
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

// readEnvFile reads a dotenv file with godotenv, which has three flaws for
// a file holding a password: its syntax errors quote the text they stopped
// at (the password, when its quote is not closed); it silently accepts
// some lines that are not assignments (the password seems unset); and it
// expands $NAME in unquoted and double-quoted values, where python-dotenv
// expands only ${NAME}, so a password such as Abc$XYZ1 would silently lose
// its end. All three become a *facade.ConfigError naming the file and,
// where it can be found, the line, and never quoting the file's contents.
func readEnvFile(path string) (map[string]string, error) {
	m, err := godotenv.Read(path)
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) { // open or read failure: the path only
			return nil, &facade.ConfigError{Platform: platform, File: path, Setting: ".env file", Err: err}
		}
		return nil, &facade.ConfigError{Platform: platform, File: path, Line: syntaxErrorLine(path, err), Setting: ".env file",
			Reason: dotenvReason(err) + " (the text is not shown: it may hold the password)", Err: ErrEnvFile}
	}
	for name := range m {
		if !validEnvName(name) {
			return nil, &facade.ConfigError{Platform: platform, File: path, Line: badLine(path, name), Setting: ".env file",
				Reason: "not a NAME=value assignment (the line is not shown: it may hold the password)", Err: ErrEnvFile}
		}
	}
	if name, line := dollarLine(path); line > 0 {
		return nil, &facade.ConfigError{Platform: platform, File: path, Line: line, Setting: name,
			Reason: `the value holds "$" before a name, which godotenv would replace and python-dotenv keeps: ` +
				`put the value in single quotes, or write \$`, Err: ErrEnvFile}
	}
	return m, nil
}

// dotenvReason keeps the kind of a godotenv syntax error, without the
// text it quotes.
func dotenvReason(err error) string {
	msg := err.Error()
	for _, kind := range []string{"unexpected character", "unterminated quoted value", "zero length string"} {
		if strings.HasPrefix(msg, kind) {
			return kind
		}
	}
	return "syntax error"
}

// syntaxErrorLine finds the line of a godotenv syntax error from the text
// its message quotes; 0 when it cannot tell.
func syntaxErrorLine(path string, err error) int {
	msg := err.Error()
	var fragment string
	if rest, ok := strings.CutPrefix(msg, "unterminated quoted value "); ok {
		fragment = rest
	} else if i := strings.LastIndex(msg, " near "); i >= 0 {
		if u, err := strconv.Unquote(msg[i+len(" near "):]); err == nil {
			fragment = u
		}
	}
	b, rerr := os.ReadFile(path)
	if fragment == "" || rerr != nil {
		return 0
	}
	// godotenv quotes the text after turning CRLF into LF; so must we to
	// find it (the count of lines is the same).
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	i := strings.Index(string(b), fragment)
	if i < 0 {
		return 0
	}
	return strings.Count(string(b[:i]), "\n") + 1
}

// validEnvName accepts what godotenv documents for a variable name:
// letters, digits, underscores and dots.
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// badLine finds the line godotenv read as the variable name: the first
// that starts with it, or for an empty name the first line that does not
// start with a name. 0 when it cannot tell.
func badLine(path, name string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "export "))
		if line == "" || line[0] == '#' {
			continue
		}
		if name != "" && strings.HasPrefix(line, name) {
			return i + 1
		}
		if name == "" && (line[0] == '=' || line[0] == ':' || !strings.ContainsAny(line, "=:")) {
			return i + 1
		}
	}
	return 0
}

// expandable matches what godotenv's expansion replaces but python-dotenv
// keeps: $NAME or $( without braces, not escaped.
var expandable = regexp.MustCompile(`(^|[^\\])\$[A-Z0-9_(]`)

// dollarLine returns the first NAME=value line whose value godotenv would
// expand differently from python-dotenv, with its name.
func dollarLine(path string) (string, int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "export "))
		if line == "" || line[0] == '#' {
			continue
		}
		k := strings.IndexAny(line, "=:")
		if k < 0 {
			continue
		}
		value := strings.TrimSpace(line[k+1:])
		if strings.HasPrefix(value, "'") { // single quotes: no expansion
			continue
		}
		if expandable.MatchString(value) {
			return strings.TrimSpace(line[:k]), i + 1
		}
	}
	return "", 0
}
