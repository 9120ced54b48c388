package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

// retryAfterLimitFactor bounds the Retry-After the retry layer waits for,
// as a multiple of the maximum backoff delay (a minute with the defaults).
const retryAfterLimitFactor = 6

// maxDrain bounds how much of a discarded body is read so that its
// connection can be reused; beyond that, closing is cheaper than reading.
const maxDrain = 64 << 10

// retryTransport retries idempotent requests on transient failures.
type retryTransport struct {
	next       http.RoundTripper
	maxRetries int
	base, cap  time.Duration
	logger     *slog.Logger
	scrub      *redact.Scrubber
	sleep      func(context.Context, time.Duration) error
	jitter     func(n int64) int64 // uniform in [0, n)
	// counting is false when no logger was given: the logging layer then
	// never puts an attempt counter in the context, and looking for one
	// on every attempt would walk the context chain for nothing.
	counting bool
}

func newRetryTransport(next http.RoundTripper, o facade.Options, logger *slog.Logger, scrub *redact.Scrubber,
	sleep func(context.Context, time.Duration) error, jitter func(int64) int64) *retryTransport {
	t := &retryTransport{
		next:       next,
		maxRetries: max(o.MaxRetries, 0),
		base:       o.RetryBaseDelay,
		cap:        o.RetryMaxDelay,
		logger:     logger,
		scrub:      scrub,
		sleep:      sleep,
		jitter:     jitter,
		counting:   o.Logger != nil,
	}
	if t.base <= 0 {
		t.base = facade.DefaultRetryBaseDelay
	}
	if t.cap <= 0 {
		t.cap = facade.DefaultRetryMaxDelay
	}
	t.cap = max(t.cap, t.base)
	if t.sleep == nil {
		t.sleep = sleepContext
	}
	if t.jitter == nil {
		t.jitter = rand.Int64N
	}
	return t
}

// idempotent methods are safe to send twice. POST and PATCH are not: a
// retried POST after a lost response may create a second incident.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

type idempotentKey struct{}

// Idempotent returns a context under which requests are safe to send more
// than once whatever their method: reads that an API can only express as
// a POST, such as GraphQL queries (which, unlike mutations, change
// nothing). The retry layer then retries them like a GET, and the wire
// package does not report their failures as possibly having taken effect
// (facade.ErrOutcomeUnknown). Only a request that truly has no side effect
// may be marked: a retried write could be applied twice.
func Idempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// IsIdempotent reports whether ctx was marked by [Idempotent].
func IsIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}

// SafeToRepeat reports whether req may be sent again: its method is
// idempotent or its context was marked by [Idempotent].
func SafeToRepeat(req *http.Request) bool {
	return idempotent(req.Method) || IsIdempotent(req.Context())
}

// RepeatableError wraps the failure of a request marked [Idempotent], as
// the client returns it (inside its *url.Error), so that code holding only
// the error, not the request, can tell that the failed POST changed
// nothing. It prints and unwraps to the cause.
type RepeatableError struct{ Err error }

// Error is the cause's message.
func (e *RepeatableError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *RepeatableError) Unwrap() error { return e.Err }

// markRepeatable wraps err in a *RepeatableError when req was marked
// Idempotent (and is not a method idempotent anyway).
func markRepeatable(req *http.Request, err error) error {
	if err == nil || idempotent(req.Method) || !IsIdempotent(req.Context()) {
		return err
	}
	return &RepeatableError{Err: err}
}

