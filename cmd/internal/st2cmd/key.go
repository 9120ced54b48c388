package st2cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// Default columns and attributes of the key commands.
var (
	keyListColumns = []string{"name", "value", "secret", "encrypted", "scope", "user", "expire_timestamp"}
	keyGetAttrs    = []string{"name", "value", "secret", "encrypted", "scope", "expire_timestamp"}
	keySetAttrs    = []string{"name", "value", "scope", "expire_timestamp"}
	// getOrder is st2's generic attribute_display_order of get views.
	getOrder = []string{"id", "name", "description"}
)

// KeyCmd is `st2 key`: list, get, set, delete, load and
// delete_by_prefix.
func (e *Env) KeyCmd() *cobra.Command {
	cmd := group("key", "Manage the key-value datastore", "keys")
	cmd.AddCommand(e.keyListCmd(), e.keyGetCmd(), e.keySetCmd(), e.keyDeleteCmd(), e.keyLoadCmd(), e.keyDeleteByPrefixCmd())
	return cmd
}

// scopeFlag checks --scope: st2's short and long scope names, and "all"
// where the command allows it.
func checkScope(scope string, allowAll bool) error {
	switch scope {
	case "system", "user", st2.ScopeSystem, st2.ScopeUser:
		return nil
	case st2.ScopeAll:
		if allowAll {
			return nil
		}
	}
	want := "system or user"
	if allowAll {
		want = "all, system or user"
	}
	return app.Usagef("--scope %q: want %s", scope, want)
}

