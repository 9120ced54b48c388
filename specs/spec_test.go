package specs

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSpecsValidate loads every hand-written spec with kin-openapi and
// validates it: oapi-codegen never validates its input, so without this test
// a broken spec would only show up as odd generated code.
func TestSpecsValidate(t *testing.T) {
	// A platform with several services (st2: auth, api, stream) keeps one
	// spec per service in a subdirectory, so walk the whole tree.
	var specs []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "openapi.yaml" {
			specs = append(specs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) == 0 {
		t.Fatal("no specs found beside this test")
	}
	for _, path := range specs {
		t.Run(filepath.ToSlash(filepath.Dir(path)), func(t *testing.T) {
			loader := openapi3.NewLoader()
			loader.IsExternalRefsAllowed = false
			doc, err := loader.LoadFromFile(path)
			if err != nil {
				t.Fatalf("load %s: %v", path, err)
			}
			if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
				t.Fatalf("validate %s: %v", path, err)
			}
			for p, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					if op.OperationID == "" {
						t.Errorf("%s %s has no operationId", method, p)
					}
					if len(op.Responses.Map()) == 0 {
						t.Errorf("%s %s declares no responses", method, p)
					}
				}
			}
		})
	}
}
