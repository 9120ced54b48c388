// Package binarytest builds a command as its users run it, for the tests
// of a main package that run the real process (exit codes, signals,
// output of the whole binary).
package binarytest

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// Build compiles the main package of the test's working directory (go
// test runs a package's tests there) into a temporary directory and
// returns the binary's path. It skips the test under -short.
func Build(t testing.TB, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
