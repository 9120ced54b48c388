package app

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// interruptDelay is how long a command runs before InterruptContext asks
// for the signals.
const interruptDelay = 50 * time.Millisecond

// InterruptContext returns a context that SIGINT or SIGTERM cancels, like
// signal.NotifyContext, and the function that releases it.
//
// It asks for the signals only once the command has run for
// interruptDelay: the first signal.Notify of a process starts OS threads
// (the runtime's signal mask thread and its signal loop), about a
// millisecond of every start (see BENCHMARKS.md), which a command that is
// done sooner need not pay. Until then a signal ends the process at once,
// as it would with no handler; nothing a command does that early needs
// to be wound down. After the first signal is handled, the next one ends
// the process too, so a command slow to stop can still be killed.
func InterruptContext(parent context.Context) (context.Context, context.CancelFunc) {
	return interruptContext(parent, interruptDelay, os.Interrupt, syscall.SIGTERM)
}

func interruptContext(parent context.Context, delay time.Duration, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	base, cancel := context.WithCancel(parent)
	var once sync.Once
	// arm registers the handler (synchronously, so that a signal sent
	// after it returns is the context's) and waits for a signal on a
	// goroutine of its own.
	arm := func() {
		once.Do(func() {
			if base.Err() != nil {
				return
			}
			ch := make(chan os.Signal, 1)
			signal.Notify(ch, sigs...)
			go func() {
				defer signal.Stop(ch)
				select {
				case <-ch:
					cancel()
				case <-base.Done():
				}
			}()
		})
	}
	t := time.AfterFunc(delay, arm)
	ctx := context.WithValue(base, armKey{}, func() {
		t.Stop()
		arm()
	})
	return ctx, func() {
		t.Stop()
		cancel()
	}
}

type armKey struct{}

// ArmInterrupt makes the InterruptContext that ctx comes from handle
// SIGINT and SIGTERM from now on, without waiting for its delay; under
// any other context it does nothing. A command calls it before it puts
// the terminal in a state it must undo (echo turned off for a password),
// so that Ctrl-C cancels the command, which restores the terminal, where
// the signal's default action would end the process at once and leave
// the terminal as it was set.
func ArmInterrupt(ctx context.Context) {
	if arm, ok := ctx.Value(armKey{}).(func()); ok {
		arm()
	}
}
