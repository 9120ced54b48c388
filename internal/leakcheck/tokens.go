package leakcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Tokens is a transport that notes the credentials crossing the wire, so
// that a test knows what to look for without predicting them: bearer
// tokens its requests carry, and the tokens (access_token, refresh_token,
// id_token) JSON answers hand out. Put it where it sees the requests as
// sent, e.g. as the client's base transport or innermost middleware.
type Tokens struct {
	// Next sends the requests; nil means http.DefaultTransport.
	Next http.RoundTripper

	mu     sync.Mutex
	sent   []string
	issued []string
}

// Wrap sets Next and returns t, for middleware options.
func (t *Tokens) Wrap(next http.RoundTripper) http.RoundTripper {
	t.Next = next
	return t
}

// RoundTrip records the bearer token of req and the tokens of a JSON
// answer, whose body it hands on intact.
func (t *Tokens) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok && tok != "" {
		t.note(&t.sent, tok)
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil || !isJSON(resp.Header) {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	var grant struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
		ID      string `json:"id_token"`
	}
	if json.Unmarshal(body, &grant) == nil {
		for _, tok := range []string{grant.Access, grant.Refresh, grant.ID} {
			if tok != "" {
				t.note(&t.issued, tok)
			}
		}
	}
	return resp, nil
}

func isJSON(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func (t *Tokens) note(list *[]string, tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !slices.Contains(*list, tok) {
		*list = append(*list, tok)
	}
}

// Sent returns the distinct bearer tokens requests carried, in order.
func (t *Tokens) Sent() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.sent)
}

// Issued returns the distinct tokens answers handed out, in order.
func (t *Tokens) Issued() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.issued)
}

// Secrets returns every token noted, named by their order ("bearer token
// 2", "issued token 1"), never by their value.
func (t *Tokens) Secrets() []Secret {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Secret
	for i, tok := range t.sent {
		out = append(out, Secret{Name: fmt.Sprintf("bearer token %d", i+1), Value: tok})
	}
	for i, tok := range t.issued {
		if !slices.Contains(t.sent, tok) {
			out = append(out, Secret{Name: fmt.Sprintf("issued token %d", i+1), Value: tok})
		}
	}
	return out
}
