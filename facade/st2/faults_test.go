package st2_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// faultEnv is an emulator behind a counting front.
type faultEnv struct {
	srv   *st2test.Server
	c     *st2.Client
	front *faulttest.Front
}

func newFaultEnv(t *testing.T, retries int, opts ...st2test.Option) *faultEnv {
	t.Helper()
	e := &faultEnv{srv: st2test.NewServer(opts...)}
	t.Cleanup(e.srv.Close)
	e.front = faulttest.NewFront(t, e.srv.Handler)
	at := func(u string) string { return strings.Replace(u, e.srv.URL, e.front.URL, 1) }
	// A 200ms cap: the retry layer honours a Retry-After of up to six
	// times its cap, and the injector's 429s ask for one second.
	c, err := st2.New(st2.Config{AuthURL: at(e.srv.AuthURL), APIURL: at(e.srv.APIURL), StreamURL: at(e.srv.StreamURL),
		APIKey: e.srv.APIKey, SkipConfig: true, TokenCacheDir: t.TempDir()},
		facade.WithRetry(retries, time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func listExecutionIDs(ctx context.Context, c *st2.Client) ([]string, error) {
	var ids []string
	for ex, err := range c.Executions.List(ctx, st2.ExecutionListOptions{}) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, ex.ID)
	}
	return ids, nil
}

// TestFaultsListUnderFaultRate lists 5,000 actions: every st2 list goes
// through the same offset pager (Manager.List), and seeding 5,000
// executions costs the emulator quadratic time, actions linear.
func TestFaultsListUnderFaultRate(t *testing.T) {
	const seeded = 5000
	e := newFaultEnv(t, 6, st2test.WithTickInterval(0), st2test.WithFaultSeed(42), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range seeded - 1 { // plus core.local
			sd.Action(st2test.Action{Pack: "soak", Name: fmt.Sprintf("a%05d", i), RunnerType: "local-shell-cmd"})
		}
	}))
	ctx := context.Background()
	list := func() ([]string, error) {
		var refs []string
		for a, err := range e.c.Actions.List(ctx, st2.ActionListOptions{}) {
			if err != nil {
				return refs, err
			}
			refs = append(refs, a.Ref)
		}
		return refs, nil
	}
	want, err := list()
	if err != nil || len(want) < seeded {
		t.Fatalf("baseline without faults: %d actions, %v", len(want), err)
	}
	n := len(want)
	getsBefore := e.front.Count("GET /api/v1/actions")
	e.srv.Faults().SetRate(0.2, faulttest.RetryableGETs()...)
	got, err := list()
	if err != nil {
		t.Fatalf("after %d items: %v", len(got), err)
	}
	seen := map[string]bool{}
	for i, id := range got {
		if seen[id] {
			t.Fatalf("action %s yielded twice", id)
		}
		seen[id] = true
		if i < len(want) && id != want[i] {
			t.Fatalf("item %d is %s, want %s: order differs from the fault-free listing", i, id, want[i])
		}
	}
	if len(got) != n {
		t.Fatalf("%d actions under faults, want %d", len(got), n)
	}
	faults := e.srv.Faults().Injected()
	gets := e.front.Count("GET /api/v1/actions") - getsBefore
	pages := (n + st2.DefaultPageSize - 1) / st2.DefaultPageSize
	if faults == 0 {
		t.Fatal("no fault injected: the test proves nothing")
	}
	t.Logf("st2 actions: %d items, %d pages, %d faults injected, %d GETs (%d retries/re-fetches)", n, pages, faults, gets, gets-pages)
	faulttest.Record(t, "st2", "list actions under 20% faults", fmt.Sprintf("%d items exactly once, in order; %d pages; %d faults; %d retries", n, pages, faults, gets-pages))
}

