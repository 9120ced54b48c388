package saagie_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// rawProject is what a hand-written client would declare for the
// ProjectFields selection: plain fields, no custom decoding.
type rawProject struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Creator     string  `json:"creator"`
	Description *string `json:"description"`
	JobsCount   int     `json:"jobsCount"`
	Status      string  `json:"status"`
}

// BenchmarkOverhead is the facade's per-call cost next to a hand-written
// net/http + encoding/json call posting the very request the facade sent
// (captured below the credential layer: same document, variables,
// headers and token) and decoding into plain structs, against the
// emulator on loopback. "ratio" reports facade/raw measured in one
// interleaved loop (x-time, x-B, x-allocs); the target is x-time <= 1.10.
// Projects have no paging: "list" is the one answer of ListProjects.
func BenchmarkOverhead(b *testing.B) {
	const n = 20
	srv := saagietest.NewServer()
	b.Cleanup(srv.Close)
	var ids []string
	srv.Seed(func(sd *saagietest.Seeder) {
		for i := range n {
			ids = append(ids, sd.Project("project-"+string(rune('a'+i)), "a project"))
		}
	})
	ctx := context.Background()
	// c is measured; cc, built alike plus a capturing middleware, only
	// shows what the facade sends.
	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
	if err != nil {
		b.Fatal(err)
	}
	var sent []benchraw.Request
	cc, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	hc := benchraw.NewClient()
	last := func(b *testing.B, call func() error) benchraw.Request {
		b.Helper()
		sent = sent[:0]
		if err := call(); err != nil || len(sent) == 0 {
			b.Fatalf("%d requests, %v", len(sent), err)
		}
		return sent[len(sent)-1]
	}

	b.Run("get", func(b *testing.B) {
		req := last(b, func() error { _, err := cc.Projects.Get(ctx, ids[0]); return err })
		benchraw.Pair(b, func() error {
			_, err := c.Projects.Get(ctx, ids[0])
			return err
		}, func() error {
			var v struct {
				Data struct {
					Project *rawProject `json:"project"`
				} `json:"data"`
			}
			if err := benchraw.Do(ctx, hc, req, &v); err != nil {
				return err
			}
			if v.Data.Project == nil || v.Data.Project.ID != ids[0] {
				b.Fatalf("raw got %+v", v.Data.Project)
			}
			return nil
		})
	})
	b.Run("list", func(b *testing.B) {
		req := last(b, func() error { _, err := cc.Projects.List(ctx); return err })
		benchraw.Pair(b, func() error {
			all, err := c.Projects.List(ctx)
			if err == nil && len(all) != n {
				b.Fatalf("listed %d", len(all))
			}
			return err
		}, func() error {
			var v struct {
				Data struct {
					Projects []rawProject `json:"projects"`
				} `json:"data"`
			}
			if err := benchraw.Do(ctx, hc, req, &v); err != nil {
				return err
			}
			if len(v.Data.Projects) != n {
				b.Fatalf("raw listed %d", len(v.Data.Projects))
			}
			return nil
		})
	})
}
