package st2test

import (
	"net/http"
	"time"
)

// issueToken records a new token. The caller holds the lock.
func (st *state) issueToken(user string, ttl time.Duration, now time.Time) doc {
	value := randomHex(16)
	t := &token{id: st.newID(now), user: user, expiry: now.Add(ttl), created: now}
	st.tokens[value] = t
	return doc{"id": t.id, "user": user, "token": value, "expiry": formatTime(t.expiry), "metadata": doc{}}
}

// createToken is POST /auth/v1/tokens: basic auth, optional {"ttl": n}.
func (st *state) createToken(c *reqCtx) (int, any, error) {
	user, pass, ok := basicAuth(c.r)
	want, known := st.users[user]
	if !ok || !known || !constantEq(pass, want) {
		return 0, nil, errf(http.StatusUnauthorized, "Invalid or missing credentials")
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"ttl": "integer|null", "user": "string", "token": "string", "expiry": "string", "metadata": "object", "id": "string"}, nil); err != nil {
		return 0, nil, err
	}
	ttl := st.s.cfg.tokenTTL
	if v, ok := in["ttl"]; ok && v != nil {
		n := num(v)
		if n < 1 {
			return 0, nil, errBad("%s is less than the minimum of 1", pyRepr(v))
		}
		asked := time.Duration(n) * time.Second
		if asked > st.s.cfg.tokenTTL {
			return 0, nil, errBad("TTL specified %d is greater than max allowed %d.", int64(n), int64(st.s.cfg.tokenTTL/time.Second))
		}
		ttl = asked
	}
	c.header.Set("X-API-URL", st.baseURL+APIPath)
	return http.StatusCreated, st.issueToken(user, ttl, c.now), nil
}

// validateToken is POST /auth/v1/tokens/validate.
func (st *state) validateToken(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, map[string]string{"token": "string"}, []string{"token"}); err != nil {
		return 0, nil, err
	}
	t, ok := st.tokens[str(in["token"])]
	return http.StatusOK, doc{"valid": ok && t.expiry.After(c.now)}, nil
}

func (st *state) root(c *reqCtx) (int, any, error) {
	return http.StatusOK, doc{"version": Version, "docs_url": "https://docs.stackstorm.com/" + "latest"}, nil
}

func (st *state) whoami(c *reqCtx) (int, any, error) {
	auth := doc{"method": c.authMethod, "location": c.authWhere}
	if c.tokenExpiry != "" {
		auth["token_expire"] = c.tokenExpiry
	}
	roles := []any{}
	if c.isAdmin() && st.s.cfg.rbac {
		roles = append(roles, "admin")
	}
	return http.StatusOK, doc{
		"username":       c.user,
		"authentication": auth,
		"rbac":           doc{"enabled": st.s.cfg.rbac, "roles": roles, "is_admin": c.isAdmin()},
	}, nil
}

// ---- API keys ----

func (st *state) apiKeyByHash(hash string) doc {
	for _, k := range st.apikeys.items {
		if k["key_hash"] == hash {
			return k
		}
	}
	return nil
}

// addAPIKey stores a key (only its hash) and returns the stored object.
func (st *state) addAPIKey(key, user string, metadata map[string]any, enabled bool, now time.Time) doc {
	id := st.newID(now)
	if metadata == nil {
		metadata = map[string]any{}
	}
	k := doc{
		"id": id, "uid": "api_key:" + hashKey(key), "user": user, "key_hash": hashKey(key),
		"metadata": metadata, "created_at": formatTime(now), "enabled": enabled,
	}
	st.apikeys.add(k)
	return k
}

func (st *state) apiKeyByPath(c *reqCtx) (doc, error) {
	v := c.r.PathValue("api_key_id_or_key")
	if k := st.apikeys.byID(v); k != nil {
		return k, nil
	}
	if k := st.apiKeyByHash(hashKey(v)); k != nil {
		return k, nil
	}
	return nil, errf(http.StatusNotFound, "ApiKey with key or id=%s not found.", v)
}

func (st *state) listAPIKeys(c *reqCtx) (int, any, error) {
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	items := make([]doc, 0, len(st.apikeys.items))
	for _, k := range st.apikeys.items {
		items = append(items, maskKeyHash(k, show))
	}
	return c.page(items, listSpec{defaultLimit: 50, offset: true})
}

// maskKeyHash hides key_hash as st2 does unless show_secrets.
func maskKeyHash(k doc, show bool) doc {
	out := cloneDoc(k)
	if !show {
		out["key_hash"] = "********"
	}
	return out
}

func (st *state) getAPIKey(c *reqCtx) (int, any, error) {
	k, err := st.apiKeyByPath(c)
	if err != nil {
		return 0, nil, err
	}
	show, err := c.showSecrets()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, maskKeyHash(k, show), nil
}

var apiKeyFields = map[string]string{
	"id": "string", "uid": "string", "user": "string", "key_hash": "string", "key": "string",
	"metadata": "object", "created_at": "string", "enabled": "boolean",
}

func (st *state) createAPIKey(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, apiKeyFields, nil); err != nil {
		return 0, nil, err
	}
	user := str(in["user"])
	if user == "" {
		user = c.user
	}
	enabled := true
	if b, ok := in["enabled"].(bool); ok {
		enabled = b
	}
	key := str(in["key"])
	if key == "" {
		key = randomHex(32)
	}
	if st.apiKeyByHash(hashKey(key)) != nil {
		return 0, nil, errConflict(str(st.apiKeyByHash(hashKey(key))["id"]), "key_hash")
	}
	k := st.addAPIKey(key, user, mapOf(in["metadata"]), enabled, c.now)
	out := maskKeyHash(k, false)
	out["key"] = key
	return http.StatusCreated, out, nil
}

func (st *state) updateAPIKey(c *reqCtx) (int, any, error) {
	k, err := st.apiKeyByPath(c)
	if err != nil {
		return 0, nil, err
	}
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, apiKeyFields, nil); err != nil {
		return 0, nil, err
	}
	if b, ok := in["enabled"].(bool); ok {
		k["enabled"] = b
	}
	if m := mapOf(in["metadata"]); m != nil {
		k["metadata"] = clone(m)
	}
	if u := str(in["user"]); u != "" {
		k["user"] = u
	}
	return http.StatusOK, maskKeyHash(k, false), nil
}

func (st *state) deleteAPIKey(c *reqCtx) (int, any, error) {
	k, err := st.apiKeyByPath(c)
	if err != nil {
		return 0, nil, err
	}
	st.apikeys.remove(str(k["id"]))
	return http.StatusNoContent, nil, nil
}
