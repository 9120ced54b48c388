package rightscale_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
)

// FuzzResponse answers every request of a real client with one server
// answer built from the fuzzer's input (status, Content-Type, extra
// headers, body) and drives the facade's real decoding path. Whatever the
// answer, a call must return a value or one of the documented error types,
// and the error must be short and free of the secrets: the refresh token
// and the access token it is exchanged for. FuzzRCFile does the same for
// ~/.rightscalerc.

const (
	fuzzRefresh = "rt-FUZZ-7f3a9c41e2d8"
	fuzzAccess  = "at-FUZZ-0c5e2b9a7d14"
)

var fuzzSecrets = []string{fuzzRefresh, fuzzAccess}

// fuzzMaxError bounds an error string: an APIError's message and a
// DecodeError's excerpt are capped at 1 KiB, the rest is the request line.
const fuzzMaxError = 4 << 10

// fuzzBig in a fuzzed body stands for 8 KiB of text, so that the fuzzer
// can try huge fields without huge inputs, and an error quoting a field
// whole shows up as an unbounded message.
const fuzzBig = "%BIG%"

var fuzzBigText = strings.Repeat("x", 8<<10)

// fuzzAnswer is a server answer.
type fuzzAnswer struct {
	status int
	header http.Header
	body   []byte
}

func newFuzzAnswer(status int, contentType, headers, body string) fuzzAnswer {
	// Keep to final statuses: 1xx are never handed to a client.
	if status < 200 || status > 599 {
		status = 200 + (max(status, -status)%400+400)%400
	}
	h := http.Header{}
	for line := range strings.SplitSeq(headers, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) != "" {
			h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	b := bytes.Replace([]byte(body), []byte(fuzzBig), []byte(fuzzBigText), 4)
	return fuzzAnswer{status: status, header: h, body: b}
}

// fuzzTransport gives the fuzzed answer to every request, except those
// fixed answers (a login, when the API is fuzzed) and up to a budget per
// operation; past it the "network" fails, so that an answer that makes a
// list endless still ends (with a *facade.TransportError).
type fuzzTransport struct {
	answer fuzzAnswer
	fixed  func(*http.Request) *fuzzAnswer
	mu     sync.Mutex
	left   int
}

func (rt *fuzzTransport) reset(budget int) {
	rt.mu.Lock()
	rt.left = budget
	rt.mu.Unlock()
}

func (rt *fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	a := &rt.answer
	if rt.fixed != nil {
		if f := rt.fixed(req); f != nil {
			a = f
		}
	}
	rt.mu.Lock()
	rt.left--
	out := rt.left < 0
	rt.mu.Unlock()
	if out {
		return nil, errors.New("fuzz: request budget spent")
	}
	return &http.Response{
		StatusCode: a.status, Status: http.StatusText(a.status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        a.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)),
		Request:       req,
	}, nil
}

// fuzzHide replaces the secrets, so a failure report never prints them.
func fuzzHide(s string) string {
	for _, secret := range fuzzSecrets {
		s = strings.ReplaceAll(s, secret, "<SECRET>")
	}
	return s
}

