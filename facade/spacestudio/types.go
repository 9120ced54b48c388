package spacestudio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

// Object is one element of a collection (an orbit, a spacecraft, a
// mission...) as the server sent it. The API publishes no schema and the
// server accepts more fields than are known, so an Object keeps every
// field: the typed ones below are read from it, Fields holds them all, and
// marshalling an Object gives back exactly what the server sent. That is
// what composite bodies need: a spacecraft embeds the whole propulsion
// system object, a mission whole spacecraft and orbit objects.
type Object struct {
	// ID is the server's id, as text whatever its JSON type (not confirmed:
	// string or number).
	ID string
	// Name is the name the object was created with.
	Name string
	// DisplayedName is the name the application shows; the find-by-name
	// calls match it, as the Python package does.
	DisplayedName string
	// ComputationLogID is set on missions once computed: it names their
	// results.
	ComputationLogID string
	// PausedParentMissionID is set on the copies created when a paused
	// simulation is resumed.
	PausedParentMissionID string
	// Fields are all the object's fields, raw.
	Fields map[string]json.RawMessage
}

// UnmarshalJSON reads an object, keeping every field.
func (o *Object) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if fields == nil {
		return errors.New("spacestudio: an object is expected, got null")
	}
	*o = Object{Fields: fields}
	var err error
	read := func(name string, dst *string) {
		if err != nil {
			return
		}
		if *dst, err = scalarText(fields[name]); err != nil {
			err = fmt.Errorf("%s: %w", name, err)
		}
	}
	read("id", &o.ID)
	read("name", &o.Name)
	read("displayedName", &o.DisplayedName)
	read("computationLogId", &o.ComputationLogID)
	read("pausedParentMissionId", &o.PausedParentMissionID)
	return err
}

// MarshalJSON writes the object's fields as the server sent them.
func (o Object) MarshalJSON() ([]byte, error) {
	if o.Fields == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(o.Fields)
}

// Get decodes one field into v; it reports false when the field is absent.
func (o *Object) Get(name string, v any) (bool, error) {
	raw, ok := o.Fields[name]
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// Decode decodes the whole object into v, e.g. a
// spacestudioapi.OrbitDefinition or a struct of the caller's own.
func (o *Object) Decode(v any) error {
	b, err := o.MarshalJSON()
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Keys lists the object's field names, sorted.
func (o *Object) Keys() []string { return slices.Sorted(maps.Keys(o.Fields)) }

// scalarText renders a JSON string or number as text; null or absent is "".
func scalarText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		err := json.Unmarshal(raw, &n)
		return n.String(), err
	}
	return "", fmt.Errorf("expected a string or a number, got %.20s", raw)
}

// Status is a mission's computation status, the JSON scalar the status
// call answers. Only two values are confirmed: -1 (finished) and 0
// (pending); any other value is progress whose meaning and range are
// unknown, kept as the server sent it.
type Status struct {
	// Raw is the JSON value as received, e.g. -1, 0 or 42.
	Raw json.RawMessage
}

// Finished reports the status -1.
func (s Status) Finished() bool {
	v, ok := s.Number()
	return ok && v == -1
}

// Pending reports the status 0.
func (s Status) Pending() bool {
	v, ok := s.Number()
	return ok && v == 0
}

// Number returns the status as a number when it is one.
func (s Status) Number() (float64, bool) {
	raw := strings.TrimSpace(string(s.Raw))
	if raw != "" && raw[0] == '"' { // a number sent as a string
		if u, err := strconv.Unquote(raw); err == nil {
			raw = u
		}
	}
	v, err := strconv.ParseFloat(raw, 64)
	return v, err == nil
}

// String names the state: "finished", "pending", or the raw value.
func (s Status) String() string {
	switch {
	case s.Finished():
		return "finished"
	case s.Pending():
		return "pending"
	case len(s.Raw) == 0:
		return "unknown"
	}
	return string(bytes.TrimSpace(s.Raw))
}

// Results is a computation's result document. Its `results` member holds
// the outputs of the mission's kind (for simulations: maneuverReport,
// initialOrbit, finalOrbit, ephemerides with fieldIndexes, ...), and
// `errors` what went wrong.
type Results struct {
	// Results is the `results` member, raw.
	Results json.RawMessage
	// Errors are the messages of the `errors` member.
	Errors []string
	// Raw is the whole document as received.
	Raw json.RawMessage
}

