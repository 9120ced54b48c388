package rightscale_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// BenchmarkOverhead is the facade's per-call cost next to a hand-written
// net/http + encoding/json call sending the very request the facade sent
// (captured below the credential layer: same URL, headers and access
// token) and decoding into the same struct, against the emulator on
// loopback. "ratio" reports facade/raw measured in one interleaved loop
// (x-time, x-B, x-allocs); the target is x-time <= 1.10. API 1.5 has no
// paging: "list" is the deployments index, one answer.
func BenchmarkOverhead(b *testing.B) {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithRefreshToken("bench-refresh"))
	b.Cleanup(srv.Close)
	ctx := context.Background()
	// c is measured; cc, built alike plus a capturing middleware, only
	// shows what the facade sends.
	c, err := rightscale.New(srv.URL, srv.RefreshToken)
	if err != nil {
		b.Fatal(err)
	}
	var sent []benchraw.Request
	cc, err := rightscale.New(srv.URL, srv.RefreshToken, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	href, err := c.Deployments.FindHref(ctx, "production")
	if err != nil {
		b.Fatal(err)
	}
	hc := benchraw.NewClient()
	// last is the last request sent, after any token exchange.
	last := func(b *testing.B, call func() error) benchraw.Request {
		b.Helper()
		sent = sent[:0]
		if err := call(); err != nil || len(sent) == 0 {
			b.Fatalf("%d requests, %v", len(sent), err)
		}
		return sent[len(sent)-1]
	}

	b.Run("get", func(b *testing.B) {
		req := last(b, func() error { _, err := cc.Deployments.Show(ctx, href, rightscale.ShowOptions{}); return err })
		benchraw.Pair(b, func() error {
			_, err := c.Deployments.Show(ctx, href, rightscale.ShowOptions{})
			return err
		}, func() error {
			var v rightscale.Deployment
			return benchraw.Do(ctx, hc, req, &v)
		})
	})
	b.Run("list", func(b *testing.B) {
		want := -1
		req := last(b, func() error {
			all, err := cc.Deployments.List(ctx, rightscale.IndexOptions{})
			want = len(all)
			return err
		})
		if want < 2 {
			b.Fatalf("only %d deployments in the demo data", want)
		}
		benchraw.Pair(b, func() error {
			all, err := c.Deployments.List(ctx, rightscale.IndexOptions{})
			if err == nil && len(all) != want {
				b.Fatalf("listed %d", len(all))
			}
			return err
		}, func() error {
			var v []rightscale.Deployment
			if err := benchraw.Do(ctx, hc, req, &v); err != nil {
				return err
			}
			if len(v) != want {
				b.Fatalf("raw listed %d", len(v))
			}
			return nil
		})
	})
}
