package rightscale_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// reuseSteps are the calls whose connections must all be reused: a
// success, a 404, a 500 that reaches the caller, a 500 the retry layer
// discards before retrying, and an index abandoned after its first item.
func reuseSteps(tb testing.TB) []benchraw.Step {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithRefreshToken("reuse-refresh"))
	tb.Cleanup(srv.Close)
	noRetry, err := rightscale.New(srv.URL, srv.RefreshToken, facade.WithRetry(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	retrying, err := rightscale.New(srv.URL, srv.RefreshToken, facade.WithRetry(2, time.Millisecond, time.Millisecond))
	if err != nil {
		tb.Fatal(err)
	}
	href, err := noRetry.Deployments.FindHref(context.Background(), "production")
	if err != nil {
		tb.Fatal(err)
	}
	show := func(c *rightscale.Client, href string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.Deployments.Show(ctx, href, rightscale.ShowOptions{})
			return err
		}
	}
	return []benchraw.Step{
		{Name: "show", Call: show(noRetry, href)},
		{Name: "404", Call: show(noRetry, "/api/deployments/999999999"), WantErr: true},
		{Name: "500", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return show(noRetry, href)(ctx)
		}, WantErr: true},
		{Name: "500 then retried", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return show(retrying, href)(ctx)
		}},
		{Name: "index, early break", Call: func(ctx context.Context) error {
			for _, err := range noRetry.Deployments.Index(ctx, rightscale.IndexOptions{}) {
				return err
			}
			return nil
		}},
	}
}

// TestConnectionReuse proves every kind of answer leaves its keep-alive
// connection reusable: no call after the first dials again.
func TestConnectionReuse(t *testing.T) {
	benchraw.CheckReuse(t, 20, reuseSteps(t)...)
}
