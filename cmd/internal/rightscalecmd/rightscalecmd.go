// Package rightscalecmd is the `switchboard rightscale` command tree: the
// RightScale Cloud Management API 1.5 through facade/rightscale, with
// python-rightscale's two conveniences (list_instances,
// run_script_on_server) and generic index/show of every covered
// collection, rendered by the shared output package.
package rightscalecmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
)

// env is the state shared by the commands of one invocation.
type env struct {
	a            *app.App
	endpoint     string
	refreshToken string
	insecure     bool
	timeout      time.Duration
}

// New returns the `rightscale` command and its subtree.
func New(a *app.App) *cobra.Command {
	e := &env{a: a}
	cmd := &cobra.Command{
		Use:   "rightscale",
		Short: "RightScale Cloud Management API 1.5: instances, servers, scripts, tasks",
		Long: `Drive a RightScale (Flexera CMP) account through the Cloud Management API 1.5.

The account's shard is given by --endpoint, RIGHTSCALE_API_ENDPOINT or
api_endpoint in the [OAuth] section of ~/.rightscalerc (or the file named by
RIGHTSCALE_RC), e.g. https://us-3.rightscale.com; the refresh token by
--refresh-token, RIGHTSCALE_REFRESH_TOKEN or refresh_token in the same
section. Flags win over the environment, which wins over the file. With the
global --sandbox flag, commands run against a built-in emulator filled with
demo data instead.

Resources are shown with the API's own field names; hrefs are their ids.`,
		Example: `  switchboard --sandbox rightscale list-instances --cloud "EC2 us-east-1" --deployment production
  switchboard --sandbox rightscale run-script "Hello World" --server haproxy -i GREETING=hi
  switchboard rightscale index servers --filter name==web --view instance_detail
  switchboard rightscale index instances --cloud "EC2 us-east-1" --filter state==operational -a name state
  switchboard rightscale show /api/deployments/12 --view inputs_2_0`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&e.endpoint, "endpoint", "", "the account's shard, e.g. https://us-3.rightscale.com (default $"+rightscale.EnvEndpoint+" or ~/.rightscalerc)")
	pf.StringVar(&e.refreshToken, "refresh-token", "", "API refresh token (default $"+rightscale.EnvRefreshToken+" or ~/.rightscalerc)")
	pf.BoolVar(&e.insecure, "insecure", false, "do not verify the server's TLS certificate")
	pf.DurationVar(&e.timeout, "timeout", facade.DefaultTimeout, "time limit of each API call, retries included")
	cmd.AddCommand(e.indexCmd(), e.showCmd(), e.collectionsCmd(), e.listInstancesCmd(), e.runScriptCmd(), e.accountsCmd())
	return cmd
}

// connect builds the client: the sandbox with --sandbox, else flags, then
// the environment (through the app's Getenv), then the rc file.
func (e *env) connect(cmd *cobra.Command) (*rightscale.Client, error) {
	ctx := cmd.Context()
	opts := []facade.Option{facade.WithLogger(e.a.Logger()), facade.WithTimeout(e.timeout)}
	if e.insecure {
		opts = append(opts, facade.WithInsecureSkipVerify())
	}
	var cfg rightscale.Config
	if e.a.Sandbox {
		if cmd.Flags().Changed("endpoint") {
			return nil, app.Usagef("--endpoint and --sandbox cannot be used together: --sandbox runs a built-in emulator")
		}
		inst, err := e.a.SandboxInstance(ctx, "rightscale")
		if err != nil {
			return nil, err
		}
		cfg = rightscale.Config{Endpoint: inst.Lookup(rightscale.EnvEndpoint), RefreshToken: inst.Lookup(rightscale.EnvRefreshToken),
			EndpointFrom: "sandbox", RefreshTokenFrom: "sandbox"}
	} else {
		endpoint, token := e.endpoint, e.refreshToken
		if endpoint == "" {
			endpoint = e.a.Getenv(rightscale.EnvEndpoint)
		}
		if token == "" {
			token = e.a.Getenv(rightscale.EnvRefreshToken)
		}
		var err error
		cfg, err = e.loadConfig(endpoint, token)
		if err != nil {
			return nil, &app.UsageError{Err: err}
		}
		for _, w := range cfg.Warnings {
			fmt.Fprintf(e.a.Err, "WARNING: %s\n", w)
		}
	}
	c, err := rightscale.NewFromConfig(cfg, opts...)
	var cfgErr *facade.ConfigError
	if errors.As(err, &cfgErr) {
		return nil, &app.UsageError{Err: err}
	}
	return c, err
}

