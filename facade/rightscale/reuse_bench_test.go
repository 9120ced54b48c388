package rightscale_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
)

// BenchmarkConnectionReuse reports new-conns/op over a round of the calls
// of TestConnectionReuse (success, 404, 500, retried 500, early break): 0 when
// keep-alive connections are always reused.
func BenchmarkConnectionReuse(b *testing.B) {
	benchraw.BenchReuse(b, reuseSteps(b)...)
}
