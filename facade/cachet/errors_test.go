package cachet_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.Components.Get(context.Background(), 42)
	var ae *facade.APIError
	if !errors.As(err, &ae) || !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if ae.Platform != "cachet" || ae.Operation != "GetComponent" || ae.Method != http.MethodGet || ae.StatusCode != 404 ||
		!strings.HasSuffix(ae.URL, "/api/v1/components/42") || ae.Message == "" || ae.Message == "Not Found" {
		t.Errorf("APIError = %+v; want Cachet's detail as Message", ae)
	}
}

func TestUnauthorized(t *testing.T) {
	srv := cachettest.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	// The server looks the object up before it checks the token: delete
	// one that exists to see the 401.
	id := srv.SeedComponents(1)[0]
	for name, token := range map[string]string{"wrong token": "not-the-token", "guest": ""} {
		t.Run(name, func(t *testing.T) {
			c, _ := newContractClient(t, srv, token)
			_, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "x", Status: cachet.ComponentOperational})
			var ae *facade.APIError
			if !errors.Is(err, facade.ErrUnauthorized) || !errors.As(err, &ae) || ae.StatusCode != 401 {
				t.Errorf("Create: %v; want 401", err)
			}
			if err := c.Components.Delete(ctx, id); !errors.Is(err, facade.ErrUnauthorized) {
				t.Errorf("Delete: %v; want 401", err)
			}
			if _, err := c.Subscribers.Count(ctx); !errors.Is(err, facade.ErrUnauthorized) {
				t.Errorf("Subscribers.Count: %v; want 401 (the one GET needing a token)", err)
			}
			// Reads work as a guest: a wrong token is ignored on them.
			if _, err := c.Components.Count(ctx, cachet.ComponentListOptions{}); err != nil {
				t.Errorf("guest read: %v", err)
			}
			if strings.Contains(errString(c.Subscribers.Count(ctx)), "not-the-token") {
				t.Error("the token leaks into the error")
			}
		})
	}
}

func errString(_ int, err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The spec documents the 401 "always authenticate" gives the public
// reads, so this runs through the contract check like the rest.
func TestAlwaysAuthenticate(t *testing.T) {
	srv := cachettest.NewServer(cachettest.WithAlwaysAuthenticate())
	t.Cleanup(srv.Close)
	guest, _ := newContractClient(t, srv, "")
	ctx := context.Background()
	// An id that exists: an unknown one is a 404 before the token check.
	id := srv.SeedComponents(1)[0]
	if err := guest.Ping(ctx); err != nil {
		t.Errorf("Ping needs no token even then: %v", err)
	}
	for name, read := range map[string]func() error{
		"Components.Count": func() error { _, err := guest.Components.Count(ctx, cachet.ComponentListOptions{}); return err },
		"Components.Get":   func() error { _, err := guest.Components.Get(ctx, id); return err },
		"Incidents.Count":  func() error { _, err := guest.Incidents.Count(ctx, cachet.IncidentListOptions{}); return err },
		"Metrics.Count":    func() error { _, err := guest.Metrics.Count(ctx); return err },
		"Schedules.Count":  func() error { _, err := guest.Schedules.Count(ctx); return err },
	} {
		var ae *facade.APIError
		if err := read(); !errors.Is(err, facade.ErrUnauthorized) || !errors.As(err, &ae) || ae.StatusCode != 401 {
			t.Errorf("guest %s with always-authenticate: %v; want a 401 APIError", name, err)
		}
	}
	if _, err := guest.Status(ctx); err != nil {
		t.Errorf("Status needs no token even then: %v", err)
	}
	user, _ := newContractClient(t, srv, srv.Token)
	if _, err := user.Components.Count(ctx, cachet.ComponentListOptions{}); err != nil {
		t.Errorf("read with a token: %v", err)
	}
}

func TestValidationMessage(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.Components.Create(context.Background(), cachet.ComponentCreate{Status: cachet.ComponentOperational})
	var ae *facade.APIError
	if !errors.As(err, &ae) || !errors.Is(err, facade.ErrValidation) || ae.StatusCode != 400 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(ae.Message, "name") {
		t.Errorf("Message %q does not list the failed rule", ae.Message)
	}
}

// acceptOverride replaces the Accept header, to see the server's 406.
type acceptOverride struct{ next http.RoundTripper }

func (a acceptOverride) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Accept", "text/html")
	return a.next.RoundTrip(r)
}

