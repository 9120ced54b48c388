package cachet_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// These tests answer from a scripted transport instead of the emulator:
// they produce answers a correct server never gives (HTML, bad dates,
// redirects), so they run without contract validation.

type canned struct {
	status int
	ctype  string
	body   string
	header http.Header
}

// scripted answers each request with the canned response of its
// "METHOD path" key (or of "*") and records what it was asked.
type scripted struct {
	mu      sync.Mutex
	answers map[string]canned
	seen    []*http.Request
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	s.mu.Lock()
	s.seen = append(s.seen, req)
	a, ok := s.answers[req.Method+" "+req.URL.Path]
	if !ok {
		a, ok = s.answers["*"]
	}
	s.mu.Unlock()
	if !ok {
		a = canned{status: http.StatusNotFound, ctype: "application/json",
			body: `{"errors":[{"status":404,"title":"Not Found","detail":"The requested resource could not be found but may be available again in the future."}]}`}
	}
	h := http.Header{}
	for k, v := range a.header {
		h[k] = v
	}
	if a.ctype != "" {
		h.Set("Content-Type", a.ctype)
	}
	return &http.Response{
		StatusCode: a.status,
		Status:     http.StatusText(a.status),
		Header:     h,
		Body:       io.NopCloser(strings.NewReader(a.body)),
		Request:    req,
	}, nil
}

func (s *scripted) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.seen...)
}

func scriptedClient(t *testing.T, answers map[string]canned) (*cachet.Client, *scripted) {
	t.Helper()
	rt := &scripted{answers: answers}
	c, err := cachet.New("https://status.example.com/api/v1", "tok-123456",
		facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c, rt
}

const componentJSON = `{"data":{"id":1,"name":"API","description":"","link":"","status":1,"status_name":"Operational","order":0,"group_id":0,"enabled":true,"meta":null,"created_at":%q,"updated_at":"2024-05-01 12:00:00","deleted_at":null,"tags":[]}}`

// An incident without the derived latest_* fields (or with nulls) takes
// the server's own fallback: the incident's status, no update, no icon.
func TestIncidentLatestFallback(t *testing.T) {
	const base = `"id":3,"name":"Down","status":2,"human_status":"Identified","visible":1,"stickied":false,` +
		`"message":"m","created_at":"2024-05-01 12:00:00","updated_at":"2024-05-01 12:00:00","is_resolved":false,"updates":[]`
	for name, extra := range map[string]string{
		"absent": "",
		"null":   `,"latest_update_id":null,"latest_status":null,"latest_human_status":null,"latest_icon":null`,
	} {
		c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/incidents/3": {status: 200, ctype: "application/json",
			body: `{"data":{` + base + extra + `}}`}})
		in, err := c.Incidents.Get(context.Background(), 3)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if in.LatestUpdateID != 0 || in.LatestStatus != cachet.IncidentIdentified || in.LatestHumanStatus != "Identified" ||
			in.LatestIcon != "" || in.Duration != 0 {
			t.Errorf("%s: latest fields %d %v %q %q %v", name, in.LatestUpdateID, in.LatestStatus, in.LatestHumanStatus, in.LatestIcon, in.Duration)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	ctx := context.Background()
	cases := map[string]canned{
		"html page from a proxy": {status: 200, ctype: "text/html; charset=utf-8", body: "<html><body>Please log in</body></html>"},
		"empty body":             {status: 200, ctype: "application/json"},
		"null":                   {status: 200, ctype: "application/json", body: "null"},
		"no data":                {status: 200, ctype: "application/json", body: `{"meta":{}}`},
		"ISO timestamp":          {status: 200, ctype: "application/json", body: strings.Replace(componentJSON, "%q", `"2024-05-01T12:00:00Z"`, 1)},
		"tags neither map nor []": {status: 200, ctype: "application/json",
			body: strings.Replace(strings.Replace(componentJSON, "%q", `"2024-05-01 12:00:00"`, 1), `"tags":[]`, `"tags":["x"]`, 1)},
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/components/1": answer})
			got, err := c.Components.Get(ctx, 1)
			var de *facade.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Get = %+v, %v; want a *facade.DecodeError", got, err)
			}
			if de.Platform != "cachet" || de.Operation != "GetComponent" || de.Method != http.MethodGet ||
				de.StatusCode != 200 || !strings.HasSuffix(de.URL, "/api/v1/components/1") {
				t.Errorf("DecodeError fields: %+v", de)
			}
			if got != nil {
				t.Errorf("result %+v returned with the error", got)
			}
		})
	}
}

func TestBadTimestampNamesTheField(t *testing.T) {
	c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/components/1": {status: 200, ctype: "application/json",
		body: strings.Replace(componentJSON, "%q", `"01/05/2024 12:00"`, 1)}})
	_, err := c.Components.Get(context.Background(), 1)
	var de *facade.DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "created_at") || !strings.Contains(err.Error(), "01/05/2024 12:00") {
		t.Fatalf("err = %v; want a DecodeError naming created_at and its value", err)
	}
}

func TestListWithoutPaginationIsDecodeError(t *testing.T) {
	c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/components": {status: 200, ctype: "application/json", body: `{"data":[]}`}})
	for _, err := range c.Components.List(context.Background(), cachet.ComponentListOptions{}) {
		var de *facade.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("err = %v; want a DecodeError", err)
		}
		return
	}
	t.Fatal("List yielded nothing")
}

