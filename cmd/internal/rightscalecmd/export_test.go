package rightscalecmd

import "time"

// The goldens wait for sandbox tasks that move on by reads, not by time:
// poll them without the real one-second backoff (every summary the
// emulator shows is still read, so the progress lines are the same).
func init() { taskPollInterval = time.Millisecond }
