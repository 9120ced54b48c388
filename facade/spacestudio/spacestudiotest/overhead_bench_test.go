package spacestudiotest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// BenchmarkThroughput is the emulator's req/s for the list of a
// collection, as the facade sends it, from a parallel load generator
// over loopback ("http"; the target is 20,000 req/s with -cpu 2) and
// straight into the handler ("handler", the emulator's own cost). The
// API has no get by id (the facade's Get lists the collection): "get" is
// a collection of one orbit, "list" of 20.
func BenchmarkThroughput(b *testing.B) {
	srv := spacestudiotest.NewServer()
	b.Cleanup(srv.Close)
	ctx := context.Background()
	var sent []benchraw.Request
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL),
		spacestudio.WithHTTPOptions(benchraw.Capture(&sent)))
	if err != nil {
		b.Fatal(err)
	}
	orbit := func(i int) map[string]any {
		return map[string]any{
			"name": fmt.Sprintf("orbit %04d", i), "type": "Circular", "sunSynchronousOrbit": true,
			"altitude": 500000 + i, "ascendingNodeDefinitionType": "LTAN", "ltan": 43200,
			"orbitDateTime": "2024-01-01T00:00:00.000Z", "meanOscType": "MEAN", "inclination": 1.7,
		}
	}
	one, err := c.Orbits.Create(ctx, orbit(0))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Orbits.Get(ctx, one.ID); err != nil {
		b.Fatal(err)
	}
	req := sent[len(sent)-1]
	h := srv.Handler()
	b.Run("get/http", func(b *testing.B) { benchraw.Throughput(b, req) })
	b.Run("get/handler", func(b *testing.B) { benchraw.HandlerThroughput(b, h, req) })
	for i := 1; i < 20; i++ {
		if _, err := c.Orbits.Create(ctx, orbit(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("list/http", func(b *testing.B) { benchraw.Throughput(b, req) })
	b.Run("list/handler", func(b *testing.B) { benchraw.HandlerThroughput(b, h, req) })
}
