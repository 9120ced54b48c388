package saagie_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/fuzzanswer"
	"github.com/switchboard-go/switchboard/facade/saagie"
)

// FuzzResponse answers every request of a real client with one server
// answer built from the fuzzer's input (status, Content-Type, extra
// headers, body) and drives the facade's real decoding path (REST and
// GraphQL). Whatever the answer, a call must return a value or one of the
// documented error types, and the error must be short and free of the
// secrets: the password and the JWT it is exchanged for.
// FuzzParsePlatformURL checks EasyConnect's URL reading.

const fuzzPassword = "pw-FUZZ-5b8d02e6a1"

// fuzzJWT is the token the good login answers with; it is a secret too.
var fuzzJWT = func() string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "fuzzer", "exp": time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).Unix(),
	}).SignedString([]byte("fuzz-signing-key"))
	if err != nil {
		panic(err)
	}
	return s
}()

var fuzzSecrets = []string{fuzzPassword, fuzzJWT}

// fuzzAllowed are the error types saagie documents beyond the facade's.
var fuzzAllowed = []fuzzanswer.Allowed{
	// The entries are the server's whole text (Error cuts them): they
	// only must not hold a secret.
	fuzzanswer.As(func(e *saagie.GraphQLError) fuzzanswer.Texts {
		var whole []string
		for _, p := range e.Errors {
			whole = append(whole, fmt.Sprint(p.Message, p.Path, p.Extensions))
		}
		return fuzzanswer.Texts{Whole: whole}
	}),
	fuzzanswer.As(func(e *saagie.RunFailedError) fuzzanswer.Texts { return fuzzanswer.Texts{Whole: []string{e.Reason}} }),
	fuzzanswer.As[*facade.WaitTimeoutError](nil),
	fuzzanswer.As[*saagie.NotFoundError](nil),
	fuzzanswer.As[*saagie.ProjectFailedError](nil),
}

const (
	fuzzBase    = "https://acme-workspace.prod.saagie.io"
	fuzzProject = "5b3c0a40-3f7f-4c0e-9b8f-1d2e3f4a5b6c"
	fuzzJob     = "0e4f2a11-8c6d-4b9e-a1f2-3c4d5e6f7a8b"
	fuzzLogin   = "/authentication/api/open/authenticate"
)

