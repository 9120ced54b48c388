package spacestudiocmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// collectionCmd is the group of one collection: list, get, create,
// update, delete, and for missions compute, status, run and results.
func (e *env) collectionCmd(col spacestudio.Collection) *cobra.Command {
	cmd := &cobra.Command{
		Use:   col.Name,
		Short: fmt.Sprintf("%s objects (/%s, module %s)", col.Title, col.Path, col.Module),
	}
	cmd.AddCommand(e.listCmd(col), e.getCmd(col), e.createCmd(col), e.updateCmd(col), e.deleteCmd(col))
	if col.Mission {
		cmd.AddCommand(e.computeCmd(col), e.statusCmd(col), e.runCmd(col), e.resultsCmd(col))
	}
	return cmd
}

// columns are a list's default columns.
func columns(col spacestudio.Collection) []string {
	if col.Mission {
		return []string{"id", "name", "type", "computationLogId"}
	}
	return []string{"id", "name", "displayedName"}
}

func (e *env) listCmd(col spacestudio.Collection) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the collection (the server sends it whole)",
		Args:  cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, _ []string) error {
			m, _ := c.Objects(col.Path)
			items := []any{}
			more := false
			for o, err := range m.List(cmd.Context()) {
				if err != nil {
					return err
				}
				if limit > 0 && len(items) == limit {
					more = true
					break
				}
				v, err := view(o)
				if err != nil {
					return err
				}
				items = append(items, v)
			}
			p := e.printer()
			if err := p.List(items, columns(col)); err != nil {
				return err
			}
			if more {
				return p.LimitNote(col.Path, limit, "-n/--limit")
			}
			return nil
		}),
	}
	cmd.Flags().IntVarP(&limit, "limit", "n", 0, "show at most this many items (default: all)")
	return cmd
}

// target is the ID argument or the --name flag of get, delete and the
// mission commands.
type target struct{ name string }

func (t *target) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.name, "name", "", "find the object by its displayed name instead of an ID")
}

// resolve finds the object named by the argument or --name.
func (t *target) resolve(ctx context.Context, m *spacestudio.Objects, args []string) (*spacestudio.Object, error) {
	switch {
	case len(args) == 1 && t.name != "":
		return nil, app.Usagef("give an ID or --name, not both")
	case len(args) == 1:
		return m.Get(ctx, args[0])
	case t.name != "":
		return m.FindByName(ctx, t.name)
	}
	return nil, app.Usagef("give the object's ID or --name NAME")
}

func (e *env) getCmd(col spacestudio.Collection) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "get [ID | --name NAME]",
		Short: "Show one object (found by listing the collection)",
		Args:  cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			m, _ := c.Objects(col.Path)
			o, err := t.resolve(cmd.Context(), m, args)
			if err != nil {
				return err
			}
			v, err := view(o)
			if err != nil {
				return err
			}
			return e.printer().Get(v, []string{"id", "name", "displayedName"})
		}),
	}
	t.add(cmd)
	return cmd
}

func (e *env) deleteCmd(col spacestudio.Collection) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "delete [ID | --name NAME]",
		Short: "Delete one object",
		Args:  cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			m, _ := c.Objects(col.Path)
			o, err := t.resolve(cmd.Context(), m, args)
			if err != nil {
				return err
			}
			if err := m.Delete(cmd.Context(), o.ID); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "Resource with id %q has been successfully deleted.\n", o.ID)
			return err
		}),
	}
	t.add(cmd)
	return cmd
}

// edits are the flags that build a request body, shared by create and
// update.
type edits struct {
	fields []string
	unset  []string
	refs   []string
	file   string
}

func (ed *edits) add(cmd *cobra.Command, withUnset bool) {
	fs := cmd.Flags()
	fs.StringArrayVar(&ed.fields, "field", nil, "KEY=VALUE field (repeatable; JSON values are decoded)")
	fs.StringArrayVar(&ed.refs, "ref", nil, "KEY=COLLECTION:NAME: embed that existing object (repeatable)")
	if withUnset {
		fs.StringArrayVar(&ed.unset, "unset", nil, "remove this field (repeatable)")
		fs.StringVar(&ed.file, "from-file", "", "replace the whole body by this JSON object (- for stdin)")
	} else {
		fs.StringVar(&ed.file, "from-file", "", "start from this JSON object (- for stdin)")
	}
}

