// Package wire turns the (*http.Response, error) pair returned by the
// generated oapi-codegen clients into a typed result or one of the facade's
// error types. Facades call one of its functions on every operation,
// so no facade can forget a status check, leak an unclosed body or return a
// nil result for an HTML error page.
package wire

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

const (
	// maxErrorBody bounds how much of an error body is read: enough for any
	// real error document, not enough for a misrouted download to matter.
	maxErrorBody = 64 << 10
	// maxDrain bounds the read of an unwanted remainder before closing, so
	// the connection can be reused when that is cheap.
	maxDrain = 64 << 10
	// maxExcerpt is the size of the Body and Message kept in errors.
	maxExcerpt = 1 << 10
	// excerptSlack is captured beyond maxExcerpt so a secret cut at the
	// boundary is still whole when scrubbed; the excerpt is cut after.
	excerptSlack = 1 << 10
)

// Call names an operation for its errors and says how to read the
// platform's error bodies.
type Call struct {
	// Platform is the platform's short name, e.g. "cachet".
	Platform string
	// Operation is the API operation, e.g. "GetComponent".
	Operation string
	// Message extracts the server's explanation from an error body (at most
	// 64 KiB); nil or an empty result falls back to the status text.
	Message func(body []byte) string
	// Scrubber hides the client's secrets in errors; nil applies only the
	// name-based redaction.
	Scrubber *redact.Scrubber
	// MaxBody bounds a decoded 2xx body; zero means DefaultMaxBody. A
	// larger body is a *facade.DecodeError wrapping
	// facade.ErrResponseTooLarge, so a hostile or misrouted answer cannot
	// exhaust memory.
	MaxBody int64
	// Idempotent says the request was safe to repeat whatever its method
	// (a GraphQL query sent by POST, under transport.Idempotent), so its
	// failures never match facade.ErrOutcomeUnknown. A response whose
	// request carries that mark in its context counts as idempotent too;
	// this field covers the failures that come back without a response.
	Idempotent bool
}

// idempotent reports whether the failed request was safe to repeat, so
// that its failure says nothing about a changed server state.
func (c Call) idempotent(resp *http.Response) bool {
	return c.Idempotent || (resp != nil && resp.Request != nil && transport.IsIdempotent(resp.Request.Context()))
}

// DefaultMaxBody is the largest JSON body Decode reads: far above any real
// page of these APIs (a 10,000-instance RightScale index is about 6 MiB).
const DefaultMaxBody = 256 << 20

