package saagietest

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/switchboard-go/switchboard/facade/internal/jsonenc"
)

// This file is a small GraphQL executor: it walks a validated operation's
// selection set over the emulator's in-memory objects, the way a real
// GraphQL server's engine does (graphql-java on Saagie): only the requested
// fields come back, under their aliases, with fragments and @skip/@include
// applied, a resolver's error nulls its field and is reported with the
// field's path, and a null in a non-null position bubbles up to the nearest
// nullable parent.

// object is a value of a GraphQL object type: its concrete type (for
// __typename and type conditions) and its fields. A field's value is
// either the value itself or a resolver taking the field's arguments.
type object struct {
	typ    string
	fields map[string]any
}

// resolver computes a field from its (coerced) arguments.
type resolver func(args map[string]any) (any, error)

// obj builds an object of type typ from alternating names and values.
func obj(typ string, kv ...any) *object {
	o := &object{typ: typ, fields: make(map[string]any, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		o.fields[kv[i].(string)] = kv[i+1]
	}
	return o
}

// set adds or replaces fields.
func (o *object) set(kv ...any) *object {
	for i := 0; i+1 < len(kv); i += 2 {
		o.fields[kv[i].(string)] = kv[i+1]
	}
	return o
}

// gqlError is an error a resolver returns: it becomes one entry of the
// response's errors, with the field's path and location added.
type gqlError struct {
	Message    string
	Extensions map[string]any
}

func (e *gqlError) Error() string { return e.Message }

// notValid is Saagie's validation error shape, as captured in its Gradle
// plugin's tests: {"message":"Job not valid","extensions":{"job":
// "NOT_EXISTS","classification":"ValidationError"}}.
func notValid(what string, kv ...string) *gqlError {
	ext := map[string]any{"classification": "ValidationError"}
	for i := 0; i+1 < len(kv); i += 2 {
		ext[kv[i]] = kv[i+1]
	}
	return &gqlError{Message: what + " not valid", Extensions: ext}
}

// notExists is the error for an unknown id: "<What> not valid" with
// {"<what>": "NOT_EXISTS"}.
func notExists(what string) *gqlError {
	return notValid(what, strings.ToLower(what[:1])+what[1:], "NOT_EXISTS")
}

// orderedMap is a JSON object that keeps the selection order, as GraphQL
// responses do.
type orderedMap struct {
	keys []string
	vals map[string]any
}

func newOrderedMap() *orderedMap { return &orderedMap{vals: map[string]any{}} }

func (m *orderedMap) put(k string, v any) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

// MarshalJSON writes the keys in selection order.
func (m *orderedMap) MarshalJSON() ([]byte, error) {
	return m.appendJSON(nil)
}

// appendJSON writes nested objects and lists itself: through json.Marshal
// each level's MarshalJSON output was scanned and copied again by every
// level above it. The leaves still go through json.Marshal, so the bytes
// are the same.
func (m *orderedMap) appendJSON(b []byte) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	for i, k := range m.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendValueJSON(b, m.vals[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendValueJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return jsonenc.AppendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) { // else json.Marshal's error
			return jsonenc.AppendFloat(b, x), nil
		}
	case *orderedMap:
		return x.appendJSON(b)
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValueJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	vb, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, vb...), nil
}

// executor runs one operation.
type executor struct {
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	errs   gqlerror.List
	// introspect answers __schema and __type; nil refuses them.
	introspect func(field *ast.Field) (any, error)
}

// run executes op over root (the Query or Mutation object) and returns the
// response's data (nil when a non-null root field failed).
func (e *executor) run(op *ast.OperationDefinition, root *object) any {
	data, ok := e.selectionSet(op.SelectionSet, root, nil)
	if !ok {
		return nil
	}
	return data
}

// collected is one response key and the fields merged under it.
type collected struct {
	key    string
	fields []*ast.Field
}

// collect gathers the fields of ss that apply to an object of type typ,
// merging fields with the same response key (CollectFields in the spec).
func (e *executor) collect(ss ast.SelectionSet, typ string, out []collected, seen map[string]bool) []collected {
	for _, sel := range ss {
		switch sel := sel.(type) {
		case *ast.Field:
			if !e.included(sel.Directives) {
				continue
			}
			key := sel.Alias
			if key == "" {
				key = sel.Name
			}
			found := false
			for i := range out {
				if out[i].key == key {
					out[i].fields = append(out[i].fields, sel)
					found = true
					break
				}
			}
			if !found {
				out = append(out, collected{key: key, fields: []*ast.Field{sel}})
			}
		case *ast.InlineFragment:
			if !e.included(sel.Directives) || !e.applies(sel.TypeCondition, typ) {
				continue
			}
			out = e.collect(sel.SelectionSet, typ, out, seen)
		case *ast.FragmentSpread:
			if !e.included(sel.Directives) || seen[sel.Name] {
				continue
			}
			frag := e.doc.Fragments.ForName(sel.Name)
			if frag == nil || !e.applies(frag.TypeCondition, typ) {
				continue
			}
			seen[sel.Name] = true
			out = e.collect(frag.SelectionSet, typ, out, seen)
		}
	}
	return out
}

// included applies @skip and @include.
func (e *executor) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil {
		if v, _ := d.ArgumentMap(e.vars)["if"].(bool); v {
			return false
		}
	}
	if d := dirs.ForName("include"); d != nil {
		if v, _ := d.ArgumentMap(e.vars)["if"].(bool); !v {
			return false
		}
	}
	return true
}

