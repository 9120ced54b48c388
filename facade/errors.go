package facade

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Sentinels for errors.Is. They classify an [*APIError] by status so callers
// need not remember which platform answers 400 and which 422 to a bad
// request; they are never returned bare.
var (
	// ErrNotFound matches a 404 Not Found answer.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized matches a 401: the credentials are missing or wrong.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden matches a 403: the credentials are valid but not allowed.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict matches a 409, e.g. creating something that already exists.
	ErrConflict = errors.New("conflict")
	// ErrValidation matches 400 and 422: platforms disagree on which of the
	// two means "your input is wrong", callers should not have to care.
	ErrValidation = errors.New("validation failed")
	// ErrRateLimited matches a 429 that was still there after the client's
	// own retries.
	ErrRateLimited = errors.New("rate limited")
	// ErrOutcomeUnknown matches a [*TransportError] of a request that is not
	// safe to repeat (a create) and may have reached the server before the
	// failure: the object may exist. Look it up before creating it again.
	ErrOutcomeUnknown = errors.New("outcome unknown: the request may have taken effect")
	// ErrResponseTooLarge is wrapped by the [*DecodeError] of a response
	// bigger than the facade is willing to hold in memory.
	ErrResponseTooLarge = errors.New("response too large")
)

// APIError is a non-2xx answer from a platform's server.
//
// All string fields are safe to log: URL has its credentials replaced by
// "[REDACTED]", Body is a scrubbed excerpt of at most 1 KiB.
type APIError struct {
	// Platform is the platform's short name, e.g. "cachet".
	Platform string
	// Operation is the API operation that failed, e.g. "GetComponent".
	Operation string
	// Method is the HTTP method of the request.
	Method string
	// URL is the redacted URL of the request that got the answer (after
	// redirects).
	URL string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// RequestID is the server's request or correlation id, when it sent
	// one; quote it to the platform's operators.
	RequestID string
	// Message is the server's own explanation, extracted from the body in
	// the platform's error format, or the status text when there was none.
	Message string
	// Body is a redacted excerpt (at most 1 KiB) of the response body, for
	// diagnostics the Message does not cover.
	Body string
}

