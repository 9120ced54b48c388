// Package st2cmd is the `switchboard st2` command tree: StackStorm's own
// `st2` command line (run, execution, key, action) over the facade in
// facade/st2, printed exactly as the st2 CLI prints it by the shared output
// package.
//
// The commands are built by constructors on [Env] and mounted by
// [Env.Mount], so that two roots mount the same commands: [New] under `switchboard st2`, and [NewDropIn] (run by
// [Main]) as the drop-in `st2` binary of cmd/st2, with st2's global
// options, --version, --print-config and shell completion. [Profile] says
// how the two differ (the program name in hints, plain text into pipes,
// the colour rule). [RewriteArgs] gives st2's two-letter -tg/-tl options
// of `execution list` their long spellings before flag parsing.
//
// Connection settings are st2's: --url, --auth-url, --api-url,
// --stream-url, --api-version, --config-file, --skip-config, --cacert,
// -t/--token and --api-key (plus --insecure, as on the other platforms), falling back on the ST2_* variables and
// ~/.st2/config as facade/st2's LoadConfig reads them. With switchboard's
// global --sandbox flag every command runs against the in-process emulator
// of facade/st2/st2test, seeded with demo data; the drop-in links no
// emulator (see [Main]).
//
// Deliberate differences from the Python CLI: errors go to stderr (st2
// prints them on stdout); the dots `st2 run` prints while it waits go to
// stderr and only on a terminal; TLS certificates are verified unless
// --insecure is given (st2 skips verification of https without --cacert); the environment
// ranks above the config file, as in facade/st2.
package st2cmd

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// Profile says how a binary hosting these commands differs from st2.
type Profile struct {
	// Prog is the command prefix printed in hints such as "To get the
	// results, execute: st2 execution get <id>".
	Prog string
	// PlainWhenPiped prints tab-separated text instead of tables when
	// stdout is not a terminal (switchboard's rule); the drop-in leaves it
	// off, since st2 draws tables into pipes too.
	PlainWhenPiped bool
	// ST2Colors uses st2's colour rule (TERM and ST2_COLORIZE) instead of
	// switchboard's (a terminal, and NO_COLOR unset).
	ST2Colors bool
	// CurlDebug prints --debug's HTTP exchanges as st2 does, curl lines
	// and answers on stdout, instead of switchboard's log records on
	// stderr.
	CurlDebug bool
}

// SwitchboardProfile is the profile of `switchboard st2`.
var SwitchboardProfile = Profile{Prog: "switchboard st2", PlainWhenPiped: true}

// DropInProfile is the profile of the drop-in `st2` binary.
var DropInProfile = Profile{Prog: "st2", ST2Colors: true, CurlDebug: true}

// Env is the state shared by the commands of one invocation: the app, the
// connection flags and, once connected, the client.
type Env struct {
	a       *app.App
	profile Profile

	url, authURL, apiURL, streamURL, apiVersion string
	configFile                                  string
	skipConfig                                  bool
	cacert                                      string
	insecure                                    bool
	token, apiKey, basicAuth                    string
	timeout                                     time.Duration

	client *st2.Client
	rec    *recorder
	// loc is the config file's [cli] timezone; nil is UTC.
	loc *time.Location

	// Environ returns the environment -e/--inherit-env sends (nil: the
	// process's). app.IO has no way to list variables, only to read one.
	Environ func() []string
}

// NewEnv returns the state of one invocation of a command tree built with
// profile p.
func NewEnv(a *app.App, p Profile) *Env { return &Env{a: a, profile: p} }

// New returns the `st2` command of switchboard and its subtree.
func New(a *app.App) *cobra.Command {
	e := NewEnv(a, SwitchboardProfile)
	cmd := &cobra.Command{
		Use:   "st2",
		Short: "StackStorm: run actions, follow executions, manage the datastore",
		Long: `Drive a StackStorm installation as the st2 command line does.

The server is found as st2 finds it: --url (ST2_BASE_URL) with the default
ports 9100/9101/9102, or the service URLs --auth-url, --api-url and
--stream-url (ST2_AUTH_URL, ST2_API_URL, ST2_STREAM_URL); credentials come
from -t/--token (ST2_AUTH_TOKEN), --api-key (ST2_API_KEY) or the
[credentials] of ~/.st2/config (ST2_CONFIG_FILE, --config-file). With the
global --sandbox flag, commands run against a built-in emulator filled with
demo data instead.

Output is st2's: tables with the same columns, -j JSON, -y YAML, -a to pick
attributes (dotted paths such as action.ref), -w for column widths. When
stdout is not a terminal, tables become tab-separated lines.`,
		Example: `  switchboard --sandbox st2 run core.local cmd=date
  switchboard --sandbox st2 execution list -n 5
  export ST2_API_URL=https://st2.example.com/api/v1 ST2_API_KEY=...
  switchboard st2 key set greeting hello --ttl 3600
  switchboard st2 run examples.greet name=Ada count=2 -j`,
		// -j and -y together print JSON, as st2 does: this hook replaces
		// the root's, which refuses the pair.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
	}
	e.AddConnectionFlags(cmd)
	e.Mount(cmd, nil)
	return cmd
}

