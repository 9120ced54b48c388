// Package spacestudiocmd is the `switchboard spacestudio` command tree: the
// spacestudio scripting API (Exotrail) over the facade in
// facade/spacestudio. Each collection of the API is a command group
// (`orbit`, `spacecraft`, `simulation-mission`, ...) with list, get, create
// and delete; mission groups add compute, status, run and results; `file`
// downloads stored files.
package spacestudiocmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
)

// env is the state shared by the commands of one invocation.
type env struct {
	a        *app.App
	baseURL  string
	mail     string
	clientID string
	tokenURL string
	envFile  string
	insecure bool
	timeout  time.Duration
}

// New returns the `spacestudio` command and its subtree.
func New(a *app.App) *cobra.Command {
	e := &env{a: a}
	cmd := &cobra.Command{
		Use:   "spacestudio",
		Short: "Exotrail spacestudio: spacecraft, orbits, missions and their computations",
		Long: `Drive the spacestudio scripting API (the one the Python package
spacestudio-constellation uses).

Connection settings are read from the flags, else from the environment, else
from a .env file in the working directory (--env-file), with the Python
package's names: LOG_BASE_URL, LOG_MAIL, LOG_PASSWORD, CLIENT_ID and
VERIFY_SSL_CERTIFICATE (exactly FALSE turns TLS verification off), plus
SPACESTUDIO_TOKEN_URL to log in elsewhere than Exotrail's Keycloak. The
password is never taken from the command line.

With the global --sandbox flag, each command runs against a new built-in
emulator seeded with demo objects (a thruster, a geometry, a battery, the
spacecraft "Demo 12U", the orbit "SSO 500 km" and the mission "Raise to 550
km", already computed once): what one command creates or computes is gone
for the next. For a session that keeps its state, start
'switchboard sandbox serve spacestudio' and export the variables it prints.

Each collection is a command group. The API has no call that reads one
object and no server-side search: get and delete by --name list the whole
collection and match displayedName, as the Python package does.`,
		Example: `  switchboard --sandbox spacestudio orbit list
  switchboard --sandbox spacestudio orbit create --name "LEO 400" --field type=Circular --field altitude=400000
  switchboard --sandbox spacestudio simulation-mission run --name "Raise to 550 km"
  switchboard --sandbox spacestudio simulation-mission results --name "Raise to 550 km" -a results.maneuverReport`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&e.baseURL, "base-url", "", "application URL, e.g. https://spacestudio.exotrail.space (default $"+spacestudio.EnvBaseURL+")")
	pf.StringVar(&e.mail, "mail", "", "account e-mail (default $"+spacestudio.EnvMail+"; the password comes only from $"+spacestudio.EnvPassword+")")
	pf.StringVar(&e.clientID, "client-id", "", "OIDC client id issued by Exotrail (default $"+spacestudio.EnvClientID+")")
	pf.StringVar(&e.tokenURL, "token-url", "", "Keycloak token endpoint (default $"+spacestudio.EnvTokenURL+", else Exotrail's)")
	pf.StringVar(&e.envFile, "env-file", spacestudio.DefaultEnvFile, "dotenv file read after the environment (empty: none)")
	pf.BoolVar(&e.insecure, "insecure", false, "do not verify the server's TLS certificate")
	pf.DurationVar(&e.timeout, "timeout", facade.DefaultTimeout, "time limit of each API call, retries included")

	cmd.AddCommand(e.collectionsCmd(), e.whoamiCmd(), e.fileCmd())
	for _, col := range spacestudio.Collections() {
		cmd.AddCommand(e.collectionCmd(col))
	}
	return cmd
}

// connect logs in for this invocation: the sandbox with --sandbox,
// otherwise the flags, the environment and the .env file.
func (e *env) connect(cmd *cobra.Command) (*spacestudio.Client, error) {
	ctx := cmd.Context()
	var s spacestudio.Settings
	if e.a.Sandbox {
		if cmd.Flags().Changed("base-url") {
			return nil, app.Usagef("--base-url and --sandbox cannot be used together: --sandbox runs a built-in emulator")
		}
		inst, err := e.a.SandboxInstance(ctx, "spacestudio")
		if err != nil {
			return nil, err
		}
		s = spacestudio.Settings{
			BaseURL: inst.Lookup(spacestudio.EnvBaseURL), Mail: inst.Lookup(spacestudio.EnvMail),
			Password: inst.Lookup(spacestudio.EnvPassword), ClientID: inst.Lookup(spacestudio.EnvClientID),
			TokenURL: inst.Lookup(spacestudio.EnvTokenURL),
		}
	} else {
		var err error
		if s, err = spacestudio.ReadEnv(e.a.Getenv, e.envFile); err != nil {
			return nil, &app.UsageError{Err: err}
		}
		for flag, dst := range map[string]*string{"base-url": &s.BaseURL, "mail": &s.Mail, "client-id": &s.ClientID, "token-url": &s.TokenURL} {
			if cmd.Flags().Changed(flag) {
				v, _ := cmd.Flags().GetString(flag)
				*dst = v
			}
		}
		if s.BaseURL == "" {
			return nil, app.Usagef("no spacestudio URL: set %s or --base-url (e.g. https://spacestudio.exotrail.space), or add --sandbox to use the built-in emulator", spacestudio.EnvBaseURL)
		}
	}
	httpOpts := []facade.Option{facade.WithLogger(e.a.Logger()), facade.WithTimeout(e.timeout)}
	if e.insecure {
		httpOpts = append(httpOpts, facade.WithInsecureSkipVerify())
	}
	c, err := spacestudio.ConnectSettings(ctx, s, spacestudio.WithHTTPOptions(httpOpts...))
	var cfgErr *facade.ConfigError
	if errors.As(err, &cfgErr) {
		return nil, &app.UsageError{Err: err}
	}
	return c, err
}