// loadConfig reads the rc file only when the flags and the app's
// environment leave a value unset. RIGHTSCALE_RC comes from the app's
// environment too, so tests never read the real home directory unless
// they say so.
func (e *env) loadConfig(endpoint, token string) (rightscale.Config, error) {
	if endpoint != "" && token != "" {
		return rightscale.Config{Endpoint: endpoint, RefreshToken: token, EndpointFrom: "--endpoint", RefreshTokenFrom: "--refresh-token"}, nil
	}
	return rightscale.LoadConfigFrom(endpoint, token, e.a.Getenv)
}

// run wraps a command's body with the connection.
func (e *env) run(fn func(cmd *cobra.Command, c *rightscale.Client, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := e.connect(cmd)
		if err != nil {
			return err
		}
		return fn(cmd, c, args)
	}
}

// view turns raw resources into what the output package prints: the
// API's JSON plus an "href" field taken from the self link, so tables and
// -a can show the id.
func view(raw json.RawMessage) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("rightscale: cannot read a resource: %w", err)
	}
	if links, ok := m["links"].([]any); ok {
		for _, l := range links {
			if lm, ok := l.(map[string]any); ok && lm["rel"] == "self" {
				m["href"] = lm["href"]
			}
		}
	}
	return m, nil
}

// columns are the default table columns of a collection.
func columns(collection string) []string {
	switch collection {
	case "instances", "current_instances":
		return []string{"href", "name", "state", "public_ip_addresses"}
	case "servers", "server_arrays":
		return []string{"href", "name", "state"}
	case "inputs":
		return []string{"name", "value"}
	case "audit_entries":
		return []string{"href", "summary", "updated_at"}
	case "alerts":
		return []string{"href", "status"}
	}
	return []string{"href", "name"}
}

// cloudCollections hang off a cloud: index needs --cloud.
var cloudCollections = []string{"datacenters", "images", "instance_types", "instances", "ip_address_bindings",
	"ip_addresses", "recurring_volume_attachments", "security_groups", "ssh_keys", "subnets",
	"volume_attachments", "volume_snapshots", "volume_types", "volumes"}

// accountCollections live at /api/<name>.
var accountCollections = []string{"account_groups", "alert_specs", "alerts", "audit_entries", "backups",
	"child_accounts", "cloud_accounts", "clouds", "cookbook_attachments", "cookbooks", "credentials",
	"deployments", "identity_providers", "multi_cloud_images", "permissions", "placement_groups",
	"preferences", "publications", "repositories", "right_scripts", "server_arrays",
	"server_template_multi_cloud_images", "server_templates", "servers", "users"}

// resolveCollection turns a collection name or href into an href.
func resolveCollection(cmd *cobra.Command, c *rightscale.Client, name, cloud string) (string, string, error) {
	if strings.HasPrefix(name, "/") {
		return name, name[strings.LastIndex(name, "/")+1:], nil
	}
	switch {
	case slices.Contains(accountCollections, name):
		return "/api/" + name, name, nil
	case slices.Contains(cloudCollections, name):
		if cloud == "" {
			return "", "", app.Usagef("%s belong to a cloud: add --cloud with its name (e.g. --cloud \"EC2 us-east-1\") or href", name)
		}
		href := cloud
		if !strings.HasPrefix(cloud, "/") {
			var err error
			if href, err = c.Clouds.FindHref(cmd.Context(), cloud); err != nil {
				return "", "", err
			}
		}
		return strings.TrimSuffix(href, "/") + "/" + name, name, nil
	}
	return "", "", app.Usagef("unknown collection %q: run 'switchboard rightscale collections' for the list, or give an href such as /api/deployments/12/servers", name)
}
