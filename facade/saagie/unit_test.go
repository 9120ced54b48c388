package saagie_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

func TestParsePlatformURL(t *testing.T) {
	accepted := []struct {
		in, base, realm string
		pid             int
		strict          bool
	}{
		// saagieapi's own vectors: same results.
		{"https://mysaagie-workspace.prod.saagie.com/projects/platform/6/", "https://mysaagie-workspace.prod.saagie.com", "mysaagie", 6, true},
		{"https://MySaagie-workspace.saagie.io/projects/platform/12/project/abc/jobs", "https://MySaagie-workspace.saagie.io", "MySaagie", 12, true},
		{"https://my_saagie-workspace.io/projects/platform/6", "https://my_saagie-workspace.io", "my_saagie", 6, true},
		{"https://mysaagie-workspace.io/projects/platform/6abc", "https://mysaagie-workspace.io", "mysaagie", 6, true},
		// More lenient than saagieapi (documented in ParsePlatformURL).
		{"https://my-saagie-workspace.prod.saagie.com/projects/platform/6/", "https://my-saagie-workspace.prod.saagie.com", "my", 6, false},
		{"https://mysaagie-workspace.prod.saagie.com:8443/projects/platform/6/", "https://mysaagie-workspace.prod.saagie.com:8443", "mysaagie", 6, false},
		{"http://mysaagie-workspace.prod.saagie.com/projects/platform/6/", "http://mysaagie-workspace.prod.saagie.com", "mysaagie", 6, false},
		{"https://mysaagie-work-space.x/projects/platform/6", "https://mysaagie-work-space.x", "mysaagie", 6, false},
		{"HTTPS://acme-workspace.io/projects/platform/3?x=1#y", "https://acme-workspace.io", "acme", 3, false},
		{"http://127.0.0.1:8080/projects/platform/1/", "http://127.0.0.1:8080", "", 1, false},
		// .localhost names (RFC 6761): what `sandbox serve saagie` prints.
		{"http://saagie-workspace.localhost:41234/projects/platform/1/", "http://saagie-workspace.localhost:41234", "saagie", 1, false},
		{"http://acme-workspace.localhost/projects/platform/2/project/p/jobs", "http://acme-workspace.localhost", "acme", 2, false},
		{"https://my_saagie-workspace.localhost/projects/platform/6", "https://my_saagie-workspace.localhost", "my_saagie", 6, true},
		{"https://acme-workspace.localhost:8443/projects/platform/3/", "https://acme-workspace.localhost:8443", "acme", 3, false},
		{"http://localhost:8080/projects/platform/1/", "http://localhost:8080", "", 1, false},
	}
	for _, c := range accepted {
		p, err := saagie.ParsePlatformURL(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if p.BaseURL != c.base || p.Realm != c.realm || p.PlatformID != c.pid || p.Strict != c.strict {
			t.Errorf("%s: got %+v", c.in, p)
		}
	}
	rejected := []string{
		"", "mysaagie-workspace.io/projects/platform/6", "ftp://acme-workspace.io/projects/platform/6",
		"https://acme-workspace.io/", "https://acme-workspace.io/projects/platform/", "https://acme-workspace.io/projects/platform/x",
		"https://user:pw@acme-workspace.io/projects/platform/6", "https://acme-workspace.io/foo/projects/platform/6",
		"https://acme-workspace.io/projects/platform/99999999999999999999999",
	}
	for _, in := range rejected {
		_, err := saagie.ParsePlatformURL(in)
		var ce *facade.ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, saagie.ErrInvalidPlatformURL) {
			t.Errorf("%q: want ErrInvalidPlatformURL, got %v", in, err)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("%q: password in error %v", in, err)
		}
	}
}

