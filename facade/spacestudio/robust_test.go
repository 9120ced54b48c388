package spacestudio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

const fakePassword = "pw-Zq8!secret"

// fakeServer answers the login and the user lookup like spacestudio, and
// every other request with the answer the test sets for its path.
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	answers map[string]func(w http.ResponseWriter, r *http.Request)
}

func newFake(t testing.TB) *fakeServer {
	t.Helper()
	f := &fakeServer{answers: map[string]func(http.ResponseWriter, *http.Request){}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		h, ok := f.answers[r.Method+" "+r.URL.Path]
		f.mu.Unlock()
		switch {
		case ok:
			h(w, r)
		case r.URL.Path == spacestudiotest.TokenPath:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"access_token":"acc-tok-1","refresh_token":"ref-tok-1","expires_in":300,"token_type":"Bearer"}`)
		case r.URL.Path == "/exoops/users/infos":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"u1"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// answer makes METHOD path answer status with contentType and body.
func (f *fakeServer) answer(key string, status int, contentType, body string) {
	f.handle(key, func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func (f *fakeServer) handle(key string, h func(http.ResponseWriter, *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[key] = h
}

func (f *fakeServer) connect(opts ...spacestudio.Option) (*spacestudio.Client, error) {
	all := append([]spacestudio.Option{spacestudio.WithTokenURL(f.URL + spacestudiotest.TokenPath),
		spacestudio.WithHTTPOptions(facade.WithRetry(0, 0, 0))}, opts...)
	return spacestudio.Connect(context.Background(), f.URL, "m@example.com", fakePassword, "cid", all...)
}

// setupUnchecked is setup without the contract check, for the faults
// that break the contract on purpose.
func setupUnchecked(t *testing.T, opts ...spacestudiotest.Option) (*spacestudiotest.Server, *spacestudio.Client) {
	t.Helper()
	srv := spacestudiotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := spacestudio.Connect(context.Background(), srv.URL, srv.Mail, srv.Password, srv.ClientID,
		spacestudio.WithTokenURL(srv.TokenURL), spacestudio.WithHTTPOptions(facade.WithRetry(0, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// hangUp answers by closing the connection without a word.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// A token endpoint answering anything but a token gives a typed error
// naming the login, never a panic, and never the password.
func TestTokenEndpointGarbage(t *testing.T) {
	huge := `{"access_token":"` + strings.Repeat("x", 3<<20) + `"}`
	for _, c := range []struct {
		name        string
		status      int
		ct, body    string
		hang        bool
		wantAPI     int // the *facade.APIError status wanted, or 0 for a *facade.DecodeError
		wantTranspt bool
	}{
		{name: "html 200", status: 200, ct: "text/html", body: "<html><body>Sign in</body></html>"},
		{name: "json without token", status: 200, ct: "application/json", body: `{"token_type":"Bearer"}`},
		{name: "token of the wrong type", status: 200, ct: "application/json", body: `{"access_token":5}`},
		{name: "truncated json", status: 200, ct: "application/json", body: `{"access_token":"abc`},
		{name: "error in a 200", status: 200, ct: "application/json", body: `{"error":"temporarily_unavailable"}`},
		{name: "huge body", status: 200, ct: "application/json", body: huge},
		{name: "empty 200", status: 200, ct: "application/json", body: ""},
		{name: "proxy page", status: 502, ct: "text/html", body: "<html><h1>502 Bad Gateway</h1></html>", wantAPI: 502},
		{name: "keycloak refusal", status: 401, ct: "application/json", body: `{"error":"invalid_grant","error_description":"Invalid user credentials"}`, wantAPI: 401},
		{name: "hang-up", hang: true, wantTranspt: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			if c.hang {
				f.handle("POST "+spacestudiotest.TokenPath, hangUp)
			} else {
				f.answer("POST "+spacestudiotest.TokenPath, c.status, c.ct, c.body)
			}
			_, err := f.connect()
			var apiErr *facade.APIError
			var decErr *facade.DecodeError
			var te *facade.TransportError
			switch {
			case c.wantTranspt:
				if !errors.As(err, &te) || te.Operation != "Login" {
					t.Fatalf("want a *facade.TransportError for Login, got %T %v", err, err)
				}
			case c.wantAPI != 0:
				if !errors.As(err, &apiErr) || apiErr.StatusCode != c.wantAPI || apiErr.Operation != "Login" {
					t.Fatalf("want a %d *facade.APIError for Login, got %T %v", c.wantAPI, err, err)
				}
			default:
				if !errors.As(err, &decErr) || decErr.Operation != "Login" {
					t.Fatalf("want a *facade.DecodeError for Login, got %T %v", err, err)
				}
			}
			if strings.Contains(err.Error(), fakePassword) || len(err.Error()) > 2<<10 {
				t.Fatalf("error too long or holding the password: %.300s", err)
			}
		})
	}
}

