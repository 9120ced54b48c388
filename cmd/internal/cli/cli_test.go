package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
	"github.com/switchboard-go/switchboard/cmd/internal/sandbox"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// syncBuffer is a bytes.Buffer safe to write from the command's goroutine
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// main runs the CLI in-process and returns its exit code and output.
func main(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Main(context.Background(), args, app.IO{
		Out: &out, Err: &errOut, Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errOut.String()
}

// serve starts `switchboard sandbox serve` in the background and returns
// the NAME=value lines it printed first, a stop function returning the
// exit code, and the rest of stdout after the stop.
func serve(t *testing.T, args ...string) (env map[string]string, stop func() (code int, rest, stderr string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		code := cli.Main(ctx, append([]string{"sandbox", "serve"}, args...), app.IO{Out: pw, Err: &errOut})
		pw.Close()
		done <- code
	}()

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	env = map[string]string{}
	var order []string
	for len(order) < 2 {
		select {
		case line, ok := <-lines:
			if !ok {
				cancel()
				t.Fatalf("sandbox serve ended after %q; stderr: %s", order, errOut.String())
			}
			name, value, found := strings.Cut(line, "=")
			if !found {
				cancel()
				t.Fatalf("line %q is not NAME=value", line)
			}
			env[name] = value
			order = append(order, name)
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatal("sandbox serve printed nothing for 10s")
		}
	}
	if want := []string{"CACHET_ENDPOINT", "CACHET_API_TOKEN"}; strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("variables %v, want %v", order, want)
	}
	return env, func() (int, string, string) {
		cancel()
		var rest []string
		for l := range lines {
			rest = append(rest, l)
		}
		return <-done, strings.Join(rest, "\n"), errOut.String()
	}
}

func TestSandboxServeCachet(t *testing.T) {
	t.Parallel()
	env, stop := serve(t, "cachet")
	ctx := context.Background()

	// Any client reading the variables works against it: here the facade.
	c, err := cachet.New(env["CACHET_ENDPOINT"], env["CACHET_API_TOKEN"])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := c.Components.Count(ctx, cachet.ComponentListOptions{})
	if err != nil || n != 0 {
		t.Errorf("a server without --seed has %d components (%v), want 0", n, err)
	}
	if _, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational}); err != nil {
		t.Fatal(err)
	}

	// So does the CLI itself, through the same variables.
	code, out, stderr := main(t, env, "cachet", "component", "list", "-a", "name")
	if code != 0 || out != "name\nAPI\n" {
		t.Errorf("component list: exit %d, stdout %q, stderr %q", code, out, stderr)
	}

	code, rest, stderr := stop()
	if code != 0 {
		t.Errorf("exit %d after cancel; stderr: %s", code, stderr)
	}
	if rest != "" {
		t.Errorf("stdout after the variables: %q", rest)
	}
	if !strings.Contains(stderr, "cachet emulator listening on http://127.0.0.1:") {
		t.Errorf("stderr: %q", stderr)
	}
	// Without retries: a refused connection is the expected answer.
	once, err := cachet.New(env["CACHET_ENDPOINT"], "", facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := once.Ping(ctx); err == nil {
		t.Error("the emulator still answers after the command returned")
	}
}

