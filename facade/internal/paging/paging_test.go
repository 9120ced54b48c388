package paging

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// policies are the two ways to walk a list; every guarantee but "a break
// stops fetching at once" holds for both.
var policies = []struct {
	name string
	p    Policy
}{
	{"sequential", Policy{}},
	{"prefetch1", Policy{Prefetch: 1}},
	{"prefetch3", Policy{Prefetch: 3}},
}

// pages serves items 0..n-1 in pages of size, counting fetches.
type pages struct {
	n, size int
	fetches atomic.Int32
	failAt  int // page number whose fetch fails; 0 = never
}

func (p *pages) fetch(_ context.Context, page int) (Page[int, int], error) {
	p.fetches.Add(1)
	if p.failAt != 0 && page == p.failAt {
		return Page[int, int]{}, errors.New("boom")
	}
	var items []int
	for i := (page - 1) * p.size; i < min(page*p.size, p.n); i++ {
		items = append(items, i)
	}
	return Page[int, int]{Items: items, Next: page + 1, More: page*p.size < p.n}, nil
}

func collect(seq iter.Seq2[int, error]) ([]int, error) {
	var got []int
	for v, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, v)
	}
	return got, nil
}

func TestSeqAllPagesInOrder(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			p := &pages{n: 7, size: 3}
			got, err := collect(SeqWith(t.Context(), pc.p, 1, p.fetch))
			if err != nil || !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6}) {
				t.Fatalf("got %v, %v", got, err)
			}
			if n := p.fetches.Load(); n != 3 {
				t.Errorf("fetches = %d, want 3", n)
			}
		})
	}
}

func TestSeqEmpty(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			p := &pages{n: 0, size: 3}
			got, err := collect(SeqWith(t.Context(), pc.p, 1, p.fetch))
			if err != nil || len(got) != 0 || p.fetches.Load() != 1 {
				t.Errorf("got %v, %v after %d fetches", got, err, p.fetches.Load())
			}
		})
	}
}

// TestSeqBreakStopsFetching: sequentially, a break stops the fetching at
// once; with prefetching, at most Prefetch pages beyond the one the break
// happened on were asked for.
func TestSeqBreakStopsFetching(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			p := &pages{n: 100, size: 3}
			for v, err := range SeqWith(t.Context(), pc.p, 1, p.fetch) {
				if err != nil {
					t.Fatal(err)
				}
				if v == 2 { // last item of the first page
					break
				}
			}
			if n := int(p.fetches.Load()); n < 1 || n > 1+pc.p.Prefetch {
				t.Errorf("fetches = %d after breaking on page 1, want 1..%d", n, 1+pc.p.Prefetch)
			}
			p.fetches.Store(0)
			for v := range SeqWith(t.Context(), pc.p, 1, p.fetch) {
				if v == 3 { // first item of the second page
					break
				}
			}
			if n := int(p.fetches.Load()); n < 2 || n > 2+pc.p.Prefetch {
				t.Errorf("fetches = %d after breaking on page 2, want 2..%d", n, 2+pc.p.Prefetch)
			}
		})
	}
}

func TestSeqErrorYieldedOnce(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			p := &pages{n: 10, size: 3, failAt: 2}
			var items, errs int
			for v, err := range SeqWith(t.Context(), pc.p, 1, p.fetch) {
				if err != nil {
					errs++
					if v != 0 {
						t.Errorf("value %d alongside the error", v)
					}
					continue // a careless caller: the sequence must still end
				}
				items++
			}
			if items != 3 || errs != 1 || p.fetches.Load() != 2 {
				t.Errorf("items %d, errors %d, fetches %d", items, errs, p.fetches.Load())
			}
		})
	}
}