func TestEasyConnectNeedsRealm(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:1/projects/platform/1/", "http://localhost:1/projects/platform/1/", "http://workspace.localhost:1/projects/platform/1/"} {
		_, err := saagie.EasyConnect(context.Background(), u, "u", "p")
		if !errors.Is(err, saagie.ErrNoRealm) {
			t.Fatalf("%s: got %v", u, err)
		}
	}
	c, err := saagie.EasyConnect(context.Background(), "https://acme-workspace.io/projects/platform/4/jobs", "u", "p")
	if err != nil || c.Realm() != "acme" || c.PlatformID() != 4 || c.BaseURL() != "https://acme-workspace.io" {
		t.Fatalf("got %v %v", c, err)
	}
}

func TestNewFromEnv(t *testing.T) {
	t.Setenv(saagie.EnvURL, "https://acme-workspace.io")
	t.Setenv(saagie.EnvPlatformID, "7")
	t.Setenv(saagie.EnvRealm, "")
	t.Setenv(saagie.EnvUser, "u")
	t.Setenv(saagie.EnvPassword, "p")
	t.Setenv(saagie.EnvTimeout, "12")
	c, err := saagie.NewFromEnv(context.Background())
	if err != nil || c.Realm() != "acme" || c.PlatformID() != 7 {
		t.Fatalf("%v %v", c, err)
	}
	t.Setenv(saagie.EnvPlatformID, "seven")
	if _, err := saagie.NewFromEnv(context.Background()); !errors.Is(err, saagie.ErrInvalidPlatformID) {
		t.Fatalf("got %v", err)
	}
	t.Setenv(saagie.EnvPlatformID, "7")
	t.Setenv(saagie.EnvTimeout, "soon")
	if _, err := saagie.NewFromEnv(context.Background()); err == nil {
		t.Fatal("bad timeout accepted")
	}
	t.Setenv(saagie.EnvTimeout, "")
	t.Setenv(saagie.EnvPassword, "")
	if _, err := saagie.NewFromEnv(context.Background()); !errors.Is(err, saagie.ErrNoCredentials) {
		t.Fatalf("got %v", err)
	}
}

// fakePlatform is a tiny hand-written server: a login issuing JWTs with a
// chosen lifetime and a GraphQL endpoint whose answers a test scripts.
type fakePlatform struct {
	*httptest.Server
	ttl     time.Duration
	logins  atomic.Int64
	current atomic.Value // string: the token the GraphQL endpoint accepts
	answer  func(w http.ResponseWriter, r *http.Request)
}

func newFake(t *testing.T, ttl time.Duration) *fakePlatform {
	f := &fakePlatform{ttl: ttl}
	f.current.Store("")
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/authentication/api/open/authenticate":
			if r.Header.Get("Saagie-Realm") != "acme" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			n := f.logins.Add(1)
			tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u", "n": n, "exp": time.Now().Add(f.ttl).Unix()}).SignedString([]byte("k"))
			f.current.Store(tok)
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, tok)
		case r.Header.Get("Authorization") != "Bearer "+f.current.Load().(string):
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"Unauthorized"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			f.answer(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePlatform) client(t *testing.T) *saagie.Client {
	c, err := saagie.New(context.Background(), f.URL, 1, "u", "pw-secret", "acme", facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const platformAnswer = `{"data":{"platform":{"id":1,"name":"P","counts":{"projects":1,"jobs":2,"apps":3,"pipelines":4}}}}`

func TestReloginOn401(t *testing.T) {
	f := newFake(t, time.Hour)
	f.answer = func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, platformAnswer) }
	c := f.client(t)
	if _, err := c.PlatformInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.current.Store("revoked") // the server forgets every token
	p, err := c.PlatformInfo(context.Background())
	if err != nil || p.Pipelines != 4 {
		t.Fatalf("after revocation: %+v %v", p, err)
	}
	if n := f.logins.Load(); n != 2 {
		t.Fatalf("%d logins, want 2", n)
	}
}

