package main

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The units go test itself writes; every other unit is a custom metric.
const (
	unitTime   = "ns/op"
	unitBytes  = "B/op"
	unitAllocs = "allocs/op"
)

// Row is one benchmark of one package, over every run of it in the input.
type Row struct {
	Pkg   string // import path, from the "pkg:" line before it
	Name  string // without the -GOMAXPROCS suffix
	Procs int    // the suffix; 1 when there is none
	Runs  int    // result lines seen (-count)
	// Values holds every value of each unit, in input order.
	Values map[string][]float64
	// Units lists the units in the order they first appeared.
	Units []string
}

// Median returns the median of the unit's values and whether there are any.
func (r *Row) Median(unit string) (float64, bool) {
	return median(r.Values[unit])
}

// Results is everything read from one or more `go test -bench` outputs.
type Results struct {
	Rows []*Row
	// Failures lists the FAIL lines, panics and build failures seen.
	Failures []string
	// CPU, GOOS and GOARCH come from the header lines go test writes.
	CPU, GOOS, GOARCH string

	index map[string]*Row
}

// Parse reads one output; it may be called several times to merge files.
// Lines that are not benchmark results (logs, PASS, ok) are skipped, so
// the raw output can be given as is.
func (res *Results) Parse(r io.Reader) error {
	if res.index == nil {
		res.index = map[string]*Row{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	pkg, pending := "", ""
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg, pending = strings.TrimSpace(line[len("pkg: "):]), ""
		case strings.HasPrefix(line, "cpu: "):
			res.CPU = strings.TrimSpace(line[len("cpu: "):])
		case strings.HasPrefix(line, "goos: "):
			res.GOOS = strings.TrimSpace(line[len("goos: "):])
		case strings.HasPrefix(line, "goarch: "):
			res.GOARCH = strings.TrimSpace(line[len("goarch: "):])
		case strings.HasPrefix(trimmed, "--- FAIL"), strings.HasPrefix(line, "FAIL"),
			strings.HasPrefix(line, "panic: "):
			res.Failures = append(res.Failures, trimmed)
		case strings.HasPrefix(line, "Benchmark"):
			fields := strings.Fields(line)
			if len(fields) == 1 {
				// The benchmark logged something: its results come on a
				// later line of their own.
				pending = fields[0]
				continue
			}
			if res.add(pkg, fields[0], fields[1:]) {
				pending = ""
			}
		case pending != "" && trimmed != "" && unicode.IsDigit(rune(trimmed[0])):
			if res.add(pkg, pending, strings.Fields(trimmed)) {
				pending = ""
			}
		}
	}
	return sc.Err()
}

// add records one result line: iterations, then value/unit pairs. It
// reports false when the fields are not a result (a log line that happens
// to start with "Benchmark").
func (res *Results) add(pkg, fullName string, fields []string) bool {
	if len(fields) < 3 || len(fields)%2 != 1 {
		return false
	}
	if _, err := strconv.ParseInt(fields[0], 10, 64); err != nil {
		return false
	}
	values := make([]float64, 0, len(fields)/2)
	for i := 1; i < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return false
		}
		values = append(values, v)
	}
	name, procs := splitProcs(fullName)
	key := pkg + "\x00" + fullName
	row := res.index[key]
	if row == nil {
		row = &Row{Pkg: pkg, Name: name, Procs: procs, Values: map[string][]float64{}}
		res.index[key] = row
		res.Rows = append(res.Rows, row)
	}
	row.Runs++
	for i, v := range values {
		unit := fields[2+2*i]
		if _, ok := row.Values[unit]; !ok {
			row.Units = append(row.Units, unit)
		}
		row.Values[unit] = append(row.Values[unit], v)
	}
	return true
}

// splitProcs splits "BenchmarkX/sub-8" into "BenchmarkX/sub" and 8, as
// benchstat does; a name without the suffix ran with GOMAXPROCS=1.
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name, 1
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n <= 0 {
		return name, 1
	}
	return name[:i], n
}

func median(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m], true
	}
	return (s[m-1] + s[m]) / 2, true
}
