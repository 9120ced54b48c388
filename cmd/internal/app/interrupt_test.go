package app

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// The tests signal themselves with SIGWINCH, which a process ignores
// when nothing asked for it: a signal sent before the handler is in place
// is lost, not fatal.

func TestInterruptContextCancelsOnSignal(t *testing.T) {
	ctx, stop := interruptContext(context.Background(), 0, syscall.SIGWINCH)
	defer stop()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-tick.C:
			if err := syscall.Kill(syscall.Getpid(), syscall.SIGWINCH); err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
		case <-deadline:
			t.Fatal("the signal never cancelled the context")
		}
	}
	if ctx.Err() != context.Canceled {
		t.Fatalf("context ended with %v", ctx.Err())
	}
}

func TestInterruptContextWaitsForItsDelay(t *testing.T) {
	ctx, stop := interruptContext(context.Background(), time.Hour, syscall.SIGWINCH)
	for range 3 {
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGWINCH); err != nil {
			t.Fatal(err)
		}
	}
	// Signals before the delay are not the context's: it stays live
	// until released.
	select {
	case <-ctx.Done():
		t.Fatalf("cancelled before its delay: %v", ctx.Err())
	case <-time.After(20 * time.Millisecond):
	}
	stop()
	if ctx.Err() != context.Canceled {
		t.Fatalf("after stop: %v", ctx.Err())
	}
}

func TestInterruptContextFollowsItsParent(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx, stop := interruptContext(parent, 0, syscall.SIGWINCH)
	defer stop()
	cancel()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the parent's cancellation did not reach the context")
	}
}

// TestArmInterruptSkipsTheDelay: armed, the context is cancelled by a
// signal long before its delay; the same signal is lost otherwise (see
// TestInterruptContextWaitsForItsDelay).
func TestArmInterruptSkipsTheDelay(t *testing.T) {
	ctx, stop := interruptContext(context.Background(), time.Hour, syscall.SIGWINCH)
	defer stop()
	ArmInterrupt(ctx)
	ArmInterrupt(ctx) // once is enough; twice changes nothing
	// One signal, right after arming: the handler is in place by then.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("an armed context was not cancelled by the signal")
	}
	ArmInterrupt(context.Background()) // not an interrupt context: nothing happens
}
