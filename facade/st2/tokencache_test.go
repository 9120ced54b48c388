package st2

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSaveToken: the cached token is where a client configured with that
// username reads it, private to the user; bad input is refused.
func TestSaveToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st2")
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	path, err := SaveToken(dir, Token{User: "ada", Value: "tok", Expiry: exp})
	if err != nil || path != filepath.Join(dir, "token-ada") {
		t.Fatalf("SaveToken: %q, %v", path, err)
	}
	got, ok := readTokenCache(path)
	if !ok || got.Value != "tok" || !got.Expiry.Equal(exp) {
		t.Errorf("read back %+v, %v", got, ok)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode: %v, %v", fi, err)
	}
	for _, bad := range []Token{{Value: "tok"}, {User: "ada"}, {User: "../x", Value: "tok"}} {
		if _, err := SaveToken(dir, bad); err == nil {
			t.Errorf("SaveToken(%+v): no error", bad)
		}
	}
}
