package emulator_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/emulator"
)

var hello = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") })

func body(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestStartServesAndInjectsFaults(t *testing.T) {
	srv, err := emulator.Start("testemu", hello, func(int) (string, []byte) { return "text/plain", []byte("platform error") }, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.Certificate() != nil {
		t.Fatalf("URL %q", srv.URL)
	}
	srv.Faults().FailNext(1, fault.Fault{Kind: fault.Status, Status: 503})
	if code, b := body(t, srv.Client(), srv.URL); code != 503 || b != "platform error" {
		t.Fatalf("fault: %d %q", code, b)
	}
	if code, b := body(t, srv.Client(), srv.URL); code != 200 || b != "hello" {
		t.Fatalf("after the fault: %d %q", code, b)
	}
}

func TestTLSAndWildcardAddress(t *testing.T) {
	srv := emulator.MustStart("testemu", hello, nil, emulator.Options{TLS: true, Addr: "0.0.0.0:0"})
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") || srv.Certificate() == nil {
		t.Fatalf("URL %q: a wildcard listen address must be reported as loopback", srv.URL)
	}
	if code, b := body(t, srv.Client(), srv.URL); code != 200 || b != "hello" {
		t.Fatalf("%d %q", code, b)
	}
}

func TestBusyAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = emulator.Start("testemu", hello, nil, emulator.Options{Addr: l.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "testemu: listen on") {
		t.Fatalf("got %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustStart did not panic on a busy address")
		}
	}()
	emulator.MustStart("testemu", hello, nil, emulator.Options{Addr: l.Addr().String()})
}

// The handler a server returns is the one it serves: mounted elsewhere it
// still fails as FailNext asks.
func TestHandlerCarriesTheInjector(t *testing.T) {
	srv := emulator.MustStart("testemu", hello, nil, emulator.Options{})
	defer srv.Close()
	srv.FailNext(1, fault.Fault{Kind: fault.Status, Status: 500})
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 500 {
		t.Fatalf("through Handler: %d, want the queued 500", rec.Code)
	}
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 200 || rec.Body.String() != "hello" {
		t.Fatalf("after the fault: %d %q", rec.Code, rec.Body)
	}
}

// A Status 429 with a RetryAfter, the emulators' old way to ask for rate
// limiting, sends its Retry-After; a plain 429 does not.
func TestFailNextReadsA429WithRetryAfterAsRateLimit(t *testing.T) {
	srv := emulator.MustStart("testemu", hello, nil, emulator.Options{})
	defer srv.Close()
	srv.FailNext(1, fault.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond})
	srv.FailNext(1, fault.Fault{Status: 429})
	for _, want := range []string{"2", ""} {
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != want {
			t.Fatalf("%d Retry-After %q, want 429 and %q", resp.StatusCode, resp.Header.Get("Retry-After"), want)
		}
	}
	if n := srv.Faults().Injected(); n != 2 {
		t.Fatalf("Injected() = %d", n)
	}
}

// FaultSeed makes random faults replayable.
func TestFaultSeed(t *testing.T) {
	run := func(seed uint64) []int {
		srv := emulator.MustStart("testemu", hello, nil, emulator.Options{FaultSeed: seed})
		defer srv.Close()
		srv.Faults().SetRate(0.5, fault.Fault{Kind: fault.Status, Status: 500})
		var codes []int
		for range 40 {
			code, _ := body(t, srv.Client(), srv.URL)
			codes = append(codes, code)
		}
		return codes
	}
	a, b, c := run(7), run(7), run(8)
	if !slices.Equal(a, b) {
		t.Fatalf("seed 7 twice: %v and %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Fatalf("seeds 7 and 8 failed the same 40 requests: %v", a)
	}
}
