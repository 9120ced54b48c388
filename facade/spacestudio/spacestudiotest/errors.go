package spacestudiotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// writeJSON sends a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"status":500,"error":"Internal Server Error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError sends the body of Spring Boot's default error answer. The
// real server's error bodies are not confirmed; this shape is the default
// of the framework its Swagger UI path suggests.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, message string) {
	writeJSON(w, status, map[string]any{
		"timestamp": s.cfg.now().UTC().Format(time.RFC3339Nano),
		"status":    status,
		"error":     http.StatusText(status),
		"message":   message,
		"path":      r.URL.Path,
	})
}

// writeOAuthError sends a Keycloak token endpoint error.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}
