package cachettest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// httpError is an answer the real server's exception handler would render:
// a status with its fixed title and sentence, and for validation failures
// the list of failed rules.
type httpError struct {
	status  int
	details []string // validation messages (meta.details); nil otherwise
	allow   string   // Allow header of a 405
}

func (e *httpError) Error() string {
	if len(e.details) > 0 {
		return strconv.Itoa(e.status) + " " + e.details[0]
	}
	return strconv.Itoa(e.status) + " " + http.StatusText(e.status)
}

// errStatus is an error with the status's fixed title and detail.
func errStatus(status int) *httpError { return &httpError{status: status} }

// errValidation is a 400 listing the failed rules, like Cachet's
// JsonValidationDisplayer.
func errValidation(details ...string) *httpError {
	return &httpError{status: http.StatusBadRequest, details: details}
}

var (
	errNotFound     = errStatus(http.StatusNotFound)
	errUnauthorized = errStatus(http.StatusUnauthorized)
	errNotAccept    = errStatus(http.StatusNotAcceptable)
	errServer       = errStatus(http.StatusInternalServerError)
	errBadRequest   = errStatus(http.StatusBadRequest) // a database error turned into 400, no details
)

// errorText holds the title and the fixed sentence the exception handler
// (graham-campbell/exceptions) shows for each status. The sentences are the
// classic one-line descriptions of the HTTP statuses; the real server shows
// the same sentence for every error of a status, which is all a client can
// rely on.
var errorText = map[int][2]string{
	400: {"Bad Request", "The request cannot be fulfilled due to bad syntax."},
	401: {"Unauthorized", "Authentication is required and has failed or has not yet been provided."},
	403: {"Forbidden", "The request was a legal request, but the server is refusing to respond to it."},
	404: {"Not Found", "The requested resource could not be found but may be available again in the future."},
	405: {"Method Not Allowed", "A request was made of a resource using a request method not supported by that resource."},
	406: {"Not Acceptable", "The requested resource is only capable of generating content not acceptable according to the Accept headers sent in the request."},
	409: {"Conflict", "The request could not be processed because of conflict in the request."},
	429: {"Too Many Requests", "The user has sent too many requests in a given amount of time."},
	500: {"Internal Server Error", "An error has occurred and this resource cannot be displayed."},
	502: {"Bad Gateway", "The server was acting as a gateway or proxy and received an invalid response from the upstream server."},
	503: {"Service Unavailable", "The server is currently unavailable. It may be overloaded or down for maintenance."},
	504: {"Gateway Timeout", "The server was acting as a gateway or proxy and did not receive a timely response from the upstream server."},
}

// errorBody renders the JSON body of an error the way the real exception
// handler does, with a fresh random id per occurrence.
func errorBody(e *httpError) []byte {
	text, ok := errorText[e.status]
	if !ok {
		text = [2]string{http.StatusText(e.status), http.StatusText(e.status) + "."}
	}
	id := newUUID()
	obj := cachetapi.ErrorObject{ID: &id, Status: e.status, Title: text[0], Detail: text[1]}
	if e.details != nil {
		details := e.details
		obj.Meta = &cachetapi.ErrorMeta{Details: &details}
	}
	b, err := json.Marshal(cachetapi.ErrorBody{Errors: []cachetapi.ErrorObject{obj}})
	if err != nil { // cannot happen with these types
		panic(err)
	}
	return b
}

// newUUID returns a random (version 4) UUID, as the exception identifier of
// the real server does.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// writeError sends an error answer.
func writeError(w http.ResponseWriter, e *httpError) {
	h := w.Header()
	if e.allow != "" {
		h.Set("Allow", e.allow)
	}
	writeJSONBytes(w, e.status, errorBody(e))
}

// writeJSONBytes sends an already encoded JSON body with the headers
// Laravel's JsonResponse sets.
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache, private")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