func (e *Env) keyListCmd() *cobra.Command {
	var (
		prefix, scope, user string
		decrypt             bool
		last                int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List keys (the first 50 by default)",
		Example: `  switchboard --sandbox st2 key list
  switchboard --sandbox st2 key list --prefix demo. --decrypt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkScope(scope, true); err != nil {
				return err
			}
			if last == 0 || last < -1 {
				return app.Usagef("-n/--last %d: want a positive number, or -1 for all", last)
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			// One request of -n keys, as st2 sends (limit=-1 for all).
			c.Keys.PageSize = last
			if last < 0 {
				c.Keys.PageSize = st2.DefaultPageSize
			}
			items, err := e.rawList("/keys", func() error {
				n := 0
				for _, err := range c.Keys.List(cmd.Context(), st2.KeyListOptions{Prefix: prefix, Scope: scope, User: user, Decrypt: decrypt}) {
					if err != nil {
						return err
					}
					if n++; last > 0 && n >= last {
						break
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if last > 0 && len(items) > last {
				items = items[:last]
			}
			p := e.printer()
			if p.Options.Format == output.Table {
				p.Options.Transforms = map[string]func(any) any{"expire_timestamp": e.formatTime}
			} else {
				slices.Reverse(items) // st2's quirk: -j/-y list the keys backwards
			}
			// The keys endpoint sends no X-Total-Count, so st2 never
			// prints its "Only first N" note here.
			return p.List(items, keyListColumns)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&prefix, "prefix", "", "only keys whose name starts with this prefix")
	fs.BoolVarP(&decrypt, "decrypt", "d", false, "decrypt secrets and show them in plain text")
	fs.StringVarP(&scope, "scope", "s", st2.ScopeAll, "scope of the keys: all, system or user")
	fs.StringVarP(&user, "user", "u", "", "list this user's user-scoped keys (admin only)")
	fs.IntVarP(&last, "last", "n", 50, "list at most N keys; -1 lists them all")
	return cmd
}

func (e *Env) keyGetCmd() *cobra.Command {
	var (
		scope   string
		decrypt bool
	)
	cmd := &cobra.Command{
		Use:     "get <name> [<name> ...]",
		Short:   "Show keys",
		Example: `  switchboard --sandbox st2 key get demo.password --decrypt`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, names []string) error {
			if err := checkScope(scope, false); err != nil {
				return err
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			p := e.printer()
			if len(p.Options.Attrs) == 0 {
				p.Options.Attrs = keyGetAttrs
			}
			for _, name := range names {
				raw, err := e.rawObject(http.MethodGet, "/keys/"+name, func() error {
					_, err := c.Keys.Get(cmd.Context(), name, st2.KeyOptions{Scope: scope, Decrypt: decrypt})
					return err
				})
				if isNotFound(err) {
					e.printNotFound("Key Value Pair", name)
					if len(names) == 1 {
						return &notFoundError{id: name}
					}
					continue
				}
				if err != nil {
					return err
				}
				if err := p.Get(raw, getOrder); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&decrypt, "decrypt", "d", false, "decrypt a secret and show it in plain text")
	fs.StringVarP(&scope, "scope", "s", "system", "scope of the key: system or user")
	return cmd
}

func (e *Env) keySetCmd() *cobra.Command {
	var (
		scope, user        string
		encrypt, encrypted bool
		ttl                int
	)
	cmd := &cobra.Command{
		Use:   "set <name> [<value>]",
		Short: "Create or update a key",
		Long: `Create or update a key. Without a value it is read from stdin (one line).
-e/--encrypt has the server encrypt the value; --encrypted stores a value
already encrypted with this installation's key (admins).`,
		Example: `  switchboard --sandbox st2 key set greeting hello
  switchboard --sandbox st2 key set api_token s3cr3t --encrypt --ttl 3600`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkScope(scope, false); err != nil {
				return err
			}
			if encrypt && encrypted {
				return app.Usagef("-e/--encrypt and --encrypted cannot be used together")
			}
			if cmd.Flags().Changed("ttl") && ttl <= 0 {
				return app.Usagef("-l/--ttl %d: want a positive number of seconds", ttl)
			}
			var value string
			if len(args) == 2 {
				value = args[1]
			} else {
				if e.a.ErrIsTerminal {
					fmt.Fprint(e.a.Err, "Please insert value for key: ")
				}
				line, err := bufio.NewReader(e.a.In).ReadString('\n')
				value = strings.TrimRight(line, "\r\n")
				if value == "" && err != nil {
					return app.Usagef("no value for key %q: give it as an argument or on stdin", args[0])
				}
			}
			if value == "" {
				// st2 asks again for an empty value; an empty value
				// cannot be stored.
				return app.Usagef("the value of key %q is empty", args[0])
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			kv := st2.KeyValuePairSet{Name: args[0], Value: value, Scope: scope, User: user, Secret: encrypt, Encrypted: encrypted, TTL: ttl}
			raw, err := e.rawObject(http.MethodPut, "/keys/"+args[0], func() error {
				_, err := c.Keys.Set(cmd.Context(), kv)
				return err
			})
			if err != nil {
				return err
			}
			p := e.printer()
			p.Options.Attrs = keySetAttrs
			return p.Get(raw, getOrder)
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&encrypt, "encrypt", "e", false, "encrypt the value before saving")
	fs.BoolVar(&encrypted, "encrypted", false, "the value is already encrypted with the instance's crypto key and is stored as is")
	fs.IntVarP(&ttl, "ttl", "l", 0, "TTL (in seconds) of the key")
	fs.StringVarP(&scope, "scope", "s", "system", "scope of the key: system or user")
	fs.StringVarP(&user, "user", "u", "", "user of a user-scoped key (admin only)")
	return cmd
}

func (e *Env) keyDeleteCmd() *cobra.Command {
	var scope, user string
	cmd := &cobra.Command{
		Use:     "delete <name>",
		Short:   "Delete a key",
		Example: `  switchboard --sandbox st2 key delete demo.greeting`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkScope(scope, false); err != nil {
				return err
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			name := args[0]
			opts := st2.KeyOptions{Scope: scope, User: user}
			// st2 reads the key first, then deletes it.
			if _, err := c.Keys.Get(cmd.Context(), name, opts); isNotFound(err) {
				e.printNotFound("Key Value Pair", name)
				// st2's generic delete: an OperationFailureException, exit 2.
				return &operationFailure{msg: "Resource " + name + " not found."}
			} else if err != nil {
				return err
			}
			if err := c.Keys.Delete(cmd.Context(), name, opts); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "Resource with id %q has been successfully deleted.\n", name)
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&scope, "scope", "s", "system", "scope of the key: system or user")
	fs.StringVarP(&user, "user", "u", "", "user of a user-scoped key (admin only)")
	return cmd
}

// keyLoadColumns are the attributes `key load` prints.
var keyLoadColumns = []string{"name", "value", "secret", "scope", "user", "ttl"}

func (e *Env) keyLoadCmd() *cobra.Command {
	var convert bool
	cmd := &cobra.Command{
		Use:   "load <file>",
		Short: "Load keys from a JSON or YAML file",
		Long: `Load keys from a JSON or YAML file: one object, or a list of objects, with
name and value (required), and scope, user, secret, encrypted and ttl.
Values must be strings unless -c/--convert turns the others into JSON text.
Each key is written (created or replaced) in turn; the keys as sent are
printed.`,
		Example: `  switchboard --sandbox st2 key load keys.yaml
  switchboard --sandbox st2 key load settings.json --convert`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readMetaFile(args[0])
			if err != nil {
				return err
			}
			doc, err := output.Normalize(json.RawMessage(data))
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			var items []any
			switch d := doc.(type) {
			case nil:
			case []any:
				items = d
			default:
				items = []any{d}
			}
			loaded := make([]any, 0, len(items))
			var sets []st2.KeyValuePairSet
			for i, it := range items {
				kv, shown, err := keyFromItem(i, it, convert)
				if err != nil {
					return err
				}
				sets, loaded = append(sets, kv), append(loaded, shown)
			}
			if len(sets) > 0 {
				c, err := e.connect(cmd)
				if err != nil {
					return err
				}
				for _, kv := range sets {
					if _, err := c.Keys.Set(cmd.Context(), kv); err != nil {
						return err
					}
				}
			}
			p := e.printer()
			p.Options.Attrs = nil
			return p.List(loaded, keyLoadColumns)
		},
	}
	cmd.Flags().BoolVarP(&convert, "convert", "c", false, "convert non-string values (objects, arrays, booleans, numbers) to JSON text before loading them")
	return cmd
}

