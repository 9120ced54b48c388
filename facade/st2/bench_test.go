package st2_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// benchClient is a client of srv without the contract check (benchmarks
// measure the facade, not kin-openapi).
func benchClient(b *testing.B, srv *st2test.Server) *st2.Client {
	b.Helper()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkExecutionsGet compares one Executions.Get through the facade
// (generated client, credentials, redaction, error mapping, decoding)
// with the same request made with net/http and encoding/json, against the
// same emulator: the difference is the facade's per-call overhead.
func BenchmarkExecutionsGet(b *testing.B) {
	srv := st2test.NewServer(st2test.WithTickInterval(0))
	b.Cleanup(srv.Close)
	c := benchClient(b, srv)
	ctx := context.Background()
	ex, err := c.Executions.RunAndWait(ctx, "core.echo", map[string]any{"message": "bench"}, waitBench)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Executions.Get(ctx, ex.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{}
		url := srv.APIURL + "/executions/" + ex.ID
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("St2-Api-Key", srv.APIKey)
			res, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var got st2.Execution
			err = json.NewDecoder(res.Body).Decode(&got)
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusOK {
				b.Fatalf("%d %v", res.StatusCode, err)
			}
		}
	})
}

// BenchmarkExecutionPage1000 reads a page of 1,000 finished executions:
// "decode" is the JSON decoding alone (what the facade does with the
// body), "page" the whole Executions.Page call against the emulator.
func BenchmarkExecutionPage1000(b *testing.B) {
	srv := st2test.NewServer(st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range 1000 {
			sd.Run("core.echo", map[string]any{"message": fmt.Sprintf("execution %d", i)})
		}
	}))
	b.Cleanup(srv.Close)
	c := benchClient(b, srv)
	ctx := context.Background()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.APIURL+"/executions?limit=1000", nil)
	req.Header.Set("St2-Api-Key", srv.APIKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("%d %v", res.StatusCode, err)
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var page []st2.Execution
			if err := json.Unmarshal(body, &page); err != nil || len(page) != 1000 {
				b.Fatalf("%d %v", len(page), err)
			}
		}
	})
	b.Run("page", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.Executions.Page(ctx, st2.ExecutionListOptions{}, 1000, 0)
			if err != nil || len(p.Items) != 1000 || p.Total != 1000 {
				b.Fatalf("%d %d %v", len(p.Items), p.Total, err)
			}
		}
	})
}

var waitBench = waitFast()
