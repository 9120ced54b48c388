package cachet

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// MetricManager manages metrics, the charts of the status page. Guests see
// every metric, whatever its Visible.
type MetricManager struct{ c *Client }

// MetricCreate describes a new metric. Nil pointers take the server's
// defaults, given on each field.
type MetricCreate struct {
	// Name is required.
	Name string
	// Suffix, the unit shown after values (e.g. "ms"), is required.
	Suffix string
	// Description is shown with the chart.
	Description string
	// DefaultValue fills time slots without points.
	DefaultValue int
	// CalcType is how the points of one slot combine (zero: CalcSum).
	CalcType MetricCalcType
	// DisplayChart nil: true.
	DisplayChart *bool
	// Places nil: 2 decimal places (0 to 4).
	Places *int
	// DefaultView nil: ViewLast12Hours.
	DefaultView *MetricView
	// Threshold 0: 5 minutes. It must be a whole number of minutes that
	// divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60).
	Threshold time.Duration
	// Order is the position on the page, lowest first.
	Order int
	// Visible nil: VisibilityPublic.
	Visible *Visibility
}

// MetricChanges is a partial update of a metric: nil fields keep their
// value.
type MetricChanges struct {
	// Name renames the metric.
	Name *string
	// Suffix changes the unit.
	Suffix *string
	// Description replaces the description.
	Description *string
	// DefaultValue changes the value of empty slots.
	DefaultValue *int
	// CalcType changes how points combine.
	CalcType *MetricCalcType
	// DisplayChart shows or hides the chart.
	DisplayChart *bool
	// Places changes the decimal places (0 to 4).
	Places *int
	// DefaultView changes the range the chart opens on.
	DefaultView *MetricView
	// Threshold changes the folding window; same rules as on creation.
	Threshold *time.Duration
	// Order moves the metric on the page.
	Order *int
	// Visible changes who sees the chart.
	Visible *Visibility
}

func metricOne(c *Client, op string, resp *http.Response, err error) (*Metric, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.MetricResponse) cachetapi.Metric { return e.Data },
		func(m cachetapi.Metric) int { return m.ID },
		(*decoder).metric)
}

// minutes converts a threshold; the server counts whole minutes.
func minutes(op string, d time.Duration) (*int, error) {
	if d <= 0 || d%time.Minute != 0 || time.Hour%d != 0 {
		return nil, &facade.ArgumentError{Platform: platform, Operation: op, Argument: "Threshold",
			Reason: fmt.Sprintf("%v is not a whole number of minutes dividing an hour", d)}
	}
	n := int(d / time.Minute)
	return &n, nil
}

// Create adds a metric.
func (m *MetricManager) Create(ctx context.Context, in MetricCreate) (*Metric, error) {
	body := cachetapi.MetricCreate{
		Name:         in.Name,
		Suffix:       in.Suffix,
		Description:  ptrIf(in.Description),
		DefaultValue: in.DefaultValue,
		CalcType:     (*cachetapi.MetricCalcType)(&in.CalcType),
		Places:       in.Places,
		DefaultView:  (*cachetapi.MetricView)(in.DefaultView),
		Order:        ptrIf(in.Order),
		Visible:      (*cachetapi.MetricVisibility)(in.Visible),
	}
	body.DisplayChart = flag(in.DisplayChart)
	if in.Threshold != 0 {
		n, err := minutes("Metrics.Create", in.Threshold)
		if err != nil {
			return nil, err
		}
		body.Threshold = n
	}
	resp, err := m.c.api.CreateMetric(ctx, body)
	return metricOne(m.c, "CreateMetric", resp, err)
}

// Get returns one metric.
func (m *MetricManager) Get(ctx context.Context, id int) (*Metric, error) {
	resp, err := m.c.api.GetMetric(ctx, id)
	return metricOne(m.c, "GetMetric", resp, err)
}

