package rightscaletest

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
)

// inputPrefixes are the type prefixes an input value may carry.
var inputPrefixes = []string{"text:", "cred:", "env:", "key:", "array:"}

// inputSentinels are the 2.0 values without a prefix.
var inputSentinels = []string{"inherit", "ignore", "blank"}

// checkInput validates one 2.0 input value: it must carry a type prefix
// or be one of the sentinels.
func checkInput(name, value string) *apiError {
	if slices.Contains(inputSentinels, value) {
		return nil
	}
	for _, p := range inputPrefixes {
		if strings.HasPrefix(value, p) {
			if p == "array:" {
				var items []string
				if err := json.Unmarshal([]byte(value[len(p):]), &items); err != nil {
					return errorf(422, "InvalidInput: input %s: array: needs a JSON array of typed values, e.g. array:[\"text:a\"]", name)
				}
				for _, it := range items {
					if err := checkInput(name, it); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	return errorf(422, "InvalidInput: input %s: the value must start with a type (text:, cred:, env:, key:, array:) or be inherit, ignore or blank", name)
}

// inputsParam reads the inputs of run_executable, launch and
// multi_update in either notation: 2.0, a hash {"NAME": "text:value"}; or
// 1.0, a list of {"name", "value"} where a value without a prefix is
// text and "" inherits. Values come back in 2.0 notation, sorted by name
// for the hash form (JSON objects have no order).
func (c *reqCtx) inputsParam() ([]nv, *apiError) {
	switch x := c.p["inputs"].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		sort.Strings(names)
		out := make([]nv, 0, len(x))
		for _, k := range names {
			v, ok := scalar(x[k])
			if !ok {
				return nil, errParam("Invalid input %s: the value must be a string", k)
			}
			if err := checkInput(k, v); err != nil {
				return nil, err
			}
			out = append(out, nv{k, v})
		}
		return out, nil
	case []any:
		out := make([]nv, 0, len(x))
		for _, e := range x {
			m, _ := e.(map[string]any)
			name, _ := scalar(m["name"])
			value, _ := scalar(m["value"])
			if name == "" {
				return nil, errParam("Invalid inputs: each input needs a name and a value")
			}
			switch {
			case value == "" || value == "$ignore" || value == "ignore:$ignore":
				value = "ignore"
			case slices.Contains(inputSentinels, value):
			case !hasPrefix(value):
				value = "text:" + value
			}
			if err := checkInput(name, value); err != nil {
				return nil, err
			}
			out = append(out, nv{name, value})
		}
		return out, nil
	}
	return nil, errParam("Invalid inputs: expected a hash of NAME: value or a list of {name, value}")
}

func hasPrefix(v string) bool {
	for _, p := range inputPrefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// mergeInputs sets each input of in on base (replacing one of the same
// name, appending new ones); "inherit" removes the input from base.
func mergeInputs(base, in []nv) []nv {
	out := slices.Clone(base)
	for _, i := range in {
		at := slices.IndexFunc(out, func(x nv) bool { return x.Name == i.Name })
		switch {
		case i.Value == "inherit" && at >= 0:
			out = append(out[:at], out[at+1:]...)
		case i.Value == "inherit":
		case at >= 0:
			out[at].Value = i.Value
		default:
			out = append(out, i)
		}
	}
	return out
}

// inputList renders inputs; the 1.0 view shows text values without
// their prefix ambiguity resolved the same way, so both notations show
// {name, value} pairs, the 1.0 one with "" for an ignored input.
func inputList(in []nv, v2 bool) []nv {
	out := make([]nv, 0, len(in))
	for _, i := range in {
		if !v2 && i.Value == "ignore" {
			i.Value = ""
		}
		out = append(out, i)
	}
	return out
}

// inputsOwner resolves the resource whose inputs an inputs route names.
func (c *reqCtx) inputsOwner(kind string) (*[]nv, *apiError) {
	switch kind {
	case "instance":
		x, err := c.instanceOf()
		if err != nil {
			return nil, err
		}
		return &x.inputs, nil
	case "deployment":
		id := c.pathID("deployment_id")
		d := c.s.st.deployments.get(id)
		if d == nil {
			return nil, errNotFound("Deployment", id)
		}
		return &d.inputs, nil
	default:
		id := c.pathID("server_template_id")
		t := c.s.st.templates.get(id)
		if t == nil {
			return nil, errNotFound("ServerTemplate", id)
		}
		return &t.inputs, nil
	}
}

// listInputs is Inputs#index (views default and inputs_2_0).
func listInputs(kind string) func(*reqCtx) (*reply, *apiError) {
	return func(c *reqCtx) (*reply, *apiError) {
		view, err := c.view("default", "inputs_2_0")
		if err != nil {
			return nil, err
		}
		in, err := c.inputsOwner(kind)
		if err != nil {
			return nil, err
		}
		return okList("input", inputList(*in, view == "inputs_2_0"))
	}
}

// multiUpdateInputs is Inputs#multi_update: 204.
func multiUpdateInputs(kind string) func(*reqCtx) (*reply, *apiError) {
	return func(c *reqCtx) (*reply, *apiError) {
		in, err := c.inputsOwner(kind)
		if err != nil {
			return nil, err
		}
		if c.p["inputs"] == nil {
			return nil, errParam("Missing parameter: inputs")
		}
		vals, err := c.inputsParam()
		if err != nil {
			return nil, err
		}
		*in = mergeInputs(*in, vals)
		return noContent()
	}
}
