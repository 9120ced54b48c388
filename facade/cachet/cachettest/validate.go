package cachettest

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// field is one attribute under validation: its name as Laravel shows it,
// its value (nil for null) and whether it is present at all (bus command
// properties always are; model attributes only when set).
type field struct {
	name    string
	value   any
	rules   string
	present bool
}

// f is a present attribute, the usual case (bus command properties).
func f(name string, value any, rules string) field {
	return field{name: name, value: value, rules: rules, present: true}
}

// validate runs Laravel 5.7's validator over the fields and returns the
// failure messages in order (attributes in rule order, then rules in
// order), or nil. Only the rules Cachet's API uses are implemented.
func validate(fields ...field) *httpError {
	var msgs []string
	byName := make(map[string]field, len(fields))
	for _, fl := range fields {
		byName[fl.name] = fl
	}
	for _, fl := range fields {
		rules := strings.Split(fl.rules, "|")
		nullable, numericRules, arrayRule := false, false, false
		for _, r := range rules {
			switch ruleName(r) {
			case "nullable":
				nullable = true
			case "int", "integer", "numeric":
				numericRules = true
			case "array":
				arrayRule = true
			}
		}
		for _, r := range rules {
			name, param := ruleName(r), ruleParam(r)
			implicit := name == "required" || name == "required_with"
			if name == "nullable" {
				continue
			}
			// Laravel's isValidatable: non-implicit rules skip absent
			// attributes, blank strings and (when nullable) nulls.
			if !implicit {
				if !fl.present {
					continue
				}
				if s, ok := fl.value.(string); ok && strings.TrimSpace(s) == "" {
					continue
				}
				if nullable && fl.value == nil {
					continue
				}
			}
			msg, ok := checkRule(name, param, fl, byName, numericRules, arrayRule)
			if ok {
				continue
			}
			msgs = append(msgs, msg)
			if implicit {
				break // shouldStopValidating after a failed implicit rule
			}
		}
	}
	if msgs == nil {
		return nil
	}
	return errValidation(msgs...)
}

func ruleName(r string) string {
	name, _, _ := strings.Cut(r, ":")
	return name
}

func ruleParam(r string) string {
	_, p, _ := strings.Cut(r, ":")
	return p
}

// display is Laravel's attribute name in messages: underscores become spaces.
func display(name string) string { return strings.ReplaceAll(name, "_", " ") }

// filled is Laravel's validateRequired.
func filled(v any, present bool) bool {
	if !present || v == nil {
		return false
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x) != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func checkRule(name, param string, fl field, all map[string]field, numericRules, arrayRule bool) (string, bool) {
	attr := display(fl.name)
	v := fl.value
	switch name {
	case "required":
		return "The " + attr + " field is required.", filled(v, fl.present)
	case "required_with":
		others := strings.Split(param, ",")
		anyFilled := false
		names := make([]string, len(others))
		for i, o := range others {
			names[i] = display(o)
			if of, ok := all[o]; ok && filled(of.value, of.present) {
				anyFilled = true
			}
		}
		ok := !anyFilled || filled(v, fl.present)
		return "The " + attr + " field is required when " + strings.Join(names, " / ") + " is present.", ok
	case "string":
		_, ok := v.(string)
		return "The " + attr + " must be a string.", ok
	case "int", "integer":
		return "The " + attr + " must be an integer.", isPHPInt(v)
	case "numeric":
		return "The " + attr + " must be a number.", isPHPNumeric(v)
	case "bool", "boolean":
		ok := false
		switch x := v.(type) {
		case bool:
			ok = true
		case int64:
			ok = x == 0 || x == 1
		case string:
			ok = x == "0" || x == "1"
		}
		return "The " + attr + " field must be true or false.", ok
	case "array":
		ok := false
		switch v.(type) {
		case []any, map[string]any:
			ok = true
		}
		return "The " + attr + " must be an array.", ok
	case "url":
		s, isStr := v.(string)
		u, err := url.Parse(s)
		ok := isStr && err == nil && u.Scheme != "" && u.Host != "" && !strings.ContainsAny(s, " \t\n")
		return "The " + attr + " format is invalid.", ok
	case "email":
		s, isStr := v.(string)
		ok := false
		if isStr {
			a, err := mail.ParseAddress(s)
			ok = err == nil && a.Address == s && a.Name == ""
		}
		return "The " + attr + " must be a valid email address.", ok
	case "in":
		s := phpString(v)
		for _, opt := range strings.Split(param, ",") {
			if s == opt {
				return "", true
			}
		}
		return "The selected " + attr + " is invalid.", false
	case "min", "max", "between":
		size := sizeOf(v, numericRules)
		kind := "string"
		switch {
		case numericRules:
			kind = "numeric"
		case arrayRule:
			kind = "array"
		}
		lo, hi, _ := strings.Cut(param, ",")
		var msg string
		var ok bool
		switch name {
		case "min":
			n, _ := strconv.ParseFloat(lo, 64)
			ok = size >= n
			msg = map[string]string{
				"numeric": "The " + attr + " must be at least " + lo + ".",
				"string":  "The " + attr + " must be at least " + lo + " characters.",
				"array":   "The " + attr + " must have at least " + lo + " items.",
			}[kind]
		case "max":
			n, _ := strconv.ParseFloat(lo, 64)
			ok = size <= n
			msg = map[string]string{
				"numeric": "The " + attr + " may not be greater than " + lo + ".",
				"string":  "The " + attr + " may not be greater than " + lo + " characters.",
				"array":   "The " + attr + " may not have more than " + lo + " items.",
			}[kind]
		default:
			a, _ := strconv.ParseFloat(lo, 64)
			b, _ := strconv.ParseFloat(hi, 64)
			ok = size >= a && size <= b
			msg = map[string]string{
				"numeric": "The " + attr + " must be between " + lo + " and " + hi + ".",
				"string":  "The " + attr + " must be between " + lo + " and " + hi + " characters.",
				"array":   "The " + attr + " must have between " + lo + " and " + hi + " items.",
			}[kind]
		}
		return msg, ok
	}
	return "", true
}

// sizeOf is Laravel's getSize: the number itself for numeric values of
// numeric attributes, the item count of arrays, else the string length.
func sizeOf(v any, numericRules bool) float64 {
	if numericRules {
		if n, ok := phpNumber(v); ok {
			return n
		}
	}
	switch x := v.(type) {
	case []any:
		return float64(len(x))
	case map[string]any:
		return float64(len(x))
	}
	return float64(utf8.RuneCountInString(phpString(v)))
}
