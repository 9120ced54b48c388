package cachetcmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// name is one spelling an enum flag accepts for a value.
type name[T ~int] struct {
	name  string
	value T
}

// The enums of the Cachet API, spelled as the flags accept them. Numbers
// are accepted too, as the API and its documentation use them.
var (
	componentStatuses = []name[cachet.ComponentStatus]{
		{"unknown", cachet.ComponentUnknown},
		{"operational", cachet.ComponentOperational},
		{"performance-issues", cachet.ComponentPerformanceIssues},
		{"partial-outage", cachet.ComponentPartialOutage},
		{"major-outage", cachet.ComponentMajorOutage},
	}
	incidentStatuses = []name[cachet.IncidentStatus]{
		{"scheduled", cachet.IncidentScheduled},
		{"investigating", cachet.IncidentInvestigating},
		{"identified", cachet.IncidentIdentified},
		{"watching", cachet.IncidentWatching},
		{"fixed", cachet.IncidentFixed},
	}
	// updateStatuses leave out "scheduled": the server refuses it on
	// incident updates, better said before sending.
	updateStatuses   = incidentStatuses[1:]
	scheduleStatuses = []name[cachet.ScheduleStatus]{
		{"upcoming", cachet.ScheduleUpcoming},
		{"in-progress", cachet.ScheduleInProgress},
		{"complete", cachet.ScheduleComplete},
	}
	collapsedModes = []name[cachet.GroupCollapsed]{
		{"never", cachet.CollapsedNever},
		{"always", cachet.CollapsedAlways},
		{"unless-issue", cachet.CollapsedUnlessIssue},
	}
	calcTypes = []name[cachet.MetricCalcType]{
		{"sum", cachet.CalcSum},
		{"average", cachet.CalcAverage},
	}
	metricViews = []name[cachet.MetricView]{
		{"last-hour", cachet.ViewLastHour},
		{"last-12-hours", cachet.ViewLast12Hours},
		{"week", cachet.ViewWeek},
		{"month", cachet.ViewMonth},
	}
	metricVisibilities = []name[cachet.Visibility]{
		{"logged-in", cachet.VisibilityLoggedIn},
		{"public", cachet.VisibilityPublic},
		{"hidden", cachet.VisibilityHidden},
	}
)

// enumFlag is a flag taking one value of an integer enum by name
// ("major-outage") or by number ("4"). pflag prefixes its errors with the
// flag's name, and the command tree turns flag errors into usage errors.
type enumFlag[T ~int] struct {
	target *T
	names  []name[T]
	typ    string
	// shown: the value is meaningful before Set (a default), so help
	// shows it; filters start at the zero value, which means nothing.
	shown bool
}

// enumVar registers an enum flag writing into target, whose value is
// the flag's default when withDefault is set (help then shows it).
func enumVar[T ~int](fs *pflag.FlagSet, target *T, flag, typ string, names []name[T], withDefault bool, usage string) {
	fs.Var(&enumFlag[T]{target: target, names: names, typ: typ, shown: withDefault}, flag, usage+": "+spellings(names))
}

func (f *enumFlag[T]) String() string {
	if f.target == nil || !f.shown {
		return ""
	}
	for _, n := range f.names {
		if n.value == *f.target {
			return n.name
		}
	}
	return strconv.Itoa(int(*f.target))
}

func (f *enumFlag[T]) Set(s string) error {
	// "Major Outage" and "major_outage" are how people copy the labels.
	key := strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	n, numErr := strconv.Atoi(key)
	for _, v := range f.names {
		if v.name == key || (numErr == nil && int(v.value) == n) {
			*f.target, f.shown = v.value, true
			return nil
		}
	}
	return fmt.Errorf("want one of %s", spellings(f.names))
}

func (f *enumFlag[T]) Type() string { return f.typ }

// spellings lists the accepted values: "sum, average, or 0-1". The
// numbers of every enum are contiguous.
func spellings[T ~int](names []name[T]) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n.name
	}
	return fmt.Sprintf("%s, or %d-%d", strings.Join(parts, ", "), names[0].value, names[len(names)-1].value)
}

// choiceFlag is a string flag restricted to a list, for --sort and
// --order, so that a typo is a usage error rather than a column the
// server silently ignores.
type choiceFlag struct {
	target  *string
	choices []string
	typ     string
}

func choiceVar(fs *pflag.FlagSet, target *string, flag, typ string, choices []string, usage string) {
	fs.Var(&choiceFlag{target: target, choices: choices, typ: typ}, flag, usage+" ("+strings.Join(choices, ", ")+")")
}

func (f *choiceFlag) String() string { return *f.target }

