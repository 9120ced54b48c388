// Package pagingbench measures List iterators for the facades'
// benchmarks: the wall time of a whole listing one page at a time against
// the same listing with prefetching, in the same run, and the peak heap
// of a long listing against a short one. Both figures are ratios measured
// side by side, so that a noisy shared machine moves both sides alike.
package pagingbench

import (
	"context"
	"iter"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// List starts one listing, e.g. a closure over a client's List call.
type List[T any] func(ctx context.Context) iter.Seq2[T, error]

// Consume ranges over seq, counting the items, and after each perPage
// items spends pageWork (a sleep: the loop body's own I/O, say writing
// the page to a database). It stops after limit items when limit > 0.
func Consume[T any](tb testing.TB, seq iter.Seq2[T, error], perPage int, pageWork time.Duration, limit int) int {
	tb.Helper()
	n := 0
	for _, err := range seq {
		if err != nil {
			tb.Fatalf("after %d items: %v", n, err)
		}
		n++
		if pageWork > 0 && perPage > 0 && n%perPage == 0 {
			time.Sleep(pageWork)
		}
		if limit > 0 && n >= limit {
			break
		}
	}
	return n
}

// Wall lists want items with seq and with prefetch, alternately, once
// per benchmark iteration, the loop body spending pageWork per page of
// perPage items. It reports each side's wall time per listing
// (seq-ms/op, prefetch-ms/op) and their ratio (prefetch/seq-ratio; below
// 1 is faster), and drops the default ns/op, which would be their sum.
func Wall[T any](b *testing.B, want, perPage int, pageWork time.Duration, seq, prefetch List[T]) {
	b.Helper()
	ctx := context.Background()
	var tSeq, tPre time.Duration
	runs := 0
	for b.Loop() {
		for i, l := range []List[T]{seq, prefetch} {
			start := time.Now()
			if n := Consume(b, l(ctx), perPage, pageWork, 0); n != want {
				b.Fatalf("listed %d items, want %d", n, want)
			}
			if i == 0 {
				tSeq += time.Since(start)
			} else {
				tPre += time.Since(start)
			}
		}
		runs++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(runs) / 1e6 }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(tSeq), "seq-ms/op")
	b.ReportMetric(ms(tPre), "prefetch-ms/op")
	b.ReportMetric(float64(tPre)/float64(tSeq), "prefetch/seq-ratio")
}

// Calibrate lists want items with l, untimed, and returns the mean time
// a page of perPage items took to arrive: the loop body's work per page
// that [Wall] should use to show what prefetching hides at best (a loop
// body as slow as the server).
func Calibrate[T any](b *testing.B, want, perPage int, l List[T]) time.Duration {
	b.Helper()
	start := time.Now()
	if n := Consume(b, l(context.Background()), perPage, 0, 0); n != want {
		b.Fatalf("listed %d items, want %d", n, want)
	}
	pages := max((want+perPage-1)/perPage, 1)
	return time.Since(start) / time.Duration(pages)
}

// Memory lists short then long items with l, once per benchmark
// iteration, and reports the peak live heap above the starting point of
// each (peak-short-B, peak-long-B, the largest over the iterations) and
// their ratio (peak-ratio): flat means the iterator holds a bounded
// number of pages, not the listing. The live heap (what a collection
// keeps, not the garbage awaiting one, which depends on when the GC
// happens to run) is read after a forced collection at samples evenly
// spaced points of each listing, the same number for both, so that
// neither peak is the maximum of more draws than the other, each after a
// pause of settle for the prefetch in flight to land.
func Memory[T any](b *testing.B, short, long, samples int, l List[T]) {
	b.Helper()
	ctx := context.Background()
	var peakShort, peakLong uint64
	run := func(want int) uint64 {
		every := max(want/samples, 1)
		base := liveHeap()
		peak := base
		n := 0
		for _, err := range l(ctx) {
			if err != nil {
				b.Fatalf("after %d items: %v", n, err)
			}
			n++
			if n%every == 0 {
				// Let the fetch in flight land first: what is measured is
				// what the iterator holds (the page being read and those
				// fetched ahead), not where a request happens to be.
				time.Sleep(settle)
				peak = max(peak, liveHeap())
			}
			if n == want {
				break
			}
		}
		if n != want {
			b.Fatalf("listed %d items, want %d", n, want)
		}
		return peak - base
	}
	// A first short listing, unmeasured, makes what every listing shares
	// (connections, buffers, pools, the decoders' caches) part of the
	// starting point.
	run(short)
	for b.Loop() {
		peakShort = max(peakShort, run(short))
		peakLong = max(peakLong, run(long))
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(peakShort), "peak-short-B")
	b.ReportMetric(float64(peakLong), "peak-long-B")
	b.ReportMetric(float64(peakLong)/float64(max(peakShort, 1)), "peak-ratio")
}

// settle is the pause before each sample of [Memory].
const settle = 50 * time.Millisecond

// liveHeap collects and returns the bytes of heap objects it kept. Two
// collections: the first only moves sync.Pool contents aside.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
