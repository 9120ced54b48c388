package saagietest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// BenchmarkThroughput is the emulator's req/s for GetProject and
// ListProjects (20 projects), the GraphQL documents the facade posts,
// from a parallel load generator over loopback ("http"; the target is
// 20,000 req/s with -cpu 2) and straight into the handler ("handler", the
// emulator's own cost: parsing, validating and executing the document).
func BenchmarkThroughput(b *testing.B) {
	srv := saagietest.NewServer()
	b.Cleanup(srv.Close)
	var pid string
	srv.Seed(func(sd *saagietest.Seeder) {
		for i := range 20 {
			pid = sd.Project(fmt.Sprintf("project-%02d", i), "a project")
		}
	})
	ctx := context.Background()
	var sent []benchraw.Request
	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, benchraw.Capture(&sent))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Projects.Get(ctx, pid); err != nil {
		b.Fatal(err)
	}
	get := sent[len(sent)-1]
	if _, err := c.Projects.List(ctx); err != nil {
		b.Fatal(err)
	}
	list := sent[len(sent)-1]
	benchraw.ThroughputPair(b, srv.Handler(), get, list)
}