// Decode returns the JSON body of a 2xx response as a T. The body is
// decoded as a stream, never read whole into memory first. An empty body,
// a JSON null, trailing data or a body that does not decode into T is a
// *facade.DecodeError: callers never get a zero T without an error.
func Decode[T any](c Call, resp *http.Response, err error) (T, error) {
	var v T
	if err := DecodeInto(c, resp, err, &v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// DecodeInto is [Decode] into a value the caller prepared: encoding/json
// follows the pointers already in *v (an interface field holding a
// pointer, say), so an envelope can decode its payload straight into the
// caller's type in the same pass instead of keeping it as raw bytes to
// decode again. On error *v may be partly filled.
func DecodeInto[T any](c Call, resp *http.Response, err error, v *T) error {
	if err := c.check(resp, err); err != nil {
		return err
	}
	defer drainAndClose(resp.Body)

	limit := c.maxBody()
	// The readers around the body come from a pool: Decode runs on every
	// call of every facade, and allocating them (with the excerpt's
	// buffer) each time was a measurable part of the per-call overhead.
	st := readerPool.Get().(*readerState)
	defer st.release()
	st.capped = cappedReader{r: resp.Body, left: limit}
	st.capture.buf = st.capture.buf[:0]
	st.br.Reset(&st.tee)
	r := st.br
	if err := decodeInto(r, v); err != nil {
		// The decoder stops at the first bad byte; read on (through the
		// tee) so the excerpt shows the reader what the body was.
		_, _ = io.CopyN(io.Discard, r, int64(st.capture.room()))
		return c.decodeError(resp, bytes.Clone(st.capture.Bytes()), err)
	}
	return nil
}

// DecodeArray is [Decode] of a JSON array into its elements, each as the
// server sent it. The body is read once into one buffer (sized by its
// Content-Length when there is one), checked and cut into elements, each
// capped at its end so that an append to one never runs into the next:
// one pass over the bytes and one allocation for the answer, where
// decoding into []json.RawMessage scans everything twice and copies every
// element. Anything but an array is a *facade.DecodeError, with the same
// error Decode would give.
func DecodeArray(c Call, resp *http.Response, err error) ([]json.RawMessage, error) {
	if err := c.check(resp, err); err != nil {
		return nil, err
	}
	defer drainAndClose(resp.Body)
	raw, err := readBody(resp, c.maxBody())
	if err != nil {
		return nil, c.decodeError(resp, raw[:min(len(raw), maxExcerpt+excerptSlack)], err)
	}
	if json.Valid(raw) {
		if items, ok := splitArray(raw); ok {
			return items, nil
		}
	}
	// Not an array: let the decoder say what is wrong, as Decode does.
	var v json.RawMessage
	if err := decodeInto(bufio.NewReader(bytes.NewReader(raw)), &v); err != nil {
		return nil, c.decodeError(resp, raw[:min(len(raw), maxExcerpt+excerptSlack)], err)
	}
	return nil, c.decodeError(resp, raw[:min(len(raw), maxExcerpt)], errNotArray)
}

// maxPresize bounds the buffer allocated on the word of a Content-Length
// header, which a hostile server can inflate; beyond it the buffer grows
// as the bytes actually arrive.
const maxPresize = 1 << 20

// readBody reads a 2xx body whole, failing with ErrResponseTooLarge past
// limit bytes.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 {
		// MinRead more, so the read that meets the end needs no growth.
		buf.Grow(int(min(n, limit, maxPresize)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(&cappedReader{r: resp.Body, left: limit})
	return buf.Bytes(), err
}

// maxBody is MaxBody with its default.
func (c Call) maxBody() int64 {
	if c.MaxBody <= 0 {
		return DefaultMaxBody
	}
	return c.MaxBody
}

var errNotArray = errors.New("the JSON value is not an array")

// splitArray returns the elements of raw, a valid JSON value, or false when
// it is not an array. Validity is checked before, by json.Valid: the walk
// only tells strings, nesting and separators apart.
func splitArray(raw json.RawMessage) ([]json.RawMessage, bool) {
	i := 0
	for i < len(raw) && isJSONSpace(raw[i]) {
		i++
	}
	if i == len(raw) || raw[i] != '[' {
		return nil, false
	}
	items := []json.RawMessage{}
	depth, start, end := 0, -1, 0
	inString := false
	for i++; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			if c == '\\' {
				i++ // the escaped byte
			} else if c == '"' {
				inString = false
				end = i + 1
			}
			continue
		case isJSONSpace(c):
			continue
		case depth == 0 && (c == ',' || c == ']'):
			if start >= 0 {
				items = append(items, raw[start:end:end])
			}
			if c == ']' {
				return items, true
			}
			start = -1
			continue
		}
		if start < 0 {
			start = i
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
		end = i + 1
	}
	return nil, false // never reached for valid JSON
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// readerState is the reading side of one Decode: the capped body, the
// excerpt captured from it, and the small buffer of the first-byte check
// (json.Decoder buffers itself, and bufio passes its large reads straight
// through).
type readerState struct {
	capped  cappedReader
	capture prefixBuffer
	tee     teeReader
	br      *bufio.Reader
}

// teeReader is io.TeeReader into the state's capture, without an
// allocation per call.
type teeReader struct{ st *readerState }

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.st.capped.Read(p)
	if n > 0 {
		_, _ = t.st.capture.Write(p[:n])
	}
	return n, err
}

var readerPool = sync.Pool{New: func() any {
	st := &readerState{capture: prefixBuffer{buf: make([]byte, 0, maxExcerpt+excerptSlack), limit: maxExcerpt + excerptSlack}}
	st.tee.st = st
	// 512 is json.Decoder's first read: a smaller buffer hands it a
	// fragment, and its second read grows its own buffer (one more
	// allocation and 1.5 KB on every answer decoded).
	st.br = bufio.NewReaderSize(&st.tee, 512)
	return st
}}

// release drops the references to the body and returns st to the pool.
func (st *readerState) release() {
	st.capped = cappedReader{}
	st.br.Reset(&st.tee)
	readerPool.Put(st)
}

// cappedReader fails with ErrResponseTooLarge once more than left bytes
// have been read, where io.LimitReader would end silently and make a huge
// body look merely truncated.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, facade.ErrResponseTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// decodeInto decodes exactly one JSON value from r into v. It looks at the
// first byte itself to tell an empty body and a null apart from a value,
// which the decoder would otherwise accept as a zero v without complaint.
func decodeInto[T any](r *bufio.Reader, v *T) error {
	for {
		b, err := r.ReadByte()
		if errors.Is(err, io.EOF) {
			return errEmptyBody
		}
		if err != nil {
			return err
		}
		if b == ' ' || b == '\t' || b == '\r' || b == '\n' {
			continue
		}
		if b == 'n' {
			return errNullBody
		}
		_ = r.UnreadByte() // cannot fail right after ReadByte
		break
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailingData
	}
	return nil
}

var (
	errEmptyBody    = errors.New("empty body")
	errNullBody     = errors.New("null body")
	errTrailingData = errors.New("unexpected data after the JSON value")
)

// NoContent checks a response whose body, if any, does not matter (204, or
// a 2xx echoing what was sent), and discards that body.
func NoContent(c Call, resp *http.Response, err error) error {
	if err := c.check(resp, err); err != nil {
		return err
	}
	drainAndClose(resp.Body)
	return nil
}

// Check returns a 2xx response with its body open, for callers that stream
// it (event streams, downloads); they must close it. Any other outcome is
// turned into an error exactly as Decode would, with the body closed.
func Check(c Call, resp *http.Response, err error) (*http.Response, error) {
	if err := c.check(resp, err); err != nil {
		return nil, err
	}
	return resp, nil
}

// Location returns the Location header of a 2xx answer whose result is
// that header rather than its body: a create's 201 naming the new
// resource, a 202 naming the task that follows an action. The body is
// discarded. valid judges the header's value ("" when there is none);
// nil accepts anything. A value it refuses is reported like a body that
// does not decode: a *facade.DecodeError wrapping valid's error, which
// for a POST or PATCH matches facade.ErrOutcomeUnknown, since the server
// answered 2xx and may have done the work (a proxy's 200 page in front of
// a create that did happen looks the same). Any other outcome is an error
// exactly as Decode would return it.
func Location(c Call, resp *http.Response, err error, valid func(loc string) error) (string, error) {
	if err := c.check(resp, err); err != nil {
		return "", err
	}
	defer drainAndClose(resp.Body)
	loc := resp.Header.Get("Location")
	if valid != nil {
		if verr := valid(loc); verr != nil {
			// Quote the start of the body: a proxy's page says more
			// than the missing header does.
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxExcerpt+excerptSlack))
			return "", c.decodeError(resp, body, verr)
		}
	}
	return loc, nil
}

