package cachettest

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// colKind is the SQL type of a column, which decides how a filter value
// compares with it (PostgreSQL-like: a value that does not convert to the
// column's type is a query error, hence a 500).
type colKind int

const (
	colInt colKind = iota
	colBool
	colString
	colTime
	colFloat
	colJSON // cannot be compared with "=": a filter on it is a 500
)

// cell is one column value of a row.
type cell struct {
	kind colKind
	null bool
	i    int64
	f    float64
	s    string
	t    time.Time
}

func intCell(v int) cell        { return cell{kind: colInt, i: int64(v)} }
func strCell(v string) cell     { return cell{kind: colString, s: v} }
func timeCell(v time.Time) cell { return cell{kind: colTime, t: v} }
func floatCell(v float64) cell  { return cell{kind: colFloat, f: v} }
func boolCell(v bool) cell {
	if v {
		return cell{kind: colBool, i: 1}
	}
	return cell{kind: colBool}
}
func nullCell(k colKind) cell { return cell{kind: k, null: true} }

// sortMode is how a list controller treats ?sort= and ?order=.
type sortMode int

const (
	// sortAlwaysDesc: the controller turns "order" into a boolean that the
	// query builder reads as "desc" whatever it is: a valid sort column is
	// always applied descending.
	sortAlwaysDesc sortMode = iota
	// sortHonoursOrder: component groups pass "order" through, so "asc"
	// (the default) and "desc" work.
	sortHonoursOrder
	// sortAfterBase: incident updates append the sort after their fixed
	// "created_at desc", so it only breaks ties (still descending).
	sortAfterBase
	// sortBroken: the model has no sort scope: any truthy sort is a 500.
	sortBroken
	// sortIgnored: the controller never looks at "sort".
	sortIgnored
)

// listDef describes one list endpoint's table for search and sort.
type listDef[T any] struct {
	columns    map[string]colKind    // every real column (what SQL knows)
	cell       func(*T, string) cell // a row's value of a column
	searchable []string              // nil: the controller does not search
	sortable   []string
	sort       sortMode
}

// list runs a list request over rows (already restricted to what the
// caller may see) and returns the page and its pagination meta, or the
// error the real server would answer.
func list[T any](c *reqCtx, rows []*T, def *listDef[T]) ([]*T, cachetapi.ListMeta, error) {
	rows, err := search(c, rows, def)
	if err != nil {
		return nil, cachetapi.ListMeta{}, err
	}
	if err := sortRows(c, rows, def); err != nil {
		return nil, cachetapi.ListMeta{}, err
	}
	return paginate(c, rows)
}

// search is Cachet's SearchableTrait: when at least one input key (other
// than sort, order and per_page) names a searchable column, every such
// key, page and unknown keys included, becomes "column = value". A key that
// is no column of the table makes the SQL fail: 500.
func search[T any](c *reqCtx, rows []*T, def *listDef[T]) ([]*T, error) {
	if def.searchable == nil {
		return rows, nil
	}
	keys := c.in.keysExcept("sort", "order", "per_page")
	hit := false
	for _, k := range keys {
		if slices.Contains(def.searchable, k.key) {
			hit = true
			break
		}
	}
	if !hit {
		return rows, nil
	}
	type cond struct {
		col  string
		want cell
	}
	conds := make([]cond, 0, len(keys))
	for _, k := range keys {
		kind, isCol := def.columns[k.key]
		if !isCol {
			return nil, errServer // SQLSTATE 42703 undefined column
		}
		want, ok := filterValue(kind, k.val)
		if !ok {
			return nil, errServer // invalid input syntax for the column type
		}
		conds = append(conds, cond{k.key, want})
	}
	out := rows[:0:0]
rowLoop:
	for _, row := range rows {
		for _, cd := range conds {
			if !cellEqual(def.cell(row, cd.col), cd.want) {
				continue rowLoop
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// filterValue converts a query value to the column's type.
func filterValue(kind colKind, v any) (cell, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int64, float64, bool:
		s = phpString(x)
		if b, isBool := x.(bool); isBool && !b {
			s = "0"
		}
	default:
		return cell{}, false // lists and maps cannot be bound to one "?"
	}
	switch kind {
	case colInt:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return cell{kind: colInt, i: i}, err == nil
	case colBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "1", "t", "true", "y", "yes", "on":
			return boolCell(true), true
		case "0", "f", "false", "n", "no", "off":
			return boolCell(false), true
		}
		return cell{}, false
	case colFloat:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return floatCell(f), err == nil
	case colTime:
		for _, layout := range []string{phpDateTime, "2006-01-02 15:04", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), time.UTC); err == nil {
				return timeCell(t), true
			}
		}
		return cell{}, false
	case colJSON:
		return cell{}, false
	}
	return strCell(s), true
}

func cellEqual(a, b cell) bool {
	if a.null || b.null {
		return false // NULL = x is never true
	}
	switch a.kind {
	case colString:
		return a.s == b.s
	case colTime:
		return a.t.Equal(b.t)
	case colFloat:
		return a.f == b.f
	}
	return a.i == b.i
}