func TestNotAcceptable(t *testing.T) {
	srv := cachettest.NewServer()
	t.Cleanup(srv.Close)
	c, err := cachet.New(srv.URL, srv.Token, facade.WithBaseTransport(acceptOverride{srv.Client().Transport}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Ping(context.Background())
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusNotAcceptable {
		t.Errorf("Ping with Accept: text/html = %v; want a 406 APIError", err)
	}
}

func TestServerError(t *testing.T) {
	e := newEnv(t)
	e.srv.FailNext(1, http.StatusInternalServerError, "GET /api/v1/components")
	_, err := e.c.Components.Count(context.Background(), cachet.ComponentListOptions{})
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Message == "" {
		t.Errorf("err = %v; want a 500 APIError", err)
	}
	// A list yields the error once and stops.
	e.srv.FailNext(1, http.StatusInternalServerError, "GET /api/v1/components")
	n := 0
	for _, err := range e.c.Components.List(context.Background(), cachet.ComponentListOptions{}) {
		n++
		if !errors.As(err, &ae) || ae.StatusCode != 500 {
			t.Errorf("List error = %v", err)
		}
	}
	if n != 1 {
		t.Errorf("List yielded %d times, want the error once", n)
	}
}

func TestVersionOffline(t *testing.T) {
	e := newEnv(t, cachettest.WithReleaseCheckFailure())
	if _, err := e.c.Version(context.Background()); !errors.As(err, new(*facade.APIError)) {
		t.Errorf("Version without GitHub = %v; want an APIError", err)
	}
	if err := e.c.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestTransportError(t *testing.T) {
	srv := cachettest.NewServer()
	c, _ := newContractClient(t, srv, srv.Token)
	srv.Close()
	err := c.Ping(context.Background())
	var te *facade.TransportError
	if !errors.As(err, &te) || te.Operation != "Ping" {
		t.Errorf("err = %v; want a TransportError", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, ep := range []string{"https://status.example.com/api/v1/", "https://status.example.com"} {
		_, err := cachet.New(ep, "t")
		var ce *facade.ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, cachet.ErrInvalidEndpoint) || ce.Setting != "endpoint" {
			t.Errorf("New(%q) = %v", ep, err)
		}
	}
	t.Setenv(cachet.EnvEndpoint, "")
	t.Setenv(cachet.EnvToken, "")
	_, err := cachet.NewFromEnv()
	var ce *facade.ConfigError
	if !errors.Is(err, cachet.ErrNoEndpoint) || !errors.As(err, &ce) || ce.Setting != cachet.EnvEndpoint {
		t.Errorf("NewFromEnv without CACHET_ENDPOINT = %v", err)
	}
}

func TestNewFromEnv(t *testing.T) {
	srv := cachettest.NewServer()
	t.Cleanup(srv.Close)
	t.Setenv(cachet.EnvEndpoint, srv.URL)
	t.Setenv(cachet.EnvToken, srv.Token)
	c, err := cachet.NewFromEnv(facade.WithBaseTransport(srv.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribers.Count(context.Background()); err != nil {
		t.Errorf("the token from CACHET_API_TOKEN was not used: %v", err)
	}
}

func TestTLS(t *testing.T) {
	srv := cachettest.NewServer(cachettest.WithTLS())
	t.Cleanup(srv.Close)
	ctx := context.Background()
	strict, err := cachet.New(srv.URL, srv.Token, facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := strict.Ping(ctx); !errors.As(err, new(*facade.TransportError)) {
		t.Errorf("self-signed certificate accepted: %v", err)
	}
	insecure, err := cachet.New(srv.URL, srv.Token, facade.WithInsecureSkipVerify())
	if err != nil {
		t.Fatal(err)
	}
	if err := insecure.Ping(ctx); err != nil {
		t.Errorf("WithInsecureSkipVerify: %v", err)
	}
}

// A 429 (from a proxy in front of Cachet) is retried on idempotent calls,
// after the Retry-After the answer asks for, and never on a POST. The spec
// documents no 429, so this client does not validate the contract; it
// only records what it sends.
func TestRateLimited(t *testing.T) {
	srv := cachettest.NewServer()
	t.Cleanup(srv.Close)
	rec := &recorder{next: srv.Client().Transport}
	// The retry layer waits for a Retry-After of at most 6 times the
	// maximum delay: 200ms lets it honour "1" (a second), while the
	// backoff without one stays at 10-200ms.
	c, err := cachet.New(srv.URL, srv.Token, facade.WithBaseTransport(rec), facade.WithRetry(2, 10*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const gets, posts = "GET /api/v1/components", "POST /api/v1/components"

	// A GET is retried once the Retry-After has passed, and succeeds.
	srv.FailNextWith(1, cachettest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Pattern: gets})
	start := time.Now()
	if _, err := c.Components.Count(ctx, cachet.ComponentListOptions{}); err != nil {
		t.Errorf("GET after a 429 with Retry-After: %v", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, before the Retry-After of 1s", d)
	}
	if n := len(rec.requests("GET", "/components")); n != 2 {
		t.Errorf("%d GETs sent, want 2 (the 429, then the retry)", n)
	}

	// A POST is not retried: the 429 is the answer.
	rec.reset()
	srv.FailNextWith(1, cachettest.Fault{Status: http.StatusTooManyRequests, Pattern: posts})
	_, err = c.Components.Create(ctx, cachet.ComponentCreate{Name: "x", Status: cachet.ComponentOperational})
	var ae *facade.APIError
	if !errors.Is(err, facade.ErrRateLimited) || !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests || ae.Operation != "CreateComponent" {
		t.Errorf("POST answered 429: %v; want an APIError matching ErrRateLimited", err)
	}
	if n := len(rec.requests("POST", "/components")); n != 1 {
		t.Errorf("%d POSTs sent, want 1: a POST is never retried", n)
	}
	if n, err := c.Components.Count(ctx, cachet.ComponentListOptions{}); err != nil || n != 0 {
		t.Errorf("Count after the refused POST = %d, %v; want 0", n, err)
	}

	// Retries exhausted: the last 429 comes back.
	rec.reset()
	srv.FailNextWith(3, cachettest.Fault{Status: http.StatusTooManyRequests, Pattern: gets})
	if _, err := c.Components.Count(ctx, cachet.ComponentListOptions{}); !errors.Is(err, facade.ErrRateLimited) || !errors.As(err, &ae) {
		t.Errorf("GET after its retries: %v; want an APIError matching ErrRateLimited", err)
	}
	if n := len(rec.requests("GET", "/components")); n != 3 {
		t.Errorf("%d GETs sent, want 3 (1 + 2 retries)", n)
	}
}

// Options the transport cannot use are configuration errors, like a bad
// endpoint: the CLI shows them as usage errors (exit 2).
func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const ep = "https://status.example.com/api/v1"
	for _, tc := range []struct {
		name    string
		opts    []facade.Option
		setting string
		value   string
		cause   error // matched with errors.Is; nil: not checked
	}{
		{"missing CA file", []facade.Option{facade.WithCACertFile(missing)}, "CA certificate file", missing, fs.ErrNotExist},
		{"CA file without PEM", []facade.Option{facade.WithCACertFile(notPEM)}, "CA certificate file", notPEM, nil},
		{"TLS options on a custom transport", []facade.Option{facade.WithBaseTransport(&recorder{}), facade.WithInsecureSkipVerify()}, "TLS options", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cachet.New(ep, "tok", tc.opts...)
			var ce *facade.ConfigError
			if c != nil || !errors.As(err, &ce) {
				t.Fatalf("New = %v, %v; want a *facade.ConfigError", c, err)
			}
			if ce.Platform != "cachet" || ce.Setting != tc.setting || ce.Value != tc.value || ce.Err == nil || ce.Reason == "" {
				t.Errorf("ConfigError = %+v; want Setting %q, Value %q, a reason and the cause", ce, tc.setting, tc.value)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("err = %v; want it to wrap %v", err, tc.cause)
			}
			if !strings.HasPrefix(err.Error(), "cachet: "+tc.setting) {
				t.Errorf("message %q", err)
			}
		})
	}
}