// applies reports whether a fragment on cond applies to an object of type
// typ: the same type, or an interface or union typ belongs to.
func (e *executor) applies(cond, typ string) bool {
	if cond == "" || cond == typ {
		return true
	}
	def := e.schema.Types[cond]
	if def == nil {
		return false
	}
	for _, p := range e.schema.GetPossibleTypes(def) {
		if p.Name == typ {
			return true
		}
	}
	return false
}

// selectionSet executes ss over o. ok is false when a non-null field
// turned out null, which makes the whole object null.
func (e *executor) selectionSet(ss ast.SelectionSet, o *object, path ast.Path) (*orderedMap, bool) {
	out := newOrderedMap()
	ok := true
	for _, c := range e.collect(ss, o.typ, nil, map[string]bool{}) {
		f := c.fields[0]
		fpath := appendPath(path, ast.PathName(c.key))
		if f.Name == "__typename" {
			out.put(c.key, o.typ)
			continue
		}
		var (
			val any
			err error
		)
		if (f.Name == "__schema" || f.Name == "__type") && len(path) == 0 {
			if e.introspect == nil {
				err = &gqlError{Message: "introspection is disabled"}
			} else {
				val, err = e.introspect(f)
			}
		} else {
			val, err = e.resolve(o, f)
		}
		if err != nil {
			e.addError(err, f, fpath)
			val = nil
		}
		v, vok := e.complete(f.Definition.Type, c.fields, val, fpath, err != nil)
		out.put(c.key, v)
		if !vok {
			ok = false
		}
	}
	return out, ok
}

// resolve reads field f of o.
func (e *executor) resolve(o *object, f *ast.Field) (any, error) {
	v, present := o.fields[f.Name]
	if !present {
		return nil, nil
	}
	if r, isResolver := v.(resolver); isResolver {
		return r(f.ArgumentMap(e.vars))
	}
	if r, isFunc := v.(func(map[string]any) (any, error)); isFunc {
		return r(f.ArgumentMap(e.vars))
	}
	return v, nil
}

// complete shapes val after the field's type. failed says the resolver
// already reported an error, so a null here needs no second one. ok is
// false when the value is null in a non-null position: the parent must
// then become null itself.
func (e *executor) complete(t *ast.Type, fields []*ast.Field, val any, path ast.Path, failed bool) (any, bool) {
	if !t.NonNull {
		v, _ := e.completeNullable(t, fields, val, path, failed)
		return v, true
	}
	inner := *t
	inner.NonNull = false
	v, reported := e.completeNullable(&inner, fields, val, path, failed)
	if v == nil {
		if !reported {
			e.errs = append(e.errs, &gqlerror.Error{
				Message: fmt.Sprintf("The field at path '/%s' was declared as a non null type, but the code involved in retrieving data has wrongly returned a null value.", pathString(path)),
				Path:    path,
				Extensions: map[string]any{
					"classification": "NullValueInNonNullableField",
				},
			})
		}
		return nil, false
	}
	return v, true
}

// completeNullable shapes val after a nullable type. reported says a null
// result was already explained by an error.
func (e *executor) completeNullable(t *ast.Type, fields []*ast.Field, val any, path ast.Path, failed bool) (any, bool) {
	if isNil(val) {
		return nil, failed
	}
	if t.Elem != nil {
		items := toList(val)
		out := make([]any, len(items))
		for i, item := range items {
			v, ok := e.complete(t.Elem, fields, item, appendPath(path, ast.PathIndex(i)), false)
			if !ok {
				return nil, true
			}
			out[i] = v
		}
		return out, false
	}
	def := e.schema.Types[t.NamedType]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return leaf(val), false
	}
	o, isObj := val.(*object)
	if !isObj {
		e.errs = append(e.errs, &gqlerror.Error{
			Message:    fmt.Sprintf("internal error: %s is not an object", pathString(path)),
			Path:       path,
			Extensions: map[string]any{"classification": "DataFetchingException"},
		})
		return nil, true
	}
	var ss ast.SelectionSet
	for _, f := range fields {
		ss = append(ss, f.SelectionSet...)
	}
	m, ok := e.selectionSet(ss, o, path)
	if !ok {
		return nil, true
	}
	return m, false
}

// addError records a resolver's error with the field's path and location.
func (e *executor) addError(err error, f *ast.Field, path ast.Path) {
	ge := &gqlerror.Error{Message: err.Error(), Path: path}
	if f.Position != nil {
		ge.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	if g, ok := err.(*gqlError); ok {
		ge.Extensions = g.Extensions
	} else {
		ge.Extensions = map[string]any{"classification": "DataFetchingException"}
	}
	e.errs = append(e.errs, ge)
}

func appendPath(p ast.Path, el ast.PathElement) ast.Path {
	out := make(ast.Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, el)
}

// pathString is graphql-java's path notation: a/b/0/c.
func pathString(p ast.Path) string {
	parts := make([]string, len(p))
	for i, el := range p {
		switch el := el.(type) {
		case ast.PathName:
			parts[i] = string(el)
		case ast.PathIndex:
			parts[i] = fmt.Sprint(int(el))
		}
	}
	return strings.Join(parts, "/")
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func:
		return rv.IsNil()
	}
	return false
}

// toList turns any slice into []any.
func toList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []*object:
		out := make([]any, len(v))
		for i, o := range v {
			out[i] = o
		}
		return out
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return []any{v} // input coercion of a single value, mirrored
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// leaf normalises a scalar for JSON.
func leaf(v any) any {
	switch v := v.(type) {
	case *string:
		return *v
	case *int:
		return *v
	case *bool:
		return *v
	case *float64:
		return *v
	}
	return v
}
