package rightscaletest

import (
	"fmt"
	"net/http"
	"strconv"
)

// errorContentType is the Content-Type of every error answer: the real
// API serves its plain-text error messages as text/html (recorded on a
// 422 ResourceNotFound).
const errorContentType = "text/html; charset=utf-8"

// apiError is an error answer: a status and the plain-text body the real
// API would send.
type apiError struct {
	status int
	text   string
	json   bool // an OAuth2 error, sent as application/json
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + " " + e.text }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, text: fmt.Sprintf(format, args...)}
}

// errNotFound is the 422 the API answers for an href that names no
// resource, worded as the real one (trailing space included).
func errNotFound(kind, id string) *apiError {
	return errorf(http.StatusUnprocessableEntity, "ResourceNotFound: Couldn't find %s with ID=%s ", kind, id)
}

// errInvalid is the 422 of a failed validation: a JSON-looking list of
// [attribute, message] pairs, still served as text.
func errInvalid(attr, msg string) *apiError {
	return errorf(http.StatusUnprocessableEntity, "[[%s,%s]]", strconv.Quote(attr), strconv.Quote(msg))
}

// errAction is the 422 of an action the resource's state does not allow.
func errAction(format string, args ...any) *apiError {
	return errorf(http.StatusUnprocessableEntity, "ActionNotAllowed: "+format, args...)
}

// errParam is the 400 of a missing or malformed parameter.
func errParam(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

var (
	errUnauthorized = &apiError{status: http.StatusUnauthorized, text: "Unauthorized: the access token is missing, unknown or expired"}
	errNoRoute      = &apiError{status: http.StatusNotFound, text: "NotFound: No route matches the request"}
	errCookie       = &apiError{status: http.StatusForbidden, text: "Session cookie is expired or invalid"}
)

// writeText sends a plain-text error body.
func writeText(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", errorContentType)
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.json {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(e.status)
		_, _ = w.Write([]byte(e.text))
		return
	}
	writeText(w, e.status, e.text)
}
