package saagie_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
	"github.com/switchboard-go/switchboard/gen/saagieapi"
)

// TestClientContract checks every request the client sends, and every
// answer it gets from the emulator, against specs/saagie/openapi.yaml: the
// login (JSON in, text out, Saagie-Realm), both GraphQL endpoints (JSON
// and multipart) and the artifact download.
func TestClientContract(t *testing.T) {
	srv := saagietest.NewServer(saagietest.WithTimeline(fastTimeline))
	defer srv.Close()
	spec := contract.Load(t, contract.DocJSON(t, saagieapi.GetSpecJSON), srv.URL)
	ctx := context.Background()
	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm,
		facade.WithBaseTransport(spec.RoundTripper(http.DefaultTransport)), facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: "contract"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Technologies.List(ctx); err != nil {
		t.Fatal(err)
	}
	job, err := c.Jobs.Create(ctx, saagie.JobSpec{ProjectID: p.ID, Name: "j", Technology: "python", RuntimeVersion: "3.10",
		File: &saagie.File{Name: "a.py", Content: strings.NewReader("x")}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.Jobs.Get(ctx, job.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if _, err := c.Jobs.DownloadArtifact(ctx, j.CurrentVersion(), &sb); err != nil || sb.String() != "x" {
		t.Fatalf("%q %v", sb.String(), err)
	}
}
