package benchraw

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// recordTB notes a failure instead of failing the test that runs it.
type recordTB struct {
	testing.TB
	failed bool
}

func (r *recordTB) Errorf(string, ...any) { r.failed = true }
func (r *recordTB) Helper()               {}

// CheckReuse must tell a client that leaves bodies unclosed (each call
// then dials again) from one that closes them.
func TestCheckReuseCatchesUnclosedBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	hc := NewClient()
	defer hc.CloseIdleConnections()
	call := func(closeBody bool) Step {
		return Step{Name: "get", Call: func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			if closeBody {
				_, _ = io.Copy(io.Discard, resp.Body)
				return resp.Body.Close()
			}
			return nil // leaked: the connection cannot go back to the pool
		}}
	}
	good := &recordTB{TB: t}
	if tr := CheckReuse(good, 5, call(true)); good.failed || tr.Reused() != 5 {
		t.Errorf("closing client: failed %v, %d reused", good.failed, tr.Reused())
	}
	bad := &recordTB{TB: t}
	if tr := CheckReuse(bad, 5, call(false)); !bad.failed || tr.New() != 5 {
		t.Errorf("leaking client: failed %v, %d new connections", bad.failed, tr.New())
	}
}

// Do decodes a 2xx body and refuses any other status.
func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Key") != "k" {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{"n":3}`)
	}))
	defer srv.Close()
	hc := NewClient()
	defer hc.CloseIdleConnections()
	var v struct{ N int }
	if err := Do(context.Background(), hc, Request{Method: http.MethodGet, URL: srv.URL, Header: http.Header{"X-Key": {"k"}}}, &v); err != nil || v.N != 3 {
		t.Fatalf("%+v, %v", v, err)
	}
	if err := Do(context.Background(), hc, Request{Method: http.MethodGet, URL: srv.URL}, &v); err == nil {
		t.Fatal("401 accepted")
	}
}
