package saagie

import (
	"os"
	"regexp"
	"testing"

	"github.com/Khan/genqlient/graphql"
)

// TestIsQueryClassifiesEveryGeneratedOperation reads every operation
// genqlient generated and checks that exactly the queries are marked safe
// to repeat: a mutation marked so would be retried after a lost answer.
func TestIsQueryClassifiesEveryGeneratedOperation(t *testing.T) {
	re := regexp.MustCompile("(?s)_Operation = `\\s*(query|mutation|subscription) (\\w+)(.*?)`")
	queries, mutations := 0, 0
	for _, file := range []string{"../../gen/saagiegql/projectsgql/projectsgql.gen.go", "../../gen/saagiegql/gatewaygql/gatewaygql.gen.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			doc := m[1] + " " + m[2] + m[3]
			got := isQuery(&graphql.Request{Query: doc, OpName: m[2]})
			if got != (m[1] == "query") {
				t.Errorf("%s %s: isQuery = %v", m[1], m[2], got)
			}
			if m[1] == "query" {
				queries++
			} else {
				mutations++
			}
		}
	}
	if queries < 20 || mutations < 20 {
		t.Fatalf("found %d queries and %d mutations: the generated files changed shape", queries, mutations)
	}
	t.Logf("%d queries marked idempotent, %d mutations sent once", queries, mutations)

	for _, tc := range []struct {
		doc, op string
		want    bool
	}{
		{"{ projects { id } }", "", true},
		{"query A { a } mutation B { b }", "B", false},
		{"query A { a } mutation B { b }", "A", true},
		{"fragment F on Job { id } query A { job { ...F } }", "A", true},
		{"query A { a }", "Other", false}, // no such operation: treated as a write
		{"not graphql", "", false},
	} {
		if got := isQuery(&graphql.Request{Query: tc.doc, OpName: tc.op}); got != tc.want {
			t.Errorf("isQuery(%q, %q) = %v, want %v", tc.doc, tc.op, got, tc.want)
		}
	}
}
