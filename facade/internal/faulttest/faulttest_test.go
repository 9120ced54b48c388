package faulttest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

// recorder collects what Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}

// TestCheckCatchesEveryBreach: each rule of Creates.Check fails when
// broken: a re-sent POST, more objects than the outcomes allow, a 2xx
// create answer reported without ErrOutcomeUnknown, and a fault mix that
// produced no definite failure.
func TestCheckCatchesEveryBreach(t *testing.T) {
	// Its made-up tallies are no figure of RESILIENCE.md.
	t.Setenv("SWITCHBOARD_RESILIENCE_OUT", "")
	unknown := &facade.DecodeError{Method: http.MethodPost, StatusCode: 200, OutcomeUnknown: true}
	lost := &facade.DecodeError{Method: http.MethodPost, StatusCode: 201}
	failed := &facade.APIError{StatusCode: 503}
	errs := []error{nil, nil, unknown, failed}
	good := CountCreates(len(errs), func(i int) error { return errs[i] })
	if good != (Creates{Calls: 4, Successes: 2, Unknown: 1, Failed: 1}) {
		t.Fatalf("sorted %+v", good)
	}
	withLost := CountCreates(2, func(i int) error { return []error{lost, failed}[i] })
	if withLost.Lost != 1 || !AnswerLost(lost) || AnswerLost(unknown) || !errors.Is(unknown, facade.ErrOutcomeUnknown) {
		t.Fatalf("lost answer not told apart: %+v", withLost)
	}
	for _, tc := range []struct {
		name string
		c    Creates
		f    CreateFigures
		want string // "" when Check must pass
	}{
		{"clean", good, CreateFigures{Posts: 4, Created: 3, WantUnknown: true}, ""},
		{"re-sent POST", good, CreateFigures{Posts: 5, Created: 3, WantUnknown: true}, "was retried"},
		{"too many created", good, CreateFigures{Posts: 4, Created: 4, WantUnknown: true}, "successes <= created"},
		{"fewer than successes", good, CreateFigures{Posts: 4, Created: 1, WantUnknown: true}, "successes <= created"},
		{"answer lost, not unknown", withLost, CreateFigures{Posts: 2, Created: 1}, "must match facade.ErrOutcomeUnknown"},
		{"no definite failure", Creates{Calls: 2, Successes: 1, Unknown: 1}, CreateFigures{Posts: 2, Created: 1, WantUnknown: true}, "should produce both"},
	} {
		r := &recorder{TB: t}
		tc.c.Check(r, tc.f)
		got := strings.Join(r.errs, "\n")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: Check reported %q, want %q", tc.name, got, tc.want)
		}
	}
}
