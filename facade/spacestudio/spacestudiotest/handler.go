package spacestudiotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// collections maps each collection path of the API to whether it holds
// missions.
var collections = map[string]bool{
	"antennadefinitions": false, "batterydefinitions": false, "zoneofinterestdefinitions": false,
	"orbitdefinitions": false, "spacecraftdefinitions": false, "spacecraftgeometrydefinitions": false,
	"propulsionsystemdefinitions": false, "simulationrequests": true,
	"parametricpropulsionsystemdefinitions": false, "parametricorbitdefinitions": false,
	"parametricspacecraftdefinitions": false, "reactionwheeldefinitions": false,
	"parametricmagnetictorquerdefinitions": false, "parametricstudyrequests": true,
	"groundstationdefinitions": false, "payloaddefinitions": false, "earthmeshdefinitions": false,
	"subconstellationdefinitions": false, "constellationdefinitions": false,
	"pointofinterestdefinitions": false, "constellationperformanceanalysisrequests": true,
	"constellationoptimizationrequests": true, "constellationgenerationrequests": true,
	"constellationsimulationrequests": true, "launchdefinitions": false, "deploymentrequests": true,
	"formationflyingsimulationrequests": true, "inspectionsimulationrequests": true,
}

// maxBody bounds request bodies.
const maxBody = 8 << 20

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	switch {
	case path == TokenPath:
		s.token(w, r)
	case strings.HasPrefix(path, "/exoops/users/"):
		s.api(w, r, strings.TrimPrefix(path, "/exoops/users/"))
	default:
		s.writeError(w, r, http.StatusNotFound, "No static resource "+strings.TrimPrefix(r.URL.Path, "/")+".")
	}
}

// token is the Keycloak token endpoint: password and refresh grants of a
// public client.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, OPTIONS")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "HTTP method not allowed")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid form")
		return
	}
	form := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	if form.Get("client_id") != s.ClientID {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials")
		return
	}
	now := s.cfg.now()
	switch form.Get("grant_type") {
	case "password":
		if form.Get("username") != s.Mail || form.Get("password") != s.Password {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_grant", "Invalid user credentials")
			return
		}
		s.st.stats.PasswordGrants++
	case "refresh_token":
		rt := form.Get("refresh_token")
		exp, ok := s.st.refresh[rt]
		if !ok {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
			return
		}
		if !now.Before(exp) {
			delete(s.st.refresh, rt)
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Token is not active")
			return
		}
		delete(s.st.refresh, rt) // Keycloak rotates refresh tokens by default
		s.st.stats.RefreshGrants++
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing form parameter: grant_type")
		return
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}
	access := s.mint(now, s.cfg.accessTTL, "Bearer")
	refresh := s.mint(now, s.cfg.refreshTTL, "Refresh")
	s.st.access[access] = now.Add(s.cfg.accessTTL)
	s.st.refresh[refresh] = now.Add(s.cfg.refreshTTL)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":       access,
		"expires_in":         int(s.cfg.accessTTL / time.Second),
		"refresh_expires_in": int(s.cfg.refreshTTL / time.Second),
		"refresh_token":      refresh,
		"token_type":         "Bearer",
		"not-before-policy":  0,
		"session_state":      randomUUID(),
		"scope":              "email profile",
	})
}

// mint issues a signed JWT, as Keycloak does; clients must not read it
// (the Python package never does), but it looks like the real thing.
func (s *Server) mint(now time.Time, ttl time.Duration, typ string) string {
	claims := jwt.MapClaims{
		"exp": now.Add(ttl).Unix(), "iat": now.Unix(), "jti": randomUUID(),
		"iss": s.URL + "/realms/spacestudio-users", "sub": s.UserID, "typ": typ,
		"azp": s.ClientID, "email": s.Mail, "preferred_username": s.Mail,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.signingKey())
	if err != nil { // cannot happen with an HMAC key
		panic(err)
	}
	return tok
}

func (s *Server) signingKey() []byte { return []byte(s.Password + s.UserID) }

// authenticate checks the bearer token. Callers hold s.mu.
func (s *Server) authenticate(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	exp, ok := s.st.access[strings.TrimSpace(tok)]
	if !ok {
		return false
	}
	if !s.cfg.now().Before(exp) {
		delete(s.st.access, tok)
		return false
	}
	return true
}

