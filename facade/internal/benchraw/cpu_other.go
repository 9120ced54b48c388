//go:build !unix

package benchraw

import "time"

// cpuTime is unknown here: the CPU figures are left out.
func cpuTime() time.Duration { return 0 }
