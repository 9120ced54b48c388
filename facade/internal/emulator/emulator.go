// Package emulator is the HTTP plumbing every <platform>test emulator
// shares: listening on loopback (or on an address a user chose), TLS with
// a self-signed certificate, a quiet error log, the client-facing base URL,
// and the fault injector in front of the platform's handler. Each emulator
// keeps only what is its platform's own: routes, state and error bodies.
package emulator

import (
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
)

// Options are the listening settings every emulator offers as options.
type Options struct {
	// Addr is the address to listen on; empty means a free loopback port.
	Addr string
	// TLS serves HTTPS with httptest's self-signed certificate.
	TLS bool
	// ErrorLog keeps net/http's server error log on stderr; by default it
	// is discarded, as a test server's noise should be.
	ErrorLog bool
	// FaultSeed seeds the random faults of [fault.Injector.SetRate], so a
	// failing run can be replayed.
	FaultSeed uint64
	// Latency delays every request before it is handled (faults
	// included), to emulate a remote server; a client that gives up
	// meanwhile ends the wait.
	Latency time.Duration
}

// Server is a running emulator's HTTP side.
type Server struct {
	ts      *httptest.Server
	faults  *fault.Injector
	handler http.Handler // the platform's handler behind the injector
	// URL is the scheme, host and port clients dial, without any path.
	URL string
}

// Start serves handler behind a fault injector whose injected errors carry
// the platform's error body (nil: a generic JSON body). name labels errors
// ("cachettest"). It backs the emulators' Listen constructors, which
// return the error when the address cannot be bound.
func Start(name string, handler http.Handler, errorBody fault.ErrorBody, o Options) (*Server, error) {
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen on %s: %w", name, addr, err)
	}
	inj := fault.New(o.FaultSeed, errorBody)
	wrapped := delayed(inj.Wrap(handler), o.Latency)
	// A client that opens a connection and never finishes its headers
	// must not hold a goroutine forever on a long-running sandbox.
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: wrapped, ReadHeaderTimeout: 10 * time.Second}}
	if !o.ErrorLog {
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	}
	if o.TLS {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	return &Server{ts: ts, faults: inj, handler: wrapped, URL: clientURL(ts)}, nil
}

// MustStart is Start for the NewServer constructors: it panics when it
// cannot listen, as httptest.NewServer does.
func MustStart(name string, handler http.Handler, errorBody fault.ErrorBody, o Options) *Server {
	s, err := Start(name, handler, errorBody, o)
	if err != nil {
		panic(err.Error())
	}
	return s
}

// delayed holds every request for d before next sees it; d <= 0 is next.
func delayed(next http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(d)
		select {
		case <-t.C:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
			t.Stop()
		}
	})
}

// clientURL is the server's URL, with an unspecified listen address
// (":8000", "0.0.0.0:8000") replaced by the loopback one a client can dial.
func clientURL(ts *httptest.Server) string {
	scheme := "http"
	if ts.TLS != nil {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(ts.Listener.Addr().String())
	if err != nil {
		return ts.URL
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Faults returns the injector in front of the platform's handler.
func (s *Server) Faults() *fault.Injector { return s.faults }

// FailNext queues n copies of f in the injector. A Status fault of 429
// with a RetryAfter is queued as the RateLimit fault it describes: before
// faults had kinds, the emulators' FailNextWith took a status and a
// Retry-After, and callers still write a 429 that way.
func (s *Server) FailNext(n int, f fault.Fault) {
	if f.Kind == fault.Status && f.Status == http.StatusTooManyRequests && f.RetryAfter > 0 {
		f.Kind = fault.RateLimit
	}
	s.faults.FailNext(n, f)
}

// Handler returns the platform's handler with the injector in front, the
// one the server serves, so that an emulator mounted elsewhere (behind a
// contract check, say) still fails as FailNext asks.
func (s *Server) Handler() http.Handler { return s.handler }

// Close shuts the server down and waits for the requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Certificate returns the self-signed certificate of a TLS server, or nil.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts.TLS == nil {
		return nil
	}
	return s.ts.Certificate()
}

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }
