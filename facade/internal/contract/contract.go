// Package contract checks HTTP traffic against an OpenAPI document in
// tests. Facades wrap their client's transport with [Spec.RoundTripper] to
// prove they send what the spec describes; emulators wrap their handler
// with [Spec.Handler] to prove they answer what it describes. Both report
// through testing.TB, so a drift between spec, client and emulator fails
// the test that caused it.
//
// Reports never print header values, and hide the values of credentials
// found in the query or headers wherever the validator quotes them.
//
// A request that does not match the spec is excused when the server
// rejected it with a 4xx: tests of error paths send bad requests on
// purpose, and what matters is that a server accepting a request got a
// valid one, and that every response, rejections included, is documented.
//
// A Spec also keeps track of the operations its exchanges reached, so that
// a contract test can prove it drove every operation of the spec
// ([Spec.RequireAllOperations]), not only that what it drove was right.
package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

// Spec validates traffic against one OpenAPI document. It is safe for
// concurrent use by the requests of one test.
type Spec struct {
	tb     testing.TB
	doc    *openapi3.T
	router routers.Router
	// scheme and host of the rewritten server; empty when routes match
	// any host.
	scheme, host string
	allowUnknown bool
	opts         *openapi3filter.Options // full validation
	headOpts     *openapi3filter.Options // status and headers only, for streams
	counts       func(status int, header http.Header, body []byte) bool

	mu      sync.Mutex
	reached map[string]bool // "METHOD /path" of the operations exchanges reached
}

// Option adjusts a Spec.
type Option func(*config)

type config struct {
	allowUnknown bool
	decoders     []decoder
	counts       func(status int, header http.Header, body []byte) bool
}

type decoder struct {
	contentType string
	fn          openapi3filter.BodyDecoder
}

// AllowUnknownRoutes stops reporting requests to paths or methods the spec
// does not describe, whatever the answer. Without it they are reported
// unless the server answered 404, 405 or 406, which is how an emulator
// rejects what the real API does not have.
func AllowUnknownRoutes() Option {
	return func(c *config) { c.allowUnknown = true }
}

// WithBodyDecoder lets the validator read bodies of a content type it does
// not know. kin-openapi keeps decoders in a process-wide table: the
// previous entry is restored when the test ends, and tests registering the
// same content type must not run in parallel.
func WithBodyDecoder(contentType string, fn openapi3filter.BodyDecoder) Option {
	return func(c *config) { c.decoders = append(c.decoders, decoder{contentType, fn}) }
}

// CountWhen limits which exchanges mark their operation as reached for
// [Spec.RequireAllOperations]: those whose answer counts returns true for.
// An emulator that answers paths it has no route for with a 404 of its
// own uses it so that such an answer does not pass for the operation. The
// body is nil for event streams, which are checked at their head.
func CountWhen(counts func(status int, header http.Header, body []byte) bool) Option {
	return func(c *config) { c.counts = counts }
}

// Doc returns the OpenAPI document get returns (a generated GetSpec),
// failing the test at once if it cannot be decoded.
func Doc(tb testing.TB, get func() (*openapi3.T, error)) *openapi3.T {
	tb.Helper()
	doc, err := get()
	if err != nil {
		tb.Fatalf("contract: loading the OpenAPI document: %v", err)
		return nil
	}
	return doc
}

// DocJSON loads the OpenAPI document raw returns (a generated
// GetSpecJSON), failing the test at once if it cannot be read or decoded.
// The generated clients embed their spec as raw JSON only, so that
// programs linking them do not link kin-openapi; tests decode it here.
func DocJSON(tb testing.TB, raw func() ([]byte, error)) *openapi3.T {
	tb.Helper()
	data, err := raw()
	if err != nil {
		tb.Fatalf("contract: reading the OpenAPI document: %v", err)
		return nil
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		tb.Fatalf("contract: loading the OpenAPI document: %v", err)
		return nil
	}
	return doc
}

