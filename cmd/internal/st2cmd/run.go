package st2cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// resultAttributes are the attributes of st2's execution result view
// after `st2 run`; `execution get` adds log.
var resultAttributes = []string{"id", "action.ref", "context.user", "parameters", "status", "start_timestamp", "end_timestamp", "result"}

// getAttributes are `execution get`'s.
var getAttributes = []string{"id", "action.ref", "context.user", "parameters", "status", "start_timestamp", "end_timestamp", "log", "result"}

// pendingStatuses are those `st2 run` keeps polling through; any other
// status (final or not: paused, pending, delayed) ends the wait, as in st2.
var pendingStatuses = []string{"requested", "scheduled", "running", "canceling"}

// viewFlags are the display options of run and execution get.
type viewFlags struct {
	detail        bool
	key           string
	excludeResult bool
	// showTasks, raw and depth are the workflow view's options.
	showTasks, raw bool
	depth          int
	// tail follows the output instead of polling (run, re-run).
	tail bool
}

// check refuses the combinations st2's argument groups exclude.
func (v viewFlags) check() error {
	switch {
	case v.detail && v.key != "":
		return app.Usagef("-d/--detail and -k/--key cannot be used together")
	case v.raw && v.showTasks:
		return app.Usagef("--raw and --show-tasks cannot be used together")
	}
	return nil
}

// addViewFlags registers st2's display options of the execution views:
// -d/--detail and -k/--key, and --attr without its short form (on run, -a
// is --async).
func (e *Env) addViewFlags(cmd *cobra.Command, v *viewFlags, attrShort bool) {
	fs := cmd.Flags()
	fs.BoolVarP(&v.detail, "detail", "d", false, "display the full detail of the execution in table format")
	fs.StringVarP(&v.key, "key", "k", "", "print only this key of the result; dot notation reaches nested keys")
	fs.BoolVar(&v.showTasks, "show-tasks", false, "show the tasks of a workflow execution")
	fs.BoolVar(&v.raw, "raw", false, "raw output: do not show the tasks of workflow executions")
	fs.IntVar(&v.depth, "depth", -1, "depth to which to show the tasks of a workflow; -1 shows them all")
	if !attrShort {
		// The root's -a/--attr would take -a from --async: a local
		// --attr writing into the same options hides it.
		fs.Var(&attrValue{o: &e.a.Output}, "attr", `list of attributes to include in the output; "all" for every attribute`)
	}
}

// attrValue is --attr on commands where -a means something else.
type attrValue struct {
	o       *output.Options
	changed bool
}

func (f *attrValue) String() string { return strings.Join(f.o.Attrs, ",") }
func (f *attrValue) Set(s string) error {
	if !f.changed {
		f.o.Attrs, f.changed = nil, true
	}
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			f.o.Attrs = append(f.o.Attrs, p)
		}
	}
	return nil
}
func (f *attrValue) Type() string { return "strings" }

