package st2test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ActionFunc runs an action inside the emulator, in place of the real
// runner: params are the execution's parameters after defaults, and the
// value returned becomes the execution's result (a map is used as is,
// anything else is wrapped as {"result": value}). A non-nil error fails
// the execution with {"error": err.Error()}. The function runs on its own
// goroutine once the execution is running; ctx is canceled when the
// execution is canceled, times out or the server closes. Inside it,
// Stdout and Stderr stream output, and RunChild runs workflow tasks.
type ActionFunc func(ctx context.Context, params map[string]any) (any, error)

// Action is the metadata of an action registered with WithActionHandler
// or Seeder.Action, in the API's field names.
type Action struct {
	Name        string         `json:"name"`
	Pack        string         `json:"pack"`
	Description string         `json:"description,omitempty"`
	RunnerType  string         `json:"runner_type"`
	EntryPoint  string         `json:"entry_point,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
	Enabled     *bool          `json:"enabled,omitempty"`
	Tags        []any          `json:"tags,omitempty"`
}

type runCtxKey struct{}

// runCtx is what an ActionFunc's context carries.
type runCtx struct {
	s      *Server
	id     string
	stdout *lineWriter
	stderr *lineWriter
}

func fromCtx(ctx context.Context) *runCtx {
	rc, _ := ctx.Value(runCtxKey{}).(*runCtx)
	return rc
}

// Stdout returns the writer of the running execution's standard output:
// every complete line becomes an st2.execution.output__create event and
// part of GET /executions/{id}/output. Outside an ActionFunc it discards.
func Stdout(ctx context.Context) io.Writer {
	if rc := fromCtx(ctx); rc != nil {
		return rc.stdout
	}
	return io.Discard
}

// Stderr is Stdout for the standard error stream.
func Stderr(ctx context.Context) io.Writer {
	if rc := fromCtx(ctx); rc != nil {
		return rc.stderr
	}
	return io.Discard
}

// ExecutionID returns the id of the execution an ActionFunc runs for.
func ExecutionID(ctx context.Context) string {
	if rc := fromCtx(ctx); rc != nil {
		return rc.id
	}
	return ""
}

// ChildError is RunChild's error for a task that did not succeed.
type ChildError struct {
	ID     string         // the child execution's id
	Status string         // its final status
	Result map[string]any // its result
}

func (e *ChildError) Error() string {
	return fmt.Sprintf("st2test: task execution %s ended %s", e.ID, e.Status)
}

// ErrNotInAction is returned by RunChild outside an ActionFunc.
var ErrNotInAction = errors.New("st2test: RunChild called outside an action handler")

// RunChild runs the action ref as a task of the execution ctx belongs to
// (a workflow's child: it shows in GET /executions/{id}/children, with
// its parent set) and waits for it to complete. While the workflow is
// pausing or paused, RunChild waits before starting the task, which is
// how the emulator's workflows pause between tasks. The result is the
// child's result; a child that does not succeed is a *ChildError.
func RunChild(ctx context.Context, task, ref string, params map[string]any) (map[string]any, error) {
	rc := fromCtx(ctx)
	if rc == nil {
		return nil, ErrNotInAction
	}
	s := rc.s
	for {
		s.mu.Lock()
		parent := s.st.runs[rc.id]
		if parent == nil {
			s.mu.Unlock()
			return nil, ErrNotInAction
		}
		d := s.st.executions.byID(rc.id)
		status := str(d["status"])
		if status != "pausing" && status != "paused" {
			break
		}
		wait := parent.resumed
		s.st.settlePause(d, parent, s.now())
		s.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	// The lock is held here.
	st := s.st
	now := s.now()
	parentDoc := st.executions.byID(rc.id)
	d, err := st.newExecution(now, execRequest{
		ref:    ref,
		params: params,
		user:   str(mapOf(parentDoc["context"])["user"]),
		parent: rc.id,
		task:   task,
	})
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	parent := st.runs[rc.id]
	parent.activeChildren++
	child := st.runs[str(d["id"])]
	done := child.done
	st.advance(now)
	s.mu.Unlock()

	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent.activeChildren--
	pd := st.executions.byID(rc.id)
	st.settlePause(pd, parent, s.now())
	cd := st.executions.byID(child.id)
	res, _ := clone(cd["result"]).(map[string]any)
	if status := str(cd["status"]); status != "succeeded" {
		return res, &ChildError{ID: child.id, Status: status, Result: res}
	}
	return res, nil
}

// lineWriter turns writes into output chunks, one per line.
type lineWriter struct {
	s    *Server
	id   string
	kind string
	mu   sync.Mutex
	buf  []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			break
		}
		line := string(w.buf[:i+1])
		w.buf = w.buf[i+1:]
		w.emit(line)
	}
	return len(p), nil
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(string(w.buf))
		w.buf = nil
	}
}

func (w *lineWriter) emit(line string) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	w.s.st.addOutput(w.id, w.kind, line, w.s.now())
}

// simulation is what a simulated runner decides at start: how long the
// execution runs on the clock, how it ends, and its output.
type simulation struct {
	duration time.Duration
	status   string
	result   map[string]any
	stdout   string
	stderr   string
	pending  bool // an inquiry: waits for a response
}

var sleepRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^sleep\s+([0-9]+(?:\.[0-9]+)?)$`) })

