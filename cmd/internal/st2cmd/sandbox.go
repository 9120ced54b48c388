package st2cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// startSandbox is the drop-in's --sandbox: the st2 emulator only, with the
// demo data, as `switchboard --sandbox st2` has it. It starts st2test
// itself rather than through cmd/internal/sandbox, which would link the
// other four emulators into the st2 binary and slow its start-up.
func startSandbox(_ context.Context, platform string, now func() time.Time) (app.Sandbox, error) {
	if platform != "st2" {
		return nil, fmt.Errorf("--sandbox: no emulator of %s in st2", platform)
	}
	opts := []st2test.Option{
		st2test.WithAddr("127.0.0.1:0"),
		st2test.WithDemoData(),
		// As in `switchboard sandbox`: states a human can watch go by,
		// none on a frozen test clock.
		st2test.WithSchedulingDelays(200*time.Millisecond, 200*time.Millisecond),
	}
	if now != nil {
		opts = append(opts, st2test.WithClock(now), st2test.WithSchedulingDelays(0, 0))
	}
	srv, err := st2test.Listen(opts...)
	if err != nil {
		return nil, err
	}
	return st2Sandbox{srv}, nil
}

// st2Sandbox is the running emulator with the variables st2 reads.
type st2Sandbox struct{ srv *st2test.Server }

func (s st2Sandbox) Close() { s.srv.Close() }

func (s st2Sandbox) Lookup(name string) string {
	switch name {
	case st2.EnvBaseURL:
		return s.srv.URL
	case st2.EnvAuthURL:
		return s.srv.AuthURL
	case st2.EnvAPIURL:
		return s.srv.APIURL
	case st2.EnvStreamURL:
		return s.srv.StreamURL
	case st2.EnvAPIKey:
		return s.srv.APIKey
	}
	return ""
}