func TestSandboxServeSeed(t *testing.T) {
	t.Parallel()
	env, stop := serve(t, "cachet", "--seed")
	defer stop()
	code, out, stderr := main(t, env, "cachet", "component", "list", "-a", "name")
	if code != 0 || out != "name\nWebsite\nAPI\nDatabase\nLegacy FTP\n" {
		t.Errorf("seeded components: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestSandboxServeErrors(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"sandbox", "serve", "nope"}, app.ExitUsage, `ERROR: no emulator for this platform: "nope" (have: ` + strings.Join(sandbox.Platforms(), ", ") + ")"},
		{[]string{"sandbox", "serve"}, app.ExitUsage, "ERROR: accepts 1 arg(s), received 0"},
		{[]string{"sandbox", "serve", "cachet", "--addr", "localhost"}, app.ExitUsage, `ERROR: --addr "localhost"`},
		{[]string{"sandbox", "serve", "cachet", "--addr", busy.Addr().String()}, app.ExitFailed, "address already in use"},
	} {
		code, out, stderr := main(t, nil, tc.args...)
		if code != tc.code || out != "" || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, stderr, tc.code, tc.stderr)
		}
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{[]string{}, app.ExitOK, "switchboard drives five", ""},
		{[]string{"--version"}, app.ExitOK, "switchboard 0.1.0\n", ""},
		{[]string{"nope"}, app.ExitUsage, "", "ERROR: unknown command \"nope\" for \"switchboard\"\nRun 'switchboard --help' for usage.\n"},
		{[]string{"--nope"}, app.ExitUsage, "", "ERROR: unknown flag: --nope"},
		{[]string{"cachet"}, app.ExitOK, "Manage a Cachet 2.x status page", ""},
		{[]string{"cachet", "component"}, app.ExitOK, "Available Commands:", ""},
		{[]string{"cachet", "component", "list"}, app.ExitUsage, "",
			"ERROR: no Cachet endpoint: set CACHET_ENDPOINT or --endpoint to the API URL (e.g. https://status.example.com/api/v1), " +
				"or add --sandbox to use the built-in emulator\nRun 'switchboard cachet component list --help' for usage.\n"},
		{[]string{"--sandbox", "cachet", "ping", "-j", "-y"}, app.ExitUsage, "", "only one of -j/--json and -y/--yaml"},
		{[]string{"--sandbox", "cachet", "component", "get", "404"}, app.ExitFailed, "", "404 Not Found"},
		{[]string{"--sandbox", "cachet", "ping"}, app.ExitOK, "Pong!\n", ""},
		// cobra's completion command, which lines running a platform's
		// command leave out, is there for the lines that ask for it.
		{[]string{"--help"}, app.ExitOK, "completion", ""},
		{[]string{"completion", "bash"}, app.ExitOK, "__start_switchboard", ""},
		{[]string{"__complete", "comp"}, app.ExitOK, "completion\t", "Completion ended"},
		{[]string{"__complete", "st2", "ac"}, app.ExitOK, "action\t", "Completion ended"},
		{[]string{"cachet", "completion"}, app.ExitUsage, "", "unknown command \"completion\" for \"switchboard cachet\""},
	} {
		code, out, stderr := main(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(stderr, tc.stderr) || (tc.stderr == "" && stderr != "") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				tc.args, code, out, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}

// TestSandboxPerInvocation: each --sandbox invocation gets its own
// emulator, so a write is gone by the next command.
func TestSandboxPerInvocation(t *testing.T) {
	t.Parallel()
	if code, _, stderr := main(t, nil, "--sandbox", "cachet", "component", "delete", "1"); code != 0 {
		t.Fatalf("delete: exit %d: %s", code, stderr)
	}
	code, out, _ := main(t, nil, "--sandbox", "cachet", "component", "get", "1", "-a", "name")
	if code != 0 || out != "name\tWebsite\n" {
		t.Errorf("component 1 after a delete in another invocation: exit %d, %q", code, out)
	}
}

// An --addr without a host listens on loopback only: the emulator hands
// its credentials to whoever reaches it. The check reads the kernel's
// table of listening sockets instead of dialing the machine's other
// addresses, so the test sends no traffic beyond loopback.
func TestSandboxServeEmptyHostIsLoopback(t *testing.T) {
	t.Parallel()
	env, stop := serve(t, "cachet", "--addr", ":0")
	defer stop()
	u, err := url.Parse(env["CACHET_ENDPOINT"])
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("endpoint %s, want 127.0.0.1", u)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 4 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			addr, hexPort, _ := strings.Cut(f[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 32); err != nil || int(p) != port {
				continue
			}
			found++
			if addr != "0100007F" { // 127.0.0.1, little-endian
				t.Errorf("%s: port %d listens on %s, want 127.0.0.1 only", table, port, addr)
			}
		}
	}
	if found == 0 {
		t.Skip("no /proc/net/tcp listing of the port on this system")
	}
}

// TestInterruptedCommandFails: an interrupt cancels the command's context
// (app.InterruptContext); the command stops, says why and exits 1, as the
// README says.
func TestInterruptedCommandFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	code := cli.Main(ctx, []string{"--sandbox", "st2", "action", "list"}, app.IO{Out: &out, Err: &errOut})
	if code != app.ExitFailed || out.Len() != 0 || !strings.Contains(errOut.String(), "context canceled") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and the cancellation on stderr", code, out.String(), errOut.String(), app.ExitFailed)
	}
}
