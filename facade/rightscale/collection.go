package rightscale

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
)

// Collection is one RightScale collection, addressed by its href
// ("/api/deployments", "/api/clouds/1/instances"), holding resources of
// type T, created from a C and updated with a U ([None] where the API has
// no create or update). Every covered resource is reached through one:
// fields of [Client] for account-level collections, methods of Client for
// nested ones, [At] for any other href.
//
// Members are named by href ("/api/deployments/12") or by their id alone
// ("12"), which is appended to the collection's href.
type Collection[T, C, U any] struct {
	c    *Client
	href string
	kind string
	// showOp and indexOp name the two reads for errors, built once
	// rather than concatenated on every call.
	showOp, indexOp string
}

func collection[T, C, U any](c *Client, href, kind string) Collection[T, C, U] {
	return Collection[T, C, U]{c: c, href: strings.TrimSuffix(href, "/"), kind: kind, showOp: "Show " + kind, indexOp: "Index " + kind}
}

// At returns the collection at href, any collection a resource links to
// ("/api/deployments/12/servers", "/api/server_arrays/3/current_instances"),
// read as T. Create and Update are not available through it; use
// [AtWith] for collections that take them.
func At[T any](c *Client, href string) Collection[T, None, None] {
	return collection[T, None, None](c, href, kindOf(href))
}

// AtWith is [At] with typed create and update bodies.
func AtWith[T, C, U any](c *Client, href string) Collection[T, C, U] {
	return collection[T, C, U](c, href, kindOf(href))
}

// kindOf names a collection for errors from its last path segment.
func kindOf(href string) string {
	href = strings.TrimSuffix(href, "/")
	k := href[strings.LastIndex(href, "/")+1:]
	return strings.TrimSuffix(strings.ReplaceAll(k, "_", " "), "s")
}

// Href returns the collection's href.
func (col Collection[T, C, U]) Href() string { return col.href }

// member turns an id or an href into an href.
func (col Collection[T, C, U]) member(idOrHref string) (string, error) {
	if strings.HasPrefix(idOrHref, "/") {
		return checkHref(idOrHref)
	}
	if idOrHref == "" || strings.ContainsAny(idOrHref, "/?#") || idOrHref == "." || idOrHref == ".." {
		return "", fmt.Errorf("rightscale: %s id %q: %w", col.kind, idOrHref, ErrInvalidHref)
	}
	return col.href + "/" + url.PathEscape(idOrHref), nil
}

// checkHref accepts host-relative API hrefs only: the client sends its
// token to its own shard and nowhere else.
func checkHref(href string) (string, error) {
	if !strings.HasPrefix(href, "/api/") || strings.Contains(href, "/../") || strings.HasSuffix(href, "/..") ||
		strings.ContainsAny(href, "?#") || strings.HasPrefix(href, "//") {
		return "", fmt.Errorf("rightscale: href %q: %w", href, ErrInvalidHref)
	}
	return href, nil
}

// Index lists the collection, filtered by opts. API 1.5 has no paging: the
// whole filtered collection comes in one answer, which the iterator then
// yields one resource at a time.
func (col Collection[T, C, U]) Index(ctx context.Context, opts IndexOptions) iter.Seq2[T, error] {
	return paging.SeqWith(ctx, col.c.pager, struct{}{}, func(ctx context.Context, _ struct{}) (paging.Page[T, struct{}], error) {
		items, err := getJSON[[]T](ctx, col.c, col.indexOp, col.href, opts.query())
		return paging.Page[T, struct{}]{Items: items}, err
	})
}

// List is Index collected into a slice.
func (col Collection[T, C, U]) List(ctx context.Context, opts IndexOptions) ([]T, error) {
	return getJSON[[]T](ctx, col.c, col.indexOp, col.href, opts.query())
}

// Show returns one resource.
func (col Collection[T, C, U]) Show(ctx context.Context, idOrHref string, opts ShowOptions) (T, error) {
	href, err := col.member(idOrHref)
	if err != nil {
		var zero T
		return zero, err
	}
	return getJSON[T](ctx, col.c, col.showOp, href, opts.query())
}

