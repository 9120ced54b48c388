package cachet_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/paging/pagingbench"
)

// Listing benchmarks: 100,000 components, 500 a page (the page size the
// facade asks for filtered lists), 2 ms of emulator latency per request.
const (
	benchComponents = 100_000
	benchPerPage    = 500
	benchLatency    = 2 * time.Millisecond
)

// benchListServer is an emulator holding benchComponents components.
func benchListServer(b *testing.B) *cachettest.Server {
	b.Helper()
	srv := cachettest.NewServer(cachettest.WithLatency(benchLatency),
		cachettest.WithSeed(func(sd *cachettest.Seeder) { sd.Components(benchComponents) }))
	b.Cleanup(srv.Close)
	return srv
}

func benchComponentList(b *testing.B, srv *cachettest.Server, opts ...facade.Option) pagingbench.List[cachet.Component] {
	b.Helper()
	c, err := cachet.New(srv.URL, srv.Token, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context) iter.Seq2[cachet.Component, error] {
		return c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: benchPerPage}})
	}
}

// BenchmarkComponentsListPrefetch lists 100,000 components one page at a
// time (facade.WithPrefetch(0)) and with the default prefetching,
// alternately in the same run. work=none: the loop body does nothing, so
// there is nothing to hide the next request behind (prefetching must
// merely cost nothing); work=matched: the loop body spends as long on
// each page as a page takes to arrive (measured first), the case where
// prefetching hides the most: half the time at best.
func BenchmarkComponentsListPrefetch(b *testing.B) {
	srv := benchListServer(b)
	seq := benchComponentList(b, srv, facade.WithPrefetch(0))
	pre := benchComponentList(b, srv)
	b.Run("work=none", func(b *testing.B) {
		pagingbench.Wall(b, benchComponents, benchPerPage, 0, seq, pre)
	})
	b.Run("work=matched", func(b *testing.B) {
		work := pagingbench.Calibrate(b, benchComponents, benchPerPage, seq)
		b.ReportMetric(float64(work)/1e6, "work-ms/page")
		pagingbench.Wall(b, benchComponents, benchPerPage, work, seq, pre)
	})
}

// BenchmarkComponentsListMemory: the peak live heap listing 1,000
// components against listing all 100,000, with the default (prefetching)
// client, sampled 10 times during each listing.
func BenchmarkComponentsListMemory(b *testing.B) {
	srv := benchListServer(b)
	pagingbench.Memory(b, 1_000, benchComponents, 10, benchComponentList(b, srv))
}
