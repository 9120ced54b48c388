// Package cachetcmd is the `switchboard cachet` command tree: the Cachet
// status page API v1 (components, groups, incidents and their updates,
// metrics and points, schedules, subscribers, templates) over the facade in
// facade/cachet, rendered by the shared output package.
//
// It is the pattern the other platforms follow: connection flags that fall
// back on the platform's own environment variables, the global --sandbox
// switching to the in-process emulator, list/get/create/update/delete per
// resource, objects shown with the API's own field names, usage errors
// (exit 2) for anything wrong on the command line before a request is sent.
package cachetcmd

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// env is the state shared by the commands of one invocation: the app and
// the connection flags.
type env struct {
	a        *app.App
	endpoint string
	token    string
	insecure bool
	timeout  time.Duration
	timeZone string
}

// New returns the `cachet` command and its subtree.
func New(a *app.App) *cobra.Command {
	e := &env{a: a}
	cmd := &cobra.Command{
		Use:   "cachet",
		Short: "Cachet status pages: components, incidents, metrics, maintenance",
		Long: `Manage a Cachet 2.x status page through its API v1.

The server is given by --endpoint or CACHET_ENDPOINT (the API URL, ending in
/api/v1) and the API token of a dashboard user by --token or
CACHET_API_TOKEN; without a token only public reads work. With the global
--sandbox flag, commands run against a built-in emulator filled with demo
data instead.

Objects are shown with the API's own field names (status_name, group_id,
human_status, created_at ...), so -a, -j and -y select and print what the
API documents. Times are read and shown in UTC unless --time-zone says
otherwise; dates are given as "YYYY-MM-DD HH:MM".`,
		Example: `  switchboard --sandbox cachet component list
  export CACHET_ENDPOINT=https://status.example.com/api/v1 CACHET_API_TOKEN=...
  switchboard cachet incident create --name "API down" --message "Investigating." \
      --status investigating --component 2 --component-status major-outage
  switchboard cachet component list --status major-outage -a id name status_name`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&e.endpoint, "endpoint", "", "API endpoint, e.g. https://status.example.com/api/v1 (default $"+cachet.EnvEndpoint+")")
	pf.StringVar(&e.token, "token", "", "API token of a dashboard user (default $"+cachet.EnvToken+")")
	pf.BoolVar(&e.insecure, "insecure", false, "do not verify the server's TLS certificate")
	pf.DurationVar(&e.timeout, "timeout", facade.DefaultTimeout, "time limit of each API call, retries included")
	pf.StringVar(&e.timeZone, "time-zone", "UTC", "IANA zone in which dates are read and shown, e.g. Europe/Paris")

	cmd.AddCommand(
		e.pingCmd(), e.versionCmd(), e.statusCmd(),
		e.componentCmd(), e.groupCmd(), e.incidentCmd(), e.incidentUpdateCmd(), e.templateCmd(),
		e.metricCmd(), e.metricPointCmd(), e.scheduleCmd(), e.subscriberCmd(),
	)
	return cmd
}

