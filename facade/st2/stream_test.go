package st2_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// gate is an action handler that blocks until released.
type gate struct {
	once sync.Once
	ch   chan struct{}
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

func (g *gate) release() { g.once.Do(func() { close(g.ch) }) }

func (g *gate) fn(ctx context.Context, _ map[string]any) (any, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-g.ch:
		return map[string]any{"done": true}, nil
	}
}

func TestListenFiltersAndEnds(t *testing.T) {
	g := newGate()
	t.Cleanup(g.release)
	srv := newServer(t, st2test.WithActionHandler("tests.gate", &st2test.Action{RunnerType: "python-script"}, g.fn))
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	ex, err := c.Executions.Run(ctx, "tests.gate", nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Executions.Run(ctx, "core.noop", nil)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []st2.ExecutionStatus
	time.AfterFunc(100*time.Millisecond, g.release)
	for ev, err := range c.Stream.Listen(ctx, st2.ListenOptions{
		Events:         []string{"st2.execution__*"},
		ExecutionIDs:   []string{ex.ID},
		EndExecutionID: ex.ID,
	}) {
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		e, err := ev.Execution()
		if err != nil {
			t.Fatal(err)
		}
		if e.ID == other.ID {
			t.Fatalf("event of another execution: %s", ev.Name)
		}
		statuses = append(statuses, e.Status)
	}
	if len(statuses) == 0 || statuses[len(statuses)-1] != st2.StatusSucceeded {
		t.Fatalf("statuses %v", statuses)
	}
}

// TestListenReconnects drops the connection, finishes the execution while
// the client is disconnected, and checks that the client reconnects and
// reports the final status exactly once (made up from the API, since the
// server does not replay events).
func TestListenReconnects(t *testing.T) {
	g := newGate()
	t.Cleanup(g.release)
	srv := newServer(t, st2test.WithActionHandler("tests.gate", &st2test.Action{RunnerType: "python-script"}, g.fn))
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	ex, err := c.Executions.Run(ctx, "tests.gate", nil)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		ev  st2.Event
		err error
	}
	events := make(chan item)
	go func() {
		defer close(events)
		for ev, err := range c.Stream.Listen(ctx, st2.ListenOptions{
			Events: []string{"st2.execution__*"}, EndExecutionID: ex.ID, ReconnectDelay: 300 * time.Millisecond,
		}) {
			events <- item{ev, err}
		}
	}()
	// Any execution event proves the connection is up; it must be sent
	// after the stream subscribed, or it is never seen (the server does
	// not replay events).
	for srv.StreamSubscribers() == 0 {
		if ctx.Err() != nil {
			t.Fatal("the stream never subscribed")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := c.Executions.Run(ctx, "core.noop", nil); err != nil {
		t.Fatal(err)
	}
	if it := <-events; it.err != nil {
		t.Fatalf("first event: %v", it.err)
	}
	srv.DropStreams()
	g.release()
	var final, synthetic int
	for it := range events {
		if it.err != nil {
			t.Fatalf("stream: %v", it.err)
		}
		e, err := it.ev.Execution()
		if err != nil {
			t.Fatal(err)
		}
		if e.ID == ex.ID && st2.Completed(e.Status) {
			final++
			if it.ev.Synthetic {
				synthetic++
			}
		}
	}
	if final != 1 || synthetic != 1 {
		t.Fatalf("final events %d (synthetic %d), want exactly one made up after the reconnection", final, synthetic)
	}
}

func TestTailFollowsOutput(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	ex, err := c.Executions.Run(ctx, "core.echo", map[string]any{"message": "tailed line"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for out, err := range c.Executions.Tail(ctx, ex.ID, st2.OutputAll) {
		if err != nil {
			t.Fatalf("tail: %v", err)
		}
		if out.ExecutionID != ex.ID {
			t.Fatalf("chunk of %s", out.ExecutionID)
		}
		b.WriteString(out.Data)
	}
	if !strings.Contains(b.String(), "tailed line") {
		t.Fatalf("tail gave %q", b.String())
	}
}
