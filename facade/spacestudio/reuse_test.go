package spacestudio_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// reuseSteps are the calls whose connections must all be reused: a
// success, a 404, a 500 that reaches the caller, a 500 the retry layer
// discards before retrying, and a list abandoned after its first item.
func reuseSteps(tb testing.TB) []benchraw.Step {
	srv := spacestudiotest.NewServer()
	tb.Cleanup(srv.Close)
	ctx := context.Background()
	connect := func(opts ...facade.Option) *spacestudio.Client {
		c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL),
			spacestudio.WithHTTPOptions(opts...))
		if err != nil {
			tb.Fatal(err)
		}
		return c
	}
	noRetry := connect(facade.WithRetry(0, 0, 0))
	retrying := connect(facade.WithRetry(2, time.Millisecond, time.Millisecond))
	for i := range 3 {
		if _, err := noRetry.Orbits.Create(ctx, map[string]any{
			"name": "orbit " + string(rune('a'+i)), "type": "Circular", "sunSynchronousOrbit": true,
			"altitude": 500000, "ascendingNodeDefinitionType": "LTAN", "ltan": 43200,
			"orbitDateTime": "2024-01-01T00:00:00.000Z", "meanOscType": "MEAN", "inclination": 1.7,
		}); err != nil {
			tb.Fatal(err)
		}
	}
	all := func(c *spacestudio.Client) func(context.Context) error {
		return func(ctx context.Context) error { _, err := c.Orbits.All(ctx); return err }
	}
	return []benchraw.Step{
		{Name: "list", Call: all(noRetry)},
		{Name: "404", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusNotFound, "")
			return all(noRetry)(ctx)
		}, WantErr: true},
		{Name: "500", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return all(noRetry)(ctx)
		}, WantErr: true},
		{Name: "500 then retried", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return all(retrying)(ctx)
		}},
		{Name: "list, early break", Call: func(ctx context.Context) error {
			for _, err := range noRetry.Orbits.List(ctx) {
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