// Whatever the API answers, a call gets a typed error, and a list that is
// not a list of objects with ids is refused whole rather than half read.
func TestAPIGarbage(t *testing.T) {
	list := "GET /exoops/users/u1/orbitdefinitions"
	for _, c := range []struct {
		name     string
		status   int
		ct, body string
		want     any
	}{
		{"html 200", 200, "text/html", "<html>maintenance</html>", new(*facade.DecodeError)},
		{"object instead of list", 200, "application/json", `{"id":"1"}`, new(*facade.DecodeError)},
		{"element without id", 200, "application/json", `[{"id":"1"},{"name":"x"}]`, new(*facade.DecodeError)},
		{"id of a wrong type", 200, "application/json", `[{"id":{"$oid":"1"}}]`, new(*facade.DecodeError)},
		{"element not an object", 200, "application/json", `[{"id":"1"},7]`, new(*facade.DecodeError)},
		{"null", 200, "application/json", `null`, new(*facade.DecodeError)},
		{"trailing garbage", 200, "application/json", `[]<html>`, new(*facade.DecodeError)},
		{"html error page", 500, "text/html", "<html>" + strings.Repeat("Internal error ", 1<<16) + "</html>", new(*facade.APIError)},
		{"spring error", 400, "application/json", `{"status":400,"error":"Bad Request","message":"altitude: must be positive"}`, new(*facade.APIError)},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			f.answer(list, c.status, c.ct, c.body)
			cl, err := f.connect()
			if err != nil {
				t.Fatal(err)
			}
			_, err = cl.Orbits.All(context.Background())
			if err == nil || !errors.As(err, c.want) {
				t.Fatalf("want %T, got %T %v", c.want, err, err)
			}
			if len(err.Error()) > 4<<10 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			if c.name == "spring error" && !strings.Contains(err.Error(), "altitude: must be positive") {
				t.Fatalf("the server's message is lost: %v", err)
			}
		})
	}
}

// The user lookup answering nonsense fails Connect with a typed error.
func TestUserLookupGarbage(t *testing.T) {
	for _, body := range []string{`{}`, `{"id":""}`, `{"id":[1]}`, `<html/>`, `[]`} {
		f := newFake(t)
		f.answer("GET /exoops/users/infos", 200, "application/json", body)
		_, err := f.connect()
		var decErr *facade.DecodeError
		if !errors.As(err, &decErr) {
			t.Errorf("%s: got %T %v", body, err, err)
		}
	}
}

// When a create is answered with something other than the object, the
// object is looked up by name, displayedName first, then name.
func TestCreateFallbackLookup(t *testing.T) {
	f := newFake(t)
	path := "/exoops/users/u1/orbitdefinitions"
	f.answer("POST "+path, 200, "application/json", `true`)
	f.answer("GET "+path, 200, "application/json", `[{"id":"9","name":"LEO","displayedName":"LEO (copy)"}]`)
	c, err := f.connect()
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Orbits.Create(context.Background(), map[string]any{"name": "LEO"})
	if err != nil || o.ID != "9" {
		t.Fatalf("got %+v, %v", o, err)
	}
	// Accepted but not listed: an error that says the create happened.
	_, err = c.Orbits.Create(context.Background(), map[string]any{"name": "GEO"})
	if !errors.Is(err, facade.ErrNotFound) || !strings.Contains(err.Error(), "accepted") {
		t.Fatalf("got %v", err)
	}
}