// connect builds the client for this invocation: the sandbox emulator
// with --sandbox, otherwise the endpoint and token from the flags or the
// environment.
func (e *env) connect(cmd *cobra.Command) (*cachet.Client, error) {
	ctx := cmd.Context()
	endpoint, token := e.endpoint, e.token
	if e.a.Sandbox {
		if cmd.Flags().Changed("endpoint") {
			return nil, app.Usagef("--endpoint and --sandbox cannot be used together: --sandbox runs a built-in emulator")
		}
		inst, err := e.a.SandboxInstance(ctx, "cachet")
		if err != nil {
			return nil, err
		}
		endpoint, token = inst.Lookup(cachet.EnvEndpoint), inst.Lookup(cachet.EnvToken)
	} else {
		if !cmd.Flags().Changed("endpoint") {
			endpoint = e.a.Getenv(cachet.EnvEndpoint)
		}
		if !cmd.Flags().Changed("token") {
			token = e.a.Getenv(cachet.EnvToken)
		}
		if endpoint == "" {
			return nil, app.Usagef("no Cachet endpoint: set %s or --endpoint to the API URL (e.g. https://status.example.com/api/v1), or add --sandbox to use the built-in emulator", cachet.EnvEndpoint)
		}
	}
	opts := []facade.Option{facade.WithLogger(e.a.Logger()), facade.WithTimeout(e.timeout)}
	if e.insecure {
		opts = append(opts, facade.WithInsecureSkipVerify())
	}
	c, err := cachet.New(endpoint, token, opts...)
	var cfgErr *facade.ConfigError
	if errors.As(err, &cfgErr) {
		// A malformed endpoint is a mistake in the invocation, not a
		// failed operation.
		return nil, &app.UsageError{Err: err}
	} else if err != nil {
		return nil, err
	}
	if e.timeZone != "UTC" {
		loc, err := time.LoadLocation(e.timeZone)
		if err != nil {
			return nil, app.Usagef("--time-zone %q: not an IANA time zone name", e.timeZone)
		}
		if c, err = c.WithTimeZone(loc); err != nil {
			return nil, &app.UsageError{Err: err}
		}
	}
	return c, nil
}

// run wraps a command's body: it connects, then maps the facade's
// argument errors (refused before any request, like a tag name with a
// comma) to usage errors.
func (e *env) run(fn func(cmd *cobra.Command, c *cachet.Client, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := e.connect(cmd)
		if err != nil {
			return err
		}
		err = fn(cmd, c, args)
		var argErr *facade.ArgumentError
		if errors.As(err, &argErr) {
			return &app.UsageError{Err: err}
		}
		return err
	}
}

// kind describes how a resource is shown.
type kind struct {
	// plural names the resource in notes ("components").
	plural string
	// columns are the list's default columns.
	columns []string
	// order puts these attributes first in the get view; the others
	// follow alphabetically.
	order []string
}

// options are the app's output options with the table transforms of
// Cachet's values.
func (e *env) options() output.Options {
	o := e.a.OutputOptions()
	o.Transforms = map[string]func(any) any{"tags": tagNames}
	return o
}

// tagNames shows a component's {slug: name} tags as their names in
// tables ("Backend, Public"), where a dict would wrap into noise; JSON,
// YAML and plain output keep the API's object.
func tagNames(v any) any {
	m, ok := v.(*output.Map)
	if !ok {
		return v
	}
	names := make([]string, 0, m.Len())
	for _, k := range m.Keys() {
		name, _ := m.Get(k)
		names = append(names, fmt.Sprint(name))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// show prints one object in the get view.
func (e *env) show(c *cachet.Client, k kind, item any) error {
	return e.options().Get(e.a.Out, apiView(item, c.TimeZone()), k.order)
}

// showList prints up to limit items of seq (all when limit is 0). It
// reads one item past the limit to tell whether a note is due; the
// caller's page size keeps that to the same request.
func showList[T any](e *env, c *cachet.Client, k kind, limit int, seq iter.Seq2[T, error]) error {
	items := []any{}
	more := false
	for it, err := range seq {
		if err != nil {
			return err
		}
		if limit > 0 && len(items) == limit {
			more = true
			break
		}
		items = append(items, apiView(it, c.TimeZone()))
	}
	p := &output.Printer{Options: e.options(), Stdout: e.a.Out, Stderr: e.a.Err, IsTerminal: e.a.OutIsTerminal}
	if err := p.List(items, k.columns); err != nil {
		return err
	}
	if more {
		return p.LimitNote(k.plural, limit, limitFlag)
	}
	return nil
}

// deleted prints st2's confirmation of a delete.
func (e *env) deleted(id int) error {
	_, err := fmt.Fprintf(e.a.Out, "Resource with id %q has been successfully deleted.\n", fmt.Sprint(id))
	return err
}

// resource returns the group command of a resource, e.g. `component`
// with its alias `components`.
func resource(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Aliases: aliases}
}
