package facade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestAPIErrorIs(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict, ErrValidation, ErrRateLimited}
	cases := map[int]error{
		400: ErrValidation, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound,
		409: ErrConflict, 422: ErrValidation, 429: ErrRateLimited,
		302: nil, 405: nil, 500: nil, 503: nil,
	}
	for status, want := range cases {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status})
		for _, s := range sentinels {
			if got := errors.Is(err, s); got != (s == want) {
				t.Errorf("%d: errors.Is(%v) = %v", status, s, got)
			}
		}
	}
	if errors.Is(&APIError{StatusCode: 404}, errors.New("not found")) {
		t.Error("matched a different error with the same text")
	}
}

func TestErrorStrings(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&APIError{Platform: "cachet", Operation: "GetComponent", Method: "GET", URL: "https://h/api/v1/components/9", StatusCode: 404, Message: "Component not found", Body: `{"secret body":1}`},
			"cachet: GetComponent: GET https://h/api/v1/components/9: 404 Not Found: Component not found"},
		{&APIError{Platform: "cachet", Operation: "GetComponent", Method: "GET", URL: "https://h/x", StatusCode: 404, Message: "Not Found"},
			"cachet: GetComponent: GET https://h/x: 404 Not Found"},
		{&APIError{StatusCode: 599}, "599"},
		{&APIError{Operation: "Op", StatusCode: 500, Message: "boom"}, "Op: 500 Internal Server Error: boom"},
		{&DecodeError{Platform: "st2", Operation: "ListActions", Method: "GET", URL: "https://h/a", StatusCode: 200, ContentType: "text/html", Err: errors.New("invalid character '<'")},
			"st2: ListActions: GET https://h/a: 200 OK: cannot decode response of type text/html: invalid character '<'"},
		{&DecodeError{StatusCode: 204, Err: errors.New("empty body")}, "204 No Content: cannot decode response: empty body"},
		{&TransportError{Platform: "rs", Operation: "Login", Method: "POST", URL: "https://h/login", Err: &url.Error{Op: "Post", URL: "https://h/login", Err: errors.New("connection refused")}},
			"rs: Login: POST https://h/login: connection refused"},
		{&TransportError{Platform: "rs", Operation: "Login", Err: errors.New("bad request")}, "rs: Login: bad request"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

func TestUnwrap(t *testing.T) {
	te := &TransportError{Err: &url.Error{Op: "Get", URL: "u", Err: context.Canceled}}
	if !errors.Is(te, context.Canceled) {
		t.Error("TransportError hides context.Canceled")
	}
	cause := errors.New("eof")
	if !errors.Is(&DecodeError{Err: cause}, cause) {
		t.Error("DecodeError hides its cause")
	}
}

func TestNewOptionsDefaults(t *testing.T) {
	o := NewOptions()
	if o.Timeout != 30*time.Second || o.MaxRetries != 4 || o.RetryBaseDelay != 200*time.Millisecond ||
		o.RetryMaxDelay != 10*time.Second || o.Logger == nil || o.InsecureSkipVerify || o.UserAgent != "" {
		t.Errorf("defaults: %+v", o)
	}
	if o.Logger.Enabled(context.Background(), slog.LevelError) {
		t.Error("default logger is not a discarding one")
	}
}

func TestOptions(t *testing.T) {
	l := slog.New(slog.DiscardHandler)
	rt := http.DefaultTransport
	o := NewOptions(
		WithBaseTransport(rt),
		WithLogger(l),
		WithTimeout(0),
		WithInsecureSkipVerify(),
		WithCACertFile("/etc/ca.pem"),
		WithRetry(0, time.Second, time.Millisecond),
		WithUserAgent(" cli/1 "),
		WithUserAgent(""),
		WithUserAgent("bot/2"),
		nil,
	)
	if o.BaseTransport != rt || o.Logger != l || o.Timeout != 0 || !o.InsecureSkipVerify || o.CACertFile != "/etc/ca.pem" {
		t.Errorf("options: %+v", o)
	}
	if o.MaxRetries != 0 || o.RetryBaseDelay != time.Second || o.RetryMaxDelay != time.Second {
		t.Errorf("retry: %d %v %v (the cap must not be below the base)", o.MaxRetries, o.RetryBaseDelay, o.RetryMaxDelay)
	}
	if o.UserAgent != "cli/1 bot/2" {
		t.Errorf("UserAgent = %q", o.UserAgent)
	}
	if o := NewOptions(WithRetry(-3, -1, -1), WithTimeout(-time.Second)); o.MaxRetries != 0 || o.RetryBaseDelay != DefaultRetryBaseDelay || o.Timeout != 0 {
		t.Errorf("negative values: %+v", o)
	}
}
