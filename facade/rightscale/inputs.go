package rightscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

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
// known prefix, or an array whose elements are not typed values.
func CheckInputValue(v string) error {
	switch v {
	case Inherit, Ignore, Blank:
		return nil
	}
	prefix, rest, ok := strings.Cut(v, ":")
	if !ok {
		return fmt.Errorf("rightscale: input value %q has no type prefix (text:, cred:, env:, key:, array:) and is not inherit, ignore or blank", v)
	}
	switch prefix {
	case "text":
		return nil
	case "cred", "env", "key":
		if rest == "" {
			return fmt.Errorf("rightscale: input value %q names nothing after the %s prefix", v, prefix)
		}
		return nil
	case "array":
		var items []string
		if err := json.Unmarshal([]byte(rest), &items); err != nil {
			return fmt.Errorf("rightscale: input value %q: array: must be followed by a JSON list of typed values", v)
		}
		for _, it := range items {
			if it == Inherit || it == Ignore || strings.HasPrefix(it, "array:") {
				return fmt.Errorf("rightscale: input value %q: array element %q must be a text, cred, env or key value", v, it)
			}
			if err := CheckInputValue(it); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("rightscale: input value %q: unknown type prefix %q (want text, cred, env, key or array)", v, prefix)
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
// "text:env:x" for the text "env:x".
func ParseInput(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("rightscale: input %q: want NAME=VALUE", s)
	}
	if !knownPrefix(value) {
		value = Text(value)
	}
	if err := CheckInputValue(value); err != nil {
		return "", "", err
	}
	return name, value, nil
}

// Check validates every value.
func (in Inputs) Check() error {
	for name, v := range in {
		if err := CheckInputValue(v); err != nil {
			return fmt.Errorf("input %s: %w", name, err)
		}
	}
	return nil
}

func (in Inputs) wire() rightscaleapi.InputMap {
	if len(in) == 0 {
		return nil
	}
	return rightscaleapi.InputMap(in)
}

// UpdateInputs sets inputs of an instance, a deployment or a server
// template (PUT <href>/inputs/multi_update, 2.0 notation).
func (c *Client) UpdateInputs(ctx context.Context, parentHref string, inputs Inputs) error {
	if err := inputs.Check(); err != nil {
		return err
	}
	_, err := c.send(ctx, "MultiUpdateInputs", http.MethodPut, under(parentHref, "inputs/multi_update"),
		rightscaleapi.MultiUpdateInput{Inputs: inputs.wire()})
	return err
}
