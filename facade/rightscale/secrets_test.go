package rightscale_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// syncBuffer is a log sink shared by concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tokenSpy records the bearer tokens that actually went on the wire.
type tokenSpy struct {
	mu     sync.Mutex
	tokens map[string]bool
	next   http.RoundTripper
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		s.mu.Lock()
		s.tokens[tok] = true
		s.mu.Unlock()
	}
	return s.next.RoundTrip(r)
}

// TestSecretsStayOutOfLogsAndErrors runs a whole session with a debug
// logger (token exchange, renewal after a 401, reads, writes, a script
// run, refused calls) and looks for the refresh token and every access
// token that went on the wire in the log and in every error.
func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	srv := newServer(t)
	var logs syncBuffer
	spy := &tokenSpy{tokens: map[string]bool{}, next: http.DefaultTransport}
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := rightscale.New(srv.URL, srv.RefreshToken, facade.WithLogger(logger), facade.WithBaseTransport(spy))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

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
	if len(spy.tokens) < 2 {
		t.Fatalf("%d access tokens seen on the wire, want the first and the renewed one", len(spy.tokens))
	}
	if len(errs) < 4 {
		t.Fatalf("only %d errors collected: %v", len(errs), errs)
	}
	if !strings.Contains(logs.String(), "/api/oauth2") {
		t.Fatal("the debug log does not show the token exchange: is it logging at all?")
	}
	secrets := map[string]string{"refresh token": srv.RefreshToken, "wrong refresh token": "wrong-refresh-token-789"}
	for tok := range spy.tokens {
		secrets["access token "+tok[:4]+"…"] = tok
	}
	texts := map[string]string{"debug log": logs.String(), "client": fmt.Sprintf("%v %+v %s", c, c, c)}
	for i, err := range errs {
		texts[fmt.Sprintf("error %d", i)] = fmt.Sprintf("%v | %+v", err, err)
		var ae *facade.APIError
		if errors.As(err, &ae) {
			texts[fmt.Sprintf("error %d body", i)] = ae.Body + ae.URL
		}
	}
	cfg := rightscale.Config{Endpoint: srv.URL, RefreshToken: srv.RefreshToken}
	texts["config"] = fmt.Sprintf("%v %+v %s %#v", cfg, cfg, cfg, cfg)
	for where, text := range texts {
		for what, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("the %s shows up in the %s", what, where)
			}
		}
	}
}
