// Package benchraw holds what the facades' performance benchmarks share:
// the hand-written net/http + encoding/json baseline call (Do, fed with the
// request the facade sent, captured by Capture), a side-by-side runner
// that reports the facade/raw ratio measured in one loop (Pair, so the
// ratio holds on a noisy, shared machine), a replaying front that takes
// an emulator's own work out of a client-side measurement (Replay), the
// keep-alive checks (ConnTrace, CheckReuse, BenchReuse) and the emulator
// load generator (Throughput, HandlerThroughput).
//
// It is imported by _test files only.
package benchraw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// Request is a request as the facade sent it, credentials included:
// what the raw baseline sends in turn.
type Request struct {
	Method, URL string
	Header      http.Header
	Body        []byte
}

// Capture returns an option whose middleware (below the credential
// layer, so it sees the headers on the wire) appends every request the
// facade sends to *into.
func Capture(into *[]Request) facade.Option {
	var mu sync.Mutex
	return facade.WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			r := Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone()}
			if req.GetBody != nil {
				if body, err := req.GetBody(); err == nil {
					r.Body, _ = io.ReadAll(body)
					_ = body.Close()
				}
			}
			mu.Lock()
			*into = append(*into, r)
			mu.Unlock()
			return next.RoundTrip(req)
		})
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// NewClient returns the raw side's client: a plain http.Client over its
// own clone of http.DefaultTransport, so neither side shares a pool.
func NewClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// Do is the baseline: it sends r with net/http, as a careful hand-written
// client would (same method, URL, headers and body), decodes a 2xx
// answer with json.NewDecoder into out, and drains and closes the body.
// Any other status is an error.
func Do(ctx context.Context, hc *http.Client, r Request, out any) error {
	var rd io.Reader
	if r.Body != nil {
		rd = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, rd)
	if err != nil {
		return err
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("raw %s %s: status %d", r.Method, r.URL, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Pair benchmarks one operation done by the facade and by hand. It runs
// three sub-benchmarks: "facade" and "raw" alone (ns/op, B/op,
// allocs/op, for benchstat), and "ratio", which alternates blocks of
// both in the same loop and reports the facade/raw ratios of time
// (x-time), bytes (x-B) and allocations (x-allocs), with both sides'
// per-call figures. Allocation counts are process-wide, so an in-process
// emulator's own allocations are in both sides alike.
func Pair(b *testing.B, facade, raw func() error) {
	b.Helper()
	// Warm both pools and caches so neither side pays a first dial.
	for range 3 {
		if err := facade(); err != nil {
			b.Fatalf("facade: %v", err)
		}
		if err := raw(); err != nil {
			b.Fatalf("raw: %v", err)
		}
	}
	single := func(f func() error) func(*testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("facade", single(facade))
	b.Run("raw", single(raw))
	b.Run("ratio", func(b *testing.B) {
		const block = 8
		var sides [2]struct {
			ns, bytes, objs float64
			calls           int
		}
		fns := [2]func() error{facade, raw}
		samples := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}, {Name: "/gc/heap/tiny/allocs:objects"}}
		read := func() (bytes, objs float64) {
			metrics.Read(samples)
			return float64(samples[0].Value.Uint64()), float64(samples[1].Value.Uint64() + samples[2].Value.Uint64())
		}
		i := 0
		for b.Loop() {
			// Alternate which side goes first, so neither always runs on
			// the warmer cache or right after a GC.
			for k := range 2 {
				side := (k + i) % 2
				b0, o0 := read()
				start := time.Now()
				for range block {
					if err := fns[side](); err != nil {
						b.Fatal(err)
					}
				}
				sides[side].ns += float64(time.Since(start).Nanoseconds())
				b1, o1 := read()
				sides[side].bytes += b1 - b0
				sides[side].objs += o1 - o0
				sides[side].calls += block
			}
			i++
		}
		f, r := sides[0], sides[1]
		n := func(v float64, calls int) float64 { return v / float64(max(calls, 1)) }
		b.ReportMetric(n(f.ns, f.calls), "facade-ns/call")
		b.ReportMetric(n(r.ns, r.calls), "raw-ns/call")
		b.ReportMetric(n(f.bytes, f.calls), "facade-B/call")
		b.ReportMetric(n(r.bytes, r.calls), "raw-B/call")
		b.ReportMetric(n(f.objs, f.calls), "facade-allocs/call")
		b.ReportMetric(n(r.objs, r.calls), "raw-allocs/call")
		b.ReportMetric(f.ns/max(r.ns, 1), "x-time")
		b.ReportMetric(f.bytes/max(r.bytes, 1), "x-B")
		b.ReportMetric(f.objs/max(r.objs, 1), "x-allocs")
	})
}

// Replay starts a server in front of target that forwards each distinct
// request (method, URI, body) once, records the answer and serves the
// recording from then on. Pointed at an emulator, it takes the
// emulator's work out of an overhead benchmark while keeping its real
// answers, headers included; the measurement is then the client's side.
func Replay(tb testing.TB, target string) *httptest.Server {
	tb.Helper()
	type answer struct {
		status int
		header http.Header
		body   []byte
	}
	var (
		mu   sync.Mutex
		seen = map[string]*answer{}
	)
	fwd := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.RequestURI() + "\n" + string(body)
		mu.Lock()
		a := seen[key]
		mu.Unlock()
		if a == nil {
			req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			req.Header = r.Header.Clone()
			resp, err := fwd.Do(req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			data, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			h := resp.Header.Clone()
			h.Del("Date")
			h.Del("Content-Length")
			a = &answer{status: resp.StatusCode, header: h, body: data}
			if resp.StatusCode/100 == 2 {
				mu.Lock()
				seen[key] = a
				mu.Unlock()
			}
		}
		for k, v := range a.header {
			w.Header()[k] = v
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	tb.Cleanup(func() {
		srv.Close()
		fwd.CloseIdleConnections()
	})
	return srv
}

// ConnTrace counts the connections requests made under its Context got:
// new ones (dialled for the request) and reused ones (from the idle
// pool). A client that leaves a body unread or unclosed loses the
// connection, and the next request shows as new.
type ConnTrace struct {
	newConns, reused atomic.Int64
}

// Context returns ctx with the trace attached; the facades pass it down
// to net/http, through every transport layer.
func (t *ConnTrace) Context(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused {
			t.reused.Add(1)
		} else {
			t.newConns.Add(1)
		}
	}})
}

// New returns how many requests got a newly dialled connection.
func (t *ConnTrace) New() int64 { return t.newConns.Load() }

// Reused returns how many requests got a pooled connection.
func (t *ConnTrace) Reused() int64 { return t.reused.Load() }

// Step is one kind of call of a keep-alive check.
type Step struct {
	// Name says what the call is ("get", "404", "500", "early break").
	Name string
	// Call makes the call with ctx, which carries the connection trace.
	Call func(ctx context.Context) error
	// WantErr: the call must fail (an error answer whose body the facade
	// must still drain and close).
	WantErr bool
}

// run makes one call of s and reports a wrong outcome.
func (s Step) run(tb testing.TB, ctx context.Context) {
	tb.Helper()
	err := s.Call(ctx)
	switch {
	case s.WantErr && err == nil:
		tb.Fatalf("%s: no error", s.Name)
	case !s.WantErr && err != nil:
		tb.Fatalf("%s: %v", s.Name, err)
	}
}

// CheckReuse warms the client with one round of steps, then makes rounds
// rounds of every step in turn under a ConnTrace, and fails tb if any of
// those requests needed a new connection: every answer, errors and
// abandoned iterations included, must leave its connection reusable
// (body drained and closed). It returns the trace.
func CheckReuse(tb testing.TB, rounds int, steps ...Step) *ConnTrace {
	tb.Helper()
	for _, s := range steps {
		s.run(tb, context.Background())
	}
	tr := &ConnTrace{}
	ctx := tr.Context(context.Background())
	for range rounds {
		for _, s := range steps {
			s.run(tb, ctx)
		}
	}
	if tr.New() != 0 || tr.Reused() == 0 {
		tb.Errorf("%d requests: %d on a new connection, %d on a reused one; want every one reused", tr.New()+tr.Reused(), tr.New(), tr.Reused())
	}
	return tr
}

// BenchReuse runs the steps in a benchmark loop under a ConnTrace and
// reports new-conns/op (0 when every connection is reused) and reqs/op.
func BenchReuse(b *testing.B, steps ...Step) {
	b.Helper()
	for _, s := range steps {
		s.run(b, context.Background())
	}
	tr := &ConnTrace{}
	ctx := tr.Context(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range steps {
			s.run(b, ctx)
		}
	}
	b.ReportMetric(float64(tr.New())/float64(b.N), "new-conns/op")
	b.ReportMetric(float64(tr.New()+tr.Reused())/float64(b.N), "reqs/op")
}

// Throughput sends r from parallel clients (4 per GOMAXPROCS, over a
// pool of keep-alive connections) as fast as the server answers, and
// reports req/s. Each answer must be 2xx; its body is read to the end.
func Throughput(b *testing.B, r Request) {
	b.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	hc := &http.Client{Transport: tr}
	b.Cleanup(hc.CloseIdleConnections)
	ctx := context.Background()
	if err := send(ctx, hc, r); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(4)
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := send(ctx, hc, r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportCPU(b, cpuTime()-cpu0)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// reportCPU reports the process's CPU time per request (server, load
// generator and runtime together, so an upper bound of the server's),
// and the req/s two dedicated cores would give at that cost: on a shared,
// loaded machine wall-clock req/s says more about the neighbours.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu <= 0 || b.N == 0 {
		return
	}
	perReq := float64(cpu.Nanoseconds()) / float64(b.N)
	b.ReportMetric(perReq, "cpu-ns/req")
	b.ReportMetric(2e9/perReq, "req/s@2cpu")
}

// HandlerThroughput serves r straight to h from parallel goroutines,
// without a network, and reports req/s: the emulator's own cost, to tell
// it from net/http's in Throughput.
func HandlerThroughput(b *testing.B, h http.Handler, r Request) {
	b.Helper()
	serve := func() error {
		var body io.Reader
		if r.Body != nil {
			body = bytes.NewReader(r.Body)
		}
		req := httptest.NewRequest(r.Method, r.URL, body)
		for k, v := range r.Header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code/100 != 2 {
			return fmt.Errorf("%s %s: status %d", r.Method, r.URL, rec.Code)
		}
		return nil
	}
	if err := serve(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := serve(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportCPU(b, cpuTime()-cpu0)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// send makes r and discards a 2xx answer's body.
func send(ctx context.Context, hc *http.Client, r Request) error {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: status %d", r.Method, r.URL, resp.StatusCode)
	}
	return nil
}

// ThroughputPair runs Throughput and HandlerThroughput for a GET by id
// and a list page, as sub-benchmarks get/http, get/handler, list/http and
// list/handler.
func ThroughputPair(b *testing.B, h http.Handler, get, list Request) {
	b.Helper()
	for _, c := range []struct {
		name string
		r    Request
	}{{"get", get}, {"list", list}} {
		b.Run(c.name+"/http", func(b *testing.B) { Throughput(b, c.r) })
		b.Run(c.name+"/handler", func(b *testing.B) { HandlerThroughput(b, h, c.r) })
	}
}