// Error renders one line without the body: error strings end up in logs and
// terminals, where a body dump would be noise.
func (e *APIError) Error() string {
	var b strings.Builder
	writeRequest(&b, e.Platform, e.Operation, e.Method, e.URL)
	writeStatus(&b, e.StatusCode)
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is lets errors.Is match the sentinels by status class, so callers write
// errors.Is(err, facade.ErrNotFound) instead of comparing status codes.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// DecodeError is a 2xx answer whose body the client could not decode into
// the documented result: a proxy's HTML page, an empty or truncated body, a
// JSON null. It exists so that such an answer is never mistaken for success
// with a nil result.
type DecodeError struct {
	// Platform is the platform's short name, e.g. "cachet".
	Platform string
	// Operation is the API operation, e.g. "GetComponent".
	Operation string
	// Method is the HTTP method of the request.
	Method string
	// URL is the redacted URL of the request.
	URL string
	// StatusCode is the (2xx) HTTP status of the answer.
	StatusCode int
	// ContentType is the Content-Type the server declared.
	ContentType string
	// Body is a redacted excerpt (at most 1 KiB) of the body received.
	Body string
	// Err is the decoder's error.
	Err error
	// OutcomeUnknown is set for a request that is not idempotent (a
	// create): the server answered 2xx, so it acted, but what it made
	// cannot be read. The error matches [ErrOutcomeUnknown].
	OutcomeUnknown bool
}

// Is matches ErrOutcomeUnknown when the outcome is unknown.
func (e *DecodeError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.OutcomeUnknown
}

// Error names the content type because "invalid character '<'" alone does
// not tell the reader that a proxy answered with HTML.
func (e *DecodeError) Error() string {
	var b strings.Builder
	writeRequest(&b, e.Platform, e.Operation, e.Method, e.URL)
	writeStatus(&b, e.StatusCode)
	b.WriteString(": cannot decode response")
	if e.ContentType != "" {
		b.WriteString(" of type ")
		b.WriteString(e.ContentType)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the decoder's error, e.g. a *json.SyntaxError.
func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError is a failure before any response arrived: name
// resolution, connection, TLS handshake, timeout or cancellation.
type TransportError struct {
	// Platform is the platform's short name, e.g. "cachet".
	Platform string
	// Operation is the API operation, e.g. "GetComponent".
	Operation string
	// Method is the HTTP method of the request, when known.
	Method string
	// URL is the redacted URL of the request, when known.
	URL string
	// Err is the underlying error. A *url.Error in the chain carries the
	// redacted URL too, so printing Err alone is also safe.
	Err error
	// OutcomeUnknown is set when the request is not idempotent (POST,
	// PATCH) and failed after it may have been sent: the server may have
	// acted on it. Such requests are never retried automatically; the
	// error matches [ErrOutcomeUnknown].
	OutcomeUnknown bool
}

// Is matches ErrOutcomeUnknown when the outcome is unknown.
func (e *TransportError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.OutcomeUnknown
}

// Error avoids repeating the method and URL a *url.Error would print again.
func (e *TransportError) Error() string {
	var b strings.Builder
	writeRequest(&b, e.Platform, e.Operation, e.Method, e.URL)
	inner := e.Err
	if ue, ok := inner.(*url.Error); ok && ue.Err != nil {
		inner = ue.Err
	}
	if inner != nil {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(inner.Error())
	}
	if e.OutcomeUnknown {
		b.WriteString(" (the request may have reached the server: check before repeating it)")
	}
	return b.String()
}

// Unwrap exposes the cause, so errors.Is(err, context.DeadlineExceeded)
// and errors.As(err, &x509.UnknownAuthorityError{}) keep working.
func (e *TransportError) Unwrap() error { return e.Err }

// writeRequest writes "platform: Operation: METHOD url", skipping empty
// parts, so the three error types read alike.
func writeRequest(b *strings.Builder, platform, operation, method, url string) {
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
	}
	if platform != "" {
		b.WriteString(platform)
	}
	if operation != "" {
		sep()
		b.WriteString(operation)
	}
	if method != "" || url != "" {
		sep()
		b.WriteString(method)
		if method != "" && url != "" {
			b.WriteByte(' ')
		}
		b.WriteString(url)
	}
}

// writeStatus writes ": 404 Not Found", or just the number for a code Go
// has no text for.
func writeStatus(b *strings.Builder, code int) {
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(code))
	if text := http.StatusText(code); text != "" {
		b.WriteByte(' ')
		b.WriteString(text)
	}
}

// ConfigError is a client that cannot be built from what it was given: a
// missing or malformed setting, or a configuration file that cannot be
// read. It is returned before any request is made, so a wrong setting fails
// at start-up rather than at the first call. Err is a sentinel of the
// platform's package (cachet.ErrNoEndpoint, ...) for errors.Is.
type ConfigError struct {
	// Platform is the platform's short name ("cachet").
	Platform string
	// Setting names what was wrong, as the user wrote it: an option, an
	// environment variable ("CACHET_ENDPOINT") or a file key.
	Setting string
	// Value is the value given, with any credentials redacted; empty when
	// nothing was given or when the value itself is secret.
	Value string
	// File and Line locate the setting when it came from a file.
	File string
	Line int
	// Reason explains what is expected.
	Reason string
	// Err is the underlying cause or sentinel.
	Err error
}

// Error reads `cachet: CACHET_ENDPOINT "…": reason`, with `file:line:` in
// front of the setting when it came from a file.
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.Platform != "" {
		b.WriteString(e.Platform)
		b.WriteString(": ")
	}
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Setting)
	if e.Value != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Value))
	}
	switch {
	case e.Reason != "":
		b.WriteString(": ")
		b.WriteString(e.Reason)
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is match the platform's sentinel.
func (e *ConfigError) Unwrap() error { return e.Err }

// ArgumentError is an argument a facade refuses before sending anything,
// because the real server would misread it silently or fail without saying
// why (a Cachet tag name with a comma, an unknown sort column, an invalid
// email address). errors.Is(err, ErrValidation) matches it, as it matches
// the server's own validation answers: either way the input must change.
type ArgumentError struct {
	// Platform is the platform's short name ("cachet").
	Platform string
	// Operation is the facade method, e.g. "Components.Update".
	Operation string
	// Argument names the offending field, e.g. "Tags".
	Argument string
	// Reason says what is wrong and what to do instead.
	Reason string
}

// Error reads "cachet: Components.Create: Tags: reason".
func (e *ArgumentError) Error() string {
	var b strings.Builder
	for _, part := range []string{e.Platform, e.Operation, e.Argument} {
		if part != "" {
			b.WriteString(part)
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is makes errors.Is(err, ErrValidation) true.
func (e *ArgumentError) Is(target error) bool { return target == ErrValidation }

// ListError ends a list iteration whose next page could not be fetched,
// after every item before it was yielded. It says where the listing
// stopped, so a caller can resume from there or report how far it got,
// and unwraps to the cause (an [*APIError], [*DecodeError],
// [*TransportError], ...), so errors.Is(err, ErrNotFound) and
// errors.As(err, &apiErr) see through it. Every facade's List iterator
// ends this way; a cancelled or expired context ends it with the
// context's own error instead.
type ListError struct {
	// Page is the 1-based number of the page that failed, counted from
	// the iteration's start (not the server's page number).
	Page int
	// Cursor is what that page was asked for with: a page number
	// (Cachet), an offset (StackStorm, Saagie), an opaque token.
	Cursor any
	// Items counts the items yielded before the failure: the caller has
	// seen exactly these, in order, each once.
	Items int
	// Attempts counts the fetches of the failed page, re-fetches of a
	// garbled answer included (the transport's own retries are not
	// counted: they happen inside one fetch).
	Attempts int
	// Err is the last fetch's error.
	Err error
}

// Error puts the position first: the cause alone does not say how far the
// listing got. A failure of the first page reads as the cause alone:
// nothing was listed, and messages for a refused list stay short.
func (e *ListError) Error() string {
	if e.Page <= 1 {
		if e.Err == nil {
			return "listing failed"
		}
		return e.Err.Error()
	}
	var b strings.Builder
	b.WriteString("listing stopped at page ")
	b.WriteString(strconv.Itoa(e.Page))
	switch c := e.Cursor.(type) {
	case fmt.Stringer:
		b.WriteString(" (cursor " + c.String() + ")")
	case int:
		b.WriteString(" (cursor " + strconv.Itoa(c) + ")")
	case int64:
		b.WriteString(" (cursor " + strconv.FormatInt(c, 10) + ")")
	case string:
		if c != "" {
			b.WriteString(" (cursor " + c + ")")
		}
	}
	fmt.Fprintf(&b, " after %d items, %d attempts", e.Items, e.Attempts)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *ListError) Unwrap() error { return e.Err }
