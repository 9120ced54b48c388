package output

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// NoItems is what st2 prints instead of an empty list, in every format.
const NoItems = "No matching items found"

// st2 table constants (st2client/formatters/table.py).
const (
	minIDColWidth  = 26
	minColWidth    = 5
	statusColWidth = 24
	fixedColWidth  = 28
	getPropWidth   = 20
	getValueWidth  = 60
)

// List renders a list command's result: items must encode to a JSON array
// (a slice of structs, maps, *Map or a json.RawMessage array); defaultCols
// are the command's default columns, used when -a is not given.
//
// Table: st2's multi-column table. With -a all the columns are the first
// item's attributes sorted alphabetically (st2 does not put the default
// columns first), each capped at the automatic width of a one-column table
// (Columns) unless -w says otherwise, exactly as st2 computes it.
// JSON/YAML: an array of objects holding only the -a attributes (default:
// defaultCols; "all": everything). An empty list prints NoItems in every
// format but plain, which prints nothing so that scripts see zero lines.
func (o Options) List(w io.Writer, items any, defaultCols []string) error {
	_, err := o.list(w, items, defaultCols)
	return err
}

// listResult tells Printer what List printed: the width of the table's
// first line (st2's "Only first N ..." box reuses it) and whether the list
// was empty.
type listResult struct {
	tableWidth int
	empty      bool
}

func (o Options) list(w io.Writer, items any, defaultCols []string) (listResult, error) {
	g, err := Normalize(items)
	if err != nil {
		return listResult{}, err
	}
	var entries []any
	switch t := g.(type) {
	case nil:
	case []any:
		entries = t
	default:
		return listResult{}, fmt.Errorf("output: List needs an array, got %s", jsonKind(g))
	}
	attrs := o.Attrs
	if len(attrs) == 0 {
		attrs = defaultCols
	}
	if len(entries) == 0 {
		if o.Plain && o.Format == Table {
			return listResult{empty: true}, nil
		}
		_, err := fmt.Fprintln(w, NoItems)
		return listResult{empty: true}, err
	}
	switch o.Format {
	case JSON, YAML:
		docs := make([]any, len(entries))
		for i, e := range entries {
			docs[i] = selectKVPs(e, attrs)
		}
		return listResult{}, o.writeDoc(w, docs)
	}
	if o.Plain {
		return listResult{}, o.plainList(w, entries, expandAll(attrs, entries))
	}
	s := o.listTable(entries, attrs)
	_, err = fmt.Fprintln(w, s)
	return listResult{tableWidth: len([]rune(strings.SplitN(s, "\n", 2)[0]))}, err
}

// Get renders one resource: the Property/Value table (rows in order, then
// the other attributes alphabetically; with -a, the -a attributes with
// those named in order moved first), or with -j/-y the whole object (or its
// -a subset), or in plain mode `attr<TAB>value` lines. A nil item prints
// NoItems.
func (o Options) Get(w io.Writer, item any, order []string) error {
	g, err := Normalize(item)
	if err != nil {
		return err
	}
	if g == nil {
		if o.Plain && o.Format == Table {
			return nil
		}
		_, err := fmt.Fprintln(w, NoItems)
		return err
	}
	switch o.Format {
	case JSON, YAML:
		return o.writeDoc(w, selectKVPs(g, o.Attrs))
	}
	attrs := o.getAttributes(g, order)
	if o.Plain {
		return o.plainGet(w, g, attrs)
	}
	t := newPrettyTable([]string{"Property", "Value"})
	t.maxWidth["Property"] = getPropWidth
	t.maxWidth["Value"] = getValueWidth
	for _, a := range attrs {
		t.rows = append(t.rows, []string{a, o.getCell(g, a)})
	}
	_, err = fmt.Fprintln(w, t.String())
	return err
}

