package rightscalecmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
)

// printList prints raw resources as a list.
func (e *env) printList(raws []json.RawMessage, cols []string) error {
	items := make([]any, 0, len(raws))
	for _, r := range raws {
		m, err := view(r)
		if err != nil {
			return err
		}
		items = append(items, m)
	}
	p := &output.Printer{Options: e.a.OutputOptions(), Stdout: e.a.Out, Stderr: e.a.Err, IsTerminal: e.a.OutIsTerminal}
	return p.List(items, cols)
}

// printOne prints one raw resource in the get view.
func (e *env) printOne(raw json.RawMessage) error {
	m, err := view(raw)
	if err != nil {
		return err
	}
	return e.a.OutputOptions().Get(e.a.Out, m, []string{"href", "name", "state", "description"})
}

// parseFilters reads --filter values.
func parseFilters(in []string) ([]rightscale.Filter, error) {
	var out []rightscale.Filter
	for _, s := range in {
		f, err := rightscale.ParseFilter(s)
		if err != nil {
			return nil, &app.UsageError{Err: fmt.Errorf("--filter: %w", err)}
		}
		out = append(out, f)
	}
	return out, nil
}

func (e *env) indexCmd() *cobra.Command {
	var filters []string
	var viewName, cloud string
	cmd := &cobra.Command{
		Use:   "index <collection|href>",
		Short: "List a collection (filtered, in a view)",
		Long: `List a collection: a name from 'switchboard rightscale collections' or any
collection href the API links to (/api/deployments/12/servers,
/api/server_arrays/3/current_instances). Collections of a cloud need --cloud.

--filter takes field==value or field<>value and may be repeated (the filters
are ANDed). Name-like fields match any resource whose value contains the
text, ignoring case; the others match exactly.`,
		Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *rightscale.Client, args []string) error {
			fs, err := parseFilters(filters)
			if err != nil {
				return err
			}
			href, name, err := resolveCollection(cmd, c, args[0], cloud)
			if err != nil {
				return err
			}
			raws, err := rightscale.At[json.RawMessage](c, href).List(cmd.Context(), rightscale.IndexOptions{Filters: fs, View: viewName})
			if errors.Is(err, rightscale.ErrInvalidHref) {
				return &app.UsageError{Err: err}
			}
			if err != nil {
				return err
			}
			return e.printList(raws, columns(name))
		}),
	}
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "filter field==value or field<>value (repeatable, ANDed)")
	cmd.Flags().StringVar(&viewName, "view", "", "view of each resource (default, extended, tiny, instance_detail, ...)")
	cmd.Flags().StringVar(&cloud, "cloud", "", "cloud name or href, for the collections of a cloud")
	return cmd
}

func (e *env) showCmd() *cobra.Command {
	var viewName, cloud string
	cmd := &cobra.Command{
		Use:   "show <href> | show <collection> <id>",
		Short: "Show one resource",
		Args:  cobra.RangeArgs(1, 2),
		RunE: e.run(func(cmd *cobra.Command, c *rightscale.Client, args []string) error {
			href, id := args[0], ""
			if len(args) == 2 {
				var err error
				if href, _, err = resolveCollection(cmd, c, args[0], cloud); err != nil {
					return err
				}
				id = args[1]
			} else if href == "" || href[0] != '/' {
				return app.Usagef("show takes an href (/api/servers/12) or a collection and an id (servers 12)")
			}
			col := rightscale.At[json.RawMessage](c, href)
			var raw json.RawMessage
			var err error
			if id != "" {
				raw, err = col.Show(cmd.Context(), id, rightscale.ShowOptions{View: viewName})
			} else {
				raw, err = showHref(cmd, c, href, viewName)
			}
			if errors.Is(err, rightscale.ErrInvalidHref) {
				return &app.UsageError{Err: err}
			}
			if err != nil {
				return err
			}
			return e.printOne(raw)
		}),
	}
	cmd.Flags().StringVar(&viewName, "view", "", "view of the resource")
	cmd.Flags().StringVar(&cloud, "cloud", "", "cloud name or href, for the resources of a cloud")
	return cmd
}

// showHref reads the resource at href through its parent collection.
func showHref(cmd *cobra.Command, c *rightscale.Client, href, viewName string) (json.RawMessage, error) {
	i := len(href) - 1
	for i > 0 && href[i] != '/' {
		i--
	}
	return rightscale.At[json.RawMessage](c, href[:max(i, 1)]).Show(cmd.Context(), href, rightscale.ShowOptions{View: viewName})
}

func (e *env) collectionsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "collections",
		Short: "List the collection names index and show take",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var items []any
			for _, n := range accountCollections {
				items = append(items, map[string]any{"collection": n, "href": "/api/" + n, "needs": ""})
			}
			for _, n := range cloudCollections {
				items = append(items, map[string]any{"collection": n, "href": "/api/clouds/{cloud}/" + n, "needs": "--cloud"})
			}
			p := &output.Printer{Options: e.a.OutputOptions(), Stdout: e.a.Out, Stderr: e.a.Err, IsTerminal: e.a.OutIsTerminal}
			return p.List(items, []string{"collection", "href", "needs"})
		},
	}
}

