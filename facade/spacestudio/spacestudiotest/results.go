package spacestudiotest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// earthRadius is the equatorial radius in metres, to turn an altitude into
// a semi-major axis.
const earthRadius = 6378137.0

// FileName is the name under which the emulator keeps the ephemeris file
// of a computation, as the GridFS calls take it. The real server's file
// names, and where a client learns them, are not confirmed: this naming is
// the emulator's own.
func FileName(computationLogID string) string { return "ephemerides-" + computationLogID }

// number reads a JSON number (or a numeric string, as the vendor sometimes
// sends) from a stored field.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// finish ends a run: it writes the result document and the ephemeris file
// and sets the mission's computationLogId. Callers hold s.mu.
func (s *Server) finish(col string, m *object, run *run) {
	run.done = true
	results, errs, eph := s.compute1(col, m, run)
	doc := map[string]any{"results": results, "errors": errs}
	b, _ := json.Marshal(doc)
	s.st.logs[run.logID] = b
	if eph != nil {
		s.st.files[FileName(run.logID)] = eph
	}
	m.set("computationLogId", run.logID)
}

// compute1 is the emulator's stand-in for the flight-dynamics engine: a
// toy model, not physics. A simulation needs a spacecraft and an initial
// orbit (else the result lists errors); its altitude changes by the
// requested deltaSemiMajorAxis over the duration, with a made-up
// consumption. Other mission kinds return their name only.
func (s *Server) compute1(col string, m *object, run *run) (map[string]any, []map[string]string, *file) {
	results := map[string]any{"name": m.fields["name"]}
	var errs []map[string]string
	if col != "simulationrequests" {
		return results, []map[string]string{}, nil
	}
	orbit, _ := m.fields["initialOrbit"].(map[string]any)
	if orbit == nil {
		errs = append(errs, map[string]string{"message": "initialOrbit: an orbit is required"})
	}
	if _, ok := m.fields["spacecraft"].(map[string]any); !ok {
		errs = append(errs, map[string]string{"message": "spacecraft: a spacecraft is required"})
	}
	if errs != nil {
		return map[string]any{}, errs, nil
	}
	alt0, ok := number(orbit["altitude"])
	if !ok {
		alt0, _ = number(orbit["perigeeAltitude"])
	}
	duration, ok := number(m.fields["maximumDuration"])
	if !ok || duration <= 0 {
		duration = 86400
	}
	if run.pauseAfter > 0 && run.pauseAfter < duration {
		duration = run.pauseAfter
	}
	delta, _ := number(m.fields["deltaSemiMajorAxis"])
	step, ok := number(m.fields["ephemeridesStepInSeconds"])
	if !ok || step <= 0 {
		step = duration / 10
	}
	rows := int(math.Min(math.Floor(duration/step), 1000)) + 1
	eph := &file{columns: []string{"simulationDuration", "keplerianSma", "keplerianAltitude", "totalConsumption"}}
	rate := 1e-11 * math.Abs(delta) // kg per second of thrusting: made up
	for i := range rows {
		t := math.Min(float64(i)*step, duration)
		alt := alt0 + delta*t/duration
		eph.rows = append(eph.rows, []float64{t, earthRadius + alt, alt, rate * t})
	}
	final := map[string]any{}
	for k, v := range orbit {
		final[k] = v
	}
	final["altitude"] = alt0 + delta
	burns := 0
	if delta != 0 {
		burns = int(math.Ceil(duration / 5400)) // one burn an orbit or so
	}
	fieldIndexes := map[string]int{}
	for i, c := range eph.columns {
		fieldIndexes[c] = i
	}
	results["initialOrbit"] = orbit
	results["finalOrbit"] = final
	results["maneuverReport"] = map[string]any{
		"simulationDuration": duration,
		"totalConsumption":   rate * duration,
		"totalNumberOfBurns": burns,
	}
	results["ephemerides"] = eph.rows
	results["fieldIndexes"] = fieldIndexes
	if run.pauseAfter > 0 {
		results["paused"] = true // the emulator's marker; not a confirmed field
	}
	return results, []map[string]string{}, eph
}

func (s *Server) computationLog(w http.ResponseWriter, r *http.Request, logID string) {
	if r.Method != http.MethodGet {
		s.methodNotAllowed(w, r, "GET")
		return
	}
	doc, ok := s.st.logs[logID]
	if !ok {
		s.writeError(w, r, http.StatusNotFound, "No computation log with id "+logID)
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(doc))
}

func (s *Server) gridfs(w http.ResponseWriter, r *http.Request, form, name string) {
	if r.Method != http.MethodGet {
		s.methodNotAllowed(w, r, "GET")
		return
	}
	f, ok := s.st.files[name]
	if !ok || (form != "ascsv" && form != "asjson" && form != "csvasjson") {
		s.writeError(w, r, http.StatusNotFound, "No file named "+name)
		return
	}
	switch form {
	case "ascsv":
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".csv"))
		w.WriteHeader(http.StatusOK)
		f.writeCSV(w)
	case "asjson":
		writeJSON(w, http.StatusOK, map[string]any{"fieldIndexes": f.index(), "ephemerides": f.rows})
	case "csvasjson":
		rows := make([]map[string]float64, 0, len(f.rows))
		for _, row := range f.rows {
			m := map[string]float64{}
			for i, c := range f.columns {
				m[c] = row[i]
			}
			rows = append(rows, m)
		}
		writeJSON(w, http.StatusOK, rows)
	}
}