// RoundTrip sends req, then resends it while decide allows. Requests that
// cannot be retried (unsafe method, body without GetBody, retries off) go
// through once, untouched.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	hasBody := req.Body != nil && req.Body != http.NoBody
	if t.maxRetries == 0 || !SafeToRepeat(req) || (hasBody && req.GetBody == nil) {
		if t.counting {
			countAttempt(req.Context())
		}
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			r = req.Clone(ctx)
			if hasBody {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		if t.counting {
			countAttempt(ctx)
		}
		resp, err := t.next.RoundTrip(r)
		if attempt > t.maxRetries {
			return resp, err
		}
		delay, again := t.decide(ctx, attempt, resp, err)
		if !again {
			return resp, err
		}
		t.logRetry(ctx, req, attempt, resp, err, delay)
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if err := t.sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// decide returns whether to retry and after how long. It gives up early,
// returning the current response or error, when the wait would outlast the
// caller's deadline: a 503 with the server's message is a better answer
// than "context deadline exceeded" after sleeping for nothing.
func (t *retryTransport) decide(ctx context.Context, attempt int, resp *http.Response, err error) (time.Duration, bool) {
	if ctx.Err() != nil {
		// The caller has given up: whatever came back is the answer.
		return 0, false
	}
	var delay time.Duration
	if err != nil {
		if !transient(err) {
			return 0, false
		}
		delay = t.backoff(attempt)
	} else {
		switch resp.StatusCode {
		// 500 too: the retry layer only ever repeats idempotent requests,
		// and an internal error on a read is as often transient (a worker
		// restarting, a lost database connection) as a 503.
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return 0, false
		}
		delay = t.backoff(attempt)
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			// The server knows better than our backoff, even beyond our
			// cap, but not without limit: a caller without a deadline
			// would otherwise hang for as long as the server says.
			// Past the limit the caller gets the 429/503 at once.
			if ra > t.cap*retryAfterLimitFactor {
				return 0, false
			}
			delay = ra
		}
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= delay {
		return 0, false
	}
	return delay, true
}

// backoff is exponential with full jitter: uniform between the base delay
// and min(cap, base*2^attempt), so that clients rejected together do not
// come back together.
func (t *retryTransport) backoff(attempt int) time.Duration {
	ceiling := t.base
	for range attempt {
		if ceiling > t.cap/2 { // doubling would pass the cap, or overflow
			ceiling = t.cap
			break
		}
		ceiling *= 2
	}
	spread := int64(min(ceiling, t.cap) - t.base)
	if spread <= 0 {
		return t.base
	}
	return t.base + time.Duration(t.jitter(spread+1))
}

// transient reports whether a transport error may go away on retry.
// Certificate and DNS "no such host" failures will not, and retrying them
// only delays the useful message.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		dns      *net.DNSError
	)
	// A RoundTrip error wraps an API answer or a configuration problem only
	// when obtaining credentials failed (a login, a token exchange): a
	// refused password or refresh token stays refused, so only a server
	// error or a rate limit there is worth another attempt.
	var (
		apiErr  *facade.APIError
		confErr *facade.ConfigError
		argErr  *facade.ArgumentError
		decErr  *facade.DecodeError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &record):
		return false
	case errors.As(err, &dns) && dns.IsNotFound:
		return false
	case errors.As(err, &apiErr):
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests
	case errors.As(err, &confErr), errors.As(err, &argErr), errors.As(err, &decErr):
		return false
	}
	return true
}

// parseRetryAfter reads delay-seconds or an HTTP-date (RFC 9110 10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) { // absurd; also avoids overflow
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(when.Sub(now), 0), true
}

func (t *retryTransport) logRetry(ctx context.Context, req *http.Request, attempt int, resp *http.Response, err error, delay time.Duration) {
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", t.scrub.URL(req.URL.String())),
		slog.Int("attempt", attempt),
		slog.Duration("delay", delay),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.scrub.String(err.Error())))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, facade.LogRetry, attrs...)
}

// sleepContext waits d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// drainAndClose lets the connection be reused when the rest of the body is
// small, without reading an arbitrarily large one.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}

// attemptsKey carries a counter from the logging layer, above retries, to
// the retry layer, so the response record can say how many attempts it
// took.
type attemptsKey struct{}

func countAttempt(ctx context.Context) {
	if n, ok := ctx.Value(attemptsKey{}).(*int); ok {
		*n++
	}
}