// api serves /exoops/users/...; rest is the path after that prefix,
// still escaped.
func (s *Server) api(w http.ResponseWriter, r *http.Request, rest string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authenticate(r) {
		s.st.stats.Rejected++
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		s.writeError(w, r, http.StatusUnauthorized, "Unauthorized")
		return
	}
	segs := strings.Split(rest, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil {
			s.writeError(w, r, http.StatusBadRequest, "bad path")
			return
		}
		segs[i] = u
	}
	if len(segs) == 1 && segs[0] == "infos" {
		if r.Method != http.MethodGet {
			s.methodNotAllowed(w, r, "GET")
			return
		}
		if s.cfg.noScripting {
			s.writeError(w, r, http.StatusForbidden, "The scripting option is not activated for this account")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": s.UserID, "email": s.Mail})
		return
	}
	if len(segs) < 2 {
		s.writeError(w, r, http.StatusNotFound, "Not Found")
		return
	}
	if segs[0] != s.UserID {
		s.writeError(w, r, http.StatusForbidden, "Access denied to another user's data")
		return
	}
	col, args := segs[1], segs[2:]
	switch {
	case col == "computationlogs" && len(args) == 1:
		s.computationLog(w, r, args[0])
	case col == "gridfs" && len(args) == 2:
		s.gridfs(w, r, args[0], args[1])
	case !knownCollection(col):
		s.writeError(w, r, http.StatusNotFound, "Not Found")
	case len(args) == 0:
		switch r.Method {
		case http.MethodGet:
			s.list(w, col)
		case http.MethodPost:
			s.create(w, r, col)
		default:
			s.methodNotAllowed(w, r, "GET, POST")
		}
	case len(args) == 1:
		switch r.Method {
		case http.MethodPut:
			s.update(w, r, col, args[0])
		case http.MethodDelete:
			s.remove(w, r, col, args[0])
		default:
			s.methodNotAllowed(w, r, "PUT, DELETE")
		}
	case collections[col]:
		s.mission(w, r, col, args)
	default:
		s.writeError(w, r, http.StatusNotFound, "Not Found")
	}
}

func knownCollection(col string) bool {
	_, ok := collections[col]
	return ok
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	s.writeError(w, r, http.StatusMethodNotAllowed, "Request method '"+r.Method+"' is not supported")
}

// render writes an object with its fields in stored order.
func (o *object) render() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.fields[k])
		if err != nil {
			vb = []byte("null")
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (s *Server) list(w http.ResponseWriter, col string) {
	items := make([]json.RawMessage, 0, len(s.st.collections[col]))
	for _, o := range s.st.collections[col] {
		items = append(items, o.render())
	}
	writeJSON(w, http.StatusOK, items)
}

// readObject reads a JSON object body, keeping its key order.
func (s *Server) readObject(w http.ResponseWriter, r *http.Request) (*object, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "Failed to read request")
		return nil, false
	}
	if len(body) > maxBody {
		s.writeError(w, r, http.StatusBadRequest, "the request body is larger than the emulator accepts (8 MiB)")
		return nil, false
	}
	o, err := parseObject(body)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "JSON parse error: "+err.Error())
		return nil, false
	}
	name, _ := o.fields["name"].(string)
	if strings.TrimSpace(name) == "" {
		s.writeError(w, r, http.StatusBadRequest, "name: must not be blank")
		return nil, false
	}
	return o, true
}

// parseObject decodes a JSON object, keeping the order of its keys.
func parseObject(body []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected an object")
	}
	o := &object{fields: map[string]any{}}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o.set(kt.(string), v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the object")
	}
	return o, nil
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, col string) {
	o, ok := s.readObject(w, r)
	if !ok {
		return
	}
	name := o.fields["name"].(string)
	if s.st.nameTaken(col, name, "") {
		s.writeError(w, r, http.StatusConflict, "An object with the name '"+name+"' already exists")
		return
	}
	s.store(col, o, randomID())
	writeJSON(w, http.StatusOK, o.render())
}

