package st2cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
)

// openPTY returns a pseudo-terminal's two ends: the tests type on
// master and the command reads the terminal from slave.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no /dev/ptmx on this machine: the terminal cannot be tested")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

func echoOn(t *testing.T, f *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// waitEchoOff waits until the password read has turned echo off.
func waitEchoOff(t *testing.T, f *os.File) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); echoOn(t, f); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("echo never went off")
		}
	}
}

func TestReadPasswordFromTerminal(t *testing.T) {
	master, slave := openPTY(t)
	var prompt bytes.Buffer
	e := NewEnv(app.New(app.IO{In: slave, Out: &prompt, Err: &prompt}), DropInProfile)
	type result struct {
		password string
		err      error
	}
	done := make(chan result, 1)
	go func() {
		p, err := e.readPassword(t.Context())
		done <- result{p, err}
	}()
	waitEchoOff(t, slave)
	if _, err := master.WriteString("s3cr3t\n"); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.password != "s3cr3t" {
		t.Fatalf("got %q, %v", r.password, r.err)
	}
	if !echoOn(t, slave) || prompt.String() != "Password: \n" {
		t.Errorf("after the read: echo on %v, prompt %q", echoOn(t, slave), prompt.String())
	}
}

// TestReadPasswordInterrupted: Ctrl-C while the password is typed cancels
// the command's context; the read gives up at once and the terminal gets
// its echo back, where the process used to die (or wait for Enter) with
// echo off.
func TestReadPasswordInterrupted(t *testing.T) {
	_, slave := openPTY(t)
	var prompt bytes.Buffer
	e := NewEnv(app.New(app.IO{In: slave, Out: &prompt, Err: &prompt}), DropInProfile)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := e.readPassword(ctx)
		done <- err
	}()
	waitEchoOff(t, slave)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want the context's cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not end with its context")
	}
	if !echoOn(t, slave) {
		t.Error("echo is still off after the interrupted read")
	}
}
