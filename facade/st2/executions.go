package st2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2api"
)

// Sentinels matched by errors.Is on an [*ExecutionError].
var (
	// ErrExecutionFailed: the execution ended failed, timeout or abandoned.
	ErrExecutionFailed = errors.New("st2: execution failed")
	// ErrExecutionCanceled: the execution ended canceled.
	ErrExecutionCanceled = errors.New("st2: execution canceled")
	// ErrNotCancelable: Cancel of an execution that already finished (the
	// server answers 200 with only a faultstring).
	ErrNotCancelable = errors.New("st2: execution cannot be canceled")
)

// ExecutionError is what Wait returns when the execution reached a final
// state other than succeeded. The execution itself, result included, is
// in Execution.
type ExecutionError struct {
	// Execution is the execution as last read.
	Execution Execution
}

// Error names the execution, its action and final status, each cut short:
// the server writes them.
func (e *ExecutionError) Error() string {
	return fmt.Sprintf("st2: execution %s of %s ended %s", redact.Excerpt(e.Execution.ID, 128), redact.Excerpt(e.Execution.Action.Ref, 256), redact.Excerpt(string(e.Execution.Status), 64))
}

// Is matches ErrExecutionFailed or ErrExecutionCanceled.
func (e *ExecutionError) Is(target error) bool {
	switch target {
	case ErrExecutionFailed:
		return Failed(e.Execution.Status)
	case ErrExecutionCanceled:
		return e.Execution.Status == StatusCanceled
	}
	return false
}

// CancelError is Cancel's error for an execution that has already
// finished; it matches ErrNotCancelable.
type CancelError struct {
	// ID is the execution's id.
	ID string
	// Message is the server's faultstring ("Action cannot be canceled.
	// State = succeeded.").
	Message string
}

// Error quotes the server.
func (e *CancelError) Error() string { return "st2: execution " + e.ID + ": " + e.Message }

// Is matches ErrNotCancelable.
func (e *CancelError) Is(target error) bool { return target == ErrNotCancelable }

// ExecutionManager runs actions and follows executions: the generic
// operations (List with filters, Get with the id "last" for the newest)
// plus Run, Wait, Tail, Cancel, Pause, Resume, ReRun, Children and Output.
type ExecutionManager struct {
	*Manager[Execution, ExecutionListOptions]
}

// Run starts the action ref with params (POST /executions, 201) and
// returns the new execution, usually requested; follow it with Wait or
// Tail. An unknown ref is a 400 (facade.ErrValidation), not a 404.
func (m *ExecutionManager) Run(ctx context.Context, ref string, params map[string]any) (Execution, error) {
	return m.Start(ctx, ExecutionCreate{Action: ref, Parameters: params})
}

// Start is Run with every field of the request: the user to run as
// (admins), a context, notifications and a delay in milliseconds.
func (m *ExecutionManager) Start(ctx context.Context, req ExecutionCreate) (Execution, error) {
	if req.Action == "" {
		return Execution{}, &facade.ConfigError{Platform: platform, Setting: "action", Reason: "Run needs an action ref (pack.name)"}
	}
	resp, err := m.c.api.CreateExecution(ctx, &st2api.CreateExecutionParams{}, req)
	return wire.Decode[Execution](m.c.call("CreateExecution"), resp, err)
}

// WaitOptions tune Wait. Zero fields take the defaults: first poll at
// once, then every 500 ms growing to 5 s, no timeout beyond ctx.
type WaitOptions struct {
	facade.WaitOptions
	// Progress, when set, is called with each execution read, so callers
	// can show the status as it changes.
	Progress func(Execution)
}

// waitDefaults poll faster than the CLI's fixed 2 s at first, and slower
// later.
var waitDefaults = facade.WaitOptions{Interval: 500 * time.Millisecond, MaxInterval: 5 * time.Second}

// Wait polls the execution until it reaches a final state (succeeded,
// failed, timeout, canceled, abandoned; paused is not final). It returns
// the final execution; a final state other than succeeded also returns an
// *ExecutionError (ErrExecutionFailed or ErrExecutionCanceled). A timeout
// or a done ctx is a *facade.WaitTimeoutError holding the last status.
// Transient errors (5xx, 429, network) are ridden out.
func (m *ExecutionManager) Wait(ctx context.Context, id string, opts WaitOptions) (Execution, error) {
	if err := checkPathValue("execution", id); err != nil {
		return Execution{}, err
	}
	target := wait.Target{Platform: platform, Operation: "WaitExecution", ID: id}
	ex, err := wait.Poll(ctx, opts.WaitOptions, waitDefaults, target, func(ctx context.Context) (Execution, string, bool, error) {
		ex, err := m.Get(ctx, id)
		if err != nil {
			return ex, "", false, err
		}
		if opts.Progress != nil {
			opts.Progress(ex)
		}
		// The status is the server's text and may end in a
		// WaitTimeoutError: bounded, without secrets.
		return ex, redact.Excerpt(m.c.scrub.String(string(ex.Status)), 64), Completed(ex.Status), nil
	})
	if err != nil {
		return ex, err
	}
	if ex.Status != StatusSucceeded {
		return ex, &ExecutionError{Execution: ex}
	}
	return ex, nil
}

// RunAndWait is Run followed by Wait, as `st2 run` does by default.
func (m *ExecutionManager) RunAndWait(ctx context.Context, ref string, params map[string]any, opts WaitOptions) (Execution, error) {
	ex, err := m.Run(ctx, ref, params)
	if err != nil {
		return ex, err
	}
	return m.Wait(ctx, ex.ID, opts)
}

