package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

// fakeClock is a settable clock shared by goroutines.
type fakeClock struct{ t atomic.Pointer[time.Time] }

func newClock() *fakeClock {
	c := &fakeClock{}
	c.set(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	return c
}
func (c *fakeClock) now() time.Time          { return *c.t.Load() }
func (c *fakeClock) set(t time.Time)         { c.t.Store(&t) }
func (c *fakeClock) advance(d time.Duration) { c.set(c.now().Add(d)) }

// issuer hands out numbered tokens valid for ttl.
type issuer struct {
	clock *fakeClock
	ttl   time.Duration
	calls atomic.Int32
	gate  chan struct{} // when set, each fetch waits for it
	fail  atomic.Int32  // fail this many fetches first
}

func (i *issuer) fetch(ctx context.Context, prev auth.Token) (auth.Token, error) {
	n := i.calls.Add(1)
	if i.gate != nil {
		select {
		case <-i.gate:
		case <-ctx.Done():
			return auth.Token{}, ctx.Err()
		}
	}
	if i.fail.Load() > 0 {
		i.fail.Add(-1)
		return auth.Token{}, &facade.APIError{Platform: "test", StatusCode: 503, Message: "login service down"}
	}
	return auth.Token{Value: fmt.Sprintf("token-%d", n), Expiry: i.clock.now().Add(i.ttl), Refresh: prev.Refresh}, nil
}

func TestSourceRenewsOnceAcrossExpiryUnderConcurrency(t *testing.T) {
	clock := newClock()
	iss := &issuer{clock: clock, ttl: time.Hour}
	src := auth.NewSource(iss.fetch, auth.WithClock(clock.now), auth.WithMargin(15*time.Second))
	ctx := context.Background()

	first, err := src.Token(ctx)
	if err != nil || first.Value != "token-1" {
		t.Fatalf("first token = %q, %v", first.Value, err)
	}
	// Within the margin of the expiry, the token counts as expired.
	clock.advance(time.Hour - 10*time.Second)

	var wg sync.WaitGroup
	got := make([]string, 100)
	errs := make([]error, 100)
	for i := range 100 {
		wg.Go(func() {
			tok, err := src.Token(ctx)
			got[i], errs[i] = tok.Value, err
		})
	}
	wg.Wait()
	for i := range 100 {
		if errs[i] != nil || got[i] != "token-2" {
			t.Fatalf("caller %d got %q, %v; want token-2", i, got[i], errs[i])
		}
	}
	if n := iss.calls.Load(); n != 2 {
		t.Fatalf("fetch called %d times, want 2 (first login + one renewal)", n)
	}
}

func TestSourceFailedRenewalReachesEveryWaiterAndIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newClock()
		iss := &issuer{clock: clock, ttl: time.Hour, gate: make(chan struct{})}
		iss.fail.Store(1)
		src := auth.NewSource(iss.fetch, auth.WithClock(clock.now))

		errs := make(chan error, 20)
		for range 20 {
			go func() {
				_, err := src.Token(context.Background())
				errs <- err
			}()
		}
		synctest.Wait() // every caller is now queued behind the one renewal
		close(iss.gate)
		for range 20 {
			err := <-errs
			var apiErr *facade.APIError
			if !errors.As(err, &apiErr) || apiErr.Message != "login service down" {
				t.Fatalf("waiter got %v, want the renewal's *facade.APIError", err)
			}
		}
		if n := iss.calls.Load(); n != 1 {
			t.Fatalf("fetch called %d times for 20 waiters, want 1", n)
		}
		tok, err := src.Token(context.Background())
		if err != nil || tok.Value != "token-2" {
			t.Fatalf("after a failed renewal the next call got %q, %v; want a retry", tok.Value, err)
		}
	})
}

func TestSourceWaiterCancellationDoesNotCancelTheRenewal(t *testing.T) {
	clock := newClock()
	iss := &issuer{clock: clock, ttl: time.Hour, gate: make(chan struct{})}
	src := auth.NewSource(iss.fetch, auth.WithClock(clock.now))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := src.Token(ctx)
		done <- err
	}()
	for iss.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter got %v", err)
	}
	close(iss.gate)
	tok, err := src.Token(context.Background())
	if err != nil || tok.Value != "token-1" {
		t.Fatalf("second caller got %q, %v; want the renewal the first caller started", tok.Value, err)
	}
	if n := iss.calls.Load(); n != 1 {
		t.Fatalf("fetch called %d times, want 1", n)
	}
}