// keyFromItem reads item i of a key file as st2's key load does: the
// request, and the object it prints (the key as sent, with the
// attributes it was given).
func keyFromItem(i int, item any, convert bool) (st2.KeyValuePairSet, *output.Map, error) {
	var kv st2.KeyValuePairSet
	m, ok := item.(*output.Map)
	if !ok {
		return kv, nil, fmt.Errorf("item %d of the file is not an object", i+1)
	}
	get := func(k string) (any, bool) { return m.Get(k) }
	nameV, ok := get("name")
	name, isStr := nameV.(string)
	if !ok || !isStr || name == "" {
		return kv, nil, fmt.Errorf("item %d of the file has no name", i+1)
	}
	value, ok := get("value")
	if !ok {
		return kv, nil, fmt.Errorf("item %q has no value", name)
	}
	text, isStr := value.(string)
	if !isStr {
		if !convert {
			return kv, nil, st2Errorf("Item '%s' has a value that is not a string. Either pass in the -c/--convert option to convert non-string types to JSON strings automatically, or convert the data to a string in the file", name)
		}
		text = output.PyJSONCompact(value)
	}
	kv = st2.KeyValuePairSet{Name: name, Value: text, Scope: "system"}
	shown := output.NewMap()
	shown.Set("id", name)
	shown.Set("name", name)
	shown.Set("value", text)
	if v, ok := get("scope"); ok && v != nil {
		s, isStr := v.(string)
		if !isStr {
			return kv, nil, fmt.Errorf("item %q: scope must be a string", name)
		}
		kv.Scope = s
	}
	shown.Set("scope", kv.Scope)
	if v, ok := get("user"); ok && v != nil && v != "" {
		s, isStr := v.(string)
		if !isStr {
			return kv, nil, fmt.Errorf("item %q: user must be a string", name)
		}
		kv.User = s
		shown.Set("user", s)
	}
	flag := func(k string) (bool, error) {
		v, ok := get(k)
		if !ok || v == nil {
			return false, nil
		}
		b, isBool := v.(bool)
		if !isBool {
			return false, fmt.Errorf("item %q: %s must be true or false", name, k)
		}
		return b, nil
	}
	var err error
	if kv.Encrypted, err = flag("encrypted"); err != nil {
		return kv, nil, err
	}
	if kv.Encrypted {
		shown.Set("encrypted", true)
	}
	if kv.Secret, err = flag("secret"); err != nil {
		return kv, nil, err
	}
	if kv.Secret {
		shown.Set("secret", true)
	}
	if v, ok := get("ttl"); ok && v != nil {
		n, isNum := v.(json.Number)
		ttl, perr := strconv.Atoi(string(n))
		if !isNum || perr != nil || ttl < 0 {
			return kv, nil, fmt.Errorf("item %q: ttl must be a whole number of seconds", name)
		}
		if ttl > 0 {
			kv.TTL = ttl
			shown.Set("ttl", n)
		}
	}
	return kv, shown, nil
}

// keyDeleteByPrefixCmd is `st2 key delete_by_prefix -p PREFIX`: every
// key of the default (system) scope whose name starts with the prefix is
// deleted.
func (e *Env) keyDeleteByPrefixCmd() *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:     "delete_by_prefix -p <prefix>",
		Short:   "Delete the keys whose name starts with a prefix",
		Example: `  switchboard --sandbox st2 key delete_by_prefix -p demo.`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if prefix == "" {
				return app.Usagef("-p/--prefix is required")
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			var names []string
			for kv, err := range c.Keys.List(cmd.Context(), st2.KeyListOptions{Prefix: prefix}) {
				if err != nil {
					return err
				}
				names = append(names, kv.Name)
			}
			for _, name := range names {
				// st2client's delete counts a 404 as done.
				if err := c.Keys.Delete(cmd.Context(), name, st2.KeyOptions{}); err != nil && !isNotFound(err) {
					return err
				}
			}
			_, err = fmt.Fprintf(e.a.Out, "Deleted %d keys\nDeleted key ids: %s\n", len(names), strings.Join(names, ", "))
			return err
		},
	}
	cmd.Flags().StringVarP(&prefix, "prefix", "p", "", "name prefix (e.g. twitter.TwitterSensor:)")
	return cmd
}
