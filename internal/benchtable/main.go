// Command benchtable reads the output of `go test -bench` (from the files
// named on the command line, or standard input) and prints one table of every
// benchmark of every package: ns/op, B/op, allocs/op and the custom metrics
// benchmarks report with b.ReportMetric (ratio, req/s, ms/median, ...).
//
// `make bench` keeps the raw lines in bench.txt for benchstat and prints this
// table at the end, so a reader sees the whole run at once instead of
// scrolling through one block per package. With -count > 1 each cell is the
// median of the runs, since the machine is shared and noisy.
//
// Usage:
//
//	benchtable [-md] [file ...]
//
// -md prints a Markdown table (for BENCHMARKS.md) instead of aligned text.
// The exit status is 1 when the input holds a failed package or benchmark, so
// a failing run is not hidden behind a tidy table.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	md := flag.Bool("md", false, "print a Markdown table")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchtable [-md] [file ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	os.Exit(run(flag.Args(), os.Stdin, os.Stdout, os.Stderr, *md))
}

// run is main without the process: it reads the named files (or in when
// there are none), writes the table to out and returns the exit status.
func run(files []string, in io.Reader, out, errOut io.Writer, md bool) int {
	var res Results
	if len(files) == 0 {
		if err := res.Parse(in); err != nil {
			fmt.Fprintf(errOut, "benchtable: %v\n", err)
			return 1
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(errOut, "benchtable: %v\n", err)
			return 1
		}
		err = res.Parse(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(errOut, "benchtable: %s: %v\n", name, err)
			return 1
		}
	}
	if md {
		res.WriteMarkdown(out)
	} else {
		res.WriteText(out)
	}
	if len(res.Failures) > 0 {
		fmt.Fprintf(errOut, "benchtable: %d failure(s) in the input:\n", len(res.Failures))
		for _, f := range res.Failures {
			fmt.Fprintf(errOut, "  %s\n", f)
		}
		return 1
	}
	return 0
}
