package st2test

import "time"

// WithLatency delays every request by d before it is handled, to emulate
// a remote server (or to measure a client's concurrency, as the paging
// benchmarks do). A client that gives up meanwhile ends the wait.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }
