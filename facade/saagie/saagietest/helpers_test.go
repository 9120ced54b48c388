package saagietest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// gql is a tiny GraphQL client over raw HTTP, so that the tests see the
// wire exactly as a client does.
type gql struct {
	t     *testing.T
	srv   *saagietest.Server
	hc    *http.Client
	token string
	base  string
}

func newGQL(t *testing.T, srv *saagietest.Server) *gql {
	t.Helper()
	g := &gql{t: t, srv: srv, hc: srv.Client(), base: srv.URL}
	g.token = g.login(srv.User, srv.Password, srv.Realm)
	return g
}

// login returns the JWT, failing the test on any other answer.
func (g *gql) login(user, password, realm string) string {
	g.t.Helper()
	status, body := g.loginRaw(user, password, realm)
	if status != http.StatusOK {
		g.t.Fatalf("login: %d %s", status, body)
	}
	return body
}

func (g *gql) loginRaw(user, password, realm string) (int, string) {
	g.t.Helper()
	b, _ := json.Marshal(map[string]string{"login": user, "password": password})
	req, _ := http.NewRequest(http.MethodPost, g.base+"/authentication/api/open/authenticate", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if realm != "" {
		req.Header.Set("Saagie-Realm", realm)
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// response is a decoded GraphQL answer.
type response struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Locations  []any          `json:"locations"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	raw map[string]json.RawMessage
}

func (g *gql) post(url string, body io.Reader, contentType string) (int, []byte) {
	g.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, body)
	req.Header.Set("Content-Type", contentType)
	if g.token != "" {
		req.Header.Set("Authorization", "Bearer "+g.token)
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func decode(t *testing.T, body []byte) *response {
	t.Helper()
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	_ = json.Unmarshal(body, &r.raw)
	return &r
}

// do runs a document on the Projects endpoint and returns the answer.
func (g *gql) do(query string, vars map[string]any) *response {
	g.t.Helper()
	return g.doAt(g.srv.ProjectsURL(), query, vars)
}

func (g *gql) doAt(url, query string, vars map[string]any) *response {
	g.t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	status, body := g.post(url, bytes.NewReader(b), "application/json")
	if status != http.StatusOK {
		g.t.Fatalf("GraphQL answered %d: %s", status, body)
	}
	return decode(g.t, body)
}

// must runs a document and fails on any GraphQL error.
func (g *gql) must(query string, vars map[string]any) map[string]any {
	g.t.Helper()
	r := g.do(query, vars)
	if len(r.Errors) > 0 {
		g.t.Fatalf("GraphQL errors: %+v", r.Errors)
	}
	return r.Data
}

// upload sends a multipart GraphQL request with one file in variables.file.
func (g *gql) upload(url, query string, vars map[string]any, varName, filename string, data []byte) *response {
	g.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	vars[varName] = nil
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	// JSON parts typed application/json, as the spec's encoding asks
	// (gql in saagieapi sends them untyped; the emulator takes both).
	for _, part := range [][2]string{{"operations", string(ops)}, {"map", `{"0":["variables.` + varName + `"]}`}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+part[0]+`"`)
		h.Set("Content-Type", "application/json")
		pw, _ := mw.CreatePart(h)
		_, _ = pw.Write([]byte(part[1]))
	}
	fw, _ := mw.CreateFormFile("0", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	status, body := g.post(url, &buf, mw.FormDataContentType())
	if status != http.StatusOK {
		g.t.Fatalf("multipart GraphQL answered %d: %s", status, body)
	}
	return decode(g.t, body)
}

// dig follows a path of keys and indexes in decoded JSON.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := dig(v, path...).(string)
	return s
}

// errorsText joins the messages, for failure output.
func (r *response) errorsText() string {
	var parts []string
	for _, e := range r.Errors {
		parts = append(parts, e.Message)
	}
	return strings.Join(parts, "; ")
}
