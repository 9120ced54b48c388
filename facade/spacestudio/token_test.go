package spacestudio_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// An access token about to expire is renewed with the refresh token, before
// the server can reject it; once the refresh token has expired too, the
// client logs in again with the password.
func TestTokenRefreshBeforeExpiry(t *testing.T) {
	clk := newClock()
	srv, c := setup(t, []spacestudiotest.Option{
		spacestudiotest.WithClock(clk.now),
		spacestudiotest.WithTokenLifetimes(5*time.Minute, 30*time.Minute),
	}, spacestudio.WithClock(clk.now))
	ctx := context.Background()
	check(c.Orbits.All(ctx))(t)
	if s := srv.Stats(); s.PasswordGrants != 1 || s.RefreshGrants != 0 {
		t.Fatalf("after login: %+v", s)
	}
	clk.advance(4*time.Minute + 45*time.Second) // inside the 30 s margin
	check(c.Orbits.All(ctx))(t)
	if s := srv.Stats(); s.PasswordGrants != 1 || s.RefreshGrants != 1 || s.Rejected != 0 {
		t.Fatalf("after expiry: %+v", s)
	}
	clk.advance(2 * time.Hour) // the refresh token is dead as well
	check(c.Orbits.All(ctx))(t)
	if s := srv.Stats(); s.PasswordGrants != 2 || s.RefreshGrants != 1 || s.Rejected != 0 {
		t.Fatalf("after the session ended: %+v", s)
	}
}

// A token the server rejects (401) leads to one new login and one retry,
// for writes too.
func TestReloginOn401(t *testing.T) {
	srv, c := setup(t, nil)
	ctx := context.Background()
	srv.RevokeTokens()
	check(c.Orbits.Create(ctx, map[string]any{"name": "after revoke"}))(t)
	if s := srv.Stats(); s.PasswordGrants != 2 || s.Rejected != 1 {
		t.Fatalf("stats %+v", s)
	}
	check(c.Orbits.FindByName(ctx, "after revoke"))(t)
}

// 100 goroutines that find the token expired cause one renewal.
func TestOneRenewalForManyCallers(t *testing.T) {
	clk := newClock()
	srv, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithClock(clk.now)}, spacestudio.WithClock(clk.now))
	ctx := context.Background()
	clk.advance(10 * time.Minute)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Go(func() {
			_, err := c.Orbits.All(ctx)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if s := srv.Stats(); s.RefreshGrants+s.PasswordGrants != 2 || s.Rejected != 0 {
		t.Fatalf("want one login and one renewal, got %+v", s)
	}

	// Likewise after a rejection: 100 callers rejected with the same token
	// log in once.
	srv.RevokeTokens()
	errs = make(chan error, 100)
	for range 100 {
		wg.Go(func() {
			_, err := c.Orbits.All(ctx)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if s := srv.Stats(); s.PasswordGrants+s.RefreshGrants != 3 {
		t.Fatalf("want one more login after the revocation, got %+v", s)
	}
}

// A renewal that fails is reported to the caller as the login's own error.
func TestRenewalFailure(t *testing.T) {
	clk := newClock()
	srv, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithClock(clk.now)}, spacestudio.WithClock(clk.now))
	clk.advance(2 * time.Hour)
	// The refresh, then the password login, both fail.
	srv.FailNext(2, 503, "POST "+spacestudiotest.TokenPath)
	_, err := c.Orbits.All(context.Background())
	var apiErr *facade.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Operation != "Login" {
		t.Fatalf("got %v", err)
	}
	check(c.Orbits.All(context.Background()))(t) // the next call tries again
}

func writeEnv(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".env")
	var b []byte
	for _, l := range lines {
		b = append(b, l+"\n"...)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The environment wins over the .env file; the file fills the gaps.
func TestReadEnvPrecedence(t *testing.T) {
	path := writeEnv(t,
		"LOG_BASE_URL=https://file.example",
		"LOG_MAIL=file@example.com",
		"LOG_PASSWORD='from file'",
		"CLIENT_ID=file-client",
		"VERIFY_SSL_CERTIFICATE=FALSE",
	)
	env := map[string]string{"LOG_BASE_URL": "https://env.example", "CLIENT_ID": "env-client", "SPACESTUDIO_TOKEN_URL": "https://kc.example/token"}
	s, err := spacestudio.ReadEnv(func(k string) string { return env[k] }, path)
	if err != nil {
		t.Fatal(err)
	}
	want := spacestudio.Settings{BaseURL: "https://env.example", Mail: "file@example.com", Password: "from file",
		ClientID: "env-client", TokenURL: "https://kc.example/token", InsecureSkipVerify: true, File: path}
	if s != want {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
	// Only the exact string FALSE turns verification off.
	for _, v := range []string{"false", "False", "0", "no", ""} {
		s, _ := spacestudio.ReadEnv(func(k string) string {
			if k == "VERIFY_SSL_CERTIFICATE" {
				return v
			}
			return ""
		}, "")
		if s.InsecureSkipVerify {
			t.Errorf("VERIFY_SSL_CERTIFICATE=%q turned verification off", v)
		}
	}
	// An explicit file must exist; the default one may be absent.
	if _, err := spacestudio.ReadEnv(func(string) string { return "" }, filepath.Join(t.TempDir(), "missing.env")); err == nil {
		t.Error("a missing explicit .env file was accepted")
	}
	t.Chdir(t.TempDir())
	if _, err := spacestudio.ReadEnv(func(string) string { return "" }, spacestudio.DefaultEnvFile); err != nil {
		t.Errorf("a missing ./.env: %v", err)
	}
}

// ConnectFromEnv: real variables win over ./.env, which is read from the
// working directory.
func TestConnectFromEnv(t *testing.T) {
	srv := spacestudiotest.NewServer()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(".env", []byte("LOG_BASE_URL="+srv.URL+"\nLOG_MAIL="+srv.Mail+"\nLOG_PASSWORD=wrong\nCLIENT_ID="+srv.ClientID+"\nSPACESTUDIO_TOKEN_URL="+srv.TokenURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"LOG_BASE_URL", "LOG_MAIL", "CLIENT_ID", "SPACESTUDIO_TOKEN_URL", "VERIFY_SSL_CERTIFICATE"} {
		t.Setenv(k, "")
	}
	t.Setenv("LOG_PASSWORD", "")
	if _, err := spacestudio.ConnectFromEnv(context.Background()); !errors.Is(err, facade.ErrUnauthorized) {
		t.Fatalf("with the file's wrong password: %v", err)
	}
	t.Setenv("LOG_PASSWORD", srv.Password)
	c, err := spacestudio.ConnectFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID() != srv.UserID {
		t.Fatalf("user %q", c.UserID())
	}
	if _, err := spacestudio.ConnectFromEnv(context.Background(), spacestudio.WithEnvFile("")); !errors.Is(err, spacestudio.ErrNoBaseURL) {
		t.Fatalf("without a file: %v", err)
	}
}
