// Package transport builds the *http.Client under every platform facade.
//
// The client is a stack of http.RoundTripper layers, outermost first:
//
//	timeout -> debug logging -> retry -> host-bound credentials -> base
//
// The User-Agent is set on a copy of the request a layer makes anyway:
// by the credential layer on its per-attempt clone for the bound origin,
// and by the timeout layer for every other request (so the debug log
// shows it only for those). A call then pays for one header map, not two.
//
// The order matters. The timeout bounds the whole call, retries included,
// until the body is closed (calls that nothing else can end share their
// timers: see sharedDeadlines); streams opt out with [NoTimeout].
// Credentials sit below logging so the logged request never holds them
// (redaction is then a second line of defence, not the only one), and
// below retry so a credential that refreshes itself is
// applied afresh on each attempt. Credentials are added inside the stack,
// on a clone of the request, because net/http copies the headers of the
// original request onto redirects to other hosts: a token set by the
// caller would follow a redirect anywhere, one set here never does.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

// maxRedirects matches net/http's own default, which the custom
// CheckRedirect would otherwise lose.
const maxRedirects = 10

// Config is what a facade knows when it builds its client.
type Config struct {
	// Platform is the platform's short name ("cachet"), attached to log
	// records.
	Platform string
	// BaseURL is the API's URL; only its scheme, host and port matter: the
	// credentials are sent to that origin and nowhere else.
	BaseURL string
	// Credentials authenticate requests to BaseURL's origin; nil sends
	// none.
	Credentials Credentials
	// Options are the user's settings; build them with facade.NewOptions.
	// A zero Options means no timeout, no retries and no logging.
	Options facade.Options
	// Secrets are values to hide wherever they appear in logs and errors
	// (the token, the password), besides what Credentials reports through
	// [SecretSource].
	Secrets []string
	// Scrubber, when set, is used instead of a new one, so that several
	// clients of one platform (st2's auth, api and stream services) hide
	// every secret any of them learns. The Secrets above and those of
	// Credentials are added to it.
	Scrubber *redact.Scrubber
}

// Credentials authenticate a request. Apply receives a clone of the
// caller's request that it may modify freely (set, add or delete headers,
// change the URL), and is called on every attempt, so an implementation
// may refresh an expiring token. The clone's header values are the
// caller's own slices, shared to spare a copy per attempt: Apply replaces
// or appends to them (as the http.Header methods do), never writes into
// them.
type Credentials interface {
	Apply(ctx context.Context, req *http.Request) error
}

// SecretSource is implemented by Credentials that know their secret
// values, so that NewClient can register them with the Scrubber without
// the facade listing them twice.
type SecretSource interface {
	Secrets() []string
}

// HeaderOnly is implemented by Credentials whose Apply changes only the
// request's header, never its URL (a token header, not a key in the
// query), and that say so by returning true. The clone Apply receives then
// shares the caller's URL instead of carrying a copy made on every
// attempt. An implementation that wraps other credentials should return
// what they return. Should Apply change the URL all the same, the
// credential layer notices, gives the change to the clone alone and puts
// the caller's URL back; but the caller's URL was wrong in between, so
// when unsure, do not implement it. ([HeaderCredential] needs not: the
// layer knows it.)
type HeaderOnly interface {
	HeaderOnly() bool
}

// Refresher is implemented by Credentials that can renew themselves once
// the server has rejected them. When a request to the bound origin gets a
// 401, the credential layer calls Refresh with the rejected request (so the
// implementation can tell which token failed and renew only if no other
// caller already has), then applies the credentials again and sends the
// request once more, provided its body can be replayed. A second 401 is
// returned to the caller as it is.
//
// When the renewal fails, the caller gets its error as a *CredentialsError
// instead of the 401, unless it matches [ErrCannotRenew].
type Refresher interface {
	Refresh(ctx context.Context, rejected *http.Request) error
}

// ErrCannotRenew is what a [Refresher] returns when its credentials have
// nothing to renew (a static API key, a login request): the caller then
// gets the server's 401 itself, which is the accurate answer.
var ErrCannotRenew = errors.New("credentials cannot be renewed")

// HeaderCredential sets one static header, the scheme of Cachet
// (X-Cachet-Token), StackStorm (St2-Api-Key) and bearer tokens.
type HeaderCredential struct {
	Name, Value string
}

// Apply sets the header.
func (c HeaderCredential) Apply(_ context.Context, req *http.Request) error {
	req.Header.Set(c.Name, c.Value)
	return nil
}

