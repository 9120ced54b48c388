package facade

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// WaitOptions tune a waiter (an st2 execution, a RightScale task, a Saagie
// job instance, a spacestudio computation). Zero fields take the
// platform's defaults, documented on each Wait method.
type WaitOptions struct {
	// Interval is the delay before the second poll; later delays grow
	// (times 1.5) up to MaxInterval.
	Interval time.Duration
	// MaxInterval caps the delay between polls.
	MaxInterval time.Duration
	// Timeout bounds the whole wait; zero waits as long as the context
	// allows. A wait that times out returns a *WaitTimeoutError.
	Timeout time.Duration
}

// WaitTimeoutError reports a wait that ended before the awaited object
// reached a final state: the timeout passed or the context ended. The
// object itself may still finish later.
type WaitTimeoutError struct {
	// Platform is the platform's short name, e.g. "st2".
	Platform string
	// Operation names what was awaited, e.g. "WaitExecution".
	Operation string
	// ID identifies the awaited object.
	ID string
	// LastState is the last state seen, empty if no poll succeeded.
	LastState string
	// Elapsed is how long the wait lasted.
	Elapsed time.Duration
	// Err is context.DeadlineExceeded or context.Canceled, or, when the
	// polls kept failing, the last polling error.
	Err error
}

// Error says what was awaited, for how long, and the last state seen.
func (e *WaitTimeoutError) Error() string {
	var b strings.Builder
	if e.Platform != "" {
		b.WriteString(e.Platform + ": ")
	}
	what := e.Operation
	if what == "" {
		what = "wait"
	}
	fmt.Fprintf(&b, "%s %s: gave up after %s", what, e.ID, e.Elapsed.Round(time.Millisecond))
	if e.LastState != "" {
		fmt.Fprintf(&b, " (last state %q)", e.LastState)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the cause.
func (e *WaitTimeoutError) Unwrap() error { return e.Err }

// Is makes a WaitTimeoutError match context.DeadlineExceeded, also one
// ended by repeated polling failures, since the caller's question is the
// same: the object did not finish in time. A wait the caller cancelled
// matches context.Canceled only.
func (e *WaitTimeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded && !errors.Is(e.Err, context.Canceled)
}
