package faulttest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
)

// Answer is what a client got: the status, headers and body it read, and
// the error that ended the exchange, if any.
type Answer struct {
	Code int
	H    http.Header
	Body []byte
	Err  error
}

// Send makes one request with client and reads the whole answer; header
// holds name, value pairs (set, so canonicalised).
func Send(ctx context.Context, client *http.Client, method, url, body string, header ...string) Answer {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return Answer{Err: err}
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return Answer{Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Answer{resp.StatusCode, resp.Header, b, err}
}

// Check is a per-kind assertion on what a client got.
type Check func(t *testing.T, a Answer)

// WantStatus expects code with title(body) its status text; want says
// what the platform's error body is, for the failure message.
func WantStatus(code int, title func([]byte) string, want string) Check {
	return func(t *testing.T, a Answer) {
		if a.Err != nil || a.Code != code || title(a.Body) != http.StatusText(code) {
			t.Fatalf("%d %s %v: want %s", a.Code, a.Body, a.Err, want)
		}
	}
}

// WantRateLimit expects a 429 asking to come back after retryAfter
// seconds, with title(body) "Too Many Requests".
func WantRateLimit(retryAfter string, title func([]byte) string) Check {
	return func(t *testing.T, a Answer) {
		if a.Err != nil || a.Code != 429 || a.H.Get("Retry-After") != retryAfter || title(a.Body) != "Too Many Requests" {
			t.Fatalf("%d Retry-After %q %s %v", a.Code, a.H.Get("Retry-After"), a.Body, a.Err)
		}
	}
}

// WantHTMLType expects a proxy's HTML page, told by its Content-Type.
func WantHTMLType(code int) Check {
	return func(t *testing.T, a Answer) {
		if a.Err != nil || a.Code != code || !strings.HasPrefix(a.H.Get("Content-Type"), "text/html") {
			t.Fatalf("%d %q %v: want a proxy's HTML %d", a.Code, a.H.Get("Content-Type"), a.Err, code)
		}
	}
}

// WantHTMLBody expects a proxy's HTML page containing fragment.
func WantHTMLBody(code int, fragment string) Check {
	return func(t *testing.T, a Answer) {
		if a.Err != nil || a.Code != code || !strings.Contains(string(a.Body), fragment) {
			t.Fatalf("%d %s %v: want a proxy's HTML %d", a.Code, a.Body, a.Err, code)
		}
	}
}

// WantMalformed expects a 200 whose body is not JSON.
func WantMalformed() Check {
	return func(t *testing.T, a Answer) {
		if a.Err != nil || a.Code != 200 || json.Valid(a.Body) {
			t.Fatalf("%d %q %v: want a 200 that is not JSON", a.Code, a.Body, a.Err)
		}
	}
}

// WantTruncated expects code with the first part of a JSON body, which
// starts with prefix; what names the whole, for the failure message.
func WantTruncated(code int, prefix, what string) Check {
	return func(t *testing.T, a Answer) {
		if a.Err != nil || a.Code != code || json.Valid(a.Body) || !strings.HasPrefix(string(a.Body), prefix) {
			t.Fatalf("%d %q %v: want half of %s", a.Code, a.Body, a.Err, what)
		}
	}
}

// WantReset expects code and then the connection cut mid-body.
func WantReset(code int) Check {
	return func(t *testing.T, a Answer) {
		if !errors.Is(a.Err, io.ErrUnexpectedEOF) || a.Code != code {
			t.Fatalf("%d %v: want the connection cut mid-body", a.Code, a.Err)
		}
	}
}

// CheckStall sends with a 100ms deadline into a stalled server and
// expects the client's deadline, not an answer.
func CheckStall(t *testing.T, send func(ctx context.Context) Answer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if a := send(ctx); !errors.Is(a.Err, context.DeadlineExceeded) {
		t.Fatalf("%d %v: want the client's deadline", a.Code, a.Err)
	}
}

// CheckSeeded asserts that random faults follow the seed: open starts an
// emulator with the seed, closed when t ends, and returns its injector
// and a request to repeat. Sixty requests at a 30% rate of status
// faults must fail some but not all, each counted by the injector and,
// when title is not nil, with the platform's error body; the same seed
// twice must fail the same requests.
func CheckSeeded(t *testing.T, status int, title func([]byte) string, open func(seed uint64) (*fault.Injector, func() Answer)) {
	t.Helper()
	run := func(seed uint64) []int {
		faults, send := open(seed)
		faults.SetRate(0.3, fault.Fault{Kind: fault.Status, Status: status})
		var codes []int
		failed := 0
		for range 60 {
			a := send()
			codes = append(codes, a.Code)
			if a.Code == status {
				failed++
				if title != nil && title(a.Body) != http.StatusText(status) {
					t.Fatalf("random fault body %s", a.Body)
				}
			}
		}
		if failed == 0 || failed == 60 || int64(failed) != faults.Injected() {
			t.Fatalf("%d of 60 failed, Injected() = %d", failed, faults.Injected())
		}
		return codes
	}
	if a, b := run(42), run(42); !slices.Equal(a, b) {
		t.Fatalf("seed 42 twice:\n%v\n%v", a, b)
	}
}
