package emulator

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestLatency: every request waits Options.Latency before the handler
// sees it, and a client that gives up meanwhile ends the wait without
// the handler running.
func TestLatency(t *testing.T) {
	var served atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) })
	s, err := Start("test", h, nil, Options{Latency: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	resp, err := http.Get(s.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if el := time.Since(start); el < 30*time.Millisecond || served.Load() != 1 {
		t.Errorf("answered after %v (%d served), want at least the 30ms latency", el, served.Load())
	}

	slow, err := Start("test", h, nil, Options{Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, slow.URL+"/x", nil)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the client's deadline", err)
	}
	slow.Close() // returns only once the held request has ended
	if served.Load() != 1 {
		t.Error("the handler ran for a request its client had given up")
	}
}
