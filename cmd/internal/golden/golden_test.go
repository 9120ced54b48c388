package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder stands in for testing.T to see whether Check reports a mismatch.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	Check(t, "out", "hello\n", true)
	if b, err := os.ReadFile(filepath.Join("testdata", "out.golden")); err != nil || string(b) != "hello\n" {
		t.Fatalf("update wrote %q, %v", b, err)
	}
	same := &recorder{TB: t}
	Check(same, "out", "hello\n", false)
	if same.errors != 0 {
		t.Error("equal output reported as different")
	}
	differs := &recorder{TB: t}
	Check(differs, "out", "goodbye\n", false)
	if differs.errors != 1 {
		t.Errorf("different output: %d errors reported, want 1", differs.errors)
	}
}
