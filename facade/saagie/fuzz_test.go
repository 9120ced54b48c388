package saagie_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-go/switchboard/facade"
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
		apiErr     *facade.APIError
		decErr     *facade.DecodeError
		trErr      *facade.TransportError
		argErr     *facade.ArgumentError
		waitErr    *facade.WaitTimeoutError
		gqlErr     *saagie.GraphQLError
		nfErr      *saagie.NotFoundError
		runErr     *saagie.RunFailedError
		projectErr *saagie.ProjectFailedError
	)
	var fields []string
	switch {
	case errors.As(err, &apiErr):
		fields = []string{apiErr.Message, apiErr.Body, apiErr.URL}
	case errors.As(err, &decErr):
		fields = []string{decErr.Body, decErr.URL}
	case errors.As(err, &trErr):
		fields = []string{trErr.URL}
	case errors.As(err, &gqlErr):
		// The entries are the server's whole text (Error cuts them):
		// they only must not hold a secret.
		for _, p := range gqlErr.Errors {
			if s := fmt.Sprint(p.Message, p.Path, p.Extensions); fuzzLeaks(s, secrets) {
				t.Fatalf("%s: a secret leaked into a GraphQL error entry: %.300s", op, fuzzHide(s))
			}
		}
	case errors.As(err, &runErr):
		if fuzzLeaks(runErr.Reason, secrets) {
			t.Fatalf("%s: a secret leaked into the status reason: %.300s", op, fuzzHide(runErr.Reason))
		}
	case errors.As(err, &argErr), errors.As(err, &waitErr), errors.As(err, &nfErr), errors.As(err, &projectErr):
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
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"FAILED","jobId":"`+fuzzBig+`","history":{"currentStatus":{"status":"FAILED","reason":"`+fuzzBig+`","details":"d","recordAt":"2024-05-01T12:00:00Z"}}}}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"FAILED","jobId":"j","history":{"currentStatus":{"status":"FAILED","reason":"bearer `+fuzzJWT+` refused"}}}}}`)
	f.Add(false, 200, js, "", `{"data":{"runJob":{"id":"i1","status":"REQUESTED"}}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"`+fuzzBig+`","jobId":"j"}}}`)
	f.Add(false, 200, js, "", `{"data":{"jobInstance":{"id":"i1","number":1,"status":"RUNNING `+fuzzJWT+`","jobId":"j"}},"project":{"id":"p","name":"n","status":"`+fuzzJWT+`"}}`)
	f.Add(false, 200, js, "", `{"data":null,"errors":[{"message":"Unknown project","path":["project"],"extensions":{"project":"NOT_EXISTS","classification":"DataFetchingException"}}]}`)
	f.Add(false, 200, js, "", `{"data":null,"errors":[{"message":"`+fuzzBig+`","path":["`+fuzzBig+`",1],"extensions":{"name":"`+fuzzBig+`"}},{"message":"b"},{"message":"c"},{"message":"d"}]}`)
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
	f.Add(false, 404, js, "", `{"errors":[{"message":"`+fuzzBig+`"}]}`)
	f.Add(false, 500, "text/html", "", `<html>`+fuzzBig+`</html>`)
	f.Add(false, 302, "", "Location: https://evil.example.com/", "")
	f.Add(true, 200, "text/plain", "", fuzzJWT)
	f.Add(true, 200, "text/plain", "", "not.a.jwt")
	f.Add(true, 200, "text/html", "", "<html><body>SSO</body></html>")
	f.Add(true, 200, "text/plain", "", "eyJhbGciOiJub25lIn0.eyJleHAiOiJzb29uIn0.")
	f.Add(true, 401, js, "", `{"message":"Bad credentials for `+fuzzPassword+`"}`)
	f.Add(true, 500, "text/plain", "", fuzzBig)

	goodLogin := newFuzzAnswer(200, "text/plain", "", fuzzJWT)
	goodAPI := newFuzzAnswer(200, js, "", `{"data":{"projects":[]}}`)
	waitOpts := &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}

	f.Fuzz(func(t *testing.T, login bool, status int, contentType, headers, body string) {
		rt := &fuzzTransport{answer: newFuzzAnswer(status, contentType, headers, body)}
		rt.fixed = func(req *http.Request) *fuzzAnswer {
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
				op{"Jobs.Instances", func() error { return fuzzDrain(c.Jobs.Instances(ctx, fuzzJob), 50) }},
				op{"Jobs.Delete", func() error { return c.Jobs.Delete(ctx, fuzzJob) }},
				op{"Pipelines.List", func() error { _, err := c.Pipelines.List(ctx, fuzzProject, nil); return err }},
				op{"Pipelines.Wait", func() error { _, err := c.Pipelines.Wait(ctx, "i1", waitOpts); return err }},
				op{"Apps.List", func() error { _, err := c.Apps.List(ctx, fuzzProject); return err }},
				op{"Apps.Logs", func() error { return fuzzDrain(c.Apps.Logs(ctx, fuzzProject, fuzzJob), 50) }},
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
			rt.reset(12)
			fuzzCheckErr(t, o.name, o.run(), secrets)
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
