package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// noopBase answers every request at once with a small body, so that
// BenchmarkRoundTrip measures the stack's own layers and nothing else.
type noopBase struct{}

func (noopBase) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{},
		Body:          io.NopCloser(strings.NewReader(`{}`)),
		ContentLength: 2,
		Request:       req,
	}, nil
}

// BenchmarkRoundTrip is the per-call cost of the whole stack (timeout,
// User-Agent, logging off, retry, credentials) with the default options
// and a static header credential, above a base that does nothing: what
// every facade call pays before the network. "caller-deadline" is a call
// whose context already ends before the client's timeout would;
// "no-timeout" one under NoTimeout; "other-origin" one the credentials
// must not reach; "func-credentials" one whose credentials are a function
// that sets a header (as the token sources of facade/internal/auth do),
// for which the layer cannot know that the URL stays as it is.
func BenchmarkRoundTrip(b *testing.B) {
	client := func(creds Credentials) http.RoundTripper {
		c, _, err := NewClient(Config{
			Platform:    "bench",
			BaseURL:     "http://api.example/v1",
			Credentials: creds,
			Options:     facade.NewOptions(facade.WithBaseTransport(noopBase{})),
		})
		if err != nil {
			b.Fatal(err)
		}
		return c.Transport
	}
	static := client(HeaderCredential{Name: "X-Cachet-Token", Value: "tok-bench"})
	fn := client(CredentialsFunc(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer tok-bench")
		return nil
	}))
	// Earlier than the client's 30 s timeout, and later than any run of
	// this benchmark (were it not, the no-op base would not mind).
	deadline, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cases := []struct {
		name string
		rt   http.RoundTripper
		ctx  context.Context
		url  string
	}{
		{"default", static, context.Background(), "http://api.example/v1/components/1"},
		{"caller-deadline", static, deadline, "http://api.example/v1/components/1"},
		{"no-timeout", static, NoTimeout(context.Background()), "http://api.example/v1/components/1"},
		{"other-origin", static, context.Background(), "http://cdn.example/file"},
		{"func-credentials", fn, context.Background(), "http://api.example/v1/components/1"},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			req, err := http.NewRequestWithContext(tc.ctx, http.MethodGet, tc.url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Accept", "application/json")
			b.ReportAllocs()
			for b.Loop() {
				resp, err := tc.rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				_ = resp.Body.Close()
			}
		})
	}
}
