// Package fault describes and injects the failures of real networks and
// servers: error statuses, rate limiting, connections reset in the middle
// of a body, stalls longer than a client's timeout, truncated or malformed
// JSON and HTML error pages from a proxy. The emulators take a [Fault] in
// FailNextWith, and any test server of yours can use an [Injector] too. Every emulator wraps its handler
// with one [Injector], so the five platforms fail in the same ways and
// `switchboard sandbox serve --faults` means the same thing everywhere.
//
// Faults are queued (FailNext: deterministic, for unit tests) or drawn at
// random at a given rate from a seeded generator (SetRate: for soak tests
// such as "iterate 5,000 items under a 20% fault rate"), so a failing run
// can be replayed with the same seed.
package fault

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a way of failing.
type Kind int

// The kinds of fault. Kinds that need the real answer (Reset, Truncate,
// Malformed) let the request reach the emulator first, so the operation
// happens but the client cannot know it: the "outcome unknown" case a
// client must never paper over by retrying a create.
const (
	// Status answers Fault.Status (default 503) with the platform's error
	// body, before the emulator sees the request.
	Status Kind = iota
	// RateLimit answers 429 with a Retry-After header (Fault.RetryAfter,
	// default one second).
	RateLimit
	// Reset sends the real status and headers and half the body, then
	// closes the connection.
	Reset
	// Stall holds the request without answering until the client gives up
	// (its context ends) or Fault.Stall passes, then answers 504.
	Stall
	// Truncate answers the real status with a well-formed HTTP message
	// whose JSON body is cut in half.
	Truncate
	// Malformed answers 200 with a body that is not JSON at all.
	Malformed
	// HTML answers Fault.Status (default 502) with an HTML page, as a
	// load balancer in front of the platform does.
	HTML
)

var kindNames = map[Kind]string{
	Status: "status", RateLimit: "ratelimit", Reset: "reset", Stall: "stall",
	Truncate: "truncate", Malformed: "malformed", HTML: "html",
}

// String returns the kind's name as ParseKind reads it.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind reads a kind's name ("reset", "ratelimit", ...).
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if strings.EqualFold(s, n) {
			return k, nil
		}
	}
	names := make([]string, 0, len(kindNames))
	for k := Status; k <= HTML; k++ {
		names = append(names, kindNames[k])
	}
	return 0, fmt.Errorf("unknown fault kind %q (have: %s)", s, strings.Join(names, ", "))
}

// Fault describes one failure.
type Fault struct {
	Kind Kind
	// Status is the status of Status and HTML faults (default 503 and
	// 502).
	Status int
	// RetryAfter is sent as the Retry-After header, rounded up to whole
	// seconds: always with RateLimit faults (default one second), and with
	// Status faults when positive (a 503 during maintenance).
	RetryAfter time.Duration
	// Stall bounds a Stall fault (default one minute).
	Stall time.Duration
	// Pattern limits the fault to requests whose "METHOD /path" starts
	// with it (e.g. "GET /api/v1/executions"); "" matches every request.
	Pattern string
}

// ErrorBody renders the platform's error body for a status, so injected
// errors look like the platform's own.
type ErrorBody func(status int) (contentType string, body []byte)

// Injector decides, request by request, whether to fail and how. The zero
// value is not usable; use New. It is safe for concurrent use.
type Injector struct {
	errorBody ErrorBody

	mu      sync.Mutex
	queue   []Fault
	rate    float64
	mix     []Fault
	rng     *rand.Rand
	pending atomic.Bool // queue non-empty or rate > 0: the fast path skips the lock

	injected atomic.Int64
}

// New returns an Injector that renders error bodies with errorBody (nil: a
// JSON {"error": "..."} body) and draws random faults from seed.
func New(seed uint64, errorBody ErrorBody) *Injector {
	if errorBody == nil {
		errorBody = func(status int) (string, []byte) {
			return "application/json", fmt.Appendf(nil, `{"error":%q}`, http.StatusText(status))
		}
	}
	return &Injector{errorBody: errorBody, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// FailNext queues n copies of f: the next n matching requests fail so.
func (i *Injector) FailNext(n int, f Fault) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for range n {
		i.queue = append(i.queue, f)
	}
	i.updatePending()
}

// SetRate makes each request fail with probability p (0 to 1), with a fault
// drawn uniformly from mix (default: one of each kind but Stall). p = 0
// turns random faults off. Queued faults go first.
func (i *Injector) SetRate(p float64, mix ...Fault) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.rate = min(max(p, 0), 1)
	if len(mix) == 0 {
		mix = []Fault{{Kind: Status, Status: 500}, {Kind: Status, Status: 502}, {Kind: Status, Status: 503},
			{Kind: Status, Status: 504}, {Kind: RateLimit}, {Kind: Reset}, {Kind: Truncate}, {Kind: Malformed}, {Kind: HTML}}
	}
	i.mix = mix
	i.updatePending()
}

