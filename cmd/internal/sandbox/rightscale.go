package sandbox

import (
	"context"

	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// startRightScale starts the RightScale CM API 1.5 emulator. Its variables
// are the ones the Go facade's NewFromEnv reads (python-rightscale itself
// reads only ~/.rightscalerc, whose [OAuth] api_endpoint and refresh_token
// take the same two values).
func startRightScale(_ context.Context, opts Options) (*Instance, error) {
	srvOpts := []rightscaletest.Option{rightscaletest.WithAddr(opts.Addr)}
	if opts.Now != nil {
		srvOpts = append(srvOpts, rightscaletest.WithClock(opts.Now))
	}
	if opts.Seed {
		srvOpts = append(srvOpts, rightscaletest.WithDemoData())
	}
	// Listen, not NewServer: the address comes from the user and may be
	// taken, which is an error, not a panic.
	faults, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	srvOpts = append(srvOpts, rightscaletest.WithFaultSeed(faults.seed))
	srv, err := rightscaletest.Listen(srvOpts...)
	if err != nil {
		return nil, err
	}
	// After seeding: the demo data goes in whole, the faults hit the user.
	faults.apply(srv.Faults())
	return &Instance{
		Platform: "rightscale",
		URL:      srv.URL,
		Env: []EnvVar{
			{Name: rightscale.EnvEndpoint, Value: srv.URL},
			{Name: rightscale.EnvRefreshToken, Value: srv.RefreshToken},
		},
		close: srv.Close,
	}, nil
}
