package transport

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// sharedDeadlines hands out the deadlines of calls that nothing but the
// client's timeout can end: calls under context.Background, or under a
// context that carries values only. Calls that start within a short slack
// of one another share one deadline context, hence one timer.
//
// A timer per call (context.WithTimeout) costs a timer, a context, its
// done channel and, under it, the child net/http registers for the
// request: 7 or 8 allocations and about 5% of the time of a small call
// to a local server. Sharing costs a call's deadline
// precision instead: it falls between the timeout and the timeout plus
// the slack (1% of the timeout, at most a second) after the call starts,
// which a whole-call timeout of seconds can afford.
//
// A shared context is never cancelled before its deadline: a call that
// ends early simply stops watching it (net/http removes its child when
// the response body is closed). At most timeout/slack + 1 of them are
// alive at a time, while calls keep coming.
type sharedDeadlines struct {
	current atomic.Pointer[sharedDeadline]
}

// sharedDeadline is one shared deadline context and when it ends.
type sharedDeadline struct {
	ctx context.Context
	at  time.Time
	// stop is never called: the deadline ends the context, and with it
	// whatever call still runs then. It is kept to own the context's
	// resources, as context.WithDeadline asks.
	stop context.CancelFunc
}

// deadlineSlack is how much later than the timeout a call sharing a
// deadline may end.
func deadlineSlack(timeout time.Duration) time.Duration {
	return min(timeout/100, time.Second)
}

// deadline returns a context that ends between timeout and timeout plus
// its slack after now: the current shared one when it does, a new one
// otherwise. Two calls racing to replace it each get a valid one.
func (d *sharedDeadlines) deadline(now time.Time, timeout time.Duration) context.Context {
	earliest, slack := now.Add(timeout), deadlineSlack(timeout)
	if cur := d.current.Load(); cur != nil && !cur.at.Before(earliest) && cur.at.Sub(earliest) <= slack {
		return cur.ctx
	}
	at := earliest.Add(slack)
	ctx, stop := context.WithDeadline(context.Background(), at)
	d.current.Store(&sharedDeadline{ctx: ctx, at: at, stop: stop})
	return ctx
}

// call prepares the timeout layer's copy of a request whose context is
// caller, under a shared deadline.
func (d *sharedDeadlines) call(caller context.Context, timeout time.Duration) *sharedCall {
	c := new(sharedCall)
	c.ctx = callContext{Context: d.deadline(time.Now(), timeout), values: caller}
	return c
}

// sharedCall is the timeout layer's copy of a request and the context it
// runs under, allocated together, once per call.
type sharedCall struct {
	req http.Request
	ctx callContext
}

// context returns the call's context: the shared deadline itself for a
// caller's Background or TODO, which hold nothing to keep.
func (c *sharedCall) context() context.Context {
	switch c.ctx.values {
	case context.Background(), context.TODO():
		return c.ctx.Context
	}
	return &c.ctx
}

// callContext is a shared deadline (its Deadline, Done and Err) with the
// values of the caller's context, which can never end by itself.
//
// Value falls back on the shared context for keys the caller's lacks.
// This is how the context package finds the cancellable context behind a
// Done channel: net/http's per-request context then registers with the
// shared one directly, as under the caller's own WithTimeout, instead of
// starting a goroutine to watch Done.
type callContext struct {
	context.Context
	values context.Context
}

// Value returns the caller's value for key, else the deadline's.
func (c *callContext) Value(key any) any {
	if v := c.values.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}
