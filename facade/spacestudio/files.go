package spacestudio

import (
	"context"
	"encoding/json"
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
// written, like DownloadCSV.
func (f *Files) DownloadJSON(ctx context.Context, filename string, w io.Writer) (int64, error) {
	const op = "DownloadFileAsJSON"
	if err := checkID(platform, op, filename); err != nil {
		return 0, err
	}
	resp, err := f.c.api.DownloadFileAsJSON(transport.NoTimeout(ctx), f.c.userID, filename)
	return copyBody(f.c.call(op), resp, err, w)
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
// error. A failure while copying is reported as such (a cut connection is
// a *facade.TransportError).
func copyBody(call wire.Call, resp *http.Response, err error, w io.Writer) (int64, error) {
	resp, err = wire.Check(call, resp, err)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		te := &facade.TransportError{Platform: call.Platform, Operation: call.Operation, Err: scrubbed(call.Scrubber, err)}
		if resp.Request != nil {
			te.Method, te.URL = resp.Request.Method, call.Scrubber.URL(resp.Request.URL.String())
		}
		return n, te
	}
	return n, nil
}
