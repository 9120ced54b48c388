package startupbench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// The binaries, built once per test process into a directory TestMain
// removes.
var (
	buildOnce sync.Once
	binDir    string
	bins      map[string]string // name -> path
	buildErr  error
)

// cliBinaries are the binaries `make build` writes, timed as users run
// them (static, no cgo: see the Makefile).
var cliBinaries = []string{"switchboard", "st2"}

// floorSource is the minimal program timed as the floor, built from a
// file since testdata is outside the module's package patterns.
const floorSource = "./cmd/internal/startupbench/testdata/floor/main.go"

// httpFloorSource is the minimal HTTP client doing what `st2 action list`
// does, built as the CLIs are (static, -trimpath).
const httpFloorSource = "./cmd/internal/startupbench/testdata/httpfloor/main.go"

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// moduleRoot finds the directory of go.mod above the package directory,
// where go test runs the benchmarks.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// build compiles every target that exists, once.
func build(b *testing.B) map[string]string {
	b.Helper()
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		if binDir, err = os.MkdirTemp("", "startupbench"); err != nil {
			buildErr = err
			return
		}
		bins = map[string]string{}
		for _, step := range [][]string{
			{"make", "-s", "build", "BIN=" + binDir},
			{"go", "build", "-o", filepath.Join(binDir, "floor"), floorSource},
			{"go", "build", "-trimpath", "-o", filepath.Join(binDir, "httpfloor"), httpFloorSource},
		} {
			cmd := exec.Command(step[0], step[1:]...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if msg, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("%s: %v\n%s", strings.Join(step, " "), err, msg)
				return
			}
		}
		for _, name := range append(cliBinaries, "floor", "httpfloor") {
			if _, err := os.Stat(filepath.Join(binDir, name)); err != nil {
				buildErr = err
				return
			}
			bins[name] = filepath.Join(binDir, name)
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return bins
}

// command is one process to time.
type command struct {
	bin  string
	args []string
	env  []string
	// want is a string the first run's output must hold, so that a
	// command failing fast is never reported as a fast start.
	want string
}

// run starts the command once, waits for it and returns its wall time
// and the CPU time (user + system) the process used. The CPU time is what
// the process itself cost: on a loaded machine the wall time also counts
// the time it waited for a core.
func (c command) run(out *bytes.Buffer) (wall, cpu time.Duration, err error) {
	out.Reset()
	cmd := exec.Command(c.bin, c.args...)
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return wall, cpu, err
}

// measure runs c b.N times, each run after one of the floor program, and
// reports the medians and their ratio. Only c's runs are timed for ns/op.
func measure(b *testing.B, c command, floor string) {
	b.Helper()
	env := baseEnv(b)
	c.env = append(env, c.env...)
	fl := command{bin: floor, env: env, want: "floor"}
	var out bytes.Buffer
	for _, cmd := range []command{fl, c} { // also warms the page cache
		if _, _, err := cmd.run(&out); err != nil || !strings.Contains(out.String(), cmd.want) {
			b.Fatalf("%s %s: %v, output:\n%s", filepath.Base(cmd.bin), strings.Join(cmd.args, " "), err, out.String())
		}
	}
	times := make([]time.Duration, 0, b.N)
	cpus := make([]time.Duration, 0, b.N)
	floors := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		d, _, err := fl.run(&out)
		if err != nil {
			b.Fatalf("floor: %v", err)
		}
		floors = append(floors, d)
		b.StartTimer()
		d, cpu, err := c.run(&out)
		if err != nil {
			b.Fatalf("%s: %v, output:\n%s", strings.Join(c.args, " "), err, out.String())
		}
		times = append(times, d)
		cpus = append(cpus, cpu)
	}
	b.StopTimer()
	med, fmed := median(times), median(floors)
	b.ReportMetric(ms(med), "ms/median")
	b.ReportMetric(ms(median(cpus)), "cpu-ms/median")
	b.ReportMetric(ms(fmed), "ms/floor")
	if fmed > 0 {
		b.ReportMetric(float64(med)/float64(fmed), "x/floor")
	}
}

// baseEnv is the environment of every run: an empty home, so no user
// configuration (~/.st2/config) is read, and nothing else of ours.
func baseEnv(b *testing.B) []string {
	return []string{"HOME=" + b.TempDir(), "PATH=" + os.Getenv("PATH"), "LANG=C"}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// st2Env starts a seeded st2 emulator and returns the variables that point
// the st2 CLI at it, authenticated by API key.
func st2Env(b *testing.B) []string {
	srv := st2test.NewServer(st2test.WithDemoData())
	b.Cleanup(srv.Close)
	return []string{
		st2.EnvBaseURL + "=" + srv.URL,
		st2.EnvAuthURL + "=" + srv.AuthURL,
		st2.EnvAPIURL + "=" + srv.APIURL,
		st2.EnvStreamURL + "=" + srv.StreamURL,
		st2.EnvAPIKey + "=" + srv.APIKey,
	}
}

// BenchmarkStartup times whole processes. The st2 rows need cmd/st2 and
// say so when it is missing.
func BenchmarkStartup(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		bins := build(b)
		measure(b, command{bin: bins["floor"], want: "floor"}, bins["floor"])
	})
	b.Run("switchboard_--version", func(b *testing.B) {
		bins := build(b)
		measure(b, command{bin: bins["switchboard"], args: []string{"--version"}, want: "switchboard "}, bins["floor"])
	})
	b.Run("switchboard_st2_action_list", func(b *testing.B) {
		bins := build(b)
		measure(b, command{bin: bins["switchboard"], args: []string{"st2", "action", "list"}, env: st2Env(b), want: "core.local"}, bins["floor"])
	})
	b.Run("st2_--version", func(b *testing.B) {
		bins := build(b)
		measure(b, command{bin: bins["st2"], args: []string{"--version"}, want: "st2"}, bins["floor"])
	})
	b.Run("httpfloor_action_list", func(b *testing.B) {
		bins := build(b)
		measure(b, command{bin: bins["httpfloor"], env: st2Env(b), want: "core.local"}, bins["floor"])
	})
	b.Run("st2_action_list", func(b *testing.B) {
		bins := build(b)
		measure(b, command{bin: bins["st2"], args: []string{"action", "list"}, env: st2Env(b), want: "core.local"}, bins["floor"])
	})
}