// check turns a transport error or a non-2xx response into the facade's
// error types, closing the body in those cases; nil means the caller owns
// a 2xx response.
func (c Call) check(resp *http.Response, err error) error {
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body) // net/http may return the last response with a redirect error
		}
		return c.transportError(resp, err)
	}
	if resp == nil {
		return &facade.TransportError{Platform: c.Platform, Operation: c.Operation, Err: errors.New("no response")}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	defer drainAndClose(resp.Body)
	return c.apiError(resp)
}

func (c Call) transportError(resp *http.Response, err error) error {
	te := &facade.TransportError{Platform: c.Platform, Operation: c.Operation, Err: err}
	if resp != nil && resp.Request != nil {
		te.Method, te.URL = resp.Request.Method, c.Scrubber.URL(resp.Request.URL.String())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		safe := c.Scrubber.URL(ue.URL)
		if te.URL == "" {
			te.URL = safe
		}
		if te.Method == "" {
			te.Method = strings.ToUpper(ue.Op) // net/http writes "Get", "Post"...
		}
		// Rebuild rather than mutate: the error may be shared, and its
		// original URL can hold a token in its query.
		inner := ue.Err
		if inner != nil {
			// net/http quotes server text in some errors (a malformed
			// Location header): scrub and bound it like a body.
			if msg := inner.Error(); len(msg) > maxExcerpt || c.Scrubber.String(msg) != msg {
				inner = &scrubbedError{msg: redact.Excerpt(c.Scrubber.String(msg), maxExcerpt), err: inner}
			}
			if untrustedCert(inner) {
				inner = &untrustedCertError{err: inner}
			}
		}
		rebuilt := &url.Error{Op: ue.Op, URL: safe, Err: inner}
		te.OutcomeUnknown = !c.idempotent(resp) && mayHaveBeenSent(te.Method, ue.Err)
		te.Err = rebuilt
		if ue != err {
			msg := err.Error()
			if ue.URL != "" {
				msg = strings.ReplaceAll(msg, ue.URL, safe)
			}
			if _, ok := inner.(*untrustedCertError); ok {
				msg += untrustedCertHint
			}
			te.Err = &replacedURLError{msg: c.Scrubber.String(msg), inner: rebuilt}
		}
	}
	return te
}

