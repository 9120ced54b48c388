package rightscale_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
)

// fakeShard answers the token exchange like a shard and hands every other
// request to answer, so tests can make the server misbehave in ways the
// emulator never does.
func fakeShard(t *testing.T, answer http.HandlerFunc) (*rightscale.Client, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/oauth2" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write([]byte(`{"access_token":"fake-access-token-123","expires_in":7200,"token_type":"bearer"}`))
			return
		}
		calls.Add(1)
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := rightscale.New(srv.URL, "fake-refresh-token-456", facade.WithRetry(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

func reply(status int, contentType, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

const cloudsType = "application/vnd.rightscale.cloud+json;type=collection;charset=utf-8"

// TestBadAnswersAreTypedErrors feeds the client what broken servers and
// proxies send: each must come back as the documented error type, and
// nothing may panic.
func TestBadAnswersAreTypedErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer http.HandlerFunc
		check  func(t *testing.T, err error)
	}{
		{"malformed JSON", reply(200, cloudsType, `[{"name":"EC2`), isDecode(nil)},
		{"JSON null", reply(200, cloudsType, `null`), isDecode(nil)},
		{"empty 200", reply(200, cloudsType, ``), isDecode(nil)},
		{"wrong shape", reply(200, cloudsType, `{"name":"not a list"}`), isDecode(nil)},
		{"HTML login page with 200", reply(200, "text/html; charset=utf-8", `<html><body>Please log in</body></html>`),
			isDecode(rightscale.ErrUnexpectedContentType)},
		{"plain text with 200", reply(200, "text/plain", `[]`), isDecode(rightscale.ErrUnexpectedContentType)},
		{"wrong field type", reply(200, cloudsType, `[{"name":5,"links":[]}]`), isDecode(nil)},
		{"not objects", reply(200, cloudsType, `["a","b"]`), isDecode(nil)},
		{"proxy HTML 502", reply(502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"),
			func(t *testing.T, err error) {
				var ae *facade.APIError
				if !errors.As(err, &ae) || ae.StatusCode != 502 || ae.Message != "502 Bad Gateway Bad Gateway" {
					t.Fatalf("err = %#v", err)
				}
			}},
		{"422 plain text", reply(422, "text/html", "ResourceNotFound: Couldn't find Cloud with ID=9 "),
			func(t *testing.T, err error) {
				var ae *facade.APIError
				if !errors.As(err, &ae) || ae.Message != "ResourceNotFound: Couldn't find Cloud with ID=9" || !errors.Is(err, facade.ErrNotFound) {
					t.Fatalf("err = %v", err)
				}
			}},
		{"422 pairs", reply(422, "text/html", `[["name","has already been taken"],["description"]]`),
			func(t *testing.T, err error) {
				var ae *facade.APIError
				if !errors.As(err, &ae) || ae.Message != "name: has already been taken; description" || !errors.Is(err, facade.ErrValidation) {
					t.Fatalf("err = %v", err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := fakeShard(t, tc.answer)
			_, err := c.Clouds.List(t.Context(), rightscale.IndexOptions{})
			tc.check(t, err)
			// The iterator and name lookups go through the same checks.
			for _, err := range c.Clouds.Index(t.Context(), rightscale.IndexOptions{}) {
				tc.check(t, err)
			}
			_, err = c.Clouds.FindHref(t.Context(), "EC2")
			tc.check(t, err)
		})
	}
}

func TestBadTimestampIsADecodeError(t *testing.T) {
	c, _ := fakeShard(t, reply(200, "application/vnd.rightscale.server+json;type=collection",
		`[{"name":"web","created_at":"2015-04-08T18:46:02Z","links":[{"rel":"self","href":"/api/servers/1"}]}]`))
	_, err := c.Servers.List(t.Context(), rightscale.IndexOptions{})
	isDecode(nil)(t, err)
	// The untyped lookups do not read timestamps and still work.
	if href, err := c.Servers.FindHref(t.Context(), "web"); err != nil || href != "/api/servers/1" {
		t.Fatalf("FindHref = %q, %v", href, err)
	}
}

func isDecode(want error) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var de *facade.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("err = %v (%T), want *facade.DecodeError", err, err)
		}
		if want != nil && !errors.Is(err, want) {
			t.Fatalf("err = %v, want %v", err, want)
		}
	}
}

func TestHugeAnswerIsRefused(t *testing.T) {
	defer rightscale.SetMaxResponseBody(1 << 10)()
	big := "[" + strings.Repeat(`{"name":"x","links":[]},`, 200) + `{"name":"x","links":[]}]`
	c, _ := fakeShard(t, reply(200, cloudsType, big))
	_, err := c.Clouds.List(t.Context(), rightscale.IndexOptions{})
	isDecode(rightscale.ErrResponseTooLarge)(t, err)

	// Exactly at the bound is fine.
	defer rightscale.SetMaxResponseBody(int64(len(big)))()
	got, err := c.Clouds.List(t.Context(), rightscale.IndexOptions{})
	if err != nil || len(got) != 201 {
		t.Fatalf("at the bound: %d, %v", len(got), err)
	}
}

func TestMissingOrForeignLocation(t *testing.T) {
	for name, answer := range map[string]http.HandlerFunc{
		"none":    reply(201, "text/html", " "),
		"foreign": reply(201, "text/html", " ", "Location", "https://evil.example.com/elsewhere"),
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := fakeShard(t, answer)
			href, err := c.Deployments.Create(t.Context(), rightscale.DeploymentCreate{Deployment: rightscale.DeploymentCreateParams{Name: "x"}})
			if href != "" {
				t.Fatalf("href = %q", href)
			}
			isDecode(rightscale.ErrNoLocation)(t, err)
			// The server answered 2xx to the POST: the deployment may
			// exist, so the caller must not simply create it again.
			if !errors.Is(err, facade.ErrOutcomeUnknown) {
				t.Errorf("create answered 2xx without a usable Location: %v, want facade.ErrOutcomeUnknown", err)
			}
		})
	}
	// A 202 whose Location is not a task cannot be waited on.
	c, _ := fakeShard(t, reply(202, "text/html", " ", "Location", "/api/clouds/1/instances/ABC"))
	_, err := c.RunExecutable(t.Context(), "/api/clouds/1/instances/ABC", rightscale.RunExecutable{RightScriptHref: "/api/right_scripts/1"})
	isDecode(rightscale.ErrNoLocation)(t, err)
	c, _ = fakeShard(t, reply(202, "text/html", " "))
	_, err = c.RunExecutable(t.Context(), "/api/clouds/1/instances/ABC", rightscale.RunExecutable{RightScriptHref: "/api/right_scripts/1"})
	isDecode(rightscale.ErrNoLocation)(t, err)
	if !errors.Is(err, facade.ErrOutcomeUnknown) {
		t.Errorf("run_executable answered 202 without a Location: %v, want facade.ErrOutcomeUnknown (a task may have started)", err)
	}
}