// apply builds a body from base: --from-file replaces it, then --unset,
// --field and --ref change it, in that order.
func (ed *edits) apply(ctx context.Context, e *env, c *spacestudio.Client, base map[string]any) (map[string]any, error) {
	body := base
	if ed.file != "" {
		body = map[string]any{}
		if err := readJSONFile(e.a.In, ed.file, &body); err != nil {
			return nil, app.Usagef("--from-file %s: %v", ed.file, err)
		}
		if body == nil {
			return nil, app.Usagef("--from-file %s: a JSON object is expected, got null", ed.file)
		}
	}
	for _, k := range ed.unset {
		if _, ok := body[k]; !ok {
			return nil, app.Usagef("--unset %q: the object has no such field", k)
		}
		delete(body, k)
	}
	for _, f := range ed.fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, app.Usagef("--field %q: expected KEY=VALUE", f)
		}
		body[k] = fieldValue(v)
	}
	for _, r := range ed.refs {
		k, rest, ok := strings.Cut(r, "=")
		colName, objName, ok2 := strings.Cut(rest, ":")
		if !ok || !ok2 || k == "" || objName == "" {
			return nil, app.Usagef("--ref %q: expected KEY=COLLECTION:NAME", r)
		}
		other, ok := c.Objects(colName)
		if !ok {
			return nil, app.Usagef("--ref %q: no collection %q (see 'switchboard spacestudio collections')", r, colName)
		}
		o, err := other.FindByName(ctx, objName)
		if err != nil {
			return nil, err
		}
		body[k] = o
	}
	return body, nil
}

func (e *env) createCmd(col spacestudio.Collection) *cobra.Command {
	var (
		name string
		ed   edits
	)
	cmd := &cobra.Command{
		Use:   "create --name NAME [--field KEY=VALUE ...] [--ref KEY=COLLECTION:NAME ...] [--from-file FILE]",
		Short: "Create an object",
		Long: `Create an object. The body starts from --from-file (a JSON object; - reads
stdin), then --field sets one field each (the value is read as JSON when it
is valid JSON, e.g. 400000, true or {"a":1}, else as a string), then --ref
embeds a whole existing object found by name in another collection (the API
takes full copies, not ids), then --name. Units are the API's: metres,
radians, seconds, kilograms, watts.`,
		Example: `  switchboard spacestudio orbit create --name "LEO 400" --field type=Circular --field altitude=400000 --field inclination=0.9
  switchboard spacestudio simulation-mission create --name Transfer --field type="Orbital Transfer" \
      --ref spacecraft=spacecraft:"Demo 12U" --ref initialOrbit=orbit:"LEO 400" --field deltaSemiMajorAxis=50000`,
		Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, _ []string) error {
			body, err := ed.apply(cmd.Context(), e, c, map[string]any{})
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("name") {
				body["name"] = name
			}
			m, _ := c.Objects(col.Path)
			o, err := m.Create(cmd.Context(), body)
			if err != nil {
				return err
			}
			return e.showObject(o)
		}),
	}
	cmd.Flags().StringVar(&name, "name", "", "the object's name (unique in the collection)")
	ed.add(cmd, false)
	return cmd
}

func (e *env) updateCmd(col spacestudio.Collection) *cobra.Command {
	var (
		t      target
		rename string
		ed     edits
	)
	cmd := &cobra.Command{
		Use:   "update [ID | --name NAME] [--field KEY=VALUE ...] [--unset KEY ...] [--ref KEY=COLLECTION:NAME ...] [--rename NEW] [--from-file FILE]",
		Short: "Change an object (the API replaces it whole)",
		Long: `Change an object. The API only replaces an object whole (PUT), so the body
starts from the object as the server lists it, or from --from-file (a whole
JSON object; - reads stdin); then --unset removes fields, --field sets them
(JSON values are decoded, as for create), --ref embeds another existing
object found by name, and --rename changes the name (a name taken in the
collection is refused with 409). Only the fields named change; the others
are sent back as they were.

Objects that embed this one (a spacecraft embeds its thruster, a mission
its spacecraft and orbit) hold copies: they do not see the change until
they are updated too.`,
		Example: `  switchboard spacestudio orbit update --name "LEO 400" --field altitude=410000
  switchboard spacestudio orbit update --name "LEO 400" --rename "LEO 410"
  switchboard spacestudio spacecraft update --name "Demo 12U" --ref thruster=propulsion-system:ExoMG-micro`,
		Args: cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			if len(ed.fields) == 0 && len(ed.unset) == 0 && len(ed.refs) == 0 && ed.file == "" && !cmd.Flags().Changed("rename") {
				return app.Usagef("nothing to change: give --field, --unset, --ref, --rename or --from-file")
			}
			m, _ := c.Objects(col.Path)
			o, err := t.resolve(cmd.Context(), m, args)
			if err != nil {
				return err
			}
			var base map[string]any
			if err := decodeInto(o, &base); err != nil {
				return err
			}
			body, err := ed.apply(cmd.Context(), e, c, base)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("rename") {
				if strings.TrimSpace(rename) == "" {
					return app.Usagef("--rename: the new name is empty")
				}
				body["name"] = rename
			}
			up, err := m.Update(cmd.Context(), o.ID, body)
			if err != nil {
				return err
			}
			return e.showObject(up)
		}),
	}
	t.add(cmd)
	cmd.Flags().StringVar(&rename, "rename", "", "give the object this new name")
	ed.add(cmd, true)
	return cmd
}

// decodeInto turns an object into a generic body, keeping numbers exact.
func decodeInto(o *spacestudio.Object, v *map[string]any) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// showObject prints an object as get does.
func (e *env) showObject(o *spacestudio.Object) error {
	v, err := view(o)
	if err != nil {
		return err
	}
	return e.printer().Get(v, []string{"id", "name", "displayedName"})
}

