package rightscale

import "time"

// SetClock replaces the client's clock, for tests of token renewal.
func SetClock(c *Client, now func() time.Time) { c.now = now }