func cellCompare(a, b cell) int {
	switch {
	case a.null && b.null:
		return 0
	case a.null:
		return 1 // PostgreSQL sorts NULL as the largest value
	case b.null:
		return -1
	}
	switch a.kind {
	case colString:
		return strings.Compare(a.s, b.s)
	case colTime:
		return a.t.Compare(b.t)
	case colFloat:
		return cmp.Compare(a.f, b.f)
	}
	return cmp.Compare(a.i, b.i)
}

// sortRows applies ?sort= the way the controller at hand does. Rows come
// in the controller's base order (id order, or newest first for updates
// and points), which the stable sorts keep among ties.
func sortRows[T any](c *reqCtx, rows []*T, def *listDef[T]) error {
	sortBy, isStr := c.in.get("sort", nil).(string)
	if def.sort == sortIgnored || !phpBool(c.in.get("sort", nil)) {
		return nil
	}
	if def.sort == sortBroken {
		return errServer // BadMethodCallException: Call to undefined method sort()
	}
	if !isStr || !slices.Contains(def.sortable, sortBy) {
		return nil // SortableTrait ignores columns outside its list
	}
	desc := true
	if def.sort == sortHonoursOrder {
		order, _ := c.in.get("order", "asc").(string)
		desc = strings.ToLower(order) != "asc"
	}
	byCol := func(a, b *T) int {
		r := cellCompare(def.cell(a, sortBy), def.cell(b, sortBy))
		if desc {
			return -r
		}
		return r
	}
	if def.sort == sortAfterBase {
		slices.SortStableFunc(rows, func(a, b *T) int {
			if r := cellCompare(def.cell(b, "created_at"), def.cell(a, "created_at")); r != 0 {
				return r
			}
			return byCol(a, b)
		})
		return nil
	}
	slices.SortStableFunc(rows, byCol)
	return nil
}

// paginate is Eloquent's paginate() and Cachet's paginator() meta.
func paginate[T any](c *reqCtx, rows []*T) ([]*T, cachetapi.ListMeta, error) {
	perPage := 20
	if v := c.in.get("per_page", int64(20)); phpEmpty(v) {
		perPage = 15 // paginate(0) falls back to the model's default
	} else {
		n, ok := phpNumber(v)
		if !ok || n != math.Trunc(n) {
			return nil, cachetapi.ListMeta{}, errServer // "A non-numeric value encountered"
		}
		perPage = int(max(min(n, 1e9), -1e9)) // no real page is bigger; avoids overflow
	}
	page := 1
	if p, ok := phpIntValue(c.in.get("page", nil)); ok && p >= 1 {
		page = int(p)
	}
	total := len(rows)
	lastPage := 1
	var items []*T
	if perPage > 0 {
		lastPage = max((total+perPage-1)/perPage, 1)
		start := total
		if page-1 <= total/perPage { // else past the end (and page*perPage could overflow)
			start = min((page-1)*perPage, total)
		}
		end := min(start+perPage, total)
		items = rows[start:end]
	} else {
		items = rows // a negative LIMIT is ignored: everything on every page
	}
	links := cachetapi.PaginationLinks{}
	if lastPage > page {
		u := pageURL(c, page+1)
		links.NextPage = &u
	}
	if page > 1 {
		u := pageURL(c, page-1)
		links.PreviousPage = &u
	}
	return items, cachetapi.ListMeta{Pagination: cachetapi.Pagination{
		Total:       total,
		Count:       len(items),
		PerPage:     perPage,
		CurrentPage: page,
		TotalPages:  lastPage,
		Links:       links,
	}}, nil
}

// pageURL is the paginator's url($page): the request URL without its
// query, then every query parameter but page (as http_build_query writes
// them, RFC 3986 encoding, lists as key[0]=...), then page.
func pageURL(c *reqCtx, page int) string {
	var b strings.Builder
	b.WriteString(c.site())
	b.WriteString(c.r.URL.EscapedPath())
	b.WriteByte('?')
	for _, p := range c.in.query {
		if p.key == "page" {
			continue
		}
		buildQuery(&b, rawURLEncode(p.key), p.val)
	}
	b.WriteString("page=")
	b.WriteString(strconv.Itoa(page))
	return b.String()
}

func buildQuery(b *strings.Builder, key string, v any) {
	switch x := v.(type) {
	case []any:
		for i, item := range x {
			buildQuery(b, key+"%5B"+strconv.Itoa(i)+"%5D", item)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			buildQuery(b, key+"%5B"+rawURLEncode(k)+"%5D", x[k])
		}
	default:
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(rawURLEncode(phpString(x)))
		b.WriteByte('&')
	}
}

// rawURLEncode is PHP's rawurlencode (RFC 3986 unreserved characters kept).
func rawURLEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// listPage answers a list request: the page of rows that def and the
// request select, each rendered with out, in the list envelope. The caller
// holds the read lock.
func listPage[T, O any](c *reqCtx, rows []*T, def *listDef[T], out func(*T) O) (int, any, error) {
	page, meta, err := list(c, rows, def)
	if err != nil {
		return 0, nil, err
	}
	data := make([]O, len(page))
	for i, x := range page {
		data[i] = out(x)
	}
	return http.StatusOK, listEnvelope[O]{meta, data}, nil
}

// listEnvelope is the {"meta":...,"data":[...]} of every list.
type listEnvelope[T any] struct {
	Meta cachetapi.ListMeta `json:"meta"`
	Data []T                `json:"data"`
}
