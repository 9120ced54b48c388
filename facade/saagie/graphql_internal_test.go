package saagie

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
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
			got := parseIsQuery(&graphql.Request{Query: doc, OpName: m[2]})
			if got != (m[1] == "query") {
				t.Errorf("%s %s: parseIsQuery = %v", m[1], m[2], got)
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
		if got := parseIsQuery(&graphql.Request{Query: tc.doc, OpName: tc.op}); got != tc.want {
			t.Errorf("parseIsQuery(%q, %q) = %v, want %v", tc.doc, tc.op, got, tc.want)
		}
	}
}

// TestOperationBodyIsWhatJSONMarshalGives checks the body built from the
// cached head and tail against encoding/json's encoding of the whole
// request, byte for byte, for documents and variables that need escaping
// (HTML characters, control characters, invalid UTF-8, a nil pointer).
func TestOperationBodyIsWhatJSONMarshalGives(t *testing.T) {
	type input struct {
		ID    string   `json:"id"`
		Name  *string  `json:"name,omitempty"`
		Tags  []string `json:"tags"`
		Count int64    `json:"count"`
	}
	name := "<b>&\"quoted\"\u2028"
	docs := []string{
		"query GetProject($id: UUID!) {\n\tproject(id: $id) { id }\n}",
		"mutation M { a(x: \"<script>&amp;\") }",
		"query Q { a }\x00\x1f\xff",
	}
	vars := []any{
		nil,
		&input{ID: "p1", Tags: nil},
		&input{ID: "<&>", Name: &name, Tags: []string{"a\nb", "\xff"}, Count: -3},
		(*input)(nil),
		map[string]any{"z": 1, "a": []int{1, 2}},
		json.RawMessage(`{"raw": true}`),
	}
	var ops opCache
	for _, doc := range docs {
		for _, op := range []string{"GetProject", "", "<op>"} {
			for _, v := range vars {
				req := &graphql.Request{Query: doc, OpName: op, Variables: v}
				want, err := json.Marshal(req)
				if err != nil {
					t.Fatal(err)
				}
				for range 2 { // built, then from the cache
					got, err := ops.operation(req).body(req)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("body of %q %q %#v:\n got %s\nwant %s", doc, op, v, got, want)
					}
				}
			}
		}
	}
	// A value encoding/json refuses is an error, not a truncated body.
	req := &graphql.Request{Query: docs[0], OpName: "GetProject", Variables: map[string]any{"f": func() {}}}
	if got, err := ops.operation(req).body(req); err == nil {
		t.Errorf("unencodable variables gave %s", got)
	}
	// The failed encoding left nothing behind in the pooled buffer.
	req = &graphql.Request{Query: docs[0], OpName: "GetProject", Variables: &input{ID: "x"}}
	want, _ := json.Marshal(req)
	if got, _ := ops.operation(req).body(req); !bytes.Equal(got, want) {
		t.Errorf("after a failure: got %s, want %s", got, want)
	}
}

// TestOpCacheIsPerClientAndBounded checks that an operation's facts are
// built once per cache, that caches share nothing, and that a client sent
// ever new documents stops caching at maxCachedOps yet still answers.
func TestOpCacheIsPerClientAndBounded(t *testing.T) {
	var a, b opCache
	req := &graphql.Request{Query: "query Q { a }", OpName: "Q"}
	first := a.operation(req)
	if a.operation(req) != first {
		t.Error("the same operation was built twice by one cache")
	}
	if b.operation(req) == first {
		t.Error("two caches share an entry")
	}
	if !first.query {
		t.Error("query Q counted as a write")
	}

	var c opCache
	for i := range maxCachedOps {
		c.operation(&graphql.Request{Query: fmt.Sprintf("query Q%d { a }", i), OpName: fmt.Sprintf("Q%d", i)})
	}
	extra := &graphql.Request{Query: "mutation M { b }", OpName: "M"}
	info := c.operation(extra)
	if info.query {
		t.Error("a mutation past the bound counted as a query")
	}
	if got := c.len.Load(); got != maxCachedOps {
		t.Errorf("cache holds %d entries, want the bound %d", got, maxCachedOps)
	}
	if _, ok := c.ops.Load(opKey{extra.Query, extra.OpName}); ok {
		t.Error("an operation past the bound was cached")
	}
	want, _ := json.Marshal(extra)
	if got, err := info.body(extra); err != nil || !bytes.Equal(got, want) {
		t.Errorf("body past the bound: %s, %v; want %s", got, err, want)
	}
}

