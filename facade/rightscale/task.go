package rightscale

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// RunExecutable is what run_executable and multi_run_executable run:
// exactly one of RightScriptHref and RecipeName, with inputs. The facade
// always sends inputs in the 2.0 notation (name → prefixed value); the
// legacy 1.0 list the API also takes is reachable through [Client.API]
// (rightscaleapi.Inputs.FromInputPairs).
type RunExecutable struct {
	// RightScriptHref is the script to run, /api/right_scripts/<id>.
	RightScriptHref string
	// RecipeName is the Chef recipe to run instead, cookbook::recipe.
	RecipeName string
	// Inputs are the script's inputs; those left out keep their values.
	Inputs Inputs
	// IgnoreLock runs on locked instances too.
	IgnoreLock bool
}

// body checks run and turns it into the request body.
func (run RunExecutable) body(op string) (rightscaleapi.RunExecutable, error) {
	var out rightscaleapi.RunExecutable
	if (run.RightScriptHref == "") == (run.RecipeName == "") {
		return out, &facade.ArgumentError{Platform: platform, Operation: op, Argument: "RightScriptHref/RecipeName",
			Reason: "give exactly one of a RightScript href and a recipe name"}
	}
	if run.RightScriptHref != "" {
		if _, err := checkHref(run.RightScriptHref); err != nil {
			return out, err
		}
	}
	if err := run.Inputs.Check(); err != nil {
		return out, withOperation(err, op)
	}
	out.RightScriptHref, out.RecipeName = run.RightScriptHref, run.RecipeName
	if run.IgnoreLock {
		out.IgnoreLock = rightscaleapi.BoolStringTrue
	}
	in, err := run.Inputs.wire()
	out.Inputs = in
	return out, err
}

// TaskState is where a task stands, read from its summary.
type TaskState string

// Task states. RightScale only gives a free-text summary; "completed: …"
// and "failed: …" end a task, anything else means it is still running.
// "aborted" is not documented anywhere and is treated as a failure, to be
// safe.
const (
	TaskRunning   TaskState = "running"
	TaskCompleted TaskState = "completed"
	TaskFailed    TaskState = "failed"
	TaskAborted   TaskState = "aborted"
)

// StateOf reads a task summary.
func StateOf(summary string) TaskState {
	s := strings.ToLower(strings.TrimSpace(summary))
	switch {
	case strings.HasPrefix(s, "completed"):
		return TaskCompleted
	case strings.HasPrefix(s, "failed"):
		return TaskFailed
	case strings.HasPrefix(s, "aborted"):
		return TaskAborted
	}
	return TaskRunning
}

// Final reports whether the state ends the task.
func (s TaskState) Final() bool { return s != TaskRunning }

// Task follows a script or recipe run started by run_executable or
// multi_run_executable, through the href the API returned in Location
// (".../live/tasks/ae-1234").
type Task struct {
	// Href is the task's href.
	Href string
	// Summary is the last summary read ("Querying tags", "completed:
	// deploy"); empty before the first Refresh or Wait.
	Summary string
	// Detail is the last detail read (the extended view), if any.
	Detail string

	c *Client
}

// State is the state of the last summary read.
func (t *Task) State() TaskState { return StateOf(t.Summary) }

// Task returns a handle on the task at href, e.g. one printed by an
// earlier run.
func (c *Client) Task(href string) (*Task, error) {
	if _, err := checkHref(href); err != nil {
		return nil, err
	}
	if !strings.Contains(href, "/live/tasks/") {
		return nil, fmt.Errorf("rightscale: %q is not a task href (…/live/tasks/<id>): %w", href, ErrInvalidHref)
	}
	return &Task{Href: href, c: c}, nil
}

// Refresh reads the task once (view extended, for the detail).
func (t *Task) Refresh(ctx context.Context) (TaskStatus, error) {
	st, err := getJSON[TaskStatus](ctx, t.c, "ShowTask", t.Href, url.Values{"view": {"extended"}})
	if err != nil {
		return st, err
	}
	t.Summary, t.Detail = st.Summary, st.Detail
	return st, nil
}

// TaskWaitOptions tune [Task.Wait]. Zero fields take the defaults: a first
// poll at once, then 1 s growing to 10 s between polls, for at most 30
// minutes.
type TaskWaitOptions struct {
	facade.WaitOptions
	// Progress, when set, is called with each summary that differs from
	// the previous one.
	Progress func(summary string)
}

// taskWaitDefaults are documented on TaskWaitOptions.
var taskWaitDefaults = facade.WaitOptions{Interval: time.Second, MaxInterval: 10 * time.Second, Timeout: 30 * time.Minute}

// TaskFailedError reports a task that ended in failure. Summary is what
// RightScale said ("failed: deploy: exit code 1"); the audit entries of
// the instance have the script's output.
type TaskFailedError struct {
	Href    string
	Summary string
	Detail  string
	State   TaskState
}

// Error quotes the summary and the first line of the detail, both cut
// short (the server writes them; Summary and Detail keep them whole).
func (e *TaskFailedError) Error() string {
	msg := "rightscale: task " + redact.Excerpt(e.Href, 256) + " ended with \"" + redact.Excerpt(e.Summary, 1<<10) + "\""
	if d, _, _ := strings.Cut(strings.TrimSpace(e.Detail), "\n"); d != "" {
		msg += ": " + redact.Excerpt(d, 1<<10)
	}
	return msg
}

