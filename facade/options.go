package facade

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Version is the Switchboard release, sent in the User-Agent so platform
// operators can tell which client version hits their servers.
const Version = "0.1.0"

// Defaults applied by [NewOptions]. They suit an interactive CLI talking to
// a server on the same continent; long-running automation may want longer
// timeouts.
const (
	// DefaultTimeout bounds a whole call, retries included.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxRetries is the number of retries after the first attempt.
	DefaultMaxRetries = 4
	// DefaultRetryBaseDelay is the shortest wait before a retry.
	DefaultRetryBaseDelay = 200 * time.Millisecond
	// DefaultRetryMaxDelay caps the backoff (a server's Retry-After may
	// still ask for longer).
	DefaultRetryMaxDelay = 10 * time.Second
	// DefaultPrefetch is the number of pages a List iterator fetches ahead
	// of the loop consuming it; see [WithPrefetch].
	DefaultPrefetch = 1
	// MaxPrefetch bounds [WithPrefetch]: pages ahead are held in memory.
	MaxPrefetch = 8
)

// Options are the HTTP settings every platform client accepts. Build them
// with [NewOptions] rather than as a literal, so the defaults apply.
type Options struct {
	// BaseTransport replaces the default transport at the bottom of the
	// stack (tests, proxies, contract validation). Credentials, retries,
	// logging and the User-Agent are still layered on top of it.
	BaseTransport http.RoundTripper
	// Logger receives debug records of each request and response, redacted.
	// Never nil after NewOptions.
	Logger *slog.Logger
	// Timeout bounds a whole call, retries and body reading included; zero
	// means no limit.
	Timeout time.Duration
	// InsecureSkipVerify turns off TLS certificate verification. Only
	// [WithInsecureSkipVerify] sets it, so that it always shows up by name
	// in the caller's code.
	InsecureSkipVerify bool
	// CACertFile is a PEM file of extra CAs trusted besides the system's,
	// for platforms installed behind a private CA.
	CACertFile string
	// MaxRetries is the number of retries after the first attempt of an
	// idempotent request; zero disables retrying.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay bound the jittered exponential
	// backoff between retries.
	RetryBaseDelay, RetryMaxDelay time.Duration
	// UserAgent is appended to "switchboard/<Version>".
	UserAgent string
	// Middleware wraps the base transport, first element outermost; see
	// [WithMiddleware].
	Middleware []func(http.RoundTripper) http.RoundTripper
	// Prefetch is the number of pages a List iterator fetches ahead of
	// the loop; zero fetches each page only when the loop needs it. See
	// [WithPrefetch].
	Prefetch int
}

// Option changes one setting of [Options].
type Option func(*Options)

