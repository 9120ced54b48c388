package st2cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// connFlags are the flags that name a server, refused with --sandbox.
var connFlags = []string{"url", "auth-url", "api-url", "stream-url", "api-version", "config-file", "cacert"}

// connect builds the client of this invocation (once): the sandbox's
// emulator with --sandbox, otherwise the flags, then the ST2_* variables,
// then the config file.
func (e *Env) connect(cmd *cobra.Command) (*st2.Client, error) {
	if e.client != nil {
		return e.client, nil
	}
	flags := cmd.Flags()
	str := func(flag, env, v string) string {
		if flags.Changed(flag) {
			return v
		}
		return e.a.Getenv(env)
	}
	var cfg st2.Config
	if e.a.Sandbox {
		for _, f := range connFlags {
			if flags.Changed(f) {
				return nil, app.Usagef("--%s and --sandbox cannot be used together: --sandbox runs a built-in emulator", f)
			}
		}
		inst, err := e.a.SandboxInstance(cmd.Context(), "st2")
		if err != nil {
			return nil, err
		}
		cfg = st2.Config{
			AuthURL:    inst.Lookup(st2.EnvAuthURL),
			APIURL:     inst.Lookup(st2.EnvAPIURL),
			StreamURL:  inst.Lookup(st2.EnvStreamURL),
			APIKey:     inst.Lookup(st2.EnvAPIKey),
			SkipConfig: true,
		}
		if flags.Changed("token") {
			cfg.Token, cfg.APIKey = e.token, ""
		} else if flags.Changed("api-key") {
			cfg.APIKey = e.apiKey
		}
	} else {
		// The process's variables are read here, through app.IO, so that
		// tests can give their own; LoadConfig then adds the file.
		cfg = st2.Config{
			BaseURL:    str("url", st2.EnvBaseURL, e.url),
			AuthURL:    str("auth-url", st2.EnvAuthURL, e.authURL),
			APIURL:     str("api-url", st2.EnvAPIURL, e.apiURL),
			StreamURL:  str("stream-url", st2.EnvStreamURL, e.streamURL),
			APIVersion: str("api-version", st2.EnvAPIVersion, e.apiVersion),
			CACert:     str("cacert", st2.EnvCACert, e.cacert),
			Token:      str("token", st2.EnvAuthToken, e.token),
			APIKey:     str("api-key", st2.EnvAPIKey, e.apiKey),
			ConfigFile: str("config-file", st2.EnvConfigFile, e.configFile),
			SkipConfig: e.skipConfig || truthy(e.a.Getenv(st2.EnvSkipConfig)),
			BasicAuth:  e.basicAuth,
		}
		if cfg.Token != "" {
			cfg.APIKey = "" // a token wins, as in st2
		}
		// ~ is the invocation's HOME (tests give their own): the token
		// cache st2 login fills, and the default config file when there
		// is one.
		if dir, err := e.tokenCacheDir(); err == nil {
			cfg.TokenCacheDir = dir
			if def := filepath.Join(dir, "config"); cfg.ConfigFile == "" && !cfg.SkipConfig {
				if _, err := os.Stat(def); err == nil {
					cfg.ConfigFile = def
				}
			}
		}
		var err error
		if cfg, err = st2.LoadConfig(cfg); err != nil {
			return nil, asUsage(err)
		}
		e.loc = cfg.Timezone
	}
	e.rec = &recorder{}
	if cfg.Debug { // [cli] debug = True
		e.a.Debug = true
	}
	opts := []facade.Option{
		facade.WithLogger(e.logger()),
		facade.WithTimeout(e.timeout),
		facade.WithMiddleware(e.rec.wrap),
		facade.WithUserAgent("switchboard-st2"),
	}
	if e.insecure {
		opts = append(opts, facade.WithInsecureSkipVerify())
	}
	c, err := st2.New(cfg, opts...)
	if err != nil {
		return nil, asUsage(err)
	}
	e.client = c
	return c, nil
}

