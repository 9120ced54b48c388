package st2_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/fuzzanswer"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// FuzzResponse answers every request of a real client with one server
// answer built from the fuzzer's input (status, Content-Type, extra
// headers, body) and drives the facade's real decoding path. Whatever the
// answer, a call must return a value or one of the documented error types,
// and the error must be short and free of the configured secrets.
// FuzzConfigFile does the same for ~/.st2/config.

// The secrets the fuzzed clients are configured with; seeds make the
// "server" echo them wherever an answer can carry text.
const (
	fuzzToken    = "tok-FUZZ-7f3a9c41e2"
	fuzzPassword = "pw-FUZZ-5b8d02e6a1"
)

var fuzzSecrets = []string{fuzzToken, fuzzPassword}

// fuzzAllowed are the error types st2 documents beyond the facade's.
var fuzzAllowed = []fuzzanswer.Allowed{
	fuzzanswer.As(func(e *st2.CancelError) fuzzanswer.Texts { return fuzzanswer.Texts{Bounded: []string{e.Message}} }),
	fuzzanswer.As[*facade.ConfigError](nil),
	fuzzanswer.As[*facade.WaitTimeoutError](nil),
	fuzzanswer.As[*st2.ExecutionError](nil),
	fuzzanswer.As[*st2.AmbiguousError](nil),
	fuzzanswer.As[*st2.NotFoundError](nil),
	// Count documents it for a list answered without X-Total-Count.
	fuzzanswer.Is(st2.ErrUnsupported),
	// Stream.Listen documents these: the stream ended or broke and
	// reconnection was not allowed.
	fuzzanswer.Is(io.ErrUnexpectedEOF),
	fuzzanswer.Is(io.EOF),
	func(err error) (fuzzanswer.Texts, bool) {
		return fuzzanswer.Texts{}, strings.HasPrefix(err.Error(), "st2: reading the stream: ")
	},
}

const (
	fuzzAuthURL   = "https://st2.example.com/auth/v1"
	fuzzAPIURL    = "https://st2.example.com/api/v1"
	fuzzStreamURL = "https://st2.example.com/stream/v1"
)

