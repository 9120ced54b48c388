package rightscaletest

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SessionLifetime is how long a session cookie from POST /api/sessions
// lasts.
const SessionLifetime = 2 * time.Hour

// Exchanges returns how many access tokens the token exchange has issued,
// so tests can assert that a client refreshed once, not once per
// goroutine.
func (s *Server) Exchanges() int { return int(s.exchanges.Load()) }

// ExpireTokens expires every access token issued so far, as if their
// lifetime had passed: the next call with one is answered 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

// AccessToken issues an access token without going through the exchange
// (it is not counted by Exchanges), for tests of code that takes a ready
// bearer token.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue()
}

// issue mints an access token; the caller holds the lock. Expired tokens
// are forgotten on the way, so a long-running sandbox does not grow.
func (s *Server) issue() string {
	now := s.cfg.now()
	for t, exp := range s.tokens {
		if !now.Before(exp) && now.Sub(exp) > time.Hour {
			delete(s.tokens, t)
		}
	}
	tok := randomHex(32)
	s.tokens[tok] = now.Add(s.cfg.lifetime)
	return tok
}

// oauth2 is the refresh-token exchange: form or JSON body with
// grant_type=refresh_token and the refresh token. A wrong token is a 400
// in OAuth2's JSON error shape [INF: the real body is not documented].
func (c *reqCtx) oauth2() (*reply, *apiError) {
	grant, _ := c.p.str("grant_type")
	if grant != "refresh_token" {
		return nil, &apiError{status: http.StatusBadRequest, text: `{"error":"unsupported_grant_type","error_description":"grant_type must be refresh_token"}`, json: true}
	}
	tok, _ := c.p.str("refresh_token")
	if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(c.s.cfg.refresh)) != 1 {
		return nil, &apiError{status: http.StatusBadRequest, text: `{"error":"invalid_grant","error_description":"The refresh token is invalid, revoked, or belongs to an account on another shard"}`, json: true}
	}
	if acct, _ := c.p.str("account_id"); acct != "" && acct != strconv.Itoa(c.s.cfg.accountID) {
		return nil, &apiError{status: http.StatusBadRequest, text: `{"error":"invalid_grant","error_description":"The refresh token does not belong to this account"}`, json: true}
	}
	access := c.s.issue()
	c.s.exchanges.Add(1)
	return ok("", map[string]any{
		"access_token": access, "expires_in": int(c.s.cfg.lifetime / time.Second), "token_type": "bearer",
	})
}

// Sessions.

// collections the session resource links to: the top-level collections.
var sessionLinks = []string{"account_groups", "alert_specs", "alerts", "audit_entries", "backups",
	"child_accounts", "cloud_accounts", "clouds", "cookbook_attachments", "cookbooks", "credentials",
	"deployments", "identity_providers", "multi_cloud_images", "permissions", "placement_groups",
	"preferences", "publications", "repositories", "right_scripts", "server_arrays",
	"server_template_multi_cloud_images", "server_templates", "servers", "tags", "users"}

func (c *reqCtx) showSession() (*reply, *apiError) {
	view, err := c.view("default", "whoami")
	if err != nil {
		return nil, err
	}
	if view == "whoami" {
		return ok("session", map[string]any{
			"links": []link{{Rel: "self", Href: BasePath + "/sessions"}, {Rel: "account", Href: c.s.AccountHref()},
				{Rel: "user", Href: BasePath + "/users/" + strconv.Itoa(c.s.cfg.accountID+1)}},
		})
	}
	links := []link{{Rel: "self", Href: BasePath + "/sessions"}}
	for _, rel := range sessionLinks {
		links = append(links, link{Rel: rel, Href: BasePath + "/" + rel})
	}
	return ok("session", map[string]any{"message": "You have successfully logged into the RightScale API.", "links": links})
}

func (s *Server) renderAccount(view string) map[string]any {
	m := map[string]any{
		"name": s.cfg.account, "created_at": rubyTime(s.st.created), "updated_at": rubyTime(s.st.created),
		"links": []link{{Rel: "self", Href: s.AccountHref()},
			{Rel: "owner", Href: BasePath + "/users/" + strconv.Itoa(s.cfg.accountID+1)},
			{Rel: "cluster", Href: BasePath + "/clusters/3"}},
		"actions": actions(),
	}
	if view == "extended" {
		m["products"] = []string{"Cloud Management"}
		m["permissions"] = []string{"actor", "admin", "observer", "server_login", "designer"}
	}
	return m
}

func (c *reqCtx) sessionAccounts() (*reply, *apiError) {
	view, err := c.view("default", "extended")
	if err != nil {
		return nil, err
	}
	return okList("account", []map[string]any{c.s.renderAccount(view)})
}

func (c *reqCtx) showAccount() (*reply, *apiError) {
	id := c.pathID("id")
	if id != strconv.Itoa(c.s.cfg.accountID) {
		return nil, errNotFound("Account", id)
	}
	return ok("account", c.s.renderAccount("default"))
}

// createSession is the email/password login: 204 with the session
// cookies. The emulator has no users: it accepts the account's href with
// any email and the refresh token as password [a deliberate shortcut].
func (c *reqCtx) createSession() (*reply, *apiError) {
	email, _ := c.p.str("email")
	pw, _ := c.p.str("password")
	acct, _ := c.p.str("account_href")
	if email == "" || pw == "" || acct == "" {
		return nil, errParam("Missing parameter: email, password and account_href are required")
	}
	if acct != c.s.AccountHref() || subtle.ConstantTimeCompare([]byte(pw), []byte(c.s.cfg.refresh)) != 1 {
		return nil, errorf(http.StatusUnauthorized, "Unauthorized: wrong email, password or account")
	}
	tok := c.s.issue()
	// The cookie lives as long as a session, not an access token.
	c.s.tokens[tok] = c.s.cfg.now().Add(SessionLifetime)
	return &reply{status: http.StatusNoContent, cookies: []*http.Cookie{
		{Name: "_session_id", Value: tok, Path: "/", HttpOnly: true},
		{Name: "rs_gbl", Value: randomHex(16), Path: "/", HttpOnly: true},
	}}, nil
}

func (c *reqCtx) healthCheck() (*reply, *apiError) {
	return ok("", map[string]any{"status": "ok"})
}

// credential is how a request authenticates: a bearer token or a session
// cookie.
func credential(r *http.Request) (tok string, cookie bool) {
	if scheme, t, found := strings.Cut(r.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Bearer") {
		return t, false
	}
	if ck, err := r.Cookie("_session_id"); err == nil {
		return ck.Value, true
	}
	return "", false
}
