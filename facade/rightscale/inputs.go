package rightscale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/facade"

	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// Inputs maps input names to values in RightScale's 2.0 notation, each
// value carrying its type prefix: build them with [Text], [Cred], [Env],
// [EnvOf], [Key], [KeyIn], [Array], or use [Inherit], [Ignore], [Blank].
type Inputs map[string]string

// Special input values.
const (
	// Inherit takes the value from the next level up (server template,
	// deployment...).
	Inherit = "inherit"
	// Ignore marks the input as absent, so that it inherits too.
	Ignore = "ignore"
	// Blank is the empty text value.
	Blank = "blank"
)

// Text is a plain text value ("text:<v>").
func Text(v string) string { return "text:" + v }

// Cred is the value of the credential named name ("cred:<NAME>").
func Cred(name string) string { return "cred:" + name }

// Env is an environment variable of the same server ("env:<VAR>").
func Env(variable string) string { return "env:" + variable }

// EnvOf is an environment variable of another server of the deployment
// ("env:<server>:<VAR>").
func EnvOf(server, variable string) string { return "env:" + server + ":" + variable }

// Key is the SSH key named name ("key:<name>").
func Key(name string) string { return "key:" + name }

// KeyIn is the SSH key named name in one cloud ("key:<name>:<cloud id>").
func KeyIn(name, cloudID string) string { return "key:" + name + ":" + cloudID }

// Array is a list of typed values ("array:[\"text:a\",\"cred:B\"]"); each
// element must itself carry a prefix.
func Array(values ...string) string {
	if values == nil {
		values = []string{}
	}
	b, _ := json.Marshal(values) // []string always encodes
	return "array:" + string(b)
}

// CheckInputValue reports a value the API would refuse: one without a
// known prefix, or an array whose elements are not typed values. The error
// is a *facade.ArgumentError (errors.Is facade.ErrValidation).
func CheckInputValue(v string) error {
	if reason := inputProblem(v); reason != "" {
		return &facade.ArgumentError{Platform: platform, Argument: "input value", Reason: reason}
	}
	return nil
}

// inputProblem says what is wrong with a 2.0 input value, "" if nothing.
func inputProblem(v string) string {
	switch v {
	case Inherit, Ignore, Blank:
		return ""
	}
	prefix, rest, ok := strings.Cut(v, ":")
	if !ok {
		return fmt.Sprintf("%q has no type prefix (text:, cred:, env:, key:, array:) and is not inherit, ignore or blank", v)
	}
	switch prefix {
	case "text":
		return ""
	case "cred", "env", "key":
		if rest == "" {
			return fmt.Sprintf("%q names nothing after the %s prefix", v, prefix)
		}
		return ""
	case "array":
		var items []string
		if err := json.Unmarshal([]byte(rest), &items); err != nil {
			return fmt.Sprintf("%q: array: must be followed by a JSON list of typed values, e.g. array:[\"text:a\"]", v)
		}
		for _, it := range items {
			if it == Inherit || it == Ignore || strings.HasPrefix(it, "array:") {
				return fmt.Sprintf("%q: array element %q must be a text, cred, env or key value", v, it)
			}
			if reason := inputProblem(it); reason != "" {
				return fmt.Sprintf("%q: %s", v, reason)
			}
		}
		return ""
	}
	return fmt.Sprintf("%q: unknown type prefix %q (want text, cred, env, key or array)", v, prefix)
}

// knownPrefix reports values that already say their type.
func knownPrefix(v string) bool {
	switch v {
	case Inherit, Ignore, Blank:
		return true
	}
	for _, p := range []string{"text:", "cred:", "env:", "key:", "array:"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// ParseInput reads "NAME=VALUE" as the CLI's -i takes it. A VALUE that
// starts with a type prefix (text:, cred:, env:, key:, array:) or is
// inherit, ignore or blank is kept as it is; any other VALUE is text, as
// python-rightscale sends every input ("text:" + VALUE). Write
// "text:env:x" for the text "env:x". Errors are *facade.ArgumentError.
func ParseInput(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", &facade.ArgumentError{Platform: platform, Argument: "input", Reason: fmt.Sprintf("%q is not NAME=VALUE", s)}
	}
	if !knownPrefix(value) {
		value = Text(value)
	}
	if reason := inputProblem(value); reason != "" {
		return "", "", &facade.ArgumentError{Platform: platform, Argument: "input " + name, Reason: reason}
	}
	return name, value, nil
}

// Check validates every value; the first bad one, by name, is a
// *facade.ArgumentError naming the input.
func (in Inputs) Check() error {
	for _, name := range slices.Sorted(maps.Keys(in)) {
		if name == "" {
			return &facade.ArgumentError{Platform: platform, Argument: "inputs", Reason: "an input has no name"}
		}
		if reason := inputProblem(in[name]); reason != "" {
			return &facade.ArgumentError{Platform: platform, Argument: "input " + name, Reason: reason}
		}
	}
	return nil
}

// wire is the 2.0 notation of the request bodies; no inputs leave the
// field out.
func (in Inputs) wire() (rightscaleapi.Inputs, error) {
	var out rightscaleapi.Inputs
	if len(in) == 0 {
		return out, nil
	}
	err := out.FromInputMap(rightscaleapi.InputMap(in))
	return out, err
}

// UpdateInputs sets inputs of an instance, a deployment or a server
// template (PUT <href>/inputs/multi_update, 2.0 notation).
func (c *Client) UpdateInputs(ctx context.Context, parentHref string, inputs Inputs) error {
	if len(inputs) == 0 {
		return &facade.ArgumentError{Platform: platform, Operation: "UpdateInputs", Argument: "inputs", Reason: "no input to set"}
	}
	if err := inputs.Check(); err != nil {
		return withOperation(err, "UpdateInputs")
	}
	in, err := inputs.wire()
	if err != nil {
		return err
	}
	_, err = c.send(ctx, "MultiUpdateInputs", http.MethodPut, under(parentHref, "inputs/multi_update"),
		rightscaleapi.MultiUpdateInput{Inputs: in})
	return err
}

// withOperation names the facade call on an argument error.
func withOperation(err error, op string) error {
	var ae *facade.ArgumentError
	if errors.As(err, &ae) && ae.Operation == "" {
		ae.Operation = op
	}
	return err
}