func TestPingWantsPong(t *testing.T) {
	c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/ping": {status: 200, ctype: "application/json", body: `{"data":"Hello"}`}})
	err := c.Ping(context.Background())
	var de *facade.DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "Pong!") {
		t.Fatalf("Ping = %v; want a DecodeError", err)
	}
}

// A 500 whose body is not Cachet's JSON still gives an APIError, with the
// status text as message and the body excerpt kept for diagnosis.
func TestServerErrorWithHTMLBody(t *testing.T) {
	c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/components/1": {status: 500, ctype: "text/html", body: "<h1>Whoops, looks like something went wrong.</h1>"}})
	_, err := c.Components.Get(context.Background(), 1)
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Message != "Internal Server Error" || !strings.Contains(ae.Body, "Whoops") {
		t.Fatalf("err = %#v", err)
	}
}

// Trap 7: a redirect of a write is reported, never followed (the transport
// refuses it), and no URL ever ends with a slash.
func TestTrap7RedirectOnWriteNotFollowed(t *testing.T) {
	c, rt := scriptedClient(t, map[string]canned{
		"POST /api/v1/components": {status: http.StatusMovedPermanently, ctype: "text/html",
			header: http.Header{"Location": {"https://status.example.com/api/v1/components/"}}, body: "moved"},
		"GET /api/v1/components/": {status: 200, ctype: "application/json", body: `{"data":[]}`},
	})
	_, err := c.Components.Create(context.Background(), cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational})
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusMovedPermanently || ae.Method != http.MethodPost {
		t.Fatalf("Create = %v; want an APIError 301 for the POST", err)
	}
	reqs := rt.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests sent, want 1 (the redirect must not be followed)", len(reqs))
	}
	if p := reqs[0].URL.Path; strings.HasSuffix(p, "/") {
		t.Errorf("request path %q ends with a slash", p)
	}
}

func TestHeadersAlwaysSent(t *testing.T) {
	c, rt := scriptedClient(t, map[string]canned{"*": {status: 204}})
	ctx := context.Background()
	_ = c.Components.Delete(ctx, 3)
	_, _ = c.Components.Get(ctx, 3)
	paris, err := c.WithTimeZone(mustLoad(t, "Europe/Paris"))
	if err != nil {
		t.Fatal(err)
	}
	_ = paris.Incidents.Delete(ctx, 4)
	reqs := rt.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, r := range reqs {
		if r.Header.Get("Accept") != "application/json" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Accept %q, Content-Type %q", r.Method, r.URL, r.Header.Get("Accept"), r.Header.Get("Content-Type"))
		}
		if r.Header.Get("X-Cachet-Token") != "tok-123456" {
			t.Errorf("%s %s: token not sent", r.Method, r.URL)
		}
		wantZone := "UTC"
		if i == 2 {
			wantZone = "Europe/Paris"
		}
		if got := r.Header.Get("Time-Zone"); got != wantZone {
			t.Errorf("%s %s: Time-Zone %q, want %q", r.Method, r.URL, got, wantZone)
		}
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "switchboard/") {
			t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
		}
	}
}

// A server that ignores "page" (a broken proxy cache, say) must not make
// the walk loop: progress is counted on the pages asked for, and an item
// seen twice is yielded once.
func TestListProgressWhenPageIgnored(t *testing.T) {
	page := `{"meta":{"pagination":{"total":3,"count":1,"per_page":1,"current_page":1,"total_pages":3,"links":{"next_page":null,"previous_page":null}}},"data":[` +
		strings.Replace(strings.TrimSuffix(strings.TrimPrefix(componentJSON, `{"data":`), "}"), "%q", `"2024-05-01 12:00:00"`, 1) + `]}`
	c, rt := scriptedClient(t, map[string]canned{"GET /api/v1/components": {status: 200, ctype: "application/json", body: page}})
	var got []int
	for comp, err := range c.Components.List(context.Background(), cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, comp.ID)
	}
	if len(got) != 1 || len(rt.requests()) != 3 {
		t.Errorf("yielded %v with %d requests; want [1] with 3", got, len(rt.requests()))
	}
}

// TestSharedHeaderValuesStayIntact: every request shares the client's
// Accept, Content-Type and Time-Zone value slices; a layer below that
// appends to its request's headers (a middleware) must not change what
// the next request sends.
func TestSharedHeaderValuesStayIntact(t *testing.T) {
	rt := &scripted{answers: map[string]canned{"*": {status: 204}}}
	var seen [][]string
	appender := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			seen = append(seen, []string{
				strings.Join(r.Header.Values("Accept"), ","),
				strings.Join(r.Header.Values("Content-Type"), ","),
				strings.Join(r.Header.Values("Time-Zone"), ","),
			})
			r.Header.Add("Accept", "text/html")
			r.Header.Add("Content-Type", "text/plain")
			r.Header.Add("Time-Zone", "Europe/Paris")
			return next.RoundTrip(r)
		})
	}
	c, err := cachet.New("https://status.example.com/api/v1", "tok-123456",
		facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0), facade.WithMiddleware(appender))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_ = c.Components.Delete(context.Background(), 3)
		_, _ = c.Components.Get(context.Background(), 3)
	}
	if len(seen) != 6 {
		t.Fatalf("%d requests", len(seen))
	}
	for i, got := range seen {
		if got[0] != "application/json" || got[1] != "application/json" || got[2] != "UTC" {
			t.Errorf("request %d sent Accept %q, Content-Type %q, Time-Zone %q", i+1, got[0], got[1], got[2])
		}
	}
}