// asUsage turns a configuration error (a malformed URL, a bad config
// file) into a usage error: the invocation is wrong, nothing failed.
func asUsage(err error) error {
	var ce *facade.ConfigError
	if errors.As(err, &ce) {
		return &app.UsageError{Err: err}
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

// maxRecorded bounds one recorded JSON answer.
const maxRecorded = 64 << 20

// recorder sits at the bottom of the facade's HTTP stack (a
// facade.WithMiddleware layer) and keeps the
// JSON bodies of the answers, so that commands print the server's objects
// exactly as sent (key order, number text, fields the generated types do
// not model, false and empty values), as st2 does. The facade still
// decodes and checks every answer. Streams and text answers pass through.
//
// Commands whose facade call has a raw form (Manager.PageJSON,
// Client.CreateRaw and UpdateRaw) print that instead. Commands run one request at a time,
// so "the answers since a mark" is well defined. Nothing is recorded
// before the first mark: a command that never asks for answers does not
// pay for copying them.
type recorder struct {
	base      http.RoundTripper
	recording atomic.Bool // set by the first mark
	mu        sync.Mutex
	log       []exchange
}

type exchange struct {
	method, path string
	status       int
	body         []byte
}

// wrap installs the recorder above next; a client has one recorder.
func (r *recorder) wrap(next http.RoundTripper) http.RoundTripper {
	r.base = next
	return r
}

// RoundTrip records JSON answers whole.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || !r.recording.Load() {
		return resp, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "application/json" {
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRecorded+1))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) <= maxRecorded {
		r.mu.Lock()
		r.log = append(r.log, exchange{method: req.Method, path: req.URL.Path, status: resp.StatusCode, body: body})
		r.mu.Unlock()
	}
	return resp, nil
}

// mark returns the position after the last recorded answer, and starts
// recording.
func (r *recorder) mark() int {
	r.recording.Store(true)
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.log)
}

// since returns the successful answers to method on a path ending in
// suffix recorded after mark, oldest first.
func (r *recorder) since(mark int, method, suffix string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out [][]byte
	for _, x := range r.log[min(mark, len(r.log)):] {
		if x.method == method && x.status/100 == 2 && strings.HasSuffix(x.path, suffix) {
			out = append(out, x.body)
		}
	}
	return out
}

// errNoRaw means the facade's call succeeded but no JSON answer was seen:
// a bug, reported rather than printing nothing.
var errNoRaw = errors.New("st2: internal error: the server's answer was not recorded")

// rawObject runs call and returns the last answer it got to method on
// suffix, as an ordered object.
func (e *Env) rawObject(method, suffix string, call func() error) (*output.Map, error) {
	mark := e.rec.mark()
	if err := call(); err != nil {
		return nil, err
	}
	bodies := e.rec.since(mark, method, suffix)
	if len(bodies) == 0 {
		return nil, errNoRaw
	}
	return objectOf(bodies[len(bodies)-1], method+" "+suffix)
}

// objectOf decodes raw, the server's answer to what, as an ordered
// object.
func objectOf(raw json.RawMessage, what string) (*output.Map, error) {
	v, err := output.Normalize(raw)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*output.Map)
	if !ok {
		return nil, fmt.Errorf("st2: the server answered %s with a JSON value that is not an object", what)
	}
	return m, nil
}

// rawList runs call and returns every element of the JSON arrays it got
// to GET on suffix (all the pages it read), in order: for calls that walk
// pages or whose typed result the command uses too. A command printing
// one page reads it with PageJSON and jsonItems instead, and skips
// decoding it into the facade's types.
func (e *Env) rawList(suffix string, call func() error) ([]any, error) {
	mark := e.rec.mark()
	if err := call(); err != nil {
		return nil, err
	}
	items := []any{}
	for _, b := range e.rec.since(mark, http.MethodGet, suffix) {
		v, err := output.Normalize(json.RawMessage(b))
		if err != nil {
			return nil, err
		}
		page, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("st2: the server answered GET %s with a JSON value that is not an array", suffix)
		}
		items = append(items, page...)
	}
	return items, nil
}

// jsonItems normalizes the objects of a page read as JSON, for printing:
// the server's own JSON, in its order, with nothing decoded into the
// facade's types first.
func jsonItems(page st2.Page[json.RawMessage]) ([]any, error) {
	items := make([]any, len(page.Items))
	for i, raw := range page.Items {
		v, err := output.Normalize(raw)
		if err != nil {
			return nil, err
		}
		items[i] = v
	}
	return items, nil
}

// logger is the facade's debug logger, silent without --debug; the
// drop-in's prints the exchanges as st2 does.
func (e *Env) logger() *slog.Logger {
	if e.a.Debug && e.profile.CurlDebug {
		return newCurlLogger(e.a.Out, e.a.Err)
	}
	return e.a.Logger()
}
