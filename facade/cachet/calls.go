package cachet

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// call describes operation op for the shared response handling.
func (c *Client) call(op string) wire.Call {
	return wire.Call{Platform: platform, Operation: op, Message: errorMessage, Scrubber: c.scrub}
}

// errorMessage extracts Cachet's explanation from an error body: the
// detail of the first error, followed by the failed validation rules the
// server lists in meta.details ("The name field is required.").
func errorMessage(body []byte) string {
	var eb cachetapi.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || len(eb.Errors) == 0 {
		return ""
	}
	first := eb.Errors[0]
	msg := strings.TrimSpace(first.Detail)
	if first.Meta != nil && first.Meta.Details != nil && len(*first.Meta.Details) > 0 {
		details := strings.Join(*first.Meta.Details, " ")
		if msg == "" {
			return details
		}
		msg += " (" + details + ")"
	}
	return msg
}

// decodeError reports a 2xx answer whose content the facade could not
// turn into its result (a malformed timestamp, a missing id), after the
// shared decoding succeeded and the body was consumed.
func (c *Client) decodeError(op string, resp *http.Response, err error) error {
	return c.call(op).ConversionError(resp, err)
}

// decoding is one answer being read: the generated envelope E and the
// decoder converting its payload. Both escape (the envelope into
// encoding/json, the decoder through the conversion function), so they are
// allocated together, once per answer.
type decoding[E any] struct {
	env E
	d   decoder
}

// newDecoding starts reading an answer, converting in the client's zone.
func newDecoding[E any](c *Client) *decoding[E] {
	return &decoding[E]{d: decoder{loc: c.loc}}
}

// decodeOne reads a {"data": {...}} answer into a domain value: E is the
// generated envelope, data picks its payload, conv converts it. The
// generated models cannot tell a missing "data" from a zero one, so a
// payload without an id is a DecodeError as well.
func decodeOne[E, M, T any](c *Client, op string, resp *http.Response, err error,
	data func(E) M, id func(M) int, conv func(*decoder, M) T) (*T, error) {
	st := newDecoding[E](c)
	if err := wire.DecodeInto(c.call(op), resp, err, &st.env); err != nil {
		return nil, err
	}
	m := data(st.env)
	if id(m) == 0 {
		return nil, c.decodeError(op, resp, errors.New("data: missing or without an id"))
	}
	d := &st.d
	v := conv(d, m)
	if d.err != nil {
		return nil, c.decodeError(op, resp, d.err)
	}
	return &v, nil
}

// pageOf is one decoded page of a list.
type pageOf[T any] struct {
	items      []T
	total      int // matches of the whole list
	totalPages int // never below 1
}

// decodePage reads a list answer. A list without its pagination block
// (which the server always sends, with total_pages of at least 1) is a
// DecodeError: without it, paging could not know when to stop.
//
// parts points into the generated envelope E at its items and its
// pagination. The items are decoded into a slice made with room for hint
// of them (see [pageQuery.sizeHint]): encoding/json fills a slice's spare
// capacity before growing it, and growing from nothing to a page of 20
// took six allocations and three times the page's bytes.
func decodePage[E, M, T any](c *Client, op string, resp *http.Response, err error, hint int,
	parts func(*E) (*[]M, *cachetapi.Pagination), conv func(*decoder, M) T) (pageOf[T], error) {
	st := newDecoding[E](c)
	data, p := parts(&st.env)
	if hint > 0 {
		*data = make([]M, 0, hint)
	}
	if err := wire.DecodeInto(c.call(op), resp, err, &st.env); err != nil {
		return pageOf[T]{}, err
	}
	if p.TotalPages < 1 || p.CurrentPage < 1 {
		return pageOf[T]{}, c.decodeError(op, resp, errors.New("meta.pagination: missing or invalid"))
	}
	d := &st.d
	out := pageOf[T]{
		items:      make([]T, 0, len(*data)),
		total:      p.Total,
		totalPages: p.TotalPages,
	}
	for _, m := range *data {
		out.items = append(out.items, conv(d, m))
	}
	if d.err != nil {
		return pageOf[T]{}, c.decodeError(op, resp, d.err)
	}
	return out, nil
}
