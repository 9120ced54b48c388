// Package faulttest holds the harness the fault-soak tests of every
// platform share: the counting front that sees requests before the fault
// injector does, the tally of creates under faults, the cancel-mid-wait
// check, the recording of the RESILIENCE.md figures, and the per-kind
// client checks of the emulators' fault tests. It is for tests only.
package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
)

// Front counts requests as they reach the server, before the fault
// injector decides their fate, so that a test can tell a retried create
// from a single one.
type Front struct {
	// URL is where clients must send their requests to be counted.
	URL    string
	mu     sync.Mutex
	counts map[string]int
}

// NewFront serves handler (asked for on every request, as the emulator's
// own handler may change) behind a counter, closed when t ends.
func NewFront(t testing.TB, handler func() http.Handler) *Front {
	t.Helper()
	f := &Front{counts: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.counts[r.Method+" "+r.URL.Path]++
		f.mu.Unlock()
		handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	f.URL = front.URL
	return f
}

// Count is the number of requests seen for key, "METHOD /path".
func (f *Front) Count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[key]
}

// Matching counts the requests of method whose path contains part, for
// platforms whose paths carry ids.
func (f *Front) Matching(method, part string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for k, v := range f.counts {
		if strings.HasPrefix(k, method+" ") && strings.Contains(k, part) {
			n += v
		}
	}
	return n
}

// Record writes one row of the resilience table into the directory named
// by SWITCHBOARD_RESILIENCE_OUT, when set (the figures of RESILIENCE.md);
// the t.Logf lines carry the same figures in every run.
func Record(t testing.TB, platform, what, figure string) {
	t.Helper()
	dir := os.Getenv("SWITCHBOARD_RESILIENCE_OUT")
	if dir == "" {
		return
	}
	row := fmt.Sprintf("| %s | %s | `%s` | %s |\n", platform, what, t.Name(), figure)
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(what))
	name := filepath.Join(dir, platform+"-"+strings.ReplaceAll(t.Name(), "/", "_")+"-"+slug+".row")
	if err := os.WriteFile(name, []byte(row), 0o644); err != nil {
		t.Errorf("recording the figures: %v", err)
	}
}

// AnswerLost reports a create answered 2xx whose answer could not be used
// (a body cut or garbled on the way, a Location missing) reported as a
// *facade.DecodeError that does not match facade.ErrOutcomeUnknown. The
// object may exist, so the caller must be told its outcome is unknown:
// Creates.Check fails on any.
func AnswerLost(err error) bool {
	var de *facade.DecodeError
	return errors.As(err, &de) && de.StatusCode >= 200 && de.StatusCode < 300 && de.Method == http.MethodPost &&
		!errors.Is(err, facade.ErrOutcomeUnknown)
}

// Creates sorts the outcomes of creates made under faults: a create may
// succeed, fail for sure, or leave the caller not knowing.
type Creates struct {
	Calls, Successes, Unknown, Lost, Failed int
}

// CountCreates calls create(i) for i in [0, calls) and sorts the errors.
func CountCreates(calls int, create func(i int) error) Creates {
	c := Creates{Calls: calls}
	for i := range calls {
		err := create(i)
		switch {
		case err == nil:
			c.Successes++
		case errors.Is(err, facade.ErrOutcomeUnknown):
			c.Unknown++
		case AnswerLost(err):
			c.Lost++
		default:
			c.Failed++
		}
	}
	return c
}

// CreateFigures is what a create soak observed once the faults stopped.
type CreateFigures struct {
	Platform string // the platform column of the table
	Label    string // how the t.Logf line starts, e.g. "cachet creates"
	What     string // the operation column of the table
	Posts    int    // POSTs that reached the server
	Created  int    // objects that exist afterwards
	Faults   int64  // faults injected
	// WantUnknown requires some outcome unknown or answer lost, where the
	// fault mix is bound to produce one.
	WantUnknown bool
}

// Check asserts that no create was retried, that the objects created are
// accounted for by the outcomes, and that the mix produced definite
// failures (and, if asked, unknown outcomes); then it logs and records
// the figures.
func (c Creates) Check(t testing.TB, f CreateFigures) {
	t.Helper()
	if f.Posts != c.Calls {
		t.Errorf("%d POSTs reached the server for %d create calls: a create was retried", f.Posts, c.Calls)
	}
	if f.Created < c.Successes || f.Created-c.Successes > c.Unknown+c.Lost {
		t.Errorf("created %d, successes %d, outcome unknown %d, 2xx answer lost %d: want successes <= created <= successes+unknown+lost", f.Created, c.Successes, c.Unknown, c.Lost)
	}
	if c.Lost > 0 {
		t.Errorf("%d creates answered 2xx but unusable were reported as a plain DecodeError: they may have created an object and must match facade.ErrOutcomeUnknown", c.Lost)
	}
	if f.WantUnknown && (c.Unknown+c.Lost == 0 || c.Failed == 0) {
		t.Errorf("outcome unknown or lost %d, definite failures %d: the fault mix should produce both", c.Unknown+c.Lost, c.Failed)
	}
	if !f.WantUnknown && c.Failed == 0 {
		t.Errorf("no definite failure among %d calls: the fault mix should produce some", c.Calls)
	}
	t.Logf("%s: %d calls, %d POSTs, %d faults, %d successes, %d outcome unknown, %d 2xx answers lost (DecodeError), %d failed, %d created", f.Label, c.Calls, f.Posts, f.Faults, c.Successes, c.Unknown, c.Lost, c.Failed, f.Created)
	Record(t, f.Platform, f.What, fmt.Sprintf("%d calls = %d POSTs (none retried); %d ok, %d ErrOutcomeUnknown, %d 2xx-answer-lost DecodeError, %d failed; %d created", c.Calls, f.Posts, c.Successes, c.Unknown, c.Lost, c.Failed, f.Created))
}

// CancelMidWait cancels the context of wait after 100ms and asserts that
// wait returns context.Canceled at once rather than at its next interval
// (the caller asks for a one-minute interval); label starts the t.Logf
// line, e.g. "st2 wait".
func CancelMidWait(t testing.TB, platform, label string, wait func(ctx context.Context) error) {
	t.Helper()
	cctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := wait(cctx)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) || took > 2*time.Second {
		t.Errorf("cancelled wait: %v after %v, want context.Canceled at once", err, took)
	}
	t.Logf("%s cancelled after 100ms returned in %v", label, took.Round(time.Millisecond))
	Record(t, platform, "wait cancelled mid-interval (interval 1 min)", fmt.Sprintf("returned context.Canceled after %v", took.Round(10*time.Millisecond)))
}

// RetryableGETs is the mix of faults a read must ride out: the statuses
// the transport retries, 429 with Retry-After, and bodies lost or garbled
// on the way (which the paging helper re-fetches).
func RetryableGETs() []fault.Fault {
	return []fault.Fault{
		{Kind: fault.Status, Status: 502, Pattern: "GET "}, {Kind: fault.Status, Status: 503, Pattern: "GET "},
		{Kind: fault.Status, Status: 504, Pattern: "GET "}, {Kind: fault.RateLimit, Pattern: "GET "},
		{Kind: fault.Reset, Pattern: "GET "}, {Kind: fault.Truncate, Pattern: "GET "},
		{Kind: fault.Malformed, Pattern: "GET "}, {Kind: fault.HTML, Status: 502, Pattern: "GET "},
	}
}
