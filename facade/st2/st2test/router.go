package st2test

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// route is one operation of the three services.
type route struct {
	method string
	path   string // full public path, ServeMux pattern syntax
	auth   bool   // needs a token or API key
	handle func(c *reqCtx) (int, any, error)
	stream func(w http.ResponseWriter, r *http.Request, c *reqCtx) // served without the lock
}

// reqCtx is what a handler knows about its request. Handlers run with the
// server's lock held (stream handlers excepted).
type reqCtx struct {
	s      *Server
	st     *state
	r      *http.Request
	now    time.Time
	q      url.Values
	body   []byte
	header http.Header // extra response headers

	user        string // the authenticated user
	authMethod  string // "authentication token" or "api key"
	authWhere   string // "header", "query" or "cookie"
	tokenExpiry string
}

// textBody is a text/plain answer.
type textBody string

// rawJSON is an answer already encoded.
type rawJSON []byte

func (s *Server) routes() []*route {
	a, p := true, false
	r := func(method, path string, auth bool, h func(*reqCtx) (int, any, error)) *route {
		return &route{method: method, path: path, auth: auth, handle: h}
	}
	api := func(method, path string, h func(*reqCtx) (int, any, error)) *route {
		return r(method, APIPath+path, a, h)
	}
	st := s.st
	return []*route{
		r("POST", AuthPath+"/tokens", p, st.createToken),
		r("POST", AuthPath+"/tokens/validate", a, st.validateToken),
		r("GET", AuthPath+"/sso", p, st.ssoStatus),
		r("GET", AuthPath+"/sso/request", p, st.ssoRequest),
		r("POST", AuthPath+"/sso/callback", p, st.ssoCallback),

		r("GET", APIPath, a, st.root),
		api("GET", "/user", st.whoami),

		api("GET", "/actions", st.listActions),
		api("POST", "/actions", st.createAction),
		api("GET", "/actions/{ref_or_id}", st.getAction),
		api("PUT", "/actions/{ref_or_id}", st.updateAction),
		api("DELETE", "/actions/{ref_or_id}", st.deleteAction),
		api("POST", "/actions/{ref_or_id}/clone", st.cloneAction),
		api("GET", "/actions/views/parameters/{ref_or_id}", st.actionParametersView),
		api("GET", "/actions/views/overview", st.listActionsOverview),
		api("GET", "/actions/views/overview/{ref_or_id}", st.getActionOverview),
		api("GET", "/actions/views/entry_point/{ref_or_id}", st.actionEntryPoint),

		api("GET", "/actionalias", st.listAliases),
		api("POST", "/actionalias", st.createAlias),
		api("GET", "/actionalias/help", st.aliasHelp),
		api("POST", "/actionalias/match", st.aliasMatch),
		api("GET", "/actionalias/{ref_or_id}", st.getAlias),
		api("PUT", "/actionalias/{ref_or_id}", st.updateAlias),
		api("DELETE", "/actionalias/{ref_or_id}", st.deleteAlias),
		api("POST", "/aliasexecution", st.aliasExecute),
		api("POST", "/aliasexecution/match_and_execute", st.aliasMatchAndExecute),

		api("GET", "/apikeys", st.listAPIKeys),
		api("POST", "/apikeys", st.createAPIKey),
		api("GET", "/apikeys/{api_key_id_or_key}", st.getAPIKey),
		api("PUT", "/apikeys/{api_key_id_or_key}", st.updateAPIKey),
		api("DELETE", "/apikeys/{api_key_id_or_key}", st.deleteAPIKey),

		api("GET", "/executions", st.listExecutions),
		api("POST", "/executions", st.createExecution),
		api("GET", "/executions/views/filters", st.executionFilters),
		api("GET", "/executions/{id}", st.getExecution),
		api("PUT", "/executions/{id}", st.updateExecution),
		api("DELETE", "/executions/{id}", st.cancelExecution),
		api("POST", "/executions/{id}/re_run", st.reRunExecution),
		api("GET", "/executions/{id}/output", st.executionOutput),
		api("GET", "/executions/{id}/result", st.executionResult),
		api("GET", "/executions/{id}/attribute/{attribute}", st.executionAttribute),
		api("GET", "/executions/{id}/children", st.executionChildren),

		api("GET", "/inquiries", st.listInquiries),
		api("GET", "/inquiries/{inquiry_id}", st.getInquiry),
		api("PUT", "/inquiries/{inquiry_id}", st.respondInquiry),

		api("GET", "/keys", st.listKeys),
		api("GET", "/keys/{name}", st.getKey),
		api("PUT", "/keys/{name}", st.putKey),
		api("DELETE", "/keys/{name}", st.deleteKey),

		api("GET", "/packs", st.listPacks),
		api("GET", "/packs/{ref_or_id}", st.getPack),
		api("POST", "/packs/install", st.installPacks),
		api("POST", "/packs/uninstall", st.uninstallPacks),
		api("POST", "/packs/register", st.registerPacks),
		api("GET", "/packs/index", st.getPackIndex),
		api("POST", "/packs/index/search", st.searchPackIndex),
		api("GET", "/packs/index/health", st.getPackIndexHealth),
		api("GET", "/packs/views/files/{ref_or_id}", st.packFiles),
		api("GET", "/packs/views/file/{ref_or_id}/{file_path...}", st.packFile),
		api("GET", "/configs", st.listConfigs),
		api("GET", "/configs/{pack_ref}", st.getConfig),
		api("PUT", "/configs/{pack_ref}", st.putConfig),
		api("GET", "/config_schemas", st.listConfigSchemas),
		api("GET", "/config_schemas/{pack_ref}", st.getConfigSchema),

		api("GET", "/policies", st.listPolicies),
		api("POST", "/policies", st.createPolicy),
		api("GET", "/policies/{ref_or_id}", st.getPolicy),
		api("PUT", "/policies/{ref_or_id}", st.updatePolicy),
		api("DELETE", "/policies/{ref_or_id}", st.deletePolicy),
		api("GET", "/policytypes", st.listPolicyTypes),
		api("GET", "/policytypes/{ref_or_id}", st.getPolicyType),

		api("GET", "/rules", st.listRules),
		api("POST", "/rules", st.createRule),
		api("GET", "/rules/views", st.listRuleViews),
		api("GET", "/rules/views/{ref_or_id}", st.getRuleView),
		api("GET", "/rules/{ref_or_id}", st.getRule),
		api("PUT", "/rules/{ref_or_id}", st.updateRule),
		api("DELETE", "/rules/{ref_or_id}", st.deleteRule),
		api("GET", "/ruletypes", st.listRuleTypes),
		api("GET", "/ruletypes/{id}", st.getRuleType),
		api("GET", "/ruleenforcements", st.listRuleEnforcements),
		api("GET", "/ruleenforcements/views", st.listRuleEnforcementViews),
		api("GET", "/ruleenforcements/{id}", st.getRuleEnforcement),
		api("GET", "/ruleenforcements/views/{id}", st.getRuleEnforcementView),

		api("GET", "/rbac/permission_types", st.listPermissionTypes),
		api("GET", "/rbac/permission_types/{resource_type}", st.getPermissionTypes),
		api("GET", "/rbac/roles", st.listRoles),
		api("GET", "/rbac/roles/{name_or_id}", st.getRole),
		api("GET", "/rbac/role_assignments", st.listRoleAssignments),
		api("GET", "/rbac/role_assignments/{id}", st.getRoleAssignment),
		api("GET", "/service_registry/groups", st.listServiceRegistryGroups),
		api("GET", "/service_registry/groups/{group_id}/members", st.listServiceRegistryMembers),
		api("GET", "/timers", st.listTimers),
		api("GET", "/timers/{ref_or_id}", st.getTimer),
		api("GET", "/traces", st.listTraces),
		api("GET", "/traces/{id}", st.getTrace),
		api("POST", "/workflows/inspect", st.inspectWorkflow),

		api("GET", "/runnertypes", st.listRunners),
		api("GET", "/runnertypes/{name_or_id}", st.getRunner),
		api("PUT", "/runnertypes/{name_or_id}", st.updateRunner),

		api("GET", "/sensortypes", st.listSensors),
		api("GET", "/sensortypes/{ref_or_id}", st.getSensor),
		api("PUT", "/sensortypes/{ref_or_id}", st.updateSensor),

		api("GET", "/triggertypes", st.listTriggerTypes),
		api("POST", "/triggertypes", st.createTriggerType),
		api("GET", "/triggertypes/{ref_or_id}", st.getTriggerType),
		api("PUT", "/triggertypes/{ref_or_id}", st.updateTriggerType),
		api("DELETE", "/triggertypes/{ref_or_id}", st.deleteTriggerType),
		api("GET", "/triggers", st.listTriggers),
		api("POST", "/triggers", st.createTrigger),
		api("GET", "/triggers/{trigger_id}", st.getTrigger),
		api("PUT", "/triggers/{trigger_id}", st.updateTrigger),
		api("DELETE", "/triggers/{trigger_id}", st.deleteTrigger),
		api("GET", "/triggerinstances", st.listTriggerInstances),
		api("GET", "/triggerinstances/{instance_id}", st.getTriggerInstance),
		api("POST", "/triggerinstances/{instance_id}/re_emit", st.reEmitTriggerInstance),

		api("GET", "/webhooks", st.listWebhooks),
		api("GET", "/webhooks/{url}", st.getWebhook),
		api("POST", "/webhooks/{url...}", st.postWebhook),

		{method: "GET", path: StreamPath + "/stream", auth: true, stream: s.serveStream},
		{method: "GET", path: StreamPath + "/executions/{id}/output", auth: true, stream: s.serveOutputStream},
	}
}

