package cachetcmd

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

// What users see of an object is what the Cachet API itself would send:
// its snake_case field names, enums as numbers next to the server's
// status_name / human_status labels, timestamps as "Y-m-d H:i:s" and
// floats with a decimal point ("120.0", as PHP writes them). That way
// `-a status_name`, `-j` and scripts written against the API agree.
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

// durationUnits are the wire units of the facade's durations, by API
// name: a metric's threshold counts minutes, an incident's duration
// seconds.
var durationUnits = map[string]time.Duration{
	"threshold": time.Minute,
	"duration":  time.Second,
}

// derived adjusts, per facade type, what the API sends differently from
// the domain type: fields the facade leaves to a method or an enum's
// String, nulls the facade reads as zero values, fields it fills in where
// the server sends none.
var derived = map[reflect.Type]func(v reflect.Value, out map[string]any){
	reflect.TypeFor[cachet.Metric](): func(v reflect.Value, out map[string]any) {
		out["default_view_name"] = v.Interface().(cachet.Metric).DefaultView.String()
	},
	reflect.TypeFor[cachet.Incident](): func(v reflect.Value, out map[string]any) {
		in := v.Interface().(cachet.Incident)
		if in.LatestUpdateID == 0 {
			out["latest_update_id"] = nil // no updates
		}
		if in.LatestIcon == "" {
			out["latest_icon"] = nil
		}
	},
	reflect.TypeFor[cachet.ComponentGroup](): func(_ reflect.Value, out map[string]any) {
		// The server embeds raw component rows, without tags (the facade
		// gives them an empty map).
		for _, row := range out["enabled_components"].([]any) {
			delete(row.(map[string]any), "tags")
		}
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
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return nil // the API's null, never "0001-01-01 00:00:00"
		}
		return t.In(loc).Format(apiLayout)
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
			f, fv := v.Type().Field(i), v.Field(i)
			name, omitEmpty, ok := jsonName(f)
			switch {
			case !ok || (omitEmpty && isEmpty(fv)):
			case f.Type == durationType:
				out[name] = int(fv.Interface().(time.Duration) / durationUnit(name))
			case f.Type.Kind() == reflect.Float64:
				// Typed fields only: numbers inside meta are the API's
				// own JSON and keep their form.
				out[name] = apiFloat(fv.Float())
			default:
				out[name] = convert(fv, loc)
			}
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

// durationUnit is the wire unit of the duration field name. A duration
// without one is a facade field this file does not know yet.
func durationUnit(name string) time.Duration {
	unit, ok := durationUnits[name]
	if !ok {
		panic("cachetcmd: no wire unit for the duration field " + name)
	}
	return unit
}

// apiFloat writes a float as a JSON number with at least one decimal,
// 120 as "120.0", which the output package renders as a float in every
// format, as Python (st2's formatters) and PHP (the API) both do.
func apiFloat(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f // not JSON; never read from the API
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return json.Number(s)
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
