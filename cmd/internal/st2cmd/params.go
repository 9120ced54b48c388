package st2cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/switchboard-go/switchboard/facade/st2"
)

// ParamError is a `k=v` argument of `st2 run` that cannot be read as the
// type the action declares for k. It names the parameter, so the user can
// tell which of several arguments is wrong.
type ParamError struct {
	// Name is the parameter's name.
	Name string
	// Type is the declared type (integer, boolean, ...), or "" for a
	// problem that is not about the type (a file that cannot be read).
	Type string
	// Value is the text given.
	Value string
	// Reason says what is wrong.
	Reason string
}

// Error names the parameter, its type and the value.
func (e *ParamError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("parameter %q: %s", e.Name, e.Reason)
	}
	return fmt.Sprintf("parameter %q (%s): %q %s", e.Name, e.Type, e.Value, e.Reason)
}

// Params are parameter declarations by name: an action's parameters or
// a runner's runner_parameters.
type Params = map[string]st2.ParameterSpec

// ParamOptions tune ParseParameters.
type ParamOptions struct {
	// AutoDict is st2's --auto-dict: array items written "a:1" become one
	// object (typed by the parameter's properties).
	AutoDict bool
	// ActionRef is the action's ref; core.http reads @file arguments
	// specially, as st2 does.
	ActionRef string
	// ReadFile reads an @k=path argument; nil reads from the file system,
	// relative to the working directory.
	ReadFile func(path string) ([]byte, error)
}

// ParseParameters turns `st2 run` arguments into the parameters sent to
// the API, exactly as st2's CLI does:
//
//   - k=v splits at the first "="; the value is converted by the type the
//     runner's parameters declare for k, else the action's; unknown names
//     and untyped parameters stay strings.
//   - string as is; integer and number as numbers; boolean true or false
//     in any case; object JSON when it starts with "{", else a=1,b=2 pairs
//     (values stay strings); array: a lone integer is a one-element list,
//     else JSON if it parses, else comma-separated items, trimmed; k=v
//     repeated for an array appends.
//   - @k=path reads the file's text as the value of k (for core.http it
//     becomes the request body: file_content, file_name, method POST).
//   - the first argument without "=" and all after it, joined by spaces,
//     are the value of cmd.
//
// A value that does not fit its type is a *ParamError.
func ParseParameters(args []string, runnerParams, actionParams Params, opts ParamOptions) (map[string]any, error) {
	p := paramParser{runner: runnerParams, action: actionParams, opts: opts}
	if p.opts.ReadFile == nil {
		p.opts.ReadFile = readFile
	}
	result := map[string]any{}
	for i, arg := range args {
		k, v, ok := strings.Cut(arg, "=")
		if !ok {
			result["cmd"] = strings.Join(args[i:], " ")
			break
		}
		if name, isFile := strings.CutPrefix(k, "@"); isFile {
			if name == "" {
				return nil, &ParamError{Name: name, Reason: fmt.Sprintf("%q names no parameter before the \"=\"", arg)}
			}
			content, err := p.opts.ReadFile(v)
			if err != nil {
				return nil, &ParamError{Name: name, Reason: err.Error()}
			}
			if p.opts.ActionRef == "core.http" {
				result["_file_name"] = filepath.Base(v)
				result["file_content"] = string(content)
			} else {
				result[name] = string(content)
			}
			continue
		}
		if k == "" {
			return nil, &ParamError{Name: k, Reason: fmt.Sprintf("%q names no parameter before the \"=\"", arg)}
		}
		val, err := p.normalize(k, v, p.action)
		if err != nil {
			return nil, err
		}
		if prev, seen := result[k]; seen && p.typeOf(k, p.action) == "array" {
			if list, isList := prev.([]any); isList {
				if more, ok := val.([]any); ok {
					result[k] = append(list, more...)
					continue
				}
				result[k] = append(list, val)
				continue
			}
		}
		result[k] = val
	}
	if content, ok := result["file_content"]; ok && content != nil {
		if _, ok := result["method"]; !ok {
			result["method"] = "POST"
		}
		if _, ok := result["file_name"]; !ok {
			result["file_name"] = result["_file_name"]
		}
		delete(result, "_file_name")
	}
	return result, nil
}