// topCommand is one of the commands st2cmd implements: the words that run
// it (its name, then its aliases) and its constructor.
type topCommand struct {
	words []string
	build func(*Env) *cobra.Command
}

// topCommands are every command st2cmd implements, in the order st2
// lists them.
var topCommands = []topCommand{
	{[]string{"run"}, (*Env).RunCmd},
	{[]string{"action", "actions"}, (*Env).ActionCmd},
	{[]string{"execution", "executions"}, (*Env).ExecutionCmd},
	{[]string{"key", "keys"}, (*Env).KeyCmd},
	{[]string{"rule", "rules"}, (*Env).RuleCmd},
	{[]string{"trigger", "triggers"}, (*Env).TriggerCmd},
	{[]string{"trigger-instance", "trigger-instances"}, (*Env).TriggerInstanceCmd},
	{[]string{"sensor", "sensors"}, (*Env).SensorCmd},
	{[]string{"pack", "packs"}, (*Env).PackCmd},
	{[]string{"policy", "policies"}, (*Env).PolicyCmd},
	{[]string{"policy-type", "policy-types"}, (*Env).PolicyTypeCmd},
	{[]string{"inquiry", "inquiries"}, (*Env).InquiryCmd},
	{[]string{"action-alias", "action-aliases"}, (*Env).ActionAliasCmd},
	{[]string{"runner", "runners"}, (*Env).RunnerCmd},
	{[]string{"webhook", "webhooks"}, (*Env).WebhookCmd},
	{[]string{"timer", "timers"}, (*Env).TimerCmd},
	{[]string{"rule-enforcement", "rule-enforcements"}, (*Env).RuleEnforcementCmd},
	{[]string{"login"}, (*Env).loginCmd},
	{[]string{"whoami"}, (*Env).whoamiCmd},
	{[]string{"auth"}, (*Env).authCmd},
}

// Mount adds st2cmd's commands to parent: only the one args run, when
// they run one, and every command otherwise (help, completion, a
// mistake, or nil args: those need the whole tree). args are the
// arguments after parent's own name. Building the whole tree was 1.3 ms
// and 1,300 allocations of every `st2` run, for one command used. Mount
// reports whether it added the one command args run.
func (e *Env) Mount(parent *cobra.Command, args []string) (one bool) {
	if i := commandOf(parent, args); i >= 0 {
		parent.AddCommand(topCommands[i].build(e))
		return true
	}
	for _, c := range topCommands {
		parent.AddCommand(c.build(e))
	}
	return false
}

// commandOf returns the index in topCommands of the command args run
// below parent, or -1. It finds it as cobra will, on parent (its flags
// say which options take a value) with an empty command per entry.
func commandOf(parent *cobra.Command, args []string) int {
	if len(args) == 0 {
		return -1
	}
	// A first argument that is not an option is the command's name or
	// alias, as cobra reads it (it matches no prefixes): no need for the
	// stubs.
	if !strings.HasPrefix(args[0], "-") {
		for i, c := range topCommands {
			if slices.Contains(c.words, args[0]) {
				return i
			}
		}
		return -1
	}
	stubs := make([]*cobra.Command, len(topCommands))
	for i, c := range topCommands {
		stubs[i] = &cobra.Command{Use: c.words[0], Aliases: c.words[1:], Run: func(*cobra.Command, []string) {}}
	}
	parent.AddCommand(stubs...)
	defer parent.RemoveCommand(stubs...)
	cmd, _, err := parent.Find(args)
	if err != nil {
		return -1
	}
	for cmd != nil && cmd.Parent() != parent {
		cmd = cmd.Parent()
	}
	for i, stub := range stubs {
		if cmd == stub {
			return i
		}
	}
	return -1
}