// TestTaskWaitErrors: a task poll answered with something that is not a
// task, or refused, ends the wait with that error; a cancelled context
// ends it too.
func TestTaskWaitErrors(t *testing.T) {
	fast := rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond, Timeout: 5 * time.Second}}
	c, calls := fakeShard(t, reply(200, "text/html", "<html>maintenance</html>"))
	task, err := c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-1")
	if err != nil {
		t.Fatal(err)
	}
	// A garbled answer may be a passing proxy hiccup: the wait rides out a
	// few, then gives up with it rather than spinning until the timeout.
	err = task.Wait(t.Context(), fast)
	var wt *facade.WaitTimeoutError
	if !errors.As(err, &wt) {
		t.Fatalf("maintenance page: %v", err)
	}
	isDecode(rightscale.ErrUnexpectedContentType)(t, err)
	if n := calls.Load(); n < 2 || n > 10 {
		t.Fatalf("%d polls of a maintenance page", n)
	}

	c, _ = fakeShard(t, reply(422, "text/html", "ResourceNotFound: Couldn't find Task with ID=ae-1 "))
	task, _ = c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-1")
	if err := task.Wait(t.Context(), fast); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown task: %v", err)
	}

	running := `{"summary":"RightScript: 'x'","links":[{"rel":"self","href":"/api/clouds/1/instances/ABC/live/tasks/ae-1"}]}`
	c, _ = fakeShard(t, reply(200, "application/vnd.rightscale.task+json", running))
	task, _ = c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-1")
	ctx, cancel := context.WithCancel(t.Context())
	seen := 0
	err = task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: fast.WaitOptions, Progress: func(string) { seen++; cancel() }})
	if !errors.As(err, &wt) || !errors.Is(err, context.Canceled) || seen != 1 || wt.LastState != "RightScript: 'x'" {
		t.Fatalf("cancelled wait: %v (progress %d)", err, seen)
	}

	// "aborted" is treated as a failure, to be safe.
	c, _ = fakeShard(t, reply(200, "application/vnd.rightscale.task+json", `{"summary":"aborted: by user","links":[]}`))
	task, _ = c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-1")
	var tf *rightscale.TaskFailedError
	if err := task.Wait(t.Context(), fast); !errors.As(err, &tf) || tf.State != rightscale.TaskAborted {
		t.Fatalf("aborted: %v", err)
	}
	if _, err := c.Task("/api/clouds/1/instances/ABC"); !errors.Is(err, rightscale.ErrInvalidHref) {
		t.Fatalf("not a task href: %v", err)
	}
}

