package st2_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// BenchmarkOverhead is the facade's per-call cost next to a hand-written
// net/http + encoding/json call sending the very request the facade sent
// (captured below the credential layer: same URL, headers and API key)
// and decoding into the same struct, against the emulator on loopback.
// "ratio" reports facade/raw measured in one interleaved loop (x-time,
// x-B, x-allocs); the target is x-time <= 1.10.
func BenchmarkOverhead(b *testing.B) {
	const n = 20
	srv := st2test.NewServer(st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range n {
			sd.Run("core.echo", map[string]any{"message": fmt.Sprintf("execution %d", i)})
		}
	}))
	b.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true}
	// c is measured; cc, built alike plus a capturing middleware, only
	// shows what the facade sends.
	c, err := st2.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var sent []benchraw.Request
	cc, err := st2.New(cfg, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	hc := benchraw.NewClient()
	page := func(c *st2.Client) (st2.Page[st2.Execution], error) {
		return c.Executions.Page(ctx, st2.ExecutionListOptions{}, n, 0)
	}
	first, err := page(c)
	if err != nil || len(first.Items) != n {
		b.Fatalf("%d executions, %v", len(first.Items), err)
	}
	id := first.Items[0].ID

	b.Run("get", func(b *testing.B) {
		sent = sent[:0]
		if _, err := cc.Executions.Get(ctx, id); err != nil || len(sent) != 1 {
			b.Fatalf("%d requests, %v", len(sent), err)
		}
		req := sent[0]
		benchraw.Pair(b, func() error {
			_, err := c.Executions.Get(ctx, id)
			return err
		}, func() error {
			var v st2.Execution
			return benchraw.Do(ctx, hc, req, &v)
		})
	})
	b.Run("list", func(b *testing.B) {
		sent = sent[:0]
		if _, err := page(cc); err != nil || len(sent) != 1 {
			b.Fatalf("%d requests for one page, %v", len(sent), err)
		}
		req := sent[0]
		benchraw.Pair(b, func() error {
			p, err := page(c)
			if err == nil && len(p.Items) != n {
				b.Fatalf("listed %d", len(p.Items))
			}
			return err
		}, func() error {
			var v []st2.Execution
			if err := benchraw.Do(ctx, hc, req, &v); err != nil {
				return err
			}
			if len(v) != n {
				b.Fatalf("raw listed %d", len(v))
			}
			return nil
		})
	})
}
