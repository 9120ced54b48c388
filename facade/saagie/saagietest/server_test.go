package saagietest_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

func TestLoginIssuesExpiringJWT(t *testing.T) {
	clock := newClock()
	srv := saagietest.NewServer(saagietest.WithClock(clock.Now), saagietest.WithTokenTTL(10*time.Minute))
	t.Cleanup(srv.Close)
	g := &gql{t: t, srv: srv, hc: srv.Client(), base: srv.URL}

	// Realm case is ignored (the Gradle plugin lower-cases it); a wrong
	// realm, user or password, or no realm at all, is a 401.
	tok := g.login(srv.User, srv.Password, strings.ToUpper(srv.Realm))
	for name, c := range map[string][3]string{
		"wrong password": {srv.User, "nope", srv.Realm},
		"wrong user":     {"bob", srv.Password, srv.Realm},
		"wrong realm":    {srv.User, srv.Password, "other"},
		"no realm":       {srv.User, srv.Password, ""},
	} {
		if status, body := g.loginRaw(c[0], c[1], c[2]); status != http.StatusUnauthorized {
			t.Errorf("%s: got %d %s, want 401", name, status, body)
		} else if strings.Contains(body, srv.Password) {
			t.Errorf("%s: the error body echoes the password", name)
		}
	}
	if n := srv.LoginCount(); n != 1 {
		t.Errorf("LoginCount = %d, want 1 (failed logins do not count)", n)
	}

	// The token is a JWT whose exp is the clock plus the TTL.
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &claims); err != nil {
		t.Fatalf("the login did not answer a JWT: %v", err)
	}
	if want := clock.Now().Add(10 * time.Minute); !claims.ExpiresAt.Equal(want) {
		t.Errorf("exp = %v, want %v", claims.ExpiresAt, want)
	}

	g.token = tok
	g.must(`{ projects { id } }`, nil)

	// Past exp, GraphQL and REST answer 401 with a body that is no GraphQL
	// result, so that clients look at the status and log in again.
	clock.Advance(10*time.Minute + time.Second)
	status, body := g.post(srv.ProjectsURL(), strings.NewReader(`{"query":"{ projects { id } }"}`), "application/json")
	if status != http.StatusUnauthorized {
		t.Fatalf("expired token on GraphQL: %d %s", status, body)
	}
	if r := decode(t, body); r.raw["data"] != nil || r.raw["errors"] != nil {
		t.Errorf("401 body looks like a GraphQL result: %s", body)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/auth/api/users", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Saagie-Realm", srv.Realm)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("expired token on REST: %d", resp.StatusCode)
	}

	// A new login works again.
	g.token = g.login(srv.User, srv.Password, srv.Realm)
	g.must(`{ projects { id } }`, nil)
	if n := srv.LoginCount(); n != 2 {
		t.Errorf("LoginCount = %d, want 2", n)
	}
}

