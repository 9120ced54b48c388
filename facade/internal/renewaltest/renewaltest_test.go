package renewaltest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestIssuedSecrets(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"token":"t1","expiry":"x"}`, []string{"t1"}},
		{`{"access_token":"a","refresh_token":"r","id_token":"","token_type":"Bearer"}`, []string{"a", "r"}},
		{"eyJh.eyJz.sig\n", []string{"eyJh.eyJz.sig"}},
	} {
		if got := issuedSecrets([]byte(tc.body)); !slices.Equal(got, tc.want) {
			t.Errorf("issuedSecrets(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestProbeCounts(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			_, _ = w.Write([]byte(`{"access_token":"a1"}`))
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	p := NewProbe(h, IsPost("/token"))
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "https://h.example/token", nil),
		httptest.NewRequest(http.MethodGet, "https://h.example/token", nil), // not a token request, answered 200
		httptest.NewRequest(http.MethodGet, "https://h.example/api", nil),
	} {
		req.RequestURI = ""
		resp, err := p.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	if p.TokenRequests() != 1 || p.TokensIssued() != 1 || p.Rejected() != 1 || !slices.Equal(p.Tokens(), []string{"a1"}) {
		t.Errorf("token requests %d, issued %d, rejected %d, tokens %d", p.TokenRequests(), p.TokensIssued(), p.Rejected(), len(p.Tokens()))
	}
}
