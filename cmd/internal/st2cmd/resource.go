package st2cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// This file is the generic part of st2's resource commands (st2client's
// commands/resource.py): list, get, create, update, delete, enable and
// disable over any kind of object, printed from the server's own JSON (see
// recorder) with the resource's default columns and display order.

// resource describes one kind of st2 object for the generic commands.
type resource struct {
	// display is st2's display name, as in `Rule "x" is not found.`.
	display string
	// plural is the lower-case plural display name, as in the "Only
	// first N rules are displayed" note.
	plural string
	// columns are the list's default columns (display_attributes).
	columns []string
	// getOrder is the get view's attribute_display_order.
	getOrder []string
	// getAttrs are the get view's default attributes; nil is all.
	getAttrs []string
	// pk is how update, delete, enable and disable find the object:
	// pkRefOrID or pkNameOrID.
	pk pkKind
}

// pkKind is st2's pk_argument_name: how a command finds its object.
type pkKind int

const (
	// pkRefOrID: GET /<resource>/<ref-or-id> (content-pack resources).
	pkRefOrID pkKind = iota
	// pkNameOrID: a query by name, then by id (get_resource_by_name_or_id).
	pkNameOrID
)

// argName is the metavar of the positional argument.
func (k pkKind) argName() string {
	if k == pkRefOrID {
		return "ref-or-id"
	}
	return "name-or-id"
}

// defaultOrder is st2's DEFAULT_ATTRIBUTE_DISPLAY_ORDER, the order of the
// property tables that create, update, enable and disable print.
var defaultOrder = []string{"id", "name", "pack", "description"}

// operationFailure is st2's OperationFailureException: a create that
// failed, a delete of a missing object (after its not-found line). It
// exits with 2, as st2 does.
type operationFailure struct{ msg string }

func (e *operationFailure) Error() string { return e.msg }

// ExitCode is 2, st2's exit status for an OperationFailureException.
func (e *operationFailure) ExitCode() int { return app.ExitUsage }

// st2Error is an error worded exactly as st2 words it (capitalised, with
// its full stop), which Go's conventions for error strings would change.
type st2Error struct{ msg string }

func (e *st2Error) Error() string { return e.msg }

// st2Errorf formats an st2Error.
func st2Errorf(format string, args ...any) error {
	return &st2Error{msg: fmt.Sprintf(format, args...)}
}

// missingError is st2's ResourceNotFoundError from the lookups of update,
// enable and disable (exit 1).
type missingError struct{ msg string }

func (e *missingError) Error() string { return e.msg }

// include is the include_attributes st2 sends with a list: the -a
// attributes, or the default columns; nil ("all") asks for everything.
func include(p *output.Printer, columns []string) *[]string {
	attrs := p.Options.Attrs
	if slices.Contains(attrs, "all") {
		return nil
	}
	if len(attrs) == 0 {
		attrs = columns
	}
	inc := slices.Clone(attrs)
	return &inc
}

// listOpts are the variations of the list commands.
type listOpts struct {
	// last is -n/--last when the command has it: the limit sent, and the
	// "Only first N" note when the server holds more.
	last int
	// reverse prints the answer backwards (st2's reversed() on trigger
	// instances and inquiries).
	reverse bool
	// keep, when set, drops the items it refuses (filters the server
	// does not apply).
	keep func(*output.Map) bool
	// transforms are the table's attribute_transform_functions.
	transforms map[string]func(any) any
}

// checkLast checks -n/--last as st2's commands take it.
func checkLast(last int) error {
	if last == 0 || last < -1 {
		return app.Usagef("-n/--last %d: want a positive number, or -1 for all", last)
	}
	return nil
}

// printList runs fetch (one facade call that lists) and prints the
// objects it received as st2 does; total is X-Total-Count (-1: unknown).
func (e *Env) printList(r resource, p *output.Printer, o listOpts, fetch func() (total int, err error)) error {
	total := -1
	items, err := e.rawList("", func() (err error) {
		total, err = fetch()
		return err
	})
	if err != nil {
		return err
	}
	if o.keep != nil {
		kept := items[:0]
		for _, it := range items {
			if m, ok := it.(*output.Map); ok && !o.keep(m) {
				continue
			}
			kept = append(kept, it)
		}
		items = kept
	}
	if o.reverse {
		slices.Reverse(items)
	}
	if p.Options.Format == output.Table {
		p.Options.Transforms = o.transforms
	}
	if err := p.List(items, r.columns); err != nil {
		return err
	}
	if p.Options.Format == output.Table && o.last > 0 && total > o.last {
		return p.LimitNote(r.plural, o.last, output.ST2LimitFlag)
	}
	return nil
}

