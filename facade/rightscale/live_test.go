//go:build live

package rightscale_test

// The live test reads a real account through the shard and refresh token
// in the environment (or ~/.rightscalerc), the way python-rightscale's
// test-suite does; it only writes when a script and a server are named:
//
//	RIGHTSCALE_API_ENDPOINT=https://us-3.rightscale.com RIGHTSCALE_REFRESH_TOKEN=… \
//	    go test -tags live -run Live -v ./facade/rightscale/
//
// RIGHTSCALE_LIVE_SCRIPT and RIGHTSCALE_LIVE_SERVER (python-rightscale's
// [Testing] safe_script_name and safe_target_server_name) also run that
// harmless script on that server and wait for it.

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
)

func liveClient(t *testing.T) *rightscale.Client {
	t.Helper()
	cfg, err := rightscale.LoadConfig("", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint == "" || cfg.RefreshToken == "" {
		t.Skip("live test: set RIGHTSCALE_API_ENDPOINT and RIGHTSCALE_REFRESH_TOKEN (or ~/.rightscalerc)")
	}
	c, err := rightscale.NewFromConfig(cfg, facade.WithTimeout(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLiveRead(t *testing.T) {
	c := liveClient(t)
	ctx := t.Context()
	if _, err := c.Session(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SessionAccounts(ctx, ""); err != nil {
		t.Fatal(err)
	}
	// Errors are the server's plain text, as *facade.APIError.
	_, err := c.Clouds.Show(ctx, "0", rightscale.ShowOptions{})
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 422 || ae.Message == "" || !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown cloud: %v", err)
	}
	// A filter that matches nothing is an empty list, and a name lookup
	// that finds nothing a *NotFoundError.
	const nowhere = "switchboard live test: no such deployment"
	none, err := c.Deployments.List(ctx, rightscale.IndexOptions{Filters: []rightscale.Filter{rightscale.Eq("name", nowhere)}})
	if err != nil || len(none) != 0 {
		t.Fatalf("no match: %d deployments, %v", len(none), err)
	}
	var nf *rightscale.NotFoundError
	if _, err := c.Deployments.FindHref(ctx, nowhere); !errors.As(err, &nf) {
		t.Fatalf("FindHref of a missing deployment: %v", err)
	}
	deps, err := c.Deployments.List(ctx, rightscale.IndexOptions{View: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) > 0 {
		res, err := c.GetByPath(ctx, "deployments:"+deps[0].Name)
		if err != nil || res.Href != rightscale.Href(deps[0].Links) {
			t.Fatalf("GetByPath(deployments:%s) = %+v, %v", deps[0].Name, res, err)
		}
	}
	if _, err := c.Servers.List(ctx, rightscale.IndexOptions{View: "instance_detail"}); err != nil {
		t.Fatal(err)
	}

	clouds, err := c.Clouds.List(ctx, rightscale.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(clouds) == 0 {
		t.Skip("the account has no cloud: instances not listed")
	}
	name := clouds[0].Name
	href, err := c.Clouds.FindHref(ctx, name)
	if err != nil || href != rightscale.Href(clouds[0].Links) {
		t.Fatalf("FindHref(%q) = %q, %v", name, href, err)
	}
	if _, err := c.ListInstances(ctx, name, rightscale.ListInstancesOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Instances(href).List(ctx, rightscale.IndexOptions{View: "tiny",
		Filters: []rightscale.Filter{rightscale.Ne("state", "terminated")}}); err != nil {
		t.Fatal(err)
	}
}

func TestLiveRunScript(t *testing.T) {
	script, server := os.Getenv("RIGHTSCALE_LIVE_SCRIPT"), os.Getenv("RIGHTSCALE_LIVE_SERVER")
	if script == "" || server == "" {
		t.Skip("set RIGHTSCALE_LIVE_SCRIPT and RIGHTSCALE_LIVE_SERVER to run a harmless script")
	}
	c := liveClient(t)
	task, err := c.RunScriptOnServer(t.Context(), script, server, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(t.Context(), rightscale.TaskWaitOptions{Progress: func(s string) { t.Log(s) }}); err != nil {
		t.Fatal(err)
	}
}