func TestSeqContextChecked(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			p := &pages{n: 10, size: 3}
			var got []int
			var gotErr error
			for v, err := range SeqWith(ctx, pc.p, 1, p.fetch) {
				if err != nil {
					gotErr = err
					break
				}
				got = append(got, v)
				if v == 1 {
					cancel() // mid-page: the page finishes, no later item comes
				}
			}
			if !errors.Is(gotErr, context.Canceled) || !slices.Equal(got, []int{0, 1, 2}) {
				t.Errorf("got %v, %v", got, gotErr)
			}
			if n := int(p.fetches.Load()); n > 1+pc.p.Prefetch {
				t.Errorf("%d fetches, want at most %d", n, 1+pc.p.Prefetch)
			}

			p.fetches.Store(0)
			for _, err := range SeqWith(ctx, pc.p, 1, p.fetch) {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v", err)
				}
			}
			if p.fetches.Load() != 0 {
				t.Error("fetched with a cancelled context")
			}
		})
	}
}

func TestSeqRestartable(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			p := &pages{n: 4, size: 3}
			seq := SeqWith(t.Context(), pc.p, 1, p.fetch)
			a, _ := collect(seq)
			b, _ := collect(seq)
			if !slices.Equal(a, b) || len(a) != 4 {
				t.Errorf("%v then %v", a, b)
			}
		})
	}
}

func TestSeqStringCursor(t *testing.T) {
	next := map[string]Page[string, string]{
		"":   {Items: []string{"a", "b"}, Next: "t1", More: true},
		"t1": {Items: []string{"c"}},
	}
	for _, pc := range policies {
		var got []string
		for v, err := range SeqWith(t.Context(), pc.p, "", func(_ context.Context, c string) (Page[string, string], error) {
			return next[c], nil
		}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("%s: got %v", pc.name, got)
		}
	}
}

// TestSeqErrorPosition: a failed fetch ends the sequence with a
// *facade.ListError that says which page failed, after how many items,
// and unwraps to the cause; a lost body is re-fetched at most
// Policy.Refetch times. Prefetching changes none of it, though the failed
// page is fetched while the caller still reads the page before.
func TestSeqErrorPosition(t *testing.T) {
	for _, pc := range policies {
		t.Run(pc.name, func(t *testing.T) {
			pol := pc.p
			pol.Refetch = MaxRefetch
			cause := &facade.DecodeError{Platform: "x", Method: "GET", StatusCode: 200}
			var fails atomic.Int32
			fetch := func(_ context.Context, off int) (Page[int, int], error) {
				if off == 4 && fails.Load() > 0 {
					fails.Add(-1)
					return Page[int, int]{}, cause
				}
				if off >= 6 {
					return Page[int, int]{}, &facade.APIError{StatusCode: 500}
				}
				return Page[int, int]{Items: []int{off, off + 1}, Next: off + 2, More: true}, nil
			}
			run := func() ([]int, error) { return collect(SeqWith(context.Background(), pol, 0, fetch)) }

			fails.Store(MaxRefetch) // cured by re-fetching
			got, err := run()
			var le *facade.ListError
			var apiErr *facade.APIError
			if !errors.As(err, &le) || !errors.As(err, &apiErr) || le.Page != 4 || le.Items != 6 || le.Cursor != 6 || le.Attempts != 1 || len(got) != 6 {
				t.Fatalf("got %v, %v (%+v); want 6 items then a *ListError at page 4, cursor 6", got, err, le)
			}
			if !strings.Contains(err.Error(), "page 4 (cursor 6) after 6 items") {
				t.Errorf("message %q does not say where it stopped", err)
			}

			fails.Store(MaxRefetch + 1) // outlasts the re-fetches
			got, err = run()
			var de *facade.DecodeError
			if !errors.As(err, &le) || !errors.As(err, &de) || le.Page != 3 || le.Attempts != MaxRefetch+1 || len(got) != 4 {
				t.Fatalf("got %v, %v (%+v); want a *ListError at page 3 after %d attempts", got, err, le, MaxRefetch+1)
			}

			// A create-like failure that may have changed the server is never repeated.
			var calls atomic.Int32
			unsafe := func(context.Context, int) (Page[int, int], error) {
				calls.Add(1)
				return Page[int, int]{}, &facade.TransportError{Method: "POST", OutcomeUnknown: true}
			}
			for _, err := range SeqWith(context.Background(), pol, 0, unsafe) {
				if err.Error() != (&facade.TransportError{Method: "POST", OutcomeUnknown: true}).Error() {
					t.Errorf("a first page's failure reads %q, want the cause alone", err)
				}
				if !errors.Is(err, facade.ErrOutcomeUnknown) || calls.Load() != 1 {
					t.Errorf("%d fetches, %v; want one fetch and the outcome-unknown error", calls.Load(), err)
				}
			}
		})
	}
}

