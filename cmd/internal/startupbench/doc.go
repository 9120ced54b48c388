// Package startupbench measures the start-up time of the command-line
// binaries as whole processes: `switchboard --version`, `st2 --version` and
// `st2 action list` against a seeded st2 emulator. It holds only benchmarks
// (run them with `make bench` or `go test -run '^$' -bench . ./cmd/internal/startupbench`).
//
// Each benchmark builds the binaries once, with `make build` itself,
// runs the command b.N times and reports the median wall time as ms/median,
// the median CPU time (user + system) of the process as cpu-ms/median, the
// median of a minimal Go program started the same way, interleaved with the
// command (ms/floor), and the ratio of the two wall times (x/floor). The
// machine is shared and noisy, so the medians and the ratio are the figures
// to read (the CPU time does not count waiting for a core); the target is a
// median of at most 15 ms. httpfloor_action_list times the smallest Go
// HTTP client doing what `st2 action list` does (testdata/httpfloor: one
// GET, decoded and printed), against the same emulator: what any Go
// program pays for that command on the machine, before anything of ours.
package startupbench