func (e *env) accountsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "accounts",
		Short: "List the accounts the refresh token's user can reach",
		Args:  cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *rightscale.Client, _ []string) error {
			accts, err := c.SessionAccounts(cmd.Context(), "")
			if err != nil {
				return err
			}
			raws := make([]json.RawMessage, 0, len(accts))
			for _, a := range accts {
				b, err := json.Marshal(a)
				if err != nil {
					return err
				}
				raws = append(raws, b)
			}
			return e.printList(raws, []string{"href", "name"})
		}),
	}
}

func (e *env) listInstancesCmd() *cobra.Command {
	var o rightscale.ListInstancesOptions
	var cloud string
	cmd := &cobra.Command{
		Use:   "list-instances --cloud <name> [--deployment <name>]",
		Short: "List the operational instances of a cloud (python-rightscale's list_instances)",
		Long: `List the operational instances of the cloud named --cloud, only those of the
deployment named --deployment when given (python-rightscale's list_instances;
names are matched exactly).

The instances are read in the "default" view so that the table shows their
names, states and addresses. python-rightscale, and the Go facade's
ListInstances, ask for the "tiny" view, which carries little more than each
instance's href: pass --view tiny for the same request.`,
		Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *rightscale.Client, _ []string) error {
			if cloud == "" {
				return app.Usagef("--cloud is required: the exact name of a cloud, e.g. \"EC2 us-east-1\"")
			}
			insts, err := c.ListInstances(cmd.Context(), cloud, o)
			if err != nil {
				return err
			}
			raws := make([]json.RawMessage, 0, len(insts))
			for _, in := range insts {
				b, err := json.Marshal(in)
				if err != nil {
					return err
				}
				raws = append(raws, b)
			}
			return e.printList(raws, columns("instances"))
		}),
	}
	f := cmd.Flags()
	f.StringVar(&cloud, "cloud", "", "exact name of the cloud (required)")
	f.StringVar(&o.Deployment, "deployment", "", "exact name of a deployment to keep only its instances")
	// The CLI's default differs from the facade's on purpose: the facade
	// keeps python-rightscale's cheap "tiny" (little more than the href,
	// what a program needs to act on instances), while a person reading a
	// table needs names, states and addresses, which only "default" and
	// richer views carry.
	f.StringVar(&o.View, "view", "default", "instance view: default, extended, full, full_inputs_2_0, tiny (hrefs only: python-rightscale's and the Go facade's default), sensitive")
	f.StringVar(&o.State, "state", "", "state to keep (default operational)")
	f.BoolVar(&o.AllStates, "all-states", false, "keep instances in every state")
	return cmd
}

// taskPollInterval is the first delay between polls of a task; zero is
// the facade's default (one second, growing to ten). The package's tests
// shorten it: the emulator's tasks move on with each read, not with time,
// so the goldens see the same progress without waiting in real time.
var taskPollInterval time.Duration

func (e *env) runScriptCmd() *cobra.Command {
	var server, array string
	var inputs []string
	var noWait bool
	var waitTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "run-script <script> (--server <name> | --array <name>) [-i NAME=VALUE]...",
		Short: "Run a RightScript on a server or a server array and wait for its task",
		Long: `Run the RightScript named <script> on the current instance of the server named
--server (python-rightscale's run_script_on_server), or on every instance of
the server array named --array, then wait for the task to complete. Names
are matched exactly.

-i NAME=VALUE sets an input; VALUE may carry a type prefix (text:, cred:,
env:, key:, array:) or be inherit, ignore or blank; any other VALUE is text.
While the task runs its progress goes to stderr when stderr is a terminal.
A task that fails exits 1 with RightScale's summary.`,
		Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *rightscale.Client, args []string) error {
			if (server == "") == (array == "") {
				return app.Usagef("give exactly one of --server and --array")
			}
			in := rightscale.Inputs{}
			for _, s := range inputs {
				n, v, err := rightscale.ParseInput(s)
				if err != nil {
					return &app.UsageError{Err: fmt.Errorf("-i: %w", err)}
				}
				in[n] = v
			}
			ctx := cmd.Context()
			var task *rightscale.Task
			var err error
			if server != "" {
				task, err = c.RunScriptOnServer(ctx, args[0], server, in)
			} else {
				task, err = c.RunScriptOnServerArray(ctx, args[0], array, in)
			}
			if err != nil {
				return err
			}
			if !noWait {
				e.a.Progress("task %s\n", task.Href)
				err = task.Wait(ctx, rightscale.TaskWaitOptions{
					WaitOptions: facade.WaitOptions{Timeout: waitTimeout, Interval: taskPollInterval},
					Progress:    func(s string) { e.a.Progress("status: %s\n", s) },
				})
				var failed *rightscale.TaskFailedError
				if err != nil && !errors.As(err, &failed) {
					return err
				}
			}
			state := string(task.State())
			if task.Summary == "" {
				state = "queued"
			}
			if perr := e.a.OutputOptions().Get(e.a.Out, map[string]any{
				"href": task.Href, "summary": task.Summary, "state": state, "detail": task.Detail,
			}, []string{"href", "state", "summary", "detail"}); perr != nil {
				return perr
			}
			return err
		}),
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "", "exact name of the server")
	f.StringVar(&array, "array", "", "exact name of the server array")
	f.StringArrayVarP(&inputs, "input", "i", nil, "input NAME=VALUE (repeatable)")
	f.BoolVar(&noWait, "no-wait", false, "print the task and return without waiting")
	f.DurationVar(&waitTimeout, "wait-timeout", 30*time.Minute, "give up waiting after this long (the task goes on)")
	return cmd
}
