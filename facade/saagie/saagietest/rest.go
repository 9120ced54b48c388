package saagietest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The REST services around the GraphQL API: users, groups and profiles
// (admin), group permissions, the log service and the artifact download.

type user struct {
	seqd
	login, password string
	roles, groups   []string
	platforms       []any
	protected       bool
}

type group struct {
	seqd
	name        string
	users       []string
	protected   bool
	role        string
	auths       []any // authorizations, kept as sent
	realmAuthz  any
	hasPermsSet bool
}

type profile struct {
	seqd
	login, job, email string
}

// LogLine is one line of the log service.
type LogLine struct {
	// Stream is one of the LogStream names (STDOUT, STDERR, ...).
	Stream string
	Time   time.Time
	Value  string
}

type logLine = LogLine

// serveREST dispatches the REST routes; segs is the cleaned path split on
// "/".
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request, segs []string, c *claims) {
	head := segs[0] + "/" + segs[1]
	if head != "projects/api" && !strings.EqualFold(r.Header.Get("Saagie-Realm"), s.Realm) {
		// Every REST service is realm-scoped; saagieapi always sends the
		// header. Without it the realm's services do not know the caller.
		writeHTTPError(w, r, http.StatusUnauthorized, "Missing or unknown Saagie-Realm")
		return
	}
	rest := segs[2:]
	s.mu.Lock()
	defer s.mu.Unlock()
	rc := &reqCtx{s: s, now: s.now(), user: c.Subject}
	switch head {
	case "auth/api":
		s.serveAuthAPI(w, r, rest)
	case "security/api":
		s.serveSecurity(w, r, rest)
	case "profiles/api":
		s.serveProfiles(w, r, rest)
	case "log-proxy/api":
		s.serveLogs(w, r, rest)
	case "projects/api":
		s.serveArtifact(w, r, rc, rest)
	case "authentication/api":
		s.servePasswordChange(w, r, rest)
	default:
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
	}
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow ...string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeHTTPError(w, r, http.StatusMethodNotAllowed, "Request method '"+r.Method+"' not supported")
}

func readJSON(r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	return err == nil && json.Unmarshal(b, v) == nil
}

func (s *Server) userJSON(u *user) map[string]any {
	platforms := u.platforms
	if platforms == nil {
		platforms = []any{}
	}
	return map[string]any{"login": u.login, "roles": nonNilStrings(u.roles), "platforms": platforms,
		"groups": nonNilStrings(u.groups), "protected": u.protected}
}