// writeDoc prints a document the way st2's print() of its formatters does:
// JSON plus a newline, YAML (which already ends in one) plus a newline.
func (o Options) writeDoc(w io.Writer, doc any) error {
	var s string
	if o.Format == JSON {
		s = pyJSONDumps(doc, 4, true)
	} else {
		s = pyYAMLDump(doc)
	}
	_, err := io.WriteString(w, s+"\n")
	return err
}

// getAttributes is PropertyValueTable's attribute order.
func (o Options) getAttributes(g any, order []string) []string {
	var attrs []string
	if len(o.Attrs) == 0 || contains(o.Attrs, "all") {
		attrs = publicSortedKeys(g)
	} else {
		attrs = append(attrs, o.Attrs...)
	}
	for i := len(order) - 1; i >= 0; i-- {
		a := order[i]
		for j, x := range attrs {
			if x == a {
				attrs = append(attrs[:j:j], attrs[j+1:]...)
				attrs = append([]string{a}, attrs...)
				break
			}
		}
	}
	return attrs
}

// publicSortedKeys is sorted(attr for attr in obj.__dict__ if not
// attr.startswith('_')).
func publicSortedKeys(g any) []string {
	m, ok := g.(*Map)
	if !ok {
		return nil
	}
	var ks []string
	for _, k := range m.sortedKeys() {
		if !strings.HasPrefix(k, "_") {
			ks = append(ks, k)
		}
	}
	return ks
}

// expandAll replaces an attribute list containing "all" by the first
// entry's attributes, sorted, as MultiColumnTable does.
func expandAll(attrs []string, entries []any) []string {
	if len(attrs) != 0 && !contains(attrs, "all") {
		return attrs
	}
	if len(entries) == 0 {
		return nil
	}
	return publicSortedKeys(entries[0])
}

// autoWidths is st2's column width rule when -w is not given, computed (as
// st2 does) on the attribute list before "all" is expanded.
func (o Options) autoWidths(attrs []string, entries []any) []int {
	total := o.Columns
	if total <= 0 {
		total = DefaultColumns
	}
	n := len(attrs)
	var first, colWidth int
	if attrs[0] == "id" {
		first = 0
		for _, e := range entries {
			id := ""
			if m, ok := e.(*Map); ok {
				if v, ok := m.Get("id"); ok {
					id = pyStr(v)
				}
			}
			first = max(first, len([]rune(id)))
		}
		first = max(first, minIDColWidth)
		colWidth = floorDiv(total-first, n)
	} else {
		colWidth = floorDiv(total, n)
		first = colWidth
	}
	widths := []int{first}
	subtract := 0
	for i := 1; i < n; i++ {
		cw := colWidth
		switch {
		case attrs[i] == "status":
			cw = statusColWidth
			subtract += statusColWidth - colWidth
		case i == n-1 && subtract != 0:
			cw = colWidth - subtract
			if cw <= minColWidth {
				cw = minColWidth
			}
		}
		widths = append(widths, cw)
	}
	return widths
}

func floorDiv(a, b int) int { return int(math.Floor(float64(a) / float64(b))) }

// listTable is MultiColumnTable.format followed by str(table).
func (o Options) listTable(entries []any, attrs []string) string {
	widths := o.Widths
	if len(widths) == 0 && len(attrs) > 0 {
		widths = o.autoWidths(attrs, entries)
	}
	attrs = expandAll(attrs, entries)
	t := newPrettyTable(attrs)
	for i, a := range attrs {
		switch {
		case len(widths) == len(attrs):
			t.maxWidth[a] = widths[i]
		case len(widths) == 1:
			t.maxWidth[a] = widths[0]
		default:
			t.maxWidth[a] = fixedColWidth
		}
	}
	for _, e := range entries {
		row := make([]string, len(attrs))
		for i, a := range attrs {
			row[i] = o.listCell(e, a)
		}
		t.rows = append(t.rows, row)
	}
	return t.String()
}

