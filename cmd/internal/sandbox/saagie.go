package sandbox

import (
	"context"
	"strconv"

	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// saagieIDSeed seeds the sandbox's ids: with the same commands, a sandbox
// hands out the same project, job and instance ids every time, so
// transcripts, golden files and the README's examples stay valid. Ids need
// only be unique within one server, which a seeded generator guarantees as
// well as a random one. The password stays random.
const saagieIDSeed = 6

// startSaagie starts the Saagie emulator. Its variables are the ones the Go
// facade's NewFromEnv reads (saagieapi takes the same values as
// constructor arguments); SAAGIE_PLATFORM_URL is the page URL a user would
// give EasyConnect, on "<realm>-workspace.localhost" (the loopback
// interface, RFC 6761) so that the realm can be read from the host as on a
// real platform.
//
// Ids are deterministic (saagieIDSeed) for --sandbox and `sandbox serve`
// alike. A frozen clock (Options.Now, set by tests) would keep every
// instance and project in its first status forever, so with one the
// statuses are instant: a run is final as soon as it is read.
func startSaagie(_ context.Context, opts Options) (*Instance, error) {
	srvOpts := []saagietest.Option{saagietest.WithAddr(opts.Addr), saagietest.WithIDSeed(saagieIDSeed)}
	if opts.Now != nil {
		srvOpts = append(srvOpts, saagietest.WithClock(opts.Now), saagietest.WithTimeline(saagietest.Timeline{}))
	}
	if opts.Seed {
		srvOpts = append(srvOpts, saagietest.WithDemoData())
	}
	// Listen, not NewServer: the address comes from the user and may be
	// taken, which is an error, not a panic.
	faults, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	srvOpts = append(srvOpts, saagietest.WithFaultSeed(faults.seed))
	srv, err := saagietest.Listen(srvOpts...)
	if err != nil {
		return nil, err
	}
	// After seeding: the demo data goes in whole, the faults hit the user.
	faults.apply(srv.Faults())
	return &Instance{
		Platform: "saagie",
		URL:      srv.URL,
		Env: []EnvVar{
			{Name: saagie.EnvURL, Value: srv.URL},
			{Name: saagie.EnvPlatformID, Value: strconv.Itoa(srv.PlatformID)},
			{Name: saagie.EnvRealm, Value: srv.Realm},
			{Name: saagie.EnvUser, Value: srv.User},
			{Name: saagie.EnvPassword, Value: srv.Password},
			{Name: "SAAGIE_PLATFORM_URL", Value: srv.PlatformURL()},
		},
		close: srv.Close,
	}, nil
}
