package cachetcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

func (e *env) pingCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ping",
		Short: "Check that the API answers (no token needed)",
		Long: `Check that the API answers. It prints "Pong!" and exits 0 only when the
server answered as Cachet does, so a proxy's placeholder page does not pass.`,
		Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
			if err := c.Ping(cmd.Context()); err != nil {
				return err
			}
			_, err := fmt.Fprintln(e.a.Out, "Pong!")
			return err
		}),
	}
}

func (e *env) versionCmd() *cobra.Command {
	k := kind{order: []string{"version", "on_latest", "latest"}}
	return &cobra.Command{
		Use:   "version",
		Short: "Show the Cachet version the server runs, and the latest release it knows",
		Long: `Show the Cachet version the server runs, and the latest release it found on
GitHub. A server without Internet access fails here (the server's own check);
use ping to test that it is up.`,
		Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
			v, err := c.Version(cmd.Context())
			if err != nil {
				return err
			}
			// The API sends the version as "data" and the rest as meta;
			// one flat object reads better, with the meta names kept.
			return e.show(c, k, map[string]any{
				"version":   v.Value,
				"on_latest": v.OnLatest,
				"latest":    v.Latest,
			})
		}),
	}
}

func (e *env) statusCmd() *cobra.Command {
	k := kind{order: []string{"status", "message"}}
	return &cobra.Command{
		Use:   "status",
		Short: "Show the overall state of the site, the banner of the status page",
		Long: `Show the overall state of the site as the status page's banner does:
status is success (all operational), info (some issues) or danger (major
outage), with the server's message.`,
		Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
			s, err := c.Status(cmd.Context())
			if err != nil {
				return err
			}
			return e.show(c, k, s)
		}),
	}
}
