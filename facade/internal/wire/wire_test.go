package wire

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

const secret = "sekret-token-123"

type component struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// body tracks how much was read and whether it was closed.
type body struct {
	r      io.Reader
	read   int
	closed bool
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += n
	return n, err
}

func (b *body) Close() error { b.closed = true; return nil }

func response(status int, contentType, payload string, header ...string) (*http.Response, *body) {
	b := &body{r: strings.NewReader(payload)}
	req := httptest.NewRequest("GET", "https://cachet.example/api/v1/components/9?token="+secret, nil)
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: b, Request: req}, b
}

// cachetMessage reads Cachet's {"errors":[{"detail":...}]} format.
func cachetMessage(b []byte) string {
	var doc struct {
		Errors []struct {
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if json.Unmarshal(b, &doc) != nil || len(doc.Errors) == 0 {
		return ""
	}
	return doc.Errors[0].Detail
}

func call() Call {
	return Call{Platform: "cachet", Operation: "GetComponent", Message: cachetMessage, Scrubber: redact.NewScrubber(secret)}
}

func TestDecodeSuccess(t *testing.T) {
	resp, b := response(200, "application/json", ` {"id":9,"name":"API"} `+"\n")
	got, err := Decode[component](call(), resp, nil)
	if err != nil || got != (component{9, "API"}) {
		t.Fatalf("got %+v, %v", got, err)
	}
	if !b.closed {
		t.Error("body not closed")
	}
	// Mislabelled JSON still decodes: the body is what matters.
	resp, _ = response(200, "text/html", `[{"id":1}]`)
	list, err := Decode[[]component](call(), resp, nil)
	if err != nil || len(list) != 1 {
		t.Errorf("got %v, %v", list, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, ct, body, want string
	}{
		{"html page", "text/html; charset=utf-8", "<!doctype html><p>Login " + secret + "</p>", "invalid character '<'"},
		{"empty", "application/json", "", "empty body"},
		{"whitespace only", "application/json", " \n", "empty body"},
		{"null", "application/json", "null", "null body"},
		{"truncated", "application/json", `{"id":9,"na`, "unexpected EOF"},
		{"trailing", "application/json", `{"id":9} {"id":10}`, "unexpected data"},
		{"wrong shape", "application/json", `{"id":"nine"}`, "cannot unmarshal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, b := response(200, c.ct, c.body)
			got, err := Decode[*component](call(), resp, nil)
			if got != nil {
				t.Errorf("result %+v alongside an error", got)
			}
			var de *facade.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %T %v, want *facade.DecodeError", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to mention %q", err, c.want)
			}
			if de.StatusCode != 200 || de.ContentType != c.ct || de.Method != "GET" || de.Operation != "GetComponent" {
				t.Errorf("fields: %+v", de)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(de.Body, secret) || strings.Contains(de.URL, secret) {
				t.Errorf("secret leaked: %q / %q", err, de.Body)
			}
			if !b.closed {
				t.Error("body not closed")
			}
		})
	}
	resp, _ := response(200, "text/html", "<html>")
	_, err := Decode[component](call(), resp, nil)
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		t.Errorf("DecodeError does not unwrap to the json error: %v", err)
	}
	if want := "cachet: GetComponent: GET https://cachet.example/api/v1/components/9?token=[REDACTED]: 200 OK: cannot decode response of type text/html: invalid character '<' looking for beginning of value"; err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
}

func TestDecodeErrorBodyExcerpt(t *testing.T) {
	payload := "<html>" + strings.Repeat("é", 5000)
	resp, _ := response(200, "text/html", payload)
	_, err := Decode[component](call(), resp, nil)
	var de *facade.DecodeError
	if !errors.As(err, &de) {
		t.Fatal(err)
	}
	if len(de.Body) > 1024 || len(de.Body) < 1000 || !utf8.ValidString(de.Body) || !strings.HasPrefix(de.Body, "<html>") {
		t.Errorf("excerpt of %d bytes: %.40q", len(de.Body), de.Body)
	}
}

