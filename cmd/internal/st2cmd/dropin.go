package st2cmd

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
)

// DropInVersion is the version line of `st2 --version`. st2 prints
// "st2 3.10dev, on Python 3.8.10"; the drop-in names its own release and
// the Go runtime instead, so a user can tell the two apart.
func DropInVersion() string {
	return fmt.Sprintf("st2 %s (switchboard), on Go %s", facade.Version, strings.TrimPrefix(runtime.Version(), "go"))
}

// Main runs the drop-in `st2` command with args (without the program
// name) and returns the process exit code. It never calls os.Exit, so
// tests and benchmarks run it in-process.
//
// The drop-in has no emulator of its own (no --sandbox): linking one (and
// net/http/httptest) cost every start of the binary its package inits and
// pages, 0.4 to 1.8 ms in our measurements, for what `switchboard
// --sandbox st2` and `switchboard sandbox serve st2` already give.
func Main(ctx context.Context, args []string, streams app.IO) int {
	return MainWithSandbox(ctx, args, streams, nil)
}

// MainWithSandbox is [Main] with a global --sandbox flag that runs every
// command against the emulator start starts (as `switchboard --sandbox
// st2` does), for tests that drive the drop-in without a server. A nil
// start is Main: no --sandbox flag.
func MainWithSandbox(ctx context.Context, args []string, streams app.IO, start app.SandboxStarter) int {
	a := app.New(streams)
	a.StartSandbox = start
	defer a.Close()
	args = output.NormalizeArgs(RewriteArgs(args), dropInMultiValueFlags)
	root := newDropIn(a, args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		// st2 prints nothing more after the result of a failed run, or
		// after --print-config.
		var quiet *executionFailed
		var code exitCode
		if !errors.As(err, &quiet) && !errors.As(err, &code) {
			fmt.Fprintf(a.Err, "ERROR: %s\n", err)
		}
		if app.ExitCode(err) == app.ExitUsage {
			fmt.Fprintf(a.Err, "Run '%s --help' for usage.\n", app.CommandPath(root, args))
		}
	}
	return app.ExitCode(err)
}

// dropInMultiValueFlags are the options that, as st2's nargs='+' and '*',
// take several space-separated values: -a and -w, and re-run's --tasks
// and --no-reset.
var dropInMultiValueFlags = map[string]bool{"-a": true, "--attr": true, "-w": true, "--width": true, "--tasks": true, "--no-reset": true}

// NewDropIn builds the command tree of the drop-in `st2` binary: st2's
// global options on the root and the same commands as `switchboard st2`,
// printed with DropInProfile. When a.StartSandbox is set, a hidden
// --sandbox flag runs them against its emulator (see [MainWithSandbox]).
func NewDropIn(a *app.App) *cobra.Command { return newDropIn(a, nil) }

// newDropIn builds the root with only the command args run (see
// [Env.Mount]), or none for a version query.
func newDropIn(a *app.App, args []string) *cobra.Command {
	e := NewEnv(a, DropInProfile)
	var printCfg bool
	root := &cobra.Command{
		Use:   "st2",
		Short: "CLI for StackStorm event-driven automation platform",
		Long: `CLI for StackStorm event-driven automation platform.
https://stackstorm.com

The server is found as st2 finds it: --url (ST2_BASE_URL) with the default
ports 9100/9101/9102, or the service URLs --auth-url, --api-url and
--stream-url (ST2_AUTH_URL, ST2_API_URL, ST2_STREAM_URL); credentials come
from -t/--token (ST2_AUTH_TOKEN), --api-key (ST2_API_KEY) or the
[credentials] of ~/.st2/config (ST2_CONFIG_FILE, --config-file), which
'st2 login' writes.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// -j and -y together print JSON, as st2 does: no Validate here.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if printCfg {
				return e.printConfig(cmd, a.Out)
			}
			return nil
		},
	}
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &app.UsageError{Err: err} })
	pf := root.PersistentFlags()
	pf.BoolVar(&a.Debug, "debug", false, "log every request and response (secrets redacted) to stderr")
	if a.StartSandbox != nil {
		pf.BoolVar(&a.Sandbox, "sandbox", false, "run against a built-in StackStorm emulator filled with demo data")
		_ = pf.MarkHidden("sandbox")
	}
	pf.BoolVar(&printCfg, "print-config", false, "parse the config file, print its values (secrets masked) and exit with 3")
	output.AddFlags(pf, &a.Output)
	e.AddConnectionFlags(root)
	app.AddVersionFlag(root)
	// A line that runs one command, or only answers --version, cannot
	// be asking for cobra's completion command: it is not built then
	// (its help texts were a few hundred microseconds of every start).
	root.CompletionOptions.DisableDefaultCmd = app.VersionOnly(args) || e.Mount(root, args)
	root.CompletionOptions.HiddenDefaultCmd = false
	app.EnforceUsageErrors(root)
	// st2 with no arguments prints its usage on stderr and exits 2.
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		cmd.SetOut(cmd.ErrOrStderr())
		_ = cmd.Help()
		return &app.UsageError{Err: fmt.Errorf("a command is required")}
	}
	app.AnswerVersion(root, DropInVersion())
	return root
}

// RewriteArgs is the pre-pass that gives st2's two-letter options of
// `execution list`, -tg and -tl, their long spellings --timestamp-gt and
// --timestamp-lt before pflag sees them (pflag would read -tg as -t with
// the value "g"). Only whole arguments "-tg", "-tl", "-tg=V" and "-tl=V"
// are rewritten, only after the words "execution list" (or st2's alias
// "executions list") and before a "--"; a value given to -t/--token as
// its own argument ("-t", "tg...") is left alone, so a real token is
// never taken for one of these options.
func RewriteArgs(args []string) []string {
	list := -1 // index of "list" after "execution"
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--" {
			break
		}
		if (args[i] == "execution" || args[i] == "executions") && args[i+1] == "list" {
			list = i + 1
			break
		}
	}
	if list < 0 {
		return args
	}
	out := make([]string, 0, len(args))
	out = append(out, args[:list+1]...)
	for i := list + 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		// The value of a preceding -t/--token is a token, whatever it
		// looks like.
		if prev := args[i-1]; prev == "-t" || prev == "--token" {
			out = append(out, a)
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		long := map[string]string{"-tg": "--timestamp-gt", "-tl": "--timestamp-lt"}[name]
		switch {
		case long == "":
			out = append(out, a)
		case hasValue:
			out = append(out, long+"="+value)
		default:
			out = append(out, long)
		}
	}
	return out
}
