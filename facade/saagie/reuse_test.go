package saagie_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// reuseSteps are the calls whose connections must all be reused: a
// success, a 400, a 500 that reaches the caller, and a list of instances
// abandoned after its first item.
func reuseSteps(tb testing.TB) []benchraw.Step {
	srv := saagietest.NewServer()
	tb.Cleanup(srv.Close)
	var pid, jid string
	srv.Seed(func(sd *saagietest.Seeder) {
		pid = sd.Project("reuse", "")
		jid = sd.Job(pid, saagietest.JobSpec{Name: "job", CommandLine: "python {file}",
			Artifact: &saagietest.Upload{Filename: "main.py", Data: []byte("print(1)\n")}})
		for range 3 {
			sd.RunJob(jid)
		}
	})
	ctx := context.Background()
	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm, facade.WithRetry(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	get := func(ctx context.Context) error { _, err := c.Projects.Get(ctx, pid); return err }
	return []benchraw.Step{
		{Name: "get", Call: get},
		{Name: "400", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusBadRequest, "")
			return get(ctx)
		}, WantErr: true},
		{Name: "500", Call: func(ctx context.Context) error {
			srv.FailNext(1, http.StatusInternalServerError, "")
			return get(ctx)
		}, WantErr: true},
		{Name: "instances, early break", Call: func(ctx context.Context) error {
			for _, err := range c.Jobs.Instances(ctx, jid) {
				return err
			}
			return nil
		}},
	}
}

// TestConnectionReuse proves every kind of answer leaves its keep-alive
// connection reusable: no call after the first dials again.
func TestConnectionReuse(t *testing.T) {
	benchraw.CheckReuse(t, 20, reuseSteps(t)...)
}