// Load validates doc and prepares a Spec matching requests to serverURL,
// e.g. an httptest server's URL. The spec's own base path (the path of its
// first server, like /api/v1) is appended when serverURL has none. An
// empty serverURL matches requests to any host. doc itself is not
// modified. A document that is not valid OpenAPI fails the test at once.
func Load(tb testing.TB, doc *openapi3.T, serverURL string, opts ...Option) *Spec {
	tb.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if doc == nil {
		tb.Fatalf("contract: nil OpenAPI document")
		return nil
	}
	if err := doc.Validate(tb.Context()); err != nil {
		tb.Fatalf("contract: invalid OpenAPI document: %v", err)
		return nil
	}

	basePath := "/"
	if len(doc.Servers) > 0 {
		if bp, err := doc.Servers[0].BasePath(); err == nil {
			basePath = bp
		}
	}
	server, scheme, host, err := serverFor(serverURL, basePath)
	if err != nil {
		tb.Fatalf("contract: server URL: %v", err)
		return nil
	}
	// A shallow copy is enough: only Servers changes, and the caller may
	// share doc between tests that use other servers.
	local := *doc
	local.Servers = openapi3.Servers{&openapi3.Server{URL: server}}
	router, err := gorillamux.NewRouter(&local)
	if err != nil {
		tb.Fatalf("contract: building the router: %v", err)
		return nil
	}

	for _, d := range cfg.decoders {
		previous := openapi3filter.RegisteredBodyDecoder(d.contentType)
		openapi3filter.RegisterBodyDecoder(d.contentType, d.fn)
		tb.Cleanup(func() {
			if previous == nil {
				openapi3filter.UnregisterBodyDecoder(d.contentType)
			} else {
				openapi3filter.RegisterBodyDecoder(d.contentType, previous)
			}
		})
	}

	s := &Spec{
		tb:           tb,
		doc:          &local,
		router:       router,
		scheme:       scheme,
		host:         host,
		allowUnknown: cfg.allowUnknown,
		counts:       cfg.counts,
		reached:      map[string]bool{},
	}
	s.opts = s.newOptions(false)
	s.headOpts = s.newOptions(true)
	return s
}

// serverFor builds the server URL the router matches: serverURL with the
// spec's base path when it has no path of its own, or the base path alone
// (any host) when serverURL is empty.
func serverFor(serverURL, basePath string) (server, scheme, host string, err error) {
	basePath = strings.TrimSuffix(basePath, "/")
	if serverURL == "" {
		if basePath == "" {
			basePath = "/"
		}
		return basePath, "", "", nil
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", "", "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", "", "", fmt.Errorf("%q needs a scheme and a host (or pass \"\" to match any host)", serverURL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = basePath
	}
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimSuffix(u.String(), "/"), u.Scheme, u.Host, nil
}

func (s *Spec) newOptions(headOnly bool) *openapi3filter.Options {
	o := &openapi3filter.Options{
		IncludeResponseStatus: true, // an undocumented status is a finding, not a pass
		ExcludeResponseBody:   headOnly,
		MultiError:            true,
		SkipSettingDefaults:   true, // we validate, we do not rewrite requests
		AuthenticationFunc:    authenticate,
	}
	o.WithCustomSchemaErrorFunc(schemaMessage)
	return o
}

// authenticate accepts a security scheme when its credential is present:
// the contract is about the shape of the traffic; whether the credential
// is right is the server's business.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	req := in.RequestValidationInput.Request
	ss := in.SecurityScheme
	present := false
	switch ss.Type {
	case "apiKey":
		switch ss.In {
		case "header":
			present = req.Header.Get(ss.Name) != ""
		case "query":
			present = req.URL.Query().Has(ss.Name)
		case "cookie":
			_, err := req.Cookie(ss.Name)
			present = err == nil
		}
	case "http":
		scheme, _, ok := strings.Cut(req.Header.Get("Authorization"), " ")
		present = ok && strings.EqualFold(scheme, ss.Scheme)
	case "oauth2", "openIdConnect":
		scheme, _, ok := strings.Cut(req.Header.Get("Authorization"), " ")
		present = ok && strings.EqualFold(scheme, "Bearer")
	}
	if !present {
		return in.NewError(fmt.Errorf("no credential for security scheme %q", in.SecuritySchemeName))
	}
	return nil
}

// schemaMessage keeps schema errors to one line: the default message dumps
// the schema and the offending value, which is noise in a test log and may
// be a secret.
func schemaMessage(err *openapi3.SchemaError) string {
	reason := err.Reason
	if err.Origin != nil {
		reason = err.Origin.Error()
	}
	if reason == "" {
		reason = "doesn't match schema " + err.SchemaField
	}
	if p := err.JSONPointer(); len(p) > 0 {
		return "at /" + strings.Join(p, "/") + ": " + reason
	}
	return reason
}

