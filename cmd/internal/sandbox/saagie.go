package sandbox

import (
	"context"
	"strconv"

	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// startSaagie starts the Saagie emulator. Its variables are the ones the Go
// facade's NewFromEnv reads (saagieapi takes the same values as
// constructor arguments); SAAGIE_PLATFORM_URL is the page URL a user would
// give EasyConnect. Its host is a loopback address, which carries no realm,
// so EasyConnect needs the realm from SAAGIE_REALM.
func startSaagie(_ context.Context, opts Options) (*Instance, error) {
	srvOpts := []saagietest.Option{saagietest.WithAddr(opts.Addr)}
	if opts.Now != nil {
		srvOpts = append(srvOpts, saagietest.WithClock(opts.Now))
	}
	if opts.Seed {
		srvOpts = append(srvOpts, saagietest.WithDemoData())
	}
	// Listen, not NewServer: the address comes from the user and may be
	// taken, which is an error, not a panic.
	srv, err := saagietest.Listen(srvOpts...)
	if err != nil {
		return nil, err
	}
	return &Instance{
		Platform: "saagie",
		URL:      srv.URL,
		Env: []EnvVar{
			{Name: "SAAGIE_URL", Value: srv.URL},
			{Name: "SAAGIE_PLATFORM_ID", Value: strconv.Itoa(srv.PlatformID)},
			{Name: "SAAGIE_REALM", Value: srv.Realm},
			{Name: "SAAGIE_USER", Value: srv.User},
			{Name: "SAAGIE_PASSWORD", Value: srv.Password},
			{Name: "SAAGIE_PLATFORM_URL", Value: srv.PlatformURL()},
		},
		close: srv.Close,
	}, nil
}
