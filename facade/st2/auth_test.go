package st2_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

func readCache(t *testing.T, dir, user string) (token string, exp float64, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(dir, "token-"+user)
	info, err := os.Stat(p)
	if err != nil {
		t.Fatalf("token cache: %v", err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Token           string  `json:"token"`
		ExpireTimestamp float64 `json:"expire_timestamp"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v.Token, v.ExpireTimestamp, info.Mode().Perm()
}

func TestLoginCachesTokenPrivately(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	c := newClient(t, srv, st2.Config{Username: srv.Username, Password: srv.Password, TokenCacheDir: dir})
	me, err := c.WhoAmI(t.Context())
	if err != nil || me.Username != srv.Username {
		t.Fatalf("WhoAmI: %+v %v", me, err)
	}
	tok, exp, mode := readCache(t, dir, srv.Username)
	if tok == "" || mode != 0o600 || exp < float64(time.Now().Add(time.Hour).Unix()) {
		t.Fatalf("cache: token %t, exp %v, mode %o", tok != "", exp, mode)
	}
	// A second client reuses the cached token: no password needed.
	c2 := newClient(t, srv, st2.Config{Username: srv.Username, TokenCacheDir: dir})
	if _, err := c2.WhoAmI(t.Context()); err != nil {
		t.Fatalf("cached token: %v", err)
	}
	got, err := c2.Token(t.Context())
	if err != nil || got.Value != tok {
		t.Fatalf("not the cached token: %v", err)
	}
}

func TestExpiredCacheIsRenewed(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	// A token that expires within the 15 s margin is not used.
	old := srv.Token(srv.Username, time.Hour)
	body, _ := json.Marshal(map[string]any{"token": old, "expire_timestamp": time.Now().Add(10 * time.Second).Unix()})
	if err := os.WriteFile(filepath.Join(dir, "token-"+srv.Username), body, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, st2.Config{Username: srv.Username, Password: srv.Password, TokenCacheDir: dir})
	tok, err := c.Token(t.Context())
	if err != nil || tok.Value == old {
		t.Fatalf("expected a new token: %v", err)
	}
	// Without a password an expired cache cannot be renewed.
	c2 := newClient(t, srv, st2.Config{Username: "someone", TokenCacheDir: t.TempDir()})
	if _, err := c2.WhoAmI(t.Context()); !errors.Is(err, st2.ErrNoPassword) {
		t.Fatalf("want ErrNoPassword, got %v", err)
	}
}

func TestRejectedTokenIsRenewedOnce(t *testing.T) {
	srv := newServer(t, st2test.WithTokenTTL(time.Hour))
	dir := t.TempDir()
	// A cached token the server does not know: 401, renew, retry.
	body, _ := json.Marshal(map[string]any{"token": "0123456789abcdef0123456789abcdef", "expire_timestamp": time.Now().Add(time.Hour).Unix()})
	if err := os.WriteFile(filepath.Join(dir, "token-"+srv.Username), body, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, st2.Config{Username: srv.Username, Password: srv.Password, TokenCacheDir: dir})
	if _, err := c.WhoAmI(t.Context()); err != nil {
		t.Fatalf("after renewal: %v", err)
	}
	if tok, _, _ := readCache(t, dir, srv.Username); tok == "0123456789abcdef0123456789abcdef" {
		t.Fatal("the cache still holds the rejected token")
	}
}

func TestBadCredentialsDoNotLeak(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, st2.Config{Username: srv.Username, Password: "wrong-password-xyz", TokenCacheDir: t.TempDir()})
	_, err := c.WhoAmI(t.Context())
	if !errors.Is(err, facade.ErrUnauthorized) {
		t.Fatalf("want 401, got %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Fatal("password in the error")
	}
	c2 := newClient(t, srv, st2.Config{APIKey: "not-a-real-key-123"})
	if _, err := c2.WhoAmI(t.Context()); !errors.Is(err, facade.ErrUnauthorized) || strings.Contains(err.Error(), "not-a-real-key-123") {
		t.Fatalf("bad key: %v", err)
	}
}
