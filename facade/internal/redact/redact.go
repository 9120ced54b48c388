// Package redact is the single table of what Switchboard treats as secret,
// and the functions that hide it. Every place that logs, prints or stores a
// header, URL, body or server message goes through here, so adding a secret
// name once protects all five platforms.
//
// Names are compared case-insensitively and ignoring '-' and '_', so that
// "api_key", "API-Key" and "apiKey" are one name: erring on the side of
// hiding costs a little debugging comfort, a leak costs a rotated token.
package redact

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Placeholder replaces every hidden value.
const Placeholder = "[REDACTED]"

// secretHeaders are header names whose values are credentials. Saagie-Realm
// is deliberately absent: it names a tenant, and seeing it is what makes a
// log useful.
var secretHeaders = names(
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"X-Cachet-Token", "X-Auth-Token", "St2-Api-Key", "X-Api-Key",
)

// secretParams are query and form parameter names carrying credentials.
// "code" is here for OAuth authorization codes, which are single-use but
// still grant a token to whoever redeems them first.
var secretParams = names(
	"token", "auth_token", "x-auth-token", "st2-api-key", "api_key", "apikey",
	"access_token", "refresh_token", "id_token", "password", "client_secret", "code",
)

// secretFields are JSON object keys, at any depth, carrying credentials.
// "key" is deliberately absent: too many payloads use it for ordinary
// identifiers (key/value pairs, st2 datastore keys) to hide it blindly.
// verify_code is Cachet's per-subscriber code, the key to that person's
// verify and manage links; a Slack webhook URL lets anyone post to the
// channel.
var secretFields = names(
	"token", "access_token", "refresh_token", "id_token", "password",
	"api_key", "apikey", "secret", "client_secret", "authorization",
	"verify_code", "slack_webhook_url", "webhook_url",
)

// names builds a lookup set of normalized names. The tables never change
// after package initialisation, so they are safe for concurrent reads.
func names(list ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(list))
	for _, n := range list {
		m[normalize(n)] = struct{}{}
	}
	return m
}

// normalize folds case and drops '-' and '_' so that spelling variants of
// one name compare equal.
func normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch {
		case r == '-' || r == '_':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsSecretHeader reports whether the header name carries a credential.
func IsSecretHeader(name string) bool { _, ok := secretHeaders[normalize(name)]; return ok }

// IsSecretParam reports whether the query or form parameter name carries a
// credential.
func IsSecretParam(name string) bool { _, ok := secretParams[normalize(name)]; return ok }

// IsSecretField reports whether the JSON object key carries a credential.
func IsSecretField(name string) bool { _, ok := secretFields[normalize(name)]; return ok }

// Header returns a copy of h with secret values replaced. An Authorization
// value keeps its scheme ("Bearer [REDACTED]") because knowing which kind of
// credential was sent is most of what one debugs.
func Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		if !IsSecretHeader(name) {
			out[name] = append([]string(nil), values...)
			continue
		}
		hidden := make([]string, len(values))
		for i, v := range values {
			hidden[i] = Placeholder
			if scheme, _, ok := strings.Cut(v, " "); ok && isAuthScheme(name, scheme) {
				hidden[i] = scheme + " " + Placeholder
			}
		}
		out[name] = hidden
	}
	return out
}

