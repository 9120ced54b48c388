package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

const (
	// maxLogBody bounds the body excerpt in a log record.
	maxLogBody = 4 << 10
	// peekSlack is read beyond maxLogBody so that a secret straddling the
	// cut is still whole, hence recognised, when the Scrubber runs; the
	// excerpt is cut after scrubbing.
	peekSlack = 1 << 10
)

// logTransport writes one debug record per request and one per response or
// error. It sits above the retry layer, so it logs what the caller asked
// and what it finally got; the retry layer logs each retry in between.
type logTransport struct {
	next   http.RoundTripper
	logger *slog.Logger
	scrub  *redact.Scrubber
}

// RoundTrip logs req, sends it, and logs the outcome.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req) // no cost when debugging is off
	}
	attempts := new(int)
	req = req.WithContext(context.WithValue(ctx, attemptsKey{}, attempts))

	url := t.scrub.URL(req.URL.String())
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", url),
		slog.Any("headers", t.scrub.Header(req.Header)),
	}
	quiet := ctx.Value(quietBodyKey{}) != nil
	if !quiet {
		attrs = append(attrs, t.requestBody(req)...)
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, facade.LogRequest, attrs...)

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs = []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", url),
		slog.Duration("duration", time.Since(start)),
		slog.Int("attempts", *attempts),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.scrub.String(err.Error())))
		t.logger.LogAttrs(ctx, slog.LevelDebug, facade.LogError, attrs...)
		return resp, err
	}
	attrs = append(attrs,
		slog.Int("status", resp.StatusCode),
		slog.Any("headers", t.scrub.Header(resp.Header)),
	)
	if !quiet {
		attrs = append(attrs, t.responseBody(req, resp)...)
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, facade.LogResponse, attrs...)
	return resp, nil
}

type quietBodyKey struct{}

// QuietBody returns a context under which requests are logged without their
// request or response bodies. Logins and token exchanges use it: their
// responses carry a secret the Scrubber cannot know yet (a new access token,
// a text/plain JWT), since the facade learns it only after the body has
// been read.
func QuietBody(ctx context.Context) context.Context {
	return context.WithValue(ctx, quietBodyKey{}, true)
}

// requestBody logs an excerpt only when it can be read without touching
// the body the transport is about to send, i.e. through GetBody.
func (t *logTransport) requestBody(req *http.Request) []slog.Attr {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return nil
	}
	ct := req.Header.Get("Content-Type")
	if !textual(ct) {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer body.Close()
	buf, err := io.ReadAll(io.LimitReader(body, maxLogBody+peekSlack))
	if err != nil {
		return nil
	}
	return t.bodyAttrs(ct, buf, len(buf) == maxLogBody+peekSlack)
}

// responseBody peeks at the start of the body and puts it back in front of
// the rest, so the caller still streams it. It peeks only where waiting for
// those bytes cannot stall a stream the caller wants to consume as it
// arrives: never server-sent events, never text of unknown length (a log
// tail); JSON of unknown length yes, since its caller reads it whole anyway.
func (t *logTransport) responseBody(req *http.Request, resp *http.Response) []slog.Attr {
	if resp.Body == nil || resp.Body == http.NoBody || req.Method == http.MethodHead {
		return nil
	}
	switch resp.StatusCode {
	case http.StatusSwitchingProtocols, http.StatusNoContent, http.StatusNotModified:
		return nil
	}
	if enc := resp.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil // compressed bytes the caller asked to handle itself
	}
	ct := resp.Header.Get("Content-Type")
	if resp.ContentLength == 0 || !textual(ct) || (resp.ContentLength < 0 && !isJSON(ct)) {
		return nil
	}
	limit := int64(maxLogBody + peekSlack)
	if resp.ContentLength >= 0 {
		limit = min(limit, resp.ContentLength)
	}
	buf := make([]byte, limit)
	n, err := io.ReadFull(resp.Body, buf)
	buf = buf[:n]
	rest := io.Reader(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		rest = errReader{err} // the caller must see the failure at the same point
	}
	resp.Body = peekedBody{Reader: io.MultiReader(bytes.NewReader(buf), rest), Closer: resp.Body}
	truncated := int64(n) == maxLogBody+peekSlack || (resp.ContentLength > int64(n))
	return t.bodyAttrs(ct, buf, truncated)
}

func (t *logTransport) bodyAttrs(ct string, buf []byte, truncated bool) []slog.Attr {
	clean := string(t.scrub.Body(ct, buf))
	excerpt := redact.Truncate(clean, maxLogBody)
	return []slog.Attr{
		slog.String("body", excerpt),
		slog.Bool("body_truncated", truncated || len(excerpt) < len(clean)),
	}
}

type peekedBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// textual reports whether a body of this type is worth logging: JSON, forms
// and text, but never text/event-stream, which is an endless stream.
func textual(ct string) bool {
	mt := mediaType(ct)
	switch {
	case mt == "text/event-stream":
		return false
	case strings.HasPrefix(mt, "text/"), isJSON(ct), mt == "application/x-www-form-urlencoded",
		mt == "application/xml", strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

func isJSON(ct string) bool {
	mt := mediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}
