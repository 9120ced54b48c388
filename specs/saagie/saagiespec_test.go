package saagiespec

import (
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestOperationsValidate checks every operation document against the SDL of
// its endpoint with a real GraphQL validator, so a typo in a field name fails
// here rather than on a live platform (genqlient validates too, but only
// when someone regenerates).
func TestOperationsValidate(t *testing.T) {
	for _, c := range []struct{ dir, sdl string }{
		{"operations/projects", ProjectsSchema},
		{"operations/gateway", GatewaySchema},
	} {
		schema, err := gqlparser.LoadSchema(&ast.Source{Name: c.dir, Input: c.sdl})
		if err != nil {
			t.Fatalf("%s schema: %v", c.dir, err)
		}
		files, err := fs.Glob(Operations, c.dir+"/*.graphql")
		if err != nil || len(files) < 10 {
			t.Fatalf("%s: %d documents, %v", c.dir, len(files), err)
		}
		fragments, err := fs.ReadFile(Operations, path.Join(c.dir, "fragments.graphql"))
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, f := range files {
			if path.Base(f) == "fragments.graphql" {
				continue
			}
			body, err := fs.ReadFile(Operations, f)
			if err != nil {
				t.Fatal(err)
			}
			doc, errs := gqlparser.LoadQuery(schema, string(body)+"\n"+string(fragments))
			for _, e := range errs {
				if !strings.Contains(e.Message, "is never used") {
					t.Errorf("%s: %v", f, e)
				}
			}
			if doc == nil {
				continue
			}
			// One operation per file, named after the file, so the Go
			// function genqlient writes is findable from the document.
			if len(doc.Operations) != 1 || doc.Operations[0].Name+".graphql" != path.Base(f) {
				t.Errorf("%s: want exactly one operation named after the file", f)
				continue
			}
			if prev, dup := names[doc.Operations[0].Name]; dup {
				t.Errorf("%s and %s declare the same operation", prev, f)
			}
			names[doc.Operations[0].Name] = f
		}
	}
}

// TestSchemasAreSeparate guards the reason for two SDL files: the two
// endpoints give different meanings to the same type names.
func TestSchemasAreSeparate(t *testing.T) {
	p := gqlparser.MustLoadSchema(&ast.Source{Input: ProjectsSchema})
	g := gqlparser.MustLoadSchema(&ast.Source{Input: GatewaySchema})
	if p.Types["Technology"].Kind != ast.Object || g.Types["Technology"].Kind != ast.Interface {
		t.Fatal("Technology should be an object in Projects and an interface in the gateway")
	}
	if len(OpenAPI) == 0 {
		t.Fatal("openapi.yaml not embedded")
	}
}