func TestMissingRevokedAndForeignTokens(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	for name, tok := range map[string]string{
		"missing":  "",
		"garbage":  "not-a-jwt",
		"unsigned": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
	} {
		g.token = tok
		if status, _ := g.post(srv.ProjectsURL(), strings.NewReader(`{"query":"{ projects { id } }"}`), "application/json"); status != http.StatusUnauthorized {
			t.Errorf("%s token: %d, want 401", name, status)
		}
	}
	// A token of another server (another key) is refused too.
	other := saagietest.NewServer()
	t.Cleanup(other.Close)
	g.token = other.Token()
	if status, _ := g.post(srv.GatewayURL(), strings.NewReader(`{"query":"{ repositories { id } }"}`), "application/json"); status != http.StatusUnauthorized {
		t.Errorf("foreign token: %d, want 401", status)
	}
	g.token = srv.Token()
	g.must(`{ projects { id } }`, nil)
	srv.RevokeTokens()
	if status, _ := g.post(srv.ProjectsURL(), strings.NewReader(`{"query":"{ projects { id } }"}`), "application/json"); status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", status)
	}
	// The cookie the web UI and the Gradle plugin send works as well.
	tok := g.login(srv.User, srv.Password, srv.Realm)
	req, _ := http.NewRequest(http.MethodPost, srv.ProjectsURL(), strings.NewReader(`{"query":"{ projects { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "SAAGIETOKEN" + strings.ToUpper(srv.Realm), Value: tok})
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("cookie token: %d", resp.StatusCode)
	}
}

// saagieapi concatenates a base URL ending in "/" with "/authentication/…",
// and the platform accepts the double slash; nothing may redirect a POST.
func TestDoubleSlashLogin(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := &gql{t: t, srv: srv, hc: srv.Client(), base: srv.URL + "/"}
	if tok := g.login(srv.User, srv.Password, srv.Realm); strings.Count(tok, ".") != 2 {
		t.Errorf("not a JWT: %q", tok)
	}
}

func TestLoginCountUnderConcurrency(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := &gql{t: t, srv: srv, hc: srv.Client(), base: srv.URL}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if status, _ := g.loginRaw(srv.User, srv.Password, srv.Realm); status != http.StatusOK {
				t.Errorf("login: %d", status)
			}
		})
	}
	wg.Wait()
	if n := srv.LoginCount(); n != 5 {
		t.Errorf("LoginCount = %d, want 5", n)
	}
}

func TestFaults(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	srv.FailNextWith(1, saagietest.Fault{Kind: fault.RateLimit, RetryAfter: 1500 * time.Millisecond, Pattern: "POST /projects/"})
	req, _ := http.NewRequest(http.MethodPost, srv.ProjectsURL(), strings.NewReader(`{"query":"{ projects { id } }"}`))
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("fault: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// The fault is consumed: the next request goes through.
	g.must(`{ projects { id } }`, nil)

	srv.FailNextWith(1, saagietest.Fault{GraphQLError: "Unexpected error"})
	r := g.do(`{ projects { id } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Message != "Unexpected error" || r.Data != nil {
		t.Errorf("GraphQL fault: %+v", r)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	g := newGQL(t, srv)
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/nothing/here", 404},
		{"GET", "/projects/api/platform/1/graphql", 405},
		{"POST", "/projects/api/platform/99/graphql", 404},
		{"DELETE", "/auth/api/users", 405},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, bytes.NewReader(nil))
		req.Header.Set("Authorization", "Bearer "+g.token)
		req.Header.Set("Saagie-Realm", srv.Realm)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, resp.StatusCode, body, c.want)
		}
	}
}

func TestListenReportsBusyAddress(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	if _, err := saagietest.Listen(saagietest.WithAddr(addr)); err == nil {
		t.Fatal("Listen on a busy address succeeded")
	}
	_, port, _ := strings.Cut(addr, ":")
	if want := "http://saagie-workspace.localhost:" + port + "/projects/platform/1/"; srv.PlatformURL() != want {
		t.Errorf("PlatformURL = %q, want %q", srv.PlatformURL(), want)
	}
}

// The emulator answers whatever Host a request names, so the
// "<realm>-workspace.localhost" URL works as well as the loopback one.
func TestWorkspaceHostAccepted(t *testing.T) {
	srv := saagietest.NewServer()
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/authentication/api/open/authenticate",
		strings.NewReader(`{"login":"`+srv.User+`","password":"`+srv.Password+`"}`))
	req.Host = strings.TrimPrefix(srv.WorkspaceURL(), "http://")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Saagie-Realm", srv.Realm)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || req.Host == srv.URL {
		t.Fatalf("login with Host %s: %d", req.Host, resp.StatusCode)
	}
	tls := saagietest.NewServer(saagietest.WithTLS())
	t.Cleanup(tls.Close)
	if tls.WorkspaceURL() != tls.URL {
		t.Errorf("a TLS server's certificate names 127.0.0.1 only, yet WorkspaceURL = %q", tls.WorkspaceURL())
	}
}

// WithIDSeed: two servers given the same seed and the same requests hand
// out the same ids; other seeds and the default do not.
func TestIDSeed(t *testing.T) {
	ids := func(opts ...saagietest.Option) []string {
		srv := saagietest.NewServer(append(opts, saagietest.WithDemoData())...)
		defer srv.Close()
		var out []string
		srv.Seed(func(sd *saagietest.Seeder) {
			p := sd.Project("P", "")
			out = append(out, p, sd.TechnologyID("Saagie", "python"), sd.Job(p, saagietest.JobSpec{Name: "j"}))
		})
		return out
	}
	a, b := ids(saagietest.WithIDSeed(7)), ids(saagietest.WithIDSeed(7))
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different ids: %v %v", a, b)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, id := range a {
		if !uuid.MatchString(id) {
			t.Fatalf("%q is not a version 4 UUID", id)
		}
	}
	if c := ids(saagietest.WithIDSeed(8)); slices.Equal(a, c) {
		t.Fatal("another seed gave the same ids")
	}
	if r1, r2 := ids(), ids(); slices.Equal(r1, r2) {
		t.Fatal("random ids repeated")
	}
}
