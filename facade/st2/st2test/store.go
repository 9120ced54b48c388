package st2test

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// doc is one stored object, in its API (JSON) shape. Documents are only
// touched with the server's lock held and are copied on the way out.
type doc = map[string]any

// coll is one collection, in insertion order.
type coll struct {
	items []doc
}

func (c *coll) add(d doc) { c.items = append(c.items, d) }

func (c *coll) byID(id string) doc {
	for _, d := range c.items {
		if d["id"] == id {
			return d
		}
	}
	return nil
}

func (c *coll) byRef(ref string) doc {
	for _, d := range c.items {
		if d["ref"] == ref {
			return d
		}
	}
	return nil
}

// byRefOrID follows st2's rule: a value with a dot is a reference,
// anything else an id.
func (c *coll) byRefOrID(v string) doc {
	if strings.Contains(v, ".") {
		return c.byRef(v)
	}
	return c.byID(v)
}

func (c *coll) remove(id string) {
	c.items = slices.DeleteFunc(c.items, func(d doc) bool { return d["id"] == id })
}

func (c *coll) filter(fn func(doc) bool) []doc {
	var out []doc
	for _, d := range c.items {
		if fn(d) {
			out = append(out, d)
		}
	}
	return out
}

// state is the emulated database plus the execution engine's bookkeeping.
type state struct {
	s        *Server
	seq      uint64
	traceSeq uint64
	baseURL  string

	users   map[string]string // name -> password
	tokens  map[string]*token // value -> token
	apikeys coll

	actions, aliases, executions             coll
	packs, policies, policyTypes, rules      coll
	ruleTypes, runners, sensors              coll
	triggerTypes, triggers, triggerInstances coll
	traces, enforcements                     coll

	keys    []*kvPair
	configs map[string]doc // pack -> values
	schemas map[string]doc // pack -> config schema
	files   map[string]map[string]string

	outputs map[string][]doc // execution id -> output chunks
	runs    map[string]*run  // execution id -> runtime
	// inFlight counts the runs whose execution has not completed yet:
	// while it is 0, advance (called on every request) has nothing to
	// move on and returns at once.
	inFlight int
	handlers map[string]ActionFunc
	cipher   *cipherKey
}

type token struct {
	id, user string
	expiry   time.Time
	created  time.Time
}

func newState(s *Server) *state {
	st := &state{
		s:        s,
		users:    map[string]string{},
		tokens:   map[string]*token{},
		configs:  map[string]doc{},
		schemas:  map[string]doc{},
		files:    map[string]map[string]string{},
		outputs:  map[string][]doc{},
		runs:     map[string]*run{},
		handlers: map[string]ActionFunc{},
	}
	for _, u := range s.cfg.users {
		st.users[u.name] = u.password
	}
	if !s.cfg.cryptoKey {
		st.cipher = newCipherKey()
	}
	return st
}

// newID returns a MongoDB-style ObjectId: four bytes of the time, then a
// counter, so ids sort by creation like the real ones.
func (st *state) newID(now time.Time) string {
	st.seq++
	return fmt.Sprintf("%08x%016x", uint32(now.Unix()), st.seq)
}

// timeLayout is st2's timestamp format: UTC, microseconds, Z.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTimeFilter reads a timestamp filter value in the formats st2
// accepts.
func parseTimeFilter(v string) (time.Time, bool) {
	v = strings.Replace(v, " ", "T", 1)
	for _, suffix := range []string{"+00:00", "+0000", "+00"} {
		if s, ok := strings.CutSuffix(v, suffix); ok {
			v = s + "Z"
			break
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999Z", "2006-01-02T15:04:05Z"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// clone deep-copies a JSON value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = clone(e)
		}
		return s
	case []string:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = e
		}
		return s
	}
	return v
}