// Secrets returns the value and, for "Scheme credentials" values such as
// "Bearer abc", the credentials alone, which is what a server would echo.
func (c HeaderCredential) Secrets() []string {
	out := []string{c.Value}
	if _, rest, ok := strings.Cut(c.Value, " "); ok && strings.TrimSpace(rest) != "" {
		out = append(out, strings.TrimSpace(rest))
	}
	return out
}

// CredentialsFunc adapts a function to [Credentials], for schemes that
// obtain or refresh a token at run time (OAuth, login sessions).
type CredentialsFunc func(ctx context.Context, req *http.Request) error

// Apply calls f.
func (f CredentialsFunc) Apply(ctx context.Context, req *http.Request) error { return f(ctx, req) }

// NewClient builds the HTTP client for one platform and the Scrubber that
// hides its secrets; the facade passes that Scrubber on to its error
// decoding so errors are scrubbed like logs are. The Scrubber accepts
// secrets learned later (Add) and the client's logs use them at once.
func NewClient(cfg Config) (*http.Client, *redact.Scrubber, error) {
	return newClient(cfg, sleepContext, nil)
}

// newClient lets tests replace the retry layer's sleep and jitter.
func newClient(cfg Config, sleep func(context.Context, time.Duration) error, jitter func(int64) int64) (*http.Client, *redact.Scrubber, error) {
	opts := cfg.Options
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Platform != "" {
		logger = logger.With(slog.String("platform", cfg.Platform))
	}

	scrub := cfg.Scrubber
	if scrub == nil {
		scrub = redact.NewScrubber()
	}
	scrub.Add(cfg.Secrets...)
	if src, ok := cfg.Credentials.(SecretSource); ok {
		scrub.Add(src.Secrets()...)
	}

	rt, err := baseTransport(opts)
	if err != nil {
		return nil, nil, err
	}
	for i := len(opts.Middleware) - 1; i >= 0; i-- {
		rt = opts.Middleware[i](rt)
	}
	ua := SharedValue(userAgent(opts.UserAgent))
	var bound *origin // where the credential layer sets the User-Agent
	if cfg.Credentials != nil {
		o, err := parseOrigin(cfg.BaseURL)
		if err != nil {
			return nil, nil, err
		}
		ct := newCredentialTransport(rt, o, cfg.Credentials)
		ct.userAgent = ua
		rt, bound = ct, &o
	}
	rt = newRetryTransport(rt, opts, logger, scrub, sleep, jitter)
	rt = &logTransport{next: rt, logger: logger, scrub: scrub}
	rt = &timeoutTransport{next: rt, timeout: opts.Timeout, userAgent: ua, bound: bound}

	// No http.Client.Timeout: it would also cut off streams (st2 events)
	// and long downloads, which opt out of the timeout layer instead.
	return &http.Client{
		Transport:     rt,
		CheckRedirect: checkRedirect,
	}, scrub, nil
}

type noTimeoutKey struct{}

// NoTimeout returns a context under which requests escape the client's
// default timeout, for responses read for as long as they last: event
// streams and large downloads. The context's own deadline, if any, still
// applies, and so does cancelling it.
func NoTimeout(ctx context.Context) context.Context {
	return context.WithValue(ctx, noTimeoutKey{}, true)
}

// timeoutTransport bounds a whole call, from sending the request to
// closing the response body, as http.Client.Timeout would, retries
// included, unless the request's context says NoTimeout. It also
// identifies Switchboard to platform operators with its User-Agent, unless
// the caller set one: both need a copy of the request (a RoundTripper must
// not modify its own), and one layer makes one copy for both.
type timeoutTransport struct {
	next    http.RoundTripper
	timeout time.Duration
	// deadlines are the timers shared by calls whose context can never
	// end by itself.
	deadlines sharedDeadlines
	// userAgent is the SharedValue every request's header gets.
	userAgent []string
	// bound, when set, is the origin whose requests get their User-Agent
	// from the credential layer, on the copy it makes anyway: a second
	// header map per call up here cost as much as the rest of the layer.
	bound *origin
}

