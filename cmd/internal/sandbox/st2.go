package sandbox

import (
	"context"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// startST2 starts the StackStorm emulator (auth, api and stream behind one
// address). Its variables are the ones st2client and the st2 CLI read: the
// four endpoints and an API key. st2 reads no user or password variable
// (those live in the config file's [credentials]), so none is printed.
func startST2(_ context.Context, opts Options) (*Instance, error) {
	srvOpts := []st2test.Option{
		st2test.WithAddr(opts.Addr),
		// Small delays on the clock so that a human watching sees the
		// states go by; tests use their own clock and none.
		st2test.WithSchedulingDelays(200*time.Millisecond, 200*time.Millisecond),
	}
	if opts.Now != nil {
		srvOpts = append(srvOpts, st2test.WithClock(opts.Now), st2test.WithSchedulingDelays(0, 0))
	}
	if opts.Seed {
		srvOpts = append(srvOpts, st2test.WithDemoData())
	}
	faults, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	srvOpts = append(srvOpts, st2test.WithFaultSeed(faults.seed))
	srv, err := st2test.Listen(srvOpts...)
	if err != nil {
		return nil, err
	}
	// After seeding: the demo data goes in whole, the faults hit the user.
	faults.apply(srv.Faults())
	return &Instance{
		Platform: "st2",
		URL:      srv.URL,
		Env: []EnvVar{
			{Name: "ST2_BASE_URL", Value: srv.URL},
			{Name: "ST2_AUTH_URL", Value: srv.AuthURL},
			{Name: "ST2_API_URL", Value: srv.APIURL},
			{Name: "ST2_STREAM_URL", Value: srv.StreamURL},
			{Name: "ST2_API_KEY", Value: srv.APIKey},
		},
		close: srv.Close,
	}, nil
}