// Update changes the fields set in u and returns the metric as stored.
func (m *MetricManager) Update(ctx context.Context, id int, u MetricChanges) (*Metric, error) {
	body := cachetapi.MetricUpdate{
		Name:         u.Name,
		Suffix:       u.Suffix,
		Description:  u.Description,
		DefaultValue: u.DefaultValue,
		CalcType:     (*cachetapi.MetricCalcType)(u.CalcType),
		Places:       u.Places,
		DefaultView:  (*cachetapi.MetricView)(u.DefaultView),
		Order:        u.Order,
		Visible:      (*cachetapi.MetricVisibility)(u.Visible),
	}
	body.DisplayChart = flag(u.DisplayChart)
	if u.Threshold != nil {
		n, err := minutes("Metrics.Update", *u.Threshold)
		if err != nil {
			return nil, err
		}
		body.Threshold = n
	}
	resp, err := m.c.api.UpdateMetric(ctx, id, body)
	return metricOne(m.c, "UpdateMetric", resp, err)
}

// Delete removes a metric and all its points.
func (m *MetricManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteMetric(ctx, id)
	return wire.NoContent(m.c.call("DeleteMetric"), resp, err)
}

// List iterates over the metrics. Sort columns: id, name, display_chart,
// default_value, calc_type, order, visible.
func (m *MetricManager) List(ctx context.Context, opts ListOptions) iter.Seq2[Metric, error] {
	return m.lister().seq(ctx, opts)
}

// Count returns the number of metrics with one request.
func (m *MetricManager) Count(ctx context.Context) (int, error) {
	return m.lister().count(ctx)
}

// metricSorts are the sort columns of metrics, made once.
var metricSorts = []string{"id", "name", "display_chart", "default_value", "calc_type", "order", "visible"}

func (m *MetricManager) lister() *lister[Metric] {
	const op = "ListMetrics"
	return &lister[Metric]{
		c:    m.c,
		spec: listSpec{op: "Metrics.List", sorts: metricSorts},
		id:   func(x Metric) int { return x.ID },
		fetch: func(ctx context.Context, q pageQuery) (pageOf[Metric], error) {
			resp, err := m.c.api.ListMetrics(ctx, &cachetapi.ListMetricsParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
				Sort:    sortParam[cachetapi.ListMetricsParamsSort](q.sort),
				Order:   orderParam[cachetapi.SortOrder](q.order),
			})
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.MetricList) (*[]cachetapi.Metric, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).metric)
		},
	}
}

// MetricPointManager manages the values of metrics. There is no way to
// read a single point: list them.
type MetricPointManager struct{ c *Client }

// MetricPointCreate is a new value of a metric.
type MetricPointCreate struct {
	// Value is the measurement.
	Value float64
	// Timestamp is when the value was measured; zero means now. The
	// server rounds it to 30 seconds.
	Timestamp time.Time
}

// MetricPointChanges is a partial update of a point: nil fields keep
// their value.
type MetricPointChanges struct {
	// Value replaces the value; nil keeps it (see Update).
	Value *float64
	// Timestamp moves the point in time (rounded to 30 seconds).
	Timestamp *time.Time
}

func pointOne(c *Client, op string, resp *http.Response, err error) (*MetricPoint, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.MetricPointResponse) cachetapi.MetricPoint { return e.Data },
		func(m cachetapi.MetricPoint) int { return m.ID },
		(*decoder).point)
}

// Create adds a value to a metric. When the metric already has a point
// with the same value within its threshold (counted back from now, not
// from Timestamp), the server makes no new point: it counts that one up
// and returns it, with its own id and created_at.
func (m *MetricPointManager) Create(ctx context.Context, metricID int, p MetricPointCreate) (*MetricPoint, error) {
	body := cachetapi.MetricPointCreate{Value: p.Value}
	if !p.Timestamp.IsZero() {
		ts := p.Timestamp.Unix()
		body.Timestamp = &ts
	}
	resp, err := m.c.api.CreateMetricPoint(ctx, metricID, body)
	return pointOne(m.c, "CreateMetricPoint", resp, err)
}

