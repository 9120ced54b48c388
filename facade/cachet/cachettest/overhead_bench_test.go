package cachettest_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
)

// BenchmarkThroughput is the emulator's req/s for a GET by id and a list
// page of 20, as the facade sends them, from a parallel load generator
// over loopback ("http"; the target is 20,000 req/s with -cpu 2) and
// straight into the handler ("handler", the emulator's own cost).
func BenchmarkThroughput(b *testing.B) {
	srv := cachettest.NewServer()
	b.Cleanup(srv.Close)
	ids := srv.SeedComponents(40)
	ctx := context.Background()
	var sent []benchraw.Request
	c, err := cachet.New(srv.URL, srv.Token, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Components.Get(ctx, ids[7]); err != nil {
		b.Fatal(err)
	}
	for _, err := range c.Components.List(ctx, cachet.ComponentListOptions{}) {
		if err != nil {
			b.Fatal(err)
		}
		break
	}
	get, list := sent[0], sent[1]
	benchraw.ThroughputPair(b, srv.Handler(), get, list)
}