func readFile(path string) ([]byte, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("file %q doesn't exist", abs)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a file", abs)
	}
	return os.ReadFile(abs)
}

type paramParser struct {
	runner, action Params
	opts           ParamOptions
}

// typeOf is st2's get_param_type: the runner's declaration wins over the
// action's (or, for nested items, over the object's properties).
func (p paramParser) typeOf(name string, params Params) string {
	if spec, ok := p.runner[name]; ok {
		return spec.Type
	}
	if spec, ok := params[name]; ok {
		return spec.Type
	}
	return ""
}

func (p paramParser) normalize(name, value string, params Params) (any, error) {
	typ := p.typeOf(name, params)
	bad := func(reason string) error { return &ParamError{Name: name, Type: typ, Value: value, Reason: reason} }
	switch typ {
	case "string":
		return value, nil
	case "integer":
		n, ok := parsePyInt(value)
		if !ok {
			return nil, bad("is not an integer")
		}
		return n, nil
	case "number":
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(value), "_", ""), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, bad("is not a number")
		}
		return f, nil
	case "boolean":
		switch strings.ToLower(value) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, bad("is not a boolean: valid values are true and false")
	case "object":
		if strings.HasPrefix(value, "{") {
			v, err := decodeJSON(value)
			if err != nil {
				return nil, bad("is not a JSON object: " + err.Error())
			}
			return v, nil
		}
		obj := map[string]any{}
		for pair := range strings.SplitSeq(value, ",") {
			if k, v, ok := strings.Cut(pair, "="); ok {
				obj[k] = v
			}
		}
		return obj, nil
	case "array":
		// As in st2, items become objects only for a parameter the
		// action itself declares.
		spec, declared := params[name]
		return p.array(name, value, spec.Properties, p.opts.AutoDict && declared)
	}
	return value, nil
}

// array is st2's transform_array.
func (p paramParser) array(name, value string, properties map[string]any, autoDict bool) (any, error) {
	var result any
	if n, ok := parsePyInt(value); ok {
		result = []any{n}
	} else if v, err := decodeJSON(value); err == nil {
		result = v
	} else {
		items := []any{}
		for item := range strings.SplitSeq(value, ",") {
			items = append(items, strings.TrimSpace(item))
		}
		result = items
	}
	list, isList := result.([]any)
	if !autoDict || !isList || len(list) == 0 {
		return result, nil
	}
	for _, item := range list {
		s, ok := item.(string)
		if !ok || !strings.Contains(s, ":") {
			return result, nil
		}
	}
	props := Params{}
	for k, v := range properties {
		raw, _ := json.Marshal(v)
		var spec st2.ParameterSpec
		if json.Unmarshal(raw, &spec) == nil {
			props[k] = spec
		}
	}
	obj := map[string]any{}
	for _, item := range list {
		parts := strings.Split(item.(string), ":")
		if len(parts) != 2 {
			return nil, &ParamError{Name: name, Type: "array", Value: value, Reason: fmt.Sprintf("item %q: with --auto-dict each item is key:value", item)}
		}
		k, v := parts[0], parts[1]
		if _, typed := props[k]; typed {
			nv, err := p.normalize(k, v, props)
			if err != nil {
				return nil, err
			}
			obj[k] = nv
		} else {
			obj[k] = v
		}
	}
	return []any{obj}, nil
}

// parsePyInt reads an integer as Python's int() does (surrounding
// whitespace, a sign, underscores between digits), of any size.
func parsePyInt(s string) (json.Number, bool) {
	s = strings.TrimSpace(s)
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || strings.HasPrefix(digits, "_") || strings.HasSuffix(digits, "_") || strings.Contains(digits, "__") {
		return "", false
	}
	n, ok := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 10)
	if !ok {
		return "", false
	}
	return json.Number(n.String()), true
}

// decodeJSON is json.loads: any JSON value, numbers kept as written.
func decodeJSON(s string) (any, error) {
	var raw json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