// isAuthScheme reports whether scheme looks like an RFC 9110 auth-scheme
// ("Basic", "Bearer", "Token") in an Authorization-style header, so that it
// can be shown without showing the credential.
func isAuthScheme(header, scheme string) bool {
	switch normalize(header) {
	case "authorization", "proxyauthorization":
	default:
		return false
	}
	if scheme == "" || len(scheme) > 20 {
		return false
	}
	for _, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// URL returns u with the password of its user info and the values of secret
// query parameters replaced. The placeholder is left unescaped: the result
// is for people to read, not to send. A string that does not parse is still
// redacted on a best-effort basis rather than returned as is.
func URL[U string | *url.URL](u U) string {
	switch v := any(u).(type) {
	case *url.URL:
		if v == nil {
			return ""
		}
		return redactURL(v)
	case string:
		p, err := url.Parse(v)
		if err != nil {
			return redactUnparsedURL(v)
		}
		return redactURL(p)
	}
	return "" // unreachable: the constraint admits only the two cases above
}

func redactURL(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	s := c.String()
	if u.User != nil {
		userinfo := url.User(u.User.Username()).String()
		if _, has := u.User.Password(); has {
			userinfo += ":" + Placeholder
		}
		if prefix := c.Scheme + "://"; strings.HasPrefix(s, prefix) {
			s = prefix + userinfo + "@" + s[len(prefix):]
		} else if strings.HasPrefix(s, "//") {
			s = "//" + userinfo + "@" + s[2:]
		}
	}
	if u.RawQuery != "" || u.ForceQuery {
		s += "?" + pairs(u.RawQuery, IsSecretParam)
	}
	if u.Fragment != "" {
		s += "#" + u.EscapedFragment()
	}
	return s
}

// redactUnparsedURL handles strings url.Parse rejects (a stray '%', a space
// in the host): they still appear in error messages and must not leak.
func redactUnparsedURL(s string) string {
	rest, fragment, hasFragment := strings.Cut(s, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	if scheme, after, ok := strings.Cut(base, "://"); ok {
		authority, path, _ := strings.Cut(after, "/")
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			user, _, hasPassword := strings.Cut(authority[:at], ":")
			if hasPassword {
				user += ":" + Placeholder
			}
			authority = user + authority[at:]
		}
		base = scheme + "://" + authority
		if path != "" || strings.Contains(after, "/") {
			base += "/" + path
		}
	}
	out := base
	if hasQuery {
		out += "?" + pairs(query, IsSecretParam)
	}
	if hasFragment {
		out += "#" + fragment
	}
	return out
}

// pairs rewrites an application/x-www-form-urlencoded string pair by pair,
// keeping order and encoding of everything it does not hide (url.Values
// would sort the keys and re-escape the values).
func pairs(s string, secret func(string) bool) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, pair := range strings.Split(s, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		key, _, hasValue := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		}
		if hasValue && secret(name) {
			b.WriteString(key)
			b.WriteString("=")
			b.WriteString(Placeholder)
			continue
		}
		b.WriteString(pair)
	}
	return b.String()
}

// Body returns b with secret JSON fields (any depth) or secret form fields
// replaced, according to contentType. Other content types come back
// unchanged, except that an empty content type whose body starts like JSON
// is treated as JSON: servers that forget the header still echo tokens.
//
// The JSON rewrite is lenient and keeps the original formatting and key
// order: it must work on truncated excerpts and invalid documents, which are
// exactly the bodies that end up in error messages. b itself is not
// modified.
func Body(contentType string, b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	switch mediaKind(contentType, b) {
	case kindJSON:
		return redactJSON(b)
	case kindForm:
		return []byte(pairs(string(b), IsSecretParam))
	}
	return b
}

type kind int

const (
	kindOther kind = iota
	kindJSON
	kindForm
)

func mediaKind(contentType string, b []byte) kind {
	if strings.TrimSpace(contentType) == "" {
		for _, c := range b {
			switch c {
			case ' ', '\t', '\r', '\n':
			case '{', '[':
				return kindJSON
			default:
				return kindOther
			}
		}
		return kindOther
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(contentType), ";")
		mt = strings.TrimSpace(mt)
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json":
		return kindJSON
	case mt == "application/x-www-form-urlencoded":
		return kindForm
	}
	return kindOther
}

// redactJSON scans b for object keys and replaces the value of each secret
// key with "[REDACTED]". It only tokenizes strings and nesting, which is
// enough to tell keys from values and survives truncation at any byte.
func redactJSON(b []byte) []byte {
	var out []byte // allocated at the first replacement only
	last := 0
	for i := 0; i < len(b); {
		if b[i] != '"' {
			i++
			continue
		}
		end, closed := scanString(b, i)
		if !closed {
			break
		}
		colon := skipSpace(b, end)
		if colon >= len(b) || b[colon] != ':' {
			i = end
			continue
		}
		if !IsSecretField(jsonKey(b[i:end])) {
			i = colon + 1
			continue
		}
		start := skipSpace(b, colon+1)
		stop := scanValue(b, start)
		if start < len(b) {
			if out == nil {
				out = make([]byte, 0, len(b))
			}
			out = append(out, b[last:start]...)
			out = append(out, `"`+Placeholder+`"`...)
			last = stop
		}
		i = stop
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// scanString returns the index just past the string starting at b[i] ('"')
// and whether it was closed before the end of b.
func scanString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(b), false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// scanValue returns the index just past the JSON value starting at b[i], or
// len(b) when it is truncated.
func scanValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := scanString(b, j)
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j
		}
	}
	return len(b)
}

// jsonKey unquotes a key; escapes are rare in keys, so the common case
// avoids the JSON decoder.
func jsonKey(quoted []byte) string {
	inner := quoted[1 : len(quoted)-1]
	if !strings.ContainsRune(string(inner), '\\') {
		return string(inner)
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return string(inner)
	}
	return s
}

// Excerpt is Truncate with an ellipsis when something was cut, for server
// text quoted in error messages: bounded, and visibly so.
func Excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Truncate(s, n) + "…"
}

// Truncate returns at most n bytes of s, cut at a rune boundary so the
// result stays valid UTF-8 wherever s was. It does not append an ellipsis:
// callers that bound a field's size need the bound to hold exactly.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