func (s *Server) newHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.path, s.serveRoute(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, errNoRoute) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-ID", newUUID())
		// The st2 router strips one trailing slash before matching.
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimSuffix(p, "/")
			r2.URL.RawPath = ""
			r = r2
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) serveRoute(rt *route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &reqCtx{s: s, st: s.st, r: r, q: r.URL.Query(), header: make(http.Header)}
		if r.Body != nil {
			b, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
			if err != nil {
				writeError(w, errBad("Failed to read request body: %v", err))
				return
			}
			c.body = b
		}
		if rt.stream != nil {
			s.mu.Lock()
			c.now = s.now()
			err := s.authenticate(c)
			s.mu.Unlock()
			if err != nil {
				writeError(w, err.(*apiError))
				return
			}
			rt.stream(w, r, c)
			return
		}
		s.mu.Lock()
		c.now = s.now()
		s.st.advance(c.now)
		status, body, herr := s.handle(rt, c)
		var out []byte
		ctype := "application/json"
		if herr == nil {
			switch b := body.(type) {
			case nil:
			case textBody:
				out, ctype = []byte(b), "text/plain"
			case rawJSON:
				out = b
			default:
				var merr error
				if out, merr = encodeJSON(b); merr != nil {
					herr = errInternal
				}
			}
		}
		s.mu.Unlock()
		for k, v := range c.header {
			w.Header()[k] = v
		}
		if herr != nil {
			e, ok := herr.(*apiError)
			if !ok {
				e = errInternal
			}
			writeError(w, e)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeBytes(w, status, ctype, out)
	}
}