// NewOptions applies opts over the defaults: timeout 30s, 4 retries backing
// off from 200ms up to 10s, one page fetched ahead by List iterators, and a logger that discards everything, so
// clients never have to nil-check it.
func NewOptions(opts ...Option) Options {
	o := Options{
		Prefetch:       DefaultPrefetch,
		Timeout:        DefaultTimeout,
		MaxRetries:     DefaultMaxRetries,
		RetryBaseDelay: DefaultRetryBaseDelay,
		RetryMaxDelay:  DefaultRetryMaxDelay,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// WithBaseTransport sets the RoundTripper at the bottom of the client's
// stack, e.g. an httptest server's transport or a recording one in tests.
// TLS options then apply only if rt is an *http.Transport.
func WithBaseTransport(rt http.RoundTripper) Option {
	return func(o *Options) { o.BaseTransport = rt }
}

// WithMiddleware adds a layer just above the base transport, for tracing,
// metrics or recording the raw answers. It sees each attempt as sent, with
// the credentials on it, so it must not log headers. Unlike
// WithBaseTransport it keeps the default transport and its TLS options.
// Several calls stack, the first outermost.
func WithMiddleware(mw func(next http.RoundTripper) http.RoundTripper) Option {
	return func(o *Options) {
		if mw != nil {
			o.Middleware = append(o.Middleware, mw)
		}
	}
}

// WithLogger sends redacted debug records of the HTTP traffic to l: one
// record per call as the caller made it ([LogRequest]), one per retry
// ([LogRetry]) and one for the outcome ([LogResponse] or [LogError]). The
// credentials are added below the logging layer, so no record holds them.
func WithLogger(l *slog.Logger) Option {
	return func(o *Options) { o.Logger = l }
}

// The messages of the debug records [WithLogger] receives, for a
// slog.Handler that formats them itself (the st2 drop-in prints them as
// st2's curl lines). Every record has the string attributes "method" and
// "url" (secrets in the query masked).
const (
	// LogRequest is a call about to be sent. Its other attributes are
	// "headers" (an http.Header, secret values masked) and, when the body
	// is text that can be read without consuming it, "body" (an excerpt
	// of at most 4 KiB, secrets masked) and "body_truncated".
	LogRequest = "http request"
	// LogResponse is the answer of a call: "status", "headers",
	// "duration", "attempts" and, for a textual body, "body" and
	// "body_truncated" as for LogRequest. Login and token answers carry
	// no body attributes.
	LogResponse = "http response"
	// LogError is a call that got no answer: "error" (masked), "duration"
	// and "attempts".
	LogError = "http error"
	// LogRetry is an attempt that is about to be repeated: "attempt",
	// "delay", and "status" or "error".
	LogRetry = "http retry"
)

// WithTimeout bounds each call, retries and body reading included; zero
// disables the limit (the caller's context still applies). Calls whose
// context can never end by itself (context.Background, or values only)
// and that start close together share one timer, so their deadline may
// fall up to 1% of d (at most a second) later than d.
func WithTimeout(d time.Duration) Option {
	return func(o *Options) { o.Timeout = max(d, 0) }
}

// WithInsecureSkipVerify disables TLS certificate verification. It takes no
// argument so that verification can only be turned off explicitly, never by
// a boolean threaded through from some configuration default.
func WithInsecureSkipVerify() Option {
	return func(o *Options) { o.InsecureSkipVerify = true }
}

// WithCACertFile trusts the CAs in the PEM file path in addition to the
// system's, for servers behind a private CA; prefer it to
// [WithInsecureSkipVerify].
func WithCACertFile(path string) Option {
	return func(o *Options) { o.CACertFile = path }
}

// WithRetry sets how often idempotent requests are retried and the bounds of
// the backoff. maxRetries 0 disables retries; a non-positive delay keeps its
// default.
func WithRetry(maxRetries int, base, maxDelay time.Duration) Option {
	return func(o *Options) {
		o.MaxRetries = max(maxRetries, 0)
		if base > 0 {
			o.RetryBaseDelay = base
		}
		if maxDelay > 0 {
			o.RetryMaxDelay = maxDelay
		}
		o.RetryMaxDelay = max(o.RetryMaxDelay, o.RetryBaseDelay)
	}
}

// WithUserAgent appends extra (e.g. "my-bot/1.2") to the User-Agent.
// Repeated calls accumulate, so the CLI and the caller can both identify
// themselves.
func WithUserAgent(extra string) Option {
	return func(o *Options) {
		extra = strings.TrimSpace(extra)
		switch {
		case extra == "":
		case o.UserAgent == "":
			o.UserAgent = extra
		default:
			o.UserAgent += " " + extra
		}
	}
}

// WithPrefetch sets how many pages a List iterator fetches ahead of the
// loop that consumes it (default 1, at most [MaxPrefetch]); 0 turns
// prefetching off, so that each page is fetched only when the loop wants
// its first item.
//
// With prefetching, the next page travels while the loop works on the
// current one, which hides the server's latency whenever the loop body
// does anything per item (writes it out, calls another API). Items still
// arrive in order, each once, and a failure still ends the loop after the
// last good item with a [*ListError] saying where. The cost: up to pages
// extra pages in memory, one more connection while the loop body makes
// its own calls, and, when the loop breaks early, one request (or pages
// requests) made for nothing and cancelled. Turn it off for loops that
// usually stop within the first page against a server whose requests are
// expensive or rate-limited.
func WithPrefetch(pages int) Option {
	return func(o *Options) { o.Prefetch = min(max(pages, 0), MaxPrefetch) }
}
