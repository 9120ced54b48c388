package paging

import (
	"context"
	"testing"
)

// BenchmarkSeq is the helper's own cost per item, without any I/O: the
// goroutine and channel of prefetching against the plain loop.
func BenchmarkSeq(b *testing.B) {
	items := make([]int, 100)
	fetch := func(_ context.Context, page int) (Page[int, int], error) {
		return Page[int, int]{Items: items, Next: page + 1, More: page < 10}, nil
	}
	for _, pc := range policies {
		b.Run(pc.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range SeqWith(ctx, pc.p, 1, fetch) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 1000 {
					b.Fatalf("n = %d", n)
				}
			}
		})
	}
}
