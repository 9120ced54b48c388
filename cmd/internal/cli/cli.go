// Package cli assembles the switchboard command tree: global flags, one
// subtree per platform, `sandbox serve`, version and shell completion.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cachetcmd"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/cmd/internal/rightscalecmd"
	"github.com/switchboard-go/switchboard/cmd/internal/saagiecmd"
	"github.com/switchboard-go/switchboard/cmd/internal/sandbox"
	"github.com/switchboard-go/switchboard/cmd/internal/spacestudiocmd"
	"github.com/switchboard-go/switchboard/cmd/internal/st2cmd"
	"github.com/switchboard-go/switchboard/facade"
)

// multiValueFlags are the flags that, as in the st2 CLI, take several
// space-separated values (`-a id name status`).
var multiValueFlags = map[string]bool{"-a": true, "--attr": true, "-w": true, "--width": true}

// Main runs switchboard with args (without the program name) and returns the
// process exit code. It never calls os.Exit, so tests can run it in-process.
func Main(ctx context.Context, args []string, streams app.IO) int {
	a := app.New(streams)
	defer a.Close()
	norm := output.NormalizeArgs(args, multiValueFlags)
	versionOnly := app.VersionOnly(norm)
	only := ""
	if !versionOnly {
		only = subtreeOf(a, norm)
	}
	if only == "st2" {
		// st2's two-letter -tg/-tl of `execution list`, which no flag
		// parser reads, become their long spellings first.
		norm = st2cmd.RewriteArgs(norm)
	}
	var root *cobra.Command
	if versionOnly {
		// `switchboard --version` runs no command: the bare root answers
		// it, without building every platform's subtree first.
		root = bareRoot(a)
		app.EnforceUsageErrors(root)
		app.AnswerVersion(root, versionLine)
	} else {
		root = newRoot(a, only)
	}
	// A line that runs a platform's command, or only answers --version,
	// cannot be asking for cobra's completion command: it is not built
	// then (its help texts were a few hundred microseconds of every start).
	root.CompletionOptions.DisableDefaultCmd = only != "" || versionOnly
	root.SetArgs(norm)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintf(a.Err, "ERROR: %s\n", err)
		// Only a mistake on the command line earns the usage hint: st2's
		// operation failures (a delete of a missing object) also exit 2.
		if ue := (*app.UsageError)(nil); errors.As(err, &ue) {
			fmt.Fprintf(a.Err, "Run '%s --help' for usage.\n", app.CommandPath(root, args))
		}
	}
	return app.ExitCode(err)
}

// NewRoot builds the whole command tree around a.
func NewRoot(a *app.App) *cobra.Command { return newRoot(a, "") }

// subtrees are the root's commands by name. Main builds only the one a
// command line runs: building all of them was most of what switchboard did
// before running a command (about 3 ms and 1.4 MB; spacestudio's subtree
// alone made 70% of the allocations).
var subtrees = []struct {
	name  string
	build func(*app.App) *cobra.Command
}{
	{"cachet", cachetcmd.New},
	{"rightscale", rightscalecmd.New},
	{"saagie", saagiecmd.New},
	{"spacestudio", spacestudiocmd.New},
	{"st2", st2cmd.New},
	{"sandbox", newSandboxCmd},
}

// subtreeOf returns the name of the subtree whose command args run, or ""
// when they run none (the root's own flags, help, completion, a mistake):
// those need the whole tree. It finds it as cobra will, on a root with the
// real global flags and an empty command per subtree.
func subtreeOf(a *app.App, args []string) string {
	// A first argument that is not an option is the command's name, as
	// cobra reads it (no prefixes): no need for the probe.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, s := range subtrees {
			if s.name == args[0] {
				return s.name
			}
		}
		return ""
	}
	probe := bareRoot(a)
	for _, s := range subtrees {
		probe.AddCommand(&cobra.Command{Use: s.name, Run: func(*cobra.Command, []string) {}})
	}
	cmd, _, err := probe.Find(args)
	if err != nil || cmd == probe {
		return ""
	}
	return cmd.Name()
}

// newRoot builds the tree with only the subtree named only, or every
// subtree when only is "".
func newRoot(a *app.App, only string) *cobra.Command {
	root := bareRoot(a)
	for _, s := range subtrees {
		if only == "" || only == s.name {
			root.AddCommand(s.build(a))
		}
	}
	// The root too: an unknown platform (`switchboard foo`) is a usage
	// error, where cobra's own check would exit 1.
	app.EnforceUsageErrors(root)
	app.AnswerVersion(root, versionLine)
	return root
}

// versionLine is what `switchboard --version` prints.
const versionLine = "switchboard " + facade.Version

// bareRoot is the root command with its global flags and no subcommand.
func bareRoot(a *app.App) *cobra.Command {
	root := &cobra.Command{
		Use:   "switchboard",
		Short: "One CLI for StackStorm, Cachet, RightScale, Saagie and spacestudio",
		Long: `switchboard drives five operations and data platforms from one command line.

Every command can run against a built-in emulator instead of a real server:
add --sandbox, or start one with 'switchboard sandbox serve <platform>'.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.Output.Validate(); err != nil {
				return &app.UsageError{Err: err}
			}
			return nil
		},
	}
	if a.StartSandbox == nil {
		a.StartSandbox = sandbox.Seeded
	}
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &app.UsageError{Err: err} })

	pf := root.PersistentFlags()
	pf.BoolVar(&a.Sandbox, "sandbox", false, "run against in-process emulators instead of real servers")
	pf.BoolVar(&a.Debug, "debug", false, "log every request and response (secrets redacted) to stderr")
	output.AddFlags(pf, &a.Output)
	app.AddVersionFlag(root)
	return root
}

func joinPlatforms(p []string) string { return strings.Join(p, ", ") }
