package rightscale

import "time"

// SetClock replaces the client's clock, for tests of token renewal.
func SetClock(c *Client, now func() time.Time) { c.now = now }

// SetMaxResponseBody changes the bound on JSON answers and returns a
// function restoring it, for tests of oversized answers.
func SetMaxResponseBody(n int64) (restore func()) {
	old := maxResponseBody
	maxResponseBody = n
	return func() { maxResponseBody = old }
}
