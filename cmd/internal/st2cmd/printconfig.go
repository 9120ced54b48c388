package st2cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// configOption is one entry of st2's CONFIG_FILE_OPTIONS.
type configOption struct {
	name, def string // def is printed as is ("None" for no default)
	boolean   bool
	secret    bool
}

// configOptions are st2's CONFIG_FILE_OPTIONS, in its order.
var configOptions = []struct {
	section string
	options []configOption
}{
	{"general", []configOption{{name: "base_url", def: "None"}, {name: "api_version", def: "None"}, {name: "cacert", def: "None"},
		{name: "silence_ssl_warnings", def: "False", boolean: true}, {name: "silence_schema_output", def: "True", boolean: true}}},
	{"cli", []configOption{{name: "debug", def: "False", boolean: true}, {name: "cache_token", def: "True", boolean: true}, {name: "timezone", def: "UTC"}}},
	{"credentials", []configOption{{name: "username", def: "None"}, {name: "password", def: "None", secret: true},
		{name: "api_key", def: "None", secret: true}, {name: "basic_auth", def: "None", secret: true}}},
	{"api", []configOption{{name: "url", def: "None"}}},
	{"auth", []configOption{{name: "url", def: "None"}}},
	{"stream", []configOption{{name: "url", def: "None"}}},
}

// exitCode ends a command with a given exit status and no message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// ExitCode is the process exit status.
func (e exitCode) ExitCode() int { return int(e) }

// printConfig is `st2 --print-config`: every option of the config file
// with its value or st2's default, then exit 3. Unlike st2, which prints
// the password in clear, secrets are shown as ******** when set.
func (e *Env) printConfig(cmd *cobra.Command, w io.Writer) error {
	path, err := e.configPath(cmd)
	if err != nil {
		return err
	}
	values := map[string]map[string]string{}
	if !e.skipConfig {
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist) && !cmd.Flags().Changed("config-file") && e.a.Getenv("ST2_CONFIG_FILE") == "":
		case err != nil:
			return &notFoundMessage{msg: fmt.Sprintf("Config %q not found", path)}
		default:
			values = parseINI(string(b))
		}
	}
	var out strings.Builder
	for _, s := range configOptions {
		fmt.Fprintf(&out, "[%s]\n", s.section)
		for _, o := range s.options {
			v, ok := values[s.section][o.name]
			switch {
			case !ok:
				v = o.def
			case o.secret:
				v = "********"
			case o.boolean:
				switch strings.ToLower(v) {
				case "1", "yes", "true", "on":
					v = "True"
				case "0", "no", "false", "off":
					v = "False"
				default:
					return fmt.Errorf("config file %q: [%s] %s: not a boolean: %q", path, s.section, o.name, v)
				}
			}
			fmt.Fprintf(&out, "%s = %s\n", o.name, v)
		}
	}
	if _, err := io.WriteString(w, out.String()); err != nil {
		return err
	}
	return exitCode(3)
}

// parseINI reads the sections and options of a configparser file:
// "key = value" or "key: value", comments starting with # or ;, option
// names in lower case as configparser stores them.
func parseINI(text string) map[string]map[string]string {
	out := map[string]map[string]string{}
	section := ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section = strings.TrimSpace(t[1 : len(t)-1])
			continue
		}
		i := strings.IndexAny(t, "=:")
		if i < 0 || section == "" {
			continue
		}
		if out[section] == nil {
			out[section] = map[string]string{}
		}
		out[section][strings.ToLower(strings.TrimSpace(t[:i]))] = strings.TrimSpace(t[i+1:])
	}
	return out
}
