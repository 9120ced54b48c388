package cachet_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

// The facade's per-call cost, next to a hand-written net/http +
// encoding/json call doing the same request in the same run, so the ratio
// is meaningful on a noisy machine.
func BenchmarkGetComponent(b *testing.B) {
	srv := cachettest.NewServer()
	defer srv.Close()
	id := srv.SeedComponents(1)[0]
	ctx := context.Background()

	b.Run("facade", func(b *testing.B) {
		c, err := cachet.New(srv.URL, srv.Token)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Components.Get(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{}
		url := srv.URL + "/components/" + strconv.Itoa(id)
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Accept", "application/json")
			req.Header.Set("X-Cachet-Token", srv.Token)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var env struct {
				Data struct {
					ID   int    `json:"id"`
					Name string `json:"name"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&env)
			resp.Body.Close()
			if err != nil || env.Data.ID != id {
				b.Fatalf("decode: %v (id %d)", err, env.Data.ID)
			}
		}
	})
}

// BenchmarkListComponents iterates 1,000 components in pages of 100.
func BenchmarkListComponents(b *testing.B) {
	srv := cachettest.NewServer()
	defer srv.Close()
	srv.SeedComponents(1000)
	c, err := cachet.New(srv.URL, srv.Token)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 100}}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("listed %d components, want 1000", n)
		}
	}
}
