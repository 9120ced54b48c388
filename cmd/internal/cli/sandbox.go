package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/sandbox"
)

func newSandboxCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the built-in platform emulators",
	}
	var addr string
	var seed bool
	var faults string
	serve := &cobra.Command{
		Use:   "serve <platform>",
		Short: "Serve a platform emulator over HTTP for any client in any language",
		Long: fmt.Sprintf(`Serve a stateful in-memory emulator of a platform as a real HTTP server.

It listens on loopback unless --addr names another interface, then prints the
environment variables the platform's own tools read, one NAME=value per line,
so that eval-ing them points any client at the emulator. It runs until
interrupted.

Platforms: %s`, joinPlatforms(sandbox.Platforms())),
		Example: `  switchboard sandbox serve cachet > cachet.env &
  sleep 1; set -a; . ./cachet.env; set +a
  curl -s "$CACHET_ENDPOINT/ping"`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return sandbox.Platforms(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			listen, everywhere, err := listenAddr(addr)
			if err != nil {
				return &app.UsageError{Err: err}
			}
			if everywhere {
				fmt.Fprintf(a.Err, "warning: --addr %s listens on every interface: other machines can reach this emulator and its credentials\n", addr)
			}
			inst, err := sandbox.Start(cmd.Context(), args[0], sandbox.Options{Addr: listen, Seed: seed, Now: a.Now, Faults: faults})
			if err != nil {
				if sandbox.IsUnknownPlatform(err) || errors.Is(err, sandbox.ErrBadFaults) {
					return &app.UsageError{Err: err}
				}
				return err
			}
			defer inst.Close()
			// One write, so a script sourcing the output as soon as it
			// appears never reads half of it.
			var env strings.Builder
			for _, v := range inst.Env {
				fmt.Fprintf(&env, "%s=%s\n", v.Name, v.Value)
			}
			if _, err := io.WriteString(a.Out, env.String()); err != nil {
				return err
			}
			fmt.Fprintf(a.Err, "%s emulator listening on %s (Ctrl-C to stop)\n", inst.Platform, inst.URL)
			if faults != "" {
				fmt.Fprintf(a.Err, "fault injection on: %s\n", faults)
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	serve.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "listen address (host:port); loopback unless you name another interface")
	serve.Flags().BoolVar(&seed, "seed", false, "start with a small demo data set instead of an empty server")
	serve.Flags().StringVar(&faults, "faults", "", "inject faults: rate=0.2[,kinds=status+ratelimit+reset+stall+truncate+malformed+html][,seed=N]")
	cmd.AddCommand(serve)
	return cmd
}

// listenAddr turns --addr into the address to listen on. A missing host
// (":8080") means loopback, not every interface as it would for net.Listen:
// the emulator hands out credentials to anyone who can reach it, so it is
// exposed only when the user names a wildcard or another interface.
func listenAddr(addr string) (listen string, everywhere bool, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", false, fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	everywhere = ip != nil && ip.IsUnspecified()
	return net.JoinHostPort(host, port), everywhere, nil
}