func (s *Server) handle(rt *route, c *reqCtx) (int, any, error) {
	if rt.auth {
		if err := s.authenticate(c); err != nil {
			return 0, nil, err
		}
	}
	return rt.handle(c)
}

// authenticate finds the caller's credential the way st2's router does:
// the first scheme present decides (token header, key header, token
// query, key query, token cookie), and a bad one is a 401 even when a
// good one of another scheme follows. The caller holds the lock.
func (s *Server) authenticate(c *reqCtx) error {
	r := c.r
	type source struct {
		kind, where, value string
	}
	var found *source
	cands := []source{
		{"token", "header", r.Header.Get("X-Auth-Token")},
		{"key", "header", r.Header.Get("St2-Api-Key")},
		{"token", "query", c.q.Get("x-auth-token")},
		{"key", "query", c.q.Get("st2-api-key")},
	}
	if ck, err := r.Cookie("auth-token"); err == nil {
		cands = append(cands, source{"token", "cookie", ck.Value})
	}
	for i := range cands {
		if cands[i].value != "" {
			found = &cands[i]
			break
		}
	}
	if found == nil {
		return errNoCredential
	}
	c.authWhere = found.where
	if found.kind == "token" {
		tok, ok := s.st.tokens[found.value]
		if !ok {
			return errf(http.StatusUnauthorized, "Unauthorized")
		}
		if !tok.expiry.After(c.now) {
			return errf(http.StatusUnauthorized, "Unauthorized - Token has expired.")
		}
		c.user, c.authMethod, c.tokenExpiry = tok.user, "authentication token", formatTime(tok.expiry)
		return nil
	}
	hash := hashKey(found.value)
	k := s.st.apiKeyByHash(hash)
	if k == nil {
		return errf(http.StatusUnauthorized, "Unauthorized - ApiKey with key_hash=%s not found.", hash)
	}
	if enabled, _ := k["enabled"].(bool); !enabled {
		return errf(http.StatusUnauthorized, "Unauthorized - API key is disabled.")
	}
	c.user, c.authMethod = str(k["user"]), "api key"
	return nil
}

