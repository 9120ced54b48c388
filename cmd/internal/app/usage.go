package app

import (
	"fmt"

	"github.com/spf13/cobra"
)

// EnforceUsageErrors makes wrong positional arguments exit with code 2 on
// c and every command below it, as flag errors already do. A bare group
// (`switchboard cachet`, `st2 rule`) prints its help; an unknown
// subcommand is a usage error rather than silently printing help.
func EnforceUsageErrors(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &UsageError{Err: err}
			}
			return nil
		}
	}
	if c.HasSubCommands() && c.RunE == nil && c.Run == nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &UsageError{Err: fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range c.Commands() {
		EnforceUsageErrors(sub)
	}
}

// CommandPath names the deepest command that args reach from root, for
// the "Run '... --help' for usage." hint.
func CommandPath(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return root.Name()
	}
	return cmd.CommandPath()
}