func FuzzResponse(f *testing.F) {
	const js = "application/json"
	project := `{"id":"` + fuzzProject + `","name":"Demo","creator":"fuzzer","description":"","jobsCount":1,"status":"READY"}`
	job := `{"id":"` + fuzzJob + `","name":"etl","alias":"etl","category":"Extraction","technology":{"id":"t1"},"isScheduled":false,"versions":[]}`
	// login selects the answer that is fuzzed: false, every answer but
	// the login's; true, the login's (the answer is the JWT itself).
	f.Add(false, 200, js, "", `{"data":{"projects":[`+project+`]}}`)
	f.Add(false, 200, js, "", `{"data":{"project":`+project+`}}`)
	f.Add(false, 200, js, "", `{"data":{"project":null}}`)
	f.Add(false, 200, js, "", `{"data":{"jobs":[`+job+`]}}`)
	f.Add(false, 200, js, "", `{"data":{"job":`+job+`}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"FAILED","jobId":"`+fuzzanswer.Big+`","history":{"currentStatus":{"status":"FAILED","reason":"`+fuzzanswer.Big+`","details":"d","recordAt":"2024-05-01T12:00:00Z"}}}}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"FAILED","jobId":"j","history":{"currentStatus":{"status":"FAILED","reason":"bearer `+fuzzJWT+` refused"}}}}}`)
	f.Add(false, 200, js, "", `{"data":{"runJob":{"id":"i1","status":"REQUESTED"}}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"`+fuzzanswer.Big+`","jobId":"j"}}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"RUNNING `+fuzzJWT+`","jobId":"j"}},"project":{"id":"p","name":"n","status":"`+fuzzJWT+`"}}`)
	f.Add(false, 200, js, "", `{"data":null,"errors":[{"message":"Unknown project","path":["project"],"extensions":{"project":"NOT_EXISTS","classification":"DataFetchingException"}}]}`)
	f.Add(false, 200, js, "", `{"data":null,"errors":[{"message":"`+fuzzanswer.Big+`","path":["`+fuzzanswer.Big+`",1],"extensions":{"name":"`+fuzzanswer.Big+`"}},{"message":"b"},{"message":"c"},{"message":"d"}]}`)
	f.Add(false, 200, js, "", `{"data":null,"errors":[{"message":"token `+fuzzJWT+` expired","extensions":{"token":"`+fuzzJWT+`"}}]}`)
	f.Add(false, 200, js, "", `{"errors":[]}`)
	f.Add(false, 200, js, "", `{"data":{"projects":"not a list"}}`)
	f.Add(false, 200, js, "", `[{"login":"admin","roles":["ROLE_ADMIN"],"platforms":[]}]`)
	f.Add(false, 200, js, "", `{"content":[{"log":"line 1","stream":"stdout","timestamp":"2024-05-01T12:00:00Z"}],"totalElements":9}`)
	f.Add(false, 200, js, "", `null`)
	f.Add(false, 200, js, "", ``)
	f.Add(false, 200, js, "", `{"data":{"projects":[{"id":"`)
	f.Add(false, 200, "text/html", "", `<html><body>Keycloak login</body></html>`)
	f.Add(false, 400, js, "", `{"message":"bad request for `+fuzzPassword+`"}`)
	f.Add(false, 401, js, "", `{"error":"invalid token `+fuzzJWT+`"}`)
	f.Add(false, 403, "text/plain", "", `Forbidden`)
	f.Add(false, 404, js, "", `{"errors":[{"message":"`+fuzzanswer.Big+`"}]}`)
	f.Add(false, 500, "text/html", "", `<html>`+fuzzanswer.Big+`</html>`)
	f.Add(false, 302, "", "Location: https://evil.example.com/", "")
	f.Add(true, 200, "text/plain", "", fuzzJWT)
	f.Add(true, 200, "text/plain", "", "not.a.jwt")
	f.Add(true, 200, "text/html", "", "<html><body>SSO</body></html>")
	f.Add(true, 200, "text/plain", "", "eyJhbGciOiJub25lIn0.eyJleHAiOiJzb29uIn0.")
	f.Add(true, 401, js, "", `{"message":"Bad credentials for `+fuzzPassword+`"}`)
	f.Add(true, 500, "text/plain", "", fuzzanswer.Big)

	goodLogin := fuzzanswer.New(200, "text/plain", "", fuzzJWT)
	goodAPI := fuzzanswer.New(200, js, "", `{"data":{"projects":[]}}`)
	waitOpts := &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}

	f.Fuzz(func(t *testing.T, login bool, status int, contentType, headers, body string) {
		rt := &fuzzanswer.Transport{Answer: fuzzanswer.New(status, contentType, headers, body)}
		rt.Fixed = func(req *http.Request) *fuzzanswer.Answer {
			switch isLogin := req.URL.Path == fuzzLogin; {
			case isLogin && !login:
				return &goodLogin
			case !isLogin && login:
				return &goodAPI
			}
			return nil
		}
		secrets := fuzzSecrets
		if login {
			secrets = []string{fuzzPassword} // the fuzzer writes the JWT
		}
		ctx := context.Background()
		c, err := saagie.New(ctx, fuzzBase, 6, "fuzzer", fuzzPassword, "acme", facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		type op struct {
			name string
			run  func() error
		}
		ops := []op{
			{"Login", func() error { return c.Login(ctx) }},
			{"Projects.List", func() error { _, err := c.Projects.List(ctx); return err }},
		}
		if !login {
			ops = append(ops,
				op{"Projects.Get", func() error { _, err := c.Projects.Get(ctx, fuzzProject); return err }},
				op{"Projects.GetByName", func() error { _, err := c.Projects.GetByName(ctx, "Demo"); return err }},
				op{"Projects.WaitReady", func() error {
					_, err := c.Projects.WaitReady(ctx, fuzzProject, waitOpts.WaitOptions)
					return err
				}},
				op{"Jobs.List", func() error { _, err := c.Jobs.List(ctx, fuzzProject, nil); return err }},
				op{"Jobs.Get", func() error { _, err := c.Jobs.Get(ctx, fuzzJob, nil); return err }},
				op{"Jobs.ID", func() error { _, err := c.Jobs.ID(ctx, "etl", "Demo"); return err }},
				op{"Jobs.Run", func() error { _, err := c.Jobs.Run(ctx, fuzzJob); return err }},
				op{"Jobs.Wait", func() error { _, err := c.Jobs.Wait(ctx, "i1", waitOpts); return err }},
				op{"Jobs.Instances", func() error { return fuzzanswer.Drain(c.Jobs.Instances(ctx, fuzzJob), 50) }},
				op{"Jobs.Delete", func() error { return c.Jobs.Delete(ctx, fuzzJob) }},
				op{"Pipelines.List", func() error { _, err := c.Pipelines.List(ctx, fuzzProject, nil); return err }},
				op{"Pipelines.Wait", func() error { _, err := c.Pipelines.Wait(ctx, "i1", waitOpts); return err }},
				op{"Apps.List", func() error { _, err := c.Apps.List(ctx, fuzzProject); return err }},
				op{"Apps.Logs", func() error { return fuzzanswer.Drain(c.Apps.Logs(ctx, fuzzProject, fuzzJob), 50) }},
				op{"EnvVars.List", func() error { _, err := c.EnvVars.List(ctx, saagie.ProjectVars(fuzzProject), false); return err }},
				op{"DockerCredentials.List", func() error { _, err := c.DockerCredentials.List(ctx, fuzzProject); return err }},
				op{"Storages.List", func() error { _, err := c.Storages.List(ctx, fuzzProject); return err }},
				op{"Technologies.List", func() error { _, err := c.Technologies.List(ctx); return err }},
				op{"Repositories.List", func() error { _, err := c.Repositories.List(ctx, false); return err }},
				op{"Users.List", func() error { _, err := c.Users.List(ctx); return err }},
				op{"Users.Get", func() error { _, err := c.Users.Get(ctx, "admin"); return err }},
				op{"Groups.List", func() error { _, err := c.Groups.List(ctx); return err }},
				op{"Groups.Permissions", func() error { _, err := c.Groups.Permissions(ctx, "admins"); return err }},
			)
		}
		for _, o := range ops {
			rt.Reset(12)
			fuzzanswer.CheckError(t, o.name, o.run(), secrets, fuzzAllowed...)
		}
	})
}