func (i *Injector) updatePending() { i.pending.Store(len(i.queue) > 0 || i.rate > 0) }

// Injected counts the faults served so far.
func (i *Injector) Injected() int64 { return i.injected.Load() }

// take picks the fault for r, if any.
func (i *Injector) take(r *http.Request) (Fault, bool) {
	if !i.pending.Load() {
		return Fault{}, false
	}
	key := r.Method + " " + r.URL.Path
	i.mu.Lock()
	defer i.mu.Unlock()
	for n, f := range i.queue {
		if strings.HasPrefix(key, f.Pattern) {
			i.queue = append(i.queue[:n], i.queue[n+1:]...)
			i.updatePending()
			return f, true
		}
	}
	if i.rate > 0 && i.rng.Float64() < i.rate {
		f := i.mix[i.rng.IntN(len(i.mix))]
		if strings.HasPrefix(key, f.Pattern) {
			return f, true
		}
	}
	return Fault{}, false
}

// Wrap returns next with faults injected in front of it.
func (i *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := i.take(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		i.injected.Add(1)
		i.serve(w, r, f, next)
	})
}

func (i *Injector) serve(w http.ResponseWriter, r *http.Request, f Fault, next http.Handler) {
	switch f.Kind {
	case Status:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
		}
		i.writeError(w, cmpOr(f.Status, http.StatusServiceUnavailable))
	case RateLimit:
		secs := (cmpOr(f.RetryAfter, time.Second) + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
		i.writeError(w, http.StatusTooManyRequests)
	case HTML:
		status := cmpOr(f.Status, http.StatusBadGateway)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
			status, http.StatusText(status), status, http.StatusText(status))
	case Stall:
		// net/http notices a client that gave up only once the request
		// body has been read: drain it, or a stalled POST would outlive
		// its client and hold the server's Close.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		t := time.NewTimer(cmpOr(f.Stall, time.Minute))
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
		i.writeError(w, http.StatusGatewayTimeout)
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<!-- upstream sent an invalid response -->\x00"))
	case Truncate, Reset:
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		half := body[:len(body)/2]
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if f.Kind == Truncate {
			w.Header().Set("Content-Length", strconv.Itoa(len(half)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(half)
			return
		}
		reset(w, rec.Code, rec.Header(), len(body), half)
	default:
		i.writeError(w, http.StatusInternalServerError)
	}
}

// reset announces the whole body, sends part of it, and drops the
// connection, which the client sees as an unexpected EOF mid-body.
func reset(w http.ResponseWriter, code int, header http.Header, fullLen int, part []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok { // HTTP/2: abort the stream instead
		w.Header().Set("Content-Length", strconv.Itoa(fullLen))
		w.WriteHeader(code)
		_, _ = w.Write(part)
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	h := header.Clone()
	h.Set("Content-Length", strconv.Itoa(fullLen))
	h.Del("Transfer-Encoding")
	_ = h.Write(&head)
	head.WriteString("\r\n")
	head.Write(part)
	writeAll(buf, head.Bytes())
}

func writeAll(buf *bufio.ReadWriter, b []byte) {
	_, _ = buf.Write(b)
	_ = buf.Flush()
}

func (i *Injector) writeError(w http.ResponseWriter, status int) {
	ct, body := i.errorBody(status)
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// ParseSpec reads the `--faults` flag of `switchboard sandbox serve`:
// "rate=0.2" or "rate=0.2,kinds=status+reset+truncate,seed=7".
func ParseSpec(spec string) (rate float64, mix []Fault, seed uint64, err error) {
	for part := range strings.SplitSeq(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return 0, nil, 0, fmt.Errorf("fault spec %q: want key=value, got %q", spec, part)
		}
		switch k {
		case "rate":
			rate, err = strconv.ParseFloat(v, 64)
			if err != nil || rate < 0 || rate > 1 {
				return 0, nil, 0, fmt.Errorf("fault spec: rate %q: want a number from 0 to 1", v)
			}
		case "seed":
			seed, err = strconv.ParseUint(v, 10, 64)
			if err != nil {
				return 0, nil, 0, fmt.Errorf("fault spec: seed %q: want an unsigned integer", v)
			}
		case "kinds":
			for name := range strings.SplitSeq(v, "+") {
				kind, err := ParseKind(name)
				if err != nil {
					return 0, nil, 0, fmt.Errorf("fault spec: %w", err)
				}
				mix = append(mix, Fault{Kind: kind})
			}
		default:
			return 0, nil, 0, fmt.Errorf("fault spec: unknown key %q (have: rate, kinds, seed)", k)
		}
	}
	return rate, mix, seed, nil
}
