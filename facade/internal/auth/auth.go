// Package auth keeps the access tokens of platforms whose credentials
// expire (st2 tokens, RightScale and spacestudio OAuth2 access tokens,
// Saagie JWTs): one cached token per client, renewed before it expires and
// after the server rejects it, one renewal at a time however many
// goroutines share the client.
//
// A platform supplies only the exchange itself, as a [FetchFunc]; [Header]
// turns the [Source] into transport credentials, so every request carries
// a fresh token and a 401 triggers exactly one renewal and one retry.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

// DefaultMargin is how long before its expiry a token is renewed: long
// enough that a token is never sent in its last seconds and expires in
// flight, short enough not to waste most of a short-lived token.
const DefaultMargin = 30 * time.Second

// defaultRenewTimeout bounds a renewal that runs detached from the caller
// who started it, so that a hung login cannot hold every caller forever.
const defaultRenewTimeout = 2 * time.Minute

// ErrEmptyToken is returned when a renewal succeeded but produced no token.
var ErrEmptyToken = errors.New("auth: the server returned an empty token")

// Token is one access credential.
type Token struct {
	// Value is what goes on the wire.
	Value string
	// Expiry is when the server stops accepting Value; zero means the
	// token is used until the server rejects it.
	Expiry time.Time
	// Refresh is an optional refresh token, kept across renewals so that
	// the next FetchFunc call can use it (OAuth2 refresh grants).
	Refresh string
}

// FetchFunc obtains a new token. prev is the token being replaced (zero on
// the first call; its Value is empty after the server rejected it), so an
// implementation can use prev.Refresh and fall back to a full login when
// that fails.
type FetchFunc func(ctx context.Context, prev Token) (Token, error)

// Source caches one token and renews it on demand. It is safe for
// concurrent use.
type Source struct {
	fetch        FetchFunc
	margin       time.Duration
	now          func() time.Time
	scrub        *redact.Scrubber
	renewTimeout time.Duration

	mu       sync.Mutex
	tok      Token
	inflight *renewal
}

// renewal is one fetch in progress, shared by every caller that needs a
// token while it runs.
type renewal struct {
	done chan struct{}
	tok  Token
	err  error
}

// Option tunes a Source.
type Option func(*Source)

// WithMargin renews tokens this long before they expire; the default is
// [DefaultMargin]. st2's CLI uses 15 seconds.
func WithMargin(d time.Duration) Option {
	return func(s *Source) {
		if d >= 0 {
			s.margin = d
		}
	}
}

// WithClock replaces time.Now, for tests that move across an expiry.
func WithClock(now func() time.Time) Option {
	return func(s *Source) {
		if now != nil {
			s.now = now
		}
	}
}

// WithScrubber registers every token the Source obtains with the client's
// Scrubber, so that logs and errors hide it from the moment it exists.
func WithScrubber(scrub *redact.Scrubber) Option {
	return func(s *Source) { s.scrub = scrub }
}

// WithInitial starts the Source with a token obtained elsewhere (a cached
// st2 token, a token the user configured).
func WithInitial(tok Token) Option {
	return func(s *Source) { s.tok = tok }
}

// WithRenewTimeout bounds each renewal; the default is two minutes. The
// client's own timeout, when set, applies to the requests inside it too.
func WithRenewTimeout(d time.Duration) Option {
	return func(s *Source) {
		if d > 0 {
			s.renewTimeout = d
		}
	}
}

// NewSource returns a Source that renews its token with fetch.
func NewSource(fetch FetchFunc, opts ...Option) *Source {
	s := &Source{fetch: fetch, margin: DefaultMargin, now: time.Now, renewTimeout: defaultRenewTimeout}
	for _, o := range opts {
		o(s)
	}
	s.scrub.Add(s.tok.Value, s.tok.Refresh)
	return s
}

// usable reports whether tok can still be sent at now.
func (s *Source) usable(tok Token, now time.Time) bool {
	return tok.Value != "" && (tok.Expiry.IsZero() || now.Add(s.margin).Before(tok.Expiry))
}

// Token returns the cached token, or renews it when it is missing or about
// to expire. Concurrent callers share one renewal; when it fails, every one
// of them gets its error, and the next call tries again. The renewal is
// not tied to the context of the caller that started it: a caller that
// gives up does not make the others fail.
func (s *Source) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	if s.usable(s.tok, s.now()) {
		tok := s.tok
		s.mu.Unlock()
		return tok, nil
	}
	r := s.inflight
	if r == nil {
		r = &renewal{done: make(chan struct{})}
		s.inflight = r
		go s.renew(context.WithoutCancel(ctx), r, s.tok)
	}
	s.mu.Unlock()

	select {
	case <-r.done:
		return r.tok, r.err
	case <-ctx.Done():
		return Token{}, ctx.Err()
	}
}

func (s *Source) renew(ctx context.Context, r *renewal, prev Token) {
	ctx, cancel := context.WithTimeout(ctx, s.renewTimeout)
	defer cancel()
	tok, err := s.fetch(ctx, prev)
	if err == nil && tok.Value == "" {
		err = ErrEmptyToken
	}
	if err == nil {
		s.scrub.Add(tok.Value, tok.Refresh)
		if tok.Refresh == "" {
			tok.Refresh = prev.Refresh // servers may keep the refresh token
		}
	} else {
		tok = Token{}
		err = fmt.Errorf("renewing credentials: %w", err)
	}

	s.mu.Lock()
	if err == nil {
		s.tok = tok
	}
	s.inflight = nil
	s.mu.Unlock()

	r.tok, r.err = tok, err
	close(r.done)
}

// Invalidate forgets the token whose value the server rejected, unless it
// has already been replaced, so that many callers rejected with the same
// token cause one renewal, not one each. The refresh token is kept.
func (s *Source) Invalidate(value string) {
	if value == "" {
		return
	}
	s.mu.Lock()
	if s.tok.Value == value {
		s.tok.Value = ""
	}
	s.mu.Unlock()
}

// Header returns transport credentials that send the Source's token in the
// named header, after prefix ("Bearer " for Authorization, "" for st2's
// X-Auth-Token). They implement [transport.Refresher]: a 401 invalidates
// the token that was sent, renews it once, and the request is retried.
func Header(src *Source, name, prefix string) transport.Credentials {
	return &headerCredentials{src: src, name: name, prefix: prefix}
}

type headerCredentials struct {
	src          *Source
	name, prefix string
	// last is the header value of the last token applied: building
	// prefix+token on every request was an allocation the size of the
	// token (1-2 KB for a JWT) per call.
	last atomic.Pointer[headerValue]
}

type headerValue struct{ token, value string }

// Apply sets the header to the current token.
func (h *headerCredentials) Apply(ctx context.Context, req *http.Request) error {
	tok, err := h.src.Token(ctx)
	if err != nil {
		return err
	}
	v := h.last.Load()
	if v == nil || v.token != tok.Value {
		v = &headerValue{token: tok.Value, value: h.prefix + tok.Value}
		h.last.Store(v)
	}
	req.Header.Set(h.name, v.value)
	return nil
}

// HeaderOnly tells the credential layer that Apply never touches the URL,
// so its per-attempt clone can share the caller's.
func (h *headerCredentials) HeaderOnly() bool { return true }

// Refresh renews the token the rejected request carried.
func (h *headerCredentials) Refresh(ctx context.Context, rejected *http.Request) error {
	h.src.Invalidate(strings.TrimPrefix(rejected.Header.Get(h.name), h.prefix))
	_, err := h.src.Token(ctx)
	return err
}
