package contract

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

const specYAML = `
openapi: 3.0.3
info: {title: tiny, version: "1"}
servers:
  - url: https://status.example/api/v1
security:
  - token: []
paths:
  /ping:
    get:
      security: []
      responses:
        "200":
          description: pong
          content:
            text/plain:
              schema: {type: string}
  /components/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: token, in: query, schema: {type: integer}}
      responses:
        "200":
          description: one component
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Component"}
        "401":
          description: bad credential
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        "404":
          description: no such component
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /components:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Component"}
        "422":
          description: invalid
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /events:
    get:
      responses:
        "200":
          description: a stream
          content:
            text/event-stream:
              schema: {type: string}
components:
  securitySchemes:
    token: {type: apiKey, in: header, name: X-Cachet-Token}
  schemas:
    Component:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
    Error:
      type: object
      required: [message]
      properties:
        message: {type: string}
`

const secret = "tok-9d8e7f6a5b"

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(specYAML))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// fakeTB records what Spec reports instead of failing the real test.
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) reports() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errors...)
}

// emulator answers like a server under test; the mode picks a mistake.
func emulator(mode string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json := func(status int, body string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
		switch {
		case r.URL.Path == "/api/v1/ping":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "pong")
		case r.URL.Path == "/api/v1/events":
			w.Header().Set("Content-Type", "text/event-stream")
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, "data: one\n\n")
			w.(http.Flusher).Flush()
			select { // a stream stays open; the client leaves first
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case r.URL.Path == "/api/v1/components" && r.Method == "POST":
			body, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(body), `"name"`) && mode != "accept-anything" {
				json(422, `{"message":"name is required"}`)
				return
			}
			json(201, `{"id":1,"name":"api"}`)
		case strings.HasPrefix(r.URL.Path, "/api/v1/components/"):
			switch mode {
			case "wrong-shape":
				json(200, `{"id":"nine","name":"api"}`)
			case "undocumented-status":
				json(500, `{"message":"boom"}`)
			case "no-auth-check":
				json(200, `{"id":9,"name":"api"}`)
			default:
				if r.Header.Get("X-Cachet-Token") == "" {
					json(401, `{"message":"token `+secret+` missing"}`)
					return
				}
				json(200, `{"id":9,"name":"api"}`)
			}
		default:
			if mode == "serve-unknown" {
				json(200, `{}`)
				return
			}
			http.NotFound(w, r)
		}
	})
}

type call struct {
	method, path, body string
	header             map[string]string
}

var good = call{method: "GET", path: "/api/v1/components/9", header: map[string]string{"X-Cachet-Token": secret}}