// UnmarshalJSON reads a result document.
func (r *Results) UnmarshalJSON(b []byte) error {
	var doc struct {
		Results json.RawMessage `json:"results"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return err
	}
	*r = Results{Results: doc.Results, Raw: append(json.RawMessage(nil), b...)}
	for _, e := range doc.Errors {
		r.Errors = append(r.Errors, e.Message)
	}
	return nil
}

// MarshalJSON writes the document as received.
func (r Results) MarshalJSON() ([]byte, error) {
	if len(r.Raw) == 0 {
		return []byte("null"), nil
	}
	return r.Raw, nil
}

// Decode decodes the `results` member into v.
func (r *Results) Decode(v any) error {
	if len(r.Results) == 0 {
		return errors.New("spacestudio: the result document has no results member")
	}
	return json.Unmarshal(r.Results, v)
}

// Ephemerides returns the ephemeris matrix of a simulation's results with
// its column names, resolved through fieldIndexes (column positions vary
// with the ephemeris groups requested, so never hard-code them).
func (r *Results) Ephemerides() (*Ephemerides, error) {
	var doc struct {
		Ephemerides  [][]float64    `json:"ephemerides"`
		FieldIndexes map[string]int `json:"fieldIndexes"`
	}
	if err := r.Decode(&doc); err != nil {
		return nil, err
	}
	if doc.FieldIndexes == nil {
		return nil, errors.New("spacestudio: the results have no fieldIndexes")
	}
	return &Ephemerides{Rows: doc.Ephemerides, Index: doc.FieldIndexes}, nil
}

// Ephemerides is an ephemeris matrix: one row per time step, one column
// per quantity.
type Ephemerides struct {
	// Rows are the time steps.
	Rows [][]float64
	// Index maps each quantity's name (simulationDuration, keplerianSma...)
	// to its column.
	Index map[string]int
}

// Column returns one quantity over every time step.
func (e *Ephemerides) Column(name string) ([]float64, bool) {
	i, ok := e.Index[name]
	if !ok {
		return nil, false
	}
	out := make([]float64, 0, len(e.Rows))
	for _, row := range e.Rows {
		if i >= len(row) {
			return nil, false
		}
		out = append(out, row[i])
	}
	return out, true
}

// errorMessage extracts the server's explanation from an error body. Its
// shape is not confirmed; Spring Boot's default body carries "message" and
// "error", Keycloak's "error_description".
func errorMessage(body []byte) string {
	var eb struct {
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &eb); err != nil {
		return ""
	}
	for _, m := range []string{eb.Message, eb.ErrorDescription, eb.Error} {
		if strings.TrimSpace(m) != "" {
			return m
		}
	}
	return ""
}

// NotFoundError reports an object a find-by-name or find-by-id did not
// find in its collection. Nothing was asked of the server by id: the API
// has no such call, so the whole collection was listed and searched.
type NotFoundError struct {
	// Collection is the collection's path, e.g. "orbitdefinitions".
	Collection string
	// Name or ID is what was searched for.
	Name, ID string
}

// Error says what was not found where.
func (e *NotFoundError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("spacestudio: %s: no object with id %q", e.Collection, e.ID)
	}
	return fmt.Sprintf("spacestudio: %s: no object named %q", e.Collection, e.Name)
}

// Is makes a NotFoundError match facade.ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == errNotFound }

// ComputationError reports a finished computation whose result document
// lists errors. The results are returned beside it, since they may still
// hold partial outputs.
type ComputationError struct {
	// Collection and MissionID name the mission.
	Collection, MissionID string
	// Messages are the document's error messages.
	Messages []string
}

// Error lists the server's first messages, each cut short: the server
// must not be able to make the message as long as its answer (Messages
// keeps them all, whole).
func (e *ComputationError) Error() string {
	const maxMessages, maxMessage = 3, 512
	shown := make([]string, 0, maxMessages+1)
	for _, m := range e.Messages[:min(len(e.Messages), maxMessages)] {
		if len(m) > maxMessage {
			m = redact.Truncate(m, maxMessage) + "…"
		}
		shown = append(shown, m)
	}
	if more := len(e.Messages) - maxMessages; more > 0 {
		shown = append(shown, fmt.Sprintf("and %d more", more))
	}
	return fmt.Sprintf("spacestudio: %s: computation of mission %s failed: %s", e.Collection, e.MissionID, strings.Join(shown, "; "))
}

// ErrNotComputed is returned for the results of a mission that has no
// computation log yet (never computed, or still computing).
var ErrNotComputed = errors.New("the mission has no computation log yet")

// errNotFound aliases facade.ErrNotFound for NotFoundError.Is.
var errNotFound = facade.ErrNotFound
