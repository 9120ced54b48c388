package leakcheck

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

// recorder stands in for testing.T to see what Assert reports.
type recorder struct {
	testing.TB
	reports []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.reports = append(r.reports, fmt.Sprintf(format, args...))
}

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXBhcnQ"

func TestAssertFindsEveryForm(t *testing.T) {
	secret := `p@ss w/"q"`
	for _, tc := range []struct {
		name, text string
		secret     Secret
		want       string // "" = no report
	}{
		{"absent", "nothing to see", Secret{Name: "password", Value: secret}, ""},
		{"raw", "pw=" + secret, Secret{Name: "password", Value: secret}, "the password shows up in the log"},
		{"query-escaped", "?pw=" + url.QueryEscape(secret), Secret{Name: "password", Value: secret}, "the password (URL-escaped) shows up"},
		{"path-escaped", "/u/" + url.PathEscape(secret), Secret{Name: "password", Value: secret}, "the password (URL-escaped) shows up"},
		{"JSON-escaped", `{"pw":"p@ss w/\"q\""}`, Secret{Name: "password", Value: secret}, "the password (JSON-escaped) shows up"},
		{"JWT signature", "sig=c2lnbmF0dXJlLXBhcnQ", Secret{Name: "token", Value: jwt}, "the token (JWT signature) shows up"},
		{"JWT header only", "eyJhbGciOiJIUzI1NiJ9", Secret{Name: "token", Value: jwt}, ""},
		{"Basic header", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("ada:"+secret)),
			BasicAuth("password", "ada", secret), "the password (as a Basic header) shows up"},
		{"base64", "X-Blob: " + base64.StdEncoding.EncodeToString([]byte(secret)), Secret{Name: "password", Value: secret}, "the password (base64) shows up"},
		{"empty secret", "anything", Secret{Name: "token"}, `the secret "token" is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			Assert(rec, map[string]string{"log": tc.text, "other": "clean"}, tc.secret)
			switch {
			case tc.want == "" && len(rec.reports) > 0:
				t.Errorf("reports %q, want none", rec.reports)
			case tc.want != "" && (len(rec.reports) != 1 || !strings.Contains(rec.reports[0], tc.want)):
				t.Errorf("reports %q, want one with %q", rec.reports, tc.want)
			}
			for _, r := range rec.reports {
				if tc.secret.Value != "" && strings.Contains(r, tc.secret.Value) {
					t.Errorf("the report shows the secret: %q", r)
				}
			}
		})
	}
}

func TestAssertNamesEveryHaystack(t *testing.T) {
	rec := &recorder{TB: t}
	Assert(rec, map[string]string{"b": "x s3cr3t", "a": "s3cr3t", "c": "-"}, Secret{Name: "key", Value: "s3cr3t"})
	want := []string{"leakcheck: the key shows up in the a", "leakcheck: the key shows up in the b"}
	if !slices.Equal(rec.reports, want) {
		t.Errorf("reports %q, want %q", rec.reports, want)
	}
}

func TestErrors(t *testing.T) {
	var errs Errors
	errs.Keep(nil)
	errs.Keep(errors.New("plain"))
	errs.Keep(fmt.Errorf("wrapped: %w", &facade.APIError{StatusCode: 401, Body: `{"token":"x"}`, URL: "https://h/p?k=v"}))
	if len(errs) != 2 {
		t.Fatalf("kept %d errors, want 2 (nil is dropped)", len(errs))
	}
	texts := errs.Texts()
	if !strings.Contains(texts["error 0"], "plain") || !strings.Contains(texts["error 1"], "wrapped") {
		t.Errorf("texts %q", texts)
	}
	if got := texts["error 1 body"]; !strings.Contains(got, `{"token":"x"}`) || !strings.Contains(got, "https://h/p?k=v") {
		t.Errorf("APIError body and URL: %q", got)
	}
	if _, ok := texts["error 0 body"]; ok {
		t.Error("a body for an error that has none")
	}
}

func TestLoggerIsDebugAndConcurrent(t *testing.T) {
	logger, buf := Logger()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { logger.Debug("request", "n", i) })
	}
	wg.Wait()
	if n := strings.Count(buf.String(), "level=DEBUG msg=request"); n != 8 {
		t.Errorf("%d debug lines, want 8:\n%s", n, buf.String())
	}
}

func TestTokens(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			io.WriteString(w, `{"access_token":"acc-1","refresh_token":"ref-1","expires_in":300}`)
		case "/text":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, `{"access_token":"not-a-grant"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `[1, 2]`)
		}
	}))
	t.Cleanup(srv.Close)
	tokens := &Tokens{}
	client := &http.Client{Transport: tokens}
	for _, tc := range []struct{ path, bearer, body string }{
		{"/token", "", `{"access_token":"acc-1","refresh_token":"ref-1","expires_in":300}`},
		{"/api", "acc-1", "[1, 2]"},
		{"/api", "acc-1", "[1, 2]"},
		{"/api", "other", "[1, 2]"},
		{"/text", "", `{"access_token":"not-a-grant"}`},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+tc.path, nil)
		if tc.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tc.bearer)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != tc.body {
			t.Errorf("%s: body %q, want it intact: %q", tc.path, body, tc.body)
		}
	}
	if got := tokens.Sent(); !slices.Equal(got, []string{"acc-1", "other"}) {
		t.Errorf("Sent() = %q", got)
	}
	if got := tokens.Issued(); !slices.Equal(got, []string{"acc-1", "ref-1"}) {
		t.Errorf("Issued() = %q", got)
	}
	var names []string
	for _, s := range tokens.Secrets() {
		names = append(names, s.Name+"="+s.Value)
	}
	if want := []string{"bearer token 1=acc-1", "bearer token 2=other", "issued token 2=ref-1"}; !slices.Equal(names, want) {
		t.Errorf("Secrets() = %q, want %q", names, want)
	}

	// Wrap puts it in front of another transport.
	var wrapped Tokens
	rt := wrapped.Wrap(http.DefaultTransport)
	if rt != &wrapped || wrapped.Next != http.DefaultTransport {
		t.Error("Wrap did not set Next")
	}
}
