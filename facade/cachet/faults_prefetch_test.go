package cachet_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
)

// TestFaultsListPrefetchDepths is TestFaultsListUnderFaultRate (which runs
// at the default depth, one page ahead) at the two other ends of
// facade.WithPrefetch: no read-ahead, and facade.MaxPrefetch pages ahead,
// where several pages are in flight when a fault hits one of them. The
// same 5,000 components must come exactly once, in order.
func TestFaultsListPrefetchDepths(t *testing.T) {
	const n = 5000
	e := newFaultEnv(t, 43, 6)
	e.seed(t, n)
	ctx := context.Background()
	for _, depth := range []int{0, facade.MaxPrefetch} {
		c, err := cachet.New(e.front.URL+"/api/v1", e.srv.Token, facade.WithRetry(6, time.Millisecond, 200*time.Millisecond), facade.WithPrefetch(depth))
		if err != nil {
			t.Fatal(err)
		}
		e.srv.Faults().SetRate(0.2, faulttest.RetryableGETs()...)
		before := e.srv.Faults().Injected()
		getsBefore := e.front.Count("GET /api/v1/components")
		seen := make(map[int]bool, n)
		last := 0
		for comp, err := range c.Components.List(ctx, cachet.ComponentListOptions{ListOptions: cachet.ListOptions{PerPage: 50, Sort: "id", Order: cachet.Ascending}}) {
			if err != nil {
				t.Fatalf("prefetch %d: after %d items: %v", depth, len(seen), err)
			}
			if seen[comp.ID] || comp.ID <= last {
				t.Fatalf("prefetch %d: component %d after %d: repeated or out of order", depth, comp.ID, last)
			}
			seen[comp.ID], last = true, comp.ID
		}
		e.srv.Faults().SetRate(0)
		faults := e.srv.Faults().Injected() - before
		gets := e.front.Count("GET /api/v1/components") - getsBefore
		if len(seen) != n || faults == 0 {
			t.Fatalf("prefetch %d: %d components yielded (want %d), %d faults", depth, len(seen), n, faults)
		}
		pages := n / 50
		t.Logf("cachet components, prefetch %d: %d items, %d pages, %d faults injected, %d GETs (%d retries/re-fetches)", depth, n, pages, faults, gets, gets-pages)
		faulttest.Record(t, "cachet", fmt.Sprintf("list components under 20%% faults, prefetch %d", depth), fmt.Sprintf("%d items exactly once, in order; %d pages; %d faults; %d retries", n, pages, faults, gets-pages))
	}
}
