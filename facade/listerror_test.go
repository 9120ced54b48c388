package facade_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

type stringer string

func (s stringer) String() string { return string(s) }

func TestListError(t *testing.T) {
	cause := &facade.APIError{Platform: "st2", Method: "GET", URL: "https://st2/api/v1/executions", StatusCode: 502}
	for _, tc := range []struct {
		err  *facade.ListError
		want string
	}{
		{&facade.ListError{Page: 1, Cursor: 0, Attempts: 1, Err: cause}, cause.Error()},
		{&facade.ListError{Page: 3, Cursor: 200, Items: 200, Attempts: 1, Err: cause}, "listing stopped at page 3 (cursor 200) after 200 items, 1 attempts: " + cause.Error()},
		{&facade.ListError{Page: 2, Cursor: int64(7), Items: 5, Attempts: 3, Err: cause}, "listing stopped at page 2 (cursor 7) after 5 items, 3 attempts: " + cause.Error()},
		{&facade.ListError{Page: 2, Cursor: "tok", Items: 5, Attempts: 1, Err: cause}, "listing stopped at page 2 (cursor tok) after 5 items, 1 attempts: " + cause.Error()},
		{&facade.ListError{Page: 2, Cursor: "", Items: 5, Attempts: 1, Err: cause}, "listing stopped at page 2 after 5 items, 1 attempts: " + cause.Error()},
		{&facade.ListError{Page: 2, Cursor: stringer("p2"), Items: 5, Attempts: 1, Err: cause}, "listing stopped at page 2 (cursor p2) after 5 items, 1 attempts: " + cause.Error()},
		{&facade.ListError{Page: 2, Cursor: struct{}{}, Items: 5, Attempts: 1, Err: cause}, "listing stopped at page 2 after 5 items, 1 attempts: " + cause.Error()},
		{&facade.ListError{Page: 4}, "listing stopped at page 4 after 0 items, 0 attempts"},
		{&facade.ListError{}, "listing failed"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.err, got, tc.want)
		}
	}
	wrapped := fmt.Errorf("sync: %w", &facade.ListError{Page: 2, Err: fmt.Errorf("x: %w", cause)})
	var le *facade.ListError
	var apiErr *facade.APIError
	if !errors.As(wrapped, &le) || !errors.As(wrapped, &apiErr) || apiErr != cause || le.Page != 2 {
		t.Errorf("errors.As does not see through: %v", wrapped)
	}
	notFound := &facade.ListError{Page: 1, Err: &facade.APIError{StatusCode: 404}}
	if !errors.Is(notFound, facade.ErrNotFound) || errors.Is(notFound, facade.ErrConflict) {
		t.Error("errors.Is does not reach the cause's sentinels")
	}
	if (&facade.ListError{}).Unwrap() != nil {
		t.Error("Unwrap of no cause")
	}
}

func TestWithPrefetch(t *testing.T) {
	if o := facade.NewOptions(); o.Prefetch != facade.DefaultPrefetch {
		t.Errorf("default prefetch %d", o.Prefetch)
	}
	for in, want := range map[int]int{-3: 0, 0: 0, 2: 2, 1000: facade.MaxPrefetch} {
		if o := facade.NewOptions(facade.WithPrefetch(in)); o.Prefetch != want {
			t.Errorf("WithPrefetch(%d) = %d, want %d", in, o.Prefetch, want)
		}
	}
}

// badGateway answers 502 for the requests ask matches, as a flaky proxy
// in front of the server would.
func badGateway(ask func(*http.Request) bool) facade.Option {
	return facade.WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return roundTrip(func(req *http.Request) (*http.Response, error) {
			if !ask(req) {
				return next.RoundTrip(req)
			}
			return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("Bad Gateway")), Request: req}, nil
		})
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// A list that fails part way ends with a *facade.ListError after every
// item before the failed page: it says where the listing stopped and
// unwraps to the cause. Pages are fetched one ahead of the loop by
// default (facade.WithPrefetch); that changes neither the order nor
// where the error comes.
func ExampleListError() {
	srv := cachettest.NewServer(cachettest.WithSeed(func(sd *cachettest.Seeder) { sd.Components(5) }))
	defer srv.Close()
	thirdPage := badGateway(func(r *http.Request) bool { return r.URL.Query().Get("page") == "3" })
	c, err := cachet.New(srv.URL, srv.Token, facade.WithRetry(0, 0, 0), thirdPage)
	if err != nil {
		fmt.Println(err)
		return
	}
	for comp, err := range c.Components.List(context.Background(), cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 2}}) {
		var le *facade.ListError
		var apiErr *facade.APIError
		if errors.As(err, &le) && errors.As(err, &apiErr) {
			fmt.Printf("stopped at page %d after %d items: %d\n", le.Page, le.Items, apiErr.StatusCode)
			break
		}
		fmt.Println(comp.Name)
	}
	// Output:
	// Component 1
	// Component 2
	// Component 3
	// Component 4
	// stopped at page 3 after 4 items: 502
}
