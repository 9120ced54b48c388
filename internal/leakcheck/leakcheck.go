// Package leakcheck helps tests prove that secrets stay out of what a
// client shows: run a session with the debug Logger, collect its Errors,
// note the credentials that crossed the wire with Tokens, then Assert
// that none of them, in any of the forms it could take (URL- or
// JSON-escaped, a JWT's signature, a Basic header), appears in the log,
// the errors or any other text.
package leakcheck

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

// Buffer is a log destination safe for a client's concurrent requests.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Logger returns a logger at debug level, the level at which clients log
// requests and responses, writing text to the returned buffer.
func Logger() (*slog.Logger, *Buffer) {
	buf := &Buffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// Secret is a value that must appear nowhere, with the name reports give
// it (reports never print the value).
type Secret struct {
	Name, Value string
	// encoded are further forms of the value, with their names.
	encoded [][2]string
}

// BasicAuth is password, also looked for as it travels in an
// Authorization: Basic header (base64 of user:password).
func BasicAuth(name, user, password string) Secret {
	return Secret{Name: name, Value: password, encoded: [][2]string{
		{"as a Basic header", base64.StdEncoding.EncodeToString([]byte(user + ":" + password))},
	}}
}

// forms returns the forms of s to look for, with their names: the value,
// escaped as in a URL and in JSON, a JWT's signature alone (the part that
// makes it a credential), and base64.
func (s Secret) forms() [][2]string {
	json, _ := json.Marshal(s.Value)
	out := [][2]string{
		{"", s.Value},
		{"URL-escaped", url.QueryEscape(s.Value)},
		{"URL-escaped", url.PathEscape(s.Value)},
		{"JSON-escaped", string(json[1 : len(json)-1])},
	}
	if segs := strings.Split(s.Value, "."); len(segs) == 3 && segs[0] != "" && segs[1] != "" && segs[2] != "" {
		out = append(out, [2]string{"JWT signature", segs[2]})
	}
	// Base64 of the value alone: a credential some layer encoded on its
	// way into a header or a log.
	out = append(out, [2]string{"base64", base64.StdEncoding.EncodeToString([]byte(s.Value))})
	out = append(out, s.encoded...)
	var uniq [][2]string
	for _, f := range out {
		if !slices.ContainsFunc(uniq, func(u [2]string) bool { return u[1] == f[1] }) {
			uniq = append(uniq, f)
		}
	}
	return uniq
}

// Assert fails t for each form of each secret found in a haystack, naming
// the secret, the form and the haystack (by its key), never the value. An
// empty secret fails t too: it would be found everywhere, and usually
// means the test did not learn the secret it meant to look for.
func Assert(t testing.TB, haystacks map[string]string, secrets ...Secret) {
	t.Helper()
	where := make([]string, 0, len(haystacks))
	for k := range haystacks {
		where = append(where, k)
	}
	slices.Sort(where)
	for _, s := range secrets {
		if s.Value == "" {
			t.Errorf("leakcheck: the secret %q is empty", s.Name)
			continue
		}
		for _, f := range s.forms() {
			for _, w := range where {
				if strings.Contains(haystacks[w], f[1]) {
					what := s.Name
					if f[0] != "" {
						what += " (" + f[0] + ")"
					}
					t.Errorf("leakcheck: the %s shows up in the %s", what, w)
				}
			}
		}
	}
}

// Errors collects the errors of a session, for Assert.
type Errors []error

// Keep adds err unless it is nil.
func (e *Errors) Keep(err error) {
	if err != nil {
		*e = append(*e, err)
	}
}

// Texts returns what a user could see of each error: its message, its
// detailed (%+v) form, and for an *facade.APIError the body and URL it
// carries, keyed "error N" and "error N body".
func (e Errors) Texts() map[string]string {
	out := make(map[string]string, len(e))
	for i, err := range e {
		out[fmt.Sprintf("error %d", i)] = fmt.Sprintf("%v | %+v", err, err)
		if ae, ok := errors.AsType[*facade.APIError](err); ok {
			out[fmt.Sprintf("error %d body", i)] = ae.Body + " " + ae.URL
		}
	}
	return out
}
