package st2cmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/switchboard-go/switchboard/cmd/internal/shellquote"
	"github.com/switchboard-go/switchboard/facade"
)

// curlHandler is the drop-in's --debug output. st2client with debug on
// prints every HTTP exchange on stdout: the request as a curl command
// line, then the answer's text, between "# -------- begin/end …" lines.
// This handler prints the facade's request and response records that way,
// numbering the exchanges (st2 prints its client object's id, the same
// for every exchange) so that a request and its answer pair up. The
// records are already redacted, and the credentials are added below the
// logging layer, so the curl lines carry no auth header: the user adds
// their own to replay one. Every other record (retries, renewals, the
// failures of calls that got no answer) goes to rest, on stderr.
type curlHandler struct {
	*curlState
	rest slog.Handler
}

type curlState struct {
	mu  sync.Mutex
	out io.Writer
	n   int
	// pending holds, per "METHOD url", the numbers of the exchanges sent
	// and not answered yet, oldest first.
	pending map[string][]int
}

// newCurlLogger returns the logger of the drop-in's --debug: exchanges on
// out, the other records as text on errOut.
func newCurlLogger(out, errOut io.Writer) *slog.Logger {
	rest := slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(curlHandler{curlState: &curlState{out: out, pending: map[string][]int{}}, rest: rest})
}

// Enabled is on for every level: --debug asked for everything.
func (curlHandler) Enabled(context.Context, slog.Level) bool { return true }

// Handle prints a request or response record as st2 does, and hands every
// other record on.
func (h curlHandler) Handle(ctx context.Context, r slog.Record) error {
	switch r.Message {
	case facade.LogRequest:
		h.request(r)
		return nil
	case facade.LogResponse:
		h.response(r)
		return nil
	case facade.LogError:
		h.mu.Lock()
		h.take(attrsOf(r).key()) // never answered: its number is free
		h.mu.Unlock()
	}
	return h.rest.Handle(ctx, r)
}

// WithAttrs keeps the exchange printing; the attributes matter only to
// the other records.
func (h curlHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return curlHandler{curlState: h.curlState, rest: h.rest.WithAttrs(attrs)}
}

// WithGroup is WithAttrs for groups.
func (h curlHandler) WithGroup(name string) slog.Handler {
	return curlHandler{curlState: h.curlState, rest: h.rest.WithGroup(name)}
}

// recordAttrs collects what a record says about its exchange.
type recordAttrs struct {
	method, url, body string
	headers           http.Header
	truncated         bool
}

// key pairs a response or an error with its request.
func (a recordAttrs) key() string { return a.method + " " + a.url }

func attrsOf(r slog.Record) recordAttrs {
	var a recordAttrs
	r.Attrs(func(at slog.Attr) bool {
		switch at.Key {
		case "method":
			a.method = at.Value.String()
		case "url":
			a.url = at.Value.String()
		case "body":
			a.body = at.Value.String()
		case "body_truncated":
			a.truncated = at.Value.Kind() == slog.KindBool && at.Value.Bool()
		case "headers":
			a.headers, _ = at.Value.Any().(http.Header)
		}
		return true
	})
	return a
}

func (h curlHandler) request(r slog.Record) {
	a := attrsOf(r)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n++
	h.pending[a.key()] = append(h.pending[a.key()], h.n)
	fmt.Fprintf(h.out, "# -------- begin %d request ----------\n%s\n", h.n, curlLine(a))
}

func (h curlHandler) response(r slog.Record) {
	a := attrsOf(r)
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.take(a.key())
	var b strings.Builder
	fmt.Fprintf(&b, "# -------- begin %d response ----------\n%s\n", n, a.body)
	if a.truncated {
		b.WriteString("# -------- the answer is longer: only its start is shown\n")
	}
	fmt.Fprintf(&b, "# -------- end %d response ------------\n\n", n)
	io.WriteString(h.out, b.String())
}

// take removes and returns the number of the oldest pending exchange
// under key; 0 when none is pending. h.mu is held.
func (h curlHandler) take(key string) int {
	q := h.pending[key]
	if len(q) == 0 {
		return 0
	}
	n := q[0]
	if len(q) == 1 {
		delete(h.pending, key)
	} else {
		h.pending[key] = q[1:]
	}
	return n
}

// curlLine writes the request as st2client does: the method, a -H per
// header (here in name order), the body as --data-binary and the URL,
// each quoted for a POSIX shell as st2 quotes it (shlex.quote).
func curlLine(a recordAttrs) string {
	parts := []string{"curl"}
	if a.method == http.MethodHead {
		parts = append(parts, "--head")
	} else {
		parts = append(parts, "-X", shellquote.Quote(a.method))
	}
	for _, name := range slices.Sorted(maps.Keys(a.headers)) {
		for _, v := range a.headers[name] {
			// st2 joins "-H " and the quoted header with a space: two
			// spaces in all.
			parts = append(parts, "-H ", shellquote.Quote(name+": "+v))
		}
	}
	if a.body != "" {
		parts = append(parts, "--data-binary", shellquote.Quote(a.body))
	}
	parts = append(parts, shellquote.Quote(a.url))
	return strings.Join(parts, " ")
}
