package cachetcmd

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

// What users see of an object is what the Cachet API itself would send:
// its snake_case field names, enums as numbers next to the server's
// status_name / human_status labels, and timestamps as "Y-m-d H:i:s". That
// way `-a status_name`, `-j` and scripts written against the API agree.
//
// The facade's domain types already carry the API's names as json tags;
// only their Go representations differ (time.Time, time.Duration, maps
// instead of []). Rather than one hand-written view struct per resource,
// apiView walks any facade value by reflection and converts those few
// types, and the derived table below adds the labels the API computes but
// the facade keeps as methods.

// apiLayout is how Cachet writes timestamps: "Y-m-d H:i:s", no zone.
const apiLayout = "2006-01-02 15:04:05"

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// derived adds, per facade type, the fields the API sends that the domain
// type leaves to a method or an enum's String.
var derived = map[reflect.Type]func(v reflect.Value, out map[string]any){
	reflect.TypeFor[cachet.Metric](): func(v reflect.Value, out map[string]any) {
		out["default_view_name"] = v.Interface().(cachet.Metric).DefaultView.String()
	},
}

// apiView converts a facade value (struct, pointer, slice) into maps,
// slices and scalars ready for the output package, with times in loc.
func apiView(v any, loc *time.Location) any {
	return convert(reflect.ValueOf(v), loc)
}

func convert(v reflect.Value, loc *time.Location) any {
	if !v.IsValid() {
		return nil
	}
	switch v.Type() {
	case timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return nil // the API's null, never "0001-01-01 00:00:00"
		}
		return t.In(loc).Format(apiLayout)
	case durationType:
		// The one duration, a metric's threshold, is in minutes on the wire.
		return int(v.Interface().(time.Duration) / time.Minute)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return convert(v.Elem(), loc)
	case reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, omitEmpty, ok := jsonName(f)
			if !ok || (omitEmpty && isEmpty(v.Field(i))) {
				continue
			}
			out[name] = convert(v.Field(i), loc)
		}
		if add := derived[v.Type()]; add != nil {
			add(v, out)
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = convert(v.Index(i), loc)
		}
		return out
	case reflect.Map:
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[fmt.Sprint(it.Key().Interface())] = convert(it.Value(), loc)
		}
		return out
	}
	// Scalars, enums included: encoding/json writes an enum as its number.
	return v.Interface()
}

// jsonName reads a field's json tag as encoding/json would; ok is false
// for fields encoding/json skips.
func jsonName(f reflect.StructField) (name string, omitEmpty, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,"), true
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}