// TestRefetchFollowsPolicy: the pause before a re-fetch is the client's
// retry backoff, and a client that does not retry does not re-fetch: its
// first garbled page ends the listing at once (this used to pause 150 ms
// per failed list whatever the client's settings).
func TestRefetchFollowsPolicy(t *testing.T) {
	garbled := func(calls *int) Fetch[int, int] {
		return func(context.Context, int) (Page[int, int], error) {
			*calls++
			return Page[int, int]{}, &facade.DecodeError{Method: "GET", StatusCode: 200}
		}
	}
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		start := time.Now()
		_, err := collect(SeqWith(t.Context(), PolicyOf(facade.NewOptions(facade.WithRetry(0, 0, 0))), 0, garbled(&calls)))
		var le *facade.ListError
		if !errors.As(err, &le) || le.Attempts != 1 || calls != 1 || time.Since(start) != 0 {
			t.Errorf("no retries: %d fetches in %v, %v; want one fetch, no pause", calls, time.Since(start), err)
		}

		calls = 0
		start = time.Now()
		_, err = collect(SeqWith(t.Context(), PolicyOf(facade.NewOptions(facade.WithRetry(4, time.Second, 8*time.Second))), 0, garbled(&calls)))
		// Pauses: 1s, then 1..2s.
		if el := time.Since(start); !errors.As(err, &le) || le.Attempts != MaxRefetch+1 || calls != MaxRefetch+1 || el < 2*time.Second || el > 3*time.Second {
			t.Errorf("4 retries: %d fetches in %v, %v; want %d after 2s..3s of backoff", calls, el, err, MaxRefetch+1)
		}

		calls = 0
		_, err = collect(SeqWith(t.Context(), PolicyOf(facade.NewOptions(facade.WithRetry(1, time.Millisecond, 0))), 0, garbled(&calls)))
		if !errors.As(err, &le) || le.Attempts != MaxRefetch+1 || calls != MaxRefetch+1 {
			t.Errorf("1 retry: %d fetches, %v; want %d", calls, err, MaxRefetch+1)
		}

		// Cancellation during the pause before a re-fetch ends it at
		// once, as the context's own error.
		ctx, cancel := context.WithCancel(t.Context())
		pol := Policy{Refetch: 1, Backoff: func(int) time.Duration { return time.Hour }}
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		start = time.Now()
		for _, err := range SeqWith(ctx, pol, 0, garbled(&calls)) {
			var le *facade.ListError
			if !errors.Is(err, context.Canceled) || errors.As(err, &le) || time.Since(start) != time.Second {
				t.Errorf("cancelled re-fetch: %v after %v", err, time.Since(start))
			}
		}
	})
}

func TestPolicyOf(t *testing.T) {
	p := PolicyOf(facade.NewOptions())
	if p.Prefetch != facade.DefaultPrefetch || p.Refetch != MaxRefetch || p.Backoff == nil {
		t.Fatalf("default policy %+v", p)
	}
	for n := 1; n <= 10; n++ {
		d := p.Backoff(n)
		if d < facade.DefaultRetryBaseDelay || d > facade.DefaultRetryMaxDelay {
			t.Errorf("backoff(%d) = %v, outside the retry bounds", n, d)
		}
	}
	if d := p.Backoff(1); d != facade.DefaultRetryBaseDelay {
		t.Errorf("first backoff %v, want the base delay", d)
	}
	if p := PolicyOf(facade.NewOptions(facade.WithPrefetch(0), facade.WithRetry(0, 0, 0))); p.Prefetch != 0 || p.Refetch != 0 || p.Backoff != nil {
		t.Errorf("off: %+v", p)
	}
	if p := PolicyOf(facade.NewOptions(facade.WithPrefetch(1000))); p.Prefetch != facade.MaxPrefetch {
		t.Errorf("prefetch %d, want it capped at %d", p.Prefetch, facade.MaxPrefetch)
	}
	if p := PolicyOf(facade.Options{Prefetch: 1000, MaxRetries: 1}); p.Prefetch != facade.MaxPrefetch || p.Refetch != MaxRefetch || p.Backoff(1) != facade.DefaultRetryBaseDelay {
		t.Errorf("literal options: %+v", p)
	}
}

