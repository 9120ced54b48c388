package st2cmd

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// answerJSON is a base transport answering every request with body.
type answerJSON string

func (a answerJSON) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:       io.NopCloser(strings.NewReader(string(a))),
		Request:    req,
	}, nil
}

func TestRecorderRecordsOnlyAfterAMark(t *testing.T) {
	r := &recorder{}
	rt := r.wrap(answerJSON(`[{"ref":"core.local"}]`))
	get := func() string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://st2.test/api/v1/actions", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	if got := get(); got != `[{"ref":"core.local"}]` {
		t.Fatalf("body before any mark: %q", got)
	}
	if n := len(r.log); n != 0 {
		t.Fatalf("%d answers recorded before any mark", n)
	}

	mark := r.mark()
	if got := get(); got != `[{"ref":"core.local"}]` {
		t.Fatalf("body after a mark: %q", got)
	}
	bodies := r.since(mark, http.MethodGet, "/actions")
	if len(bodies) != 1 || string(bodies[0]) != `[{"ref":"core.local"}]` {
		t.Fatalf("recorded since the mark: %q", bodies)
	}
	if other := r.since(mark, http.MethodGet, "/keys"); len(other) != 0 {
		t.Fatalf("answers to another path: %q", other)
	}
}
