package transcript

import (
	"regexp"
	"strings"
)

// Rule masks one kind of value that changes from run to run.
type Rule func(string) string

// loopbackRE finds the address of an emulator: the host is kept, the port
// is random.
var loopbackRE = regexp.MustCompile(`(127\.0\.0\.1|localhost):[0-9]+`)

// loopbackPorts replaces each digit of a loopback port with P, keeping
// its length so that table borders stay where they were (ephemeral ports
// have five digits on Linux and macOS).
func loopbackPorts(s string) string {
	return loopbackRE.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("P", len(port))
	})
}

// Mask replaces each match of re with as many copies of with as it has
// bytes, so that table borders stay where they were.
func Mask(re *regexp.Regexp, with string) Rule {
	return func(s string) string {
		return re.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat(with, len(m)) })
	}
}

// Replace replaces each match of re with repl, expanded as by
// regexp.ReplaceAllString: for values whose length changes too.
func Replace(re *regexp.Regexp, repl string) Rule {
	return func(s string) string { return re.ReplaceAllString(s, repl) }
}

// Literal replaces every occurrence of old with repl: for values a test
// knows, like its temporary folder.
func Literal(old, repl string) Rule {
	return func(s string) string { return strings.ReplaceAll(s, old, repl) }
}
