// Package paging turns any paginated API into an iter.Seq2, so that every
// List method of every facade behaves the same: items arrive in order,
// pages are fetched lazily, and a caller's break stops the fetching.
package paging

import (
	"context"
	"iter"
)

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
// once, as (zero, err), and ends the sequence. Each range over the result
// starts again from start.
//
// fetch must make progress: a page with More set must eventually lead to
// one without it, or the iteration never ends on its own.
func Seq[T, C any](ctx context.Context, start C, fetch func(ctx context.Context, cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := start
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			page, err := fetch(ctx, cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
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