// RoundTrip sends req under a deadline that ends when the body is closed.
//
// When the caller's context already ends no later than the timeout would,
// that deadline bounds the call, until the body is closed (net/http
// watches the request's context that long): no timer of ours is needed,
// hence no cancel on close either. When nothing but the timeout can end
// the call (the caller's context has no Done channel), the deadline is a
// shared one (see sharedDeadlines): no timer of its own either. Without a
// new context or a User-Agent to set, the request goes down as it is.
func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var cancel context.CancelFunc
	var shared *sharedCall
	if t.timeout > 0 && ctx.Value(noTimeoutKey{}) == nil {
		switch deadline, ok := ctx.Deadline(); {
		case !ok && ctx.Done() == nil:
			// Nothing but this timeout can end the call (a Background
			// context, or one with values only): a shared timer does.
			shared = t.deadlines.call(ctx, t.timeout)
		case !ok || deadline.After(time.Now().Add(t.timeout)):
			ctx, cancel = context.WithTimeout(ctx, t.timeout)
		}
	}
	setUA := req.Header.Get("User-Agent") == "" && (t.bound == nil || originOf(req.URL) != *t.bound)
	r := req
	var call *timedCall
	switch {
	case shared != nil:
		shared.req = *req.WithContext(shared.context()) // WithContext's own copy stays on the stack
		r = &shared.req
	case cancel != nil:
		call = new(timedCall)
		call.req = *req.WithContext(ctx)
		r = &call.req
	case setUA:
		r = new(http.Request)
		*r = *req
	}
	if setUA {
		r.Header = OwnHeader(req.Header, 1)
		r.Header["User-Agent"] = t.userAgent
	}
	resp, err := t.next.RoundTrip(r)
	if cancel == nil {
		return resp, markRepeatable(req, err)
	}
	if err != nil {
		cancel()
		return nil, markRepeatable(req, err)
	}
	call.body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	resp.Body = &call.body
	return resp, nil
}

// timedCall is the timeout layer's copy of a request and the body that
// ends its deadline, allocated together, once per call.
type timedCall struct {
	req  http.Request
	body cancelOnClose
}

// cancelOnClose releases the call's timer when the body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the body and ends the call's deadline.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// checkRedirect follows redirects of safe methods only. Following a
// redirect of a POST or DELETE would repeat (or, after a 303, silently
// transform) a state-changing call at an address the caller never chose;
// returning the 3xx lets the facade report it instead.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	switch via[0].Method {
	case http.MethodGet, http.MethodHead:
		return nil
	}
	return http.ErrUseLastResponse
}

func userAgent(extra string) string {
	ua := "switchboard/" + facade.Version
	if extra = strings.TrimSpace(extra); extra != "" {
		ua += " " + extra
	}
	return ua
}

// SharedValue returns a one-value header value that many requests may
// share, built once instead of by a Header.Set per request. Nothing in
// net/http or in these layers writes into a header value: setters replace
// a key's slice, and an append (Header.Add) to this full, clipped slice
// copies it first. Code that sets a shared value must keep to that rule
// (never assign to an element of a header value).
func SharedValue(v string) []string { return []string{v}[:1:1] }

// OwnHeader returns a header map of its own holding h's entries, with room
// for extra more keys, for a layer (here or in a facade) that adds headers
// to its copy of a request. It runs on every call, where Header.Clone would also copy every
// value. The value slices are shared, clipped to their length: no layer
// writes into one (setters replace a key's slice), and an append
// (Header.Add) to a clipped slice copies it first, so neither request ever
// sees the other's changes.
func OwnHeader(h http.Header, extra int) http.Header {
	c := make(http.Header, len(h)+extra)
	for k, v := range h {
		c[k] = v[:len(v):len(v)]
	}
	return c
}

// origin is the scheme, host and port credentials are bound to, with the
// default port made explicit so https://h and https://h:443 compare equal.
type origin struct{ scheme, host, port string }

func originOf(u *url.URL) origin {
	o := origin{
		scheme: strings.ToLower(u.Scheme),
		host:   strings.ToLower(u.Hostname()),
		port:   u.Port(),
	}
	if o.port == "" {
		switch o.scheme {
		case "http":
			o.port = "80"
		case "https":
			o.port = "443"
		}
	}
	return o
}

func parseOrigin(baseURL string) (origin, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return origin{}, fmt.Errorf("transport: base URL: %w", err)
	}
	if u.Scheme == "" || u.Host == "" {
		return origin{}, errors.New("transport: base URL " + redact.URL(u) + " needs a scheme and a host to bind credentials to")
	}
	return originOf(u), nil
}

// credentialTransport applies credentials only to requests for the
// configured origin: a redirect, a pagination link or a download URL
// pointing elsewhere gets no credentials.
type credentialTransport struct {
	next   http.RoundTripper
	origin origin
	creds  Credentials
	// keepsURL: creds implement HeaderOnly and said true, so their clone
	// shares the URL.
	keepsURL bool
	// static, for a HeaderCredential, is its header, canonical key and
	// one-value slice built once and shared by every clone (see OwnHeader
	// for why sharing is safe); its Apply is then not called.
	static *staticHeader
	// userAgent is set on every clone that has none (the timeout layer
	// leaves requests to this origin to this layer).
	userAgent []string
}

