package st2cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// tokenAttributes are the rows of `st2 auth`'s table.
var tokenAttributes = []string{"user", "token", "expiry"}

// credentials are the options of login and auth.
type credentials struct {
	password string
	ttl      int
}

func (c *credentials) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&c.password, "password", "p", "", "password of the user; asked for when left out")
	fs.IntVarP(&c.ttl, "ttl", "l", 0, "life span of the token in seconds; the server's maximum wins")
}

// token logs in as user and returns the new token, asking for the
// password when none was given.
func (e *Env) newToken(cmd *cobra.Command, user string, c credentials) (st2.Token, error) {
	if c.ttl < 0 {
		return st2.Token{}, app.Usagef("-l/--ttl %d: want a positive number of seconds", c.ttl)
	}
	if c.password == "" {
		p, err := e.readPassword(cmd.Context())
		if err != nil {
			return st2.Token{}, err
		}
		c.password = p
	}
	client, err := e.connect(cmd)
	if err != nil {
		return st2.Token{}, err
	}
	return client.Login(cmd.Context(), user, c.password, c.ttl)
}

// readPassword is getpass: a "Password: " prompt on stderr and a line
// read without echo from the terminal, or a plain line from stdin when it
// is not one.
func (e *Env) readPassword(ctx context.Context) (string, error) {
	fmt.Fprint(e.a.Err, "Password: ")
	if f, ok := e.a.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p, err := readTerminalPassword(ctx, int(f.Fd()))
		fmt.Fprintln(e.a.Err)
		return p, err
	}
	line, err := bufio.NewReader(e.a.In).ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		return "", app.Usagef("no password given: use -p/--password or type it when asked")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readTerminalPassword is term.ReadPassword that Ctrl-C ends with the
// terminal as it was, as getpass does: the interrupt handler is armed
// before echo goes off, and when ctx ends first the terminal's state is
// put back and the command ends with ctx's error. The read itself cannot
// be cancelled; it is left to end with the process.
func readTerminalPassword(ctx context.Context, fd int) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	app.ArmInterrupt(ctx)
	type result struct {
		password []byte
		err      error
	}
	done := make(chan result, 1)
	go func() {
		p, err := term.ReadPassword(fd)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return string(r.password), r.err
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return "", ctx.Err()
	}
}

// home is the user's home folder, from the invocation's HOME (so tests
// can give their own), else the process's.
func (e *Env) home() (string, error) {
	if h := e.a.Getenv("HOME"); h != "" {
		return h, nil
	}
	return os.UserHomeDir()
}

// tokenCacheDir is st2's ST2_CONFIG_DIRECTORY, ~/.st2, where cached
// tokens live whatever the config file.
func (e *Env) tokenCacheDir() (string, error) {
	h, err := e.home()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, ".st2"), nil
}

// configPath is the config file login rewrites: --config-file, then
// ST2_CONFIG_FILE, then ~/.st2/config.
func (e *Env) configPath(cmd *cobra.Command) (string, error) {
	p := e.a.Getenv(st2.EnvConfigFile)
	if cmd.Flags().Changed("config-file") {
		p = e.configFile
	}
	if p == "" {
		dir, err := e.tokenCacheDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "config"), nil
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		h, err := e.home()
		if err != nil {
			return "", err
		}
		p = filepath.Join(h, p[1:])
	}
	return p, nil
}

func (e *Env) loginCmd() *cobra.Command {
	var (
		c             credentials
		writePassword bool
	)
	cmd := &cobra.Command{
		Use:   "login <username>",
		Short: "Authenticate user, acquire access token, and update CLI config directory",
		Long: `Log in: get a token for the user, cache it in ~/.st2/token-<username>
and write the user name into the [credentials] of the config file, so that
the next commands use the cached token. The password is written only with
-w/--write-password (in plain text); without it, log in again when the
token expires (24 hours by default).`,
		Example: `  st2 login st2admin -p 'Ch@ngeMe'
  st2 login st2admin --write-password`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			user := args[0]
			err := e.login(cmd, user, c, writePassword)
			if err != nil {
				var ue *app.UsageError
				if errors.As(err, &ue) {
					return err
				}
				return &loginError{user: user, err: err}
			}
			w := e.a.Out
			fmt.Fprintf(w, "Logged in as %s\n", user)
			if !writePassword {
				fmt.Fprint(w, "\nNote: You didn't use --write-password option so the password hasn't been stored in the client config and you will need to login again in 24 hours when the auth token expires.\n")
				fmt.Fprintf(w, "As an alternative, you can run %s login command with the \"--write-password\" flag, but keep it mind this will cause it to store the password in plain-text in the client config file (~/.st2/config).\n", e.profile.Prog)
			}
			return nil
		},
	}
	c.add(cmd)
	// -w is --width on the root: a local flag of that name takes it over
	// here, as st2's login parser has -w for --write-password.
	cmd.Flags().BoolVar(&writePassword, "write-password", false, "write the password in plain text to the config file (default is to omit it)")
	cmd.Flags().BoolVarP(&writePassword, "width", "w", false, "same as --write-password")
	_ = cmd.Flags().MarkHidden("width")
	return cmd
}