func TestAPIError(t *testing.T) {
	resp, b := response(404, "application/json",
		`{"errors":[{"status":404,"title":"Not Found","detail":"Component 9 not found"}]}`,
		"X-Request-ID", "req-42")
	_, err := Decode[component](call(), resp, nil)
	if !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if errors.Is(err, facade.ErrValidation) {
		t.Error("404 matches ErrValidation")
	}
	var ae *facade.APIError
	if !errors.As(err, &ae) {
		t.Fatal("not an APIError")
	}
	if ae.Message != "Component 9 not found" || ae.RequestID != "req-42" || ae.StatusCode != 404 {
		t.Errorf("fields: %+v", ae)
	}
	if want := "cachet: GetComponent: GET https://cachet.example/api/v1/components/9?token=[REDACTED]: 404 Not Found: Component 9 not found"; err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	if !strings.Contains(ae.Body, "Component 9 not found") || !b.closed {
		t.Errorf("body %q, closed %v", ae.Body, b.closed)
	}
}

func TestAPIErrorStatuses(t *testing.T) {
	cases := map[int]error{
		401: facade.ErrUnauthorized, 403: facade.ErrForbidden, 409: facade.ErrConflict,
		400: facade.ErrValidation, 422: facade.ErrValidation, 429: facade.ErrRateLimited,
	}
	for status, sentinel := range cases {
		resp, _ := response(status, "", "")
		err := NoContent(call(), resp, nil)
		if !errors.Is(err, sentinel) {
			t.Errorf("%d: %v does not match %v", status, err, sentinel)
		}
		var ae *facade.APIError
		if errors.As(err, &ae) && ae.Message != http.StatusText(status) {
			t.Errorf("%d: fallback message %q", status, ae.Message)
		}
	}
	resp, _ := response(500, "text/plain", "boom")
	err := NoContent(call(), resp, nil)
	for _, s := range []error{facade.ErrNotFound, facade.ErrValidation, facade.ErrRateLimited} {
		if errors.Is(err, s) {
			t.Errorf("500 matches %v", s)
		}
	}
	if err.Error() != "cachet: GetComponent: GET https://cachet.example/api/v1/components/9?token=[REDACTED]: 500 Internal Server Error" {
		t.Errorf("Error() = %s", err)
	}
}

func TestAPIErrorScrubsEchoedSecret(t *testing.T) {
	resp, _ := response(401, "application/json",
		`{"errors":[{"detail":"token `+secret+` is invalid"}],"token":"`+secret+`"}`)
	err := NoContent(call(), resp, nil)
	var ae *facade.APIError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	if strings.Contains(ae.Message+ae.Body+ae.URL+err.Error(), secret) {
		t.Errorf("secret leaked: %+v", ae)
	}
	if ae.Message != "token [REDACTED] is invalid" {
		t.Errorf("Message = %q", ae.Message)
	}
}

func TestOversizedErrorBodyBounded(t *testing.T) {
	huge := `{"errors":[{"detail":"` + strings.Repeat("x", 10<<20) + `"}]}`
	resp, b := response(500, "application/json", huge)
	err := NoContent(call(), resp, nil)
	var ae *facade.APIError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	if b.read > maxErrorBody+maxDrain {
		t.Errorf("read %d bytes of a 10 MiB error body", b.read)
	}
	if len(ae.Body) > 1024 || len(ae.Message) > 1024 || !b.closed {
		t.Errorf("Body %d bytes, Message %d bytes, closed %v", len(ae.Body), len(ae.Message), b.closed)
	}
}

func TestRequestIDHeaders(t *testing.T) {
	for _, name := range []string{"X-Request-Id", "X-Request-ID", "Request-Id", "X-Correlation-Id"} {
		resp, _ := response(409, "", "", name, "id-1")
		var ae *facade.APIError
		if !errors.As(NoContent(call(), resp, nil), &ae) || ae.RequestID != "id-1" {
			t.Errorf("%s not read: %+v", name, ae)
		}
	}
	resp, _ := response(409, "", "")
	resp.Header["x-request-id"] = []string{"raw"}
	var ae *facade.APIError
	if !errors.As(NoContent(call(), resp, nil), &ae) || ae.RequestID != "raw" {
		t.Errorf("non-canonical header not read: %+v", ae)
	}
}