// mayHaveBeenSent reports whether a failed request of this method may have
// changed the server's state. Idempotent methods can be repeated safely;
// for the others, only a failure to connect at all (no connection, no TLS
// session, no name) proves the server never saw the request.
func mayHaveBeenSent(method string, err error) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return false
	}
	// Obtaining the credentials failed (a refused login): the request
	// itself was never sent. Or the request only read (a GraphQL query
	// under transport.Idempotent): sent or not, nothing changed.
	var credErr *transport.CredentialsError
	var repErr *transport.RepeatableError
	if errors.As(err, &credErr) || errors.As(err, &repErr) {
		return false
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var x509Err x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &dnsErr) || errors.As(err, &certErr) || errors.As(err, &x509Err) || errors.As(err, &hostErr) {
		return false
	}
	return true
}

// replacedURLError stands for an error chain that wraps a *url.Error: it
// prints the chain's message with the URL hidden, and unwraps to the
// rebuilt *url.Error, so the original URL is unreachable even through
// errors.As. The intermediate wrappers are lost; net/http never produces
// them, only a caller-supplied Doer could.
type replacedURLError struct {
	msg   string
	inner *url.Error
}

func (e *replacedURLError) Error() string { return e.msg }

func (e *replacedURLError) Unwrap() error { return e.inner }

