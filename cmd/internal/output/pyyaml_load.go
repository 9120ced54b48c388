package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	yaml "github.com/oasdiff/yaml3"
)

// PyYAMLToJSON reads a YAML document as PyYAML's yaml.safe_load reads it
// and returns the result as JSON, keys in document order: what st2's
// load_meta_file hands on for a .yaml or .yml file (st2 action create,
// key load, ...).
//
// PyYAML speaks YAML 1.1, where a plain scalar means more than in YAML
// 1.2: yes, no, on and off are booleans, 0777 is octal, 0b101 binary,
// 1:30 sexagesimal (90) and 1_000 an integer, while 1e3 (a float without a
// dot) stays a string. Aliases and merge keys (<<) are followed, and a
// duplicate key keeps its first place and its last value, as in a Python
// dict. What safe_load refuses (an unknown tag, a list as a key) and what
// it returns but JSON cannot carry (a timestamp, binary data, an infinite
// or NaN float, a structure that contains itself) is an error naming the
// line, where st2 would fail with a Python exception.
func PyYAMLToJSON(data []byte) ([]byte, error) { return pyYAMLToJSON(data, maxYAMLNodes) }

// pyYAMLToJSON is PyYAMLToJSON with budget as the bound on values.
func pyYAMLToJSON(data []byte, budget int) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 { // an empty document is None
		return []byte("null"), nil
	}
	l := yamlLoader{budget: budget, open: map[*yaml.Node]bool{}, merging: map[*yaml.Node]bool{}}
	v, err := l.value(&doc)
	if err != nil {
		return nil, err
	}
	return marshalNoHTML(v)
}

// maxYAMLNodes bounds the nodes a document may expand to through its
// aliases: a few lines of nested aliases can otherwise stand for billions
// of values.
const maxYAMLNodes = 1 << 20

var errYAMLTooLarge = errors.New("the YAML document expands to too many values through its aliases")

// yamlLoader is one PyYAMLToJSON conversion.
type yamlLoader struct {
	budget int
	// open holds the nodes being converted, so an alias to one of them (a
	// structure containing itself) is caught rather than followed forever;
	// merging does the same for the mappings whose merge keys are being
	// flattened.
	open, merging map[*yaml.Node]bool
}

// yamlError is a conversion failure at a node, located as yaml3 locates
// its own errors.
func yamlError(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("yaml: line %d: %s", n.Line, fmt.Sprintf(format, args...))
}

// value converts n into the generic form (see Normalize).
func (l *yamlLoader) value(n *yaml.Node) (any, error) {
	if l.budget--; l.budget < 0 {
		return nil, errYAMLTooLarge
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return l.value(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, yamlError(n, "unknown anchor %q", n.Value)
		}
		return l.value(n.Alias)
	case yaml.ScalarNode:
		return pyYAMLScalar(n)
	}
	if l.open[n] {
		return nil, yamlError(n, "the value contains itself through an alias, which JSON cannot express")
	}
	l.open[n] = true
	defer delete(l.open, n)
	switch n.Kind {
	case yaml.SequenceNode:
		if err := collectionTag(n, "!!seq"); err != nil {
			return nil, err
		}
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := l.value(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return l.mapping(n)
	}
	return nil, yamlError(n, "unexpected YAML node kind %d", n.Kind)
}

// mapping converts a mapping, its merge keys first (see mergedPairs).
func (l *yamlLoader) mapping(n *yaml.Node) (any, error) {
	if err := collectionTag(n, "!!map"); err != nil {
		return nil, err
	}
	pairs, err := l.mergedPairs(n)
	if err != nil {
		return nil, err
	}
	m := NewMap()
	for i := 0; i+1 < len(pairs); i += 2 {
		key, err := l.key(pairs[i])
		if err != nil {
			return nil, err
		}
		v, err := l.value(pairs[i+1])
		if err != nil {
			return nil, err
		}
		m.Set(key, v)
	}
	return m, nil
}

// mergedPairs returns n's key and value nodes with its merge keys
// replaced by the pairs they merge, in front of n's own pairs, as
// SafeConstructor.flatten_mapping orders them: of a list of merged
// mappings, the last one's pairs come first, so that the earlier ones and
// then n's own keys override them.
func (l *yamlLoader) mergedPairs(n *yaml.Node) ([]*yaml.Node, error) {
	if l.merging[n] {
		return nil, yamlError(n, "a merge key (<<) merges a mapping into itself")
	}
	l.merging[n] = true
	defer delete(l.merging, n)
	var merged, own []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMergeKey(k) {
			own = append(own, k, v)
			continue
		}
		v = deref(v)
		switch v.Kind {
		case yaml.MappingNode:
			pairs, err := l.mergedPairs(v)
			if err != nil {
				return nil, err
			}
			merged = append(merged, pairs...)
		case yaml.SequenceNode:
			var lists [][]*yaml.Node
			for _, sub := range v.Content {
				sub = deref(sub)
				if sub.Kind != yaml.MappingNode {
					return nil, yamlError(sub, "a merge key (<<) takes a mapping or a list of mappings")
				}
				pairs, err := l.mergedPairs(sub)
				if err != nil {
					return nil, err
				}
				lists = append(lists, pairs)
			}
			for i := len(lists) - 1; i >= 0; i-- {
				merged = append(merged, lists[i]...)
			}
		default:
			return nil, yamlError(v, "a merge key (<<) takes a mapping or a list of mappings")
		}
	}
	pairs := append(merged, own...)
	if l.budget -= len(pairs) / 2; l.budget < 0 {
		return nil, errYAMLTooLarge
	}
	return pairs, nil
}

