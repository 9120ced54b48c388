package st2_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// reuseSteps are the calls whose connections must all be reused: a
// success, a 404, a 500 that reaches the caller, a 500 the retry layer
// discards before retrying, and a list abandoned in its second page
// without prefetching. prefetchBreak is that list with the default
// prefetch: its break cancels the fetch in flight, which costs net/http
// that connection (see BenchmarkConnectionReuse).
func reuseSteps(tb testing.TB) (steps []benchraw.Step, prefetchBreak benchraw.Step) {
	srv := st2test.NewServer(st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range 12 {
			sd.Run("core.echo", map[string]any{"message": fmt.Sprintf("execution %d", i)})
		}
	}))
	tb.Cleanup(srv.Close)
	cfg := st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true}
	noRetry, err := st2.New(cfg, facade.WithRetry(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	retrying, err := st2.New(cfg, facade.WithRetry(2, time.Millisecond, time.Millisecond))
	if err != nil {
		tb.Fatal(err)
	}
	paged, err := st2.New(cfg, facade.WithRetry(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	paged.Executions.PageSize = 3
	p, err := noRetry.Executions.Page(context.Background(), st2.ExecutionListOptions{}, 2, 0)
	if err != nil || len(p.Items) == 0 {
		tb.Fatalf("%d executions, %v", len(p.Items), err)
	}
	id := p.Items[0].ID
	get := func(c *st2.Client, id string) func(context.Context) error {
		return func(ctx context.Context) error { _, err := c.Executions.Get(ctx, id); return err }
	}
	earlyBreak := func(c *st2.Client) func(context.Context) error {
		return func(ctx context.Context) error {
			n := 0
			for _, err := range c.Executions.List(ctx, st2.ExecutionListOptions{}) {
				if n++; err != nil || n == 4 {
					return err
				}
			}
			return nil
		}
	}
	sequential, err := st2.New(cfg, facade.WithRetry(0, 0, 0), facade.WithPrefetch(0))
	if err != nil {
		tb.Fatal(err)
	}
	sequential.Executions.PageSize = 3
	return []benchraw.Step{
		{Name: "get", Call: get(noRetry, id)},
		{Name: "404", Call: get(noRetry, "5f0000000000000000000000"), WantErr: true},
		{Name: "500", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return get(noRetry, id)(ctx)
		}, WantErr: true},
		{Name: "500 then retried", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return get(retrying, id)(ctx)
		}},
		// Pages of 3: the break comes on the second page.
		{Name: "list, early break", Call: earlyBreak(sequential)},
	}, benchraw.Step{Name: "list, early break, prefetching", Call: earlyBreak(paged)}
}

// TestConnectionReuse proves every kind of answer leaves its keep-alive
// connection reusable: no call after the first dials again.
func TestConnectionReuse(t *testing.T) {
	steps, _ := reuseSteps(t)
	benchraw.CheckReuse(t, 20, steps...)
}