func TestSourceInvalidateKeepsRefreshTokenAndIgnoresStaleValues(t *testing.T) {
	clock := newClock()
	var prevs []auth.Token
	src := auth.NewSource(func(_ context.Context, prev auth.Token) (auth.Token, error) {
		prevs = append(prevs, prev)
		return auth.Token{Value: fmt.Sprintf("access-%d", len(prevs)), Refresh: "refresh-secret"}, nil
	}, auth.WithClock(clock.now))
	ctx := context.Background()
	if _, err := src.Token(ctx); err != nil {
		t.Fatal(err)
	}
	src.Invalidate("some-older-token") // already replaced: no effect
	if tok, _ := src.Token(ctx); tok.Value != "access-1" {
		t.Fatalf("a stale invalidation renewed the token: %q", tok.Value)
	}
	src.Invalidate("access-1")
	tok, err := src.Token(ctx)
	if err != nil || tok.Value != "access-2" {
		t.Fatalf("after Invalidate got %q, %v", tok.Value, err)
	}
	if prevs[1].Refresh != "refresh-secret" || prevs[1].Value != "" {
		t.Fatalf("renewal after rejection saw prev %+v, want the refresh token and no access token", prevs[1])
	}
}

func TestSourceRejectsEmptyToken(t *testing.T) {
	src := auth.NewSource(func(context.Context, auth.Token) (auth.Token, error) { return auth.Token{}, nil })
	if _, err := src.Token(context.Background()); !errors.Is(err, auth.ErrEmptyToken) {
		t.Fatalf("got %v, want ErrEmptyToken", err)
	}
}

func TestSourceRegistersTokensWithScrubber(t *testing.T) {
	scrub := redact.NewScrubber()
	src := auth.NewSource(func(context.Context, auth.Token) (auth.Token, error) {
		return auth.Token{Value: "s3cr3t-access", Refresh: "s3cr3t-refresh"}, nil
	}, auth.WithScrubber(scrub))
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := scrub.String("sent s3cr3t-access and s3cr3t-refresh")
	if strings.Contains(got, "s3cr3t") {
		t.Fatalf("scrubber did not learn the tokens: %q", got)
	}
}

// TestHeaderRenewsOnceAfter401 drives the whole path: 100 goroutines send
// a token the server has just revoked; exactly one renewal happens and
// every call succeeds, bodies included.
func TestHeaderRenewsOnceAfter401(t *testing.T) {
	var current atomic.Value
	current.Store("token-0")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+current.Load().(string) {
			http.Error(w, "expired", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = w.Write(body)
	}))
	defer srv.Close()

	clock := newClock()
	var renewals atomic.Int32
	src := auth.NewSource(func(context.Context, auth.Token) (auth.Token, error) {
		n := renewals.Add(1)
		v := fmt.Sprintf("token-%d", n)
		current.Store(v)
		return auth.Token{Value: v, Expiry: clock.now().Add(time.Hour)}, nil
	}, auth.WithClock(clock.now), auth.WithInitial(auth.Token{Value: "revoked", Expiry: clock.now().Add(time.Hour)}))
	client, _, err := transport.NewClient(transport.Config{
		Platform: "test", BaseURL: srv.URL, Credentials: auth.Header(src, "Authorization", "Bearer "),
	})
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	failures := make(chan string, 100)
	for i := range 100 {
		wg.Go(func() {
			want := fmt.Sprintf("payload %d", i)
			resp, err := client.Post(srv.URL, "text/plain", strings.NewReader(want))
			if err != nil {
				failures <- err.Error()
				return
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || string(got) != want {
				failures <- fmt.Sprintf("status %d body %q", resp.StatusCode, got)
			}
		})
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	if n := renewals.Load(); n != 1 {
		t.Fatalf("%d renewals for one revoked token, want 1", n)
	}
}

func TestHeaderSecond401IsReturned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	defer srv.Close()
	var renewals atomic.Int32
	src := auth.NewSource(func(context.Context, auth.Token) (auth.Token, error) {
		renewals.Add(1)
		return auth.Token{Value: fmt.Sprint("tok-", renewals.Load())}, nil
	})
	client, _, err := transport.NewClient(transport.Config{BaseURL: srv.URL, Credentials: auth.Header(src, "X-Auth-Token", "")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want the second 401", resp.StatusCode)
	}
	if n := renewals.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2 (initial + one renewal, no loop)", n)
	}
}