// Downloads cut short are errors, whether the connection drops (a
// transport error) or a proxy sends half a JSON document with a matching
// Content-Length (a decode error); the bytes that arrived are counted.
func TestTruncatedDownloads(t *testing.T) {
	srv, c := setupUnchecked(t, spacestudiotest.WithCompute(1, 0))
	ctx := context.Background()
	orbit := check(c.Orbits.Create(ctx, map[string]any{"name": "o", "altitude": 5e5}))(t)
	sat := check(c.Spacecraft.Create(ctx, map[string]any{"name": "s"}))(t)
	m := check(c.SimulationMissions.Create(ctx, map[string]any{"name": "m", "spacecraft": sat, "initialOrbit": orbit, "ephemeridesStepInSeconds": 60}))(t)
	check(c.SimulationMissions.RunComputation(ctx, m.ID, spacestudio.ComputeOptions{}))(t)
	file := srv.Files()[0]
	user := "GET /exoops/users/" + srv.UserID
	downloads := map[string]func(w io.Writer) (int64, error){
		"/gridfs/ascsv/":  func(w io.Writer) (int64, error) { return c.Files.DownloadCSV(ctx, file, w) },
		"/gridfs/asjson/": func(w io.Writer) (int64, error) { return c.Files.DownloadJSON(ctx, file, w) },
		"/computationlogs/": func(w io.Writer) (int64, error) {
			return c.SimulationMissions.WriteResults(ctx, m.ID, w)
		},
	}
	for prefix, download := range downloads {
		var whole bytes.Buffer
		full, err := download(&whole)
		if err != nil || full == 0 {
			t.Fatalf("%s: %d, %v", prefix, full, err)
		}
		srv.FailNextWith(1, spacestudiotest.Fault{Kind: spacestudiotest.FaultReset, Pattern: user + prefix})
		var buf bytes.Buffer
		n, err := download(&buf)
		var te *facade.TransportError
		if !errors.As(err, &te) || !errors.Is(err, io.ErrUnexpectedEOF) || n != int64(buf.Len()) || n >= full {
			t.Errorf("%s reset: %d of %d bytes, %T %v", prefix, n, full, err, err)
		}
		if prefix == "/gridfs/ascsv/" {
			continue // a CSV cut with a matching Content-Length cannot be told from a short file
		}
		srv.FailNextWith(1, spacestudiotest.Fault{Kind: spacestudiotest.FaultTruncate, Pattern: user + prefix})
		buf.Reset()
		n, err = download(&buf)
		var de *facade.DecodeError
		if !errors.As(err, &de) || !errors.Is(err, io.ErrUnexpectedEOF) || n == 0 || n >= full {
			t.Errorf("%s truncated: %d of %d bytes, %T %v", prefix, n, full, err, err)
		}
	}
}

// failingWriter fails once it has taken limit bytes, like a full disk.
type failingWriter struct{ limit, n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		k := w.limit - w.n
		w.n = w.limit
		return k, syscall.ENOSPC
	}
	w.n += len(p)
	return len(p), nil
}

// A destination that fails is reported as such, not as the network's
// fault, with the writer's own error kept for errors.Is.
func TestDownloadWriterFails(t *testing.T) {
	srv, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(1, 0)})
	ctx := context.Background()
	orbit := check(c.Orbits.Create(ctx, map[string]any{"name": "o", "altitude": 5e5}))(t)
	sat := check(c.Spacecraft.Create(ctx, map[string]any{"name": "s"}))(t)
	m := check(c.SimulationMissions.Create(ctx, map[string]any{"name": "m", "spacecraft": sat, "initialOrbit": orbit}))(t)
	check(c.SimulationMissions.RunComputation(ctx, m.ID, spacestudio.ComputeOptions{}))(t)
	n, err := c.Files.DownloadCSV(ctx, srv.Files()[0], &failingWriter{limit: 10})
	var te *facade.TransportError
	if !errors.Is(err, syscall.ENOSPC) || errors.As(err, &te) || n != 10 {
		t.Fatalf("got %d, %T %v", n, err, err)
	}
	if _, err := c.SimulationMissions.WriteResults(ctx, m.ID, &failingWriter{limit: 10}); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("WriteResults: %v", err)
	}
}

