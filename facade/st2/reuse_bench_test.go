package st2_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
)

// BenchmarkConnectionReuse reports new-conns/op: "calls" is a round of the
// calls of TestConnectionReuse (success, 404, 500, retried 500, a list
// abandoned mid-way without prefetching), 0 when keep-alive connections
// are always reused; "prefetch-break" is a list abandoned while the next
// page is being prefetched, whose cancelled request loses its connection.
func BenchmarkConnectionReuse(b *testing.B) {
	steps, prefetchBreak := reuseSteps(b)
	b.Run("calls", func(b *testing.B) { benchraw.BenchReuse(b, steps...) })
	b.Run("prefetch-break", func(b *testing.B) { benchraw.BenchReuse(b, prefetchBreak) })
}