func TestNoContent(t *testing.T) {
	resp, b := response(204, "", "")
	if err := NoContent(call(), resp, nil); err != nil || !b.closed {
		t.Errorf("err %v, closed %v", err, b.closed)
	}
	resp, b = response(200, "application/json", strings.Repeat("x", 1<<20))
	if err := NoContent(call(), resp, nil); err != nil || !b.closed || b.read > maxDrain {
		t.Errorf("err %v, closed %v, read %d", err, b.closed, b.read)
	}
}

func TestCheck(t *testing.T) {
	resp, b := response(200, "text/event-stream", "data: 1\n\n")
	got, err := Check(call(), resp, nil)
	if err != nil || got != resp || b.closed || b.read != 0 {
		t.Fatalf("got %v, %v; closed %v, read %d", got, err, b.closed, b.read)
	}
	resp, b = response(503, "text/plain", "down")
	got, err = Check(call(), resp, nil)
	if got != nil || err == nil || !b.closed {
		t.Errorf("got %v, %v; closed %v", got, err, b.closed)
	}
	var ae *facade.APIError
	if errors.As(err, &ae) && ae.Body != "down" {
		t.Errorf("Body = %q", ae.Body)
	}
}

func TestTransportError(t *testing.T) {
	raw := "https://u:pw@cachet.example/api?token=" + secret
	cause := errors.New("dial tcp 10.0.0.1:443: connect: connection refused")
	_, err := Decode[component](call(), nil, &url.Error{Op: "Get", URL: raw, Err: cause})
	var te *facade.TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %T", err)
	}
	if te.Method != "GET" || te.URL != "https://u:[REDACTED]@cachet.example/api?token=[REDACTED]" {
		t.Errorf("fields %+v", te)
	}
	if !errors.Is(err, cause) {
		t.Error("cause lost")
	}
	var ue *url.Error
	if !errors.As(err, &ue) || strings.Contains(ue.URL, secret) || strings.Contains(ue.Error(), secret) {
		t.Errorf("*url.Error still holds the secret: %v", ue)
	}
	if want := "cachet: GetComponent: GET https://u:[REDACTED]@cachet.example/api?token=[REDACTED]: dial tcp 10.0.0.1:443: connect: connection refused"; err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}

	wrapped := errors.Join(errors.New("doer failed"), &url.Error{Op: "Post", URL: raw, Err: context.Canceled})
	err = NoContent(call(), nil, wrapped)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), ":pw@") {
		t.Errorf("wrapped url.Error: %v", err)
	}
	if errors.As(err, &ue) && strings.Contains(ue.URL, secret) {
		t.Error("wrapped *url.Error reachable with the secret")
	}

	plain := errors.New("building request: bad parameter")
	err = NoContent(call(), nil, plain)
	if !errors.Is(err, plain) || err.Error() != "cachet: GetComponent: building request: bad parameter" {
		t.Errorf("plain error: %v", err)
	}
	if err := NoContent(call(), nil, nil); !errors.As(err, &te) {
		t.Errorf("nil response and nil error: %v", err)
	}
}

func TestWithRealClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/?api_key="+secret, nil)
	resp, err := srv.Client().Do(req)
	_, err = Decode[component](call(), resp, err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("secret in %v", err)
	}

	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again?token="+secret, http.StatusFound)
	}))
	defer redirect.Close()
	resp, err = redirect.Client().Get(redirect.URL)
	_, err = Decode[component](call(), resp, err)
	var te *facade.TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), secret) {
		t.Errorf("redirect loop: %v", err)
	}
}

