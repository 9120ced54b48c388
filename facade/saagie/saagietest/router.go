package saagietest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// reqCtx is what a resolver needs: the server, the request's time (one
// reading of the clock per request, so one answer is consistent) and the
// caller.
type reqCtx struct {
	s    *Server
	now  time.Time
	user string
	vars map[string]any
}

func (rc *reqCtx) st() *store { return rc.s.st }

// newHandler routes by path. Paths are read with runs of slashes
// collapsed, because saagieapi builds URLs by concatenation and sends
// "//authentication/api/open/authenticate", which the platform accepts;
// nothing is redirected (a redirect would turn a POST into a GET).
func (s *Server) newHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.latency > 0 {
			select {
			case <-time.After(s.cfg.latency):
			case <-r.Context().Done():
				return
			}
		}
		path := collapseSlashes(r.URL.Path)
		segs := strings.Split(strings.Trim(path, "/"), "/")
		if path == "/authentication/api/open/authenticate" {
			s.login(w, r)
			return
		}
		if !s.knownRoute(segs) {
			writeHTTPError(w, r, http.StatusNotFound, "No static resource "+strings.TrimPrefix(path, "/")+".")
			return
		}
		c, err := s.authenticate(r)
		if err != nil {
			// A body that is not a GraphQL result, so that clients (gql's
			// requests transport in saagieapi) look at the status and log
			// in again.
			writeHTTPError(w, r, http.StatusUnauthorized, err.Error())
			return
		}
		switch {
		case path == "/gateway/api/graphql":
			s.serveGraphQL(w, r, true, c)
		case len(segs) == 5 && segs[0] == "projects" && segs[1] == "api" && segs[2] == "platform" && segs[4] == "graphql":
			if segs[3] != strconv.Itoa(s.PlatformID) {
				writeHTTPError(w, r, http.StatusNotFound, "Unknown platform "+segs[3])
				return
			}
			s.serveGraphQL(w, r, false, c)
		default:
			s.serveREST(w, r, segs, c)
		}
	})
}

// knownRoute tells the paths the emulator serves from the rest (404
// before authentication, as a gateway without such a route would).
func (s *Server) knownRoute(segs []string) bool {
	if len(segs) < 2 {
		return false
	}
	switch segs[0] + "/" + segs[1] {
	case "gateway/api", "projects/api", "auth/api", "security/api", "profiles/api", "log-proxy/api", "authentication/api":
		return true
	}
	return false
}

func collapseSlashes(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if p == "" {
		return "/"
	}
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"status":500,"error":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeHTTPError writes the Spring Boot error body the platform's
// services answer with: {timestamp, status, error, message, path}.
func writeHTTPError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, status, map[string]any{
		"timestamp": time.Now().UTC().Format("2006-01-02T15:04:05.000+00:00"),
		"status":    status,
		"error":     http.StatusText(status),
		"message":   msg,
		"path":      r.URL.Path,
	})
}
