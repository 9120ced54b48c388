package wire

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkDecodeArray reads a JSON array answer into its elements: a
// small page (what a command line prints) and a large one (1,000 objects
// with nested results, about 1 MB).
func BenchmarkDecodeArray(b *testing.B) {
	for _, n := range []int{50, 1000} {
		var sb strings.Builder
		sb.WriteByte('[')
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"id":"%024d","ref":"core.local","description":"Action that executes an arbitrary Linux command \"%d\".","result":{"stdout":%q,"succeeded":true,"return_code":0}}`,
				i, i, strings.Repeat("line of output\n", n/50+1))
		}
		sb.WriteByte(']')
		payload := sb.String()
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			c := call()
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				body := &body{r: strings.NewReader(payload)}
				resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: body, ContentLength: int64(len(payload))}
				items, err := DecodeArray(c, resp, nil)
				if err != nil || len(items) != n {
					b.Fatalf("%d items, %v", len(items), err)
				}
			}
		})
	}
}