func TestReloginBeforeExpiry(t *testing.T) {
	// A token that expires within the renewal margin is renewed before
	// use, so no request is ever rejected.
	f := newFake(t, 10*time.Second)
	var rejected atomic.Int64
	f.answer = func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, platformAnswer) }
	c := f.client(t)
	for range 3 {
		if _, err := c.PlatformInfo(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.logins.Load(); n != 3 || rejected.Load() != 0 {
		t.Fatalf("%d logins, want one per call for a token inside the margin", n)
	}
	exp, err := c.TokenExpiry(context.Background())
	if err != nil || time.Until(exp) > 11*time.Second || time.Until(exp) < 0 {
		t.Fatalf("expiry %v %v", exp, err)
	}
}

func TestOneLoginUnderConcurrency(t *testing.T) {
	srv := saagietest.NewServer()
	defer srv.Close()
	c, err := saagie.New(context.Background(), srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.Projects.List(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := srv.LoginCount(); n != 1 {
		t.Fatalf("%d logins", n)
	}
	srv.RevokeTokens()
	if _, err := c.Projects.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := srv.LoginCount(); n != 2 {
		t.Fatalf("%d logins after revocation", n)
	}
}

func TestBadCredentialsAndSecrets(t *testing.T) {
	srv := saagietest.NewServer()
	defer srv.Close()
	c, _ := saagie.New(context.Background(), srv.URL, srv.PlatformID, srv.User, "wrong-password-xyz", srv.Realm, facade.WithRetry(0, 0, 0))
	err := c.Login(context.Background())
	if !errors.Is(err, facade.ErrUnauthorized) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Fatal("password in error")
	}
}

func TestNotAJWT(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html>login page</html>")
	}))
	defer srv.Close()
	c, _ := saagie.New(context.Background(), srv.URL, 1, "u", "p", "acme")
	var de *facade.DecodeError
	if err := c.Login(context.Background()); !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
}

func TestGraphQLPartialData(t *testing.T) {
	f := newFake(t, time.Hour)
	f.answer = func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data":{"projects":[{"id":"p1","name":"ok","creator":"u","description":null,"jobsCount":0,"status":"READY"}]},
		 "errors":[{"message":"Project not valid","path":["projects",1],"extensions":{"project":"NOT_EXISTS","classification":"ValidationError"}}]}`)
	}
	c := f.client(t)
	ps, err := c.Projects.List(context.Background())
	var ge *saagie.GraphQLError
	if !errors.As(err, &ge) || len(ge.Errors) != 1 || ge.Operation != "ListProjects" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, facade.ErrNotFound) || !errors.Is(err, facade.ErrValidation) || errors.Is(err, facade.ErrUnauthorized) {
		t.Fatalf("sentinels of %v", err)
	}
	if len(ps) != 1 || ps[0].Name != "ok" {
		t.Fatalf("partial data lost: %+v", ps)
	}
	if !strings.Contains(err.Error(), "projects.1") || !strings.Contains(err.Error(), "project: NOT_EXISTS") {
		t.Fatalf("message %q", err)
	}
}

// TestGraphQLErrorsBeatWrongTypedData: an answer whose data does not have
// the operation's shape but that carries errors is the server's
// *GraphQLError, not a decoding failure, whichever member comes first; a
// wrong-typed data alone, or broken JSON, stays a *facade.DecodeError.
func TestGraphQLErrorsBeatWrongTypedData(t *testing.T) {
	for _, tc := range []struct {
		body     string
		graphQL  bool
		notFound bool
	}{
		{`{"data":{"project":"p1"},"errors":[{"message":"Project not found","path":["project"],"extensions":{"project":"NOT_EXISTS"}}]}`, true, true},
		{`{"errors":[{"message":"boom"}],"data":{"project":[1,2]}}`, true, false},
		{`{"data":{"project":"p1"}}`, false, false},
		{`{"data":{"project":"p1"},"errors":[{"message":"boom"}]`, false, false}, // cut short
	} {
		f := newFake(t, time.Hour)
		f.answer = func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, tc.body) }
		_, err := f.client(t).Projects.Get(context.Background(), "p1")
		var ge *saagie.GraphQLError
		var de *facade.DecodeError
		switch {
		case tc.graphQL && (!errors.As(err, &ge) || ge.Operation != "GetProject" || len(ge.Errors) != 1 || errors.As(err, &de)):
			t.Errorf("%s: got %T %v, want a *GraphQLError", tc.body, err, err)
		case !tc.graphQL && (!errors.As(err, &de) || errors.As(err, &ge)):
			t.Errorf("%s: got %T %v, want a *facade.DecodeError", tc.body, err, err)
		case errors.Is(err, facade.ErrNotFound) != tc.notFound:
			t.Errorf("%s: errors.Is(ErrNotFound) = %v", tc.body, !tc.notFound)
		}
	}
}

func TestGraphQLNullWithoutError(t *testing.T) {
	f := newFake(t, time.Hour)
	f.answer = func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"data":{"project":null}}`) }
	_, err := f.client(t).Projects.Get(context.Background(), "x")
	var nf *saagie.NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}

