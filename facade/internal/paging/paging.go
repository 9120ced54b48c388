// Package paging turns any paginated API into an iter.Seq2, so that every
// List method of every facade behaves the same: items arrive in order,
// each once, pages are fetched lazily (or one page ahead, see
// [Policy.Prefetch]), a caller's break stops the fetching, and a failure
// ends the sequence with a *facade.ListError saying where it stopped.
package paging

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// MaxRefetch bounds how many more times a page whose answer was lost on
// the way (a truncated or malformed 2xx body, a connection reset
// mid-body) is fetched. The transport's retry layer sees only statuses
// and connection errors, never a body that fails to decode, so without
// this a single cut body would end a long listing. Reading a page is
// idempotent, so fetching it again is safe; a failure that may have
// changed something on the server (one matching facade.ErrOutcomeUnknown)
// is never re-fetched.
const MaxRefetch = 2

// Policy is how a client pages: how far it reads ahead and how it
// re-fetches a page whose answer was garbled. Build it with [PolicyOf]
// from the client's options, so paging follows the same retry settings
// as every other request; the zero Policy reads one page at a time and
// never re-fetches.
type Policy struct {
	// Prefetch is the number of pages fetched ahead of the caller; zero
	// fetches a page only when the caller wants its first item.
	Prefetch int
	// Refetch is the number of further fetches of a page whose body was
	// lost or garbled.
	Refetch int
	// Backoff is the pause before the n-th re-fetch (n from 1); nil: none.
	Backoff func(n int) time.Duration
}

// PolicyOf is the paging policy of a client built with o: o.Prefetch
// pages ahead; MaxRefetch re-fetches of a garbled page when the client
// retries at all, after the same jittered exponential backoff as its
// retries. A client with retries turned off (facade.WithRetry(0, ...))
// gets the first failure at once, with no pause. The number of
// re-fetches does not follow o.MaxRetries: a re-fetch repeats a whole
// fetch, whose requests the transport already retries that many times.
func PolicyOf(o facade.Options) Policy {
	p := Policy{Prefetch: min(max(o.Prefetch, 0), facade.MaxPrefetch)}
	if o.MaxRetries > 0 {
		p.Refetch = MaxRefetch
	}
	if p.Refetch > 0 {
		base, ceiling := o.RetryBaseDelay, o.RetryMaxDelay
		if base <= 0 {
			base = facade.DefaultRetryBaseDelay
		}
		if ceiling <= 0 {
			ceiling = facade.DefaultRetryMaxDelay
		}
		p.Backoff = func(n int) time.Duration { return backoff(base, max(ceiling, base), n) }
	}
	return p
}

// backoff is uniform between base and min(ceiling, base*2^(n-1)), the
// transport's full jitter, so that clients whose pages were garbled
// together do not come back together.
func backoff(base, ceiling time.Duration, n int) time.Duration {
	top := base
	for i := 1; i < n && top < ceiling; i++ {
		if top > ceiling/2 {
			top = ceiling
			break
		}
		top *= 2
	}
	spread := int64(min(top, ceiling) - base)
	if spread <= 0 {
		return base
	}
	return base + time.Duration(rand.Int64N(spread+1))
}

// defaultPolicy is what [Seq] uses: the policy of a client built with the
// default options.
var defaultPolicy = PolicyOf(facade.NewOptions())

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

// Fetch fetches the page at cursor. It must be a read (safe to repeat)
// and must make progress: a page with More set must eventually lead to
// one without it, or the iteration never ends on its own. With
// prefetching it runs on another goroutine than the caller's loop, never
// two at a time, each call after the previous one returned; it must use
// the ctx it is given (cancelled when the caller stops early), and it may
// keep state in its cursor, which no one else touches.
type Fetch[T, C any] func(ctx context.Context, cursor C) (Page[T, C], error)

// Seq is [SeqWith] with the policy of a client built with the default
// options (one page ahead, re-fetches after the default backoff). Facades
// pass their client's policy to SeqWith instead, so that the user's
// options apply.
func Seq[T, C any](ctx context.Context, start C, fetch Fetch[T, C]) iter.Seq2[T, error] {
	return SeqWith(ctx, defaultPolicy, start, fetch)
}

// SeqWith returns an iterator over the items of every page, starting at
// the cursor start. Without prefetching a page is fetched only when the
// caller wants its first item, so breaking out of the loop stops all
// further requests; with p.Prefetch pages ahead, the next pages are
// fetched while the caller consumes the current one, and a break cancels
// the fetch in flight and waits for it to end, so no goroutine outlives
// the loop. Either way items arrive in order, each once.
//
// ctx is checked before each page. A fetch error or a done context is
// yielded once, as (zero, err), after every item of the pages before it,
// and ends the sequence; a fetch error is a *facade.ListError saying
// which page failed. A page whose body was lost or garbled on the way is
// fetched again up to p.Refetch times before that. Each range over the
// result starts again from start. A panic in fetch is re-raised in the
// caller's goroutine.
func SeqWith[T, C any](ctx context.Context, p Policy, start C, fetch Fetch[T, C]) iter.Seq2[T, error] {
	if p.Prefetch <= 0 {
		return func(yield func(T, error) bool) {
			walk(ctx, p, start, 0, 0, fetch, func(page Page[T, C], err error) bool {
				if err != nil {
					var zero T
					yield(zero, err)
					return false
				}
				for _, item := range page.Items {
					if !yield(item, nil) {
						return false
					}
				}
				return true
			})
		}
	}
	return func(yield func(T, error) bool) {
		prefetch(ctx, p, start, fetch, yield)
	}
}

