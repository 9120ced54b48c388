// Package paging turns any paginated API into an iter.Seq2, so that every
// List method of every facade behaves the same: items arrive in order,
// pages are fetched lazily, and a caller's break stops the fetching.
package paging

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// MaxRefetch bounds how many more times Seq fetches a page whose answer
// was lost on the way (a truncated or malformed 2xx body, a connection
// reset mid-body). The transport's retry layer sees only statuses and
// connection errors, never a body that fails to decode, so without this a
// single cut body would end a long listing. Reading a page is idempotent,
// so fetching it again is safe; a failure that may have changed something
// on the server (one matching facade.ErrOutcomeUnknown) is never re-fetched.
const MaxRefetch = 2

// refetchDelay is the pause before the n-th re-fetch (times n).
var refetchDelay = 50 * time.Millisecond

// Error ends an iteration whose page could not be fetched: it says where
// the listing stopped, so a caller can resume or report it, and unwraps
// to the cause (a *facade.APIError, *facade.DecodeError, ...).
type Error struct {
	// Page is the 1-based number of the page that failed, counted from
	// the iteration's start.
	Page int
	// Cursor is that page's cursor (a page number, an offset, a token).
	Cursor any
	// Items counts the items yielded before the failure.
	Items int
	// Attempts counts the fetches of the failed page, re-fetches included.
	Attempts int
	// Err is the last fetch's error.
	Err error
}

// Error puts the position first: the cause alone does not say how far the
// listing got. A failure of the first page is the cause alone: nothing was
// listed, and the CLI's messages for a refused list stay as they were.
func (e *Error) Error() string {
	if e.Page <= 1 {
		return e.Err.Error()
	}
	cursor := ""
	switch c := e.Cursor.(type) {
	case fmt.Stringer:
		cursor = " (cursor " + c.String() + ")"
	case int, int64, string:
		if c != "" {
			cursor = fmt.Sprintf(" (cursor %v)", c)
		}
	}
	return fmt.Sprintf("listing stopped at page %d%s after %d items, %d attempts: %v",
		e.Page, cursor, e.Items, e.Attempts, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// refetchable reports whether a page fetch failed in a way a new fetch of
// the same page may cure: its body was lost or garbled on the way.
func refetchable(err error) bool {
	if errors.Is(err, facade.ErrOutcomeUnknown) || errors.Is(err, facade.ErrResponseTooLarge) {
		return false
	}
	var de *facade.DecodeError
	var te *facade.TransportError
	return errors.As(err, &de) || errors.As(err, &te)
}

// Page is one page of results. C is the cursor type: a page number for
// Cachet, an offset for StackStorm, an opaque token elsewhere.
type Page[T, C any] struct {
	// Items are the page's results, in order.
	Items []T
	// Next is the cursor to fetch the following page with; it is used only
	// when More is true.
	Next C
	// More reports whether another page should be fetched. fetch decides
	// it, because only it knows the API's convention (a total page count,
	// a next link, a short page).
	More bool
}

// Seq returns an iterator over the items of every page, starting at the
// cursor start. A page is fetched only when the caller wants its first
// item, so breaking out of the loop stops all further requests. ctx is
// checked before each fetch; a fetch error or a done context is yielded
// once, as (zero, err), and ends the sequence; a fetch error is a *Error
// saying which page failed. A page whose body was lost or garbled on the
// way is fetched again up to MaxRefetch times before that. Each range over
// the result starts again from start.
//
// fetch must be a read (safe to repeat) and must make progress: a page with More set must eventually lead to
// one without it, or the iteration never ends on its own.
func Seq[T, C any](ctx context.Context, start C, fetch func(ctx context.Context, cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := start
		pages, items := 0, 0
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			pages++
			page, attempts, err := fetchPage(ctx, cursor, fetch)
			if err != nil {
				var zero T
				if ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
					err = &Error{Page: pages, Cursor: cursor, Items: items, Attempts: attempts, Err: err}
				}
				yield(zero, err)
				return
			}
			items += len(page.Items)
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if !page.More {
				return
			}
			cursor = page.Next
		}
	}
}

// fetchPage fetches one page, again after a lost or garbled body.
func fetchPage[T, C any](ctx context.Context, cursor C, fetch func(ctx context.Context, cursor C) (Page[T, C], error)) (Page[T, C], int, error) {
	for attempt := 1; ; attempt++ {
		page, err := fetch(ctx, cursor)
		if err == nil || attempt > MaxRefetch || !refetchable(err) || ctx.Err() != nil {
			return page, attempt, err
		}
		t := time.NewTimer(time.Duration(attempt) * refetchDelay)
		select {
		case <-ctx.Done():
			t.Stop()
			return page, attempt, ctx.Err()
		case <-t.C:
		}
	}
}
