package securitytest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type recorder struct{ reports []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.reports = append(r.reports, fmt.Sprintf(format, args...))
}

// TestAssertNoneCatchesEveryForm proves the scan can fail: each form a
// secret can leak in is reported, by name, without the value.
func TestAssertNoneCatchesEveryForm(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXBhcnQ"
	const pw = `p@ss w/"q"`
	for name, tc := range map[string]struct {
		text string
		s    secret
	}{
		"raw":           {"x " + pw, secret{"password", pw}},
		"query-escaped": {"?p=" + url.QueryEscape(pw), secret{"password", pw}},
		"JSON-escaped":  {`{"p":"p@ss w/\"q\""}`, secret{"password", pw}},
		"JWT signature": {"sig=c2lnbmF0dXJlLXBhcnQ", secret{"token", jwt}},
		"base64":        {"Basic " + base64.StdEncoding.EncodeToString([]byte(pw)), secret{"password", pw}},
	} {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			assertNone(r, map[string]string{"log": tc.text, "clean": "nothing"}, []secret{tc.s})
			if len(r.reports) == 0 || !strings.Contains(r.reports[0], "the "+tc.s.name) || !strings.Contains(r.reports[0], "in log") {
				t.Errorf("reports %q", r.reports)
			}
			for _, rep := range r.reports {
				if strings.Contains(rep, tc.s.value) {
					t.Errorf("a report shows the value: %q", rep)
				}
			}
		})
	}
	r := &recorder{}
	assertNone(r, map[string]string{"log": "all clear"}, []secret{{"password", pw}})
	if len(r.reports) != 0 {
		t.Errorf("false positive: %q", r.reports)
	}
}