func cloneDoc(d doc) doc {
	if d == nil {
		return nil
	}
	return clone(d).(doc)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// lookup follows a dotted path into a document.
func lookup(d any, path string) (any, bool) {
	cur := d
	for part := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// listSpec is how one list endpoint pages, sorts and projects, as its
// declaration in the official spec says.
type listSpec struct {
	defaultLimit int               // 0: no default, everything
	offset       bool              // offset is declared
	sortable     map[string]string // sort key -> field path; nil: sort undeclared
	defaultSort  []string          // field paths, "-" for descending
	project      bool              // include/exclude_attributes declared
	validExclude []string          // nil: any field may be excluded
	noCount      bool              // no X-Total-Count (GET /keys)
	limitOnly    bool              // limit declared but never defaulted (rules, sensors)
	noLimit      bool              // limit undeclared
	// view, when set, makes each item of the page its answer: a copy of
	// the top level that the page may change there (validExclude must
	// name top-level fields only), encoded before the lock is released.
	view func(doc) doc
}

// page answers a list request: sort, X-Total-Count, limit/offset as
// validate_limit_query_param has them, X-Limit, projection.
func (c *reqCtx) page(items []doc, ls listSpec) (int, any, error) {
	inc, exc := c.listParam("include_attributes"), c.listParam("exclude_attributes")
	if !ls.project {
		inc, exc = nil, nil
	}
	if len(inc) > 0 && len(exc) > 0 {
		return 0, nil, errBad("exclude_fields and include_fields arguments are mutually exclusive. You need to provide either one or another, but not both.")
	}
	if err := checkExclude(exc, ls.validExclude); err != nil {
		return 0, nil, err
	}
	offset := 0
	if ls.offset {
		o, _, err := c.intParam("offset")
		if err != nil {
			return 0, nil, err
		}
		if o >= math.MaxInt32+1 {
			return 0, nil, errBad("Offset \"%d\" specified is more than 32-bit int", o)
		}
		if o > 0 {
			offset = o
		}
	}
	limit := 0
	if !ls.noLimit {
		l, set, err := c.intParam("limit")
		if err != nil {
			return 0, nil, err
		}
		if !set {
			l = ls.defaultLimit
			if c.q.Has("limit") { // "limit=" is 0
				set = true
			}
		}
		if limit, err = c.checkLimit(l, set); err != nil {
			return 0, nil, err
		}
	}
	keys := ls.defaultSort
	if ls.sortable != nil && c.q.Get("sort") != "" {
		var asked []string
		for key := range strings.SplitSeq(c.q.Get("sort"), ",") {
			dir := ""
			if k, ok := strings.CutPrefix(key, "-"); ok {
				key, dir = k, "-"
			} else {
				key = strings.TrimPrefix(key, "+")
			}
			if f, ok := ls.sortable[key]; ok {
				asked = append(asked, dir+f)
			}
		}
		if len(asked) > 0 {
			keys = asked
		}
	}
	sorted := slices.Clone(items)
	sortDocs(sorted, keys)
	total := len(sorted)
	if offset > len(sorted) {
		offset = len(sorted)
	}
	sorted = sorted[offset:]
	if limit > 0 && limit < len(sorted) {
		sorted = sorted[:limit]
	}
	if !ls.noCount {
		c.header.Set("X-Total-Count", strconv.Itoa(total))
	}
	if limit > 0 {
		c.header.Set("X-Limit", strconv.Itoa(limit))
	}
	inc = c.withMandatory(inc)
	out := make([]any, 0, len(sorted))
	for _, d := range sorted {
		if ls.view != nil {
			v := ls.view(d)
			if len(inc) > 0 {
				v = project(v, inc, nil)
			}
			for _, f := range exc {
				delete(v, f)
			}
			out = append(out, v)
			continue
		}
		out = append(out, project(d, inc, exc))
	}
	return http.StatusOK, out, nil
}

// mandatoryFields are the fields each controller reads whatever
// include_attributes asks (mandatory_include_fields_retrieve), so they are
// in every projected answer. id always is.
func (c *reqCtx) mandatoryFields() []string {
	_, path, _ := strings.Cut(c.r.Pattern, " ")
	path = strings.TrimPrefix(path, APIPath)
	first := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
	switch {
	case strings.HasPrefix(path, "/actions/views/overview"):
		return []string{"pack", "name", "parameters", "runner_type"}
	case first == "rules":
		return []string{"pack", "name", "trigger"}
	case first == "executions":
		return []string{"action.parameters", "action.output_schema", "runner.runner_parameters", "runner.output_key",
			"parameters", "action.pack", "action.uid", "context"}
	case first == "policytypes":
		return []string{"name", "resource_type"}
	case first == "actions", first == "actionalias", first == "policies", first == "sensortypes", first == "triggertypes":
		return []string{"pack", "name"}
	}
	return nil
}

// withMandatory adds the mandatory fields to an include list as st2's
// _validate_include_fields does: a field is skipped when its first part is
// already asked for whole, and "bar.foo" is dropped when "bar" is there.
func (c *reqCtx) withMandatory(inc []string) []string {
	if len(inc) == 0 {
		return inc
	}
	out := slices.Clone(inc)
	for _, f := range c.mandatoryFields() {
		if top, _, _ := strings.Cut(f, "."); slices.Contains(inc, top) || slices.Contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	whole := slices.Clone(out)
	return slices.DeleteFunc(out, func(f string) bool {
		parts := strings.Split(f, ".")
		for i := 1; i < len(parts); i++ {
			if slices.Contains(whole, strings.Join(parts[:i], ".")) {
				return true
			}
		}
		return false
	})
}

// checkLimit is st2's validate_limit_query_param: -1 means everything
// (admins only), 0 and below -1 are 400, above the maximum page size 403
// for non-admins. It returns the limit to apply, 0 for none.
func (c *reqCtx) checkLimit(l int, set bool) (int, error) {
	if !set && l == 0 {
		return 0, nil
	}
	switch {
	case l == -1:
		if !c.isAdmin() {
			return 0, errForbidden("Administrator access required to be able to specify limit=-1 and retrieve all the records")
		}
		return 0, nil
	case l <= -2:
		return 0, errBad("Limit, \"%d\" specified, must be a positive number.", l)
	case l == 0:
		return 0, errBad("Limit, \"%d\" specified, must be a positive number or -1 for full result set.", l)
	case l > c.s.cfg.maxPage && !c.isAdmin():
		return 0, errForbidden("Limit \"%d\" specified, maximum value is \"%d\"", l, c.s.cfg.maxPage)
	}
	return l, nil
}

func checkExclude(exc, valid []string) error {
	if valid == nil {
		return nil
	}
	for _, f := range exc {
		if !slices.Contains(valid, f) {
			return errBad("Invalid or unsupported exclude attribute specified: %s", f)
		}
	}
	return nil
}

// project copies d with only the include paths (plus id) or without the
// exclude paths.
func project(d doc, inc, exc []string) doc {
	if len(inc) == 0 {
		out := cloneDoc(d)
		for _, p := range exc {
			deletePath(out, p)
		}
		return out
	}
	out := doc{}
	if id, ok := d["id"]; ok {
		out["id"] = id
	}
	for _, p := range inc {
		if v, ok := lookup(d, p); ok {
			setPath(out, p, clone(v))
		}
	}
	return out
}

func setPath(d doc, path string, v any) {
	parts := strings.Split(path, ".")
	cur := d
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = v
}

func deletePath(d doc, path string) {
	parts := strings.Split(path, ".")
	cur := d
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return
		}
		cur = next
	}
	delete(cur, parts[len(parts)-1])
}

// sortDocs sorts by field paths ("-" prefix: descending), stably.
func sortDocs(items []doc, keys []string) {
	if len(keys) == 0 {
		return
	}
	slices.SortStableFunc(items, func(a, b doc) int {
		for _, k := range keys {
			desc := strings.HasPrefix(k, "-")
			k = strings.TrimPrefix(k, "-")
			av, _ := lookup(a, k)
			bv, _ := lookup(b, k)
			r := compareValues(av, bv)
			if desc {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return 0
	})
}

func compareValues(a, b any) int {
	switch x := a.(type) {
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp.Compare(boolInt(x), boolInt(y))
		}
	}
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// eqFilter keeps the items whose field equals the query parameter's
// value, when the parameter is given. Several comma-separated values
// match any of them when multi is true.
func (c *reqCtx) eqFilter(items []doc, param, field string, multi bool) []doc {
	v := c.q.Get(param)
	if v == "" {
		return items
	}
	want := []string{v}
	if multi {
		want = strings.Split(v, ",")
	}
	return slices.DeleteFunc(slices.Clone(items), func(d doc) bool {
		got, _ := lookup(d, field)
		return !slices.Contains(want, fmt.Sprint(got))
	})
}

// boolFilter keeps the items whose boolean field matches the query
// parameter, when it is given, read as st2's transform_to_bool reads the
// enabled filter of rules and sensors: 1, true or True, and 0, false or
// False. Anything else is a 400: unlike boolParam, it refuses yes and no.
func (c *reqCtx) boolFilter(items []doc, param, field string) ([]doc, error) {
	v := c.q.Get(param)
	var want bool
	switch v {
	case "":
		return items, nil
	case "1", "true", "True":
		want = true
	case "0", "false", "False":
	default:
		return nil, errBad("Invalid bool representation \"%s\" provided.", v)
	}
	return slices.DeleteFunc(slices.Clone(items), func(d doc) bool {
		got, _ := lookup(d, field)
		b, ok := got.(bool)
		return !ok || b != want
	}), nil
}

// one answers a single object, with include/exclude_attributes when
// declared.
func (c *reqCtx) one(d doc, projection bool) (int, any, error) {
	if !projection {
		return http.StatusOK, cloneDoc(d), nil
	}
	inc, exc := c.listParam("include_attributes"), c.listParam("exclude_attributes")
	if len(inc) > 0 && len(exc) > 0 {
		return 0, nil, errBad("exclude_fields and include_fields arguments are mutually exclusive. You need to provide either one or another, but not both.")
	}
	return http.StatusOK, project(d, c.withMandatory(inc), exc), nil
}