// exchange is one request/response pair seen by either wrapper.
type exchange struct {
	method, target string // target: redacted request URI, for reports
	scrub          *redact.Scrubber
	route          *routers.Route
	routeErr       error
	input          *openapi3filter.RequestValidationInput
	requestErr     error
}

// begin matches and validates a request whose body has been buffered.
func (s *Spec) begin(req *http.Request, body []byte) *exchange {
	ex := &exchange{method: req.Method, scrub: s.scrubberFor(req)}
	ex.target = ex.scrub.URL(req.URL.RequestURI())
	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	vreq.ContentLength = int64(len(body))
	route, params, err := s.router.FindRoute(vreq)
	if err != nil {
		ex.routeErr = err
		return ex
	}
	ex.route = route
	ex.input = &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: s.opts}
	ex.requestErr = openapi3filter.ValidateRequest(req.Context(), ex.input)
	if ex.requestErr == nil {
		ex.requestErr = emptyHeaderParam(route, vreq.Header)
	}
	return ex
}

// emptyHeaderParam reports a header parameter of the operation sent with
// an empty value, which kin-openapi lets through: a generated client that
// sends an unset optional header that way (a non-pointer field) tells the
// server something the caller never said.
func emptyHeaderParam(route *routers.Route, h http.Header) error {
	params := route.Operation.Parameters
	if route.PathItem != nil {
		params = append(slices.Clip(params), route.PathItem.Parameters...)
	}
	for _, ref := range params {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInHeader {
			continue
		}
		if values, ok := h[http.CanonicalHeaderKey(p.Name)]; ok && !slices.ContainsFunc(values, func(v string) bool { return v != "" }) {
			return fmt.Errorf("header parameter %q sent with an empty value", p.Name)
		}
	}
	return nil
}

// finish reports what the exchange got wrong, given the response.
func (s *Spec) finish(ctx context.Context, ex *exchange, status int, header http.Header, body []byte, headOnly bool) {
	s.tb.Helper()
	if ex.routeErr != nil {
		switch {
		case s.allowUnknown:
		case status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status == http.StatusNotAcceptable:
		default:
			s.report(ex, "%v in the spec, yet the server answered %d", routeReason(ex.routeErr), status)
		}
		return
	}
	s.reach(ex.route, status, header, body)
	if ex.requestErr != nil && (status < 400 || status > 499) {
		s.report(ex, "request does not match the spec (server answered %d): %v", status, ex.requestErr)
	}
	opts := s.opts
	if headOnly {
		opts = s.headOpts
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: ex.input,
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		s.report(ex, "response %d does not match the spec: %v", status, err)
	}
}

func routeReason(err error) string {
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return "method not allowed"
	case errors.Is(err, routers.ErrPathNotFound):
		return "no such path"
	}
	return err.Error()
}

func (s *Spec) report(ex *exchange, format string, args ...any) {
	s.tb.Helper()
	msg := ex.scrub.String(fmt.Sprintf(format, args...))
	s.tb.Errorf("contract: %s %s: %s", ex.method, ex.target, msg)
}

// scrubberFor collects the request's credential values so that reports
// hide them even where the validator quotes a value ("value abc: an
// invalid integer").
func (s *Spec) scrubberFor(req *http.Request) *redact.Scrubber {
	var secrets []string
	for name, values := range req.Header {
		if redact.IsSecretHeader(name) || s.isAPIKey("header", name) {
			for _, v := range values {
				secrets = append(secrets, v)
				if _, rest, ok := strings.Cut(v, " "); ok {
					secrets = append(secrets, rest)
				}
			}
		}
	}
	for name, values := range req.URL.Query() {
		if redact.IsSecretParam(name) || s.isAPIKey("query", name) {
			secrets = append(secrets, values...)
		}
	}
	for _, c := range req.Cookies() {
		secrets = append(secrets, c.Value)
	}
	return redact.NewScrubber(secrets...)
}

func (s *Spec) isAPIKey(in, name string) bool {
	if s.doc.Components == nil {
		return false
	}
	for _, ref := range s.doc.Components.SecuritySchemes {
		if ss := ref.Value; ss != nil && ss.Type == "apiKey" && ss.In == in && strings.EqualFold(ss.Name, name) {
			return true
		}
	}
	return false
}

