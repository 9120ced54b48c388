// Package sandbox starts the platform emulators for the CLI: in-process for
// --sandbox, and as long-running loopback servers for `switchboard sandbox
// serve`. Each platform reports the environment variables its own tools read,
// so any client can be pointed at the emulator.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade/fault"
)

// EnvVar is one NAME=value pair a platform's own tools read.
type EnvVar struct {
	Name  string
	Value string
}

// Options tune a sandbox.
type Options struct {
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// Seed fills the emulator with a small demo data set, so that read
	// commands under --sandbox show something.
	Seed bool
	// Now is the emulator's clock; nil means the real time. Tests freeze
	// it so that timestamps in the output are reproducible.
	Now func() time.Time
	// Faults is a `--faults` spec ("rate=0.2,kinds=status+reset,seed=7",
	// see [fault.ParseSpec]); empty means no faults. It is applied after
	// the demo data is seeded, so seeding never fails by design.
	Faults string
}

// faultSpec is a parsed Options.Faults.
type faultSpec struct {
	rate float64
	mix  []fault.Fault
	seed uint64
}

// parseFaults reads Options.Faults; a zero spec means no faults.
func parseFaults(spec string) (faultSpec, error) {
	if strings.TrimSpace(spec) == "" {
		return faultSpec{}, nil
	}
	rate, mix, seed, err := fault.ParseSpec(spec)
	if err != nil {
		return faultSpec{}, fmt.Errorf("%w: %w", ErrBadFaults, err)
	}
	return faultSpec{rate: rate, mix: mix, seed: seed}, nil
}

// apply turns the faults on in an emulator's injector.
func (f faultSpec) apply(inj *fault.Injector) {
	if f.rate > 0 {
		inj.SetRate(f.rate, f.mix...)
	}
}

// ErrBadFaults is returned by Start for an unreadable Options.Faults.
var ErrBadFaults = errors.New("bad --faults spec")

// Instance is a running emulator.
type Instance struct {
	// Platform is the platform's name as the CLI spells it.
	Platform string
	// URL is the emulator's base URL.
	URL string
	// Env lists the variables that point the platform's tools at it.
	Env   []EnvVar
	close func()
}

// Close stops the emulator.
func (i *Instance) Close() {
	if i.close != nil {
		i.close()
	}
}

// Lookup returns the value of one of the instance's environment variables.
func (i *Instance) Lookup(name string) string {
	for _, v := range i.Env {
		if v.Name == name {
			return v.Value
		}
	}
	return ""
}

type starter func(ctx context.Context, opts Options) (*Instance, error)

// starters is the list of emulated platforms. It is a function rather than a
// package variable so that no state is shared between invocations.
func starters() map[string]starter {
	return map[string]starter{
		"cachet":      startCachet,
		"rightscale":  startRightScale,
		"saagie":      startSaagie,
		"spacestudio": startSpacestudio,
		"st2":         startST2,
	}
}

// Platforms lists the platforms that have an emulator, sorted.
func Platforms() []string {
	names := make([]string, 0, len(starters()))
	for name := range starters() {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ErrUnknownPlatform is returned by Start for a platform without an emulator.
var ErrUnknownPlatform = errors.New("no emulator for this platform")

// IsUnknownPlatform reports whether err says the platform has no emulator.
func IsUnknownPlatform(err error) bool { return errors.Is(err, ErrUnknownPlatform) }

// Start starts the emulator of platform.
func Start(ctx context.Context, platform string, opts Options) (*Instance, error) {
	start, ok := starters()[strings.ToLower(platform)]
	if !ok {
		return nil, fmt.Errorf("%w: %q (have: %s)", ErrUnknownPlatform, platform, strings.Join(Platforms(), ", "))
	}
	if _, err := parseFaults(opts.Faults); err != nil {
		return nil, err
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	return start(ctx, opts)
}

// Seeded starts the emulator of platform as --sandbox runs it: seeded with
// demo data, on the clock now (nil: the real time). It is switchboard's
// [app.SandboxStarter], and the one tests give the st2 drop-in.
func Seeded(ctx context.Context, platform string, now func() time.Time) (app.Sandbox, error) {
	inst, err := Start(ctx, platform, Options{Seed: true, Now: now})
	if err != nil {
		return nil, err
	}
	return inst, nil
}