// hashKey is how st2 stores API keys: only their SHA-256.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// basicAuth reads an Authorization: Basic header.
func basicAuth(r *http.Request) (user, pass string, ok bool) {
	h := r.Header.Get("Authorization")
	scheme, rest, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
	if err != nil {
		return "", "", false
	}
	user, pass, ok = strings.Cut(string(raw), ":")
	return user, pass, ok
}

func constantEq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// isAdmin: with RBAC off (st2's default) everybody is.
func (c *reqCtx) isAdmin() bool {
	if !c.s.cfg.rbac {
		return true
	}
	for _, a := range c.s.cfg.admins {
		if a == c.user {
			return true
		}
	}
	return false
}

// object decodes the body as a JSON object; an absent body is {}, as the
// st2 router treats it.
func (c *reqCtx) object() (map[string]any, error) {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return map[string]any{}, nil
	}
	var v any
	if err := json.Unmarshal(c.body, &v); err != nil {
		return nil, errBad("Failed to parse request body: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errBad("%s is not of type 'object'", compactJSON(v))
	}
	return m, nil
}

// boolParam reads a boolean query parameter as st2's router does.
func (c *reqCtx) boolParam(name string) (val, set bool, err error) {
	if !c.q.Has(name) {
		return false, false, nil
	}
	switch strings.ToLower(c.q.Get(name)) {
	case "true", "1", "yes", "y":
		return true, true, nil
	case "false", "0", "no", "n":
		return false, true, nil
	}
	return false, true, errBad("Parameter %q is not of type boolean", name)
}

// intParam reads an integer query parameter as st2's router does.
func (c *reqCtx) intParam(name string) (val int, set bool, err error) {
	if !c.q.Has(name) || c.q.Get(name) == "" {
		return 0, false, nil
	}
	v := c.q.Get(name)
	n, perr := strconv.Atoi(v)
	if perr != nil || strings.HasPrefix(v, "+") {
		if isIntText(v) { // too large for int: the same 400 as the offset check
			return 0, true, errBad("Offset %q specified is more than 32-bit int", v)
		}
		return 0, true, errBad("Parameter %q is not of type integer", name)
	}
	return n, true, nil
}

func isIntText(v string) bool {
	v = strings.TrimPrefix(v, "-")
	if v == "" {
		return false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// listParam reads a comma-separated array parameter (the last value if
// repeated).
func (c *reqCtx) listParam(name string) []string {
	vs := c.q[name]
	if len(vs) == 0 || vs[len(vs)-1] == "" {
		return nil
	}
	return strings.Split(vs[len(vs)-1], ",")
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}
