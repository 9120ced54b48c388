package st2cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// packs is st2's Pack resource.
var packs = resource{
	display:  "Pack",
	plural:   "packs",
	columns:  []string{"ref", "name", "description", "version", "author"},
	getOrder: []string{"name", "version", "author", "email", "keywords", "description"},
	getAttrs: []string{"name", "version", "author", "email", "keywords", "description"},
}

// packSearchColumns are `pack search`'s columns.
var packSearchColumns = []string{"name", "description", "version", "author"}

// PackCmd is `st2 pack`: list, get, search, show, install, remove and
// register. config (the interactive pack configuration) is not here yet.
func (e *Env) PackCmd() *cobra.Command {
	cmd := group("pack", "Manage packs: browse, search the index, install, remove, register", "packs")
	cmd.AddCommand(
		e.packListCmd(),
		e.getCmd(packs, "ref", `  switchboard --sandbox st2 pack get examples`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Packs.Get(ctx, id)
				return err
			}),
		e.packSearchCmd(),
		e.packShowCmd(),
		e.packInstallCmd(),
		e.packRemoveCmd(),
		e.packRegisterCmd(),
	)
	return cmd
}

func (e *Env) packListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List installed packs",
		Example: `  switchboard --sandbox st2 pack list
  switchboard --sandbox st2 pack list -a ref version -j`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := e.printer()
			q := st2.PackListOptions{IncludeAttributes: include(p, packs.columns)}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			return e.printList(packs, p, listOpts{}, func() (int, error) {
				page, err := c.Packs.Page(cmd.Context(), q, 0, 0)
				return page.Total, err
			})
		},
	}
}

func (e *Env) packSearchCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "search <query>",
		Short: "Search the pack index for packs with any attribute matching the query",
		Example: `  switchboard --sandbox st2 pack search slack
  switchboard --sandbox st2 pack search integrations -a name keywords`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			v, err := e.rawAnswer(http.MethodPost, func() error {
				_, err := c.Packs.Search(cmd.Context(), args[0])
				return err
			})
			if err != nil {
				return err
			}
			items, ok := v.([]any)
			if !ok {
				return fmt.Errorf("st2: the server answered the pack search with a JSON value that is not an array")
			}
			return e.printer().List(items, packSearchColumns)
		},
	}
}

func (e *Env) packShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "show <pack>",
		Short:   "Show a pack of the pack index",
		Example: `  switchboard --sandbox st2 pack show github`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			found := false
			v, err := e.rawAnswer(http.MethodPost, func() (err error) {
				_, found, err = c.Packs.Show(cmd.Context(), args[0])
				return err
			})
			if err != nil {
				return err
			}
			if !found {
				_, err := fmt.Fprintln(e.a.Out, output.NoItems)
				return err
			}
			p := e.printer()
			p.Options.Attrs = nil
			return p.Get(v, defaultOrder)
		},
	}
}

// packInstallColumns are the attributes install and remove print (st2's
// PackAsyncCommand --attr default).
var packInstallColumns = []string{"ref", "name", "description", "version", "author"}

// packName is the pack a name, name=version or git URL installs, as the
// packs.install action names it.
func packName(s string) string {
	name := strings.SplitN(strings.TrimSuffix(s, ".git"), "=", 2)[0]
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimPrefix(name, "stackstorm-")
}

// waitPackWork follows the packs.install or packs.uninstall execution id
// to its end; a failure prints the execution and exits with 1.
func (e *Env) waitPackWork(ctx context.Context, c *st2.Client, id string) error {
	p := e.printer()
	_, err := c.Executions.Wait(ctx, id, st2.WaitOptions{})
	var xe *st2.ExecutionError
	if errors.As(err, &xe) {
		raw, gerr := e.rawObject(http.MethodGet, "", func() error {
			_, err := c.Executions.Get(ctx, id)
			return err
		})
		if gerr == nil {
			p.Options.Attrs = nil
			_ = p.Get(raw, []string{"id", "action.ref", "context.user", "parameters", "status", "start_timestamp", "end_timestamp", "result"})
		}
	}
	return err
}

// printPacks prints the packs named: one as a property table, several as
// a table, with install's attributes unless -a says otherwise.
func (e *Env) printPacks(all []any, names []string) error {
	p := e.printer()
	if len(p.Options.Attrs) == 0 {
		p.Options.Attrs = packInstallColumns
	}
	var picked []any
	for _, it := range all {
		m, _ := it.(*output.Map)
		if m == nil {
			continue
		}
		name, _ := m.Get("name")
		ref, _ := m.Get("ref")
		for _, n := range names {
			if name == n || ref == n {
				picked = append(picked, m)
				break
			}
		}
	}
	if len(names) == 1 {
		if len(picked) == 0 {
			_, err := fmt.Fprintln(e.a.Out, output.NoItems)
			return err
		}
		return p.Get(picked[0], packInstallColumns)
	}
	return p.List(picked, packInstallColumns)
}