// isMergeKey reports a << key: plain, or tagged !!merge.
func isMergeKey(k *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode {
		return false
	}
	if k.Style&yaml.TaggedStyle != 0 {
		return k.ShortTag() == "!!merge"
	}
	return k.Style == 0 && k.Value == "<<"
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// key returns a mapping key as json.dumps writes a dict key: a string
// as it is, true, false and null as those words, numbers as Python prints
// them. Lists and mappings cannot be keys of a Python dict.
func (l *yamlLoader) key(n *yaml.Node) (string, error) {
	if deref(n).Kind != yaml.ScalarNode {
		return "", yamlError(n, "a list or a mapping cannot be a key")
	}
	v, err := l.value(n)
	if err != nil {
		return "", err
	}
	switch k := v.(type) {
	case string:
		return k, nil
	case bool:
		return strconv.FormatBool(k), nil
	case nil:
		return "null", nil
	case json.Number:
		return k.String(), nil
	}
	return "", yamlError(n, "unsupported key %v", v)
}

// pyYAMLScalar is what SafeLoader makes of a scalar: a quoted or block
// scalar is a string, a tagged one follows its tag, and a plain one what
// PyYAML's implicit resolvers make of its text.
func pyYAMLScalar(n *yaml.Node) (any, error) {
	var tag string
	switch {
	case n.Style&yaml.TaggedStyle != 0:
		tag = n.ShortTag()
	case n.Style != 0:
		return n.Value, nil
	default:
		tag = pyYAMLResolve(n.Value)
	}
	switch tag {
	case "!!str":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "yes", "true", "on":
			return true, nil
		case "no", "false", "off":
			return false, nil
		}
		return nil, yamlError(n, "%q is not a boolean", n.Value)
	case "!!int":
		i, ok := pyYAMLInt(n.Value)
		if !ok {
			return nil, yamlError(n, "%q is not an integer", n.Value)
		}
		return json.Number(i.String()), nil
	case "!!float":
		f, ok := pyYAMLFloatValue(n.Value)
		switch {
		case !ok:
			return nil, yamlError(n, "%q is not a float", n.Value)
		case math.IsInf(f, 0) || math.IsNaN(f):
			return nil, yamlError(n, "%s has no JSON form", n.Value)
		}
		return json.Number(pyFloatRepr(f)), nil
	case "!!timestamp":
		return nil, yamlError(n, "%s is a timestamp, which has no JSON form (st2 fails on it too): quote it to send it as a string", n.Value)
	}
	return nil, unsupportedTag(n, tag)
}

// collectionTag refuses an explicit tag on a sequence or mapping other
// than its plain one (!!set, !!omap, a custom tag).
func collectionTag(n *yaml.Node, plain string) error {
	if n.Style&yaml.TaggedStyle != 0 && n.ShortTag() != plain {
		return unsupportedTag(n, n.Tag)
	}
	return nil
}

func unsupportedTag(n *yaml.Node, tag string) error {
	return yamlError(n, "the tag %s is not supported (safe_load would not build it into JSON data)", tag)
}

// pyYAMLResolve returns the tag PyYAML's resolver gives a plain scalar:
// the first of its implicit resolvers (the ones the dumper also consults,
// in their order) that matches, or !!str.
func pyYAMLResolve(s string) string {
	tags := [...]string{"!!bool", "!!float", "!!int", "!!merge", "!!null", "!!timestamp", "!!value", "!!yaml"}
	for i, re := range yamlImplicit() {
		if re.MatchString(s) {
			return tags[i]
		}
	}
	return "!!str"
}

// pyYAMLInt is SafeConstructor.construct_yaml_int.
func pyYAMLInt(s string) (*big.Int, bool) {
	s = strings.ReplaceAll(s, "_", "")
	neg, s := cutSign(s)
	if s == "" {
		return nil, false
	}
	i := new(big.Int)
	ok := true
	switch {
	case s == "0":
	case strings.HasPrefix(s, "0b"):
		_, ok = i.SetString(s[2:], 2)
	case strings.HasPrefix(s, "0x"):
		_, ok = i.SetString(s[2:], 16)
	case s[0] == '0':
		_, ok = i.SetString(s, 8)
	case strings.Contains(s, ":"):
		sixty := big.NewInt(60)
		for part := range strings.SplitSeq(s, ":") {
			d, good := new(big.Int).SetString(part, 10)
			if !good {
				return nil, false
			}
			i.Mul(i, sixty).Add(i, d)
		}
	default:
		_, ok = i.SetString(s, 10)
	}
	if !ok {
		return nil, false
	}
	if neg {
		i.Neg(i)
	}
	return i, true
}

// pyYAMLFloatValue is SafeConstructor.construct_yaml_float.
func pyYAMLFloatValue(s string) (float64, bool) {
	s = strings.ToLower(strings.ReplaceAll(s, "_", ""))
	sign := 1.0
	neg, s := cutSign(s)
	if neg {
		sign = -1
	}
	switch {
	case s == ".inf":
		return sign * math.Inf(1), true
	case s == ".nan":
		return math.NaN(), true
	case strings.Contains(s, ":"):
		v := 0.0
		for part := range strings.SplitSeq(s, ":") {
			d, err := strconv.ParseFloat(part, 64)
			if err != nil {
				return 0, false
			}
			v = v*60 + d
		}
		return sign * v, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.HasPrefix(s, "0x") {
		return 0, false
	}
	return sign * f, true
}

// cutSign removes one leading sign, as the constructors do, and reports
// whether it was a minus.
func cutSign(s string) (neg bool, rest string) {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return s[0] == '-', s[1:]
	}
	return false, s
}