// slow serves n pages of size items, each fetch taking latency (of the
// bubble's fake clock), and records the contexts it was given.
type slow struct {
	n, size int
	latency time.Duration
	mu      sync.Mutex
	fetched []int
	ctxs    []context.Context
}

func (s *slow) fetch(ctx context.Context, page int) (Page[int, int], error) {
	s.mu.Lock()
	s.fetched = append(s.fetched, page)
	s.ctxs = append(s.ctxs, ctx)
	s.mu.Unlock()
	t := time.NewTimer(s.latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return Page[int, int]{}, &facade.TransportError{Method: "GET", Err: ctx.Err()}
	case <-t.C:
	}
	items := make([]int, s.size)
	for i := range items {
		items[i] = (page-1)*s.size + i
	}
	return Page[int, int]{Items: items, Next: page + 1, More: page < s.n}, nil
}

// TestPrefetchOverlaps: on the bubble's fake clock, 10 pages of 10 ms
// each consumed at 10 ms a page take 200 ms one after the other and
// 110 ms with prefetching, the fetch of each page hidden behind the work
// on the one before.
func TestPrefetchOverlaps(t *testing.T) {
	for _, pc := range policies {
		synctest.Test(t, func(t *testing.T) {
			s := &slow{n: 10, size: 5, latency: 10 * time.Millisecond}
			start := time.Now()
			var got []int
			for v, err := range SeqWith(t.Context(), pc.p, 1, s.fetch) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v)
				if v%5 == 4 {
					time.Sleep(10 * time.Millisecond) // the work on a page
				}
			}
			el := time.Since(start)
			want := 200 * time.Millisecond
			if pc.p.Prefetch > 0 {
				want = 110 * time.Millisecond
			}
			if el != want || len(got) != 50 || !slices.IsSorted(got) || got[49] != 49 {
				t.Errorf("%s: %d items in %v, want 50 in order in %v", pc.name, len(got), el, want)
			}
		})
	}
}

// TestPrefetchBounded: a caller that stops reading holds the fetching at
// Prefetch pages ahead of the page it is on, however long the list.
func TestPrefetchBounded(t *testing.T) {
	for _, ahead := range []int{1, 3} {
		synctest.Test(t, func(t *testing.T) {
			s := &slow{n: 1000, size: 2, latency: time.Millisecond}
			read := 0
			for _, err := range SeqWith(t.Context(), Policy{Prefetch: ahead}, 1, s.fetch) {
				if err != nil {
					t.Fatal(err)
				}
				read++
				if read == 3 { // on page 2
					time.Sleep(time.Hour) // everything else in the bubble settles
					s.mu.Lock()
					if !slices.Equal(s.fetched, seqInts(1, 2+ahead)) {
						t.Errorf("prefetch %d: fetched %v while the caller is on page 2", ahead, s.fetched)
					}
					s.mu.Unlock()
					break
				}
			}
		})
	}
}

func seqInts(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// TestPrefetchBreakCancels: a break cancels the fetch in flight and waits
// for it, so no goroutine outlives the loop (synctest.Test fails on a
// goroutine left blocked in the bubble) and nothing the fetch started
// can run on after the loop.
func TestPrefetchBreakCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var second context.Context
		ended := false
		fetch := func(ctx context.Context, page int) (Page[int, int], error) {
			if page == 1 {
				time.Sleep(time.Millisecond)
				return Page[int, int]{Items: []int{1, 2}, Next: 2, More: true}, nil
			}
			second = ctx
			<-ctx.Done() // a request that hangs until cancelled
			ended = true
			return Page[int, int]{}, &facade.TransportError{Method: "GET", Err: ctx.Err()}
		}
		start := time.Now()
		for range SeqWith(t.Context(), Policy{Prefetch: 1}, 1, fetch) {
			synctest.Wait() // the prefetch of page 2 is under way
			break
		}
		if el := time.Since(start); el != time.Millisecond {
			t.Errorf("break took %v", el)
		}
		if second == nil || second.Err() == nil || !ended {
			t.Error("the prefetch of page 2 was not cancelled and awaited")
		}
	})
}

