package spacestudio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
)

// DefaultWait is the polling a wait uses when its options leave a field
// zero: the first poll at once, the next after one second (the Python
// package's fixed period), then backing off up to ten seconds, with no
// overall timeout beyond the context's.
var DefaultWait = facade.WaitOptions{Interval: time.Second, MaxInterval: 10 * time.Second}

// Missions manages a mission collection: everything [Objects] does, plus
// computing a mission, following its status and reading its results.
type Missions struct {
	*Objects
}

// ComputeOptions tune [Missions.Wait] and [Missions.RunComputation].
type ComputeOptions struct {
	// Wait sets the polling interval, its cap and an overall timeout; zero
	// fields take [DefaultWait]'s.
	Wait facade.WaitOptions
	// Progress, when set, is called with every status polled, pending and
	// finished included, from the waiting goroutine.
	Progress func(Status)
}

// Compute starts the computation of the mission with this id (a GET, as
// the API has it). It returns once the server accepted the request; use
// Wait, or RunComputation for the whole cycle.
func (m *Missions) Compute(ctx context.Context, missionID string) error {
	op := m.op("Compute")
	if err := checkID(platform, op, missionID); err != nil {
		return err
	}
	resp, err := m.ep.compute(ctx, m.c.userID, missionID)
	return wire.NoContent(m.c.call(op), resp, err)
}

// Status returns the computation status of the mission: -1 finished, 0
// pending, anything else progress (see [Status]).
func (m *Missions) Status(ctx context.Context, missionID string) (Status, error) {
	op := m.op("Status")
	if err := checkID(platform, op, missionID); err != nil {
		return Status{}, err
	}
	resp, err := m.ep.status(ctx, m.c.userID, missionID)
	raw, err := wire.Decode[json.RawMessage](m.c.call(op), resp, err)
	if err != nil {
		return Status{}, err
	}
	return Status{Raw: raw}, nil
}

// Wait polls the mission's status until it is finished (-1). Unlike the
// Python loop, which polls every second forever, it backs off, honours
// the context and opts.Wait.Timeout (a *facade.WaitTimeoutError, matching
// context.DeadlineExceeded, carrying the last status), rides out transient
// failures (network, 5xx, 429) and stops at once on any other error (a
// 404 for an unknown mission, a 403).
func (m *Missions) Wait(ctx context.Context, missionID string, opts ComputeOptions) (Status, error) {
	if err := checkID(platform, m.op("Wait"), missionID); err != nil {
		return Status{}, err
	}
	target := wait.Target{Platform: platform, Operation: "Wait " + m.col.Path, ID: missionID}
	return wait.Poll(ctx, opts.Wait, DefaultWait, target, func(ctx context.Context) (Status, string, bool, error) {
		st, err := m.Status(ctx, missionID)
		if err != nil {
			return st, "", false, err
		}
		if opts.Progress != nil {
			opts.Progress(st)
		}
		// The status is the server's JSON and may end in a
		// WaitTimeoutError: bounded, without secrets.
		return st, redact.Truncate(m.c.scrub.String(st.String()), 64), st.Finished(), nil
	})
}

// RunComputation computes the mission, waits until it is finished and
// returns its results: the Python package's compute_mission followed by
// wait_and_get_mission_results, with a timeout and typed errors. When the
// result document lists errors, the results come back together with a
// *ComputationError.
func (m *Missions) RunComputation(ctx context.Context, missionID string, opts ComputeOptions) (*Results, error) {
	if err := m.Compute(ctx, missionID); err != nil {
		return nil, err
	}
	if _, err := m.Wait(ctx, missionID, opts); err != nil {
		return nil, err
	}
	res, err := m.Results(ctx, missionID)
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		// The messages are the server's text and go into an error.
		msgs := make([]string, len(res.Errors))
		for i, e := range res.Errors {
			msgs[i] = m.c.scrub.String(e)
		}
		return res, &ComputationError{Collection: m.col.Path, MissionID: missionID, Messages: msgs}
	}
	return res, nil
}

// computationLog finds the mission's computation log id.
func (m *Missions) computationLog(ctx context.Context, missionID string) (string, error) {
	mission, err := m.Get(ctx, missionID)
	if err != nil {
		return "", err
	}
	if mission.ComputationLogID == "" {
		return "", fmt.Errorf("spacestudio: %s: mission %s: %w", m.col.Path, missionID, ErrNotComputed)
	}
	return mission.ComputationLogID, nil
}

