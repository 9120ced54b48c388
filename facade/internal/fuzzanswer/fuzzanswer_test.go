package fuzzanswer

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

// recorder stands in for testing.T to see what CheckError reports; FailNow
// stops the check with a panic that check recovers, as the real one stops
// the test.
type recorder struct {
	testing.TB
	reports []string
	failed  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.reports = append(r.reports, fmt.Sprintf(format, args...))
	r.failed = true
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); r.FailNow() }
func (r *recorder) FailNow()                          { r.failed = true; panic(r) }
func (r *recorder) Failed() bool                      { return r.failed }

// check runs CheckError and returns its reports.
func check(t *testing.T, err error, secrets []string, allowed ...Allowed) (reports []string) {
	rec := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != rec {
				panic(p)
			}
		}()
		CheckError(rec, "Op", err, secrets, allowed...)
	}()
	return rec.reports
}

var errSentinel = errors.New("documented sentinel")

func TestCheckError(t *testing.T) {
	const secret = "s3cr3t-value"
	for _, tc := range []struct {
		name    string
		err     error
		allowed []Allowed
		want    string // "" = no report
	}{
		{"nil", nil, nil, ""},
		{"API error", &facade.APIError{StatusCode: 500, Message: "boom"}, nil, ""},
		{"undocumented", errors.New("plain"), nil, "undocumented type *errors.errorString"},
		{"allowed sentinel", fmt.Errorf("wrapped: %w", errSentinel), []Allowed{Is(errSentinel)}, ""},
		{"long message", errors.New(strings.Repeat("y", MaxError+1)), []Allowed{func(error) (Texts, bool) { return Texts{}, true }}, "error string of"},
		{"long field", &facade.APIError{Body: strings.Repeat("y", MaxError+1)}, nil, "error field of"},
		{"secret in message", &facade.APIError{Message: "token " + secret}, nil, "the secret 1 shows up in the Op error"},
		{"secret in body", &facade.APIError{Body: `{"t":"` + secret + `"}`}, nil, "the secret 1 shows up in the Op error field 2"},
		{"secret in whole text", errSentinel, []Allowed{func(error) (Texts, bool) { return Texts{Whole: []string{secret}}, true }}, "shows up in the Op error text 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reports := check(t, tc.err, []string{secret}, tc.allowed...)
			switch {
			case tc.want == "" && len(reports) > 0:
				t.Errorf("reports %q, want none", reports)
			case tc.want != "" && (len(reports) == 0 || !strings.Contains(reports[0], tc.want)):
				t.Errorf("reports %q, want one with %q", reports, tc.want)
			}
			for _, r := range reports {
				if strings.Contains(r, secret) {
					t.Errorf("a report shows the secret: %q", r)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	a := New(-3, "application/json", "x-one: 1\nbad line\n : no key\nX-Two:2", `{"a":"`+Big+`"}`)
	if a.Status < 200 || a.Status > 599 {
		t.Errorf("status %d is not a final status", a.Status)
	}
	if a.Header.Get("X-One") != "1" || a.Header.Get("X-Two") != "2" || a.Header.Get("Content-Type") != "application/json" || len(a.Header) != 3 {
		t.Errorf("header %v", a.Header)
	}
	if want := `{"a":"` + BigText + `"}`; string(a.Body) != want {
		t.Errorf("body of %d bytes, want %d (Big expanded)", len(a.Body), len(want))
	}
}

func TestTransportBudgetAndFixed(t *testing.T) {
	fixed := New(201, "", "", "fixed")
	rt := &Transport{Answer: New(404, "", "", "fuzzed"), Fixed: func(r *http.Request) *Answer {
		if r.URL.Path == "/login" {
			return &fixed
		}
		return nil
	}}
	get := func(path string) (int, error) {
		req, _ := http.NewRequest(http.MethodGet, "https://h.example"+path, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return 0, err
		}
		return resp.StatusCode, resp.Body.Close()
	}
	if _, err := get("/x"); err == nil {
		t.Fatal("the zero budget let a request through")
	}
	rt.Reset(2)
	if s, err := get("/login"); err != nil || s != 201 {
		t.Errorf("fixed answer: %d, %v", s, err)
	}
	if s, err := get("/x"); err != nil || s != 404 {
		t.Errorf("fuzzed answer: %d, %v", s, err)
	}
	if _, err := get("/x"); err == nil {
		t.Error("a request past the budget got an answer")
	}
}
