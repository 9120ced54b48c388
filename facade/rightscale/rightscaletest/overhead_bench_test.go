package rightscaletest_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// BenchmarkThroughput is the emulator's req/s for a show of a deployment
// and the deployments index (API 1.5 has no paging), as the facade sends
// them, from a parallel load generator over loopback ("http"; the target
// is 20,000 req/s with -cpu 2) and straight into the handler ("handler",
// the emulator's own cost).
func BenchmarkThroughput(b *testing.B) {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithRefreshToken("bench-refresh"))
	b.Cleanup(srv.Close)
	ctx := context.Background()
	var sent []benchraw.Request
	c, err := rightscale.New(srv.URL, srv.RefreshToken, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Deployments.List(ctx, rightscale.IndexOptions{}); err != nil {
		b.Fatal(err)
	}
	list := sent[len(sent)-1]
	href, err := c.Deployments.FindHref(ctx, "production")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Deployments.Show(ctx, href, rightscale.ShowOptions{}); err != nil {
		b.Fatal(err)
	}
	get := sent[len(sent)-1]
	benchraw.ThroughputPair(b, srv.Handler(), get, list)
}
