package shellquote

import "testing"

// TestQuoteIsShlexQuote: the cases were checked against Python 3.11's
// shlex.quote.
func TestQuoteIsShlexQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "''",
		"GET":                      "GET",
		"@%+=:,./-_azAZ09":         "@%+=:,./-_azAZ09",
		"http://h:9101/v1/actions": "http://h:9101/v1/actions",
		"http://h/a?x=1&y=2":       "'http://h/a?x=1&y=2'",
		"Accept: */*":              "'Accept: */*'",
		"it's":                     `'it'"'"'s'`,
		"é":                        "'é'",
		"a\nb":                     "'a\nb'",
		"$HOME":                    "'$HOME'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Join([]string{"st2", "run", "core.local", "cmd=echo hi"}); got != "st2 run core.local 'cmd=echo hi'" {
		t.Errorf("Join = %s", got)
	}
}
