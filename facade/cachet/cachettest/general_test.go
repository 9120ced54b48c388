package cachettest_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

func TestPing(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/ping", nil, guest()).must(t, 200)
	eq(t, "data", r.str(t, "data"), "Pong!")
	eq(t, "content type", r.header.Get("Content-Type"), "application/json")
	// An invalid token on an optional route is ignored, not refused.
	e.call("GET", "/ping", nil, token("nope")).must(t, 200)
}

func TestVersion(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/version", nil).must(t, 200)
	eq(t, "data", r.str(t, "data"), "2.4.0-dev")
	eq(t, "tag", r.str(t, "meta", "latest", "tag_name"), "v2.3.18")
	eq(t, "prelease", r.get(t, "meta", "latest", "prelease"), any(false))
	eq(t, "draft", r.get(t, "meta", "latest", "draft"), any(false))
	// version_compare puts any number above the word "v": 2.4.0-dev is "newer".
	eq(t, "on_latest", r.get(t, "meta", "on_latest"), any(true))

	e = newEnv(t, cachettest.WithVersion("2.3.10"), cachettest.WithLatestRelease("2.3.18", true, false))
	r = e.call("GET", "/version", nil).must(t, 200)
	eq(t, "data", r.str(t, "data"), "2.3.10")
	eq(t, "on_latest", r.get(t, "meta", "on_latest"), any(false))
	eq(t, "prelease", r.get(t, "meta", "latest", "prelease"), any(true))

	e = newEnv(t, cachettest.WithReleaseCheckFailure())
	e.call("GET", "/version", nil).must(t, 500)
}

func TestStatus(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/status", nil).must(t, 200)
	eq(t, "status", r.str(t, "data", "status"), "success")
	eq(t, "message", r.str(t, "data", "message"), "System operational")
	cc := r.header.Get("Cache-Control")
	if !regexp.MustCompile(`^public,max-age=\d{10}$`).MatchString(cc) {
		t.Errorf("Cache-Control %q: want the (buggy) Unix-time max-age", cc)
	}

	ids := e.srv.SeedComponents(4)
	r = e.call("GET", "/status", nil).must(t, 200)
	eq(t, "message (many)", r.str(t, "data", "message"), "All systems are operational")

	e.call("PUT", "/components/"+strconv.Itoa(ids[0]), map[string]any{"status": 2}).must(t, 200)
	r = e.call("GET", "/status", nil).must(t, 200)
	eq(t, "status", r.str(t, "data", "status"), "info")
	eq(t, "message", r.str(t, "data", "message"), "Some systems are experiencing issues")

	e.call("PUT", "/components/"+strconv.Itoa(ids[1]), map[string]any{"status": 4}).must(t, 200)
	r = e.call("GET", "/status", nil).must(t, 200)
	eq(t, "status at 25% major", r.str(t, "data", "status"), "info")
	e.call("PUT", "/components/"+strconv.Itoa(ids[2]), map[string]any{"status": 4}).must(t, 200)
	r = e.call("GET", "/status", nil).must(t, 200)
	eq(t, "status at 50% major", r.str(t, "data", "status"), "danger")
	eq(t, "message", r.str(t, "data", "message"), "Some systems are experiencing major issues")

	// All operational again, but an open incident keeps it at info.
	for _, id := range ids {
		e.call("PUT", "/components/"+strconv.Itoa(id), map[string]any{"status": 1}).must(t, 200)
	}
	inc := e.call("POST", "/incidents", map[string]any{"name": "x", "status": 1, "message": "m"}).must(t, 200).id(t)
	eq(t, "with open incident", e.call("GET", "/status", nil).must(t, 200).str(t, "data", "status"), "info")
	e.call("POST", "/incidents/"+strconv.Itoa(inc)+"/updates", map[string]any{"status": 4, "message": "fixed"}).must(t, 200)
	eq(t, "incident fixed", e.call("GET", "/status", nil).must(t, 200).str(t, "data", "status"), "success")

	// A guest does not count the components of a hidden group.
	e = newEnv(t)
	grp := e.call("POST", "/components/groups", map[string]any{"name": "private"}).must(t, 200).id(t)
	e.call("POST", "/components", map[string]any{"name": "db", "status": 4, "group_id": grp}).must(t, 200)
	eq(t, "as admin", e.call("GET", "/status", nil).must(t, 200).str(t, "data", "status"), "danger")
	eq(t, "as guest", e.call("GET", "/status", nil, guest()).must(t, 200).str(t, "data", "status"), "success")
}

