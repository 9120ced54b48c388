package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sample is shaped like real `go test -bench -benchmem -count 3` output of
// two packages, with a benchmark that logs (its results come on their own
// line) and custom metrics.
const sample = `goos: linux
goarch: amd64
pkg: github.com/switchboard-go/switchboard/facade/cachet
cpu: AMD EPYC
BenchmarkGet/facade-2         	   10000	    120000 ns/op	    4096 B/op	      50 allocs/op	         1.05 ratio
BenchmarkGet/facade-2         	   10000	    100000 ns/op	    4000 B/op	      50 allocs/op	         1.10 ratio
BenchmarkGet/facade-2         	   10000	    110000 ns/op	    4200 B/op	      51 allocs/op	         0.95 ratio
BenchmarkServe-2
    bench_test.go:40: started emulator
   50000	     45000 ns/op	   22222 req/s
PASS
ok  	github.com/switchboard-go/switchboard/facade/cachet	12.3s
goos: linux
goarch: amd64
pkg: github.com/switchboard-go/switchboard/cmd/internal/startupbench
cpu: AMD EPYC
BenchmarkStartup/switchboard_--version-2 	     100	  9000000 ns/op	         8.50 ms/median	1.30 x-floor
Benchmark output that is only a log line
PASS
ok  	github.com/switchboard-go/switchboard/cmd/internal/startupbench	3.1s
`

func TestParseMedians(t *testing.T) {
	var res Results
	if err := res.Parse(strings.NewReader(sample)); err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 3 {
		t.Fatalf("rows = %d, want 3: %+v", len(res.Rows), res.Rows)
	}
	get := res.Rows[0]
	if get.Name != "BenchmarkGet/facade" || get.Procs != 2 || get.Runs != 3 {
		t.Errorf("row 0 = %q procs %d runs %d", get.Name, get.Procs, get.Runs)
	}
	for unit, want := range map[string]float64{"ns/op": 110000, "B/op": 4096, "allocs/op": 50, "ratio": 1.05} {
		if got, ok := get.Median(unit); !ok || got != want {
			t.Errorf("median %s = %v (%v), want %v", unit, got, ok, want)
		}
	}
	serve := res.Rows[1]
	if serve.Name != "BenchmarkServe" || serve.Runs != 1 {
		t.Errorf("row 1 = %q runs %d (a logging benchmark's results are on a later line)", serve.Name, serve.Runs)
	}
	if v, _ := serve.Median("req/s"); v != 22222 {
		t.Errorf("req/s = %v", v)
	}
	start := res.Rows[2]
	if start.Pkg != "github.com/switchboard-go/switchboard/cmd/internal/startupbench" {
		t.Errorf("row 2 package = %q", start.Pkg)
	}
	if got := strings.Join(start.Units, ","); got != "ns/op,ms/median,x-floor" {
		t.Errorf("units = %s", got)
	}
	if res.CPU != "AMD EPYC" || res.GOOS != "linux" || len(res.Failures) != 0 {
		t.Errorf("cpu %q goos %q failures %q", res.CPU, res.GOOS, res.Failures)
	}
}

func TestMedianEven(t *testing.T) {
	if m, ok := median([]float64{4, 1, 3, 2}); !ok || m != 2.5 {
		t.Errorf("median = %v, %v", m, ok)
	}
	if _, ok := median(nil); ok {
		t.Error("median of nothing reported a value")
	}
}

func TestSplitProcs(t *testing.T) {
	for in, want := range map[string]struct {
		name  string
		procs int
	}{
		"BenchmarkA-8":         {"BenchmarkA", 8},
		"BenchmarkA":           {"BenchmarkA", 1},
		"BenchmarkA/size-10-2": {"BenchmarkA/size-10", 2},
		"BenchmarkA/x-y":       {"BenchmarkA/x-y", 1},
	} {
		name, procs := splitProcs(in)
		if name != want.name || procs != want.procs {
			t.Errorf("splitProcs(%q) = %q, %d", in, name, procs)
		}
	}
}

func TestTextTable(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, strings.NewReader(sample), &out, &errOut, false); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := `linux/amd64, cpu: AMD EPYC, GOMAXPROCS=2 (medians over runs)
package                    benchmark                      runs  time/op     B/op  allocs/op  metrics
facade/cachet              Get/facade                        3    110µs  4.00KiB         50  1.05 ratio
facade/cachet              Serve                             1   45.0µs        -          -  22222 req/s
cmd/internal/startupbench  Startup/switchboard_--version     1   9.00ms        -          -  8.50 ms/median  1.30 x-floor
`
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestMixedProcsKeepSuffix(t *testing.T) {
	var res Results
	in := "pkg: p\nBenchmarkA 10 5 ns/op\nBenchmarkA-2 10 3 ns/op\n"
	if err := res.Parse(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res.WriteText(&out)
	if !strings.Contains(out.String(), "A-2 ") || strings.Contains(out.String(), "GOMAXPROCS") {
		t.Errorf("-cpu 1,2 rows must stay apart:\n%s", out.String())
	}
}

func TestMarkdownTable(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, strings.NewReader(sample), &out, &errOut, true); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "| `facade/cachet` | `Get/facade` | 3 | 110µs | 4.00KiB | 50 | 1.05 ratio |") {
		t.Errorf("markdown:\n%s", out.String())
	}
}

func TestFailuresExitNonZero(t *testing.T) {
	in := sample + "--- FAIL: BenchmarkBroken\n    bench_test.go:9: boom\nFAIL\tgithub.com/switchboard-go/switchboard/x\t0.1s\n"
	var out, errOut bytes.Buffer
	if code := run(nil, strings.NewReader(in), &out, &errOut, false); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "--- FAIL: BenchmarkBroken") || !strings.Contains(out.String(), "Get/facade") {
		t.Errorf("stderr %q, table %q: the table is still printed and the failure named", errOut.String(), out.String())
	}
}

func TestFilesMerge(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	if err := os.WriteFile(a, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{a, b}, nil, &out, &errOut, false); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "Get/facade                        6") {
		t.Errorf("two files of 3 runs each should give 6 runs:\n%s", out.String())
	}
	if code := run([]string{filepath.Join(dir, "missing")}, nil, &out, &errOut, false); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}