// Create creates a resource and returns its href, from the Location header
// of the 201 answer.
func (col Collection[T, C, U]) Create(ctx context.Context, body C) (string, error) {
	if _, none := any(body).(None); none {
		return "", fmt.Errorf("rightscale: create %s: %w", col.kind, ErrUnsupported)
	}
	return col.c.sendWant(ctx, "Create "+col.kind, http.MethodPost, col.href, body, true)
}

// Update changes a resource (204).
func (col Collection[T, C, U]) Update(ctx context.Context, idOrHref string, body U) error {
	if _, none := any(body).(None); none {
		return fmt.Errorf("rightscale: update %s: %w", col.kind, ErrUnsupported)
	}
	href, err := col.member(idOrHref)
	if err != nil {
		return err
	}
	_, err = col.c.send(ctx, "Update "+col.kind, http.MethodPut, href, body)
	return err
}

// Destroy deletes a resource (204).
func (col Collection[T, C, U]) Destroy(ctx context.Context, idOrHref string) error {
	href, err := col.member(idOrHref)
	if err != nil {
		return err
	}
	_, err = col.c.send(ctx, "Destroy "+col.kind, http.MethodDelete, href, nil)
	return err
}

// Action runs a custom action on one resource with POST
// <href>/<action> ("lock", "clone", "launch", "terminate"...) and returns
// the Location header when the API sends one (201 and 202 answers: the new
// resource or the task), else "". body is the JSON body, nil for none;
// the generated package has a type for each action's body.
func (col Collection[T, C, U]) Action(ctx context.Context, idOrHref, action string, body any) (string, error) {
	href, err := col.member(idOrHref)
	if err != nil {
		return "", err
	}
	if err := checkAction(action); err != nil {
		return "", err
	}
	return col.c.send(ctx, action+" "+col.kind, http.MethodPost, href+"/"+action, body)
}

// CollectionAction runs a custom action on the collection itself
// ("multi_run_executable", "multi_terminate", "cleanup"...).
func (col Collection[T, C, U]) CollectionAction(ctx context.Context, action string, body any) (string, error) {
	if err := checkAction(action); err != nil {
		return "", err
	}
	return col.c.send(ctx, action+" "+col.kind, http.MethodPost, col.href+"/"+action, body)
}

func checkAction(action string) error {
	if action == "" || strings.ContainsAny(action, "/?#. ") {
		return fmt.Errorf("rightscale: action %q: %w", action, ErrInvalidHref)
	}
	return nil
}

// getJSON reads one JSON answer.
func getJSON[T any](ctx context.Context, c *Client, op, href string, q url.Values) (T, error) {
	var zero T
	href, err := checkHref(href)
	if err != nil {
		return zero, err
	}
	u := c.endpoint + href
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return zero, &facade.TransportError{Platform: platform, Operation: op, Err: err}
	}
	resp, err := c.http.Do(req)
	return decodeJSON[T](c, op, resp, err)
}

// maxResponseBody bounds a JSON answer. API 1.5 has no paging, so an index
// is the whole collection: 10,000 instances in the full view are tens of
// megabytes. Far more than that is a misrouted download or a broken proxy,
// which must fail rather than exhaust memory.
var maxResponseBody int64 = 256 << 20

// decodeJSON reads a JSON answer through wire, refusing first a 2xx whose
// media type is not JSON (a proxy's or a login page's 200 text/html) and
// bounding the body.
func decodeJSON[T any](c *Client, op string, resp *http.Response, err error) (T, error) {
	call := c.call(op)
	if err == nil && resp != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if ct := resp.Header.Get("Content-Type"); !isJSONType(ct) {
			var zero T
			return zero, c.contentTypeError(call, resp, ct)
		}
		resp.Body = &limitedBody{r: resp.Body, left: maxResponseBody}
	}
	v, err := wire.Decode[T](call, resp, err)
	return v, classify(err)
}

