package cachet

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// ScheduleManager manages maintenance windows (Cachet 2.4). Which
// components a window affects is set in the dashboard only: the API
// accepts a component list on creation but ignores it.
type ScheduleManager struct{ c *Client }

// ScheduleCreate describes a new maintenance window. Times are sent to the
// minute, in the client's zone.
type ScheduleCreate struct {
	// Name is required.
	Name string
	// Message is Markdown.
	Message string
	// Status is required; its zero value is ScheduleUpcoming.
	Status ScheduleStatus
	// ScheduledAt is the start of the window; required.
	ScheduledAt time.Time
	// CompletedAt zero leaves the window open-ended.
	CompletedAt time.Time
	// Notify emails the subscribers.
	Notify bool
}

// ScheduleChanges is a partial update of a schedule: nil fields keep
// their value.
type ScheduleChanges struct {
	// Name renames the window.
	Name *string
	// Message replaces the message.
	Message *string
	// Status moves the window on (Cachet never does it by itself).
	Status *ScheduleStatus
	// ScheduledAt moves the start; nil or the zero time keeps it.
	ScheduledAt *time.Time
	// CompletedAt moves the end; nil or the zero time keeps it.
	CompletedAt *time.Time
}

func scheduleOne(c *Client, op string, resp *http.Response, err error) (*Schedule, error) {
	return decodeOne(c, op, resp, err,
		func(e cachetapi.ScheduleResponse) cachetapi.Schedule { return e.Data },
		func(m cachetapi.Schedule) int { return m.ID },
		(*decoder).schedule)
}

// Create schedules a maintenance window.
func (m *ScheduleManager) Create(ctx context.Context, in ScheduleCreate) (*Schedule, error) {
	if in.ScheduledAt.IsZero() {
		return nil, &facade.ArgumentError{Platform: platform, Operation: "Schedules.Create", Argument: "ScheduledAt", Reason: "required"}
	}
	body := cachetapi.ScheduleCreate{
		Name:        in.Name,
		Message:     ptrIf(in.Message),
		Status:      cachetapi.ScheduleStatus(in.Status),
		ScheduledAt: formatInput(in.ScheduledAt, m.c.loc),
		CompletedAt: optInput(&in.CompletedAt, m.c.loc),
		Notify:      &in.Notify,
	}
	resp, err := m.c.api.CreateSchedule(ctx, body)
	return scheduleOne(m.c, "CreateSchedule", resp, err)
}

// Get returns one schedule.
func (m *ScheduleManager) Get(ctx context.Context, id int) (*Schedule, error) {
	resp, err := m.c.api.GetSchedule(ctx, id)
	return scheduleOne(m.c, "GetSchedule", resp, err)
}

// Update changes the fields set in u and returns the schedule as stored.
func (m *ScheduleManager) Update(ctx context.Context, id int, u ScheduleChanges) (*Schedule, error) {
	resp, err := m.c.api.UpdateSchedule(ctx, id, cachetapi.ScheduleUpdate{
		Name:        u.Name,
		Message:     u.Message,
		Status:      (*cachetapi.ScheduleStatus)(u.Status),
		ScheduledAt: optInput(u.ScheduledAt, m.c.loc),
		CompletedAt: optInput(u.CompletedAt, m.c.loc),
	})
	return scheduleOne(m.c, "UpdateSchedule", resp, err)
}

// Delete removes a schedule (a soft delete on the server).
func (m *ScheduleManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteSchedule(ctx, id)
	return wire.NoContent(m.c.call("DeleteSchedule"), resp, err)
}

// List iterates over the schedules. Sort columns: id, name, status,
// scheduled_at, completed_at, created_at, updated_at.
func (m *ScheduleManager) List(ctx context.Context, opts ListOptions) iter.Seq2[Schedule, error] {
	return m.lister().seq(ctx, opts)
}

// Count returns the number of schedules with one request.
func (m *ScheduleManager) Count(ctx context.Context) (int, error) {
	return m.lister().count(ctx)
}

// scheduleSorts are the sort columns of schedules, made once.
var scheduleSorts = []string{"id", "name", "status", "scheduled_at", "completed_at", "created_at", "updated_at"}

func (m *ScheduleManager) lister() *lister[Schedule] {
	const op = "ListSchedules"
	return &lister[Schedule]{
		c:    m.c,
		spec: listSpec{op: "Schedules.List", sorts: scheduleSorts},
		id:   func(s Schedule) int { return s.ID },
		fetch: func(ctx context.Context, q pageQuery) (pageOf[Schedule], error) {
			resp, err := m.c.api.ListSchedules(ctx, &cachetapi.ListSchedulesParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
				Sort:    sortParam[cachetapi.ListSchedulesParamsSort](q.sort),
				Order:   orderParam[cachetapi.SortOrder](q.order),
			})
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.ScheduleList) (*[]cachetapi.Schedule, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).schedule)
		},
	}
}