func TestConversionErrorIsDecodeError(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://h.example/api/v1/components/1?token=s3cr3t-value", nil)
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: req}
	c := Call{Platform: "cachet", Operation: "GetComponent", Scrubber: redact.NewScrubber("s3cr3t-value")}
	err := c.ConversionError(resp, errors.New("created_at: bad time"))
	var de *facade.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %T, want *facade.DecodeError", err)
	}
	if de.StatusCode != 200 || de.Method != http.MethodGet || de.Operation != "GetComponent" {
		t.Errorf("DecodeError = %+v", de)
	}
	if strings.Contains(de.URL, "s3cr3t-value") {
		t.Errorf("URL leaks the secret: %s", de.URL)
	}
	if err := c.ConversionError(nil, errors.New("x")); !errors.As(err, &de) || de.Operation != "GetComponent" {
		t.Errorf("nil response: %v", err)
	}
}

func TestOutcomeUnknownOnlyForWritesThatMayHaveBeenSent(t *testing.T) {
	// The server reads the request, then drops the connection without
	// answering: a create may have happened.
	dropper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer dropper.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there any more: the request never leaves

	c := Call{Platform: "test", Operation: "Create"}
	cases := []struct {
		method, url string
		unknown     bool
	}{
		{http.MethodPost, dropper.URL, true},
		{http.MethodPatch, dropper.URL, true},
		{http.MethodPut, dropper.URL, false}, // idempotent: safe to repeat
		{http.MethodGet, dropper.URL, false},
		{http.MethodPost, closedURL, false}, // never connected
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, tc.url, strings.NewReader(`{"name":"x"}`))
		resp, err := client.Do(req)
		_, err = Decode[component](c, resp, err)
		var te *facade.TransportError
		if !errors.As(err, &te) {
			t.Fatalf("%s %s: got %v, want a *facade.TransportError", tc.method, tc.url, err)
		}
		if te.OutcomeUnknown != tc.unknown || errors.Is(err, facade.ErrOutcomeUnknown) != tc.unknown {
			t.Errorf("%s %s: OutcomeUnknown = %v, want %v (%v)", tc.method, tc.url, te.OutcomeUnknown, tc.unknown, err)
		}
		if tc.unknown && !strings.Contains(err.Error(), "may have reached the server") {
			t.Errorf("message %q does not warn about the unknown outcome", err)
		}
	}
}

func TestDecodeBoundsTheBody(t *testing.T) {
	big := `[` + strings.Repeat(`{"id":1,"name":"x"},`, 100) + `{"id":1,"name":"x"}]`
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(big)), Request: httptest.NewRequest("GET", "http://h/x", nil)}
	_, err := Decode[[]component](Call{Platform: "test", MaxBody: 256}, resp, nil)
	var de *facade.DecodeError
	if !errors.As(err, &de) || !errors.Is(err, facade.ErrResponseTooLarge) {
		t.Fatalf("got %v, want a *facade.DecodeError wrapping ErrResponseTooLarge", err)
	}
	resp.Body = io.NopCloser(strings.NewReader(big))
	got, err := Decode[[]component](Call{Platform: "test", MaxBody: int64(len(big))}, resp, nil)
	if err != nil || len(got) != 101 {
		t.Fatalf("a body of exactly MaxBody bytes: %d items, %v", len(got), err)
	}
}

func TestRedirectWithTokenInBadLocationDoesNotLeak(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Location"] = []string{"0%" + secret + strings.Repeat("x", 5000)}
		w.Header().Set("X-Request-Id", secret+strings.Repeat("y", 500))
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	c := Call{Platform: "test", Operation: "Get", Scrubber: redact.NewScrubber(secret)}
	resp, err := http.Get(srv.URL)
	_, err = Decode[component](c, resp, err)
	if err == nil || strings.Contains(err.Error(), secret) || len(err.Error()) > 2*maxExcerpt {
		t.Fatalf("error leaks or is unbounded (%d bytes): %.300s", len(err.Error()), err)
	}
}

