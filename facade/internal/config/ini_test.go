package config_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/config"
)

const sample = "\ufeff# st2 client config\n" +
	"[DEFAULT]\n" +
	"base = https://st2.example.com\n" +
	"\n" +
	"[general]\n" +
	"Base_URL = %(base)s\n" +
	"cacert:/etc/ssl/st2.pem\r\n" +
	"; a comment\n" +
	"silence_ssl_warnings = Yes\n" +
	"\n" +
	"[credentials]\n" +
	"username = st2admin\n" +
	"password = 100%% secret\n" +
	"motd = line one\n" +
	"    line two\n" +
	"\n" +
	"  line four\n" +
	"[cli]\n" +
	"timeout = 30\n"

func TestParseINI(t *testing.T) {
	f, err := config.ParseINI("config", strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Sections(); strings.Join(got, ",") != "general,credentials,cli" {
		t.Fatalf("sections %v", got)
	}
	cases := []struct{ section, key, want string }{
		{"general", "base_url", "https://st2.example.com"}, // case-folded key, interpolated
		{"general", "CACERT", "/etc/ssl/st2.pem"},          // colon delimiter, CRLF
		{"credentials", "password", "100% secret"},
		{"credentials", "motd", "line one\nline two\n\nline four"},
		{"cli", "base", "https://st2.example.com"}, // from DEFAULT
	}
	for _, c := range cases {
		got, ok, err := f.String(c.section, c.key)
		if err != nil || !ok || got != c.want {
			t.Errorf("[%s] %s = %q, %v, %v; want %q", c.section, c.key, got, ok, err, c.want)
		}
	}
	if e, _ := f.Get("credentials", "password"); e.Line != 13 {
		t.Errorf("password on line %d, want 13", e.Line)
	}
	if b, ok, err := f.Bool("general", "silence_ssl_warnings"); !b || !ok || err != nil {
		t.Errorf("Bool = %v %v %v", b, ok, err)
	}
	if n, ok, err := f.Int("cli", "timeout"); n != 30 || !ok || err != nil {
		t.Errorf("Int = %v %v %v", n, ok, err)
	}
	if _, ok, _ := f.String("cli", "missing"); ok {
		t.Error("missing option reported present")
	}
}

func TestParseINIErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		reason     string
	}{
		{"no section", "key = v\n", 1, "outside any [section]"},
		{"no delimiter", "[a]\nx = 1\njunk line\n", 3, "expected key = value"},
		{"open header", "[a]\n[b\n", 2, "no closing bracket"},
		{"duplicate section", "[a]\n[b]\n[a]\n", 3, "already defined on line 1"},
		{"duplicate option", "[a]\nk=1\nK = 2\n", 3, "already set on line 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.ParseINI("/home/ana/.st2/config", strings.NewReader(c.text))
			var ce *facade.ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, config.ErrSyntax) {
				t.Fatalf("got %v, want a *facade.ConfigError matching ErrSyntax", err)
			}
			if ce.File != "/home/ana/.st2/config" || ce.Line != c.line || !strings.Contains(ce.Reason, c.reason) {
				t.Fatalf("got %s (line %d), want line %d and %q", err, ce.Line, c.line, c.reason)
			}
			if !strings.Contains(err.Error(), "/home/ana/.st2/config:") {
				t.Fatalf("message %q does not name the file and line", err)
			}
		})
	}
}

func TestValueErrorsDoNotLeakValues(t *testing.T) {
	f, err := config.ParseINI("rc", strings.NewReader("[a]\nflag = maybe-secret\nbad = 5%\nloop = %(loop)s\nn = x1\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.Bool("a", "flag")
	if err == nil || strings.Contains(err.Error(), "maybe-secret") || !strings.Contains(err.Error(), "rc:2") {
		t.Fatalf("Bool error %v", err)
	}
	for _, key := range []string{"bad", "loop"} {
		if _, _, err := f.String("a", key); !errors.Is(err, config.ErrSyntax) {
			t.Errorf("%s: got %v, want an interpolation error", key, err)
		}
	}
	if _, _, err := f.Int("a", "n"); err == nil || !strings.Contains(err.Error(), "rc:5") {
		t.Errorf("Int error %v", err)
	}
}

func TestLoadINIMissingFile(t *testing.T) {
	_, err := config.LoadINI(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want fs.ErrNotExist", err)
	}
}

func TestCheckPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rc")
	if err := os.WriteFile(path, []byte("[x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if w, err := config.CheckPrivate(path); w != "" || err != nil {
		t.Fatalf("private file: %q, %v", w, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if w, err := config.CheckPrivate(path); !strings.Contains(w, "chmod 600") || err != nil {
		t.Fatalf("world-readable file: %q, %v", w, err)
	}
	if _, err := config.CheckPrivate(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestExpandHome(t *testing.T) {
	t.Setenv("HOME", "/home/ana")
	got, err := config.ExpandHome("~/.st2/config")
	if err != nil || got != filepath.Join("/home/ana", ".st2/config") {
		t.Fatalf("got %q, %v", got, err)
	}
	if got, _ := config.ExpandHome("/etc/x"); got != "/etc/x" {
		t.Fatalf("absolute path changed: %q", got)
	}
}

func FuzzParseINI(f *testing.F) {
	f.Add(sample)
	f.Add("[a]\nk = %(k)s\n")
	f.Add("[a]\n  cont\n")
	f.Fuzz(func(t *testing.T, text string) {
		ini, err := config.ParseINI("fuzz", strings.NewReader(text))
		if err != nil {
			var ce *facade.ConfigError
			if !errors.As(err, &ce) || ce.Line <= 0 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, s := range ini.Sections() {
			_, _, _ = ini.String(s, "k")
		}
	})
}
