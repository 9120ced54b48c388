package saagie_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
	"github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// BenchmarkPayloadJobs1000 takes the decoding of a 1,000-job list apart,
// on the emulator's recorded answer (replayed, so only the client works):
//
//   - facade: Jobs.List end to end (HTTP, wire.Decode of the envelope,
//     genqlient's types, the facade's conversion);
//   - genqlient: json.Unmarshal of the "data" member into genqlient's
//     ListJobsResponse, the part the generated code owns;
//   - generic: the same bytes into map[string]any, one decoding pass that
//     builds every value (an upper bound for plain structs, which are
//     cheaper than maps);
//   - scan: json.Valid, one syntax pass, the floor.
//
// genqlient's UnmarshalJSON decodes every object once for itself and once
// more per fragment it spreads (a job: its own fields, then JobFields;
// each version and instance likewise), so "genqlient" costs several
// passes where "generic" costs one.
func BenchmarkPayloadJobs1000(b *testing.B) {
	const n = 1000
	srv := saagietest.NewServer()
	b.Cleanup(srv.Close)
	pid := bigProject(srv, n)
	replay := benchraw.Replay(b, srv.URL)
	ctx := context.Background()
	var sent []benchraw.Request
	c, err := saagie.New(ctx, replay.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	opts := &saagie.DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true}
	if jobs, err := c.Jobs.List(ctx, pid, opts); err != nil || len(jobs) != n {
		b.Fatalf("%d jobs, %v", len(jobs), err)
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := benchraw.Do(ctx, benchraw.NewClient(), sent[len(sent)-1], &env); err != nil {
		b.Fatal(err)
	}
	data := []byte(env.Data)
	perJob := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/job")
	}

	b.Run("facade", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if jobs, err := c.Jobs.List(ctx, pid, opts); err != nil || len(jobs) != n {
				b.Fatalf("%d jobs, %v", len(jobs), err)
			}
		}
		perJob(b)
	})
	b.Run("genqlient", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v projectsgql.ListJobsResponse
			if err := json.Unmarshal(data, &v); err != nil || len(v.Jobs) != n {
				b.Fatalf("%d jobs, %v", len(v.Jobs), err)
			}
		}
		perJob(b)
	})
	b.Run("generic", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
		perJob(b)
	})
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if !json.Valid(data) {
				b.Fatal("invalid")
			}
		}
		perJob(b)
	})
}