// RoundTripper returns a transport that validates every request sent
// through it and every response received, then hands the real response
// (body intact) to the caller. Put it at the bottom of the client's stack
// (facade.WithBaseTransport) so it sees the credentials.
func (s *Spec) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &validatingTransport{spec: s, next: next}
}

type validatingTransport struct {
	spec *Spec
	next http.RoundTripper
}

// RoundTrip validates req, sends it with its body restored, and validates
// the response before returning it.
func (t *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	ex := t.spec.begin(req, body)

	out := req.Clone(req.Context()) // the caller's request must stay untouched
	if req.Body != nil && req.Body != http.NoBody {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		if ex.requestErr != nil { // no answer to excuse it
			t.spec.report(ex, "request does not match the spec: %v", ex.requestErr)
		}
		return nil, err
	}
	ctx := req.Context()
	if isEventStream(resp.Header) {
		// Buffering an endless stream would hang the caller: check the head
		// only and let the events flow.
		t.spec.finish(ctx, ex, resp.StatusCode, resp.Header, nil, true)
		return resp, nil
	}
	respBody, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	var rest io.Reader = bytes.NewReader(respBody)
	if readErr != nil {
		rest = io.MultiReader(rest, errReader{readErr}) // the caller sees the failure where it happened
	}
	resp.Body = io.NopCloser(rest)
	t.spec.finish(ctx, ex, resp.StatusCode, resp.Header, respBody, false)
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func isEventStream(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && mt == "text/event-stream"
}

// Handler returns h wrapped so that every request it serves and every
// response it writes are validated. Responses are buffered and written out
// after validation, unchanged; server-sent event streams are validated at
// their head and then passed through as they are written.
func (s *Spec) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil && r.Body != http.NoBody {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				http.Error(w, "contract: reading request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			_ = r.Body.Close()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		// Server requests carry no scheme or host in their URL: match them
		// as if sent to the spec's server, whatever address the test
		// server listens on.
		vr := r.Clone(r.Context())
		if s.host != "" {
			vr.URL.Scheme, vr.URL.Host, vr.Host = s.scheme, s.host, s.host
		}
		ex := s.begin(vr, body)

		rec := &recorder{w: w, header: make(http.Header), onStream: func(status int, header http.Header) {
			s.finish(r.Context(), ex, status, header, nil, true)
		}}
		h.ServeHTTP(rec, r)
		if rec.streaming {
			return
		}
		if !rec.wroteHeader {
			rec.WriteHeader(http.StatusOK)
		}
		if rec.streaming { // a stream that never wrote an event
			return
		}
		s.finish(r.Context(), ex, rec.status, rec.header, rec.body.Bytes(), false)
		dst := w.Header()
		for k, v := range rec.header {
			dst[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

// recorder buffers a handler's response until it can be validated, except
// for event streams, which it passes through once their head is checked.
type recorder struct {
	w           http.ResponseWriter
	header      http.Header
	status      int
	body        bytes.Buffer
	wroteHeader bool
	streaming   bool
	onStream    func(status int, header http.Header)
}

func (r *recorder) Header() http.Header {
	if r.streaming {
		return r.w.Header()
	}
	return r.header
}

func (r *recorder) WriteHeader(status int) {
	if r.wroteHeader || (status >= 100 && status <= 199) {
		return // informational answers are not part of the contract
	}
	r.wroteHeader, r.status = true, status
	if !isEventStream(r.header) {
		return
	}
	r.streaming = true
	r.onStream(status, r.header.Clone())
	dst := r.w.Header()
	for k, v := range r.header {
		dst[k] = v
	}
	r.w.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		// Do what net/http would do, so the validated Content-Type is the
		// one the client will see.
		if _, set := r.header["Content-Type"]; !set && len(b) > 0 {
			r.header.Set("Content-Type", http.DetectContentType(b))
		}
		r.WriteHeader(http.StatusOK)
	}
	if r.streaming {
		return r.w.Write(b)
	}
	return r.body.Write(b)
}

// Flush forwards flushes of a stream; a buffered response is flushed when
// it is written out. An event stream flushed before its first event starts
// streaming here, as net/http would send its head.
func (r *recorder) Flush() {
	if !r.wroteHeader && isEventStream(r.header) {
		r.WriteHeader(http.StatusOK)
	}
	if !r.streaming {
		return
	}
	if f, ok := r.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer for deadlines.
func (r *recorder) Unwrap() http.ResponseWriter { return r.w }
