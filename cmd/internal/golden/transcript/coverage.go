package transcript

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
)

// RequireEveryCommand keeps a package's goldens complete: it fails t for
// each leaf command under the subtree named by path (e.g. "cachet") that
// no run of cases invokes.
func RequireEveryCommand(t testing.TB, cases []Case, path ...string) {
	t.Helper()
	root := cli.NewRoot(app.New(app.IO{}))
	covered := map[string]bool{}
	for _, c := range cases {
		for _, r := range c.Runs {
			if cmd, _, err := root.Find(r.Args); err == nil {
				covered[cmd.CommandPath()] = true
			}
		}
	}
	top, _, err := root.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() {
			if !covered[c.CommandPath()] {
				t.Errorf("%q has no golden case", c.CommandPath())
			}
			return
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(top)
}