type staticHeader struct {
	key    string
	values []string
}

func newCredentialTransport(next http.RoundTripper, o origin, creds Credentials) *credentialTransport {
	t := &credentialTransport{next: next, origin: o, creds: creds}
	// HeaderCredential itself has no HeaderOnly method, which a type
	// embedding it to change the URL in its own Apply would inherit.
	switch c := creds.(type) {
	case HeaderCredential:
		t.static = &staticHeader{key: http.CanonicalHeaderKey(c.Name), values: SharedValue(c.Value)}
	case *HeaderCredential: // its fields could still change: no static header
		t.keepsURL = true
	case HeaderOnly:
		t.keepsURL = c.HeaderOnly()
	}
	return t
}

// RoundTrip applies the credentials to a clone of req when req targets the
// bound origin, and sends req untouched otherwise.
func (t *credentialTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if originOf(req.URL) != t.origin {
		return t.next.RoundTrip(req)
	}
	r, err := t.authorized(req)
	if err != nil {
		return nil, err
	}
	refresher, ok := t.creds.(Refresher)
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if !ok || !replayable {
		return t.next.RoundTrip(r)
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if err := refresher.Refresh(req.Context(), r); err != nil {
		if errors.Is(err, ErrCannotRenew) {
			// Static credentials (an API key): the 401 is the answer.
			return resp, nil
		}
		// The renewal's failure (a refused login, a token endpoint down)
		// says what to fix; the 401 would only say the old token expired.
		// Like Apply's failures, it is a *CredentialsError, retried by the
		// retry layer under the same rules.
		drainAndClose(resp.Body)
		return nil, &CredentialsError{Err: err}
	}
	drainAndClose(resp.Body)
	retry := req.Clone(req.Context())
	t.setUserAgent(retry.Header)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("replaying the request body after renewing credentials: %w", err)
		}
		retry.Body = body
	}
	if err := t.creds.Apply(retry.Context(), retry); err != nil {
		closeRequestBody(retry)
		return nil, &CredentialsError{Err: err}
	}
	return t.next.RoundTrip(retry)
}

// authorized returns a clone of req carrying the credentials. It must be a
// clone on every attempt: the retry layer resends req, and req must never
// carry credentials, since net/http copies the caller's headers onto
// redirects.
func (t *credentialTransport) authorized(req *http.Request) (*http.Request, error) {
	// Apply may change the header and, unless the credentials are
	// HeaderOnly, the URL (a key in the query): the clone owns those; the
	// rest Request.Clone would copy stays shared, as nothing below changes
	// it.
	var r *http.Request
	if t.static != nil || t.keepsURL {
		r = new(http.Request)
		*r = *req
	} else {
		c := &withURL{req: *req, url: *req.URL} // one allocation for both
		r = &c.req
		r.URL = &c.url
	}
	r.Header = OwnHeader(req.Header, 2)
	t.setUserAgent(r.Header)
	if t.static != nil {
		r.Header[t.static.key] = t.static.values
		return r, nil
	}
	var was url.URL
	if t.keepsURL {
		was = *req.URL // on the stack: comparing costs no allocation
	}
	err := t.creds.Apply(r.Context(), r)
	if t.keepsURL && *req.URL != was {
		// Not header-only after all: the change is the clone's alone.
		if r.URL == req.URL {
			u := *req.URL
			r.URL = &u
		}
		*req.URL = was
	}
	if err != nil {
		closeRequestBody(req)
		return nil, &CredentialsError{Err: err}
	}
	return r, nil
}

// setUserAgent gives h the client's User-Agent unless the caller set one.
func (t *credentialTransport) setUserAgent(h http.Header) {
	if len(t.userAgent) > 0 && h.Get("User-Agent") == "" {
		h["User-Agent"] = t.userAgent
	}
}

// withURL is a request clone that owns its URL.
type withURL struct {
	req http.Request
	url url.URL
}

// CredentialsError is a request that was never sent because its
// credentials could not be obtained (a refused login, an unreachable token
// endpoint). Callers can tell it from a failure in flight: the server
// never saw the request.
type CredentialsError struct{ Err error }

// Error keeps the cause's message.
func (e *CredentialsError) Error() string { return "applying credentials: " + e.Err.Error() }

// Unwrap exposes the cause (often a *facade.APIError from the login).
func (e *CredentialsError) Unwrap() error { return e.Err }

// closeRequestBody honours the RoundTripper contract of closing the body
// even when the request is never sent.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