// Update changes a point and returns it as stored.
//
// The real server sets the value to 0 when it is omitted. When u.Value is
// nil, Update therefore finds the point's current value first by listing
// the metric's points (there is no call to read one point), and sends it
// back; a point that is not in that list (missing, or a point of another
// metric) is an error matching facade.ErrNotFound, which is not an
// *facade.APIError (see "Errors" in the package documentation).
//
// The server does not check that the point belongs to metricID: it edits
// point pointID whatever metric the path names. When u.Value is nil the
// list walk above checks it; when u.Value is set, nothing does (finding a
// point costs a walk over its metric's points), so make sure pointID is a
// point of metricID, e.g. one that [MetricPointManager.List] yielded.
func (m *MetricPointManager) Update(ctx context.Context, metricID, pointID int, u MetricPointChanges) (*MetricPoint, error) {
	var body cachetapi.MetricPointUpdate
	if u.Value != nil {
		body.Value = u.Value
	} else {
		cur, err := m.find(ctx, metricID, pointID)
		if err != nil {
			return nil, err
		}
		body.Value = &cur.Value
	}
	if u.Timestamp != nil {
		// The update route validates the timestamp as a string of Unix
		// seconds, unlike create, which wants a number.
		ts := strconv.FormatInt(u.Timestamp.Unix(), 10)
		body.Timestamp = &ts
	}
	resp, err := m.c.api.UpdateMetricPoint(ctx, metricID, pointID, body)
	return pointOne(m.c, "UpdateMetricPoint", resp, err)
}

// find looks a point up in its metric's list, in large pages.
func (m *MetricPointManager) find(ctx context.Context, metricID, pointID int) (*MetricPoint, error) {
	for p, err := range m.List(ctx, metricID, ListOptions{PerPage: filteredPageSize}) {
		if err != nil {
			return nil, err
		}
		if p.ID == pointID {
			return &p, nil
		}
	}
	// The walk answered 200 throughout: this is the facade's finding, not
	// an APIError.
	return nil, fmt.Errorf("%s: UpdateMetricPoint: metric %d has no point %d: %w", platform, metricID, pointID, facade.ErrNotFound)
}

// Delete removes a point.
//
// The server does not check that the point belongs to metricID: it
// deletes point pointID whatever metric the path names, and the facade
// does not check either (there is no call to read one point, and walking
// the metric's points for every delete would cost more than the delete).
// Make sure pointID is a point of metricID, e.g. one that
// [MetricPointManager.List] yielded.
func (m *MetricPointManager) Delete(ctx context.Context, metricID, pointID int) error {
	resp, err := m.c.api.DeleteMetricPoint(ctx, metricID, pointID)
	return wire.NoContent(m.c.call("DeleteMetricPoint"), resp, err)
}

// List iterates over a metric's points, newest first; Order Ascending
// gives them oldest first. They cannot be sorted otherwise.
func (m *MetricPointManager) List(ctx context.Context, metricID int, opts ListOptions) iter.Seq2[MetricPoint, error] {
	return m.lister(metricID).seq(ctx, opts)
}

// Count returns the number of points of a metric with one request.
func (m *MetricPointManager) Count(ctx context.Context, metricID int) (int, error) {
	return m.lister(metricID).count(ctx)
}

func (m *MetricPointManager) lister(metricID int) *lister[MetricPoint] {
	const op = "ListMetricPoints"
	return &lister[MetricPoint]{
		c:    m.c,
		spec: listSpec{op: "MetricPoints.List", newestFirst: true},
		id:   func(p MetricPoint) int { return p.ID },
		fetch: func(ctx context.Context, q pageQuery) (pageOf[MetricPoint], error) {
			resp, err := m.c.api.ListMetricPoints(ctx, metricID, &cachetapi.ListMetricPointsParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
			})
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.MetricPointList) (*[]cachetapi.MetricPoint, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).point)
		},
	}
}
