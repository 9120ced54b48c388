package emulator_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

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
