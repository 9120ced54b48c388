package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/binarytest"
)

// TestInterruptStopsServeGracefully builds the binary, starts `sandbox
// serve` and interrupts it as Ctrl-C would: the command winds down and
// exits 0, not killed by the signal.
func TestInterruptStopsServeGracefully(t *testing.T) {
	bin := binarytest.Build(t, "switchboard")
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		cmd := exec.Command(bin, "sandbox", "serve", "st2")
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "ST2_") {
			_ = cmd.Process.Kill()
			t.Fatalf("first line %q, %v; stderr %s", line, err, stderr.String())
		}
		// The handler is in place once the command has run for a
		// moment (app.InterruptContext); a person's Ctrl-C comes later.
		time.Sleep(300 * time.Millisecond)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Errorf("%v: %v (%s), want exit 0; stderr %s", sig, err, ee.ProcessState, stderr.String())
			} else if err != nil {
				t.Errorf("%v: %v", sig, err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("%v: still running 10 s after the signal", sig)
		}
	}
}