func TestFaultsListOutlastsRetries(t *testing.T) {
	e := newFaultEnv(t, 2, st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range 30 {
			sd.Run("core.local", map[string]any{"cmd": fmt.Sprintf("echo %d", i)})
		}
	}))
	// The second page fails more times than the client retries. Lists
	// fetch a page ahead of the loop, so a fault queued from the loop body
	// would hit whichever page is in flight; it is queued as the second
	// page's own request leaves instead.
	var once sync.Once
	arm := facade.WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if req.URL.Path == "/api/v1/executions" && req.URL.Query().Get("offset") == "10" {
				once.Do(func() {
					e.srv.Faults().FailNext(3, fault.Fault{Kind: fault.Status, Status: 502, Pattern: "GET /api/v1/executions"})
				})
			}
			return next.RoundTrip(req)
		})
	})
	at := func(u string) string { return strings.Replace(u, e.srv.URL, e.front.URL, 1) }
	c, err := st2.New(st2.Config{AuthURL: at(e.srv.AuthURL), APIURL: at(e.srv.APIURL), StreamURL: at(e.srv.StreamURL),
		APIKey: e.srv.APIKey, SkipConfig: true, TokenCacheDir: t.TempDir()},
		facade.WithRetry(2, time.Millisecond, 200*time.Millisecond), arm)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	e.c.Executions.PageSize = 10
	ctx := context.Background()
	got := 0
	var endErr error
	for _, err := range e.c.Executions.List(ctx, st2.ExecutionListOptions{}) {
		if err != nil {
			endErr = err
			break
		}
		got++
	}
	var pe *facade.ListError
	var apiErr *facade.APIError
	if !errors.As(endErr, &pe) || !errors.As(endErr, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("iteration ended with %v, want a *facade.ListError wrapping the 502", endErr)
	}
	if pe.Page != 2 || pe.Cursor != 10 || pe.Items != 10 || got != 10 || !strings.Contains(endErr.Error(), "page 2 (cursor 10) after 10 items") {
		t.Errorf("stopped at %+v after %d yielded: %v; want page 2, offset 10", pe, got, endErr)
	}
	t.Logf("st2: budget exhausted -> %v", endErr)
	faulttest.Record(t, "st2", "list: fault outlasts 2 retries", fmt.Sprintf("stopped at page %d, offset %v, after %d items; *facade.ListError wrapping 502", pe.Page, pe.Cursor, pe.Items))
}

func TestFaultsRunNeverRetried(t *testing.T) {
	const calls = 300
	e := newFaultEnv(t, 5, st2test.WithTickInterval(0), st2test.WithFaultSeed(7))
	e.srv.Faults().SetRate(0.2) // every kind but Stall, on every request
	ctx := context.Background()
	tally := faulttest.CountCreates(calls, func(i int) error {
		_, err := e.c.Executions.Run(ctx, "core.local", map[string]any{"cmd": fmt.Sprintf("echo %d", i)})
		return err
	})
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	ids, err := listExecutionIDs(ctx, e.c)
	if err != nil {
		t.Fatal(err)
	}
	created := len(ids)
	posts := e.front.Count("POST /api/v1/executions")
	tally.Check(t, faulttest.CreateFigures{Platform: "st2", Label: "st2 runs", What: "run execution under 20% faults",
		Posts: posts, Created: created, Faults: faults, WantUnknown: true})
}

func TestFaultsWaitRidesOutFaults(t *testing.T) {
	e := newFaultEnv(t, 0, st2test.WithFaultSeed(3), st2test.WithSchedulingDelays(300*time.Millisecond, 300*time.Millisecond))
	ctx := context.Background()
	ex, err := e.c.Executions.Run(ctx, "core.local", map[string]any{"cmd": "echo hi"})
	if err != nil {
		t.Fatal(err)
	}
	// No transport retries at all: the waiter alone rides the faults out.
	e.srv.Faults().SetRate(0.3, faulttest.RetryableGETs()...)
	final, err := e.c.Executions.Wait(ctx, ex.ID, st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Timeout: 30 * time.Second}})
	faults := e.srv.Faults().Injected()
	polls := e.front.Count("GET /api/v1/executions/" + ex.ID)
	if err != nil || final.Status != st2.StatusSucceeded {
		t.Fatalf("wait under faults: %v, %v", final.Status, err)
	}
	if faults == 0 {
		t.Fatal("no fault during the wait: the test proves nothing")
	}
	t.Logf("st2 wait: %d polls, %d faults ridden out, final %s", polls, faults, final.Status)
	faulttest.Record(t, "st2", "wait execution under 30% faults (no transport retries)", fmt.Sprintf("%d polls, %d faults ridden out, %s", polls, faults, final.Status))

	// Cancellation mid-wait returns at once, not at the next interval.
	e2 := newFaultEnv(t, 0, st2test.WithSchedulingDelays(time.Hour, time.Hour))
	slow, err := e2.c.Executions.Run(ctx, "core.local", map[string]any{"cmd": "echo slow"})
	if err != nil {
		t.Fatal(err)
	}
	faulttest.CancelMidWait(t, "st2", "st2 wait", func(cctx context.Context) error {
		_, err := e2.c.Executions.Wait(cctx, slow.ID, st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Minute}})
		return err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