// isJSONType accepts application/json and the vendor types
// (application/vnd.rightscale.instance+json;type=collection;charset=utf-8);
// a missing Content-Type is left to the decoder.
//
// Only the media type before any parameter matters, compared ignoring
// case, so this runs on every answer without mime.ParseMediaType's
// allocations.
func isJSONType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	if mt == "" {
		return strings.TrimSpace(ct) == ""
	}
	const suffix = "+json"
	return strings.EqualFold(mt, "application/json") ||
		(len(mt) > len(suffix) && strings.EqualFold(mt[len(mt)-len(suffix):], suffix))
}

// contentTypeError reports a 2xx that is not JSON, with an excerpt of what
// came instead, and closes the body.
func (c *Client) contentTypeError(call wire.Call, resp *http.Response, ct string) error {
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 2<<10))
	de := &facade.DecodeError{Platform: platform, Operation: call.Operation, StatusCode: resp.StatusCode, ContentType: ct,
		Body: redact.Truncate(string(c.scrub.Body(ct, head)), 1<<10),
		Err:  fmt.Errorf("%w: want JSON (application/vnd.rightscale.<type>+json)", ErrUnexpectedContentType)}
	if resp.Request != nil {
		de.Method, de.URL = resp.Request.Method, c.scrub.URL(resp.Request.URL.String())
	}
	return de
}

// limitedBody fails a read past left bytes with ErrResponseTooLarge.
type limitedBody struct {
	r    io.ReadCloser
	left int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var probe [1]byte
		if n, err := l.r.Read(probe[:]); n > 0 {
			return 0, ErrResponseTooLarge
		} else if err != nil {
			return 0, err
		}
		return 0, nil
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func (l *limitedBody) Close() error { return l.r.Close() }

// newJSONRequest builds a request to href with body encoded as JSON (nil:
// no body).
func (c *Client) newJSONRequest(ctx context.Context, op, method, href string, body any) (*http.Request, error) {
	href, err := checkHref(href)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("rightscale: %s: encoding the body: %w", op, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+href, rd)
	if err != nil {
		return nil, &facade.TransportError{Platform: platform, Operation: op, Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// send issues a write and returns the Location header, if any, as a
// host-relative href.
func (c *Client) send(ctx context.Context, op, method, href string, body any) (string, error) {
	return c.sendWant(ctx, op, method, href, body, false)
}

// sendWant is send; with needLocation, an answer without a Location that
// names an API href (a create's 201, run_executable's 202) is a
// *facade.DecodeError wrapping ErrNoLocation: the caller would otherwise
// get "" for the new resource.
func (c *Client) sendWant(ctx context.Context, op, method, href string, body any, needLocation bool) (string, error) {
	req, err := c.newJSONRequest(ctx, op, method, href, body)
	if err != nil {
		return "", err
	}
	resp, err := c.http.Do(req)
	// The answer is its Location: one that is missing or names no API
	// href is an answer lost on the way (a proxy's page, a cut header
	// block), so for a POST its outcome is unknown, as wire reports a
	// garbled body; the object may well exist.
	var loc string
	_, err = wire.Location(c.call(op), resp, err, func(raw string) error {
		loc = relative(raw)
		if loc == "" && !needLocation {
			return nil
		}
		if _, herr := checkHref(loc); herr != nil {
			return fmt.Errorf("%w (got %q)", ErrNoLocation, redact.Truncate(c.scrub.String(raw), 200))
		}
		return nil
	})
	if err != nil {
		return "", classify(err)
	}
	return loc, nil
}

// relative strips scheme and host from a Location, which RightScale sends
// host-relative already.
func relative(loc string) string {
	if loc == "" || strings.HasPrefix(loc, "/") {
		return loc
	}
	if u, err := url.Parse(loc); err == nil && u.Path != "" {
		return u.RequestURI()
	}
	return loc
}