func TestErrorBody(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/components/99", nil).must(t, 404)
	eq(t, "errors", len(r.get(t, "errors").([]any)), 1)
	eq(t, "status", r.num(t, "errors", "0", "status"), 404)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Not Found")
	if r.str(t, "errors", "0", "detail") == "" {
		t.Error("empty detail")
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(r.str(t, "errors", "0", "id")) {
		t.Errorf("id %q is not a UUID v4", r.str(t, "errors", "0", "id"))
	}
	if r.has("errors", "0", "meta") {
		t.Error("meta on a non-validation error")
	}
	id2 := e.call("GET", "/components/99", nil).must(t, 404).str(t, "errors", "0", "id")
	if id2 == r.str(t, "errors", "0", "id") {
		t.Error("error ids repeat")
	}

	r = e.call("POST", "/components", map[string]any{}).must(t, 400)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Bad Request")
	eq(t, "detail", r.str(t, "errors", "0", "detail"), "The request cannot be fulfilled due to bad syntax.")
	eqSlice(t, "details", r.errDetails(t), []string{"The name field is required.", "The status field is required."})
}

func TestRouting(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/nope", nil).must(t, 404)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Not Found")
	e.call("GET", "/components/1/nope", nil).must(t, 404)
	e.call("GET", "/incidents/1/nope", nil).must(t, 404)

	// Wrong method on a known path: 405 with Allow.
	r = e.call("PATCH", "/components", nil).must(t, 405)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Method Not Allowed")
	eq(t, "Allow", r.header.Get("Allow"), "GET, HEAD, POST")
	// There is no GET for one metric point; PUT and DELETE exist.
	r = e.call("GET", "/metrics/1/points/1", nil).must(t, 405)
	eq(t, "Allow", r.header.Get("Allow"), "PUT, DELETE")
	// Nor GET/PUT for one subscriber.
	e.call("GET", "/subscribers/1", nil).must(t, 405)

	// HEAD is served by the GET routes. Unchecked: the spec lists no HEAD
	// operations.
	r = e.call("HEAD", "/ping", nil, unchecked()).must(t, 200)
	eq(t, "HEAD body", len(r.body), 0)

	// OPTIONS gets Laravel's automatic answer. Unchecked: the spec lists no
	// OPTIONS operations.
	r = e.call("OPTIONS", "/components/1", nil, unchecked()).must(t, 200)
	eq(t, "Allow", r.header.Get("Allow"), "GET,HEAD,PUT,DELETE")

	// Outside the API there is nothing (the real site serves its HTML pages).
	resp, err := e.raw.Get(strings.TrimSuffix(e.srv.URL, "/api/v1") + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	eq(t, "root", resp.StatusCode, 404)

	// /incidents/templates/{id} and /incidents/{id}/updates overlap.
	tpl := e.srv.AddIncidentTemplate("Outage", "", "Down: {{ incident.name }}")
	e.call("GET", "/incidents/templates/"+strconv.Itoa(tpl), nil).must(t, 200)
	e.call("GET", "/incidents/templates/updates", nil).must(t, 404)
}

func TestTrailingSlashRedirect(t *testing.T) {
	e := newEnv(t)
	// The stock .htaccess rule answers 301 to the URL without the slash,
	// for every method: a client following it turns a POST into a GET.
	// Unchecked: the spec has no paths with a trailing slash.
	for _, m := range []string{"GET", "POST", "DELETE"} {
		r := e.call(m, "/components/?page=2", nil, unchecked()).must(t, 301)
		eq(t, m+" Location", r.header.Get("Location"), e.srv.URL+"/components?page=2")
	}
}

func TestAccept(t *testing.T) {
	e := newEnv(t)
	e.call("GET", "/ping", nil, header("Accept", "text/html")).must(t, 406)
	r := e.call("GET", "/components", nil, header("Accept", "text/html, application/xhtml+xml")).must(t, 406)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Not Acceptable")
	for _, ok := range []string{"", "*/*", "application/*", "application/json; charset=utf-8", "text/html, */*;q=0.1", "application/json;q=0"} {
		e.call("GET", "/ping", nil, header("Accept", ok)).must(t, 200)
	}
	// Route model binding runs before the Accept check: 404 wins.
	e.call("GET", "/components/42", nil, header("Accept", "text/html")).must(t, 404)
	// And the Accept check before authentication.
	e.call("POST", "/components", map[string]any{}, guest(), header("Accept", "text/html")).must(t, 406)
}

func TestAuth(t *testing.T) {
	e := newEnv(t, cachettest.WithToken("secret"))
	eq(t, "Token", e.srv.Token, "secret")
	e.call("POST", "/components", map[string]any{"name": "a", "status": 1}, guest()).must(t, 401)
	r := e.call("POST", "/components", map[string]any{"name": "a", "status": 1}, token("wrong")).must(t, 401)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Unauthorized")
	e.call("GET", "/subscribers", nil, guest()).must(t, 401)
	e.call("GET", "/subscribers", nil).must(t, 200)
	// Basic auth is not supported by 2.x.
	e.call("GET", "/subscribers", nil, guest(), header("Authorization", "Basic YWRtaW46c2VjcmV0")).must(t, 401)
	// Binding comes first: a write to a missing id is 404, not 401.
	e.call("DELETE", "/components/77", nil, guest()).must(t, 404)
	for _, path := range []string{"/components", "/components/groups", "/incidents", "/metrics", "/schedules", "/incidents/templates"} {
		e.call("GET", path, nil, guest()).must(t, 200)
	}

	// A random default token, hex from crypto/rand.
	srv := cachettest.NewServer()
	defer srv.Close()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(srv.Token) {
		t.Errorf("default token %q", srv.Token)
	}
}

func TestAlwaysAuthenticate(t *testing.T) {
	e := newEnv(t, cachettest.WithAlwaysAuthenticate())
	for _, p := range []string{"/ping", "/version", "/status"} {
		e.call("GET", p, nil, guest()).must(t, 200)
	}
	// The spec documents this 401 on the read routes.
	for _, p := range []string{"/components", "/components/groups", "/incidents", "/metrics", "/schedules", "/incidents/templates"} {
		e.call("GET", p, nil, guest()).must(t, 401)
		e.call("GET", p, nil).must(t, 200)
	}
}

func TestTimeZoneHeader(t *testing.T) {
	clock := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, cachettest.WithClock(func() time.Time { return clock }))
	r := e.call("POST", "/components", map[string]any{"name": "a", "status": 1}).must(t, 200)
	eq(t, "created_at UTC", r.str(t, "data", "created_at"), "2024-05-01 12:00:00")
	r = e.call("GET", "/components/1", nil, header("Time-Zone", "Europe/Paris")).must(t, 200)
	eq(t, "created_at Paris", r.str(t, "data", "created_at"), "2024-05-01 14:00:00")
	r = e.call("GET", "/components/1", nil, header("Time-Zone", "Not/AZone")).must(t, 200)
	eq(t, "unknown zone ignored", r.str(t, "data", "created_at"), "2024-05-01 12:00:00")

	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	e = newEnv(t, cachettest.WithClock(func() time.Time { return clock }), cachettest.WithTimeZone(tokyo))
	r = e.call("POST", "/components", map[string]any{"name": "a", "status": 1}).must(t, 200)
	eq(t, "site zone", r.str(t, "data", "created_at"), "2024-05-01 21:00:00")
}

