// Package golden compares command output with files under testdata, for
// the golden-output tests of every CLI package (the switchboard subtrees
// and the st2 drop-in), so each package does not grow its own copy.
// Subpackage transcript runs command lines in-process and writes what
// they did in the transcript format those goldens share.
package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with testdata/<name>.golden. With update set (each
// test package wires it to its own -update flag), it rewrites the file
// instead, so intended changes are reviewed as a diff of testdata.
func Check(t testing.TB, name, got string, update bool) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