func send(t *testing.T, c *http.Client, base string, k call) (int, string) {
	t.Helper()
	var body io.Reader
	if k.body != "" {
		body = strings.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), k.method, base+k.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if k.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, v := range k.header {
		req.Header.Set(name, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// cases are shared by both wrappers: the same mistake must be caught on
// either side.
var cases = []struct {
	name   string
	mode   string
	call   call
	opts   []Option
	report string // substring of the expected report; "" = no report
}{
	{"valid exchange", "", good, nil, ""},
	{"public path without credential", "", call{method: "GET", path: "/api/v1/ping"}, nil, ""},
	{"wrong response shape", "wrong-shape", good, nil, "response 200 does not match the spec"},
	{"undocumented status", "undocumented-status", good, nil, "response 500 does not match the spec"},
	{"missing credential, rejected", "", call{method: "GET", path: "/api/v1/components/9"}, nil, ""},
	{"missing credential, accepted", "no-auth-check", call{method: "GET", path: "/api/v1/components/9"}, nil, "request does not match the spec (server answered 200)"},
	{"bad path parameter, accepted", "no-auth-check", call{method: "GET", path: "/api/v1/components/nine", header: good.header}, nil, "request does not match the spec"},
	{"invalid body, rejected", "", call{method: "POST", path: "/api/v1/components", body: `{}`, header: good.header}, nil, ""},
	{"invalid body, accepted", "accept-anything", call{method: "POST", path: "/api/v1/components", body: `{}`, header: good.header}, nil, "request does not match the spec (server answered 201)"},
	{"valid body", "", call{method: "POST", path: "/api/v1/components", body: `{"name":"api"}`, header: good.header}, nil, ""},
	{"unknown path, rejected", "", call{method: "GET", path: "/api/v1/nowhere", header: good.header}, nil, ""},
	{"unknown path, served", "serve-unknown", call{method: "GET", path: "/api/v1/nowhere", header: good.header}, nil, "no such path in the spec, yet the server answered 200"},
	{"unknown path, allowed", "serve-unknown", call{method: "GET", path: "/api/v1/nowhere", header: good.header}, []Option{AllowUnknownRoutes()}, ""},
	{"unknown method, served", "serve-unknown", call{method: "DELETE", path: "/api/v1/ping"}, nil, "method not allowed in the spec"},
}

func TestRoundTripper(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(emulator(c.mode))
			defer srv.Close()
			ftb := &fakeTB{TB: t}
			spec := Load(ftb, loadDoc(t), srv.URL, c.opts...)
			client := &http.Client{Transport: spec.RoundTripper(srv.Client().Transport)}
			status, body := send(t, client, srv.URL, c.call)
			checkReports(t, ftb.reports(), c.report)
			if status == 200 && c.call.path == "/api/v1/components/9" && c.mode == "" && body != `{"id":9,"name":"api"}` {
				t.Errorf("caller got body %q", body)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ftb := &fakeTB{TB: t}
			// The handler matches routes whatever address the server gets.
			spec := Load(ftb, loadDoc(t), "https://status.example", c.opts...)
			srv := httptest.NewServer(spec.Handler(emulator(c.mode)))
			defer srv.Close()
			bare := httptest.NewServer(emulator(c.mode))
			defer bare.Close()
			wantStatus, wantBody := send(t, bare.Client(), bare.URL, c.call)
			status, body := send(t, srv.Client(), srv.URL, c.call)
			if status != wantStatus || body != wantBody {
				t.Errorf("wrapped handler answered %d %q, bare one %d %q", status, body, wantStatus, wantBody)
			}
			checkReports(t, ftb.reports(), c.report)
		})
	}
}

func checkReports(t *testing.T, got []string, want string) {
	t.Helper()
	for _, r := range got {
		t.Logf("reported: %s", r)
	}
	for _, r := range got {
		if strings.Contains(r, secret) {
			t.Errorf("report leaks the credential: %s", r)
		}
	}
	switch {
	case want == "" && len(got) > 0:
		t.Errorf("unexpected reports:\n%s", strings.Join(got, "\n"))
	case want != "" && len(got) == 0:
		t.Errorf("nothing reported, want %q", want)
	case want != "" && !strings.Contains(strings.Join(got, "\n"), want):
		t.Errorf("reports:\n%s\nwant one containing %q", strings.Join(got, "\n"), want)
	}
}

func TestHandlerKeepsHeadersAndSniffs(t *testing.T) {
	ftb := &fakeTB{TB: t}
	spec := Load(ftb, loadDoc(t), "")
	srv := httptest.NewServer(spec.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "r-1")
		_, _ = io.WriteString(w, "pong") // no Content-Type: net/http would sniff text/plain
	})))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/api/v1/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("X-Request-Id") != "r-1" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("headers %v", resp.Header)
	}
	checkReports(t, ftb.reports(), "")
}

func TestSecretsNeverReported(t *testing.T) {
	// "token" is declared as an integer query parameter: the validator's
	// message quotes the offending value, which is a credential.
	srv := httptest.NewServer(emulator("no-auth-check"))
	defer srv.Close()
	ftb := &fakeTB{TB: t}
	spec := Load(ftb, loadDoc(t), srv.URL)
	client := &http.Client{Transport: spec.RoundTripper(nil)}
	send(t, client, srv.URL, call{method: "GET", path: "/api/v1/components/9?token=" + secret, header: good.header})
	got := ftb.reports()
	checkReports(t, got, "request does not match the spec")
	if !strings.Contains(strings.Join(got, "\n"), "[REDACTED]") {
		t.Errorf("expected a redacted value in %q", got)
	}
}