func (s *Server) serveAuthAPI(w http.ResponseWriter, r *http.Request, rest []string) {
	st := s.st
	switch {
	case len(rest) == 1 && rest[0] == "users":
		switch r.Method {
		case http.MethodGet:
			out := []any{}
			for _, u := range ordered(st.users, nil) {
				out = append(out, s.userJSON(u))
			}
			writeJSON(w, http.StatusOK, out)
		case http.MethodPost:
			var in struct {
				Login     string   `json:"login"`
				Password  string   `json:"password"`
				Platforms []any    `json:"platforms"`
				Roles     []string `json:"roles"`
				Groups    []string `json:"groups"`
			}
			if !readJSON(r, &in) || in.Login == "" || in.Password == "" {
				writeHTTPError(w, r, http.StatusBadRequest, "login and password are required")
				return
			}
			if st.users[in.Login] != nil {
				writeHTTPError(w, r, http.StatusConflict, "User "+in.Login+" already exists")
				return
			}
			for _, g := range in.Groups {
				if st.groups[g] == nil {
					writeHTTPError(w, r, http.StatusBadRequest, "Unknown group "+g)
					return
				}
			}
			u := &user{seqd: seqd{st.next()}, login: in.Login, password: in.Password, roles: in.Roles, groups: in.Groups, platforms: in.Platforms}
			st.users[u.login] = u
			for _, g := range in.Groups {
				st.groups[g].users = append(st.groups[g].users, u.login)
			}
			st.profiles[u.login] = &profile{seqd: seqd{st.next()}, login: u.login}
			w.WriteHeader(http.StatusCreated)
		default:
			methodNotAllowed(w, r, "GET", "POST")
		}
	case len(rest) == 2 && rest[0] == "users":
		u := st.users[rest[1]]
		if u == nil {
			writeHTTPError(w, r, http.StatusNotFound, "User "+rest[1]+" not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, s.userJSON(u))
		case http.MethodDelete:
			if u.protected {
				writeHTTPError(w, r, http.StatusBadRequest, "User "+u.login+" is protected")
				return
			}
			delete(st.users, u.login)
			delete(st.profiles, u.login)
			for _, g := range st.groups {
				g.users = slices.DeleteFunc(g.users, func(x string) bool { return x == u.login })
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			methodNotAllowed(w, r, "GET", "DELETE")
		}
	case len(rest) == 1 && rest[0] == "groups":
		switch r.Method {
		case http.MethodGet:
			out := []any{}
			for _, g := range ordered(st.groups, nil) {
				out = append(out, map[string]any{"name": g.name, "protected": g.protected})
			}
			writeJSON(w, http.StatusOK, out)
		case http.MethodPost:
			var in struct {
				Name  string   `json:"name"`
				Users []string `json:"users"`
			}
			if !readJSON(r, &in) || in.Name == "" {
				writeHTTPError(w, r, http.StatusBadRequest, "name is required")
				return
			}
			if st.groups[in.Name] != nil {
				writeHTTPError(w, r, http.StatusConflict, "Group "+in.Name+" already exists")
				return
			}
			for _, u := range in.Users {
				if st.users[u] == nil {
					writeHTTPError(w, r, http.StatusBadRequest, "Unknown user "+u)
					return
				}
			}
			g := &group{seqd: seqd{st.next()}, name: in.Name, users: in.Users, role: "ROLE_READER"}
			st.groups[g.name] = g
			for _, u := range in.Users {
				st.users[u].groups = append(st.users[u].groups, g.name)
			}
			w.WriteHeader(http.StatusCreated)
		default:
			methodNotAllowed(w, r, "GET", "POST")
		}
	case len(rest) == 2 && rest[0] == "groups":
		g := st.groups[rest[1]]
		if g == nil {
			// saagieapi's import reads a 500 here as "no such group"; a
			// 404 is what a client should expect [inferred].
			writeHTTPError(w, r, http.StatusNotFound, "Group "+rest[1]+" not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, map[string]any{"name": g.name, "users": nonNilStrings(g.users), "protected": g.protected})
		case http.MethodDelete:
			if g.protected {
				writeHTTPError(w, r, http.StatusBadRequest, "Group "+g.name+" is protected")
				return
			}
			delete(st.groups, g.name)
			for _, u := range st.users {
				u.groups = slices.DeleteFunc(u.groups, func(x string) bool { return x == g.name })
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			methodNotAllowed(w, r, "GET", "DELETE")
		}
	default:
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
	}
}

// groupPermissions is the permissions document of a group: what was last
// PUT, plus the PROJECT permissions its project rights give.
func (s *Server) groupPermissions(g *group) map[string]any {
	auths := g.auths
	if !g.hasPermsSet {
		var perms []any
		for _, p := range ordered(s.st.projects, nil) {
			for _, gr := range p.groups {
				if gr.name == g.name {
					perms = append(perms, map[string]any{"artifact": map[string]any{"type": "PROJECT", "id": p.id}, "role": gr.role})
				}
			}
		}
		auths = []any{}
		if len(perms) > 0 {
			auths = []any{map[string]any{"platformId": s.PlatformID, "platformName": s.cfg.platform, "permissions": perms}}
		}
	}
	realm := g.realmAuthz
	if realm == nil {
		realm = map[string]any{"permissions": []any{}}
	}
	if auths == nil {
		auths = []any{}
	}
	return map[string]any{"name": g.name, "role": g.role, "protected": g.protected, "authorizations": auths, "realmAuthorization": realm}
}

func (s *Server) serveSecurity(w http.ResponseWriter, r *http.Request, rest []string) {
	st := s.st
	if len(rest) == 5 && rest[0] == "groups" && rest[1] == "authorizations" && rest[3] == "permissions" && rest[4] == "projects" {
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, "GET")
			return
		}
		var perms []any
		for _, p := range ordered(st.projects, nil) {
			perms = append(perms, map[string]any{"projectId": p.id, "role": "ROLE_PROJECT_MANAGER"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"platformId": s.PlatformID, "permissions": nonNilAny(perms)})
		return
	}
	if len(rest) != 2 || rest[0] != "groups" {
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
		return
	}
	g := st.groups[rest[1]]
	if g == nil {
		writeHTTPError(w, r, http.StatusNotFound, "Group "+rest[1]+" not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, s.groupPermissions(g))
	case http.MethodPut:
		var in struct {
			Role               string `json:"role"`
			Authorizations     []any  `json:"authorizations"`
			RealmAuthorization any    `json:"realmAuthorization"`
		}
		if !readJSON(r, &in) || in.Role == "" {
			writeHTTPError(w, r, http.StatusBadRequest, "role is required")
			return
		}
		g.role, g.auths, g.realmAuthz, g.hasPermsSet = in.Role, in.Authorizations, in.RealmAuthorization, true
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, r, "GET", "PUT")
	}
}

func nonNilAny(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func profileJSON(p *profile) map[string]any {
	return map[string]any{"login": p.login, "job": optString(p.job), "email": optString(p.email)}
}

func (s *Server) serveProfiles(w http.ResponseWriter, r *http.Request, rest []string) {
	st := s.st
	if len(rest) == 0 || len(rest) == 1 && rest[0] == "" {
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, "GET")
			return
		}
		out := []any{}
		for _, p := range ordered(st.profiles, nil) {
			out = append(out, profileJSON(p))
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	if len(rest) != 1 {
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
		return
	}
	p := st.profiles[rest[0]]
	if p == nil {
		writeHTTPError(w, r, http.StatusNotFound, "Profile "+rest[0]+" not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, profileJSON(p))
	case http.MethodPut:
		var in struct {
			Login string  `json:"login"`
			Job   *string `json:"job"`
			Email *string `json:"email"`
		}
		if !readJSON(r, &in) {
			writeHTTPError(w, r, http.StatusBadRequest, "invalid profile")
			return
		}
		p.job, p.email = "", ""
		if in.Job != nil {
			p.job = *in.Job
		}
		if in.Email != nil {
			p.email = *in.Email
		}
		writeJSON(w, http.StatusOK, profileJSON(p))
	default:
		methodNotAllowed(w, r, "GET", "PUT")
	}
}

func (s *Server) servePasswordChange(w http.ResponseWriter, r *http.Request, rest []string) {
	if len(rest) != 3 || rest[0] != "open" || rest[1] != "password" || rest[2] != "change" {
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodPut {
		methodNotAllowed(w, r, "PUT")
		return
	}
	var in struct {
		Login       string `json:"login"`
		OldPassword string `json:"oldPassword"`
		NewPassword string `json:"newPassword"`
	}
	if !readJSON(r, &in) || in.Login == "" || in.NewPassword == "" {
		writeHTTPError(w, r, http.StatusBadRequest, "login, oldPassword and newPassword are required")
		return
	}
	u := s.st.users[in.Login]
	if u == nil || u.password != in.OldPassword {
		writeHTTPError(w, r, http.StatusBadRequest, "Bad credentials")
		return
	}
	u.password = in.NewPassword
	if u.login == s.User {
		s.Password = in.NewPassword
	}
	w.WriteHeader(http.StatusNoContent)
}

// serveLogs answers the log-proxy: /logs/{realm}/platform/{pid}/project/
// {projectId}/{app_execution|condition_instance}/{id}?limit&skip&streams.
func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request, rest []string) {
	if len(rest) != 8 || rest[0] != "logs" || rest[2] != "platform" || rest[4] != "project" ||
		rest[6] != "app_execution" && rest[6] != "condition_instance" {
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, "GET")
		return
	}
	if !strings.EqualFold(rest[1], s.Realm) || rest[3] != strconv.Itoa(s.PlatformID) || s.st.projects[rest[5]] == nil {
		writeHTTPError(w, r, http.StatusNotFound, "Unknown realm, platform or project")
		return
	}
	q := r.URL.Query()
	limit, skip := 10000, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeHTTPError(w, r, http.StatusBadRequest, "invalid limit")
			return
		}
		limit = n
	}
	if v := q.Get("skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeHTTPError(w, r, http.StatusBadRequest, "invalid skip")
			return
		}
		skip = n
	}
	var streams []string
	if v := q.Get("streams"); v != "" {
		streams = strings.Split(v, ",")
	}
	var lines []LogLine
	for _, l := range s.st.logs[rest[7]] {
		if len(streams) == 0 || slices.Contains(streams, l.Stream) {
			lines = append(lines, l)
		}
	}
	out := []any{}
	for i := skip; i < len(lines) && len(out) < limit; i++ {
		out = append(out, map[string]any{"index": i, "stream": lines[i].Stream, "time": dateTime(lines[i].Time), "value": lines[i].Value})
	}
	writeJSON(w, http.StatusOK, map[string]any{"logs": out, "limit": limit, "total": len(lines), "order": "asc", "source": "elastic"})
}

// serveArtifact answers GET /projects/api/platform/{pid}/project/{projectId}/
// job/{jobId}/version/{n}/artifact/{fileName}.
func (s *Server) serveArtifact(w http.ResponseWriter, r *http.Request, rc *reqCtx, rest []string) {
	if len(rest) != 10 || rest[0] != "platform" || rest[2] != "project" || rest[4] != "job" || rest[6] != "version" || rest[8] != "artifact" {
		writeHTTPError(w, r, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, "GET")
		return
	}
	j := s.st.jobs[rest[5]]
	n, _ := strconv.Atoi(rest[7])
	if rest[1] != strconv.Itoa(s.PlatformID) || j == nil || j.projectID != rest[3] {
		writeHTTPError(w, r, http.StatusNotFound, "Job not found")
		return
	}
	v := j.version(n)
	if v == nil || v.artifact == nil || v.artifact.Filename != rest[9] {
		writeHTTPError(w, r, http.StatusNotFound, "Artifact not found")
		return
	}
	_ = rc
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+v.artifact.Filename+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(v.artifact.Data)
}