// simulateShell interprets the few commands the emulator understands
// without running anything: echo, sleep N, true, false, exit N, date.
// Anything else succeeds with a note on stdout saying it was not run.
func simulateShell(cmd string, now time.Time) (stdout string, rc int, d time.Duration) {
	c := strings.TrimSpace(cmd)
	switch {
	case c == "true" || c == ":":
		return "", 0, 0
	case c == "false":
		return "", 1, 0
	case c == "date":
		return now.Format("Mon Jan _2 15:04:05 UTC 2006") + "\n", 0, 0
	case strings.HasPrefix(c, "exit "):
		n, err := strconv.Atoi(strings.TrimSpace(c[5:]))
		if err == nil {
			return "", n & 0xff, 0
		}
	case c == "echo" || strings.HasPrefix(c, "echo "):
		return shellWords(strings.TrimPrefix(c, "echo")) + "\n", 0, 0
	}
	if m := sleepRe().FindStringSubmatch(c); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		return "", 0, time.Duration(f * float64(time.Second))
	}
	return "[st2test] simulated, not executed: " + c + "\n", 0, 0
}

// shellWords joins echo's arguments the way a shell would print them,
// for the simple quoting echo commands use.
func shellWords(s string) string {
	var out []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else {
				cur.WriteByte(ch)
			}
		case ch == '"' || ch == '\'':
			quote, inWord = ch, true
		case ch == ' ' || ch == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return strings.Join(out, " ")
}

func shellResult(stdout, stderr string, rc int) map[string]any {
	return map[string]any{
		"failed":      rc != 0,
		"succeeded":   rc == 0,
		"return_code": float64(rc),
		"stdout":      strings.TrimRight(stdout, "\n"),
		"stderr":      strings.TrimRight(stderr, "\n"),
	}
}

// simulate decides the outcome of an action run without a handler.
func simulate(runner string, params map[string]any, now time.Time) simulation {
	switch runner {
	case "local-shell-cmd", "local-shell-script", "remote-shell-cmd", "remote-shell-script":
		cmd := str(params["cmd"])
		if runner == "local-shell-script" || runner == "remote-shell-script" {
			cmd = "script"
		}
		out, rc, d := simulateShell(cmd, now)
		status := "succeeded"
		if rc != 0 {
			status = "failed"
		}
		res := shellResult(out, "", rc)
		if strings.HasPrefix(runner, "remote") {
			byHost := map[string]any{}
			for h := range strings.SplitSeq(str(params["hosts"]), ",") {
				if h = strings.TrimSpace(h); h != "" {
					byHost[h] = shellResult(out, "", rc)
				}
			}
			res = byHost
		}
		return simulation{duration: d, status: status, result: res, stdout: out}
	case "python-script":
		return simulation{status: "succeeded", result: map[string]any{"result": nil, "exit_code": 0.0, "stdout": "", "stderr": ""}}
	case "http-request":
		return simulation{status: "succeeded", result: map[string]any{"status_code": 200.0, "body": "", "parsed": false, "headers": map[string]any{}}}
	case "orquesta", "action-chain":
		return simulation{status: "succeeded", result: map[string]any{"output": nil}}
	case "inquirer":
		return simulation{pending: true}
	}
	return simulation{status: "succeeded", result: shellResult("", "", 0)}
}

// pauseHandler is core.pause: it waits max_pause seconds of the server's
// clock, as python-script would sleep.
func simulatePause(params map[string]any) simulation {
	n := num(params["max_pause"])
	return simulation{
		duration: time.Duration(n * float64(time.Second)),
		status:   "succeeded",
		result:   map[string]any{"result": n, "exit_code": 0.0, "stdout": "", "stderr": ""},
	}
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

// shellHandler really runs cmd with /bin/sh (WithShellExecution only).
func shellHandler(ctx context.Context, params map[string]any) (any, error) {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", str(params["cmd"]))
	if cwd := str(params["cwd"]); cwd != "" {
		cmd.Dir = cwd
	}
	for k, v := range mapOf(params["env"]) {
		cmd.Env = append(cmd.Env, k+"="+fmt.Sprint(v))
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var stdout, stderr strings.Builder
	var wg sync.WaitGroup
	copyLines := func(r io.Reader, w io.Writer, into *strings.Builder) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text() + "\n"
			into.WriteString(line)
			_, _ = io.WriteString(w, line)
		}
	}
	wg.Add(2)
	go copyLines(outPipe, Stdout(ctx), &stdout)
	go copyLines(errPipe, Stderr(ctx), &stderr)
	wg.Wait()
	rc := 0
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, err
		}
		rc = ee.ExitCode()
	}
	res := shellResult(stdout.String(), stderr.String(), rc)
	if rc != 0 {
		return res, errShellFailed
	}
	return res, nil
}

// errShellFailed marks a shell result with a non-zero exit: the result
// is kept, the status is failed.
var errShellFailed = errors.New("command failed")

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