func TestWaitEveryFinalState(t *testing.T) {
	for _, final := range saagie.FinalStatuses {
		t.Run(string(final), func(t *testing.T) {
			f := newFake(t, time.Hour)
			var polls atomic.Int64
			f.answer = func(w http.ResponseWriter, r *http.Request) {
				status := "RUNNING"
				if polls.Add(1) > 2 {
					status = string(final)
				}
				fmt.Fprintf(w, `{"data":{"jobInstance":{"__typename":"JobInstance","id":"i1","number":1,"status":%q,"history":{"currentStatus":{"status":%q,"details":null,"reason":null,"recordAt":"2024-01-01T00:00:00Z"}},"startTime":"2024-01-01T00:00:00.000+0000","endTime":null,"jobId":"j1","jobAlias":null,"pipelineInstanceId":null,"version":{"number":1},"executionGlobalVariablesInput":[],"executionVariablesOutput":[]}}}`, status, status)
			}
			var seen []saagie.InstanceStatus
			in, err := f.client(t).Jobs.Wait(context.Background(), "i1", &saagie.RunWaitOptions{
				WaitOptions: facade.WaitOptions{Interval: time.Millisecond, MaxInterval: time.Millisecond, Timeout: 5 * time.Second},
				Progress:    func(s saagie.InstanceStatus, _ time.Duration) { seen = append(seen, s) },
			})
			if in == nil || in.Status != final || len(seen) != 3 || in.Start.IsZero() {
				t.Fatalf("instance %+v seen %v err %v", in, seen, err)
			}
			var rf *saagie.RunFailedError
			if final == saagie.StatusSucceeded {
				if err != nil {
					t.Fatal(err)
				}
			} else if !errors.As(err, &rf) || rf.Status != final {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestWaitTimeoutAndCustomFinalSet(t *testing.T) {
	f := newFake(t, time.Hour)
	f.answer = func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data":{"jobInstance":{"id":"i1","number":1,"status":"ERROR","history":null,"startTime":"2024-01-01T00:00:00Z","endTime":null,"jobId":"j1","jobAlias":null,"pipelineInstanceId":null,"version":{"number":1},"executionGlobalVariablesInput":null,"executionVariablesOutput":null}}}`)
	}
	// saagieapi's final set: ERROR is not in it, so the wait times out.
	_, err := f.client(t).Jobs.Wait(context.Background(), "i1", &saagie.RunWaitOptions{
		WaitOptions: facade.WaitOptions{Interval: time.Millisecond, Timeout: 50 * time.Millisecond},
		Final:       []saagie.InstanceStatus{saagie.StatusSucceeded, saagie.StatusFailed, saagie.StatusKilled, saagie.StatusUnknown},
	})
	var wt *facade.WaitTimeoutError
	if !errors.As(err, &wt) || !errors.Is(err, context.DeadlineExceeded) || wt.LastState != "ERROR" {
		t.Fatalf("got %v", err)
	}
}
