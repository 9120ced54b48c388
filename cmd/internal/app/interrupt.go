package app

import (
	"context"
	"os"
	"os/signal"
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
	ctx, cancel := context.WithCancel(parent)
	t := time.AfterFunc(delay, func() {
		if ctx.Err() != nil {
			return
		}
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, sigs...)
		defer signal.Stop(ch)
		select {
		case <-ch:
			cancel()
		case <-ctx.Done():
		}
	})
	return ctx, func() {
		t.Stop()
		cancel()
	}
}