// RunCmd is `st2 run <ref> [k=v ...]`.
func (e *Env) RunCmd() *cobra.Command {
	var (
		async, autoDict bool
		inheritEnv      bool
		user, traceTag  string
		traceID         string
		delay           int
		view            viewFlags
	)
	cmd := &cobra.Command{
		Use:   "run <ref> [k=v ...]",
		Short: "Run an action and wait for its result",
		Long: `Run an action and wait for its result, as st2 run does.

Arguments are k=v pairs, converted by the type the action (or its runner)
declares for k: integer, number, boolean (true/false), object (JSON or
a=1,b=2), array (JSON, or comma-separated; repeat k=v to append); other
parameters are strings. @k=path reads the file's text as the value of k.
The first argument without "=" and everything after it become cmd.

The command waits until the execution leaves requested, scheduled, running
and canceling, showing dots on stderr when it is a terminal, then prints
the result as st2 does. It exits with 1 when the execution failed, timed
out or was abandoned.

With a ref, -h prints the action's parameters.`,
		Example: `  switchboard --sandbox st2 run core.local cmd="echo hello"
  switchboard --sandbox st2 run core.local date
  switchboard --sandbox st2 run examples.greet name=Ada count=3 -k stdout
  switchboard --sandbox st2 run core.echo message=hi -a`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return app.Usagef("Missing action reference or id")
			}
			if err := view.check(); err != nil {
				return err
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			action, runner, err := e.actionAndRunner(ctx, c, args[0])
			if err != nil {
				return err
			}
			ref := action.Pack + "." + action.Name
			params, err := ParseParameters(args[1:], runner.RunnerParameters, action.Parameters, ParamOptions{AutoDict: autoDict, ActionRef: action.Ref})
			if err != nil {
				return &app.UsageError{Err: err}
			}
			if inheritEnv {
				params = withInheritedEnv(params, e.environ())
			}
			req := st2.ExecutionCreate{Action: ref, Parameters: params, User: user, Delay: delay}
			switch {
			case traceID != "":
				req.Context = map[string]any{"trace_context": map[string]any{"id_": traceID}}
			case traceTag != "":
				req.Context = map[string]any{"trace_context": map[string]any{"trace_tag": traceTag}}
			}
			var ex st2.Execution
			raw, err := e.rawObject(http.MethodPost, "/executions", func() (err error) {
				ex, err = c.Executions.Start(ctx, req)
				return err
			})
			if err != nil {
				return err
			}
			return e.followExecution(cmd, c, ex.ID, raw, async, view, resultAttributes)
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&async, "async", "a", false, "do not wait for the action to finish")
	fs.StringVarP(&user, "user", "u", "", "user under which to run the action (admins only)")
	fs.StringVar(&traceTag, "trace-tag", "", "a trace tag string to track the execution later")
	fs.StringVar(&traceID, "trace-id", "", "existing trace id for this execution")
	fs.IntVar(&delay, "delay", 0, "how long (in milliseconds) to delay the execution before scheduling")
	fs.BoolVar(&autoDict, "auto-dict", false, `turn array items written "key:value" into one object`)
	fs.BoolVarP(&inheritEnv, "inherit-env", "e", false, inheritEnvHelp)
	e.addViewFlags(cmd, &view, false)
	fs.BoolVar(&view.tail, "tail", false, "follow the output of the execution instead of waiting quietly")
	// st2 stops reading options at the first k=v only when told; here
	// options may come anywhere, but "--" ends them.
	fs.SetInterspersed(true)
	cmd.SetHelpFunc(e.runHelp(cmd.HelpFunc()))
	return cmd
}

// actionAndRunner fetches the action by ref or id, then its runner type,
// as st2 run does before parsing the arguments.
func (e *Env) actionAndRunner(ctx context.Context, c *st2.Client, ref string) (st2.Action, st2.RunnerType, error) {
	action, err := c.Actions.Get(ctx, ref)
	if isNotFound(err) {
		return action, st2.RunnerType{}, &missingActionError{ref: ref}
	}
	if err != nil {
		return action, st2.RunnerType{}, err
	}
	runner, err := c.Runners.Get(ctx, action.RunnerType)
	if isNotFound(err) {
		return action, runner, fmt.Errorf("runner type %q for action %q cannot be found", action.RunnerType, action.Name)
	}
	return action, runner, err
}

// missingActionError is st2's error for a run of an unknown action.
type missingActionError struct{ ref string }

func (e *missingActionError) Error() string {
	return fmt.Sprintf("Resource with id or reference %q doesn't exist.", e.ref)
}

