package rightscale_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/fuzzanswer"
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

// fuzzAllowed are the error types rightscale documents beyond the
// facade's.
var fuzzAllowed = []fuzzanswer.Allowed{
	// Summary and Detail are the server's whole text (Error cuts them):
	// they only must not hold a secret.
	fuzzanswer.As(func(e *rightscale.TaskFailedError) fuzzanswer.Texts {
		return fuzzanswer.Texts{Whole: []string{e.Summary + e.Detail}}
	}),
	fuzzanswer.As[*rightscale.ExchangeError](nil),
	fuzzanswer.As[*facade.WaitTimeoutError](nil),
	fuzzanswer.As[*rightscale.NotFoundError](nil),
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
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"failed: `+fuzzanswer.Big+`","detail":"`+fuzzanswer.Big+`\nsecond line","links":[{"rel":"self","href":"/api/clouds/1/instances/ABC/live/tasks/ae-123"}]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"completed: deploy","links":[]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"running `+fuzzanswer.Big+`","links":[]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"waiting for `+fuzzAccess+`","links":[]}`)
	f.Add(false, 200, "application/vnd.rightscale.live_task+json", "", `{"summary":"failed: bearer `+fuzzAccess+` refused","detail":"refresh `+fuzzRefresh+`","links":[]}`)
	f.Add(false, 200, clouds, "", `[{"name":"web","links":[{"rel":"self","href":"/api/servers/1"}]},{"name":"web-`+fuzzanswer.Big+`","links":[{"rel":"self","href":"/api/servers/2"}]}]`)
	f.Add(false, 200, "application/vnd.rightscale.resource_tag+json;type=collection", "", `[{"tags":[{"name":"ns:a=b"}],"links":[{"rel":"resource","href":"/api/servers/1"}]}]`)
	f.Add(false, 200, clouds, "", `[{"name":"EC`)
	f.Add(false, 200, clouds, "", `null`)
	f.Add(false, 200, clouds, "", ``)
	f.Add(false, 200, "text/html; charset=utf-8", "", `<html><body>Please log in</body></html>`)
	f.Add(false, 200, "text/plain", "", `[]`)
	f.Add(false, 422, "text/html", "", "ResourceNotFound: Couldn't find Cloud with ID=9 ")
	f.Add(false, 422, "application/json", "", `[["name","`+fuzzanswer.Big+`"],["name"],[]]`)
	f.Add(false, 403, "text/html", "", "Permission denied for token "+fuzzAccess)
	f.Add(false, 401, "text/html", "", "Bearer "+fuzzAccess+" expired, refresh with "+fuzzRefresh)
	f.Add(false, 502, "text/html", "", "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"+fuzzanswer.Big+"</body></html>")
	f.Add(false, 302, "", "Location: https://evil.example.com/api/clouds", "")
	f.Add(true, 200, js, "", `{"access_token":"`+fuzzAccess+`","expires_in":7200,"token_type":"bearer"}`)
	f.Add(true, 200, js, "", `{"access_token":"","expires_in":7200}`)
	f.Add(true, 200, js, "", `{"access_token":"x","expires_in":"soon"}`)
	f.Add(true, 400, js, "", `{"error":"invalid_grant","error_description":"refresh token `+fuzzRefresh+` is not valid"}`)
	f.Add(true, 400, js, "", `{"error":"invalid_grant","error_description":"`+fuzzanswer.Big+`"}`)
	f.Add(true, 200, "text/html", "", `<html>`+fuzzRefresh+`</html>`)
	f.Add(true, 200, "application/x-www-form-urlencoded", "", `access_token=`+fuzzAccess+`&expires_in=10`)
	f.Add(true, 500, "text/plain", "", fuzzanswer.Big)

	goodExchange := fuzzanswer.New(200, js, "", `{"access_token":"`+fuzzAccess+`","expires_in":7200,"token_type":"bearer"}`)
	goodAPI := fuzzanswer.New(200, "application/vnd.rightscale.session+json", "", `{"message":"ok","links":[]}`)
	wait := rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}

	f.Fuzz(func(t *testing.T, exchange bool, status int, contentType, headers, body string) {
		rt := &fuzzanswer.Transport{Answer: fuzzanswer.New(status, contentType, headers, body)}
		rt.Fixed = func(req *http.Request) *fuzzanswer.Answer {
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
				op{"Clouds.Index", func() error { return fuzzanswer.Drain(c.Clouds.Index(ctx, rightscale.IndexOptions{}), 50) }},
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
			rt.Reset(12)
			fuzzanswer.CheckError(t, o.name, o.run(), secrets, fuzzAllowed...)
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
				t.Fatalf("%s: error of type %T, want *facade.ConfigError: %s", what, err, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if needLine && (ce.File != path || ce.Line <= 0) {
				t.Fatalf("%s: error without the file and line (File %q, Line %d): %s", what, ce.File, ce.Line, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if fuzzanswer.Hide(err.Error(), fuzzSecrets...) != err.Error() || len(err.Error()) > fuzzanswer.MaxError {
				t.Fatalf("%s: error quoting the refresh token or too long: %.300s", what, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
		}
		cfg, err := rightscale.LoadConfigFrom("", "", getenv)
		if err != nil {
			checkConfigErr("LoadConfigFrom", err, true)
			return
		}
		if cfg.RefreshToken != fuzzRefresh && cfg.RefreshToken != "" {
			t.Fatalf("LoadConfigFrom: refresh token %q", fuzzanswer.Hide(cfg.RefreshToken, fuzzSecrets...))
		}
		if s := cfg.String() + cfg.GoString(); fuzzanswer.Hide(s, fuzzSecrets...) != s {
			t.Fatalf("Config.String shows the refresh token: %s", fuzzanswer.Hide(s, fuzzSecrets...))
		}
		_, err = rightscale.NewFromConfig(cfg, facade.WithBaseTransport(&fuzzanswer.Transport{}))
		if err != nil {
			// An endpoint read from the file is wrong at its line.
			checkConfigErr("NewFromConfig", err, cfg.Endpoint != "" && cfg.EndpointFrom == path)
		}
	})
}
