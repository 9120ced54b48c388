package st2_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// putFaults is every fault kind but Stall, on key writes only.
func putFaults() []fault.Fault {
	return []fault.Fault{
		{Kind: fault.Status, Status: 500, Pattern: "PUT /api/v1/keys/"}, {Kind: fault.Status, Status: 502, Pattern: "PUT /api/v1/keys/"},
		{Kind: fault.Status, Status: 503, Pattern: "PUT /api/v1/keys/"}, {Kind: fault.Status, Status: 504, Pattern: "PUT /api/v1/keys/"},
		{Kind: fault.RateLimit, Pattern: "PUT /api/v1/keys/"}, {Kind: fault.Reset, Pattern: "PUT /api/v1/keys/"},
		{Kind: fault.Truncate, Pattern: "PUT /api/v1/keys/"}, {Kind: fault.Malformed, Pattern: "PUT /api/v1/keys/"},
		{Kind: fault.HTML, Status: 502, Pattern: "PUT /api/v1/keys/"},
	}
}

// TestFaultsKeySetUnderFaultRate sets 300 keys under a 20% fault rate of
// every kind. A key set is a PUT of the whole pair, idempotent, so unlike a
// create it may be sent again: the transport retries statuses, 429s and
// resets, and a caller may set again a key whose answer it did not get.
// What must hold on the server afterwards: every key exactly once, with
// the value of its one set call, however many PUTs it took.
func TestFaultsKeySetUnderFaultRate(t *testing.T) {
	const calls = 300
	e := newFaultEnv(t, 5, st2test.WithTickInterval(0), st2test.WithFaultSeed(11))
	ctx := context.Background()
	name := func(i int) string { return fmt.Sprintf("soak.k%03d", i) }
	value := func(i int) string { return fmt.Sprintf("value-%d", i) }
	set := func(i int) error {
		kv, err := e.c.Keys.Set(ctx, st2.KeyValuePairSet{Name: name(i), Value: value(i)})
		if err == nil && (kv.Name != name(i) || kv.Value != value(i)) {
			t.Errorf("set %s answered %s=%q", name(i), kv.Name, kv.Value)
		}
		return err
	}
	e.srv.Faults().SetRate(0.2, putFaults()...)
	var failed []int
	for i := range calls {
		if err := set(i); err != nil {
			// Statuses, 429s and HTML pages are retried by the transport
			// (retries 5): what reaches the caller is an answer lost or
			// garbled after its 200 status, which only the caller can
			// repeat.
			var apiErr *facade.APIError
			if errors.As(err, &apiErr) {
				t.Errorf("set %s: %v: a status answer reached the caller, the transport should have retried it", name(i), err)
			}
			failed = append(failed, i)
		}
	}
	// A failed set is sent again by the caller, still under faults: the
	// only answer a PUT leaves in doubt is a lost 200 (reset, truncated,
	// garbled), which sending it again settles.
	resent := 0
	for _, i := range failed {
		var err error
		for range 5 {
			resent++
			if err = set(i); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("key %s still failing after 5 caller re-sends: %v", name(i), err)
		}
	}
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	puts := e.front.Matching("PUT", "/api/v1/keys/")

	got := map[string]string{}
	count := 0
	for kv, err := range e.c.Keys.List(ctx, st2.KeyListOptions{Prefix: "soak."}) {
		if err != nil {
			t.Fatal(err)
		}
		count++
		if _, dup := got[kv.Name]; dup {
			t.Fatalf("key %s stored twice", kv.Name)
		}
		got[kv.Name] = kv.Value
	}
	if count != calls {
		t.Fatalf("%d keys on the server, want %d", count, calls)
	}
	for i := range calls {
		if v, ok := got[name(i)]; !ok || v != value(i) {
			t.Fatalf("key %s = %q (present %v), want %q", name(i), v, ok, value(i))
		}
	}
	if faults == 0 || puts <= calls {
		t.Fatalf("%d faults, %d PUTs for %d keys: the faults were not exercised", faults, puts, calls)
	}
	if len(failed) == 0 {
		t.Fatal("no set failed: the lost-answer kinds were not exercised")
	}
	t.Logf("st2 key set: %d keys, %d faults, %d PUTs (%d re-sent by the transport, %d by the caller after %d failed calls), %d keys stored once each with their value",
		calls, faults, puts, puts-calls-resent, resent, len(failed), count)
	faulttest.Record(t, "st2", "key set (PUT) under 20% faults", fmt.Sprintf("%d keys, %d PUTs: %d retried by the transport, %d failed calls set again by the caller (%d PUTs); %d faults; %d keys stored, each once with its value", calls, puts, puts-calls-resent, len(failed), resent, faults, count))
}
