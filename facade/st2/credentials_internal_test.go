package st2

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

// The credential layer lets header-only credentials share the caller's
// URL; a claim that is wrong would let an Apply that edits the URL write
// into the caller's request.
func TestCredentialsHeaderOnly(t *testing.T) {
	src := auth.NewSource(func(context.Context, auth.Token) (auth.Token, error) { return auth.Token{Value: "t"}, nil })
	queryKey := transport.CredentialsFunc(func(_ context.Context, r *http.Request) error {
		q := r.URL.Query()
		q.Set("st2-api-key", "k")
		r.URL.RawQuery = q.Encode()
		return nil
	})
	for _, c := range []struct {
		name  string
		inner transport.Credentials
		want  bool
	}{
		{"none", nil, true},
		{"api key header", transport.HeaderCredential{Name: "St2-Api-Key", Value: "k"}, true},
		{"renewing token", auth.Header(src, "X-Auth-Token", ""), true},
		{"key in the query", queryKey, false},
	} {
		if got := (&credentials{inner: c.inner, basic: "u:p"}).HeaderOnly(); got != c.want {
			t.Errorf("%s: HeaderOnly() = %v, want %v", c.name, got, c.want)
		}
	}
}