func TestEventStreamsPassThrough(t *testing.T) {
	check := func(t *testing.T, client *http.Client, url string) {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/v1/events", nil)
		req.Header.Set("X-Cachet-Token", secret)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		line, err := bufio.NewReader(resp.Body).ReadString('\n')
		if err != nil || line != "data: one\n" {
			t.Fatalf("first event %q, %v: the stream was buffered", line, err)
		}
	}
	t.Run("round tripper", func(t *testing.T) {
		srv := httptest.NewServer(emulator(""))
		defer srv.Close()
		ftb := &fakeTB{TB: t}
		spec := Load(ftb, loadDoc(t), srv.URL)
		check(t, &http.Client{Transport: spec.RoundTripper(srv.Client().Transport)}, srv.URL)
		checkReports(t, ftb.reports(), "")
	})
	t.Run("handler", func(t *testing.T) {
		ftb := &fakeTB{TB: t}
		spec := Load(ftb, loadDoc(t), "")
		srv := httptest.NewServer(spec.Handler(emulator("")))
		defer srv.Close()
		check(t, srv.Client(), srv.URL)
		checkReports(t, ftb.reports(), "")
	})
}

func TestLoadDoesNotModifyDoc(t *testing.T) {
	doc := loadDoc(t)
	Load(t, doc, "http://127.0.0.1:1")
	if doc.Servers[0].URL != "https://status.example/api/v1" {
		t.Errorf("servers rewritten in the caller's doc: %s", doc.Servers[0].URL)
	}
}

func TestServerFor(t *testing.T) {
	cases := []struct{ in, base, want string }{
		{"http://127.0.0.1:8080", "/api/v1", "http://127.0.0.1:8080/api/v1"},
		{"http://127.0.0.1:8080/", "/api/v1/", "http://127.0.0.1:8080/api/v1"},
		{"http://127.0.0.1:8080/custom", "/api/v1", "http://127.0.0.1:8080/custom"},
		{"", "/api/v1", "/api/v1"},
		{"", "/", "/"},
	}
	for _, c := range cases {
		if got, _, _, err := serverFor(c.in, c.base); err != nil || got != c.want {
			t.Errorf("serverFor(%q, %q) = %q, %v; want %q", c.in, c.base, got, err, c.want)
		}
	}
	if _, _, _, err := serverFor("127.0.0.1:8080", "/"); err == nil {
		t.Error("URL without scheme accepted")
	}
}

func TestInvalidDocFailsLoad(t *testing.T) {
	doc := loadDoc(t)
	doc.Info = nil
	ftb := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Load(ftb, doc, "")
		t.Error("Load returned on an invalid document")
	}()
	<-done
	if !strings.Contains(ftb.fatal, "invalid OpenAPI document") {
		t.Errorf("fatal = %q", ftb.fatal)
	}
}

func TestBodyDecoderRestored(t *testing.T) {
	const ct = "application/x-switchboard-test"
	if openapi3filter.RegisteredBodyDecoder(ct) != nil {
		t.Fatal("test content type already registered")
	}
	t.Run("registered during the test", func(t *testing.T) {
		Load(t, loadDoc(t), "", WithBodyDecoder(ct, openapi3filter.PlainBodyDecoder))
		if openapi3filter.RegisteredBodyDecoder(ct) == nil {
			t.Error("decoder not registered")
		}
	})
	if openapi3filter.RegisteredBodyDecoder(ct) != nil {
		t.Error("decoder left registered after the test")
	}

	before := openapi3filter.RegisteredBodyDecoder("text/plain")
	t.Run("replaced during the test", func(t *testing.T) {
		Load(t, loadDoc(t), "", WithBodyDecoder("text/plain", openapi3filter.FileBodyDecoder))
	})
	if fmt.Sprintf("%p", openapi3filter.RegisteredBodyDecoder("text/plain")) != fmt.Sprintf("%p", before) {
		t.Error("previous text/plain decoder not restored")
	}
}

func TestConcurrentLoadsShareADoc(t *testing.T) {
	doc := loadDoc(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			spec := Load(t, doc, "")
			srv := httptest.NewServer(spec.Handler(emulator("")))
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL + "/api/v1/ping")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
}