// waitExecution polls the execution while it is pending, as st2 run does.
// When stderr is a terminal (and not in -j/-y mode) a progress line there
// shows the status and the time elapsed, rewritten at each poll and erased
// at the end (st2 prints a dot per poll on stdout); into a pipe nothing
// extra is written. It returns the last execution read.
func (e *Env) waitExecution(ctx context.Context, c *st2.Client, id string, raw *output.Map) (*output.Map, error) {
	progress := e.a.ErrIsTerminal && e.a.Output.Format == output.Table
	interval := 250 * time.Millisecond
	polls := 0
	start := time.Now()
	for {
		status, _ := raw.Get("status")
		s, _ := status.(string)
		if !slices.Contains(pendingStatuses, s) {
			break
		}
		if progress {
			fmt.Fprintf(e.a.Err, "\r%s (%ds elapsed)\x1b[K", s, int(time.Since(start).Seconds()))
		}
		if polls > 0 {
			select {
			case <-ctx.Done():
				return raw, ctx.Err()
			case <-time.After(interval):
			}
			interval = min(interval*2, 2*time.Second)
		}
		polls++
		var err error
		raw, err = e.rawObject(http.MethodGet, "/executions/"+id, func() error {
			_, err := c.Executions.Get(ctx, id)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if progress && polls > 0 {
		fmt.Fprint(e.a.Err, "\r\x1b[K")
	}
	return raw, nil
}

// printExecution prints an execution the way st2 run and execution get
// do: the result view, -d's property table, -k's key, or -j/-y.
func (e *Env) printExecution(raw *output.Map, view viewFlags, defaults []string) error {
	p := e.printer()
	attrs := p.Options.Attrs
	if len(attrs) == 0 {
		attrs = defaults
	}
	color := p.Color && p.Options.Format == output.Table
	switch {
	case view.key != "":
		// -k prints str() of that key of the result, in every format.
		result, _ := raw.Get("result")
		var v any
		if m, ok := result.(*output.Map); ok {
			v = lookup(m, view.key)
		}
		_, err := fmt.Fprintln(e.a.Out, output.PyStr(v))
		return err
	case view.detail:
		o := p.Options
		o.Attrs = defaults
		o.Transforms = e.executionTransforms(color)
		return o.Get(e.a.Out, raw, defaults)
	case p.Options.Format != output.Table:
		o := p.Options
		o.Attrs = attrs
		return o.Get(e.a.Out, raw, nil)
	}
	// The result view is no table: it is printed as is into pipes too.
	if slices.Contains(attrs, "all") {
		attrs = raw.Keys()
		slices.Sort(attrs)
	}
	return writeExecutionResult(e.a.Out, raw, attrs, e.executionTransforms(color), color)
}

// executionExit is the exit status of a waited-for execution: 1 when it
// failed, timed out or was abandoned (st2 itself only for failed).
func executionExit(raw *output.Map) error {
	status, _ := raw.Get("status")
	s, _ := status.(string)
	if st2.Failed(st2.ExecutionStatus(s)) {
		return &executionFailed{status: s}
	}
	return nil
}

// executionFailed is the error of a run whose execution did not succeed;
// the result is already printed, so the message only names the status.
type executionFailed struct{ status string }

func (e *executionFailed) Error() string { return "the execution ended " + e.status }

// runHelp prints, for `run <ref> -h`, the action's description and
// parameters (required first) as st2 does, and the command's help without
// a ref.
func (e *Env) runHelp(std func(*cobra.Command, []string)) func(*cobra.Command, []string) {
	return func(cmd *cobra.Command, args []string) {
		pos := cmd.Flags().Args()
		if cmd.Name() != "run" || len(pos) == 0 {
			std(cmd, args)
			return
		}
		ref := pos[0]
		w := e.a.Out
		c, err := e.connect(cmd)
		if err != nil {
			fmt.Fprintf(w, "ERROR: Unable to print help for action %q. %s\n", ref, err)
			return
		}
		action, runner, err := e.actionAndRunner(cmd.Context(), c, ref)
		if err != nil {
			var msg string
			var missing *missingActionError
			if errors.As(err, &missing) {
				msg = fmt.Sprintf("Action %q is not found. Use \"%s action list\" to see the list of available actions.", ref, e.profile.Prog)
			} else {
				msg = fmt.Sprintf("ERROR: Unable to print help for action %q. %s", ref, err)
			}
			fmt.Fprintln(w, msg)
			return
		}
		writeActionHelp(w, action, runner)
	}
}

// writeActionHelp is st2's _print_help for an action.
func writeActionHelp(w io.Writer, action st2.Action, runner st2.RunnerType) {
	params := Params{}
	for k, v := range runner.RunnerParameters {
		params[k] = v
	}
	for k, v := range action.Parameters {
		params[k] = v
	}
	var required, optional []string
	for name, spec := range params {
		immutable := runner.RunnerParameters[name].Immutable
		if !immutable {
			immutable = action.Parameters[name].Immutable
		}
		switch {
		case immutable:
		case spec.Required:
			required = append(required, name)
		default:
			optional = append(optional, name)
		}
	}
	sortParams := func(names []string) {
		slices.SortFunc(names, func(a, b string) int {
			pa, pb := params[a], params[b]
			// Parameters with a position come first, by position; then
			// by name. (The generated type reads a missing position as
			// 0, so position 0 cannot be told from none.)
			ka, kb := pa.Position > 0, pb.Position > 0
			switch {
			case ka && kb && pa.Position != pb.Position:
				return pa.Position - pb.Position
			case ka != kb:
				if ka {
					return -1
				}
				return 1
			}
			return strings.Compare(a, b)
		})
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, output.TextwrapFill(action.Description, 70, ""))
	fmt.Fprintln(w)
	printGroup := func(title string, names []string) {
		if len(names) == 0 {
			return
		}
		sortParams(names)
		fmt.Fprintln(w, title)
		for _, name := range names {
			spec := params[name]
			fmt.Fprintln(w, output.TextwrapFill(name, 78, "    "))
			if spec.Description != "" {
				fmt.Fprintln(w, output.TextwrapFill(spec.Description, 78, "        "))
			}
			if spec.Type != "" {
				fmt.Fprintln(w, output.TextwrapFill("Type: "+spec.Type, 78, "        "))
			}
			if len(spec.Enum) > 0 {
				vals := make([]string, len(spec.Enum))
				for i, v := range spec.Enum {
					vals[i] = fmt.Sprint(v)
				}
				fmt.Fprintln(w, output.TextwrapFill("Enum: "+strings.Join(vals, ", "), 78, "        "))
			}
			if spec.Default != nil {
				g, err := output.Normalize(spec.Default)
				if err == nil {
					fmt.Fprintln(w, output.TextwrapFill("Default: "+output.PyStr(g), 78, "        "))
				}
			}
			fmt.Fprintln(w)
		}
	}
	printGroup("Required Parameters:", required)
	printGroup("Optional Parameters:", optional)
}

// inheritEnvHelp is -e/--inherit-env's help.
const inheritEnvHelp = `pass the environment variables of the CLI as the "env" parameter of the action (python, local and remote runners), except PWD, HOME, PATH, USER, SHELL, TERM and the like`

// envBlacklist are the variables -e/--inherit-env leaves out, as st2's
// ENV_VARS_BLACKLIST (each in lower or upper case only).
var envBlacklist = []string{"pwd", "mail", "username", "user", "path", "home", "ps1", "shell", "pythonpath",
	"ssh_tty", "ssh_connection", "lang", "ls_colors", "logname", "oldpwd", "term", "xdg_session_id"}

// withInheritedEnv is st2's -e/--inherit-env: the environment (minus the
// blacklist) as the "env" parameter, unless env=... was given.
func withInheritedEnv(params map[string]any, environ []string) map[string]any {
	if params == nil {
		params = map[string]any{}
	}
	if _, ok := params["env"]; ok {
		return params
	}
	env := map[string]any{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue
		}
		env[k] = v
	}
	for _, name := range envBlacklist {
		delete(env, name)
		delete(env, strings.ToUpper(name))
	}
	params["env"] = env
	return params
}

// environ is the process environment for -e/--inherit-env; tests replace
// it through Env.Environ.
func (e *Env) environ() []string {
	if e.Environ != nil {
		return e.Environ()
	}
	return os.Environ()
}