// Cancel asks for the execution's cancellation (DELETE) and returns it,
// canceling or canceled. An execution that already finished gives a
// *CancelError (ErrNotCancelable), from the server's 200-with-faultstring
// answer.
func (m *ExecutionManager) Cancel(ctx context.Context, id string) (Execution, error) {
	if err := checkPathValue("execution", id); err != nil {
		return Execution{}, err
	}
	resp, err := m.c.api.CancelExecution(ctx, id, &st2api.CancelExecutionParams{})
	raw, err := wire.Decode[json.RawMessage](m.c.call("CancelExecution"), resp, err)
	if err != nil {
		return Execution{}, err
	}
	var probe struct {
		ID          string `json:"id"`
		Faultstring string `json:"faultstring"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return Execution{}, m.c.call("CancelExecution").ConversionError(nil, err)
	}
	if probe.ID == "" && probe.Faultstring != "" {
		// The server's text, bounded like an APIError's message.
		return Execution{}, &CancelError{ID: id, Message: redact.Truncate(m.c.scrub.String(probe.Faultstring), 1<<10)}
	}
	var ex Execution
	if err := json.Unmarshal(raw, &ex); err != nil {
		return Execution{}, m.c.call("CancelExecution").ConversionError(nil, err)
	}
	return ex, nil
}

// Pause asks a running workflow to pause (status pausing); it becomes
// paused once its running tasks finish.
func (m *ExecutionManager) Pause(ctx context.Context, id string) (Execution, error) {
	return m.setStatus(ctx, id, StatusPausing, "PauseExecution")
}

// Resume resumes a paused workflow (status resuming).
func (m *ExecutionManager) Resume(ctx context.Context, id string) (Execution, error) {
	return m.setStatus(ctx, id, StatusResuming, "ResumeExecution")
}

func (m *ExecutionManager) setStatus(ctx context.Context, id string, s ExecutionStatus, op string) (Execution, error) {
	if err := checkPathValue("execution", id); err != nil {
		return Execution{}, err
	}
	resp, err := m.c.api.UpdateExecution(ctx, id, &st2api.UpdateExecutionParams{}, st2api.ExecutionUpdate{Status: s})
	return wire.Decode[Execution](m.c.call(op), resp, err)
}

// ReRunOptions say how to run an execution again.
type ReRunOptions struct {
	// Parameters override the original ones.
	Parameters map[string]any
	// Tasks are the workflow tasks to re-run from (workflows only).
	Tasks []string
	// NoReset are tasks among Tasks whose state is kept; the others are
	// reset, as `st2 execution re-run --no-reset` computes it.
	NoReset []string
	// Delay in milliseconds before scheduling.
	Delay int
	// User to run as (admins).
	User string
}

// ReRun runs the execution again (201) and returns the new one.
func (m *ExecutionManager) ReRun(ctx context.Context, id string, opts ReRunOptions) (Execution, error) {
	if err := checkPathValue("execution", id); err != nil {
		return Execution{}, err
	}
	for _, t := range opts.NoReset {
		if !slices.Contains(opts.Tasks, t) {
			return Execution{}, &facade.ConfigError{Platform: platform, Setting: "no-reset", Value: t, Reason: "is not among the tasks to re-run"}
		}
	}
	var reset []string
	for _, t := range opts.Tasks {
		if !slices.Contains(opts.NoReset, t) {
			reset = append(reset, t)
		}
	}
	body := st2api.ExecutionRerun{Parameters: opts.Parameters, Tasks: opts.Tasks, Reset: reset, Delay: opts.Delay, User: opts.User}
	resp, err := m.c.api.RerunExecution(ctx, id, &st2api.RerunExecutionParams{}, body)
	return wire.Decode[Execution](m.c.call("RerunExecution"), resp, err)
}

// Children returns a workflow's child executions, depth levels down (-1:
// all).
func (m *ExecutionManager) Children(ctx context.Context, id string, depth int) ([]Execution, error) {
	if err := checkPathValue("execution", id); err != nil {
		return nil, err
	}
	resp, err := m.c.api.ListExecutionChildren(ctx, id, &st2api.ListExecutionChildrenParams{Depth: &depth})
	return wire.Decode[[]Execution](m.c.call("ListExecutionChildren"), resp, err)
}

// OutputType selects stdout, stderr or both.
type OutputType string

// Output types.
const (
	OutputAll    OutputType = "all"
	OutputStdout OutputType = "stdout"
	OutputStderr OutputType = "stderr"
)

// Output returns the output stored so far (text), of the given type (""
// is all).
func (m *ExecutionManager) Output(ctx context.Context, id string, t OutputType) (string, error) {
	if err := checkPathValue("execution", id); err != nil {
		return "", err
	}
	p := &st2api.GetExecutionOutputParams{}
	if t != "" {
		ot := st2api.GetExecutionOutputParamsOutputType(t)
		p.OutputType = &ot
	}
	resp, err := m.c.api.GetExecutionOutput(ctx, id, p)
	return readText(m.c.call("GetExecutionOutput"), resp, err)
}

// maxText bounds text answers read whole (output, entry points).
const maxText = 64 << 20

// readText reads a text answer whole, up to 64 MiB.
func readText(call wire.Call, resp *http.Response, err error) (string, error) {
	resp, err = wire.Check(call, resp, err)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxText+1))
	if err != nil {
		return "", &facade.TransportError{Platform: platform, Operation: call.Operation, Err: err}
	}
	if len(b) > maxText {
		return "", call.ConversionError(resp, fmt.Errorf("answer larger than %d bytes", maxText))
	}
	return string(b), nil
}