// fuzzLeaks reports whether s holds one of secrets.
func fuzzLeaks(s string, secrets []string) bool {
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// fuzzCheckErr fails on an error of an undocumented type, a long error
// string or one quoting one of secrets, the client's own.
func fuzzCheckErr(t *testing.T, op string, err error, secrets []string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if len(msg) > fuzzMaxError {
		t.Fatalf("%s: error string of %d bytes (max %d): %.300s…", op, len(msg), fuzzMaxError, fuzzHide(msg))
	}
	var (
		apiErr    *facade.APIError
		decErr    *facade.DecodeError
		trErr     *facade.TransportError
		argErr    *facade.ArgumentError
		waitErr   *facade.WaitTimeoutError
		exErr     *rightscale.ExchangeError
		nfErr     *rightscale.NotFoundError
		failedErr *rightscale.TaskFailedError
	)
	var fields []string
	switch {
	case errors.As(err, &apiErr):
		fields = []string{apiErr.Message, apiErr.Body, apiErr.URL}
	case errors.As(err, &decErr):
		fields = []string{decErr.Body, decErr.URL}
	case errors.As(err, &trErr):
		fields = []string{trErr.URL}
	case errors.As(err, &failedErr):
		// Summary and Detail are the server's whole text (Error cuts
		// them): they only must not hold a secret.
		if s := failedErr.Summary + failedErr.Detail; fuzzLeaks(s, secrets) {
			t.Fatalf("%s: a secret leaked into the task's summary: %.300s", op, fuzzHide(s))
		}
	case errors.As(err, &exErr), errors.As(err, &argErr), errors.As(err, &waitErr), errors.As(err, &nfErr):
	default:
		t.Fatalf("%s: error of undocumented type %T: %s", op, err, fuzzHide(msg))
	}
	for _, s := range append(fields, msg) {
		if fuzzLeaks(s, secrets) {
			t.Fatalf("%s: a secret leaked into the error: %s", op, fuzzHide(s))
		}
		if len(s) > fuzzMaxError {
			t.Fatalf("%s: error field of %d bytes", op, len(s))
		}
	}
}

// fuzzDrain reads at most limit items of a list.
func fuzzDrain[T any](seq iter.Seq2[T, error], limit int) error {
	n := 0
	for _, err := range seq {
		if err != nil {
			return err
		}
		if n++; n >= limit {
			break
		}
	}
	return nil
}

const fuzzEndpoint = "https://us-3.rightscale.com"

func FuzzResponse(f *testing.F) {
	const js = "application/json"
	const clouds = "application/vnd.rightscale.cloud+json;type=collection;charset=utf-8"
	cloud := `{"name":"EC2 us-east-1","description":"Amazon","cloud_type":"amazon","links":[{"rel":"self","href":"/api/clouds/1"},{"rel":"instances","href":"/api/clouds/1/instances"}]}`
	// exchange selects the answer that is fuzzed: false, every API
	// answer's (the token exchange works); true, the exchange's.
	f.Add(false, 200, clouds, "", `[`+cloud+`]`)
	f.Add(false, 200, "application/vnd.rightscale.cloud+json;charset=utf-8", "", cloud)
	f.Add(false, 200, "application/vnd.rightscale.session+json", "", `{"message":"You have successfully logged into the RightScale API.","links":[{"rel":"clouds","href":"/api/clouds"}]}`)
	f.Add(false, 201, "text/html", "Location: /api/deployments/42", " ")
	f.Add(false, 201, "text/html", "Location: https://evil.example.com/api/deployments/42", " ")
	f.Add(false, 202, "text/html", "Location: /api/clouds/1/instances/ABC/live/tasks/ae-123", " ")
	f.Add(false, 204, "", "", "")
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"failed: `+fuzzBig+`","detail":"`+fuzzBig+`\nsecond line","links":[{"rel":"self","href":"/api/clouds/1/instances/ABC/live/tasks/ae-123"}]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"completed: deploy","links":[]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"running `+fuzzBig+`","links":[]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"waiting for `+fuzzAccess+`","links":[]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"failed: bearer `+fuzzAccess+` refused","detail":"refresh `+fuzzRefresh+`","links":[]}`)
	f.Add(false, 200, clouds, "", `[{"name":"web","links":[{"rel":"self","href":"/api/servers/1"}]},{"name":"web-`+fuzzBig+`","links":[{"rel":"self","href":"/api/servers/2"}]}]`)
	f.Add(false, 200, "application/vnd.rightscale.resource_tag+json;type=collection", "", `[{"tags":[{"name":"ns:a=b"}],"links":[{"rel":"resource","href":"/api/servers/1"}]}]`)
	f.Add(false, 200, clouds, "", `[{"name":"EC`)
	f.Add(false, 200, clouds, "", `null`)
	f.Add(false, 200, clouds, "", ``)
	f.Add(false, 200, "text/html; charset=utf-8", "", `<html><body>Please log in</body></html>`)
	f.Add(false, 200, "text/plain", "", `[]`)
	f.Add(false, 422, "text/html", "", "ResourceNotFound: Couldn't find Cloud with ID=9 ")
	f.Add(false, 422, "application/json", "", `[["name","`+fuzzBig+`"],["name"],[]]`)
	f.Add(false, 403, "text/html", "", "Permission denied for token "+fuzzAccess)
	f.Add(false, 401, "text/html", "", "Bearer "+fuzzAccess+" expired, refresh with "+fuzzRefresh)
	f.Add(false, 502, "text/html", "", "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"+fuzzBig+"</body></html>")
	f.Add(false, 302, "", "Location: https://evil.example.com/api/clouds", "")
	f.Add(true, 200, js, "", `{"access_token":"`+fuzzAccess+`","expires_in":7200,"token_type":"bearer"}`)
	f.Add(true, 200, js, "", `{"access_token":"","expires_in":7200}`)
	f.Add(true, 200, js, "", `{"access_token":"x","expires_in":"soon"}`)
	f.Add(true, 400, js, "", `{"error":"invalid_grant","error_description":"refresh token `+fuzzRefresh+` is not valid"}`)
	f.Add(true, 400, js, "", `{"error":"invalid_grant","error_description":"`+fuzzBig+`"}`)
	f.Add(true, 200, "text/html", "", `<html>`+fuzzRefresh+`</html>`)
	f.Add(true, 200, "application/x-www-form-urlencoded", "", `access_token=`+fuzzAccess+`&expires_in=10`)
	f.Add(true, 500, "text/plain", "", fuzzBig)

	goodExchange := newFuzzAnswer(200, js, "", `{"access_token":"`+fuzzAccess+`","expires_in":7200,"token_type":"bearer"}`)
	goodAPI := newFuzzAnswer(200, "application/vnd.rightscale.session+json", "", `{"message":"ok","links":[]}`)
	wait := rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}

	f.Fuzz(func(t *testing.T, exchange bool, status int, contentType, headers, body string) {
		rt := &fuzzTransport{answer: newFuzzAnswer(status, contentType, headers, body)}
		rt.fixed = func(req *http.Request) *fuzzAnswer {
			switch isExchange := req.URL.Path == "/api/oauth2"; {
			case isExchange && !exchange:
				return &goodExchange
			case !isExchange && exchange:
				return &goodAPI
			}
			return nil
		}
		// The access token is a secret once the client got it, which
		// the fuzzed exchange may not give.
		secrets := fuzzSecrets
		if exchange {
			secrets = []string{fuzzRefresh}
		}
		c, err := rightscale.New(fuzzEndpoint, fuzzRefresh, facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		type op struct {
			name string
			run  func() error
		}
		ops := []op{
			{"Session", func() error { _, err := c.Session(ctx); return err }},
		}
		if !exchange {
			ops = append(ops,
				op{"SessionAccounts", func() error { _, err := c.SessionAccounts(ctx, ""); return err }},
				op{"Clouds.List", func() error { _, err := c.Clouds.List(ctx, rightscale.IndexOptions{}); return err }},
				op{"Clouds.Index", func() error { return fuzzDrain(c.Clouds.Index(ctx, rightscale.IndexOptions{}), 50) }},
				op{"Clouds.Show", func() error { _, err := c.Clouds.Show(ctx, "1", rightscale.ShowOptions{}); return err }},
				op{"Deployments.Create", func() error {
					_, err := c.Deployments.Create(ctx, rightscale.DeploymentCreate{Deployment: rightscale.DeploymentCreateParams{Name: "production"}})
					return err
				}},
				op{"Deployments.Update", func() error {
					return c.Deployments.Update(ctx, "42", rightscale.DeploymentUpdate{Deployment: rightscale.DeploymentUpdateParams{Description: "d"}})
				}},
				op{"Deployments.Destroy", func() error { return c.Deployments.Destroy(ctx, "42") }},
				op{"Servers.Action", func() error { _, err := c.Servers.Action(ctx, "1", "launch", nil); return err }},
				op{"Servers.FindByName", func() error { _, err := c.Servers.FindByName(ctx, "web"); return err }},
				op{"Servers.Search", func() error { _, err := c.Servers.Search(ctx, "web"); return err }},
				op{"GetByPath", func() error { _, err := c.GetByPath(ctx, "/clouds/1"); return err }},
				op{"Tags.ByResource", func() error { _, err := c.Tags.ByResource(ctx, "/api/servers/1"); return err }},
				op{"Tags.ByTagHrefs", func() error { _, err := c.Tags.ByTagHrefs(ctx, "servers", "ns:a=b"); return err }},
				op{"Tags.Add", func() error { return c.Tags.Add(ctx, []string{"/api/servers/1"}, []string{"ns:a=b"}) }},
				op{"ListInstances", func() error {
					_, err := c.ListInstances(ctx, "EC2 us-east-1", rightscale.ListInstancesOptions{})
					return err
				}},
				op{"Instances.List", func() error { _, err := c.Instances("1").List(ctx, rightscale.IndexOptions{}); return err }},
				op{"RunExecutable", func() error {
					_, err := c.RunExecutable(ctx, "/api/clouds/1/instances/ABC", rightscale.RunExecutable{RecipeName: "app::deploy"})
					return err
				}},
				op{"Task.Refresh", func() error {
					task, err := c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-123")
					if err != nil {
						return err
					}
					_, err = task.Refresh(ctx)
					return err
				}},
				op{"Task.Wait", func() error {
					task, err := c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-123")
					if err != nil {
						return err
					}
					return task.Wait(ctx, wait)
				}},
			)
		}
		for _, o := range ops {
			rt.reset(12)
			fuzzCheckErr(t, o.name, o.run(), secrets)
		}
	})
}

// FuzzRCFile reads a ~/.rightscalerc (python-rightscale's) holding the
// fuzzed text followed by a refresh token, and builds a client from it.
// Reading either works or fails with a *facade.ConfigError naming the file
// and a line; a bad endpoint from the file is reported at its line; no
// error ever quotes the refresh token.
func FuzzRCFile(f *testing.F) {
	f.Add("[OAuth]\napi_endpoint = https://us-3.rightscale.com\n")
	f.Add("[OAuth]\napi_endpoint: https://us-4.rightscale.com/\n# comment\n; comment\n")
	f.Add("[OAuth]\napi_endpoint = https://us-3.rightscale.com/api/oauth2\n")
	f.Add("[OAuth]\napi_endpoint = ftp://us-3.rightscale.com\n")
	f.Add("[OAuth]\napi_endpoint = https://user:pw@us-3.rightscale.com?x=1\n")
	f.Add("[DEFAULT]\nshard = us-3\n[OAuth]\napi_endpoint = https://%(shard)s.rightscale.com\n")
	f.Add("[OAuth]\napi_endpoint = %(missing)s\n")
	f.Add("[OAuth]\napi_endpoint = https://us-3.rightscale.com\n  continued\n")
	f.Add("[oauth]\napi_endpoint = https://us-3.rightscale.com\n")
	f.Add("api_endpoint = https://us-3.rightscale.com\n")
	f.Add("[OAuth\n")
	f.Add("[OAuth]\n[OAuth]\n")

	dir := f.TempDir()
	path := filepath.Join(dir, "rightscalerc")
	env := map[string]string{rightscale.EnvRC: path}
	getenv := func(name string) string { return env[name] }

	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, fuzzRefresh) {
			return // the fuzzer wrote the token itself, outside its value
		}
		// The token comes last, in its own section header, so that it is
		// read whatever the fuzzed text does.
		content := text + "\n[OAuth]\nrefresh_token = " + fuzzRefresh + "\n"
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		checkConfigErr := func(what string, err error, needLine bool) {
			t.Helper()
			var ce *facade.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("%s: error of type %T, want *facade.ConfigError: %s", what, err, fuzzHide(err.Error()))
			}
			if needLine && (ce.File != path || ce.Line <= 0) {
				t.Fatalf("%s: error without the file and line (File %q, Line %d): %s", what, ce.File, ce.Line, fuzzHide(err.Error()))
			}
			if fuzzHide(err.Error()) != err.Error() || len(err.Error()) > fuzzMaxError {
				t.Fatalf("%s: error quoting the refresh token or too long: %.300s", what, fuzzHide(err.Error()))
			}
		}
		cfg, err := rightscale.LoadConfigFrom("", "", getenv)
		if err != nil {
			checkConfigErr("LoadConfigFrom", err, true)
			return
		}
		if cfg.RefreshToken != fuzzRefresh && cfg.RefreshToken != "" {
			t.Fatalf("LoadConfigFrom: refresh token %q", fuzzHide(cfg.RefreshToken))
		}
		if s := cfg.String() + cfg.GoString(); fuzzHide(s) != s {
			t.Fatalf("Config.String shows the refresh token: %s", fuzzHide(s))
		}
		_, err = rightscale.NewFromConfig(cfg, facade.WithBaseTransport(&fuzzTransport{}))
		if err != nil {
			// An endpoint read from the file is wrong at its line.
			checkConfigErr("NewFromConfig", err, cfg.Endpoint != "" && cfg.EndpointFrom == path)
		}
	})
}
