package cachet_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
)

// faultEnv is an emulator behind a counting front.
type faultEnv struct {
	srv   *cachettest.Server
	c     *cachet.Client
	front *faulttest.Front
}

func newFaultEnv(t *testing.T, seed uint64, retries int, opts ...facade.Option) *faultEnv {
	t.Helper()
	e := &faultEnv{srv: cachettest.NewServer(cachettest.WithFaultSeed(seed))}
	t.Cleanup(e.srv.Close)
	e.front = faulttest.NewFront(t, e.srv.Handler)
	// A 200ms cap: the retry layer honours a Retry-After of up to six
	// times its cap, and the injector's 429s ask for one second.
	c, err := cachet.New(e.front.URL+"/api/v1", e.srv.Token, append([]facade.Option{facade.WithRetry(retries, time.Millisecond, 200*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// seed creates n components, concurrently, without faults.
func (e *faultEnv) seed(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				if _, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: fmt.Sprintf("c-%05d", i), Status: cachet.ComponentOperational}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestFaultsListUnderFaultRate(t *testing.T) {
	const n = 5000
	e := newFaultEnv(t, 42, 6)
	e.seed(t, n)
	e.srv.Faults().SetRate(0.2, faulttest.RetryableGETs()...)
	before := e.srv.Faults().Injected()
	getsBefore := e.front.Count("GET /api/v1/components")

	ctx := context.Background()
	seen := make(map[int]bool, n)
	last := 0
	for comp, err := range e.c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 50, Sort: "id", Order: cachet.Ascending}}) {
		if err != nil {
			t.Fatalf("after %d items: %v", len(seen), err)
		}
		if seen[comp.ID] {
			t.Fatalf("component %d yielded twice", comp.ID)
		}
		if comp.ID <= last {
			t.Fatalf("component %d after %d: out of order", comp.ID, last)
		}
		seen[comp.ID], last = true, comp.ID
	}
	if len(seen) != n {
		t.Fatalf("%d components yielded, want %d", len(seen), n)
	}
	faults := e.srv.Faults().Injected() - before
	gets := e.front.Count("GET /api/v1/components") - getsBefore
	pages := n / 50
	if faults == 0 {
		t.Fatal("no fault injected: the test proves nothing")
	}
	t.Logf("cachet components: %d items, %d pages, %d faults injected, %d GETs (%d retries/re-fetches)", n, pages, faults, gets, gets-pages)
	faulttest.Record(t, "cachet", "list components under 20% faults", fmt.Sprintf("%d items exactly once, in order; %d pages; %d faults; %d retries", n, pages, faults, gets-pages))
}

// armOn runs arm before the first request whose query has key=value
// goes out. Lists fetch a page ahead of the loop, so a fault queued from
// the loop body would hit whichever page is in flight; queued as the
// page's own request leaves, it hits that page whatever the prefetching.
func armOn(key, value string, arm func()) facade.Option {
	var once sync.Once
	return facade.WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if req.URL.Query().Get(key) == value {
				once.Do(arm)
			}
			return next.RoundTrip(req)
		})
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestFaultsListOutlastsRetries(t *testing.T) {
	var e *faultEnv
	// The third page fails more times than the client retries.
	e = newFaultEnv(t, 1, 2, armOn("page", "3", func() {
		e.srv.Faults().FailNext(3, fault.Fault{Kind: fault.Status, Status: 503, Pattern: "GET /api/v1/components"})
	}))
	e.seed(t, 50)
	ctx := context.Background()
	got := 0
	var endErr error
	for _, err := range e.c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 10}}) {
		if err != nil {
			endErr = err
			break
		}
		got++
	}
	var pe *facade.ListError
	var apiErr *facade.APIError
	if !errors.As(endErr, &pe) || !errors.As(endErr, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("iteration ended with %v, want a *facade.ListError wrapping the 503", endErr)
	}
	if pe.Page != 3 || pe.Items != 20 || got != 20 || fmt.Sprint(pe.Cursor) == "" {
		t.Errorf("stopped at page %d cursor %v after %d items (%d yielded), want page 3 after 20", pe.Page, pe.Cursor, pe.Items, got)
	}
	if !strings.Contains(endErr.Error(), "page 3") {
		t.Errorf("error does not say where it stopped: %v", endErr)
	}
	t.Logf("cachet: budget exhausted -> %v", endErr)
	faulttest.Record(t, "cachet", "list: fault outlasts 2 retries", fmt.Sprintf("stopped at page %d after %d items, typed *facade.ListError wrapping 503", pe.Page, pe.Items))

	// A garbled body is re-fetched by the paging helper, within a bound
	// and only by a client that retries.
	e2 := newFaultEnv(t, 1, paging.MaxRefetch)
	e2.seed(t, 5)
	e2.srv.Faults().FailNext(paging.MaxRefetch, fault.Fault{Kind: fault.Truncate, Pattern: "GET /api/v1/components"})
	n := 0
	for _, err := range e2.c.Components.List(ctx, cachet.ComponentListOptions{}) {
		if err != nil {
			t.Fatalf("%d garbled pages should be re-fetched: %v", paging.MaxRefetch, err)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d items, want 5", n)
	}
	e2.srv.Faults().FailNext(paging.MaxRefetch+1, fault.Fault{Kind: fault.Malformed, Pattern: "GET /api/v1/components"})
	for _, err := range e2.c.Components.List(ctx, cachet.ComponentListOptions{}) {
		var de *facade.DecodeError
		if err == nil || !errors.As(err, &pe) || !errors.As(err, &de) || pe.Attempts != paging.MaxRefetch+1 || pe.Page != 1 {
			t.Errorf("a page garbled %d times: %v, want a *facade.ListError (page 1, %d attempts) wrapping a DecodeError", paging.MaxRefetch+1, err, paging.MaxRefetch+1)
		}
		break
	}
	e3 := newFaultEnv(t, 1, 0)
	e3.seed(t, 5)
	e3.srv.Faults().FailNext(1, fault.Fault{Kind: fault.Truncate, Pattern: "GET /api/v1/components"})
	for _, err := range e3.c.Components.List(ctx, cachet.ComponentListOptions{}) {
		if !errors.As(err, &pe) || pe.Attempts != 1 {
			t.Errorf("a garbled page with retries off: %v, want a *facade.ListError after one attempt", err)
		}
		break
	}
}

func TestFaultsCreateNeverRetried(t *testing.T) {
	const calls = 300
	e := newFaultEnv(t, 7, 5)
	e.srv.Faults().SetRate(0.2) // every kind but Stall, on every request
	ctx := context.Background()
	tally := faulttest.CountCreates(calls, func(i int) error {
		_, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: fmt.Sprintf("w-%d", i), Status: cachet.ComponentOperational})
		return err
	})
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	created, err := e.c.Components.Count(ctx, cachet.ComponentListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	posts := e.front.Count("POST /api/v1/components")
	tally.Check(t, faulttest.CreateFigures{Platform: "cachet", Label: "cachet creates", What: "create component under 20% faults",
		Posts: posts, Created: created, Faults: faults, WantUnknown: true})
}
