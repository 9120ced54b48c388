package saagietest

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Introspection: saagieapi (through gql's fetch_schema_from_transport)
// sends the standard introspection query before its first document on each
// endpoint, so the emulator answers __schema and __type from the SDL.

func introspect(sch *ast.Schema, f *ast.Field, vars map[string]any) (any, error) {
	if f.Name == "__type" {
		name, _ := f.ArgumentMap(vars)["name"].(string)
		def := sch.Types[name]
		if def == nil {
			return nil, nil
		}
		return introType(sch, def), nil
	}
	return introSchema(sch), nil
}

func introSchema(sch *ast.Schema) *object {
	var types []*object
	for _, name := range sortedKeys(sch.Types) {
		types = append(types, introType(sch, sch.Types[name]))
	}
	var dirs []*object
	for _, name := range sortedKeys(sch.Directives) {
		d := sch.Directives[name]
		locs := make([]any, len(d.Locations))
		for i, l := range d.Locations {
			locs[i] = string(l)
		}
		dirs = append(dirs, obj("__Directive",
			"name", d.Name, "description", nilIfEmpty(d.Description),
			"locations", locs, "args", introArgs(sch, d.Arguments),
			"isRepeatable", d.IsRepeatable))
	}
	o := obj("__Schema", "description", nilIfEmpty(sch.Description), "types", types, "directives", dirs)
	if sch.Query != nil {
		o.set("queryType", introType(sch, sch.Query))
	}
	if sch.Mutation != nil {
		o.set("mutationType", introType(sch, sch.Mutation))
	}
	if sch.Subscription != nil {
		o.set("subscriptionType", introType(sch, sch.Subscription))
	}
	return o
}

// introType is a named type; its lists are resolvers so that recursive
// types are only expanded as deep as the query asks.
func introType(sch *ast.Schema, def *ast.Definition) *object {
	o := obj("__Type", "kind", string(def.Kind), "name", def.Name, "description", nilIfEmpty(def.Description))
	if def.Kind == ast.Scalar {
		o.set("specifiedByURL", nil)
	}
	o.set("fields", resolver(func(args map[string]any) (any, error) {
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		withDep, _ := args["includeDeprecated"].(bool)
		var out []*object
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			dep := f.Directives.ForName("deprecated")
			if dep != nil && !withDep {
				continue
			}
			out = append(out, obj("__Field",
				"name", f.Name, "description", nilIfEmpty(f.Description),
				"args", introArgs(sch, f.Arguments), "type", introTypeRef(sch, f.Type),
				"isDeprecated", dep != nil, "deprecationReason", deprecationReason(dep)))
		}
		return out, nil
	}))
	o.set("interfaces", resolver(func(map[string]any) (any, error) {
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		out := []*object{}
		for _, name := range def.Interfaces {
			out = append(out, introType(sch, sch.Types[name]))
		}
		return out, nil
	}))
	o.set("possibleTypes", resolver(func(map[string]any) (any, error) {
		if def.Kind != ast.Interface && def.Kind != ast.Union {
			return nil, nil
		}
		var out []*object
		for _, p := range sch.GetPossibleTypes(def) {
			out = append(out, introType(sch, p))
		}
		return out, nil
	}))
	o.set("enumValues", resolver(func(args map[string]any) (any, error) {
		if def.Kind != ast.Enum {
			return nil, nil
		}
		withDep, _ := args["includeDeprecated"].(bool)
		var out []*object
		for _, v := range def.EnumValues {
			dep := v.Directives.ForName("deprecated")
			if dep != nil && !withDep {
				continue
			}
			out = append(out, obj("__EnumValue", "name", v.Name, "description", nilIfEmpty(v.Description),
				"isDeprecated", dep != nil, "deprecationReason", deprecationReason(dep)))
		}
		return out, nil
	}))
	o.set("inputFields", resolver(func(map[string]any) (any, error) {
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		return introInputFields(sch, def.Fields), nil
	}))
	return o
}

func introArgs(sch *ast.Schema, args ast.ArgumentDefinitionList) []*object {
	out := []*object{}
	for _, a := range args {
		var def any
		if a.DefaultValue != nil {
			def = a.DefaultValue.String()
		}
		out = append(out, obj("__InputValue", "name", a.Name, "description", nilIfEmpty(a.Description),
			"type", introTypeRef(sch, a.Type), "defaultValue", def, "isDeprecated", false, "deprecationReason", nil))
	}
	return out
}

func introInputFields(sch *ast.Schema, fields ast.FieldList) []*object {
	out := []*object{}
	for _, f := range fields {
		var def any
		if f.DefaultValue != nil {
			def = f.DefaultValue.String()
		}
		out = append(out, obj("__InputValue", "name", f.Name, "description", nilIfEmpty(f.Description),
			"type", introTypeRef(sch, f.Type), "defaultValue", def, "isDeprecated", false, "deprecationReason", nil))
	}
	return out
}

// introTypeRef is a type reference: NON_NULL and LIST wrappers around a
// named type.
func introTypeRef(sch *ast.Schema, t *ast.Type) *object {
	if t.NonNull {
		inner := *t
		inner.NonNull = false
		return obj("__Type", "kind", "NON_NULL", "name", nil, "ofType", introTypeRef(sch, &inner))
	}
	if t.Elem != nil {
		return obj("__Type", "kind", "LIST", "name", nil, "ofType", introTypeRef(sch, t.Elem))
	}
	return introType(sch, sch.Types[t.NamedType])
}

func deprecationReason(d *ast.Directive) any {
	if d == nil {
		return nil
	}
	if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil {
		return a.Value.Raw
	}
	return "No longer supported"
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
