package spacestudiotest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type tokenAnswer struct {
	Status  int
	Access  string `json:"access_token"`
	Refresh string `json:"refresh_token"`
	Expires int    `json:"expires_in"`
	Error   string `json:"error"`
}

func grant(t *testing.T, srv *spacestudiotest.Server, form url.Values) tokenAnswer {
	t.Helper()
	resp, err := http.PostForm(srv.TokenURL, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a tokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	a.Status = resp.StatusCode
	return a
}

func userInfo(t *testing.T, srv *spacestudiotest.Server, access string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/exoops/users/infos", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Access tokens expire on the server's clock; a refresh token gives a new
// pair once (Keycloak rotates them) and only until it expires itself.
func TestTokenLifecycle(t *testing.T) {
	clk := &testClock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	srv := spacestudiotest.NewServer(spacestudiotest.WithClock(clk.now), spacestudiotest.WithTokenLifetimes(time.Minute, 10*time.Minute))
	t.Cleanup(srv.Close)
	login := grant(t, srv, url.Values{"grant_type": {"password"}, "client_id": {srv.ClientID}, "username": {srv.Mail}, "password": {srv.Password}})
	if login.Status != 200 || login.Access == "" || login.Refresh == "" || login.Expires != 60 {
		t.Fatalf("login: %+v", login)
	}
	if code := userInfo(t, srv, login.Access); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	clk.advance(time.Minute)
	if code := userInfo(t, srv, login.Access); code != 401 {
		t.Fatalf("expired token: %d", code)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {srv.ClientID}, "refresh_token": {login.Refresh}}
	next := grant(t, srv, refresh)
	if next.Status != 200 || next.Access == login.Access || next.Refresh == login.Refresh {
		t.Fatalf("refresh: %+v", next)
	}
	if code := userInfo(t, srv, next.Access); code != 200 {
		t.Fatalf("refreshed token: %d", code)
	}
	if again := grant(t, srv, refresh); again.Status != 400 || again.Error != "invalid_grant" {
		t.Fatalf("reused refresh token: %+v", again)
	}
	clk.advance(10 * time.Minute)
	late := grant(t, srv, url.Values{"grant_type": {"refresh_token"}, "client_id": {srv.ClientID}, "refresh_token": {next.Refresh}})
	if late.Status != 400 || late.Error != "invalid_grant" {
		t.Fatalf("expired refresh token: %+v", late)
	}
	if s := srv.Stats(); s.PasswordGrants != 1 || s.RefreshGrants != 1 || s.Rejected != 1 {
		t.Fatalf("stats %+v", s)
	}
}
