package rightscale_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// instancesBody renders n instances in the default view, as a shard
// would: API 1.5 has no paging, so an index is one answer of them all.
func instancesBody(b *testing.B, n int) []byte {
	b.Helper()
	created, err := rightscale.ParseTime("2015/04/08 18:46:02 +0000")
	if err != nil {
		b.Fatal(err)
	}
	items := make([]rightscale.Instance, n)
	for i := range items {
		self := fmt.Sprintf("/api/clouds/1/instances/%013X", i)
		items[i] = rightscale.Instance{
			Name: fmt.Sprintf("web-%05d", i), State: "operational", ResourceUID: fmt.Sprintf("i-%08x", i),
			OsPlatform: "linux", PricingType: "fixed", CreatedAt: created, UpdatedAt: created,
			PublicIPAddresses:  []string{fmt.Sprintf("54.90.%d.%d", i/256%256, i%256)},
			PrivateIPAddresses: []string{fmt.Sprintf("10.0.%d.%d", i/256%256, i%256)},
			Links: rightscale.Links{{Rel: "self", Href: self}, {Rel: "cloud", Href: "/api/clouds/1"},
				{Rel: "deployment", Href: "/api/deployments/1001"}, {Rel: "parent", Href: "/api/server_arrays/7"},
				{Rel: "inputs", Href: self + "/inputs"}},
			Actions: rightscale.Actions{{Rel: "terminate"}, {Rel: "reboot"}, {Rel: "run_executable"}},
		}
	}
	body, err := json.Marshal(items)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// staticShard answers the token exchange and serves body for every other
// request, so that the benchmarks measure the client, not a server.
func staticShard(b *testing.B, mediaType string, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/oauth2" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"bench-access","expires_in":7200,"token_type":"bearer"}`))
			return
		}
		w.Header().Set("Content-Type", mediaType)
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// rawGet is the hand-written net/http + encoding/json call the facade is
// measured against, in the same run so the ratio holds on a noisy machine.
func rawGet[T any](ctx context.Context, b *testing.B, hc *http.Client, url string) T {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("X-API-Version", "1.5")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer bench-access")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkIndex10000Instances decodes one index answer of 10,000
// instances (about 6 MB) into typed Instances: through the facade's List,
// through its iterator, and by hand.
func BenchmarkIndex10000Instances(b *testing.B) {
	const n = 10000
	body := instancesBody(b, n)
	srv := staticShard(b, "application/vnd.rightscale.instance+json;type=collection;charset=utf-8", body)
	ctx := context.Background()
	c, err := rightscale.New(srv.URL, "bench-refresh")
	if err != nil {
		b.Fatal(err)
	}
	instances := c.Instances("1")

	b.Run("facade-list", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			got, err := instances.List(ctx, rightscale.IndexOptions{View: "default"})
			if err != nil || len(got) != n {
				b.Fatalf("%d instances, %v", len(got), err)
			}
		}
	})
	b.Run("facade-iter", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			count := 0
			for _, err := range instances.Index(ctx, rightscale.IndexOptions{View: "default"}) {
				if err != nil {
					b.Fatal(err)
				}
				count++
			}
			if count != n {
				b.Fatalf("%d instances", count)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if got := rawGet[[]rightscale.Instance](ctx, b, hc, srv.URL+"/api/clouds/1/instances?view=default"); len(got) != n {
				b.Fatalf("%d instances", len(got))
			}
		}
	})
}

// BenchmarkShowDeployment is the per-call overhead of the facade (token,
// headers, logging hooks, error checks) over a bare net/http GET of the
// same small resource from the emulator.
func BenchmarkShowDeployment(b *testing.B) {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData(), rightscaletest.WithRefreshToken("bench-refresh"))
	b.Cleanup(srv.Close)
	ctx := context.Background()
	c, err := rightscale.New(srv.URL, srv.RefreshToken)
	if err != nil {
		b.Fatal(err)
	}
	href, err := c.Deployments.FindHref(ctx, "production")
	if err != nil {
		b.Fatal(err)
	}

	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d, err := c.Deployments.Show(ctx, href, rightscale.ShowOptions{}); err != nil || d.Name != "production" {
				b.Fatalf("%q, %v", d.Name, err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{}
		token := srv.AccessToken()
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+href, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("X-API-Version", "1.5")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var d rightscale.Deployment
			err = json.NewDecoder(resp.Body).Decode(&d)
			resp.Body.Close()
			if err != nil || d.Name != "production" {
				b.Fatalf("%q, %v", d.Name, err)
			}
		}
	})
}

// BenchmarkFindHref is a name lookup: the server's partial filter, then
// the exact match over resources read without their full type.
func BenchmarkFindHref(b *testing.B) {
	body := instancesBody(b, 1000)
	srv := staticShard(b, "application/vnd.rightscale.instance+json;type=collection;charset=utf-8", body)
	c, err := rightscale.New(srv.URL, "bench-refresh")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	instances := c.Instances("1")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := instances.FindHref(ctx, "web-00999"); err != nil {
			b.Fatal(err)
		}
	}
}
