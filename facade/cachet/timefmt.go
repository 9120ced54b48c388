package cachet

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade/internal/redact"
)

// Layouts of the server. Output timestamps carry seconds; input dates must
// not: Cachet parses them with exactly "Y-m-d H:i" and answers a 500 (or a
// 400 on schedule creation) to anything else.
const (
	outputLayout = "2006-01-02 15:04:05"
	inputLayout  = "2006-01-02 15:04"
	// longLayout is PHP's "l jS F Y H:i:s" with the ordinal suffix of
	// the day removed, the default "incident date format" that the
	// server applies to subscribers' verified_at.
	longLayout = "Monday 2 January 2006 15:04:05"
)

// formatInput renders t as the server's input format in the client's
// zone. Seconds and below are dropped: Cachet has minute precision.
func formatInput(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(inputLayout)
}

// optInput is formatInput for an optional field of a request: nil, not
// sent, when t is nil or the zero time.
func optInput(t *time.Time, loc *time.Location) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := formatInput(*t, loc)
	return &s
}

// decoder converts generated models into the domain types. It remembers
// the first value it could not convert, so a malformed timestamp becomes a
// DecodeError for the whole response rather than a silent zero time that
// would read as "January 1, year 1".
type decoder struct {
	loc *time.Location
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

// quotable bounds a malformed value quoted in an error: a hostile or
// broken server could otherwise make the error message as long as the body.
func quotable(s string) string {
	if len(s) <= 64 {
		return s
	}
	return redact.Truncate(s, 64) + "…"
}

// time parses a required "Y-m-d H:i:s" timestamp; an empty string is a
// decoding error too, since the server always sends these fields.
func (d *decoder) time(field, s string) time.Time {
	if t, ok := parseOutput(s, d.loc); ok {
		return t
	}
	t, err := time.ParseInLocation(outputLayout, s, d.loc)
	if err != nil {
		d.fail("%s: %q is not a Cachet timestamp (Y-m-d H:i:s)", field, quotable(s))
		return time.Time{}
	}
	return t
}

// parseOutput reads a well-formed "Y-m-d H:i:s" timestamp as
// time.ParseInLocation(outputLayout, s, loc) does, several times faster:
// every listed item carries two or three of them. Anything it does not
// accept (a malformed value, a date that does not exist) is left to
// time.ParseInLocation, which gives the same answer or the error.
func parseOutput(s string, loc *time.Location) (time.Time, bool) {
	if len(s) != len(outputLayout) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	// time.Date would roll 2023-02-30 over into March; the parser refuses it.
	if day > daysIn(month, year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), true
}

// daysIn is the length of a month (1 to 12) of the proleptic Gregorian
// calendar, as time.Date counts: a third of parseOutput's time went to
// asking time.Date for the last day of the month instead.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// optTime parses a timestamp the server may omit or send as null (both
// give the zero time); a present but malformed value is still an error.
func (d *decoder) optTime(field string, s *string) time.Time {
	if s == nil || *s == "" {
		return time.Time{}
	}
	return d.time(field, *s)
}

// minuteTime parses a time the server took as "Y-m-d H:i" input
// (occurred_at, scheduled_at, completed_at) and drops its seconds: PHP's
// createFromFormat fills the seconds the format lacks from the clock at
// the time of the request, so they are noise, and without them a time
// written is read back equal.
func (d *decoder) minuteTime(field string, s *string) time.Time {
	return d.optTime(field, s).Truncate(time.Minute)
}

// longTime parses the subscriber's verified_at, which the server formats
// with the site's human date format ("Friday 24th May 2019 10:01:44") and
// not as the other timestamps. The usual format is accepted as well, as a
// site may have set its date format to it.
func (d *decoder) longTime(field string, s *string) time.Time {
	if s == nil || *s == "" {
		return time.Time{}
	}
	if t, err := time.ParseInLocation(outputLayout, *s, d.loc); err == nil {
		return t
	}
	if t, ok := parseLong(*s, d.loc); ok {
		return t
	}
	d.fail("%s: %q is neither a Cachet timestamp nor in the form \"Friday 24th May 2019 10:01:44\"", field, quotable(*s))
	return time.Time{}
}

// parseLong reads "Friday 24th May 2019 10:01:44": Go layouts have no
// ordinal day, so the suffix is cut before parsing.
func parseLong(s string, loc *time.Location) (time.Time, bool) {
	fields := strings.Fields(s)
	if len(fields) != 5 {
		return time.Time{}, false
	}
	day := fields[1]
	for _, suffix := range []string{"st", "nd", "rd", "th"} {
		if d, ok := strings.CutSuffix(day, suffix); ok {
			day = d
			break
		}
	}
	fields[1] = day
	t, err := time.ParseInLocation(longLayout, strings.Join(fields, " "), loc)
	return t, err == nil
}
