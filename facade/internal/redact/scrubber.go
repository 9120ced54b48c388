package redact

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/switchboard-go/switchboard/facade/internal/jsonenc"
)

// MinSecretLen is the shortest secret a [Scrubber] hides: replacing every
// "abc" or "1" in every message would make messages unreadable while
// protecting nothing worth protecting.
const MinSecretLen = 4

// Scrubber hides known secret values (the configured token, password...)
// wherever they appear, on top of the name-based redaction of this package.
// It catches what names cannot: a server echoing a token in an error
// message, a token in a URL path, a Location header.
//
// A nil *Scrubber is valid and applies the name-based redaction only. A
// Scrubber is safe for concurrent use; secrets learned at run time (an OAuth
// access token) can be added while requests are in flight.
type Scrubber struct {
	mu    sync.Mutex // serialises Add; readers never lock
	state atomic.Pointer[scrubState]
}

type scrubState struct {
	secrets  []string // longest first, so a secret containing another wins
	replacer *strings.Replacer
}

// NewScrubber returns a Scrubber hiding the given secrets.
func NewScrubber(secrets ...string) *Scrubber {
	s := &Scrubber{}
	s.Add(secrets...)
	return s
}

// Add registers more secrets. Values shorter than [MinSecretLen] are
// ignored. Each secret is also hidden in its URL-escaped and JSON-escaped
// spellings, the forms in which servers usually echo it.
func (s *Scrubber) Add(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var known []string
	if cur := s.state.Load(); cur != nil {
		known = cur.secrets
	}
	all := slices.Clone(known)
	for _, secret := range secrets {
		if len(secret) < MinSecretLen {
			continue
		}
		all = append(all, secret, url.QueryEscape(secret), url.PathEscape(secret), jsonEscape(secret, true), jsonEscape(secret, false))
	}
	slices.SortFunc(all, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	all = slices.Compact(all)
	if len(all) == len(known) {
		return
	}
	pairs := make([]string, 0, 2*len(all))
	for _, v := range all {
		pairs = append(pairs, v, Placeholder)
	}
	s.state.Store(&scrubState{secrets: all, replacer: strings.NewReplacer(pairs...)})
}

// jsonEscape spells v as inside a JSON string, with or without the HTML
// escaping Go's encoder applies by default.
func jsonEscape(v string, html bool) string {
	out := jsonenc.AppendStringHTML(make([]byte, 0, len(v)+2), v, html)
	return string(out[1 : len(out)-1])
}

// String returns v with every registered secret replaced.
func (s *Scrubber) String(v string) string {
	if s == nil || v == "" {
		return v
	}
	st := s.state.Load()
	if st == nil {
		return v
	}
	return st.replacer.Replace(v)
}

// Bytes is String for byte slices; b is returned as is when it holds no
// secret, and never modified.
func (s *Scrubber) Bytes(b []byte) []byte {
	if s == nil || len(b) == 0 {
		return b
	}
	st := s.state.Load()
	if st == nil {
		return b
	}
	str := string(b)
	if out := st.replacer.Replace(str); out != str {
		return []byte(out)
	}
	return b
}

// URL returns the [URL] redaction of u with registered secrets hidden too,
// e.g. a token embedded in a path segment.
func (s *Scrubber) URL(u string) string { return s.String(URL(u)) }

// Header returns the [Header] redaction of h with registered secrets hidden
// in the remaining values too (Location, Link, WWW-Authenticate...).
func (s *Scrubber) Header(h http.Header) http.Header {
	out := Header(h)
	if s == nil || s.state.Load() == nil {
		return out
	}
	for _, values := range out {
		for i, v := range values {
			values[i] = s.String(v)
		}
	}
	return out
}

// Body returns the [Body] redaction of b with registered secrets hidden
// too, whatever the content type.
func (s *Scrubber) Body(contentType string, b []byte) []byte {
	return s.Bytes(Body(contentType, b))
}