// Wait polls the task until its summary says it completed or failed,
// backing off between polls. It returns nil when the task completed, a
// *TaskFailedError when it failed (python-rightscale never noticed), and a
// *facade.WaitTimeoutError when the timeout or ctx ends the wait first
// (the task itself goes on). Transient errors (5xx, network) are ridden
// out.
func (t *Task) Wait(ctx context.Context, opts TaskWaitOptions) error {
	last := t.Summary
	seen := false
	_, err := wait.Poll(ctx, opts.WaitOptions, taskWaitDefaults,
		wait.Target{Platform: platform, Operation: "WaitTask", ID: t.Href},
		func(ctx context.Context) (TaskStatus, string, bool, error) {
			st, err := t.Refresh(ctx)
			if err != nil {
				return st, "", false, err
			}
			if opts.Progress != nil && (!seen || st.Summary != last) {
				opts.Progress(st.Summary)
			}
			seen, last = true, st.Summary
			state := StateOf(st.Summary)
			// The summary is the server's text and may end in a
			// WaitTimeoutError: bounded, without secrets.
			return st, redact.Excerpt(t.c.scrub.String(st.Summary), 256), state.Final(), nil
		})
	if err != nil {
		return err
	}
	if s := t.State(); s != TaskCompleted {
		// The server's text goes into an error: hide the client's secrets.
		return &TaskFailedError{Href: t.Href, Summary: t.c.scrub.String(t.Summary), Detail: t.c.scrub.String(t.Detail), State: s}
	}
	return nil
}

// RunExecutable runs a RightScript or recipe on a running instance and
// returns the task following it.
func (c *Client) RunExecutable(ctx context.Context, instanceHref string, run RunExecutable) (*Task, error) {
	body, err := run.body("RunExecutable")
	if err != nil {
		return nil, err
	}
	loc, err := c.sendWant(ctx, "RunExecutable", "POST", under(instanceHref, "run_executable"), body, true)
	if err != nil {
		return nil, err
	}
	return c.taskAt(loc, "RunExecutable")
}

// MultiRunExecutable runs a RightScript or recipe on every current
// instance of a server array and returns the array-level task.
func (c *Client) MultiRunExecutable(ctx context.Context, serverArrayHref string, run RunExecutable) (*Task, error) {
	body, err := run.body("MultiRunExecutable")
	if err != nil {
		return nil, err
	}
	loc, err := c.sendWant(ctx, "MultiRunExecutable", "POST", under(serverArrayHref, "multi_run_executable"), body, true)
	if err != nil {
		return nil, err
	}
	return c.taskAt(loc, "MultiRunExecutable")
}

// taskAt is the task a run_executable answer's Location names.
func (c *Client) taskAt(loc, op string) (*Task, error) {
	if !strings.Contains(loc, "/live/tasks/") {
		return nil, &facade.DecodeError{Platform: platform, Operation: op, StatusCode: 202,
			Err: fmt.Errorf("%w: %q is not a task href (…/live/tasks/<id>)", ErrNoLocation, loc)}
	}
	return &Task{Href: loc, c: c}, nil
}

// RunScriptOnServer is python-rightscale's run_script_on_server: it finds
// the RightScript and the server by exact name, then runs the script on
// the server's current instance with inputs, and returns the task (call
// Wait on it). A stopped server has no current instance:
// ErrNoCurrentInstance.
func (c *Client) RunScriptOnServer(ctx context.Context, scriptName, serverName string, inputs Inputs) (*Task, error) {
	if err := inputs.Check(); err != nil {
		return nil, withOperation(err, "RunScriptOnServer")
	}
	script, err := c.RightScripts.FindHref(ctx, scriptName)
	if err != nil {
		return nil, err
	}
	server, err := findByName(ctx, c, c.Servers.href, "server", serverName)
	if err != nil {
		return nil, err
	}
	inst, ok := LinkOf(server.Links, "current_instance")
	if !ok || inst == "" {
		return nil, fmt.Errorf("rightscale: server %q (%s): %w", serverName, server.Href(), ErrNoCurrentInstance)
	}
	return c.RunExecutable(ctx, inst, RunExecutable{RightScriptHref: script, Inputs: inputs})
}

// RunScriptOnServerArray runs the RightScript named scriptName on every
// current instance of the server array named arrayName
// (multi_run_executable), something python-rightscale has no helper for.
func (c *Client) RunScriptOnServerArray(ctx context.Context, scriptName, arrayName string, inputs Inputs) (*Task, error) {
	if err := inputs.Check(); err != nil {
		return nil, withOperation(err, "RunScriptOnServerArray")
	}
	script, err := c.RightScripts.FindHref(ctx, scriptName)
	if err != nil {
		return nil, err
	}
	array, err := c.ServerArrays.FindHref(ctx, arrayName)
	if err != nil {
		return nil, err
	}
	return c.MultiRunExecutable(ctx, array, RunExecutable{RightScriptHref: script, Inputs: inputs})
}