// allPacks reads every installed pack as the server sends it.
func (e *Env) allPacks(ctx context.Context, c *st2.Client) ([]any, error) {
	page, err := c.Packs.PageJSON(ctx, st2.PackListOptions{}, 0, 0)
	if err != nil {
		return nil, err
	}
	return jsonItems(page)
}

func (e *Env) packInstallCmd() *cobra.Command {
	var force, skipDeps bool
	cmd := &cobra.Command{
		Use:   "install <pack> [<pack> ...]",
		Short: "Install packs (names, name=version or git URLs) and wait for the installation",
		Long: `Install packs through the packs.install action and wait for it, then show
the installed packs. st2's per-task progress lines are not shown.`,
		Example: `  switchboard --sandbox st2 pack install github
  switchboard --sandbox st2 pack install slack=2.2.0 https://github.com/StackStorm-Exchange/stackstorm-aws.git`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			p := e.printer()
			if p.Options.Format == output.Table {
				if err := e.printPackContent(ctx, c, args); err != nil {
					return err
				}
			}
			id, err := c.Packs.Install(ctx, args, force, skipDeps)
			if err != nil {
				return err
			}
			if err := e.waitPackWork(ctx, c, id); err != nil {
				return err
			}
			all, err := e.allPacks(ctx, c)
			if err != nil {
				return err
			}
			names := make([]string, len(args))
			for i, a := range args {
				names[i] = packName(a)
			}
			return e.printPacks(all, names)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "force the installation")
	cmd.Flags().BoolVar(&skipDeps, "skip-dependencies", false, "do not install the packs' dependencies")
	return cmd
}

// packContentKinds are the kinds `pack install` counts, in st2's order.
var packContentKinds = []string{"actions", "rules", "sensors", "aliases", "triggers"}

// printPackContent prints st2's "the following content will be
// registered" summary from the index entries of packs, when the index
// gives their content.
func (e *Env) printPackContent(ctx context.Context, c *st2.Client, packs []string) error {
	counts := map[string]float64{}
	seen := false
	for _, name := range packs {
		if strings.HasPrefix(name, "file://") {
			return nil
		}
		entry, ok, err := c.Packs.Show(ctx, name)
		if err != nil || !ok {
			continue // st2 ignores search errors here
		}
		content, _ := entry["content"].(map[string]any)
		for kind, v := range content {
			if m, _ := v.(map[string]any); m != nil {
				if n, ok := m["count"].(float64); ok {
					counts[kind] += n
					seen = true
				}
			}
		}
	}
	if !seen {
		return nil
	}
	noun := "pack"
	if len(packs) > 1 {
		noun = "packs"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nFor the %q %s, the following content will be registered:\n\n", strings.Join(packs, ", "), noun)
	for _, kind := range packContentKinds {
		fmt.Fprintf(&b, "%-10s|  %v\n", kind, counts[kind])
	}
	b.WriteString("\nInstallation may take a while for packs with many items.\n")
	_, err := io.WriteString(e.a.Out, b.String())
	return err
}

func (e *Env) packRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "remove <pack> [<pack> ...]",
		Short:   "Remove packs and wait for the removal",
		Example: `  switchboard --sandbox st2 pack remove examples`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			before, err := e.allPacks(ctx, c)
			if err != nil {
				return err
			}
			id, err := c.Packs.Uninstall(ctx, args)
			if err != nil {
				return err
			}
			if err := e.waitPackWork(ctx, c, id); err != nil {
				return err
			}
			after, err := e.allPacks(ctx, c)
			if err != nil {
				return err
			}
			for _, it := range after {
				m, _ := it.(*output.Map)
				if m == nil {
					continue
				}
				name, _ := m.Get("name")
				ref, _ := m.Get("ref")
				for _, a := range args {
					if name == a || ref == a {
						return &operationFailure{msg: fmt.Sprintf("Pack %s has not been removed properly", a)}
					}
				}
			}
			return e.printPacks(before, args)
		},
	}
}

func (e *Env) packRegisterCmd() *cobra.Command {
	var types []string
	cmd := &cobra.Command{
		Use:   "register [<pack> ...]",
		Short: "Register the content of packs (all when none is named): sync file changes with the database",
		Example: `  switchboard --sandbox st2 pack register
  switchboard --sandbox st2 pack register examples --types actions rules`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			v, err := e.rawAnswer(http.MethodPost, func() error {
				_, err := c.Packs.Register(cmd.Context(), args, types)
				return err
			})
			if err != nil {
				return &operationFailure{msg: err.Error()}
			}
			p := e.printer()
			p.Options.Attrs = nil
			return p.Get(v, defaultOrder)
		},
	}
	cmd.Flags().StringSliceVar(&types, "types", nil, "types of content to register (actions, rules, sensors, aliases, triggers, policies, configs...); repeat or separate with commas")
	return cmd
}