// run wraps a command's body with the connection and maps argument errors
// to usage errors.
func (e *env) run(fn func(cmd *cobra.Command, c *spacestudio.Client, args []string) error) func(*cobra.Command, []string) error {
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
		if e.a.Sandbox && (errors.Is(err, facade.ErrNotFound) || errors.Is(err, spacestudio.ErrNotComputed)) {
			return &sandboxNote{err: err}
		}
		return err
	}
}

func (e *env) printer() *output.Printer {
	return &output.Printer{Options: e.a.OutputOptions(), Stdout: e.a.Out, Stderr: e.a.Err, IsTerminal: e.a.OutIsTerminal}
}

// view turns an object into the generic value the output package prints:
// the server's own fields and names.
func view(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	dec := json.NewDecoder(bytesReader(b))
	dec.UseNumber()
	return out, dec.Decode(&out)
}

func (e *env) collectionsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "collections",
		Short: "List the collections of the API and their command names",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			items := []any{}
			for _, c := range spacestudio.Collections() {
				items = append(items, map[string]any{"name": c.Name, "path": c.Path, "module": c.Module, "mission": c.Mission})
			}
			return e.printer().List(items, []string{"name", "path", "module", "mission"})
		},
	}
}

func (e *env) whoamiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Log in and show the user id the API knows the account by",
		Args:  cobra.NoArgs,
		RunE: e.run(func(_ *cobra.Command, c *spacestudio.Client, _ []string) error {
			return e.printer().Get(map[string]any{"id": c.UserID(), "base_url": c.BaseURL(), "token_url": c.TokenURL()}, []string{"id", "base_url", "token_url"})
		}),
	}
}

func (e *env) fileCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "file", Short: "Files the server keeps (GridFS)"}
	var format, out string
	dl := &cobra.Command{
		Use:   "download FILENAME",
		Short: "Download a stored file as CSV or JSON, to stdout or --output",
		Long: `Download a stored file. Where file names come from is not confirmed by any
source; the emulator names each computation's ephemeris file
ephemerides-<computationLogId>.

With --output, the file is written under a temporary name beside it and
renamed only when the download is complete: an interrupted download never
leaves a partial file behind, nor replaces a good one. A JSON download that
ends before its closing brackets is an error.`,
		Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			if format != "csv" && format != "json" {
				return app.Usagef("--format %q: csv or json", format)
			}
			return e.writeOutput(out, func(w io.Writer) (int64, error) {
				if format == "csv" {
					return c.Files.DownloadCSV(cmd.Context(), args[0], w)
				}
				return c.Files.DownloadJSON(cmd.Context(), args[0], w)
			})
		}),
	}
	dl.Flags().StringVar(&format, "format", "csv", "csv or json")
	dl.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of stdout (replaced only once the download is whole)")
	cmd.AddCommand(dl)
	return cmd
}

// writeOutput runs a download into path, or stdout for "" and "-". A file
// is written under a temporary name in the same directory and renamed
// when the download and the close have both succeeded, so that a failure
// leaves neither a partial file nor a clobbered old one.
func (e *env) writeOutput(path string, download func(io.Writer) (int64, error)) error {
	if path == "" || path == "-" {
		_, err := download(e.a.Out)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return fmt.Errorf("--output %s: %w", path, err)
	}
	n, err := download(tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("--output %s: %w", path, cerr)
	}
	if err == nil {
		if err = os.Rename(tmp.Name(), path); err != nil {
			err = fmt.Errorf("--output %s: %w", path, err)
		}
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("%w (%d bytes received; %s left unchanged)", err, n, path)
	}
	return nil
}

// sandboxNote explains, under --sandbox, why something an earlier command
// made is missing: every invocation starts a new emulator.
type sandboxNote struct{ err error }

func (n *sandboxNote) Error() string {
	return n.err.Error() + "\nnote: --sandbox starts a new emulator, seeded afresh, for every command: nothing an earlier " +
		"command created, changed or computed is there. To keep state across commands, run " +
		"'switchboard sandbox serve spacestudio' and use the variables it prints instead of --sandbox."
}

func (n *sandboxNote) Unwrap() error { return n.err }