// TestJSONHeaderValueIsShared checks that the header value slice every
// request shares is still intact after the package's tests sent requests
// with it, and clipped so that an append copies it.
func TestJSONHeaderValueIsShared(t *testing.T) {
	if len(jsonValues) != 1 || cap(jsonValues) != 1 || jsonValues[0] != jsonContentType {
		t.Fatalf("jsonValues = %q (cap %d)", jsonValues, cap(jsonValues))
	}
}

// TestWrittenOutSelectionsMatchTheirFragments checks that the list
// operations which write a fragment's fields out (to be decoded in one
// pass) still select exactly what the fragment selects, so that a field
// added to one is not missing from the other. (The Go types must match
// too, or the converters shared through jobSource, pipelineSource and
// appSource would not compile.)
func TestWrittenOutSelectionsMatchTheirFragments(t *testing.T) {
	for _, tc := range []struct {
		fragment, fragmentDoc string
		list, listDoc         string
		path                  []string // to the objects of the list
		extra                 []string // fields the list selects beyond the fragment
	}{
		{"JobFields", gql.GetJob_Operation, "ListJobs", gql.ListJobs_Operation, []string{"jobs"}, []string{"versions", "instances"}},
		{"PipelineFields", gql.GetPipeline_Operation, "ListPipelines", gql.ListPipelines_Operation, []string{"project", "pipelines"}, []string{"versions", "instances"}},
		{"AppFields", gql.GetApp_Operation, "ListApps", gql.ListApps_Operation, []string{"project", "apps"}, []string{"versions"}},
	} {
		frag := parseDoc(t, tc.fragmentDoc).Fragments.ForName(tc.fragment)
		doc := parseDoc(t, tc.listDoc)
		if frag == nil || len(doc.Operations) != 1 {
			t.Fatalf("%s or %s not found", tc.fragment, tc.list)
		}
		set := doc.Operations[0].SelectionSet
		for _, name := range tc.path {
			var next ast.SelectionSet
			for _, s := range set {
				if f, ok := s.(*ast.Field); ok && f.Name == name {
					next = f.SelectionSet
				}
			}
			set = next
		}
		var own ast.SelectionSet
		for _, s := range set {
			if f, ok := s.(*ast.Field); ok && slices.Contains(tc.extra, f.Name) {
				continue
			}
			own = append(own, s)
		}
		if got, want := selectionText(own), selectionText(frag.SelectionSet); got != want {
			t.Errorf("%s selects\n %s\nbut %s selects\n %s", tc.list, got, tc.fragment, want)
		}
	}
}

func parseDoc(t *testing.T, src string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: src})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// selectionText writes a selection set out in one canonical line: field
// names with their arguments, nested sets, spreads and inline fragments.
func selectionText(set ast.SelectionSet) string {
	var b strings.Builder
	for i, s := range set {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch s := s.(type) {
		case *ast.Field:
			b.WriteString(s.Alias + ":" + s.Name)
			for _, a := range s.Arguments {
				b.WriteString("(" + a.Name + ":" + a.Value.String() + ")")
			}
			if len(s.SelectionSet) > 0 {
				b.WriteString("{" + selectionText(s.SelectionSet) + "}")
			}
		case *ast.FragmentSpread:
			b.WriteString("..." + s.Name)
		case *ast.InlineFragment:
			b.WriteString("...on " + s.TypeCondition + "{" + selectionText(s.SelectionSet) + "}")
		}
	}
	return b.String()
}
