package rightscale_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// TestSecretsStayOutOfLogsAndErrors runs a whole session with a debug
// logger (token exchange, renewal after a 401, reads, writes, a script
// run, refused calls) and looks for the refresh token and every access
// token that went on the wire in the log and in every error.
func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	srv := newServer(t)
	logger, logs := leakcheck.Logger()
	spy := &leakcheck.Tokens{}
	c, err := rightscale.New(srv.URL, srv.RefreshToken, facade.WithLogger(logger), facade.WithBaseTransport(spy))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var errs leakcheck.Errors
	keep := errs.Keep

	_, err = c.ListInstances(ctx, rightscaletest.DemoCloud, rightscale.ListInstancesOptions{Deployment: "production"})
	keep(err)
	srv.ExpireTokens() // the next call gets a 401 and renews
	task, err := c.RunScriptOnServer(ctx, rightscaletest.DemoScript, "haproxy", rightscale.Inputs{"GREETING": rightscale.Text("hi")})
	if err != nil {
		t.Fatal(err)
	}
	keep(task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond}}))
	failing, err := c.RunScriptOnServer(ctx, rightscaletest.DemoFailingScript, "web", nil)
	keep(err)
	if failing != nil {
		keep(failing.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond}}))
	}
	_, err = c.Deployments.Create(ctx, rightscale.DeploymentCreate{Deployment: rightscale.DeploymentCreateParams{Name: "production"}})
	keep(err)
	_, err = c.Clouds.Show(ctx, "0", rightscale.ShowOptions{})
	keep(err)
	_, err = c.Tags.ByResource(ctx, "/api/servers/1")
	keep(err)
	_, err = c.Session(ctx)
	keep(err)

	// A refused exchange: the wrong refresh token must not show either.
	bad, err := rightscale.New(srv.URL, "wrong-refresh-token-789", facade.WithLogger(logger), facade.WithRetry(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Clouds.List(ctx, rightscale.IndexOptions{})
	keep(err)

	if srv.Exchanges() < 2 {
		t.Fatalf("%d exchanges: the session did not renew its token", srv.Exchanges())
	}
	if n := len(spy.Sent()); n < 2 {
		t.Fatalf("%d access tokens seen on the wire, want the first and the renewed one", n)
	}
	if len(errs) < 4 {
		t.Fatalf("only %d errors collected: %v", len(errs), errs)
	}
	if !strings.Contains(logs.String(), "/api/oauth2") {
		t.Fatal("the debug log does not show the token exchange: is it logging at all?")
	}
	texts := errs.Texts()
	texts["debug log"] = logs.String()
	texts["client"] = fmt.Sprintf("%v %+v %s", c, c, c)
	cfg := rightscale.Config{Endpoint: srv.URL, RefreshToken: srv.RefreshToken}
	texts["config"] = fmt.Sprintf("%v %+v %s %#v", cfg, cfg, cfg, cfg)
	leakcheck.Assert(t, texts, append(spy.Secrets(),
		leakcheck.Secret{Name: "refresh token", Value: srv.RefreshToken},
		leakcheck.Secret{Name: "wrong refresh token", Value: "wrong-refresh-token-789"})...)
}
