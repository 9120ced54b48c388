package spacestudio

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/spacestudioapi"
)

// Files reads the files the server keeps in GridFS, by name. Where the
// names come from is not confirmed by any source (the Python package only
// takes them as arguments).
type Files struct {
	c *Client
}

// DownloadCSV streams the file, as CSV, to w and returns the bytes written.
// The download is not bound by the client's call timeout (only by ctx), so
// large files are not cut off.
func (f *Files) DownloadCSV(ctx context.Context, filename string, w io.Writer) (int64, error) {
	const op = "DownloadFileAsCSV"
	if err := checkID(platform, op, filename); err != nil {
		return 0, err
	}
	resp, err := f.c.api.DownloadFileAsCSV(transport.NoTimeout(ctx), f.c.userID, filename, accept("text/csv, */*"))
	return copyBody(f.c.call(op), resp, err, w)
}

// DownloadJSON streams the file, as JSON, to w and returns the bytes
// written, like DownloadCSV. A document that ends before its last bracket
// (a body cut short behind a proxy that still sent a matching
// Content-Length) is a *facade.DecodeError, after the bytes were written.
func (f *Files) DownloadJSON(ctx context.Context, filename string, w io.Writer) (int64, error) {
	const op = "DownloadFileAsJSON"
	if err := checkID(platform, op, filename); err != nil {
		return 0, err
	}
	resp, err := f.c.api.DownloadFileAsJSON(transport.NoTimeout(ctx), f.c.userID, filename)
	return copyJSON(f.c.call(op), resp, err, w)
}

// CSVAsJSON returns a CSV file converted to JSON by the server; the
// structure of that JSON is not confirmed.
func (f *Files) CSVAsJSON(ctx context.Context, filename string) (json.RawMessage, error) {
	const op = "GetCSVFileAsJSON"
	if err := checkID(platform, op, filename); err != nil {
		return nil, err
	}
	resp, err := f.c.api.GetCSVFileAsJSON(transport.NoTimeout(ctx), f.c.userID, filename)
	return wire.Decode[json.RawMessage](f.c.call(op), resp, err)
}

// accept sets the Accept header of one request.
func accept(v string) spacestudioapi.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", v)
		return nil
	}
}

// copyBody streams a 2xx body to w; any other outcome is the usual typed
// error. The two ways a copy can fail are kept apart, since they call for
// different remedies: a body that ends early (a cut connection, or fewer
// bytes than Content-Length announced) is a *facade.TransportError wrapping
// io.ErrUnexpectedEOF, while a failing w (a full disk) is returned wrapped,
// for errors.Is on the writer's own error. The count returned is what
// reached w, so a caller can tell a partial file from an empty one.
func copyBody(call wire.Call, resp *http.Response, err error, w io.Writer) (int64, error) {
	resp, err = wire.Check(call, resp, err)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	dst := &writeTracker{w: w}
	n, err := io.Copy(dst, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n < resp.ContentLength {
		err = io.ErrUnexpectedEOF // net/http reports this itself; a custom Doer might not
	}
	if err == nil {
		return n, nil
	}
	if dst.err != nil || errors.Is(err, io.ErrShortWrite) {
		return n, fmt.Errorf("%s: %s: writing the download failed after %d bytes: %w", call.Platform, call.Operation, n, cmp.Or(dst.err, err))
	}
	te := &facade.TransportError{Platform: call.Platform, Operation: call.Operation,
		Err: fmt.Errorf("the body ended after %d bytes: %w", n, scrubbed(call.Scrubber, err))}
	if resp.Request != nil {
		te.Method, te.URL = resp.Request.Method, call.Scrubber.URL(resp.Request.URL.String())
	}
	return n, te
}

// writeTracker remembers the destination's own error, which io.Copy would
// otherwise return indistinguishable from the source's.
type writeTracker struct {
	w   io.Writer
	err error
}

func (t *writeTracker) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if err != nil {
		t.err = err
	}
	return n, err
}

// copyJSON is copyBody for a JSON document: besides the transport's own
// checks, it makes sure the document is whole, which a body cut short
// with a matching Content-Length would not reveal. The check is a byte
// scan of brackets and strings, cheap enough for any size; it does not
// validate the JSON otherwise.
func copyJSON(call wire.Call, resp *http.Response, err error, w io.Writer) (int64, error) {
	var chk jsonEnd
	n, err := copyBody(call, resp, err, io.MultiWriter(w, &chk))
	if err != nil {
		return n, err
	}
	if reason := chk.incomplete(); reason != "" {
		de := &facade.DecodeError{Platform: call.Platform, Operation: call.Operation, StatusCode: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Err: fmt.Errorf("%s after %d bytes: %w", reason, n, io.ErrUnexpectedEOF)}
		if resp.Request != nil {
			de.Method, de.URL = resp.Request.Method, call.Scrubber.URL(resp.Request.URL.String())
		}
		return n, de
	}
	return n, nil
}

// jsonEnd follows the nesting of a JSON stream, to tell a complete
// document from a truncated one.
type jsonEnd struct {
	depth            int
	inString, escape bool
	seen             bool // a non-space byte
}

func (j *jsonEnd) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		switch {
		case j.escape:
			j.escape, p = false, p[1:]
		case j.inString:
			i := bytes.IndexAny(p, `"\`)
			if i < 0 {
				return n, nil
			}
			j.escape, j.inString = p[i] == '\\', p[i] == '\\'
			p = p[i+1:]
		case !j.seen:
			if p = bytes.TrimLeft(p, " \t\r\n"); len(p) > 0 {
				j.seen = true
			}
		default:
			i := bytes.IndexAny(p, `"{}[]`)
			if i < 0 {
				return n, nil
			}
			switch p[i] {
			case '"':
				j.inString = true
			case '{', '[':
				j.depth++
			default:
				j.depth--
			}
			p = p[i+1:]
		}
	}
	return n, nil
}

// incomplete explains why the stream is not a whole document, or is "".
func (j *jsonEnd) incomplete() string {
	switch {
	case !j.seen:
		return "the JSON document is empty"
	case j.inString:
		return "the JSON document ends inside a string"
	case j.depth > 0:
		return "the JSON document ends before its closing brackets"
	case j.depth < 0:
		return "the JSON document has unbalanced brackets"
	}
	return ""
}
