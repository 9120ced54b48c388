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

// decoder starts a conversion in the client's zone.
func (c *Client) decoder() *decoder { return &decoder{loc: c.loc} }

// decodeOne reads a {"data": {...}} answer into a domain value: E is the
// generated envelope, data picks its payload, conv converts it. The
// generated models cannot tell a missing "data" from a zero one, so a
// payload without an id is a DecodeError as well.
func decodeOne[E, M, T any](c *Client, op string, resp *http.Response, err error,
	data func(E) M, id func(M) int, conv func(*decoder, M) T) (*T, error) {
	env, err := wire.Decode[E](c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	m := data(env)
	if id(m) == 0 {
		return nil, c.decodeError(op, resp, errors.New("data: missing or without an id"))
	}
	d := c.decoder()
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
func decodePage[E, M, T any](c *Client, op string, resp *http.Response, err error,
	parts func(E) ([]M, cachetapi.Pagination), conv func(*decoder, M) T) (pageOf[T], error) {
	env, err := wire.Decode[E](c.call(op), resp, err)
	if err != nil {
		return pageOf[T]{}, err
	}
	data, p := parts(env)
	if p.TotalPages < 1 || p.CurrentPage < 1 {
		return pageOf[T]{}, c.decodeError(op, resp, errors.New("meta.pagination: missing or invalid"))
	}
	d := c.decoder()
	out := pageOf[T]{
		items:      make([]T, 0, len(data)),
		total:      p.Total,
		totalPages: p.TotalPages,
	}
	for _, m := range data {
		out.items = append(out.items, conv(d, m))
	}
	if d.err != nil {
		return pageOf[T]{}, c.decodeError(op, resp, d.err)
	}
	return out, nil
}