// listCell is the text of one MultiColumnTable cell.
func (o Options) listCell(entry any, attr string) string {
	m, _ := entry.(*Map)
	var v any
	if strings.Contains(attr, ".") {
		parts := strings.Split(attr, ".")
		var ok bool
		if v, ok = m.Get(parts[0]); !ok {
			v = NewMap()
		}
		for _, name := range parts[1:] {
			vm, isMap := v.(*Map)
			if !isMap {
				v = "" // st2 raises here; an empty cell is kinder
				break
			}
			v = nullSafe(vm, name)
			if _, isStr := v.(string); isStr {
				break
			}
		}
	} else {
		var ok bool
		if v, ok = m.Get(attr); !ok {
			v = ""
		}
		if l, isList := v.([]any); isList {
			if len(l) == 0 {
				v = ""
			} else if _, isStr := l[0].(string); isStr {
				parts := make([]string, len(l))
				for i, x := range l {
					parts[i] = pyStr(x)
				}
				v = strings.Join(parts, ", ")
			}
		}
	}
	if tf := o.Transforms[attr]; tf != nil {
		v = tf(v)
	}
	return pyStr(unescape(v))
}

// nullSafe is st2's _get_field_value/_get_attribute_value: a missing key,
// null or empty collection reads as "".
func nullSafe(m *Map, key string) any {
	r, ok := m.Get(key)
	if !ok || r == nil || isEmptyCollection(r) {
		return ""
	}
	return r
}

// getCell is the text of one PropertyValueTable value cell.
func (o Options) getCell(g any, attr string) string {
	parts := strings.Split(attr, ".")
	v := any(g)
	for _, name := range parts {
		m, ok := v.(*Map)
		if !ok {
			v = ""
			break
		}
		v = nullSafe(m, name)
		if _, isStr := v.(string); isStr {
			break
		}
	}
	if tf := o.Transforms[attr]; tf != nil {
		v = tf(v)
	}
	switch v.(type) {
	case *Map, []any:
		v = pyJSONDumps(v, 4, false)
	}
	return pyStr(unescape(v))
}

// unescape is st2's strutil.unescape followed by strip_carriage_returns,
// applied to string cells: literal \n, \r and \" sequences become the
// characters, then carriage returns are removed.
func unescape(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.ReplaceAll(s, `\n`, "\n")
	s = strings.ReplaceAll(s, `\r`, "\r")
	s = strings.ReplaceAll(s, `\"`, `"`)
	return strings.ReplaceAll(s, "\r", "")
}

func jsonKind(v any) string {
	switch v.(type) {
	case *Map:
		return "an object"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// ST2LimitFlag is how the st2 CLI names its list limit in LimitNote.
const ST2LimitFlag = "-n/--last"

// LimitNote writes st2's "Only first N ..." box that list commands print
// to stderr, in table mode only, when the server holds more than the -n
// limit. plural is the resource name as st2 spells it ("executions");
// flag is the option that raises the limit as the note names it
// (ST2LimitFlag for the st2 drop-in, "-n/--limit" for switchboard);
// tableWidth is the width of the table just printed (Printer tracks it),
// which the box stretches to.
func (o Options) LimitNote(w io.Writer, plural string, limit int, flag string, tableWidth int) error {
	if o.Format != Table || limit <= 0 {
		return nil
	}
	var msg string
	if limit == 1 {
		r := []rune(plural)
		single := string(r[:max(len(r)-1, 0)]) // st2: entity[:-1]
		if plural == "inquiries" {
			single = "inquiry"
		}
		msg = fmt.Sprintf("Note: Only one %s is displayed. Use %s flag for more results.", single, flag)
	} else {
		msg = fmt.Sprintf("Note: Only first %d %s are displayed. Use %s flag for more results.", limit, plural, flag)
	}
	if o.Plain {
		_, err := fmt.Fprintln(w, msg)
		return err
	}
	t := newPrettyTable([]string{""})
	t.noHeader = true
	msgLen := len([]rune(msg)) + 3
	if tableWidth > msgLen {
		t.rpad = tableWidth - msgLen
	}
	t.rows = [][]string{{msg}}
	_, err := fmt.Fprintln(w, t.String())
	return err
}