func (f *choiceFlag) Set(s string) error {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, c := range f.choices {
		if c == s {
			*f.target = c
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(f.choices, ", "))
}

func (f *choiceFlag) Type() string { return f.typ }

// listFlags are the flags every list command shares.
type listFlags struct {
	limit int
	sort  string
	order string
}

// limitFlag is how list notes name -n/--limit.
const limitFlag = "-n/--limit"

// addListFlags registers -n/--limit, and --sort and --order when the
// list can be sorted (sorts: the server's columns; nil: no --sort;
// ordered: whether --order applies at all).
func addListFlags(cmd *cobra.Command, l *listFlags, sorts []string, ordered bool) {
	fs := cmd.Flags()
	fs.IntVarP(&l.limit, "limit", "n", 0, "show at most this many items (default: all)")
	if len(sorts) > 0 {
		choiceVar(fs, &l.sort, "sort", "column", sorts, "sort by this column")
	}
	if ordered {
		usage := "sort direction; without it the server's own order, which is descending on a real Cachet"
		if len(sorts) == 0 {
			usage = "asc lists oldest first; default: newest first"
		}
		choiceVar(fs, &l.order, "order", "direction", []string{"asc", "desc"}, usage)
	}
}

// options converts the flags into the facade's list options.
func (l listFlags) options() (cachet.ListOptions, error) {
	if l.limit < 0 {
		return cachet.ListOptions{}, app.Usagef("--limit %d: must not be negative", l.limit)
	}
	// Without a limit, pages keep the server's size (20); with one, a
	// page holds the limit and one more item, to tell whether a note is
	// due, so that `-n 1` costs one small request.
	perPage := 0
	if l.limit > 0 {
		perPage = min(l.limit+1, 100)
	}
	return cachet.ListOptions{PerPage: perPage, Sort: l.sort, Order: cachet.SortOrder(l.order)}, nil
}

// boolPair reads two opposite switches (--enabled/--disabled): nil when
// neither was given.
func boolPair(cmd *cobra.Command, yes, no string) (*bool, error) {
	y, n := cmd.Flags().Changed(yes), cmd.Flags().Changed(no)
	switch {
	case y && n:
		return nil, app.Usagef("--%s and --%s cannot be used together", yes, no)
	case y:
		v, _ := cmd.Flags().GetBool(yes)
		return &v, nil
	case n:
		v, _ := cmd.Flags().GetBool(no)
		v = !v
		return &v, nil
	}
	return nil, nil
}

// visibilityPair reads --public/--private into a Visibility.
func visibilityPair(cmd *cobra.Command) (*cachet.Visibility, error) {
	pub, err := boolPair(cmd, "public", "private")
	if err != nil || pub == nil {
		return nil, err
	}
	v := cachet.VisibilityLoggedIn
	if *pub {
		v = cachet.VisibilityPublic
	}
	return &v, nil
}

// changed returns a pointer to v when the flag was given, nil otherwise:
// how partial updates and filters tell "not given" from a zero value.
func changed[T any](cmd *cobra.Command, flag string, v T) *T {
	if !cmd.Flags().Changed(flag) {
		return nil
	}
	return &v
}

// requireFlags fails with a usage error naming the missing flags. cobra's
// own MarkFlagRequired would fail with exit code 1, not 2.
func requireFlags(cmd *cobra.Command, flags ...string) error {
	var missing []string
	for _, f := range flags {
		if !cmd.Flags().Changed(f) {
			missing = append(missing, "--"+f)
		}
	}
	if len(missing) > 0 {
		return app.Usagef("missing required flag(s): %s", strings.Join(missing, ", "))
	}
	return nil
}

// requireChanges refuses an update without anything to change, which
// would otherwise send an empty request and print the object unchanged.
func requireChanges(cmd *cobra.Command) error {
	set := false
	// LocalFlags is a fresh FlagSet that does not know what was parsed
	// (its Visit sees nothing), but it shares the *Flag values.
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) { set = set || f.Changed })
	if !set {
		return app.Usagef("nothing to update: give at least one flag (see --help)")
	}
	return nil
}

// inputLayout is the only date format Cachet reads: "Y-m-d H:i".
const inputLayout = "2006-01-02 15:04"

// parseTime reads a --xxx-at flag in the client's zone.
func parseTime(flag, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(inputLayout, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, app.Usagef("--%s %q: want a date and time as YYYY-MM-DD HH:MM", flag, s)
	}
	return t, nil
}

// parseID reads a positional id.
func parseID(what, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, app.Usagef("%s %q: want a positive integer id", what, s)
	}
	return n, nil
}

// parsePairs reads repeated KEY=VALUE flags (--meta, --var) into a map.
func parsePairs(flag string, pairs []string) (map[string]any, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	m := make(map[string]any, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, app.Usagef("--%s %q: want KEY=VALUE", flag, p)
		}
		m[strings.TrimSpace(k)] = v
	}
	return m, nil
}