func TestTLS(t *testing.T) {
	srv := cachettest.NewServer(cachettest.WithTLS())
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("URL %s", srv.URL)
	}
	cert := srv.Certificate()
	if cert == nil {
		t.Fatal("no certificate")
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	resp, err := srv.Client().Get(srv.URL + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	eq(t, "status", resp.StatusCode, 200)

	plain := cachettest.NewServer()
	defer plain.Close()
	if plain.Certificate() != nil {
		t.Error("certificate on a plain server")
	}
}

func TestHandlerAndAddr(t *testing.T) {
	srv := cachettest.NewServer(cachettest.WithAddr("127.0.0.1:0"))
	defer srv.Close()
	// The bare handler serves full paths; links use the request's host.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/ping", nil)
	srv.Handler().ServeHTTP(rec, req)
	eq(t, "status", rec.Code, http.StatusOK)
	eq(t, "body", rec.Body.String(), `{"data":"Pong!"}`)
	if strings.HasSuffix(srv.URL, "/") || !strings.HasSuffix(srv.URL, "/api/v1") {
		t.Errorf("URL %s", srv.URL)
	}
}

// Listen serves like NewServer, and reports an address it cannot bind
// as an error where NewServer panics.
func TestListen(t *testing.T) {
	for name, opts := range map[string][]cachettest.Option{
		"default": nil,
		"addr":    {cachettest.WithAddr("127.0.0.1:0")},
		"tls":     {cachettest.WithTLS()},
	} {
		t.Run(name, func(t *testing.T) {
			srv, err := cachettest.Listen(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			if !strings.HasPrefix(srv.URL, "http") || !strings.Contains(srv.URL, "://127.0.0.1:") || !strings.HasSuffix(srv.URL, "/api/v1") {
				t.Errorf("URL %s", srv.URL)
			}
			resp, err := srv.Client().Get(srv.URL + "/ping")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			eq(t, "status", resp.StatusCode, 200)
		})
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	srv, err := cachettest.Listen(cachettest.WithAddr(addr))
	var opErr *net.OpError
	if srv != nil || !errors.As(err, &opErr) || !strings.Contains(err.Error(), addr) {
		t.Errorf("Listen on a busy address = %v, %v; want a *net.OpError naming %s", srv, err, addr)
	}

	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), addr) {
			t.Errorf("NewServer on a busy address: recovered %v; want a panic naming %s", r, addr)
		}
	}()
	cachettest.NewServer(cachettest.WithAddr(addr)).Close()
}