// login is st2 login's work: token, token cache, config file.
func (e *Env) login(cmd *cobra.Command, user string, c credentials, writePassword bool) error {
	path, err := e.configPath(cmd)
	if err != nil {
		return err
	}
	if c.password == "" {
		if c.password, err = e.readPassword(cmd.Context()); err != nil {
			return err
		}
	}
	tok, err := e.newToken(cmd, user, c)
	if err != nil {
		return err
	}
	dir, err := e.tokenCacheDir()
	if err != nil {
		return err
	}
	if tok.User == "" {
		tok.User = user
	}
	if _, err := st2.SaveToken(dir, tok); err != nil {
		return err
	}
	password := ""
	if writePassword {
		password = c.password
	}
	return writeCredentials(path, user, password)
}

// writeCredentials sets [credentials] username (and password, or removes
// it) in the INI file at path, as st2 login does with ConfigParser, but
// keeping the file's other lines and comments as they are. A new file is
// created private to the user (st2 uses 0660).
func writeCredentials(path, user, password string) error {
	old, err := os.ReadFile(path)
	mode := os.FileMode(0o600)
	if err == nil {
		if fi, err := os.Stat(path); err == nil {
			mode = fi.Mode().Perm()
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := updateCredentials(string(old), user, password)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// updateCredentials rewrites the [credentials] section of an INI text:
// username set, password set when not empty and removed otherwise.
func updateCredentials(text, user, password string) string {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []string
	section, found := "", false
	flush := func() {
		out = append(out, "username = "+user+"\n")
		if password != "" {
			out = append(out, "password = "+password+"\n")
		}
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section = strings.TrimSpace(t[1 : len(t)-1])
			if !strings.HasSuffix(l, "\n") {
				l += "\n"
			}
			out = append(out, l)
			if section == "credentials" {
				found = true
				flush()
			}
			continue
		}
		if section == "credentials" {
			key, _, ok := strings.Cut(t, "=")
			if !ok {
				key, _, ok = strings.Cut(t, ":")
			}
			if k := strings.ToLower(strings.TrimSpace(key)); ok && (k == "username" || k == "password") {
				continue // replaced by the lines written under the header
			}
		}
		out = append(out, l)
	}
	if !found {
		if len(out) > 0 {
			if last := out[len(out)-1]; !strings.HasSuffix(last, "\n") {
				out[len(out)-1] = last + "\n"
			}
			out = append(out, "\n")
		}
		out = append(out, "[credentials]\n")
		flush()
	}
	return strings.Join(out, "")
}

func (e *Env) whoamiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Display the currently authenticated user",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := e.a.Out
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			info, err := c.WhoAmI(cmd.Context())
			if err != nil {
				// st2 prints one line and exits 0; the reason goes to
				// stderr here, since it helps and st2 shows it with
				// --debug only.
				if errors.Is(err, facade.ErrUnauthorized) {
					fmt.Fprintln(w, "Not authenticated")
				} else {
					fmt.Fprintln(w, "Unable to retrieve currently logged-in user")
				}
				if e.a.Debug {
					fmt.Fprintf(e.a.Err, "ERROR: %s\n", err)
				}
				return nil
			}
			fmt.Fprintf(w, "Currently logged in as %q.\n\n", info.Username)
			fmt.Fprintf(w, "Authentication method: %s\n", info.Authentication.Method)
			if info.Authentication.Method == "authentication token" {
				fmt.Fprintf(w, "Authentication token expire time: %s\n", info.Authentication.TokenExpire)
			}
			fmt.Fprintf(w, "\nRBAC:\n - Enabled: %s\n - Roles: %s\n", output.PyStr(info.Rbac.Enabled), strings.Join(info.Rbac.Roles, ", "))
			return nil
		},
	}
}

func (e *Env) authCmd() *cobra.Command {
	var (
		c         credentials
		onlyToken bool
	)
	cmd := &cobra.Command{
		Use:   "auth <username>",
		Short: "Authenticate user and acquire access token",
		Long: `Get a new token for the user and print it (user, token, expiry), or only
the token with -t/--only-token, for use as ST2_AUTH_TOKEN. Nothing is
cached or written.`,
		Example: `  export ST2_AUTH_TOKEN=$(st2 auth st2admin -p 'Ch@ngeMe' -t)`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tok, err := e.newToken(cmd, args[0], c)
			if err != nil {
				return err
			}
			if onlyToken {
				_, err := fmt.Fprintln(e.a.Out, tok.Value)
				return err
			}
			m := output.NewMap()
			m.Set("user", tok.User)
			m.Set("token", tok.Value)
			m.Set("expiry", tok.Expiry.UTC().Format("2006-01-02T15:04:05.000000Z"))
			if tok.Expiry.IsZero() {
				m.Set("expiry", nil)
			}
			p := e.printer()
			o := p.Options
			if len(o.Attrs) == 0 {
				o.Attrs = tokenAttributes
			}
			return o.Get(e.a.Out, m, tokenAttributes)
		},
	}
	c.add(cmd)
	// st2's auth has no --token option: its -t is --only-token. A local
	// flag named token takes -t over from the root's.
	cmd.Flags().BoolVar(&onlyToken, "only-token", false, "print only the token (also -t)")
	cmd.Flags().BoolVarP(&onlyToken, "token", "t", false, "same as --only-token")
	_ = cmd.Flags().MarkHidden("token")
	return cmd
}

// loginError is st2 login's failure message.
type loginError struct {
	user string
	err  error
}

func (e *loginError) Error() string { return "Failed to log in as " + e.user + ": " + e.err.Error() }
func (e *loginError) Unwrap() error { return e.err }
