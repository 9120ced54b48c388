package st2test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// apiError is an answer st2's error-handling middleware would render:
// {"faultstring": msg}, plus extra fields such as "conflict-id".
type apiError struct {
	status int
	msg    string
	extra  map[string]any
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + " " + e.msg }

func errf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// errBad is a 400: a ValueError or a schema validation failure.
func errBad(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, format, args...)
}

// errForbidden is a 403: an AccessDeniedError.
func errForbidden(format string, args ...any) *apiError {
	return errf(http.StatusForbidden, format, args...)
}

// errMissing is the 404 of a ref or id that names nothing.
func errMissing(refOrID string) *apiError {
	return errf(http.StatusNotFound, "Resource with a reference or id \"%s\" not found", refOrID)
}

// errConflict is the 409 of a duplicate unique key, with the id of the
// object already there.
func errConflict(id string, keys string) *apiError {
	return &apiError{
		status: http.StatusConflict,
		msg:    "Tried to save duplicate unique keys (" + keys + ")",
		extra:  map[string]any{"conflict-id": id},
	}
}

var (
	errNoRoute      = errf(http.StatusNotFound, "The resource could not be found.")
	errInternal     = errf(http.StatusInternalServerError, "Internal Server Error")
	errNoCredential = errf(http.StatusUnauthorized, "Unauthorized - One of Token or API key required.")
)

// writeFault writes {"faultstring": msg} (plus extra) with status.
func writeFault(w http.ResponseWriter, status int, msg string, extra map[string]any) {
	body := map[string]any{}
	for k, v := range extra {
		body[k] = v
	}
	body["faultstring"] = msg
	b, _ := json.Marshal(body)
	writeBytes(w, status, "application/json", b)
}

func writeError(w http.ResponseWriter, e *apiError) { writeFault(w, e.status, e.msg, e.extra) }

func writeBytes(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// errNoID is the 404 of an id-only path parameter.
func errNoID(id string) *apiError {
	return errf(http.StatusNotFound, "Unable to identify resource with id \"%s\".", id)
}