// store gives o its server fields and appends it to the collection.
func (s *Server) store(col string, o *object, id string) {
	o.id = id
	stored := &object{fields: map[string]any{}}
	stored.set("id", id)
	for _, k := range o.keys {
		if k != "id" && k != "displayedName" && k != "computationLogId" {
			stored.set(k, o.fields[k])
		}
	}
	stored.set("displayedName", o.fields["name"])
	stored.id = id
	*o = *stored
	s.st.collections[col] = append(s.st.collections[col], o)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, col, id string) {
	old, i := s.st.find(col, id)
	if old == nil {
		s.writeError(w, r, http.StatusNotFound, "No object with id "+id)
		return
	}
	o, ok := s.readObject(w, r)
	if !ok {
		return
	}
	name := o.fields["name"].(string)
	if s.st.nameTaken(col, name, id) {
		s.writeError(w, r, http.StatusConflict, "An object with the name '"+name+"' already exists")
		return
	}
	s.store(col, o, id)
	// store appended: put it back in place, keeping its computation.
	s.st.collections[col] = s.st.collections[col][:len(s.st.collections[col])-1]
	if logID, ok := old.fields["computationLogId"]; ok {
		o.set("computationLogId", logID)
	}
	s.st.collections[col][i] = o
	writeJSON(w, http.StatusOK, o.render())
}

func (s *Server) remove(w http.ResponseWriter, r *http.Request, col, id string) {
	_, i := s.st.find(col, id)
	if i < 0 {
		s.writeError(w, r, http.StatusNotFound, "No object with id "+id)
		return
	}
	s.st.collections[col] = slices.Delete(s.st.collections[col], i, i+1)
	delete(s.st.runs, id)
	w.WriteHeader(http.StatusNoContent)
}

// mission serves the computation routes of a mission collection.
func (s *Server) mission(w http.ResponseWriter, r *http.Request, col string, args []string) {
	action := args[0]
	sim := col == "simulationrequests"
	switch {
	case action == "compute" && len(args) == 2 && r.Method == http.MethodGet:
		s.compute(w, r, col, args[1], 0)
	case action == "status" && len(args) == 2 && r.Method == http.MethodGet:
		s.status(w, r, col, args[1])
	case sim && action == "compute_until_duration" && len(args) == 2 && r.Method == http.MethodPost:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<10))
		secs, err := strconv.ParseFloat(strings.TrimSpace(string(body)), 64)
		if err != nil || secs <= 0 {
			s.writeError(w, r, http.StatusBadRequest, "the body must be a positive number of seconds")
			return
		}
		s.compute(w, r, col, args[1], secs)
	case sim && action == "create_from_results" && len(args) == 3 && r.Method == http.MethodPost:
		s.createFromResults(w, r, args[1], args[2])
	case sim && action == "create_merged_results" && len(args) == 2 && r.Method == http.MethodGet:
		s.mergedResults(w, r, args[1])
	default:
		s.writeError(w, r, http.StatusNotFound, "Not Found")
	}
}

func (s *Server) compute(w http.ResponseWriter, r *http.Request, col, id string, pauseAfter float64) {
	m, _ := s.st.find(col, id)
	if m == nil {
		s.writeError(w, r, http.StatusNotFound, "No mission with id "+id)
		return
	}
	if run := s.st.runs[id]; run != nil && !run.done {
		s.writeError(w, r, http.StatusConflict, "The mission is already being computed")
		return
	}
	s.st.runs[id] = &run{started: s.cfg.now(), logID: randomID(), pauseAfter: pauseAfter}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "computationLogId": nil})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, col, id string) {
	m, _ := s.st.find(col, id)
	if m == nil {
		s.writeError(w, r, http.StatusNotFound, "No mission with id "+id)
		return
	}
	run := s.st.runs[id]
	if run == nil {
		// Not confirmed how the real server answers for a mission never
		// computed; a 404 makes a client's wait end instead of spinning.
		s.writeError(w, r, http.StatusNotFound, "The mission has not been computed")
		return
	}
	if run.done {
		writeJSON(w, http.StatusOK, -1)
		return
	}
	run.polls++
	polls := max(s.cfg.computePolls, 1)
	elapsed := s.cfg.now().Sub(run.started)
	if run.polls >= polls || (s.cfg.computeTime > 0 && elapsed >= s.cfg.computeTime) {
		s.finish(col, m, run)
		writeJSON(w, http.StatusOK, -1)
		return
	}
	if run.polls == 1 {
		writeJSON(w, http.StatusOK, 0)
		return
	}
	writeJSON(w, http.StatusOK, 100*(run.polls-1)/(polls-1))
}
