package cachet

import "strconv"

// ComponentStatus is how a component is doing. The zero value is a real
// status (Unknown, Cachet 2.4), not "unset": updates use *ComponentStatus
// so that setting Unknown is possible.
type ComponentStatus int

// Component statuses. Cachet 2.3 accepts only 1 to 4.
const (
	ComponentUnknown           ComponentStatus = 0
	ComponentOperational       ComponentStatus = 1
	ComponentPerformanceIssues ComponentStatus = 2
	ComponentPartialOutage     ComponentStatus = 3
	ComponentMajorOutage       ComponentStatus = 4
)

// String returns the English label the status page shows; the server's
// own translated label is in [Component.StatusName].
func (s ComponentStatus) String() string {
	switch s {
	case ComponentUnknown:
		return "Unknown"
	case ComponentOperational:
		return "Operational"
	case ComponentPerformanceIssues:
		return "Performance Issues"
	case ComponentPartialOutage:
		return "Partial Outage"
	case ComponentMajorOutage:
		return "Major Outage"
	}
	return "ComponentStatus(" + strconv.Itoa(int(s)) + ")"
}

// HasIssue reports whether the status is worse than Operational, the test
// the status page uses to expand a group that collapses "unless issue".
// Unknown is not an issue.
func (s ComponentStatus) HasIssue() bool { return s > ComponentOperational }

// IncidentStatus is the stage of an incident, also used by incident
// updates (which accept only 1 to 4).
type IncidentStatus int

// Incident statuses. IncidentScheduled is the 2.3 way of announcing
// maintenance; 2.4 has schedules for that and shows no label for it.
const (
	IncidentScheduled     IncidentStatus = 0
	IncidentInvestigating IncidentStatus = 1
	IncidentIdentified    IncidentStatus = 2
	IncidentWatching      IncidentStatus = 3
	IncidentFixed         IncidentStatus = 4
)

// String returns the English label of the status.
func (s IncidentStatus) String() string {
	switch s {
	case IncidentScheduled:
		return "Scheduled"
	case IncidentInvestigating:
		return "Investigating"
	case IncidentIdentified:
		return "Identified"
	case IncidentWatching:
		return "Watching"
	case IncidentFixed:
		return "Fixed"
	}
	return "IncidentStatus(" + strconv.Itoa(int(s)) + ")"
}

// ScheduleStatus is the stage of a maintenance window. Cachet does not
// move a schedule from one stage to the next by itself: the caller does.
type ScheduleStatus int

// Schedule statuses.
const (
	ScheduleUpcoming   ScheduleStatus = 0
	ScheduleInProgress ScheduleStatus = 1
	ScheduleComplete   ScheduleStatus = 2
)

// String returns the English label of the status.
func (s ScheduleStatus) String() string {
	switch s {
	case ScheduleUpcoming:
		return "Upcoming"
	case ScheduleInProgress:
		return "In Progress"
	case ScheduleComplete:
		return "Complete"
	}
	return "ScheduleStatus(" + strconv.Itoa(int(s)) + ")"
}

// GroupCollapsed is how the status page shows a component group.
type GroupCollapsed int

// Group display modes. Value 2 does not mean "not operational", as
// cachet-client's is_operational read it: it means the group is shown
// collapsed while all its components are fine and expanded otherwise.
const (
	CollapsedNever       GroupCollapsed = 0
	CollapsedAlways      GroupCollapsed = 1
	CollapsedUnlessIssue GroupCollapsed = 2
)

// String describes the display mode.
func (c GroupCollapsed) String() string {
	switch c {
	case CollapsedNever:
		return "Expanded"
	case CollapsedAlways:
		return "Collapsed"
	case CollapsedUnlessIssue:
		return "Collapsed unless an issue"
	}
	return "GroupCollapsed(" + strconv.Itoa(int(c)) + ")"
}

// Visibility is who can see a component group, an incident or a metric.
// The server stores and sends it as an integer, never as a boolean.
type Visibility int

// Visibilities. VisibilityHidden exists for metrics only.
const (
	VisibilityLoggedIn Visibility = 0
	VisibilityPublic   Visibility = 1
	VisibilityHidden   Visibility = 2
)

// String describes the audience.
func (v Visibility) String() string {
	switch v {
	case VisibilityLoggedIn:
		return "Logged-in users"
	case VisibilityPublic:
		return "Public"
	case VisibilityHidden:
		return "Hidden"
	}
	return "Visibility(" + strconv.Itoa(int(v)) + ")"
}

// MetricCalcType is how the points of one time slot are combined.
type MetricCalcType int

// Metric calculations.
const (
	CalcSum     MetricCalcType = 0
	CalcAverage MetricCalcType = 1
)

// String names the calculation.
func (t MetricCalcType) String() string {
	switch t {
	case CalcSum:
		return "Sum"
	case CalcAverage:
		return "Average"
	}
	return "MetricCalcType(" + strconv.Itoa(int(t)) + ")"
}

// MetricView is the time range a metric's chart shows by default.
type MetricView int

// Metric chart ranges.
const (
	ViewLastHour    MetricView = 0
	ViewLast12Hours MetricView = 1
	ViewWeek        MetricView = 2
	ViewMonth       MetricView = 3
)

// String names the range.
func (v MetricView) String() string {
	switch v {
	case ViewLastHour:
		return "Last Hour"
	case ViewLast12Hours:
		return "Last 12 Hours"
	case ViewWeek:
		return "Week"
	case ViewMonth:
		return "Month"
	}
	return "MetricView(" + strconv.Itoa(int(v)) + ")"
}

// SystemLevel is the overall state of the site, as /status reports it.
// The server sends it as a Bootstrap colour name; these constants say
// what each colour means.
type SystemLevel string

// System levels, with the colour names the server sends.
const (
	// SystemOperational: every enabled component is operational and no
	// incident is unresolved.
	SystemOperational SystemLevel = "success"
	// SystemIssues: some component has an issue or an incident is open.
	SystemIssues SystemLevel = "info"
	// SystemMajorOutage: enough components are in outage to pass the
	// site's major outage rate.
	SystemMajorOutage SystemLevel = "danger"
)

// String describes the level.
func (l SystemLevel) String() string {
	switch l {
	case SystemOperational:
		return "Operational"
	case SystemIssues:
		return "Experiencing issues"
	case SystemMajorOutage:
		return "Major outage"
	}
	return "SystemLevel(" + strconv.Quote(string(l)) + ")"
}

// SortOrder is the direction of a sorted list.
type SortOrder string

// Sort directions. The zero value keeps the server's order.
const (
	Ascending  SortOrder = "asc"
	Descending SortOrder = "desc"
)