// walk fetches the pages in order from start and hands each to emit,
// until the last page, a failure (handed to emit as the error that ends
// the sequence) or emit returning false. pages and items count what came
// before start, for the position a *facade.ListError reports.
func walk[T, C any](ctx context.Context, p Policy, start C, pages, items int, fetch Fetch[T, C], emit func(Page[T, C], error) bool) {
	cursor := start
	for {
		pages++
		page, err := fetchAt(ctx, p, cursor, pages, items, fetch)
		if err != nil {
			emit(Page[T, C]{}, err)
			return
		}
		if !emit(page, nil) || !page.More {
			return
		}
		items += len(page.Items)
		cursor = page.Next
	}
}

// fetchAt fetches the page-th page, at cursor, after items items: the
// context's error when it is done, else the page or a *facade.ListError.
func fetchAt[T, C any](ctx context.Context, p Policy, cursor C, page, items int, fetch Fetch[T, C]) (Page[T, C], error) {
	if err := ctx.Err(); err != nil {
		return Page[T, C]{}, err
	}
	pg, attempts, err := fetchPage(ctx, p, cursor, fetch)
	if err != nil && (ctx.Err() == nil || !errors.Is(err, ctx.Err())) {
		err = &facade.ListError{Page: page, Cursor: cursor, Items: items, Attempts: attempts, Err: err}
	}
	return pg, err
}

// fetchPage fetches one page, again after a lost or garbled body.
func fetchPage[T, C any](ctx context.Context, p Policy, cursor C, fetch Fetch[T, C]) (Page[T, C], int, error) {
	for attempt := 1; ; attempt++ {
		page, err := fetch(ctx, cursor)
		if err == nil || attempt > p.Refetch || !refetchable(err) || ctx.Err() != nil {
			return page, attempt, err
		}
		if p.Backoff == nil {
			continue
		}
		t := time.NewTimer(p.Backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return page, attempt, ctx.Err()
		case <-t.C:
		}
	}
}

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

// fetched is what the prefetching goroutine hands the caller: a page, the
// error that ends the sequence, or a panic of fetch to re-raise.
type fetched[T, C any] struct {
	page     Page[T, C]
	err      error
	panicked bool
	panicVal any
}

// prefetch runs walk on its own goroutine from the second page on,
// p.Prefetch pages ahead of the caller: the goroutine blocks handing over a page once p.Prefetch pages
// wait (one in its hand, the rest in the channel), so memory stays
// bounded however long the list. The caller's goroutine alone calls
// yield, and it checks ctx before each page as the sequential walk does.
// On return (end, error, break or a panic in the loop body) the
// goroutine's context is cancelled and its end awaited.
func prefetch[T, C any](ctx context.Context, p Policy, start C, fetch Fetch[T, C], yield func(T, error) bool) {
	var zero T
	// The first page is fetched here: a list of one page (most lists of
	// one answer) then costs no goroutine at all.
	first, err := fetchAt(ctx, p, start, 1, 0, fetch)
	if err != nil {
		yield(zero, err)
		return
	}
	if !first.More {
		for _, item := range first.Items {
			if !yield(item, nil) {
				return
			}
		}
		return
	}

	wctx, cancel := context.WithCancel(ctx)
	pages := make(chan fetched[T, C], p.Prefetch-1)
	// quit tells the goroutine the caller is gone. It is not wctx: a
	// cancelled ctx must still reach the caller as the sequence's end.
	quit := make(chan struct{})
	done := make(chan struct{})
	send := func(f fetched[T, C]) bool {
		select {
		case pages <- f:
			return true
		case <-quit:
			return false
		}
	}
	go func() {
		defer close(done)
		defer close(pages)
		defer func() {
			if v := recover(); v != nil {
				send(fetched[T, C]{panicked: true, panicVal: v})
			}
		}()
		walk(wctx, p, first.Next, 1, len(first.Items), fetch, func(page Page[T, C], err error) bool {
			return send(fetched[T, C]{page: page, err: err})
		})
	}()
	defer func() {
		close(quit)
		cancel()
		<-done
	}()

	for _, item := range first.Items {
		if !yield(item, nil) {
			return
		}
	}
	for f := range pages {
		switch {
		case f.panicked:
			panic(f.panicVal)
		case f.err != nil:
			yield(zero, f.err)
			return
		}
		if err := ctx.Err(); err != nil {
			// Cancelled while the loop worked on the page before: the
			// page fetched meanwhile is dropped, as the sequential walk
			// would not have fetched it.
			yield(zero, err)
			return
		}
		for _, item := range f.page.Items {
			if !yield(item, nil) {
				return
			}
		}
	}
}
