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