// TestTransientErrorsDuringWaitAreRiddenOut: 503s and resets while a task
// is polled (with the transport's own retries off) do not end the wait.
func TestTransientErrorsDuringWaitAreRiddenOut(t *testing.T) {
	var polls atomic.Int64
	c, _ := fakeShard(t, func(w http.ResponseWriter, r *http.Request) {
		switch polls.Add(1) {
		case 1:
			reply(200, "application/vnd.rightscale.task+json", `{"summary":"Querying tags","links":[]}`)(w, r)
		case 2, 3:
			reply(503, "text/html", "Service Unavailable")(w, r)
		case 4:
			panic(http.ErrAbortHandler) // the connection is cut
		default:
			reply(200, "application/vnd.rightscale.task+json", `{"summary":"completed: x","links":[]}`)(w, r)
		}
	})
	task, _ := c.Task("/api/clouds/1/instances/ABC/live/tasks/ae-1")
	var seen []string
	err := task.Wait(t.Context(), rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond},
		Progress: func(s string) { seen = append(seen, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if n := polls.Load(); n != 5 || strings.Join(seen, "|") != "Querying tags|completed: x" {
		t.Fatalf("%d polls, progress %q", n, seen)
	}
}

func TestExchangeRedirectNamesTheShard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://us-4.rightscale.com/api/oauth2", http.StatusMovedPermanently)
	}))
	t.Cleanup(srv.Close)
	c, err := rightscale.New(srv.URL, "fake-refresh-token-456", facade.WithRetry(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Session(t.Context())
	var ex *rightscale.ExchangeError
	var ae *facade.APIError
	if !errors.As(err, &ex) || !errors.As(err, &ae) || ae.StatusCode != 301 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "use https://us-4.rightscale.com as the endpoint") {
		t.Fatalf("the message does not name the shard: %v", err)
	}

	// A shard that cannot be reached at all is a transport error, still
	// explained with the shard rule.
	srv.Close()
	_, err = c.Session(t.Context())
	var te *facade.TransportError
	if !errors.As(err, &ex) || !errors.As(err, &te) || !strings.Contains(err.Error(), "account's own shard") {
		t.Fatalf("unreachable shard: %v", err)
	}
}

// TestRefusedExchangeIsNotRepeated: the shared transport retries a request
// whose credentials failed; the refused refresh token must still reach the
// token endpoint once, not once per attempt.
func TestRefusedExchangeIsNotRepeated(t *testing.T) {
	var exchanges, calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/oauth2" {
			exchanges.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		calls.Add(1)
	}))
	t.Cleanup(srv.Close)
	c, err := rightscale.New(srv.URL, "revoked-token", facade.WithRetry(3, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Clouds.List(t.Context(), rightscale.IndexOptions{})
	var ex *rightscale.ExchangeError
	if !errors.As(err, &ex) {
		t.Fatalf("err = %v", err)
	}
	if n := exchanges.Load(); n != 1 {
		t.Fatalf("%d exchanges for one call, want 1", n)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d API calls without a token", n)
	}
}

// TestBadArgumentsAreRefusedBeforeSending: user mistakes are typed
// errors (errors.Is facade.ErrValidation or ErrInvalidHref) and reach no
// server.
func TestBadArgumentsAreRefusedBeforeSending(t *testing.T) {
	c, calls := fakeShard(t, reply(500, "text/html", "should not be called"))
	ctx := t.Context()
	for name, err := range map[string]error{
		"script and recipe": func() error {
			_, err := c.RunExecutable(ctx, "/api/clouds/1/instances/A", rightscale.RunExecutable{RightScriptHref: "/api/right_scripts/1", RecipeName: "a::b"})
			return err
		}(),
		"neither": func() error {
			_, err := c.RunExecutable(ctx, "/api/clouds/1/instances/A", rightscale.RunExecutable{})
			return err
		}(),
		"untyped input": func() error {
			_, err := c.RunScriptOnServer(ctx, "s", "srv", rightscale.Inputs{"A": "plain"})
			return err
		}(),
		"bad array input": func() error {
			_, err := c.RunScriptOnServerArray(ctx, "s", "arr", rightscale.Inputs{"A": "array:[1]"})
			return err
		}(),
		"no inputs to update": c.UpdateInputs(ctx, "/api/deployments/1", nil),
		"empty path":          func() error { _, err := c.GetByPath(ctx, ""); return err }(),
		"empty name in path":  func() error { _, err := c.GetByPath(ctx, "deployments::servers"); return err }(),
		"bad collection":      func() error { _, err := c.GetByPath(ctx, "../x"); return err }(),
	} {
		if !errors.Is(err, facade.ErrValidation) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
		var ae *facade.ArgumentError
		if !errors.As(err, &ae) || ae.Operation == "" {
			t.Errorf("%s: %#v, want a *facade.ArgumentError naming the call", name, err)
		}
	}
	for name, err := range map[string]error{
		"foreign href": func() error {
			_, err := c.Servers.Show(ctx, "https://evil.example.com/api/servers/1", rightscale.ShowOptions{})
			return err
		}(),
		"dot dot": func() error {
			_, err := c.Servers.Show(ctx, "/api/servers/../../x", rightscale.ShowOptions{})
			return err
		}(),
		"empty id":   c.Servers.Destroy(ctx, ""),
		"bad action": func() error { _, err := c.Servers.Action(ctx, "1", "../launch", nil); return err }(),
		"foreign script": func() error {
			_, err := c.RunExecutable(ctx, "/api/clouds/1/instances/A", rightscale.RunExecutable{RightScriptHref: "//evil/x"})
			return err
		}(),
	} {
		if !errors.Is(err, rightscale.ErrInvalidHref) {
			t.Errorf("%s: %v, want ErrInvalidHref", name, err)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