func (c Call) apiError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	ct := resp.Header.Get("Content-Type")
	e := &facade.APIError{
		Platform:   c.Platform,
		Operation:  c.Operation,
		StatusCode: resp.StatusCode,
		RequestID:  redact.Truncate(c.Scrubber.String(requestID(resp.Header)), 128),
		Body:       c.excerpt(ct, body),
	}
	e.Method, e.URL = c.request(resp)
	if c.Message != nil {
		e.Message = strings.TrimSpace(c.Message(body))
	}
	if e.Message != "" {
		e.Message = redact.Truncate(c.Scrubber.String(e.Message), maxExcerpt)
	} else {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

func (c Call) decodeError(resp *http.Response, captured []byte, err error) error {
	ct := resp.Header.Get("Content-Type")
	e := &facade.DecodeError{
		Platform:    c.Platform,
		Operation:   c.Operation,
		StatusCode:  resp.StatusCode,
		ContentType: ct,
		Body:        c.excerpt(ct, captured),
		Err:         err,
	}
	e.Method, e.URL = c.request(resp)
	switch strings.ToUpper(e.Method) {
	case http.MethodPost, http.MethodPatch:
		e.OutcomeUnknown = !c.idempotent(resp)
	}
	// A *json.UnmarshalTypeError quotes numbers it could not store ("cannot
	// unmarshal number 123456 into..."): scrub the message, keep the error.
	if err != nil {
		if msg := c.Scrubber.String(err.Error()); msg != err.Error() {
			e.Err = &scrubbedError{msg: msg, err: err}
		}
	}
	return e
}

// ConversionError reports a 2xx answer that decoded as JSON but whose
// content the facade could not turn into its result (a malformed timestamp,
// a missing id). The body has already been consumed by then, so the error
// carries no excerpt; everything else matches a decoding failure.
func (c Call) ConversionError(resp *http.Response, err error) error {
	if resp == nil {
		return &facade.DecodeError{Platform: c.Platform, Operation: c.Operation, Err: err}
	}
	return c.decodeError(resp, nil, err)
}

// scrubbedError shows a cleaned message while keeping the original error
// for errors.As.
// untrustedCertHint follows a certificate verification failure: Go's own
// message ("certificate signed by unknown authority") says what failed but
// not what the user can do, and the fix differs between a private CA and a
// throwaway test server.
const untrustedCertHint = " (the server's TLS certificate is not trusted: add its CA" +
	" (facade.WithCACertFile, or the CLI's CA certificate setting), or, for a test server only," +
	" turn verification off by name (facade.WithInsecureSkipVerify, the CLI's --insecure," +
	" spacestudio's VERIFY_SSL_CERTIFICATE=FALSE))"

// untrustedCert reports whether err is a failure to verify the server's
// certificate chain or name.
func untrustedCert(err error) bool {
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr) || errors.As(err, &invalidErr)
}

// WithCertHint returns err with the advice of a certificate failure
// added, for facades that build a *facade.TransportError themselves (an
// OAuth2 token exchange); other errors are returned as they are. A
// *url.Error stays on top, so the TransportError still prints its URL once.
func WithCertHint(err error) error {
	if err == nil || !untrustedCert(err) {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: ue.URL, Err: &untrustedCertError{err: ue.Err}}
	}
	return &untrustedCertError{err: err}
}

// untrustedCertError adds [untrustedCertHint] to a certificate failure and
// unwraps to it, so errors.As(err, &x509.UnknownAuthorityError{}) still
// works.
type untrustedCertError struct{ err error }

func (e *untrustedCertError) Error() string { return e.err.Error() + untrustedCertHint }
func (e *untrustedCertError) Unwrap() error { return e.err }

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func (c Call) request(resp *http.Response) (method, u string) {
	if resp.Request == nil {
		return "", ""
	}
	return resp.Request.Method, c.Scrubber.URL(resp.Request.URL.String())
}

func (c Call) excerpt(contentType string, body []byte) string {
	return redact.Truncate(string(c.Scrubber.Body(contentType, body)), maxExcerpt)
}

// requestIDHeaders are the names platforms and their proxies use; the
// canonical form of X-Request-ID is X-Request-Id, so one lookup covers both.
var requestIDHeaders = [...]string{"X-Request-Id", "Request-Id", "X-Correlation-Id"}

func requestID(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	// A hand-built header map may hold the non-canonical spelling.
	for name, values := range h {
		if strings.EqualFold(name, "X-Request-ID") && len(values) > 0 && values[0] != "" {
			return values[0]
		}
	}
	return ""
}

// prefixBuffer keeps the first limit bytes written to it and discards the
// rest, so a DecodeError can quote the start of a body that was streamed.
type prefixBuffer struct {
	buf   []byte
	limit int
}

func (p *prefixBuffer) Write(b []byte) (int, error) {
	if room := p.limit - len(p.buf); room > 0 {
		p.buf = append(p.buf, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

func (p *prefixBuffer) Bytes() []byte { return p.buf }

func (p *prefixBuffer) room() int { return max(p.limit-len(p.buf), 0) }

func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}