// FuzzParsePlatformURL reads the URL of a page of the Saagie web interface,
// as EasyConnect does. An accepted URL gives a base URL, realm and
// platform id that are those of the input and that read back the same; a
// refused one is a *facade.ConfigError (ErrInvalidPlatformURL) that does
// not quote a password the URL carried.
func FuzzParsePlatformURL(f *testing.F) {
	f.Add("https://acme-workspace.prod.saagie.io/projects/platform/6/project/5b3c0a40/jobs")
	f.Add("https://acme-workspace.prod.saagie.io/projects/platform/6")
	f.Add("http://my-saagie-workspace.example.com:8443/projects/platform/12/?x=1#frag")
	f.Add("HTTPS://Acme-Workspace.saagie.io/projects/platform/007/")
	f.Add("https://127.0.0.1/projects/platform/1")
	f.Add("http://[::1]:9000/projects/platform/1")
	f.Add("https://localhost/projects/platform/1")
	f.Add("https://user:" + fuzzPassword + "@acme-workspace.saagie.io/projects/platform/6")
	f.Add("https://acme-workspace.saagie.io/projects/platform/99999999999999999999999")
	f.Add("https://acme-workspace.saagie.io/projects/platform/")
	f.Add("https://acme-workspace.saagie.io/")
	f.Add("ftp://acme-workspace.saagie.io/projects/platform/6")
	f.Add("acme-workspace.saagie.io/projects/platform/6")
	f.Add("  https://acme-workspace.saagie.io/projects/platform/6  ")
	f.Add("https://-workspace.saagie.io/projects/platform/6")
	f.Add("https://a%2Db.saagie.io/projects/platform/6")
	f.Add("https://acme-w/projects/platform/6%2F7")
	f.Add("")

	f.Fuzz(func(t *testing.T, raw string) {
		p, err := saagie.ParsePlatformURL(raw)
		if err != nil {
			var ce *facade.ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, saagie.ErrInvalidPlatformURL) {
				t.Fatalf("ParsePlatformURL(%q): %T %v, want a *facade.ConfigError matching ErrInvalidPlatformURL", raw, err, err)
			}
			if u, perr := url.Parse(strings.TrimSpace(raw)); perr == nil && u.User != nil {
				if pw, ok := u.User.Password(); ok && len(pw) >= 4 && strings.Contains(err.Error(), pw) {
					t.Fatalf("ParsePlatformURL(%q): the error quotes the password: %v", raw, err)
				}
			}
			// The value quoted is the caller's own input, escaped.
			if len(err.Error()) > 4*len(raw)+1024 {
				t.Fatalf("ParsePlatformURL: error of %d bytes", len(err.Error()))
			}
			return
		}
		u, perr := url.Parse(strings.TrimSpace(raw))
		if perr != nil {
			t.Fatalf("ParsePlatformURL(%q) accepted a URL net/url refuses: %v", raw, perr)
		}
		if u.User != nil {
			t.Fatalf("ParsePlatformURL(%q) accepted credentials", raw)
		}
		// The platform id is the number the path starts with.
		digits, ok := strings.CutPrefix(u.EscapedPath(), "/projects/platform/")
		if !ok {
			t.Fatalf("ParsePlatformURL(%q) accepted path %q", raw, u.EscapedPath())
		}
		end := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' })
		if end >= 0 {
			digits = digits[:end]
		}
		if n, err := strconv.Atoi(digits); err != nil || n != p.PlatformID || p.PlatformID < 0 {
			t.Fatalf("ParsePlatformURL(%q): platform id %d, path says %q", raw, p.PlatformID, digits)
		}
		// The base URL is the input's scheme and host.
		if !strings.EqualFold(p.BaseURL, u.Scheme+"://"+u.Host) {
			t.Fatalf("ParsePlatformURL(%q): base URL %q, input has %s://%s", raw, p.BaseURL, u.Scheme, u.Host)
		}
		// The realm, when there is one, starts the host and a hyphen ends it.
		if p.Realm != "" && (!strings.HasPrefix(u.Hostname(), p.Realm+"-") || strings.ContainsAny(p.Realm, "-.:")) {
			t.Fatalf("ParsePlatformURL(%q): realm %q is not the host's first label up to a hyphen", raw, p.Realm)
		}
		// Reading back the canonical URL gives the same result.
		again, err := saagie.ParsePlatformURL(p.BaseURL + "/projects/platform/" + strconv.Itoa(p.PlatformID))
		if err != nil {
			t.Fatalf("ParsePlatformURL(%q) = %+v, which does not read back: %v", raw, p, err)
		}
		if again.BaseURL != p.BaseURL || again.Realm != p.Realm || again.PlatformID != p.PlatformID {
			t.Fatalf("ParsePlatformURL(%q) = %+v, read back as %+v", raw, p, again)
		}
	})
}