func FuzzResponse(f *testing.F) {
	const js = "application/json"
	action := `{"id":"5f1","ref":"core.local","pack":"core","name":"local","runner_type":"local-shell-cmd","enabled":true,"parameters":{"cmd":{"type":"string","required":true}}}`
	execution := `{"id":"6a0","action":{"ref":"core.local"},"status":"succeeded","start_timestamp":"2024-05-01T12:00:00.000000Z","result":{"stdout":"hi"}}`
	// login selects the answer that is fuzzed: false, the API's and the
	// stream's (the client holds a token); true, the auth service's to
	// the login (the client logs in with a user and password).
	f.Add(false, 200, js, "", `{"version":"3.8.1"}`)
	f.Add(false, 200, js, "X-Total-Count: 1", `[`+action+`]`)
	f.Add(false, 200, js, "X-Total-Count: 9", `[`+action+`,`+action+`]`)
	f.Add(false, 200, js, "", action)
	f.Add(false, 201, js, "", execution)
	f.Add(false, 200, js, "", `{"username":"st2admin","method":"authentication token","rbac":{"enabled":false,"roles":[]}}`)
	f.Add(false, 200, js, "", `{"name":"k1","value":"v","scope":"st2kv.system","secret":false}`)
	f.Add(false, 200, js, "", `{"faultstring":"Execution is already in completed state."}`)
	f.Add(false, 200, js, "", `{"faultstring":"`+fuzzanswer.Big+` `+fuzzToken+`"}`)
	f.Add(false, 200, js, "", `[{"id":"1","ref":"a.local","pack":"a","name":"local"},{"id":"2","ref":"b.local","pack":"b","name":"local"},{"id":"3","ref":"`+fuzzanswer.Big+`","pack":"c","name":"local"}]`)
	f.Add(false, 200, "text/plain", "", "line one\nline two\n")
	f.Add(false, 200, "text/event-stream", "", "event: st2.execution__update\ndata: "+execution+"\n\n: heartbeat\n\nevent: st2.announcement__chatops\ndata: {}\n\n")
	f.Add(false, 200, "text/event-stream", "", "retry: 1000\nid: 1\nevent: x\ndata: "+fuzzanswer.Big+fuzzanswer.Big+fuzzanswer.Big+fuzzanswer.Big+"\n\n")
	f.Add(false, 200, js, "", `null`)
	f.Add(false, 200, js, "", ``)
	f.Add(false, 200, js, "", `[{"id":"5f1","ref":`)
	f.Add(false, 200, "text/html", "", `<html><body>Sign in</body></html>`)
	f.Add(false, 404, js, "", `{"faultstring":"Resource with a reference or id \"core.nope\" not found"}`)
	f.Add(false, 401, js, "X-Request-Id: 7", `{"faultstring":"Unauthorized - Token `+fuzzToken+` not found."}`)
	f.Add(false, 400, js, "", `{"faultstring":"'`+fuzzanswer.Big+`' is not of type 'integer'"}`)
	f.Add(false, 500, "text/html", "", `<html><body>`+fuzzToken+fuzzanswer.Big+`</body></html>`)
	f.Add(false, 502, "text/plain", "", "Bad Gateway")
	f.Add(false, 302, "", "Location: https://evil.example.net/api/v1/actions?token="+fuzzToken, "")
	f.Add(true, 201, js, "", `{"user":"st2admin","token":"5e86421776f946e98faea8b4cd3fd9be","expiry":"2030-01-01T00:00:00.000000Z","id":"5e8","metadata":{}}`)
	f.Add(true, 201, js, "", `{"user":"st2admin","token":"","expiry":"2030-01-01T00:00:00Z"}`)
	f.Add(true, 201, js, "", `{"user":"st2admin","token":"t","expiry":"not a date"}`)
	f.Add(true, 401, js, "", `{"faultstring":"Invalid or missing credentials for `+fuzzPassword+`"}`)
	f.Add(true, 200, "text/html", "", `<html>`+fuzzPassword+`</html>`)

	f.Add(false, 200, js, "", `{"id":"`+fuzzanswer.Big+`","action":{"ref":"`+fuzzanswer.Big+`"},"status":"failed"}`)
	f.Add(false, 200, js, "", `{"id":"6a0","action":{"ref":"core.local"},"status":"`+fuzzanswer.Big+`"}`)
	f.Add(false, 200, js, "", `{"id":"6a0","action":{"ref":"core.local"},"status":"running `+fuzzToken+`"}`)

	wait := st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}
	tokenDir := f.TempDir()
	goodLogin := fuzzanswer.New(201, js, "", `{"user":"st2admin","token":"5e86421776f946e98faea8b4cd3fd9be","expiry":"2099-01-01T00:00:00.000000Z"}`)
	goodAPI := fuzzanswer.New(200, js, "", `{"version":"3.8.1"}`)

	f.Fuzz(func(t *testing.T, login bool, status int, contentType, headers, body string) {
		rt := &fuzzanswer.Transport{Answer: fuzzanswer.New(status, contentType, headers, body)}
		cfg := st2.Config{AuthURL: fuzzAuthURL, APIURL: fuzzAPIURL, StreamURL: fuzzStreamURL, SkipConfig: true}
		secrets := []string{fuzzToken}
		if login {
			secrets = []string{fuzzPassword}
			cfg.Username, cfg.Password, cfg.NoTokenCache, cfg.TokenCacheDir = "st2admin", fuzzPassword, true, tokenDir
			rt.Fixed = func(req *http.Request) *fuzzanswer.Answer {
				if strings.HasPrefix(req.URL.Path, "/auth/") {
					return nil
				}
				return &goodAPI
			}
		} else {
			cfg.Token = fuzzToken
			rt.Fixed = func(req *http.Request) *fuzzanswer.Answer {
				if strings.HasPrefix(req.URL.Path, "/auth/") {
					return &goodLogin
				}
				return nil
			}
		}
		c, err := st2.New(cfg, facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		type op struct {
			name string
			run  func() error
		}
		ops := []op{
			{"Token", func() error { _, err := c.Token(ctx); return err }},
			{"Version", func() error { _, err := c.Version(ctx); return err }},
		}
		if !login {
			ops = append(ops,
				op{"WhoAmI", func() error { _, err := c.WhoAmI(ctx); return err }},
				op{"ValidateToken", func() error { _, err := c.ValidateToken(ctx, fuzzToken); return err }},
				op{"Actions.Get", func() error { _, err := c.Actions.Get(ctx, "core.local"); return err }},
				op{"Actions.GetByName", func() error { _, err := c.Actions.GetByName(ctx, "local"); return err }},
				op{"Actions.List", func() error { return fuzzanswer.Drain(c.Actions.List(ctx, st2.ActionListOptions{}), 50) }},
				op{"Actions.Page", func() error { _, err := c.Actions.Page(ctx, st2.ActionListOptions{}, 10, 0); return err }},
				op{"Actions.Count", func() error { _, err := c.Actions.Count(ctx, st2.ActionListOptions{}); return err }},
				op{"Actions.Parameters", func() error { _, err := c.Actions.Parameters(ctx, "core.local"); return err }},
				op{"Actions.EntryPoint", func() error { _, err := c.Actions.EntryPoint(ctx, "core.local"); return err }},
				op{"Executions.Run", func() error {
					_, err := c.Executions.Run(ctx, "core.local", map[string]any{"cmd": "date"})
					return err
				}},
				op{"Executions.Get", func() error { _, err := c.Executions.Get(ctx, "6a0"); return err }},
				op{"Executions.List", func() error { return fuzzanswer.Drain(c.Executions.List(ctx, st2.ExecutionListOptions{}), 50) }},
				op{"Executions.Cancel", func() error { _, err := c.Executions.Cancel(ctx, "6a0"); return err }},
				op{"Executions.Wait", func() error { _, err := c.Executions.Wait(ctx, "6a0", wait); return err }},
				op{"Executions.Pause", func() error { _, err := c.Executions.Pause(ctx, "6a0"); return err }},
				op{"Executions.Children", func() error { _, err := c.Executions.Children(ctx, "6a0", 1); return err }},
				op{"Executions.Output", func() error { _, err := c.Executions.Output(ctx, "6a0", st2.OutputAll); return err }},
				op{"Keys.Get", func() error { _, err := c.Keys.Get(ctx, "k1", st2.KeyOptions{}); return err }},
				op{"Keys.List", func() error { return fuzzanswer.Drain(c.Keys.List(ctx, st2.KeyListOptions{}), 50) }},
				op{"Keys.Delete", func() error { return c.Keys.Delete(ctx, "k1", st2.KeyOptions{}) }},
				op{"Rules.List", func() error { return fuzzanswer.Drain(c.Rules.List(ctx, st2.RuleListOptions{}), 50) }},
				op{"Packs.Register", func() error { _, err := c.Packs.Register(ctx, []string{"core"}, nil); return err }},
				op{"Packs.Install", func() error { _, err := c.Packs.Install(ctx, []string{"core"}, false, false); return err }},
				op{"ActionAliases.Match", func() error { _, err := c.ActionAliases.Match(ctx, "run date"); return err }},
				op{"Inquiries.Respond", func() error { return c.Inquiries.Respond(ctx, "5f1", map[string]any{"ok": true}) }},
				op{"Webhooks.PostTrigger", func() error {
					return c.Webhooks.PostTrigger(ctx, "core.st2.webhook", map[string]any{"a": 1}, st2.PostOptions{})
				}},
				op{"PackConfigs.Set", func() error { _, err := c.PackConfigs.Set(ctx, "core", map[string]any{"a": 1}); return err }},
				op{"Stream.Listen", func() error {
					return fuzzanswer.Drain(c.Stream.Listen(ctx, st2.ListenOptions{MaxReconnects: -1}), 50)
				}},
			)
		}
		for _, o := range ops {
			rt.Reset(12)
			fuzzanswer.CheckError(t, o.name, o.run(), secrets, fuzzAllowed...)
		}
	})
}

