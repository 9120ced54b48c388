package cli_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/sandbox"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// TestSandboxServeFaults: --faults turns the emulator's fault injection on,
// as a client without retries sees at once.
func TestSandboxServeFaults(t *testing.T) {
	t.Parallel()
	env, stop := serve(t, "cachet", "--faults", "rate=1,kinds=status,seed=3")
	c, err := cachet.New(env["CACHET_ENDPOINT"], env["CACHET_API_TOKEN"], facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Ping(context.Background())
	var apiErr *facade.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("ping under rate=1,kinds=status: %v, want a 503 APIError", err)
	}
	code, _, stderr := stop()
	if code != 0 || !strings.Contains(stderr, "fault injection on: rate=1,kinds=status,seed=3") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestSandboxServeBadFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ spec, stderr string }{
		{"rate=2", `ERROR: bad --faults spec: fault spec: rate "2": want a number from 0 to 1`},
		{"rate=0.2,kinds=fire", `unknown fault kind "fire"`},
		{"often", `want key=value`},
		{"rate=0.1,seed=-1", `seed "-1"`},
	} {
		code, out, stderr := main(t, nil, "sandbox", "serve", "cachet", "--faults", tc.spec)
		if code != app.ExitUsage || out != "" || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("--faults %q: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.spec, code, out, stderr, app.ExitUsage, tc.stderr)
		}
	}
}

// TestSandboxFaultsEveryPlatform: every starter applies Options.Faults,
// after its demo data is in (seeding under rate=1 would fail otherwise).
func TestSandboxFaultsEveryPlatform(t *testing.T) {
	t.Parallel()
	for _, p := range sandbox.Platforms() {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			inst, err := sandbox.Start(context.Background(), p, sandbox.Options{Seed: true, Faults: "rate=1,kinds=html,seed=1"})
			if err != nil {
				t.Fatalf("start with faults and seed: %v", err)
			}
			defer inst.Close()
			resp, err := http.Get(inst.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "<html>") {
				t.Errorf("GET / under kinds=html: %d %q, want the 502 HTML page", resp.StatusCode, body)
			}

			// Without --faults the same request reaches the platform.
			plain, err := sandbox.Start(context.Background(), p, sandbox.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer plain.Close()
			resp, err = http.Get(plain.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusBadGateway {
				t.Errorf("GET / without faults: 502")
			}
		})
	}
}