// Faults of the network and of proxies on the API calls: transient ones
// are retried where that is safe; the rest are typed errors.
func TestEmulatorFaults(t *testing.T) {
	srv, c := setupUnchecked(t)
	ctx := context.Background()
	check(c.Orbits.Create(ctx, map[string]any{"name": "o"}))(t)
	list := "GET /exoops/users/" + srv.UserID + "/orbitdefinitions"
	for _, k := range []struct {
		kind spacestudiotest.FaultKind
		want any
	}{
		{spacestudiotest.FaultMalformed, new(*facade.DecodeError)},
		{spacestudiotest.FaultTruncate, new(*facade.DecodeError)},
		{spacestudiotest.FaultReset, new(*facade.DecodeError)},
		{spacestudiotest.FaultHTML, new(*facade.APIError)},
		{spacestudiotest.FaultRateLimit, new(*facade.APIError)},
	} {
		srv.FailNextWith(1, spacestudiotest.Fault{Kind: k.kind, Pattern: list})
		if _, err := c.Orbits.All(ctx); !errors.As(err, k.want) {
			t.Errorf("fault %d: want %T, got %T %v", k.kind, k.want, err, err)
		}
	}
	// With retries on (the default), a proxy page or a 429 on a GET is
	// ridden out.
	retrying, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID,
		spacestudio.WithTokenURL(srv.TokenURL), spacestudio.WithHTTPOptions(facade.WithRetry(2, time.Millisecond, time.Millisecond)))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNextWith(1, spacestudiotest.Fault{Kind: spacestudiotest.FaultHTML, Status: 503, Pattern: list})
	if all, err := retrying.Orbits.All(ctx); err != nil || len(all) != 1 {
		t.Fatalf("after a 503 page: %v, %v", all, err)
	}
}

// VERIFY_SSL_CERTIFICATE=FALSE is what lets a client reach a server with
// a certificate it does not trust; without it the connection is refused.
func TestVerifySSLCertificate(t *testing.T) {
	srv := spacestudiotest.NewServer(spacestudiotest.WithTLS())
	t.Cleanup(srv.Close)
	env := map[string]string{
		"LOG_BASE_URL": srv.URL, "LOG_MAIL": srv.Mail, "LOG_PASSWORD": srv.Password,
		"CLIENT_ID": srv.ClientID, "SPACESTUDIO_TOKEN_URL": srv.TokenURL,
	}
	for _, verify := range []string{"", "false", "FALSE"} {
		env["VERIFY_SSL_CERTIFICATE"] = verify
		s, err := spacestudio.ReadEnv(func(k string) string { return env[k] }, "")
		if err != nil {
			t.Fatal(err)
		}
		c, err := spacestudio.ConnectSettings(context.Background(), s)
		if verify == "FALSE" {
			if err != nil {
				t.Fatalf("VERIFY_SSL_CERTIFICATE=FALSE: %v", err)
			}
			check(c.Orbits.All(context.Background()))(t)
			continue
		}
		var te *facade.TransportError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("VERIFY_SSL_CERTIFICATE=%q: want a certificate error, got %v", verify, err)
		}
	}
}

