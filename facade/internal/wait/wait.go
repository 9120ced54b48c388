// Package wait is the one polling loop behind every waiter: backoff between
// polls, a timeout, transient failures ridden out, and a typed error when
// the wait ends before a final state.
package wait

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

// maxConsecutiveFailures bounds how many transient failures in a row a wait
// rides out: a server that is down for good ends the wait with its error
// instead of spinning until a timeout the caller may not have set.
const maxConsecutiveFailures = 10

// maxStateLen bounds the last state quoted by a WaitTimeoutError.
const maxStateLen = 256

// Target names what is awaited, for the error a timeout produces.
type Target struct {
	Platform  string // "st2"
	Operation string // "WaitExecution"
	ID        string
}

// CheckFunc polls once. It returns the latest value, its state name, and
// whether that state is final. An error ends the wait unless it is
// transient (see [Transient]).
type CheckFunc[T any] func(ctx context.Context) (value T, state string, final bool, err error)

// Poll calls check until it reports a final state, then returns that
// value. opts are the caller's settings; defaults fill in zero fields.
// The first poll happens at once.
func Poll[T any](ctx context.Context, opts, defaults facade.WaitOptions, what Target, check CheckFunc[T]) (T, error) {
	interval := cmpOr(opts.Interval, defaults.Interval, time.Second)
	maxInterval := max(cmpOr(opts.MaxInterval, defaults.MaxInterval, 30*time.Second), interval)
	timeout := cmpOr(opts.Timeout, defaults.Timeout, 0)

	start := time.Now()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}

	var (
		last     T
		state    string
		failures int
		lastErr  error
	)
	giveUp := func(cause error) (T, error) {
		return last, &facade.WaitTimeoutError{
			Platform: what.Platform, Operation: what.Operation, ID: what.ID,
			LastState: state, Elapsed: time.Since(start), Err: cause,
		}
	}
	for delay := interval; ; delay = min(delay*3/2, maxInterval) {
		v, s, final, err := check(ctx)
		switch {
		case err == nil:
			// The state is the server's word and ends up in errors:
			// bounded, whatever the server sends.
			last, state, failures = v, redact.Excerpt(s, maxStateLen), 0
			if final {
				return v, nil
			}
		case ctx.Err() != nil:
			return giveUp(ctx.Err())
		case Transient(err):
			failures++
			lastErr = err
			if failures >= maxConsecutiveFailures {
				return giveUp(err)
			}
		default:
			return last, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			if lastErr != nil && failures > 0 {
				return giveUp(errors.Join(ctx.Err(), lastErr))
			}
			return giveUp(ctx.Err())
		case <-t.C:
		}
	}
}

// Transient reports whether a polling error is worth another poll: the
// connection failed, the body was cut or garbled, or the server answered
// 5xx or 429. A 4xx means the question itself is wrong and never is.
func Transient(err error) bool {
	var apiErr *facade.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests
	}
	var tErr *facade.TransportError
	var dErr *facade.DecodeError
	return errors.As(err, &tErr) || errors.As(err, &dErr)
}

func cmpOr(vals ...time.Duration) time.Duration {
	for _, v := range vals {
		if v > 0 {
			return v
		}
	}
	return 0
}