// TestPrefetchNoLeak counts goroutines on the real runtime: a thousand
// iterations stopped early, failed or finished leave none behind.
func TestPrefetchNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	p := &pages{n: 50, size: 5, failAt: 7}
	for i := range 1000 {
		for v, err := range SeqWith(t.Context(), Policy{Prefetch: 2}, 1, p.fetch) {
			if err != nil || v == i%40 {
				break
			}
		}
	}
	if after := settled(before); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

// settled is the number of goroutines once it is down to want, or after
// a second: a goroutine that has signalled its end may not have returned
// yet when the loop it served returns.
func settled(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; n > want && i < 1000; i++ {
		time.Sleep(time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// TestPrefetchErrorAfterPage: the page after the one the caller reads
// fails while the caller is still reading; the caller still gets every
// item of its page first, then the error, once.
func TestPrefetchErrorAfterPage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &pages{n: 100, size: 4, failAt: 3}
		var got []int
		var errs []error
		for v, err := range SeqWith(t.Context(), Policy{Prefetch: 1}, 1, p.fetch) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			time.Sleep(time.Second) // the failure of page 3 is known by now
			got = append(got, v)
		}
		var le *facade.ListError
		if !slices.Equal(got, seqInts(0, 7)) || len(errs) != 1 || !errors.As(errs[0], &le) || le.Page != 3 || le.Items != 8 {
			t.Errorf("got %v then %v (%+v)", got, errs, le)
		}
	})
}

// TestPrefetchPanic: a panic in fetch reaches the caller's goroutine,
// where a recover can catch it, instead of crashing the program.
func TestPrefetchPanic(t *testing.T) {
	got := func() (v any) {
		defer func() { v = recover() }()
		for range SeqWith(t.Context(), Policy{Prefetch: 1}, 1, func(context.Context, int) (Page[int, int], error) {
			panic("fetch exploded")
		}) {
			t.Error("item yielded")
		}
		return nil
	}()
	if got != "fetch exploded" {
		t.Errorf("recovered %v", got)
	}
	// A panic in the loop body still stops and awaits the prefetch.
	before := runtime.NumGoroutine()
	func() {
		defer func() { _ = recover() }()
		p := &pages{n: 100, size: 2}
		for range SeqWith(t.Context(), Policy{Prefetch: 1}, 1, p.fetch) {
			panic("body")
		}
	}()
	if after := settled(before); after > before {
		t.Errorf("%d goroutines before, %d after a panicking loop body", before, after)
	}
}

// TestPrefetchStateInCursor: a fetch that keeps state in its cursor (as
// Cachet's walk does, to drop duplicates) sees the calls in order, one at
// a time; run with -race.
func TestPrefetchStateInCursor(t *testing.T) {
	type cur struct {
		page int
		seen map[int]bool
	}
	fetch := func(_ context.Context, c cur) (Page[int, cur], error) {
		if c.seen == nil {
			c.seen = map[int]bool{}
		}
		var items []int
		for i := c.page * 3; i < c.page*3+5; i++ { // pages overlap by two
			if !c.seen[i] {
				c.seen[i] = true
				items = append(items, i)
			}
		}
		return Page[int, cur]{Items: items, Next: cur{c.page + 1, c.seen}, More: c.page < 30}, nil
	}
	var got []int
	for v, err := range SeqWith(t.Context(), Policy{Prefetch: 2}, cur{}, fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, seqInts(0, 94)) {
		t.Errorf("got %v", got)
	}
}
