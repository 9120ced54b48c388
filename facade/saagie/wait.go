package saagie

import (
	"context"
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
)

// RunWaitOptions tune RunAndWait. The zero value polls every 10 s at
// first (saagieapi's freq), backing off to 30 s, until a final state or
// the context's end.
type RunWaitOptions struct {
	facade.WaitOptions
	// Final are the states that end the wait; nil means [FinalStatuses].
	Final []InstanceStatus
	// Progress, when set, is called after each poll with the instance as
	// read, from the goroutine that called RunAndWait.
	Progress func(InstanceStatus, time.Duration)
}

func (o *RunWaitOptions) final(s InstanceStatus) bool {
	if o == nil || o.Final == nil {
		return s.IsFinal()
	}
	return slices.Contains(o.Final, s)
}

var runWaitDefaults = facade.WaitOptions{Interval: 10 * time.Second, MaxInterval: 30 * time.Second}

// RunFailedError reports an instance that reached a final state other
// than SUCCEEDED: the run happened and failed, which is not a transport
// or API error.
type RunFailedError struct {
	// Kind is "job" or "pipeline".
	Kind       string
	ID         string
	InstanceID string
	Status     InstanceStatus
	// Reason is the platform's status reason, when it gave one.
	Reason string
}

// stateName is a status as a waiter reports it: the server's text may
// end in a WaitTimeoutError, so it is bounded and without secrets.
func stateName[S ~string](c *Client, s S) string {
	return redact.Excerpt(c.scrub.String(string(s)), 64)
}

// Error names the instance and its state, each part cut short (the
// server writes them; the fields keep them whole).
func (e *RunFailedError) Error() string {
	s := platform + ": " + e.Kind + " " + redact.Excerpt(e.ID, 128) + " instance " + redact.Excerpt(e.InstanceID, 128) + " ended " + redact.Excerpt(string(e.Status), 64)
	if e.Reason != "" {
		s += " (" + redact.Excerpt(e.Reason, 1<<10) + ")"
	}
	return s
}

// RunAndWait runs a job and polls its instance until a final state
// (saagieapi's run_with_callback, which never ends on ERROR or SKIPPED:
// this one does). It returns the last instance read; a final state other
// than SUCCEEDED is a *RunFailedError, a timeout a *facade.WaitTimeoutError
// (errors.Is(err, context.DeadlineExceeded)). Transient failures (5xx, 429,
// network) are ridden out until the timeout.
func (m *JobManager) RunAndWait(ctx context.Context, jobID string, opts *RunWaitOptions) (*JobInstance, error) {
	in, err := m.Run(ctx, jobID)
	if err != nil {
		return in, err
	}
	return m.Wait(ctx, in.ID, opts)
}

// Wait polls a job instance until a final state; see RunAndWait.
func (m *JobManager) Wait(ctx context.Context, instanceID string, opts *RunWaitOptions) (*JobInstance, error) {
	start := time.Now()
	var wo facade.WaitOptions
	if opts != nil {
		wo = opts.WaitOptions
	}
	in, err := wait.Poll(ctx, wo, runWaitDefaults, wait.Target{Platform: platform, Operation: "WaitJobInstance", ID: instanceID},
		func(ctx context.Context) (*JobInstance, string, bool, error) {
			in, err := m.Instance(ctx, instanceID)
			if err != nil {
				return nil, "", false, err
			}
			if opts != nil && opts.Progress != nil {
				opts.Progress(in.Status, time.Since(start))
			}
			return in, stateName(m.c, in.Status), opts.final(in.Status), nil
		})
	if err == nil && in.Status != StatusSucceeded {
		// The reason is the server's text and goes into an error.
		return in, &RunFailedError{Kind: "job", ID: in.JobID, InstanceID: in.ID, Status: in.Status, Reason: m.c.scrub.String(cmpOr(in.Reason, in.Details))}
	}
	return in, err
}

// RunAndWait runs a pipeline and polls its instance until a final state;
// see JobManager.RunAndWait for the rules.
func (m *PipelineManager) RunAndWait(ctx context.Context, pipelineID string, opts *RunWaitOptions) (*PipelineInstance, error) {
	in, err := m.Run(ctx, pipelineID)
	if err != nil {
		return in, err
	}
	return m.Wait(ctx, in.ID, opts)
}

// Wait polls a pipeline instance until a final state.
func (m *PipelineManager) Wait(ctx context.Context, instanceID string, opts *RunWaitOptions) (*PipelineInstance, error) {
	start := time.Now()
	var wo facade.WaitOptions
	if opts != nil {
		wo = opts.WaitOptions
	}
	in, err := wait.Poll(ctx, wo, runWaitDefaults, wait.Target{Platform: platform, Operation: "WaitPipelineInstance", ID: instanceID},
		func(ctx context.Context) (*PipelineInstance, string, bool, error) {
			in, err := m.Instance(ctx, instanceID)
			if err != nil {
				return nil, "", false, err
			}
			if opts != nil && opts.Progress != nil {
				opts.Progress(in.Status, time.Since(start))
			}
			return in, stateName(m.c, in.Status), opts.final(in.Status), nil
		})
	if err == nil && in.Status != StatusSucceeded {
		return in, &RunFailedError{Kind: "pipeline", ID: in.PipelineID, InstanceID: in.ID, Status: in.Status}
	}
	return in, err
}