// fieldValue reads a --field value: JSON when it parses, else a string.
func fieldValue(v string) any {
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err == nil && !dec.More() {
		if _, err := dec.Token(); err == io.EOF {
			return out
		}
	}
	return v
}

func readJSONFile(stdin io.Reader, path string, v any) error {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

func (e *env) computeCmd(col spacestudio.Collection) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "compute [ID | --name NAME]",
		Short: "Start the computation of a mission and return at once",
		Args:  cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			m, _ := c.Missions(col.Path)
			o, err := t.resolve(cmd.Context(), m.Objects, args)
			if err != nil {
				return err
			}
			if err := m.Compute(cmd.Context(), o.ID); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "Computation of mission %q started.\n", o.ID)
			return err
		}),
	}
	t.add(cmd)
	return cmd
}

func (e *env) statusCmd(col spacestudio.Collection) *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "status [ID | --name NAME]",
		Short: "Show a mission's computation status (-1 finished, 0 pending, else progress)",
		Args:  cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			m, _ := c.Missions(col.Path)
			o, err := t.resolve(cmd.Context(), m.Objects, args)
			if err != nil {
				return err
			}
			st, err := m.Status(cmd.Context(), o.ID)
			if err != nil {
				return err
			}
			return e.printer().Get(statusView(o.ID, st), []string{"id", "status", "state"})
		}),
	}
	t.add(cmd)
	return cmd
}

func statusView(id string, st spacestudio.Status) map[string]any {
	return map[string]any{"id": id, "status": json.RawMessage(st.Raw), "state": st.String()}
}

func (e *env) runCmd(col spacestudio.Collection) *cobra.Command {
	var (
		t        target
		interval time.Duration
		limit    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "run [ID | --name NAME]",
		Short: "Compute a mission, show progress until it is finished, then show its results",
		Long: `Compute a mission, poll its status until it is finished (progress on stderr
when it is a terminal) and show the result document. The wait ends with an
error at --wait-timeout, on an unknown mission, or when the result document
lists errors (exit 1).`,
		Args: cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			m, _ := c.Missions(col.Path)
			o, err := t.resolve(cmd.Context(), m.Objects, args)
			if err != nil {
				return err
			}
			res, err := m.RunComputation(cmd.Context(), o.ID, spacestudio.ComputeOptions{
				Wait: facade.WaitOptions{Interval: interval, Timeout: limit},
				Progress: func(st spacestudio.Status) {
					e.a.Progress("mission %s: %s\n", o.ID, st)
				},
			})
			if res != nil {
				if perr := e.showResults(res); perr != nil {
					return perr
				}
			}
			return err
		}),
	}
	t.add(cmd)
	cmd.Flags().DurationVar(&interval, "interval", time.Second, "delay between the first status polls (backs off up to 10s)")
	cmd.Flags().DurationVar(&limit, "wait-timeout", 30*time.Minute, "give up waiting after this long (0: no limit)")
	return cmd
}

func (e *env) resultsCmd(col spacestudio.Collection) *cobra.Command {
	var t target
	var raw bool
	var out string
	cmd := &cobra.Command{
		Use:   "results [ID | --name NAME]",
		Short: "Show or download the result document of a mission's last computation",
		Long: `Show the result document of a mission's last computation. --raw streams it
to stdout exactly as the server sent it (large ephemerides included);
--output FILE downloads it so to a file, replaced only once the document is
whole.`,
		Args: cobra.MaximumNArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *spacestudio.Client, args []string) error {
			m, _ := c.Missions(col.Path)
			o, err := t.resolve(cmd.Context(), m.Objects, args)
			if err != nil {
				return err
			}
			if raw || out != "" {
				return e.writeOutput(out, func(w io.Writer) (int64, error) { return m.WriteResults(cmd.Context(), o.ID, w) })
			}
			res, err := m.Results(cmd.Context(), o.ID)
			if err != nil {
				return err
			}
			return e.showResults(res)
		}),
	}
	t.add(cmd)
	cmd.Flags().BoolVar(&raw, "raw", false, "stream the document as received instead of formatting it")
	cmd.Flags().StringVarP(&out, "output", "o", "", "download the document as received to this file (implies --raw)")
	return cmd
}

// showResults prints a result document. Without -a, the table shows the
// summary: the errors and the result's top-level members other than the
// (long) ephemeris matrices.
func (e *env) showResults(res *spacestudio.Results) error {
	v, err := view(res)
	if err != nil {
		return err
	}
	o := e.a.OutputOptions()
	if len(o.Attrs) == 0 && o.Format != 0 {
		o.Attrs = []string{"all"}
	}
	if len(o.Attrs) == 0 {
		o.Attrs = []string{"errors", "results.name", "results.maneuverReport", "results.finalOrbit.altitude"}
	}
	return o.Get(e.a.Out, v, nil)
}
