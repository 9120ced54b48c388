package st2_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// BenchmarkPayloadExecutions1000 decodes one page of 1,000 executions
// whose results are large (a 2 KiB stdout each, which the emulator
// echoes in parameters and result: about 9 MB in all),
// replayed from the emulator's own answer so that only the client side is
// measured: through the facade (wire.Decode: json.Decoder on the body,
// with the excerpt capture and the size cap), and by hand, streaming
// (json.NewDecoder on the body) and reading whole (io.ReadAll sized by
// Content-Length, then json.Unmarshal).
func BenchmarkPayloadExecutions1000(b *testing.B) {
	const n = 1000
	big := strings.Repeat("0123456789abcdef", 128) // 2 KiB
	srv := st2test.NewServer(st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range n {
			sd.Run("core.echo", map[string]any{"message": fmt.Sprintf("%05d %s", i, big)})
		}
	}))
	b.Cleanup(srv.Close)
	replay := benchraw.Replay(b, srv.URL)
	apiURL := replay.URL + strings.TrimPrefix(srv.APIURL, srv.URL)
	var sent []benchraw.Request
	c, err := st2.New(st2.Config{AuthURL: replay.URL + strings.TrimPrefix(srv.AuthURL, srv.URL), APIURL: apiURL,
		StreamURL: replay.URL + strings.TrimPrefix(srv.StreamURL, srv.URL), APIKey: srv.APIKey, SkipConfig: true},
		benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := c.Executions.Page(ctx, st2.ExecutionListOptions{}, n, 0)
	if err != nil || len(p.Items) != n {
		b.Fatalf("%d executions, %v", len(p.Items), err)
	}
	req := sent[len(sent)-1]
	hc := benchraw.NewClient()
	size := bodySize(b, hc, req)
	b.Logf("body: %d bytes", size)

	b.Run("facade", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.Executions.Page(ctx, st2.ExecutionListOptions{}, n, 0)
			if err != nil || len(p.Items) != n {
				b.Fatalf("%d executions, %v", len(p.Items), err)
			}
		}
	})
	b.Run("raw-stream", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			var v []st2.Execution
			if err := benchraw.Do(ctx, hc, req, &v); err != nil || len(v) != n {
				b.Fatalf("%d executions, %v", len(v), err)
			}
		}
	})
	b.Run("raw-readall", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			var v []st2.Execution
			if err := readAll(ctx, hc, req, &v); err != nil || len(v) != n {
				b.Fatalf("%d executions, %v", len(v), err)
			}
		}
	})
}

// bodySize is the length of r's answer.
func bodySize(b *testing.B, hc *http.Client, r benchraw.Request) int64 {
	b.Helper()
	var raw json.RawMessage
	if err := readAll(context.Background(), hc, r, &raw); err != nil {
		b.Fatal(err)
	}
	return int64(len(raw))
}

// readAll is the read-whole-then-unmarshal way of decoding r's answer,
// with the buffer sized from Content-Length.
func readAll(ctx context.Context, hc *http.Client, r benchraw.Request, out any) error {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
	if err != nil {
		return err
	}
	req.Header = r.Header.Clone()
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := make([]byte, 0, max(resp.ContentLength, 512)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	return json.Unmarshal(buf, out)
}