// AddConnectionFlags registers st2's connection options on cmd, as
// persistent flags (st2 has them on the root and -t/--api-key on every
// command; here they are accepted anywhere after the group).
func (e *Env) AddConnectionFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&e.url, "url", "", "base URL of the API servers; the services are at :9100, :9101 and :9102 (default $"+st2.EnvBaseURL+", then http://127.0.0.1)")
	pf.StringVar(&e.authURL, "auth-url", "", "URL of the auth service (default $"+st2.EnvAuthURL+")")
	pf.StringVar(&e.apiURL, "api-url", "", "URL of the API service, e.g. https://st2.example.com/api/v1 (default $"+st2.EnvAPIURL+")")
	pf.StringVar(&e.streamURL, "stream-url", "", "URL of the stream service (default $"+st2.EnvStreamURL+")")
	pf.StringVar(&e.apiVersion, "api-version", "", "API version appended to derived URLs (default $"+st2.EnvAPIVersion+", then v1)")
	pf.StringVar(&e.configFile, "config-file", "", "the st2 CLI config file (default $"+st2.EnvConfigFile+", then ~/.st2/config)")
	pf.BoolVar(&e.skipConfig, "skip-config", false, "do not read the config file (also $"+st2.EnvSkipConfig+"=1)")
	pf.StringVar(&e.cacert, "cacert", "", "PEM file of CA certificates to trust (default $"+st2.EnvCACert+")")
	pf.BoolVar(&e.insecure, "insecure", false, "do not verify the server's TLS certificate")
	pf.Var(&tokenFlag{v: &e.token}, "token", "access token for user authentication (default $"+st2.EnvAuthToken+")")
	pf.Lookup("token").Shorthand = "t"
	pf.StringVar(&e.apiKey, "api-key", "", "API key for user authentication (default $"+st2.EnvAPIKey+")")
	pf.StringVar(&e.basicAuth, "basic-auth", "", `extra HTTP basic credentials "user:password" sent with every request, for a proxy in front of st2 (default [credentials] basic_auth)`)
	pf.DurationVar(&e.timeout, "timeout", facade.DefaultTimeout, "time limit of each API call, retries included")
}

// tokenFlag is -t/--token. st2 also has the two-letter options -tg and -tl
// on `execution list`; RewriteArgs turns them into --timestamp-gt and
// --timestamp-lt before parsing. Anywhere else (or when a command line did
// not go through RewriteArgs) pflag reads them as -t with the value "g" or
// "l", which no token is: those values are refused with a pointer to the
// long spellings instead of being sent as a token.
type tokenFlag struct{ v *string }

func (f *tokenFlag) String() string { return "" } // never shown: it is a secret
func (f *tokenFlag) Set(s string) error {
	if s == "g" || s == "l" || strings.HasPrefix(s, "g=") || strings.HasPrefix(s, "l=") {
		return fmt.Errorf("-t%s is an option of execution list only (--timestamp-%st)", s[:1], s[:1])
	}
	// st2's -ty of `timer list`, likewise.
	if s == "y" || strings.HasPrefix(s, "y=") {
		return fmt.Errorf("-ty is spelled --timer-type here")
	}
	*f.v = s
	return nil
}
func (f *tokenFlag) Type() string { return "string" }

// printer returns the output printer of this invocation.
func (e *Env) printer() *output.Printer {
	o := e.a.Output
	if e.profile.PlainWhenPiped {
		o = e.a.OutputOptions()
	} else if o.Columns == 0 {
		o.Columns = e.a.Columns
	}
	return &output.Printer{Options: o, Stdout: e.a.Out, Stderr: e.a.Err, IsTerminal: e.a.OutIsTerminal, Color: e.colorAllowed()}
}

// colorAllowed applies the profile's colour rule.
func (e *Env) colorAllowed() bool {
	if e.profile.ST2Colors {
		return output.ST2ColorAllowed(e.a.Getenv)
	}
	return output.ColorAllowed(e.a.OutIsTerminal, e.a.Getenv)
}

// now is the clock used for "(Ns elapsed)" of running executions: the
// emulators' clock in tests, the real time otherwise.
func (e *Env) now() time.Time {
	if e.a.Now != nil {
		return e.a.Now()
	}
	return time.Now()
}

// notFoundError is st2's error after `<Display name> "<x>" is not found.`:
// the object is missing (exit code 1).
type notFoundError struct{ id string }

func (e *notFoundError) Error() string { return "Resource " + e.id + " not found." }

// printNotFound prints st2's not-found line (and the blank line its print
// adds) on stdout.
func (e *Env) printNotFound(display, id string) {
	fmt.Fprintf(e.a.Out, "%s %q is not found.\n\n", display, id)
}

// isNotFound reports a 404 from the facade.
func isNotFound(err error) bool { return errors.Is(err, facade.ErrNotFound) }

// group returns a resource's group command.
func group(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Aliases: aliases}
}