func (f *file) index() map[string]int {
	m := map[string]int{}
	for i, c := range f.columns {
		m[c] = i
	}
	return m
}

func (f *file) writeCSV(w io.Writer) {
	_, _ = io.WriteString(w, strings.Join(f.columns, ",")+"\n")
	for _, row := range f.rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		_, _ = io.WriteString(w, strings.Join(cells, ",")+"\n")
	}
}

// createFromResults resumes a paused simulation as a new mission: a copy
// of the original with the new name and pausedParentMissionId. The real
// server also copies the child objects; the emulator does not.
func (s *Server) createFromResults(w http.ResponseWriter, r *http.Request, id, newName string) {
	const col = "simulationrequests"
	orig, _ := s.st.find(col, id)
	if orig == nil {
		s.writeError(w, r, http.StatusNotFound, "No mission with id "+id)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	res, err := parseObject(body)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "the body must be the results object of the paused mission")
		return
	}
	if strings.TrimSpace(newName) == "" {
		s.writeError(w, r, http.StatusBadRequest, "the new name must not be blank")
		return
	}
	if s.st.nameTaken(col, newName, "") {
		s.writeError(w, r, http.StatusConflict, "A mission with the name '"+newName+"' already exists")
		return
	}
	o := &object{fields: map[string]any{}}
	for _, k := range orig.keys {
		if k != "computationLogId" {
			o.set(k, orig.fields[k])
		}
	}
	o.set("name", newName)
	if fo, ok := res.fields["finalOrbit"].(map[string]any); ok {
		o.set("initialOrbit", fo)
	}
	parent := id
	if p, ok := orig.fields["pausedParentMissionId"].(string); ok && p != "" {
		parent = p
	}
	o.set("pausedParentMissionId", parent)
	s.store(col, o, randomID())
	writeJSON(w, http.StatusOK, o.render())
}

// mergedResults adds up the results of a chain of paused simulations: the
// first mission and every mission resumed from it, in creation order.
func (s *Server) mergedResults(w http.ResponseWriter, r *http.Request, id string) {
	const col = "simulationrequests"
	first, _ := s.st.find(col, id)
	if first == nil {
		s.writeError(w, r, http.StatusNotFound, "No mission with id "+id)
		return
	}
	var (
		duration, consumption float64
		burns                 int
		rows                  [][]float64
		initial, final        any
		index                 map[string]int
	)
	for _, m := range s.st.collections[col] {
		if m.id != id && m.fields["pausedParentMissionId"] != id {
			continue
		}
		logID, _ := m.fields["computationLogId"].(string)
		doc, ok := s.st.logs[logID]
		if !ok {
			continue
		}
		var d struct {
			Results struct {
				InitialOrbit   any            `json:"initialOrbit"`
				FinalOrbit     any            `json:"finalOrbit"`
				Ephemerides    [][]float64    `json:"ephemerides"`
				FieldIndexes   map[string]int `json:"fieldIndexes"`
				ManeuverReport struct {
					SimulationDuration float64 `json:"simulationDuration"`
					TotalConsumption   float64 `json:"totalConsumption"`
					TotalNumberOfBurns int     `json:"totalNumberOfBurns"`
				} `json:"maneuverReport"`
			} `json:"results"`
		}
		if json.Unmarshal(doc, &d) != nil {
			continue
		}
		if initial == nil {
			initial = d.Results.InitialOrbit
		}
		final, index = d.Results.FinalOrbit, d.Results.FieldIndexes
		for _, row := range d.Results.Ephemerides {
			shifted := append([]float64(nil), row...)
			if i, ok := index["simulationDuration"]; ok && i < len(shifted) {
				shifted[i] += duration
			}
			rows = append(rows, shifted)
		}
		mr := d.Results.ManeuverReport
		duration += mr.SimulationDuration
		consumption += mr.TotalConsumption
		burns += mr.TotalNumberOfBurns
	}
	if rows == nil {
		s.writeError(w, r, http.StatusNotFound, "The mission chain has no results")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"results": map[string]any{
			"name": fmt.Sprint(first.fields["name"]) + " - merged", "initialOrbit": initial, "finalOrbit": final,
			"maneuverReport": map[string]any{"simulationDuration": duration, "totalConsumption": consumption, "totalNumberOfBurns": burns},
			"ephemerides":    rows, "fieldIndexes": index,
		},
		"errors": []any{},
	})
}

// randomUUID is a version-4 UUID.
func randomUUID() string {
	h := randomHex(16)
	b := []byte(h)
	b[12] = '4'
	return fmt.Sprintf("%s-%s-%s-%s-%s", b[0:8], b[8:12], b[12:16], b[16:20], b[20:32])
}