func TestRefusedCredentialsAreNotOutcomeUnknown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	client, _, err := transport.NewClient(transport.Config{
		BaseURL: srv.URL,
		Credentials: transport.CredentialsFunc(func(context.Context, *http.Request) error {
			return &facade.APIError{StatusCode: 401, Message: "Bad credentials"}
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	_, err = Decode[component](Call{Platform: "test"}, resp, err)
	if !errors.Is(err, facade.ErrUnauthorized) || errors.Is(err, facade.ErrOutcomeUnknown) {
		t.Fatalf("got %v: a request that never left is not of unknown outcome", err)
	}
}

func TestUntrustedCertificateSaysWhatToDo(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/?api_key="+secret, nil)
	resp, err := http.DefaultClient.Do(req) // the system pool: the test server's certificate is unknown
	_, err = Decode[component](call(), resp, err)
	var te *facade.TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %#v, want a *facade.TransportError", err)
	}
	msg := err.Error()
	for _, want := range []string{"certificate is not trusted", "WithCACertFile", "WithInsecureSkipVerify", "--insecure"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Count(msg, "not trusted") != 1 || strings.Contains(msg, secret) {
		t.Errorf("message %q: hint repeated or secret shown", msg)
	}
	var uae x509.UnknownAuthorityError
	if !errors.As(err, &uae) || te.OutcomeUnknown {
		t.Errorf("err = %v: the x509 cause is lost, or OutcomeUnknown set", err)
	}
}

func TestWithCertHint(t *testing.T) {
	if err := WithCertHint(nil); err != nil {
		t.Errorf("WithCertHint(nil) = %v", err)
	}
	plain := errors.New("connection refused")
	if err := WithCertHint(plain); err != plain {
		t.Errorf("a non-certificate error changed: %v", err)
	}
	cause := x509.UnknownAuthorityError{}
	err := WithCertHint(&url.Error{Op: "Post", URL: "https://h/token", Err: cause})
	ue, ok := err.(*url.Error)
	if !ok || !strings.Contains(err.Error(), "certificate is not trusted") || !errors.As(err, new(x509.UnknownAuthorityError)) {
		t.Fatalf("WithCertHint = %#v: want a *url.Error with the hint, unwrapping to the cause", err)
	}
	te := &facade.TransportError{Platform: "p", Method: "POST", URL: "https://h/token", Err: ue}
	if strings.Count(te.Error(), "https://h/token") != 1 {
		t.Errorf("the URL is repeated: %q", te.Error())
	}
}

func TestUnreadableCreateAnswerIsOutcomeUnknown(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		resp := &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"id": 4`)), Request: httptest.NewRequest(method, "http://h/components", nil)}
		_, err := Decode[component](Call{Platform: "test", Operation: "Create"}, resp, nil)
		var de *facade.DecodeError
		if !errors.As(err, &de) || errors.Is(err, facade.ErrOutcomeUnknown) != (method == http.MethodPost) {
			t.Fatalf("%s: %v (outcome unknown: %v)", method, err, errors.Is(err, facade.ErrOutcomeUnknown))
		}
	}
}

// TestIdempotentPostIsNotOutcomeUnknown: a POST that only reads (a GraphQL
// query under transport.Idempotent, or a Call marked Idempotent) fails
// like a GET, never as "may have taken effect", whether the connection
// dropped before any answer or its 2xx body was garbled; an unmarked POST
// still does.
func TestIdempotentPostIsNotOutcomeUnknown(t *testing.T) {
	dropper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}))
	defer dropper.Close()
	// The transport's client, as facades use it (retries off): it marks
	// the failures of requests sent under transport.Idempotent.
	client, _, err := transport.NewClient(transport.Config{Platform: "test", BaseURL: dropper.URL})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		ctx     context.Context
		call    Call
		unknown bool
	}{
		{"unmarked", context.Background(), Call{Platform: "test", Operation: "Query"}, true},
		{"context marked", transport.Idempotent(context.Background()), Call{Platform: "test", Operation: "Query"}, false},
		{"call marked", context.Background(), Call{Platform: "test", Operation: "Query", Idempotent: true}, false},
	}
	for _, tc := range cases {
		req, _ := http.NewRequestWithContext(tc.ctx, http.MethodPost, dropper.URL, strings.NewReader(`{"query":"{ a }"}`))
		resp, err := client.Do(req)
		_, err = Decode[component](tc.call, resp, err)
		var te *facade.TransportError
		if !errors.As(err, &te) {
			t.Fatalf("%s: dropped: got %v, want a *facade.TransportError", tc.name, err)
		}
		if errors.Is(err, facade.ErrOutcomeUnknown) != tc.unknown {
			t.Errorf("%s: dropped POST: outcome unknown = %v, want %v (%v)", tc.name, errors.Is(err, facade.ErrOutcomeUnknown), tc.unknown, err)
		}
		// A garbled 2xx body: the request carries the context mark.
		garbled := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`<!-- upstream -->`)), Request: req}
		_, err = Decode[component](tc.call, garbled, nil)
		var de *facade.DecodeError
		if !errors.As(err, &de) || errors.Is(err, facade.ErrOutcomeUnknown) != tc.unknown {
			t.Errorf("%s: garbled 200 to a POST: %v, outcome unknown = %v, want %v", tc.name, err, errors.Is(err, facade.ErrOutcomeUnknown), tc.unknown)
		}
	}
}

// TestLocation: the Location of a 2xx is the result; one that valid
// refuses (absent, or not an API href) is a *facade.DecodeError that, for
// a POST, matches facade.ErrOutcomeUnknown, as a garbled create body
// does; statuses and transport errors are what Decode returns.
func TestLocation(t *testing.T) {
	errNoLoc := errors.New("no usable Location")
	valid := func(loc string) error {
		if !strings.HasPrefix(loc, "/api/") {
			return errNoLoc
		}
		return nil
	}
	req := func(method string) *http.Request {
		return httptest.NewRequest(method, "https://rs.example/api/deployments?access_token="+secret, nil)
	}
	c := Call{Platform: "rightscale", Operation: "Create deployment", Scrubber: redact.NewScrubber(secret)}

	b := &body{r: strings.NewReader("")}
	resp := &http.Response{StatusCode: 201, Header: http.Header{"Location": {"/api/deployments/7"}}, Body: b, Request: req("POST")}
	loc, err := Location(c, resp, nil, valid)
	if err != nil || loc != "/api/deployments/7" || !b.closed {
		t.Fatalf("201 with Location: %q, %v, body closed %v", loc, err, b.closed)
	}

	for _, method := range []string{"POST", "GET"} {
		page := "<html><body>upstream answered " + secret + "</body></html>"
		b := &body{r: strings.NewReader(page)}
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: b, Request: req(method)}
		loc, err := Location(c, resp, nil, valid)
		var de *facade.DecodeError
		if loc != "" || !errors.As(err, &de) || !errors.Is(err, errNoLoc) || de.StatusCode != 200 || !b.closed {
			t.Fatalf("%s 200 without Location: %q, %v; want a DecodeError wrapping the refusal, body closed", method, loc, err)
		}
		if errors.Is(err, facade.ErrOutcomeUnknown) != (method == "POST") {
			t.Errorf("%s: outcome unknown = %v, want %v", method, errors.Is(err, facade.ErrOutcomeUnknown), method == "POST")
		}
		if !strings.Contains(de.Body, "upstream answered") || strings.Contains(err.Error()+de.Body+de.URL, secret) {
			t.Errorf("excerpt %q / error %q: want the page quoted, scrubbed", de.Body, err)
		}
	}

	// Marked idempotent, the same answer is a definite failure.
	mc := c
	mc.Idempotent = true
	resp = &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req("POST")}
	if _, err := Location(mc, resp, nil, valid); err == nil || errors.Is(err, facade.ErrOutcomeUnknown) {
		t.Errorf("idempotent POST without Location: %v, want a definite DecodeError", err)
	}

	// nil valid accepts anything, even no Location at all.
	resp = &http.Response{StatusCode: 204, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req("POST")}
	if loc, err := Location(c, resp, nil, nil); loc != "" || err != nil {
		t.Errorf("204 with nil valid: %q, %v", loc, err)
	}

	// A status is an *facade.APIError, as from Decode.
	resp, _ = response(422, "text/plain", "ActionFailed: name is taken")
	resp.Request = req("POST")
	var apiErr *facade.APIError
	if _, err := Location(c, resp, nil, valid); !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
		t.Errorf("422: %v, want *facade.APIError", err)
	}
}
