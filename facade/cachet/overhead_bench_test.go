package cachet_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// BenchmarkOverhead is the facade's per-call cost next to a hand-written
// net/http + encoding/json call sending the very request the facade sent
// (captured below the credential layer: same URL, headers and token) and
// decoding into the generated model, against the emulator on loopback.
// "ratio" reports facade/raw measured in one interleaved loop (x-time,
// x-B, x-allocs); the target is x-time <= 1.10.
func BenchmarkOverhead(b *testing.B) {
	srv := cachettest.NewServer()
	b.Cleanup(srv.Close)
	ids := srv.SeedComponents(20)
	ctx := context.Background()
	// c is measured; cc, built alike plus a capturing middleware, only
	// shows what the facade sends.
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		b.Fatal(err)
	}
	var sent []benchraw.Request
	cc, err := cachet.New(srv.URL, srv.Token, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	hc := benchraw.NewClient()

	b.Run("get", func(b *testing.B) {
		sent = sent[:0]
		if _, err := cc.Components.Get(ctx, ids[0]); err != nil || len(sent) != 1 {
			b.Fatalf("%d requests, %v", len(sent), err)
		}
		req := sent[0]
		benchraw.Pair(b, func() error {
			_, err := c.Components.Get(ctx, ids[0])
			return err
		}, func() error {
			var v cachetapi.ComponentResponse
			return benchraw.Do(ctx, hc, req, &v)
		})
	})
	b.Run("list", func(b *testing.B) {
		list := func(c *cachet.Client) error {
			n := 0
			for _, err := range c.Components.List(ctx, cachet.ComponentListOptions{}) {
				if err != nil {
					return err
				}
				n++
			}
			if n != len(ids) {
				b.Fatalf("listed %d, want %d", n, len(ids))
			}
			return nil
		}
		sent = sent[:0]
		if err := list(cc); err != nil || len(sent) != 1 {
			b.Fatalf("%d requests for one page, %v", len(sent), err)
		}
		req := sent[0]
		benchraw.Pair(b, func() error { return list(c) }, func() error {
			var v cachetapi.ComponentList
			if err := benchraw.Do(ctx, hc, req, &v); err != nil {
				return err
			}
			if len(v.Data) != len(ids) {
				b.Fatalf("raw listed %d", len(v.Data))
			}
			return nil
		})
	})
}
