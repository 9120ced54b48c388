package cachettest

import (
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

func scheduleStatusName(status int) string {
	switch status {
	case 0:
		return "Upcoming"
	case 1:
		return "In Progress"
	case 2:
		return "Complete"
	}
	return ""
}

// scheduleOut is a schedule as the presenter renders it.
type scheduleOut struct {
	cachetapi.Schedule
	Message   *string `json:"message"`
	DeletedAt *string `json:"deleted_at"`
}

func (c *reqCtx) scheduleOut(x *schedule) scheduleOut {
	created, updated := fmtTime(x.createdAt, c.loc), fmtTime(x.updatedAt, c.loc)
	// The presenter formats a missing completed_at as "now".
	completed := c.now
	if x.completedAt != nil {
		completed = *x.completedAt
	}
	done := fmtTime(completed, c.loc)
	return scheduleOut{
		Schedule: cachetapi.Schedule{
			ID:          x.id,
			Name:        x.name,
			Status:      cachetapi.ScheduleStatus(x.status),
			HumanStatus: scheduleStatusName(x.status),
			ScheduledAt: fmtTime(x.scheduledAt, c.loc),
			CompletedAt: &done,
			CreatedAt:   &created,
			UpdatedAt:   &updated,
			Components:  []cachetapi.ScheduleComponent{}, // the API never links any
		},
		Message: x.message,
	}
}

var scheduleList = &listDef[schedule]{
	cell: func(x *schedule, col string) cell {
		switch col {
		case "id":
			return intCell(x.id)
		case "name":
			return strCell(x.name)
		case "status":
			return intCell(x.status)
		case "scheduled_at":
			return timeCell(x.scheduledAt)
		case "completed_at":
			if x.completedAt == nil {
				return nullCell(colTime)
			}
			return timeCell(*x.completedAt)
		case "created_at":
			return timeCell(x.createdAt)
		case "updated_at":
			return timeCell(x.updatedAt)
		}
		return nullCell(colInt)
	},
	sortable: []string{"id", "name", "status", "scheduled_at", "completed_at", "created_at", "updated_at"},
	sort:     sortAlwaysDesc,
}

func (s *Server) listSchedules(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return listPage(c, s.st.schedules.all(), scheduleList, c.scheduleOut)
}

func (s *Server) getSchedule(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return one(s.st.schedules.get(c.ids[0]), c.scheduleOut)
}

func (s *Server) createSchedule(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, err := s.insertSchedule(c, c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.scheduleOut(x))
}

// insertSchedule is ScheduleController@store; the caller holds the write
// lock. Unlike incidents, a date in the wrong format is a 400 here: the
// handler turns Carbon's exception into a validation error.
func (s *Server) insertSchedule(c *reqCtx, in *input) (*schedule, error) {
	name, message, status := in.get("name", nil), in.raw("message", nil), in.get("status", nil)
	scheduledAt, completedAt := in.get("scheduled_at", nil), in.get("completed_at", nil)
	components, notify := in.get("components", []any{}), in.get("notify", false)
	if err := validate(
		f("name", name, "required|string"),
		f("message", message, "nullable|string"),
		f("status", status, "required|int|min:0|max:2"),
		f("scheduled_at", scheduledAt, "required|string"),
		f("completed_at", completedAt, "nullable|string"),
		f("components", components, "nullable|array"),
		f("notify", notify, "nullable|bool"),
	); err != nil {
		return nil, err
	}
	scheduled, perr := parseInputTime(phpString(scheduledAt), c.loc, c.now)
	if perr != "" {
		return nil, errValidation(perr)
	}
	var completed *time.Time
	if phpBool(completedAt) {
		t, perr := parseInputTime(phpString(completedAt), c.loc, c.now)
		if perr != "" {
			return nil, errValidation(perr)
		}
		completed = &t
	}
	x := &schedule{
		name:        phpString(name),
		status:      phpToInt(status),
		scheduledAt: scheduled,
		completedAt: completed,
		createdAt:   c.now,
		updatedAt:   c.now,
	}
	if msg, isStr := message.(string); isStr && msg != "" {
		x.message = &msg // the handler drops null and "" values
	}
	x.id = s.st.schedules.insert(x)
	return x, nil
}

func (s *Server) updateSchedule(c *reqCtx) (int, any, error) {
	in := c.in
	name, message, status := in.get("name", nil), in.get("message", nil), in.get("status", nil)
	scheduledAt, completedAt := in.get("scheduled_at", nil), in.get("completed_at", nil)
	components := in.get("components", []any{})
	if err := validate(
		f("name", name, "nullable|string"),
		f("message", message, "nullable|string"),
		f("status", status, "nullable|int|min:0|max:2"),
		f("scheduled_at", scheduledAt, "nullable|string"),
		f("completed_at", completedAt, "nullable|string"),
		f("components", components, "nullable|array"),
	); err != nil {
		return 0, nil, err
	}
	var scheduled, completed *time.Time
	for _, d := range []struct {
		in  any
		out **time.Time
	}{{scheduledAt, &scheduled}, {completedAt, &completed}} {
		if !phpBool(d.in) {
			continue
		}
		t, perr := parseInputTime(phpString(d.in), c.loc, c.now)
		if perr != "" {
			return 0, nil, errServer // not caught on update: a 500
		}
		*d.out = &t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.st.schedules.get(c.ids[0])
	if x == nil {
		return gone()
	}
	if name != nil && phpString(name) == "" {
		return 0, nil, errValidation("The name field is required.") // the model's rule
	}
	before := *x
	fill(&x.name, name, phpString)
	if message != nil {
		msg := phpString(message)
		x.message = &msg
	}
	fill(&x.status, status, phpToInt)
	if scheduled != nil {
		x.scheduledAt = *scheduled
	}
	if completed != nil {
		x.completedAt = completed
	}
	if scheduleChanged(&before, x) {
		x.updatedAt = c.now
	}
	return single(c.scheduleOut(x))
}

func scheduleChanged(a, b *schedule) bool {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return "\x00" + *p
	}
	tm := func(p *time.Time) int64 {
		if p == nil {
			return -1 << 62
		}
		return p.Unix()
	}
	return a.name != b.name || str(a.message) != str(b.message) || a.status != b.status ||
		!a.scheduledAt.Equal(b.scheduledAt) || tm(a.completedAt) != tm(b.completedAt)
}

func (s *Server) deleteSchedule(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	s.st.schedules.remove(c.ids[0])
	s.mu.Unlock()
	return noContent()
}