// FuzzConfigFile loads an st2 CLI config file (~/.st2/config) holding the
// fuzzed text followed by a password, and builds a client from it. Loading
// either works or fails with a *facade.ConfigError naming the file and a
// line, and no error, from loading or from New, ever quotes the password.
func FuzzConfigFile(f *testing.F) {
	f.Add("[general]\nbase_url = https://st2.example.com\napi_version = v1\n\n[cli]\ncache_token = True\n\n[credentials]\nusername = st2admin\n")
	f.Add("[api]\nurl = https://st2.example.com/api/v1\n[auth]\nurl = https://st2.example.com/auth/v1\n[stream]\nurl = https://st2.example.com/stream/v1\n")
	f.Add("[cli]\ncache_token = maybe\n")
	f.Add("[general]\nbase_url = https://user:pass@st2.example.com\n")
	f.Add("[general]\nbase_url = %(nope)s\n")
	f.Add("[general]\nbase_url = https://st2.example.com:443/path\n")
	f.Add("[credentials]\nbasic_auth = nocolon\n")
	f.Add("[credentials]\napi_key = \n  continued\n")
	f.Add("no section header\n")
	f.Add("[general\n")
	f.Add("[general]\n[general]\n")
	f.Add("[DEFAULT]\nhost = st2.example.com\n[general]\nbase_url = https://%(host)s\n")
	f.Add("[general]\nbase_url = ftp://st2.example.com\n; comment\n# comment\n")

	dir := f.TempDir()
	path := filepath.Join(dir, "config")
	for _, name := range []string{st2.EnvBaseURL, st2.EnvAuthURL, st2.EnvAPIURL, st2.EnvStreamURL, st2.EnvAPIVersion,
		st2.EnvCACert, st2.EnvAuthToken, st2.EnvAPIKey, st2.EnvConfigFile, st2.EnvSkipConfig} {
		f.Setenv(name, "")
	}

	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, fuzzPassword) {
			return // the fuzzer wrote the password itself, outside its value
		}
		// The password line comes last, so that it is read whatever the
		// fuzzed text does (a section header always ends a continuation).
		content := text + "\n[credentials]\npassword = " + fuzzPassword + "\n"
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := st2.LoadConfig(st2.Config{ConfigFile: path, TokenCacheDir: dir, NoTokenCache: true})
		if err != nil {
			var ce *facade.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("LoadConfig: error of type %T, want *facade.ConfigError: %s", err, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if ce.File != path || ce.Line <= 0 {
				t.Fatalf("LoadConfig: error without the file and line (File %q, Line %d): %s", ce.File, ce.Line, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if fuzzanswer.Hide(err.Error(), fuzzSecrets...) != err.Error() {
				t.Fatalf("LoadConfig: the password leaked into the error: %s", fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			return
		}
		if cfg.Password != fuzzPassword && cfg.APIKey == "" && cfg.Username == "" {
			t.Fatalf("LoadConfig: the password is %q", fuzzanswer.Hide(cfg.Password, fuzzSecrets...))
		}
		// A CA file named by the fuzzer is not ours to read.
		cfg.CACert = ""
		_, err = st2.New(cfg, facade.WithBaseTransport(&fuzzanswer.Transport{}))
		if err != nil {
			var ce *facade.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("New: error of type %T, want *facade.ConfigError: %s", err, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if fuzzanswer.Hide(err.Error(), fuzzSecrets...) != err.Error() || len(err.Error()) > fuzzanswer.MaxError {
				t.Fatalf("New: error quoting the password or too long: %.300s", fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
		}
	})
}