// Results returns the result document of the mission's last computation,
// read from the computation log the mission names. A mission not computed
// yet gives an error matching ErrNotComputed.
func (m *Missions) Results(ctx context.Context, missionID string) (*Results, error) {
	logID, err := m.computationLog(ctx, missionID)
	if err != nil {
		return nil, err
	}
	return m.c.ComputationLog(ctx, logID)
}

// WriteResults streams the mission's result document, as the server sent
// it, to w, without holding it in memory (ephemerides can be large). It
// returns the number of bytes written. Errors are those of
// Files.DownloadJSON: a document cut short is an error, never a silently
// shorter file.
func (m *Missions) WriteResults(ctx context.Context, missionID string, w io.Writer) (int64, error) {
	logID, err := m.computationLog(ctx, missionID)
	if err != nil {
		return 0, err
	}
	const op = "GetComputationLog"
	resp, err := m.c.api.GetComputationLog(transport.NoTimeout(ctx), m.c.userID, logID)
	return copyJSON(m.c.call(op), resp, err, w)
}

// ComputationLog reads a result document by its computation log id.
func (c *Client) ComputationLog(ctx context.Context, computationLogID string) (*Results, error) {
	const op = "GetComputationLog"
	if err := checkID(platform, op, computationLogID); err != nil {
		return nil, err
	}
	resp, err := c.api.GetComputationLog(transport.NoTimeout(ctx), c.userID, computationLogID)
	res, err := wire.Decode[Results](c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// SimulationMissions are the missions of the simulation module, which can
// also pause and resume.
type SimulationMissions struct {
	*Missions
}

// ComputeUntil starts the computation of the mission and pauses it once
// d of simulated time has passed (sent in seconds). Resume it with
// ResumeFromResults.
func (m *SimulationMissions) ComputeUntil(ctx context.Context, missionID string, d time.Duration) error {
	const op = "ComputeUntilDuration simulationrequests"
	if err := checkID(platform, op, missionID); err != nil {
		return err
	}
	if d <= 0 {
		return &facade.ArgumentError{Platform: platform, Operation: op, Argument: "duration", Reason: "must be positive"}
	}
	body := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	resp, err := m.c.api.ComputeSimulationRequestUntilDurationWithBody(ctx, m.c.userID, missionID, "application/json", bytes.NewReader([]byte(body)))
	return wire.NoContent(m.c.call(op), resp, err)
}

// ResumeFromResults creates a new mission named newName that continues
// the paused mission from its results (the `results` member of its result
// document). The server also copies the mission's child objects; the
// copies carry pausedParentMissionId. The new mission is returned, found
// by name when the server's answer is not the object.
func (m *SimulationMissions) ResumeFromResults(ctx context.Context, missionID, newName string, paused *Results) (*Object, error) {
	const op = "CreateFromResults simulationrequests"
	if err := checkID(platform, op, missionID); err != nil {
		return nil, err
	}
	if newName == "" {
		return nil, &facade.ArgumentError{Platform: platform, Operation: op, Argument: "newName", Reason: "empty"}
	}
	if paused == nil || len(bytes.TrimSpace(paused.Results)) == 0 || bytes.TrimSpace(paused.Results)[0] != '{' {
		return nil, &facade.ArgumentError{Platform: platform, Operation: op, Argument: "results", Reason: "the paused mission's results (an object) are required"}
	}
	// The generated client escapes the name as a path segment.
	resp, err := m.c.api.CreateSimulationRequestFromResultsWithBody(ctx, m.c.userID, missionID, newName, "application/json", bytes.NewReader(paused.Results))
	answer, err := wire.Decode[json.RawMessage](m.c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	if obj, ok := asObject(answer); ok {
		return obj, nil
	}
	return m.findCreated(ctx, newName)
}

// MergedResults returns the merged results of a chain of paused
// simulations, starting from its first mission.
func (m *SimulationMissions) MergedResults(ctx context.Context, firstMissionID string) (*Results, error) {
	const op = "GetMergedResults simulationrequests"
	if err := checkID(platform, op, firstMissionID); err != nil {
		return nil, err
	}
	resp, err := m.c.api.GetSimulationRequestMergedResults(transport.NoTimeout(ctx), m.c.userID, firstMissionID)
	res, err := wire.Decode[Results](m.c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	return &res, nil
}
