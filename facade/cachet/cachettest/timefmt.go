package cachettest

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// phpDateTime is Carbon's toDateTimeString(), the format of every
// timestamp the API sends.
const phpDateTime = "2006-01-02 15:04:05"

// maxZones bounds a zoneCache. The zone database has about 600 names, but
// spellings such as "Europe//Paris" load too, so only caching the names
// that load is not bound enough for a server on a network.
const maxZones = 1024

// zoneCache keeps the time zones a server has loaded: time.LoadLocation
// reads the zone database from disk on every call, far too slow for a
// per-request header. Only zones that loaded are kept, at most maxZones of
// them; an unknown name, or any name once the cache is full, is looked up
// again each time.
type zoneCache struct {
	m sync.Map     // name -> *time.Location
	n atomic.Int64 // entries stored
}

// load resolves a Time-Zone header value; nil when unknown. "Local" is
// refused: it names the emulator's machine, not a zone a client can mean.
func (z *zoneCache) load(name string) *time.Location {
	if name == "" || name == "Local" {
		return nil
	}
	if v, ok := z.m.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	if z.n.Add(1) <= maxZones {
		if _, dup := z.m.LoadOrStore(name, loc); dup {
			z.n.Add(-1) // another request stored it first
		}
	} else {
		z.n.Add(-1)
	}
	return loc
}

// fmtTime renders t as the API does, in loc.
func fmtTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(phpDateTime)
}

// parseInputTime parses a date the way Carbon::createFromFormat('Y-m-d H:i')
// does in the given zone: the year may have up to four digits, month, day
// and hour one or two, out-of-range values roll over (2019-02-30 is
// 2019-03-02, 10:75 is 11:15), and the
// seconds, which the format does not mention, are taken from the current
// time. It returns PHP's complaint when the text does not fit.
func parseInputTime(s string, loc *time.Location, now time.Time) (time.Time, string) {
	p := &dateParser{s: s}
	year, ok := p.digits(1, 4)
	if !ok {
		return time.Time{}, p.fail("A four digit year could not be found")
	}
	if !p.lit('-') {
		return time.Time{}, p.fail("The separation symbol could not be found")
	}
	month, ok := p.digits(1, 2)
	if !ok {
		return time.Time{}, p.fail("A two digit month could not be found")
	}
	if !p.lit('-') {
		return time.Time{}, p.fail("The separation symbol could not be found")
	}
	day, ok := p.digits(1, 2)
	if !ok {
		return time.Time{}, p.fail("A two digit day could not be found")
	}
	if !p.lit(' ') {
		return time.Time{}, p.fail("The separation symbol could not be found")
	}
	hour, ok := p.digits(1, 2)
	if !ok {
		return time.Time{}, p.fail("A two digit hour could not be found")
	}
	if !p.lit(':') {
		return time.Time{}, p.fail("The separation symbol could not be found")
	}
	minute, ok := p.digits(2, 2)
	if !ok {
		return time.Time{}, p.fail("A two digit minute could not be found")
	}
	// Out-of-range values are only a warning for PHP: they roll over.
	if p.i < len(s) {
		return time.Time{}, "Trailing data"
	}
	sec := now.In(loc).Second()
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), ""
}

type dateParser struct {
	s string
	i int
}

func (p *dateParser) digits(lo, hi int) (int, bool) {
	start := p.i
	for p.i < len(p.s) && p.i-start < hi && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	if p.i-start < lo {
		return 0, false
	}
	n, err := strconv.Atoi(p.s[start:p.i])
	return n, err == nil
}

func (p *dateParser) lit(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dateParser) fail(msg string) string {
	if p.i >= len(p.s) {
		return "Data missing"
	}
	return msg
}

// fmtLongDate renders the site's default "incident date format"
// ('l jS F Y H:i:s'), used for subscribers' verified_at.
func fmtLongDate(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	d := t.Day()
	suffix := "th"
	if d < 11 || d > 13 {
		switch d % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return t.Format("Monday ") + strconv.Itoa(d) + suffix + t.Format(" January 2006 15:04:05")
}

// phpVersionCompare is PHP's version_compare($a, $b): -1, 0 or 1. The
// real /version endpoint decides on_latest with it, and its ordering of
// special words ("dev" < "alpha" < "beta" < "RC" < numbers < "pl", any
// other word below all) is what makes "2.4.0-dev" newer than "v2.3.18".
func phpVersionCompare(a, b string) int {
	pa, pb := canonVersion(a), canonVersion(b)
	n := min(len(pa), len(pb))
	for i := range n {
		if c := compareVersionPart(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(pa) > n:
		if isDigit(pa[n][0]) {
			return 1
		}
		return phpVersionCompare(strings.Join(pa[n:], "."), "#N#")
	case len(pb) > n:
		if isDigit(pb[n][0]) {
			return -1
		}
		return phpVersionCompare("#N#", strings.Join(pb[n:], "."))
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// canonVersion is php_canonicalize_version followed by the split on dots.
func canonVersion(v string) []string {
	if v == "" {
		return nil
	}
	var b strings.Builder
	b.WriteByte(v[0])
	last := v[0]
	for i := 1; i < len(v); i++ {
		c := v[i]
		prevDot := b.String()[b.Len()-1] == '.'
		isDig := func(x byte) bool { return isDigit(x) }
		isNonDig := func(x byte) bool { return !isDigit(x) && x != '.' }
		switch {
		case c == '-' || c == '_' || c == '+':
			if !prevDot {
				b.WriteByte('.')
			}
		case (isNonDig(last) && isDig(c)) || (isDig(last) && isNonDig(c)):
			if !prevDot {
				b.WriteByte('.')
			}
			b.WriteByte(c)
		case !isAlnum(c):
			if !prevDot {
				b.WriteByte('.')
			}
		default:
			b.WriteByte(c)
		}
		last = c
	}
	var parts []string
	for p := range strings.SplitSeq(b.String(), ".") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

func compareVersionPart(a, b string) int {
	da, db := isDigit(a[0]), isDigit(b[0])
	switch {
	case da && db:
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return cmpInt(x, y)
	case !da && !db:
		return cmpInt(specialForm(a), specialForm(b))
	case da:
		return cmpInt(specialForm("#N#"), specialForm(b))
	default:
		return cmpInt(specialForm(a), specialForm("#N#"))
	}
}

// specialForm ranks the words version_compare knows (matched by prefix,
// in PHP's table order); unknown words rank below everything.
func specialForm(s string) int {
	forms := []struct {
		name string
		rank int
	}{{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3}, {"rc", 3}, {"#", 4}, {"pl", 5}, {"p", 5}}
	for _, f := range forms {
		if strings.HasPrefix(s, f.name) {
			return f.rank
		}
	}
	return -6
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
