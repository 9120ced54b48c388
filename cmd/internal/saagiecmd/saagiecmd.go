// Package saagiecmd is the `switchboard saagie` command tree over the
// facade in facade/saagie: projects (with export and import in
// saagieapi's folder layout), jobs (including run-and-wait with progress),
// pipelines, apps, environment variables, and the realm's users and
// groups, rendered by the
// shared output package. It follows cachetcmd's pattern: connection flags
// falling back on the SAAGIE_* variables, the global --sandbox switching to
// the in-process emulator, usage errors (exit 2) before any request.
package saagiecmd

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
)

type env struct {
	a           *app.App
	url         string
	platformURL string
	platformID  string
	realm       string
	user        string
	password    string
	insecure    bool
	timeout     time.Duration
}

// New returns the `saagie` command and its subtree.
func New(a *app.App) *cobra.Command {
	e := &env{a: a}
	cmd := &cobra.Command{
		Use:   "saagie",
		Short: "Saagie data platforms: projects, jobs, pipelines, apps, env vars, users",
		Long: `Manage a Saagie platform (Projects & Jobs API, GraphQL) as saagieapi does.

The platform is given either by --platform-url (any page URL of the platform,
read as saagieapi's easy_connect reads it) or by --url, --platform-id and
--realm (default $SAAGIE_URL, $SAAGIE_PLATFORM_ID, $SAAGIE_REALM); the
credentials by --user/--password or $SAAGIE_USER/$SAAGIE_PASSWORD. With the
global --sandbox flag, commands run against a built-in emulator instead.`,
		Example: `  switchboard --sandbox saagie project list
  switchboard saagie --platform-url https://acme-workspace.saagie.io/projects/platform/6/ job list PROJECT_ID
  switchboard saagie job run JOB_ID --wait`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&e.platformURL, "platform-url", "", "URL of any page of the platform, e.g. https://acme-workspace.saagie.io/projects/platform/6/")
	pf.StringVar(&e.url, "url", "", "workspace base URL (default $"+saagie.EnvURL+")")
	pf.StringVar(&e.platformID, "platform-id", "", "platform id (default $"+saagie.EnvPlatformID+")")
	pf.StringVar(&e.realm, "realm", "", "realm (default $"+saagie.EnvRealm+", or read from the host)")
	pf.StringVar(&e.user, "user", "", "login (default $"+saagie.EnvUser+")")
	pf.StringVar(&e.password, "password", "", "password (default $"+saagie.EnvPassword+"; prefer the variable)")
	pf.BoolVar(&e.insecure, "insecure", false, "do not verify the server's TLS certificate")
	pf.DurationVar(&e.timeout, "timeout", facade.DefaultTimeout, "time limit of each API call, retries included")
	cmd.AddCommand(e.platformCmd(), e.projectCmd(), e.jobCmd(), e.pipelineCmd(), e.appCmd(), e.envCmd(), e.userCmd(), e.groupCmd())
	return cmd
}

func (e *env) flag(cmd *cobra.Command, name, value, envName string) string {
	if cmd.Flags().Changed(name) {
		return value
	}
	return e.a.Getenv(envName)
}

// connect builds the client: the sandbox with --sandbox, else the flags,
// else the environment.
func (e *env) connect(cmd *cobra.Command) (*saagie.Client, error) {
	ctx := cmd.Context()
	var base, pid, realm, user, password string
	if e.a.Sandbox {
		for _, f := range []string{"url", "platform-url", "platform-id"} {
			if cmd.Flags().Changed(f) {
				return nil, app.Usagef("--%s and --sandbox cannot be used together: --sandbox runs a built-in emulator", f)
			}
		}
		inst, err := e.a.SandboxInstance(ctx, "saagie")
		if err != nil {
			return nil, err
		}
		base, pid, realm = inst.Lookup(saagie.EnvURL), inst.Lookup(saagie.EnvPlatformID), inst.Lookup(saagie.EnvRealm)
		user, password = inst.Lookup(saagie.EnvUser), inst.Lookup(saagie.EnvPassword)
	} else {
		user = e.flag(cmd, "user", e.user, saagie.EnvUser)
		password = e.flag(cmd, "password", e.password, saagie.EnvPassword)
		realm = e.flag(cmd, "realm", e.realm, saagie.EnvRealm)
		if e.platformURL != "" {
			p, err := saagie.ParsePlatformURL(e.platformURL)
			if err != nil {
				return nil, &app.UsageError{Err: err}
			}
			base, pid = p.BaseURL, strconv.Itoa(p.PlatformID)
			if !cmd.Flags().Changed("realm") && p.Realm != "" {
				realm = p.Realm
			}
		} else {
			base = e.flag(cmd, "url", e.url, saagie.EnvURL)
			pid = e.flag(cmd, "platform-id", e.platformID, saagie.EnvPlatformID)
		}
		if base == "" {
			return nil, app.Usagef("no Saagie platform: set --platform-url, or %s and %s (or --url and --platform-id), or add --sandbox to use the built-in emulator", saagie.EnvURL, saagie.EnvPlatformID)
		}
	}
	id, err := strconv.Atoi(pid)
	if err != nil {
		return nil, app.Usagef("platform id %q: not an integer", pid)
	}
	opts := []facade.Option{facade.WithLogger(e.a.Logger()), facade.WithTimeout(e.timeout)}
	if e.insecure {
		opts = append(opts, facade.WithInsecureSkipVerify())
	}
	if f := e.a.Getenv(saagie.EnvCACert); f != "" && !e.a.Sandbox {
		opts = append(opts, facade.WithCACertFile(f))
	}
	c, err := saagie.New(ctx, base, id, user, password, realm, opts...)
	var cfgErr *facade.ConfigError
	if errors.As(err, &cfgErr) {
		return nil, &app.UsageError{Err: err}
	}
	return c, err
}

func (e *env) run(fn func(cmd *cobra.Command, c *saagie.Client, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := e.connect(cmd)
		if err != nil {
			return err
		}
		err = fn(cmd, c, args)
		var cfgErr *facade.ConfigError
		if errors.As(err, &cfgErr) && errors.Is(err, facade.ErrValidation) {
			return &app.UsageError{Err: err}
		}
		return err
	}
}

func (e *env) printer() *output.Printer {
	return &output.Printer{Options: e.a.OutputOptions(), Stdout: e.a.Out, Stderr: e.a.Err, IsTerminal: e.a.OutIsTerminal}
}

func (e *env) list(items []map[string]any, cols []string) error {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return e.printer().List(out, cols)
}

func (e *env) show(item map[string]any, order []string) error {
	return e.printer().Get(item, order)
}

func group(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Aliases: aliases}
}

// ts shows a time as RFC 3339 UTC, or null.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func readFile(path string) (*saagie.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, app.Usagef("--file: %v", err)
	}
	return &saagie.File{Name: path, Content: f}, nil
}

func done(e *env, what, id string) error {
	_, err := fmt.Fprintf(e.a.Out, "%s %s has been successfully deleted.\n", what, id)
	return err
}