// Without WithTokenURL the login goes to Exotrail's Keycloak realm.
func TestDefaultTokenURL(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.URL.String())
		mu.Unlock()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("offline test")}
	})
	_, err := spacestudio.Connect(context.Background(), "https://spacestudio.example", "m", "p", "c",
		spacestudio.WithHTTPOptions(facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0)))
	var te *facade.TransportError
	if !errors.As(err, &te) || len(asked) != 1 || asked[0] != "POST "+spacestudio.DefaultTokenURL {
		t.Fatalf("asked %v, got %v", asked, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A .env file that cannot be parsed is a *facade.ConfigError naming the
// file (and the line when it can), without quoting the file: the text
// godotenv would quote can be the password.
func TestEnvFileErrors(t *testing.T) {
	const pw = "hunter2-Secret"
	for _, c := range []struct {
		content string
		line    int
	}{
		{"LOG_MAIL=m\nLOG_PASSWORD=\"" + pw + "\n", 0},
		{"LOG_MAIL=m\nLOG_PASSWORD='" + pw + "\n", 0},
		{"LOG_MAIL=m\n# comment\nLOG_PASSWORD " + pw + "\n", 3},
		{"LOG_MAIL=m\n" + pw + "\n", 2},
		{"LOG_MAIL=m\n=" + pw + "\n", 2},
		{"\x00\x01" + pw, 0},
		{"LOG_MAIL=m\nLOG_PASSWORD=Abc$XYZ1\n", 2},
		{"LOG_MAIL=m\nLOG_PASSWORD=\"Abc$XYZ1\"\n", 2},
	} {
		path := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := spacestudio.ReadEnv(func(string) string { return "" }, path)
		var ce *facade.ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, spacestudio.ErrEnvFile) || ce.File != path {
			t.Errorf("%q: got %T %v", c.content, err, err)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), pw[:6]) {
			t.Errorf("%q: the error quotes the password: %v", c.content, err)
		}
		if c.line != 0 && ce.Line != c.line {
			t.Errorf("%q: line %d, want %d (%v)", c.content, ce.Line, c.line, err)
		}
	}
	// What godotenv and python-dotenv read alike passes.
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("LOG_PASSWORD='Abc$XYZ1'\nLOG_MAIL=a$b@example.com\nCLIENT_ID=x\\$Y\nX=${CLIENT_ID}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := spacestudio.ReadEnv(func(string) string { return "" }, path)
	if err != nil || s.Password != "Abc$XYZ1" || s.Mail != "a$b@example.com" || s.ClientID != "x$Y" {
		t.Errorf("got %+v, %v", s, err)
	}
	// A directory, not a file.
	if _, err := spacestudio.ReadEnv(func(string) string { return "" }, t.TempDir()); err == nil {
		t.Error("a directory was read as a .env file")
	}
}

// Results documents that are not documents are decode errors.
func TestResultsGarbage(t *testing.T) {
	f := newFake(t)
	f.answer("GET /exoops/users/u1/simulationrequests", 200, "application/json", `[{"id":"m1","computationLogId":"L1"}]`)
	c, err := f.connect()
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`[1,2]`, `{"results":{},"errors":"boom"}`, `{"results":{"a":`, `<html/>`} {
		f.answer("GET /exoops/users/u1/computationlogs/L1", 200, "application/json", body)
		_, err := c.SimulationMissions.Results(context.Background(), "m1")
		var de *facade.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: got %T %v", body, err, err)
		}
	}
	// A status that is not JSON ends a wait at once with a decode error.
	f.answer("GET /exoops/users/u1/simulationrequests/status/m1", 200, "text/html", `<html>busy</html>`)
	_, err = c.SimulationMissions.Wait(context.Background(), "m1", spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond, Timeout: 5 * time.Second}})
	var de *facade.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("wait on an HTML status: %T %v", err, err)
	}
	// A JSON status in an unknown shape is kept whole and shown.
	f.answer("GET /exoops/users/u1/simulationrequests/status/m1", 200, "application/json", `{"state":"RUNNING"}`)
	st, err := c.SimulationMissions.Status(context.Background(), "m1")
	if err != nil || st.Finished() || st.Pending() || !json.Valid(st.Raw) || st.String() != `{"state":"RUNNING"}` {
		t.Fatalf("status %v, %v", st, err)
	}
}

// The completeness check of JSON downloads follows strings and escapes:
// brackets inside strings do not count, an escaped quote does not end one.
func TestJSONDownloadCompleteness(t *testing.T) {
	f := newFake(t)
	c, err := f.connect()
	if err != nil {
		t.Fatal(err)
	}
	for body, whole := range map[string]bool{
		`{"a":"x\"}]"}`:       true,
		`{"a":"x\\"}`:         true,
		` [1, {"b": "[["}] `:  true,
		`-1`:                  true,
		`{"a":"x\\`:           false,
		`{"a":"x\"}`:          false,
		`[[1,2],[3,`:          false,
		`{"a":[1]}}`:          false,
		"  \n ":               false,
		`{"a":"` + "\u00e9}]": false,
	} {
		f.answer("GET /exoops/users/u1/gridfs/asjson/f", 200, "application/json", body)
		var buf strings.Builder
		n, err := c.Files.DownloadJSON(context.Background(), "f", &buf)
		if buf.String() != body || n != int64(len(body)) {
			t.Errorf("%q: wrote %q (%d)", body, buf.String(), n)
		}
		var de *facade.DecodeError
		if whole != (err == nil) || (err != nil && !errors.As(err, &de)) {
			t.Errorf("%q: whole=%v, got %v", body, whole, err)
		}
	}
}