// getCmd is st2's ResourceGetCommand: each id is fetched with get (a
// facade call), and printed as a property table in r's order; a missing
// one prints st2's "is not found" line, and fails the command when it
// was the only one asked for.
func (e *Env) getCmd(r resource, arg, example string, get func(ctx context.Context, c *st2.Client, id string) error) *cobra.Command {
	return &cobra.Command{
		Use:     "get <" + arg + "> [<" + arg + "> ...]",
		Short:   "Show " + articled(strings.ToLower(r.display)),
		Example: example,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, ids []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			p := e.printer()
			if len(p.Options.Attrs) == 0 && r.getAttrs != nil {
				p.Options.Attrs = r.getAttrs
			}
			for _, id := range ids {
				raw, err := e.rawObject(http.MethodGet, "", func() error { return get(cmd.Context(), c, id) })
				if isNotFound(err) {
					e.printNotFound(r.display, id)
					if len(ids) == 1 {
						return &notFoundError{id: id}
					}
					continue
				}
				if err != nil {
					return err
				}
				if err := p.Get(raw, r.getOrder); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// articled puts "a" or "an" before a noun.
func articled(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// crud is what the write commands need of a facade manager; every
// *st2.Manager has it.
type crud[T any] interface {
	Get(ctx context.Context, refOrID string) (T, error)
	GetByName(ctx context.Context, name string) (T, error)
	Delete(ctx context.Context, refOrID string) error
}

// writable binds the create, update, delete, enable and disable commands
// to one kind of object. The objects travel as JSON, as st2 sends them:
// a file's content as is, an object read back with only its enabled flag
// changed, so nothing is lost to the generated types.
type writable struct {
	r   resource
	raw st2.RawKind
	// get finds an object by ref or id and returns its id; byName by
	// name (nil: the kind is found by ref or id).
	get, byName func(ctx context.Context, c *st2.Client, key string) (string, error)
	del         func(ctx context.Context, c *st2.Client, id string) error
}

// writableOf builds the writable of a kind from its facade manager.
func writableOf[T any](r resource, raw st2.RawKind, m func(*st2.Client) crud[T], id func(T) string) writable {
	w := writable{
		r:   r,
		raw: raw,
		get: func(ctx context.Context, c *st2.Client, key string) (string, error) {
			v, err := m(c).Get(ctx, key)
			return id(v), err
		},
		del: func(ctx context.Context, c *st2.Client, key string) error { return m(c).Delete(ctx, key) },
	}
	if r.pk == pkNameOrID {
		w.byName = func(ctx context.Context, c *st2.Client, key string) (string, error) {
			v, err := m(c).GetByName(ctx, key)
			return id(v), err
		}
	}
	return w
}

// find is st2's get_resource for update, delete, enable and disable: the
// id of the object key names.
func (w writable) find(ctx context.Context, c *st2.Client, key string) (string, error) {
	if w.byName != nil {
		id, err := w.byName(ctx, c, key)
		if err == nil || !isNotFound(err) {
			return id, err
		}
		if id, err = w.get(ctx, c, key); err == nil || !isNotFound(err) {
			return id, err
		}
		return "", &missingError{msg: fmt.Sprintf("Resource with id or name %q doesn't exist.", key)}
	}
	id, err := w.get(ctx, c, key)
	if isNotFound(err) {
		return "", &missingError{msg: fmt.Sprintf("Resource with id or reference %q doesn't exist.", key)}
	}
	return id, err
}

// printObject prints the server's answer to the last method request
// made by call as a property table of every attribute in st2's default
// order.
func (e *Env) printObject(method string, call func() error) error {
	raw, err := e.rawObject(method, "", call)
	if err != nil {
		return err
	}
	return e.printAnswer(raw)
}

// printRawObject prints the object a raw facade call (CreateRaw,
// UpdateRaw) returned, as printObject does.
func (e *Env) printRawObject(raw json.RawMessage, err error, what string) error {
	if err != nil {
		return err
	}
	m, err := objectOf(raw, what)
	if err != nil {
		return err
	}
	return e.printAnswer(m)
}

// printAnswer prints one object the server answered with, every
// attribute in st2's default order.
func (e *Env) printAnswer(raw *output.Map) error {
	p := e.printer()
	p.Options.Attrs = nil
	return p.Get(raw, defaultOrder)
}

// createCmd is st2's ResourceCreateCommand: the object is read from a
// JSON or YAML file and sent as is; any failure exits with 2.
func (e *Env) createCmd(w writable, example string) *cobra.Command {
	noun := strings.ToLower(w.r.display)
	return &cobra.Command{
		Use:     "create <file>",
		Short:   "Create " + articled(noun) + " from a JSON or YAML file",
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := loadObjectFile(args[0])
			if err != nil {
				return &operationFailure{msg: err.Error()}
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			raw, err := c.CreateRaw(cmd.Context(), w.raw, body)
			if err := e.printRawObject(raw, err, "POST "+string(w.raw)); err != nil {
				return &operationFailure{msg: err.Error()}
			}
			return nil
		},
	}
}

// updateCmd is st2's ResourceUpdateCommand: the object found by its ref
// (or name) or id is replaced by the file's; an id in the file must be
// that object's.
func (e *Env) updateCmd(w writable, example string) *cobra.Command {
	noun := strings.ToLower(w.r.display)
	return &cobra.Command{
		Use:     "update <" + w.r.pk.argName() + "> <file>",
		Short:   "Replace " + articled(noun) + " with the one in a JSON or YAML file",
		Example: example,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			id, err := w.find(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			doc, err := loadObject(args[1])
			if err != nil {
				return err
			}
			switch v, _ := doc.Get("id"); v {
			case nil, "":
				doc.Set("id", id)
			case id:
			default:
				return st2Errorf("The value for the %s id in the JSON/YAML file does not match the ID provided in the command line arguments.", noun)
			}
			return e.putObject(cmd.Context(), c, w, id, doc)
		},
	}
}

// putObject sends doc to replace the object id and prints the answer.
func (e *Env) putObject(ctx context.Context, c *st2.Client, w writable, id string, doc *output.Map) error {
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	raw, err := c.UpdateRaw(ctx, w.raw, id, body)
	return e.printRawObject(raw, err, "PUT "+string(w.raw)+"/"+id)
}

// deleteCmd is st2's ResourceDeleteCommand: a missing object prints the
// "is not found" line and exits with 2.
func (e *Env) deleteCmd(w writable, example string) *cobra.Command {
	noun := strings.ToLower(w.r.display)
	return &cobra.Command{
		Use:     "delete <" + w.r.pk.argName() + ">",
		Short:   "Delete " + articled(noun),
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			id, err := w.find(cmd.Context(), c, args[0])
			var me *missingError
			if errors.As(err, &me) {
				e.printNotFound(w.r.display, args[0])
				return &operationFailure{msg: "Resource " + args[0] + " not found."}
			}
			if err != nil {
				return err
			}
			// st2client's delete counts a 404 as done.
			if err := w.del(cmd.Context(), c, id); err != nil && !isNotFound(err) {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "Resource with id %q has been successfully deleted.\n", args[0])
			return err
		},
	}
}

// enableCmd is st2's ResourceEnableCommand (on=true) or
// ResourceDisableCommand: the object is read, its enabled flag set (and
// its ref dropped, as st2 does), and written back; the server's copy is
// printed.
func (e *Env) enableCmd(w writable, on bool, example string) *cobra.Command {
	verb, noun := "enable", strings.ToLower(w.r.display)
	if !on {
		verb = "disable"
	}
	return &cobra.Command{
		Use:     verb + " <" + w.r.pk.argName() + ">",
		Short:   strings.ToUpper(verb[:1]) + verb[1:] + " " + articled(noun),
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			var id string
			raw, err := e.rawObject(http.MethodGet, "", func() (err error) {
				if id, err = w.find(ctx, c, args[0]); err != nil || w.byName == nil {
					return err
				}
				// Found by name (a list answer): read the object itself.
				_, err = w.get(ctx, c, id)
				return err
			})
			if err != nil {
				return err
			}
			doc := output.NewMap()
			for _, k := range raw.Keys() {
				if k != "ref" {
					v, _ := raw.Get(k)
					doc.Set(k, v)
				}
			}
			doc.Set("enabled", on)
			return e.putObject(ctx, c, w, id, doc)
		},
	}
}

// metaExts are the file types st2's load_meta_file reads.
var metaExts = []string{".json", ".yaml", ".yml"}

// readMetaFile is st2's load_meta_file, up to the decoding: the file must
// exist and end in .json, .yaml or .yml; YAML is read as PyYAML's
// safe_load reads it (YAML 1.1: yes is true, 0777 is 511) and turned into
// JSON.
func readMetaFile(path string) ([]byte, error) {
	if fi, err := os.Stat(path); err != nil || fi.IsDir() {
		return nil, st2Errorf("File %q does not exist.", path)
	}
	ext := filepath.Ext(path)
	if !slices.Contains(metaExts, ext) {
		return nil, st2Errorf("Unsupported meta type %s, file %s. Allowed: ['.json', '.yaml', '.yml']", ext, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if ext != ".json" {
		if data, err = output.PyYAMLToJSON(data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return data, nil
}

// loadObject reads a JSON or YAML file holding one object, keeping
// its keys in order.
func loadObject(path string) (*output.Map, error) {
	data, err := readMetaFile(path)
	if err != nil {
		return nil, err
	}
	v, err := output.Normalize(json.RawMessage(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, ok := v.(*output.Map)
	if !ok {
		return nil, fmt.Errorf("%s: want one object (a JSON object or a YAML mapping)", path)
	}
	return m, nil
}

// loadObjectFile is loadObject, as the JSON text to send.
func loadObjectFile(path string) ([]byte, error) {
	m, err := loadObject(path)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// str returns a pointer to v, or nil when v is empty: an optional query
// parameter.
func str(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// rawAnswer runs call and returns, decoded in order, the last successful
// JSON answer it got to method (any JSON value).
func (e *Env) rawAnswer(method string, call func() error) (any, error) {
	mark := e.rec.mark()
	if err := call(); err != nil {
		return nil, err
	}
	bodies := e.rec.since(mark, method, "")
	if len(bodies) == 0 {
		return nil, errNoRaw
	}
	return output.Normalize(json.RawMessage(bodies[len(bodies)-1]))
}
