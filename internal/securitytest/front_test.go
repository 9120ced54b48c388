package securitytest

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Modes of a front: pass the request on, answer it with an error that
// echoes the credentials it carried (4xx or 5xx), or redirect it to the
// other host.
const (
	modePass int32 = iota
	modeEcho4xx
	modeEcho5xx
	modeRedirect
)

// credHeaders are the headers the five platforms carry credentials in.
var credHeaders = []string{"Authorization", "X-Auth-Token", "St2-Api-Key", "X-Cachet-Token", "Cookie"}

// front stands between the clients and an emulator: it notes every
// credential that crosses it (sent in a header, or handed out in an
// answer), can turn into a hostile server that echoes them, and can
// redirect to a second host that records what it receives.
type front struct {
	*httptest.Server
	emu  http.Handler
	mode atomic.Int32

	// other is the foreign host redirects point at.
	other *httptest.Server

	mu        sync.Mutex
	seen      []string      // credentials seen, in order, distinct
	foreign   []http.Header // the headers of each request the other host got
	redirects int
	status401 int // 401 answers the emulator gave
}

func newFront(t *testing.T, emu http.Handler) *front {
	t.Helper()
	f := &front{emu: emu}
	f.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.foreign = append(f.foreign, r.Header.Clone())
		f.mu.Unlock()
		http.Error(w, `{"message":"not here"}`, http.StatusNotFound)
	}))
	f.Server = httptest.NewServer(f)
	t.Cleanup(f.Close)
	t.Cleanup(f.other.Close)
	return f
}

func (f *front) note(v string) {
	v = strings.TrimSpace(v)
	if len(v) < 8 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains(f.seen, v) {
		f.seen = append(f.seen, v)
	}
}

// credentials returns the credential values of r's headers.
func credentials(r *http.Request) []string {
	var out []string
	for _, h := range credHeaders {
		for _, v := range r.Header.Values(h) {
			switch {
			case strings.HasPrefix(v, "Bearer "):
				out = append(out, strings.TrimPrefix(v, "Bearer "))
			case strings.HasPrefix(v, "Basic "):
				out = append(out, strings.TrimPrefix(v, "Basic "))
				if b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, "Basic ")); err == nil {
					if _, pw, ok := strings.Cut(string(b), ":"); ok {
						out = append(out, pw)
					}
				}
			case h == "Cookie":
				for _, c := range r.Cookies() {
					out = append(out, c.Value)
				}
			default:
				out = append(out, v)
			}
		}
	}
	return out
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	creds := credentials(r)
	for _, c := range creds {
		f.note(c)
	}
	switch f.mode.Load() {
	case modeEcho4xx, modeEcho5xx:
		code := http.StatusForbidden
		if f.mode.Load() == modeEcho5xx {
			code = http.StatusInternalServerError
		}
		echo := strings.Join(creds, " ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		body, _ := json.Marshal(map[string]any{
			"message": "rejected credentials " + echo, "faultstring": "bad " + echo,
			"error": echo, "detail": echo, "errors": []map[string]string{{"detail": echo, "message": echo}},
		})
		w.Write(body)
		return
	case modeRedirect:
		if r.Method == http.MethodGet {
			f.mu.Lock()
			f.redirects++
			f.mu.Unlock()
			http.Redirect(w, r, f.other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
	}
	rec := &teeWriter{ResponseWriter: w}
	f.emu.ServeHTTP(rec, r)
	if rec.code == http.StatusUnauthorized {
		f.mu.Lock()
		f.status401++
		f.mu.Unlock()
	}
	f.noteAnswer(rec.Header().Get("Content-Type"), rec.buf.Bytes())
}

var jwtish = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// noteAnswer notes the tokens an answer hands out: any string under a key
// naming a token, and a bare JWT.
func (f *front) noteAnswer(ct string, body []byte) {
	if b := bytes.TrimSpace(body); jwtish.Match(b) {
		f.note(string(b))
		return
	}
	if !strings.Contains(ct, "json") {
		return
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			// Not a token's metadata: st2's whoami answers
			// "token_expire", a timestamp the CLI prints on purpose.
			if k := strings.ToLower(key); strings.Contains(k, "token") && !strings.Contains(k, "expir") || k == "key" && len(v) > 20 {
				f.note(v)
			}
		}
	}
	walk("", v)
}

// Seen returns the credentials noted so far.
func (f *front) Seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

// Unauthorized returns how many 401 answers the emulator gave.
func (f *front) Unauthorized() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status401
}

// Foreign returns the headers of the requests the other host received.
func (f *front) Foreign() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.foreign)
}

// teeWriter keeps a copy of the body it passes on.
type teeWriter struct {
	http.ResponseWriter
	buf  bytes.Buffer
	code int
}

func (t *teeWriter) WriteHeader(code int) {
	if t.code == 0 {
		t.code = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(p []byte) (int, error) {
	if t.buf.Len() < 1<<20 {
		t.buf.Write(p)
	}
	return t.ResponseWriter.Write(p)
}

func (t *teeWriter) Flush() {
	if fl, ok := t.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

// clock is an emulator clock the test moves forward, so the server
// rejects tokens the client still believes valid: the 401 path.
type clock struct{ off atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) Advance(d time.Duration) { c.off.Add(int64(d)) }
func (c *clock) Func() func() time.Time  { return c.Now }
func lines(s string) int                 { return strings.Count(s, "\n") }
func writeFile(t *testing.T, name, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// certFile writes cert as a PEM file, for WithCACertFile and --cacert.
func certFile(t *testing.T, cert *x509.Certificate) string {
	return writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
}

// cliRun is one CLI invocation and what it printed.
type cliRun struct {
	args           []string
	code           int
	stdout, stderr string
}

// bin is the switchboard binary TestMain builds: cmd/internal/cli cannot
// be imported from here (Go's internal rule), so the CLI runs as users
// run it.
var bin string

// st2Bin is the st2 drop-in command (cmd/st2), built by TestMain too.
var st2Bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "securitytest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "switchboard")
	st2Bin = filepath.Join(dir, "st2")
	for out, pkg := range map[string]string{bin: "cmd/switchboard", st2Bin: "cmd/st2"} {
		build := exec.Command("go", "build", "-o", out, "github.com/switchboard-go/switchboard/"+pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building "+pkg+":", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCLI runs switchboard with env as its only environment (HOME an empty
// directory, so no user configuration is read).
func runCLI(t *testing.T, env map[string]string, args ...string) cliRun {
	t.Helper()
	return runBinary(t, bin, t.TempDir(), "", env, args...)
}

// runBinary runs program in home, which is also its HOME, with env as
// its only environment and stdin as its input.
func runBinary(t *testing.T, program, home, stdin string, env map[string]string, args ...string) cliRun {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), program, args...)
	cmd.Dir = home
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = []string{"HOME=" + cmd.Dir, "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return cliRun{args: args, code: code, stdout: out.String(), stderr: errb.String()}
}

// secrets gathers the values to look for, named, without duplicates.
type secrets struct{ list []leakcheck.Secret }

func (s *secrets) add(name, value string) {
	if len(value) < 8 || slices.ContainsFunc(s.list, func(x leakcheck.Secret) bool { return x.Value == value }) {
		return
	}
	s.list = append(s.list, leakcheck.Secret{Name: name, Value: value})
}

// addSeen adds what a front noted crossing it.
func (s *secrets) addSeen(f *front) {
	for i, v := range f.Seen() {
		s.add(fmt.Sprintf("credential %d seen on the wire", i+1), v)
	}
}
