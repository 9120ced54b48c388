package cachet_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
)

// reuseSteps are the calls whose connections must all be reused: a
// success, a 404, a 500 that reaches the caller, a 500 the retry layer
// discards before retrying, and a list abandoned in its second page
// without prefetching. prefetchBreak is that list with the default
// prefetch: its break cancels the fetch in flight, which costs net/http
// that connection (see BenchmarkConnectionReuse).
func reuseSteps(tb testing.TB) (steps []benchraw.Step, prefetchBreak benchraw.Step) {
	srv := cachettest.NewServer()
	tb.Cleanup(srv.Close)
	ids := srv.SeedComponents(12)
	noRetry, err := cachet.New(srv.URL, srv.Token, facade.WithRetry(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	retrying, err := cachet.New(srv.URL, srv.Token, facade.WithRetry(2, time.Millisecond, time.Millisecond))
	if err != nil {
		tb.Fatal(err)
	}
	get := func(c *cachet.Client, id int) func(context.Context) error {
		return func(ctx context.Context) error { _, err := c.Components.Get(ctx, id); return err }
	}
	earlyBreak := func(c *cachet.Client) func(context.Context) error {
		return func(ctx context.Context) error {
			n := 0
			for _, err := range c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 3}}) {
				if n++; err != nil || n == 4 {
					return err
				}
			}
			return nil
		}
	}
	sequential, err := cachet.New(srv.URL, srv.Token, facade.WithRetry(0, 0, 0), facade.WithPrefetch(0))
	if err != nil {
		tb.Fatal(err)
	}
	return []benchraw.Step{
		{Name: "get", Call: get(noRetry, ids[0])},
		{Name: "404", Call: get(noRetry, 1<<30), WantErr: true},
		{Name: "500", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return get(noRetry, ids[1])(ctx)
		}, WantErr: true},
		{Name: "500 then retried", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return get(retrying, ids[1])(ctx)
		}},
		// Pages of 3: the break comes on the second page.
		{Name: "list, early break", Call: earlyBreak(sequential)},
	}, benchraw.Step{Name: "list, early break, prefetching", Call: earlyBreak(noRetry)}
}

// TestConnectionReuse proves every kind of answer leaves its keep-alive
// connection reusable: no call after the first dials again.
func TestConnectionReuse(t *testing.T) {
	steps, _ := reuseSteps(t)
	benchraw.CheckReuse(t, 20, steps...)
}