func TestLatencyAndFaults(t *testing.T) {
	e := newEnv(t, cachettest.WithLatency(30*time.Millisecond))
	start := time.Now()
	e.call("GET", "/ping", nil).must(t, 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered in %v despite the latency", d)
	}

	e = newEnv(t)
	e.srv.FailNext(2, 503, "GET /api/v1/components")
	e.call("GET", "/ping", nil).must(t, 200) // not matched
	r := e.call("GET", "/components", nil).must(t, 503)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Service Unavailable")
	eq(t, "no Retry-After", r.header.Get("Retry-After"), "")
	e.call("GET", "/components", nil).must(t, 503)
	e.call("GET", "/components", nil).must(t, 200)

	// A 429 with Retry-After in whole seconds, rounded up. Unchecked: the
	// spec documents no 429 (a proxy in front of Cachet sends it).
	e.srv.FailNextWith(2, cachettest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond, Pattern: "POST "})
	e.call("GET", "/components", nil).must(t, 200) // not matched
	r = e.call("POST", "/components", map[string]any{"name": "x", "status": 1}, unchecked()).must(t, 429)
	eq(t, "title", r.str(t, "errors", "0", "title"), "Too Many Requests")
	eq(t, "Retry-After", r.header.Get("Retry-After"), "2")
	e.call("POST", "/components", map[string]any{"name": "x", "status": 1}, unchecked()).must(t, 429)
	e.call("POST", "/components", map[string]any{"name": "x", "status": 1}).must(t, 200)
}

func TestCORS(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/components", nil, header("Origin", "https://example.org")).must(t, 200)
	eq(t, "allow origin", r.header.Get("Access-Control-Allow-Origin"), "*")
	// Unchecked: the spec lists no OPTIONS operations.
	r = e.call("OPTIONS", "/components", nil, unchecked(), header("Origin", "https://example.org"),
		header("Access-Control-Request-Method", "GET")).must(t, 200)
	eq(t, "preflight", r.header.Get("Access-Control-Allow-Headers"), "X-Cachet-Token")
}

// The generated types are what the emulator encodes: a component created
// with them decodes back into them.
func TestGeneratedTypesRoundTrip(t *testing.T) {
	e := newEnv(t)
	r := e.call("POST", "/components", cachetapi.ComponentCreate{Name: "api", Status: cachetapi.ComponentStatusOperational}).must(t, 200)
	eq(t, "name", r.str(t, "data", "name"), "api")
}
