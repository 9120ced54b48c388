package wait_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
)

var target = wait.Target{Platform: "test", Operation: "WaitThing", ID: "42"}

// script returns a check that answers with the given steps in turn.
type step struct {
	state string
	final bool
	err   error
}

func script(steps ...step) (wait.CheckFunc[string], *[]time.Time) {
	var at []time.Time
	i := 0
	return func(context.Context) (string, string, bool, error) {
		at = append(at, time.Now())
		s := steps[min(i, len(steps)-1)]
		i++
		return s.state, s.state, s.final, s.err
	}, &at
}

func TestPollBacksOffUntilFinal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		check, at := script(step{state: "requested"}, step{state: "running"}, step{state: "running"}, step{state: "succeeded", final: true})
		got, err := wait.Poll(context.Background(), facade.WaitOptions{Interval: time.Second, MaxInterval: 2 * time.Second}, facade.WaitOptions{}, target, check)
		if err != nil || got != "succeeded" {
			t.Fatalf("got %q, %v", got, err)
		}
		var gaps []time.Duration
		for i := 1; i < len(*at); i++ {
			gaps = append(gaps, (*at)[i].Sub((*at)[i-1]))
		}
		want := []time.Duration{time.Second, 1500 * time.Millisecond, 2 * time.Second}
		if len(gaps) != len(want) {
			t.Fatalf("gaps %v, want %v", gaps, want)
		}
		for i := range want {
			if gaps[i] != want[i] {
				t.Fatalf("gaps %v, want %v", gaps, want)
			}
		}
	})
}

func TestPollRidesOutTransientFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		transient := []error{
			&facade.TransportError{Err: errors.New("connection reset")},
			&facade.APIError{StatusCode: 503},
			&facade.APIError{StatusCode: 429},
			&facade.DecodeError{Err: errors.New("unexpected EOF")},
		}
		steps := []step{{state: "running"}}
		for _, e := range transient {
			steps = append(steps, step{err: e})
		}
		steps = append(steps, step{state: "failed", final: true})
		check, _ := script(steps...)
		got, err := wait.Poll(context.Background(), facade.WaitOptions{}, facade.WaitOptions{Interval: time.Second}, target, check)
		if err != nil || got != "failed" {
			t.Fatalf("got %q, %v; transient errors should be ridden out", got, err)
		}
	})
}

func TestPollStopsOnPermanentError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notFound := &facade.APIError{StatusCode: 404}
		check, at := script(step{state: "running"}, step{err: notFound})
		_, err := wait.Poll(context.Background(), facade.WaitOptions{}, facade.WaitOptions{}, target, check)
		if !errors.Is(err, facade.ErrNotFound) || len(*at) != 2 {
			t.Fatalf("got %v after %d polls; want the 404 at once", err, len(*at))
		}
	})
}

func TestPollTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		check, _ := script(step{state: "running"})
		start := time.Now()
		last, err := wait.Poll(context.Background(), facade.WaitOptions{Timeout: time.Minute}, facade.WaitOptions{Interval: time.Second}, target, check)
		var te *facade.WaitTimeoutError
		if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want a *WaitTimeoutError matching DeadlineExceeded", err)
		}
		if te.LastState != "running" || te.ID != "42" || last != "running" {
			t.Fatalf("timeout error %+v, last %q", te, last)
		}
		if d := time.Since(start); d != time.Minute {
			t.Fatalf("gave up after %v, want exactly the timeout", d)
		}
	})
}

func TestPollCancelIsPromptAndNotADeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		check, _ := script(step{state: "running"})
		go func() {
			time.Sleep(90 * time.Second)
			cancel()
		}()
		start := time.Now()
		_, err := wait.Poll(ctx, facade.WaitOptions{Interval: time.Hour}, facade.WaitOptions{}, target, check)
		if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want context.Canceled only", err)
		}
		if d := time.Since(start); d != 90*time.Second {
			t.Fatalf("returned after %v, want at the cancellation", d)
		}
	})
}

func TestPollGivesUpAfterTooManyFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		down := &facade.APIError{StatusCode: 502}
		check, at := script(step{err: down})
		_, err := wait.Poll(context.Background(), facade.WaitOptions{}, facade.WaitOptions{Interval: time.Second}, target, check)
		var te *facade.WaitTimeoutError
		if !errors.As(err, &te) {
			t.Fatalf("got %v", err)
		}
		if te.Err != down || len(*at) != 10 {
			t.Fatalf("gave up with %v after %d polls, want the 502 after 10", te.Err, len(*at))
		}
	})
}
