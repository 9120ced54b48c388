package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// modulePrefix is cut from package paths: every row is in this module.
const modulePrefix = "github.com/switchboard-go/switchboard/"

var header = []string{"package", "benchmark", "runs", "time/op", "B/op", "allocs/op", "metrics"}

// cells turns the rows into table cells, one slice per row.
func (res *Results) cells() [][]string {
	out := make([][]string, 0, len(res.Rows))
	procs := res.procs()
	for _, r := range res.Rows {
		name := strings.TrimPrefix(r.Name, "Benchmark")
		if procs == 0 && r.Procs > 1 {
			name += "-" + strconv.Itoa(r.Procs)
		}
		row := []string{
			strings.TrimPrefix(r.Pkg, modulePrefix), name, strconv.Itoa(r.Runs),
			cell(r, unitTime, fmtDuration), cell(r, unitBytes, fmtBytes), cell(r, unitAllocs, fmtCount),
		}
		var extra []string
		for _, u := range r.Units {
			if u == unitTime || u == unitBytes || u == unitAllocs {
				continue
			}
			v, _ := r.Median(u)
			extra = append(extra, fmtValue(v)+" "+u)
		}
		out = append(out, append(row, strings.Join(extra, "  ")))
	}
	return out
}

// procs returns the GOMAXPROCS every row ran with, or 0 when they differ
// (-cpu 1,2): then the names keep their suffix to tell the rows apart.
func (res *Results) procs() int {
	p := 0
	for _, r := range res.Rows {
		if p != 0 && r.Procs != p {
			return 0
		}
		p = r.Procs
	}
	return p
}

func cell(r *Row, unit string, format func(float64) string) string {
	v, ok := r.Median(unit)
	if !ok {
		return "-"
	}
	return format(v)
}

// WriteText writes an aligned plain-text table; numbers are right-aligned.
func (res *Results) WriteText(w io.Writer) {
	rows := res.cells()
	width := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(r []string) {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i == len(r)-1:
				b.WriteString(c)
			case i >= 2:
				b.WriteString(pad + c + "  ")
			default:
				b.WriteString(c + pad + "  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	res.writeEnv(w, "")
	line(header)
	for _, r := range rows {
		line(r)
	}
}

// WriteMarkdown writes a GitHub Markdown table.
func (res *Results) WriteMarkdown(w io.Writer) {
	res.writeEnv(w, "\n")
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | --- |")
	for _, r := range res.cells() {
		for i, c := range r {
			if c != "" && i < 2 {
				r[i] = "`" + c + "`"
			}
		}
		fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
	}
}

func (res *Results) writeEnv(w io.Writer, sep string) {
	var env []string
	if res.GOOS != "" {
		env = append(env, res.GOOS+"/"+res.GOARCH)
	}
	if res.CPU != "" {
		env = append(env, "cpu: "+res.CPU)
	}
	if p := res.procs(); p > 0 {
		env = append(env, "GOMAXPROCS="+strconv.Itoa(p))
	}
	if len(env) > 0 {
		fmt.Fprintln(w, strings.Join(env, ", ")+" (medians over runs)"+sep)
	}
}

// fmtDuration prints nanoseconds with a unit that keeps three or four
// significant digits: 812ns, 12.3µs, 4.56ms, 1.20s.
func fmtDuration(ns float64) string {
	switch a := math.Abs(ns); {
	case a >= 1e9:
		return fmtValue(ns/1e9) + "s"
	case a >= 1e6:
		return fmtValue(ns/1e6) + "ms"
	case a >= 1e3:
		return fmtValue(ns/1e3) + "µs"
	default:
		return fmtValue(ns) + "ns"
	}
}

// fmtBytes prints a byte count in B, KiB, MiB or GiB.
func fmtBytes(b float64) string {
	switch a := math.Abs(b); {
	case a >= 1<<30:
		return fmtValue(b/(1<<30)) + "GiB"
	case a >= 1<<20:
		return fmtValue(b/(1<<20)) + "MiB"
	case a >= 1<<10:
		return fmtValue(b/(1<<10)) + "KiB"
	default:
		return fmtValue(b) + "B"
	}
}

// fmtCount prints an allocation count: whole numbers as they are.
func fmtCount(n float64) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e15 {
		return strconv.FormatInt(int64(n), 10)
	}
	return fmtValue(n)
}

// fmtValue prints three significant digits, without an exponent for the
// magnitudes benchmarks produce (1.05, 23.4, 20400).
func fmtValue(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1000:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}
