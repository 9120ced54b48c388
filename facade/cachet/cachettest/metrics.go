package cachettest

import (
	"math"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// metricViewNames are the English labels of the default views; another
// value shows the translator's fallback, the bare key prefix.
func metricViewName(view int) string {
	switch view {
	case 0:
		return "Last Hour"
	case 1:
		return "Last 12 Hours"
	case 2:
		return "Week"
	case 3:
		return "Month"
	}
	return "cachet.metrics.filter."
}

// metricOut is a metric as the presenter renders it (description may be
// null, which the generated type would omit).
type metricOut struct {
	cachetapi.Metric
	Description *string `json:"description"`
}

func (c *reqCtx) metricOut(m *metric) metricOut {
	created, updated, view := fmtTime(m.createdAt, c.loc), fmtTime(m.updatedAt, c.loc), metricViewName(m.defaultView)
	return metricOut{
		Metric: cachetapi.Metric{
			ID:              m.id,
			Name:            m.name,
			Suffix:          m.suffix,
			DefaultValue:    int(m.defaultValue), // decimal column, cast to int on output
			CalcType:        cachetapi.MetricCalcType(m.calcType),
			DisplayChart:    m.displayChart,
			Places:          m.places,
			DefaultView:     cachetapi.MetricView(m.defaultView),
			DefaultViewName: &view,
			Threshold:       m.threshold,
			Order:           m.order,
			Visible:         cachetapi.MetricVisibility(m.visible),
			CreatedAt:       &created,
			UpdatedAt:       &updated,
		},
		Description: m.description,
	}
}

// phpFloat is a float as PHP 7.1+ json_encode writes it: integral values
// keep a ".0" ("1.0", not "1"), which matters to clients decoding the
// metric point values into integers.
type phpFloat float64

// MarshalJSON writes the shortest representation, with ".0" on integers.
func (f phpFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("0"), nil // json_encode fails on these; no decimal column holds them
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendFloat(nil, v, 'f', 1, 64), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// pointOut is a metric point as the presenter renders it.
type pointOut struct {
	cachetapi.MetricPoint
	Value           phpFloat `json:"value"`
	CalculatedValue phpFloat `json:"calculated_value"`
}

func (c *reqCtx) pointOut(p *metricPoint) pointOut {
	updated := fmtTime(p.updatedAt, c.loc)
	return pointOut{
		MetricPoint: cachetapi.MetricPoint{
			ID:        p.id,
			MetricID:  p.metricID,
			Counter:   p.counter,
			CreatedAt: fmtTime(p.createdAt, c.loc),
			UpdatedAt: &updated,
		},
		Value:           phpFloat(p.value),
		CalculatedValue: phpFloat(p.value * float64(p.counter)),
	}
}

var metricList = &listDef[metric]{
	cell: func(m *metric, col string) cell {
		switch col {
		case "id":
			return intCell(m.id)
		case "name":
			return strCell(m.name)
		case "display_chart":
			return boolCell(m.displayChart)
		case "default_value":
			return floatCell(m.defaultValue)
		case "calc_type":
			return intCell(m.calcType)
		case "order":
			return intCell(m.order)
		case "visible":
			return intCell(m.visible)
		}
		return nullCell(colInt)
	},
	sortable: []string{"id", "name", "display_chart", "default_value", "calc_type", "order", "visible"},
	sort:     sortAlwaysDesc,
}

func (s *Server) listMetrics(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// No visibility filter for guests: the controller lists every metric.
	return listPage(c, s.st.metrics.all(), metricList, c.metricOut)
}

func (s *Server) getMetric(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return one(s.st.metrics.get(c.ids[0]), c.metricOut)
}

func (s *Server) createMetric(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.insertMetric(c, c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.metricOut(m))
}

// insertMetric is MetricController@store; the caller holds the write lock.
func (s *Server) insertMetric(c *reqCtx, in *input) (*metric, error) {
	name, suffix, desc := in.get("name", nil), in.get("suffix", nil), in.get("description", nil)
	defValue, calcType := in.get("default_value", nil), in.get("calc_type", int64(0))
	displayChart, places := in.get("display_chart", true), in.get("places", int64(2))
	view := in.get("default_view", in.get("view", int64(1)))
	threshold, order, visible := in.get("threshold", int64(5)), in.get("order", int64(0)), in.get("visible", int64(1))
	if err := validate(
		f("name", name, "required|string"),
		f("suffix", suffix, "required|string"),
		f("description", desc, "nullable|string"),
		f("default_value", defValue, "required|int"),
		f("calc_type", calcType, "required|int"),
		f("display_chart", displayChart, "nullable|int"),
		f("places", places, "nullable|int|between:0,4"),
		f("default_view", view, "required|int|between:0,3"),
		f("threshold", threshold, "required|int"),
		f("order", order, "nullable|int"),
		f("visible", visible, "required|int|between:0,2"),
	); err != nil {
		return nil, err
	}
	if err := validateMetricModel(name, suffix, displayChart, defValue, places, view, visible, threshold); err != nil {
		return nil, err
	}
	dv := phpToFloat(defValue)
	if math.Abs(dv) >= 1e7 {
		return nil, errBadRequest // out of range for decimal(10,3): QueryException
	}
	m := &metric{
		name:         phpString(name),
		suffix:       phpString(suffix),
		description:  optString(desc),
		defaultValue: round3(dv),
		calcType:     phpToInt(calcType),
		displayChart: phpBool(displayChart),
		places:       phpToInt(places),
		defaultView:  phpToInt(view),
		threshold:    phpToInt(threshold),
		order:        phpToInt(order),
		visible:      phpToInt(visible),
		createdAt:    c.now,
		updatedAt:    c.now,
	}
	m.id = s.st.metrics.insert(m)
	return m, nil
}

// validateMetricModel is the Metric model's rules and its validate()
// (the threshold must divide an hour; 0 is a division by zero).
func validateMetricModel(name, suffix, displayChart, defValue, places, view, visible, threshold any) error {
	if err := validate(
		f("name", name, "required"),
		f("suffix", suffix, "required"),
		f("display_chart", displayChart, "required|bool"),
		f("default_value", defValue, "required|numeric"),
		f("places", places, "required|numeric|between:0,4"),
		f("default_view", view, "required|numeric|between:0,3"),
		f("visible", visible, "required|numeric|between:0,2"),
	); err != nil {
		return err
	}
	t := phpToInt(threshold)
	if t == 0 {
		return errServer // DivisionByZeroError: Modulo by zero
	}
	if 60%t != 0 {
		return errValidation("Threshold must divide by 60.")
	}
	return nil
}

// round3 is a decimal(…,3) column: half away from zero at 3 decimals.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func (s *Server) updateMetric(c *reqCtx) (int, any, error) {
	in := c.in
	name, suffix, desc := in.get("name", nil), in.get("suffix", nil), in.get("description", nil)
	defValue, calcType := in.get("default_value", nil), in.get("calc_type", nil)
	displayChart, places := in.get("display_chart", nil), in.get("places", nil)
	view := in.get("default_view", in.get("view", nil))
	threshold, order, visible := in.get("threshold", nil), in.get("order", nil), in.get("visible", nil)
	if err := validate(
		f("name", name, "nullable|string"),
		f("suffix", suffix, "nullable|string"),
		f("description", desc, "nullable|string"),
		f("default_value", defValue, "nullable|numeric"),
		f("calc_type", calcType, "nullable|int|in:0,1"),
		f("display_chart", displayChart, "nullable|int"),
		f("places", places, "nullable|numeric|between:0,4"),
		f("default_view", view, "nullable|numeric|between:0,4"),
		f("threshold", threshold, "nullable|int"),
		f("order", order, "nullable|int"),
		f("visible", visible, "nullable|int|between:0,2"),
	); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.metrics.get(c.ids[0])
	if m == nil {
		return gone()
	}
	pick := func(v, cur any) any {
		if v != nil {
			return v
		}
		return cur
	}
	mDisplay := pick(displayChart, m.displayChart)
	if err := validateMetricModel(pick(name, m.name), pick(suffix, m.suffix), mDisplay,
		pick(defValue, m.defaultValue), pick(places, int64(m.places)), pick(view, int64(m.defaultView)),
		pick(visible, int64(m.visible)), pick(threshold, int64(m.threshold))); err != nil {
		return 0, nil, err
	}
	for _, v := range []any{places, view} {
		if n, isNum := phpNumber(v); isNum && n != math.Trunc(n) {
			return 0, nil, errBadRequest // a fraction in an integer column: QueryException
		}
	}
	if n, isNum := phpNumber(defValue); isNum && math.Abs(n) >= 1e7 {
		return 0, nil, errBadRequest
	}
	before := *m
	fill(&m.name, name, phpString)
	fill(&m.suffix, suffix, phpString)
	fill(&m.description, desc, optString)
	if defValue != nil {
		m.defaultValue = round3(phpToFloat(defValue))
	}
	fill(&m.calcType, calcType, phpToInt)
	fill(&m.displayChart, displayChart, phpBool)
	fill(&m.places, places, phpToInt)
	fill(&m.defaultView, view, phpToInt)
	fill(&m.threshold, threshold, phpToInt)
	fill(&m.order, order, phpToInt)
	fill(&m.visible, visible, phpToInt)
	if metricChanged(&before, m) {
		m.updatedAt = c.now
	}
	return single(c.metricOut(m))
}

func metricChanged(a, b *metric) bool {
	descA, descB := "", ""
	if a.description != nil {
		descA = "\x00" + *a.description
	}
	if b.description != nil {
		descB = "\x00" + *b.description
	}
	x, y := *a, *b
	x.description, y.description = nil, nil
	return x != y || descA != descB
}

func (s *Server) deleteMetric(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.ids[0]
	for _, p := range s.st.pointsOf(id) {
		s.st.points.remove(p.id) // the model deletes its points first
	}
	s.st.metrics.remove(id)
	return noContent()
}

// --- metric points --------------------------------------------------------

var pointList = &listDef[metricPoint]{sort: sortIgnored}

func (s *Server) listPoints(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return listPage(c, s.st.pointsOf(c.ids[0]), pointList, c.pointOut)
}

func (s *Server) createPoint(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.insertPoint(c, c.ids[0], c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.pointOut(p))
}

// roundTo30s is MetricPoint's created_at mutator: 30 * round(unix / 30).
func roundTo30s(t time.Time) time.Time {
	u := float64(t.Unix())
	return time.Unix(int64(30*math.Round(u/30)), 0)
}

// insertPoint is CreateMetricPointCommandHandler; the caller holds the
// write lock. The same value seen again within the metric's threshold
// (counted back from now, from the start of a minute) bumps the counter of
// the existing point instead of adding one.
func (s *Server) insertPoint(c *reqCtx, metricID int, in *input) (*metricPoint, error) {
	value, ts := in.get("value", nil), in.get("timestamp", nil)
	if err := validate(
		f("value", value, "required|numeric"),
		f("created_at", ts, "nullable|int"),
	); err != nil {
		return nil, err
	}
	m := s.st.metrics.get(metricID)
	if m == nil {
		return nil, errNotFound
	}
	v := phpToFloat(value)
	if math.Abs(v) >= 1e12 {
		return nil, errBadRequest // out of range for decimal(15,3)
	}
	buffer := c.now.Add(-time.Duration(m.threshold-1) * time.Minute).Truncate(time.Minute)
	for _, id := range s.st.points.ids {
		p := s.st.points.rows[id]
		if p.metricID == metricID && p.value == v && !p.createdAt.Before(buffer) {
			p.counter++
			p.updatedAt = c.now
			return p, nil
		}
	}
	created := c.now
	if phpBool(ts) {
		created = time.Unix(int64(phpToInt(ts)), 0)
	}
	p := &metricPoint{
		metricID:  metricID,
		value:     round3(v),
		counter:   1,
		createdAt: roundTo30s(created),
		updatedAt: c.now,
	}
	p.id = s.st.points.insert(p)
	return p, nil
}

func (s *Server) updatePoint(c *reqCtx) (int, any, error) {
	value, ts := c.in.get("value", nil), c.in.get("timestamp", nil)
	// The command declares created_at as a string: a JSON number
	// timestamp fails validation here, unlike on create.
	if err := validate(
		f("value", value, "nullable|numeric"),
		f("created_at", ts, "nullable|string"),
	); err != nil {
		return 0, nil, err
	}
	var created *time.Time
	if phpBool(ts) {
		n, isInt := phpIntValue(ts)
		if !isInt {
			return 0, nil, errServer // Carbon cannot read it as 'U'
		}
		t := roundTo30s(time.Unix(n, 0))
		created = &t
	}
	v := phpToFloat(value) // an omitted value is cast to 0
	if math.Abs(v) >= 1e12 {
		return 0, nil, errServer
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.points.get(c.ids[1])
	if p == nil {
		return gone()
	}
	before := *p
	p.metricID = c.ids[0] // the point moves to the metric of the URL
	p.value = round3(v)
	if created != nil {
		p.createdAt = *created
	}
	if *p != before {
		p.updatedAt = c.now
	}
	return single(c.pointOut(p))
}

func (s *Server) deletePoint(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	s.st.points.remove(c.ids[1]) // no check that it belongs to the metric
	s.mu.Unlock()
	return noContent()
}
