package st2test_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// BenchmarkThroughput is the emulator's req/s for a GET of an execution
// by id and a page of 20 executions, as the facade sends them, from a
// parallel load generator over loopback ("http"; the target is 20,000
// req/s with -cpu 2) and straight into the handler ("handler", the
// emulator's own cost).
func BenchmarkThroughput(b *testing.B) {
	srv := st2test.NewServer(st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range 40 {
			sd.Run("core.echo", map[string]any{"message": fmt.Sprintf("execution %d", i)})
		}
	}))
	b.Cleanup(srv.Close)
	ctx := context.Background()
	var sent []benchraw.Request
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true},
		benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	p, err := c.Executions.Page(ctx, st2.ExecutionListOptions{}, 20, 0)
	if err != nil || len(p.Items) != 20 {
		b.Fatalf("%d executions, %v", len(p.Items), err)
	}
	if _, err := c.Executions.Get(ctx, p.Items[3].ID); err != nil {
		b.Fatal(err)
	}
	list, get := sent[len(sent)-2], sent[len(sent)-1]
	benchraw.ThroughputPair(b, srv.Handler(), get, list)
}
