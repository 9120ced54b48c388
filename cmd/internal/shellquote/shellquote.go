// Package shellquote writes words for a POSIX shell as Python's
// shlex.quote does, so that what Switchboard prints (the st2 drop-in's
// --debug curl lines, the goldens' command lines) reads back as it was
// and matches what st2's Python tools print. It compiles no regexp:
// the st2 binary starts faster without one at init.
package shellquote

import "strings"

// Quote returns s unchanged when it is made only of ASCII letters and
// digits and @%+=:,./-_ (no shell treats those specially), and otherwise
// in single quotes, each ' written '"'"'. The empty string becomes
// two single quotes.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// Join quotes each word and joins them with spaces.
func Join(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

func unsafe(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return false
	}
	return !strings.ContainsRune("@%+=:,./-_", r)
}
