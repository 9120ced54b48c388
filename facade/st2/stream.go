package st2

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"path"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wait"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2streamapi"
)

// Event names of the stream.
const (
	EventExecutionCreate       = "st2.execution__create"
	EventExecutionUpdate       = "st2.execution__update"
	EventExecutionDelete       = "st2.execution__delete"
	EventLiveActionCreate      = "st2.liveaction__create"
	EventLiveActionUpdate      = "st2.liveaction__update"
	EventLiveActionDelete      = "st2.liveaction__delete"
	EventExecutionOutputCreate = "st2.execution.output__create"
	// EventEOF ends the output stream of one execution.
	EventEOF = "EOF"
)

// maxEventSize bounds one event: an execution with a large result is sent
// whole in one data line.
const maxEventSize = 32 << 20

// ExecutionOutput is one chunk of an execution's output.
type ExecutionOutput = st2streamapi.ExecutionOutput

// Event is one server-sent event.
type Event struct {
	// Name is the event name, e.g. st2.execution__update.
	Name string
	// Data is the event's JSON payload.
	Data json.RawMessage
	// Synthetic marks an st2.execution__update the client made up after a
	// reconnection, from the execution as the API returned it, because
	// the status it had seen last had changed while it was disconnected.
	Synthetic bool
}

// Execution decodes the data of an execution event.
func (e Event) Execution() (Execution, error) {
	var ex Execution
	err := json.Unmarshal(e.Data, &ex)
	return ex, err
}

// Output decodes the data of an st2.execution.output__create event.
func (e Event) Output() (ExecutionOutput, error) {
	var o ExecutionOutput
	err := json.Unmarshal(e.Data, &o)
	return o, err
}

// StreamClient reads st2stream's server-sent events.
type StreamClient struct {
	c *Client
}

// ListenOptions filter the stream and control reconnection.
type ListenOptions struct {
	// Events are event names or glob patterns (st2.execution__*); empty:
	// the server's default (announcements, execution and liveaction
	// events; output events must be asked for).
	Events []string
	// ActionRefs and ExecutionIDs keep events of these actions or
	// executions.
	ActionRefs, ExecutionIDs []string
	// EndExecutionID ends the stream once that execution has completed
	// (server side, and client side after a reconnection).
	EndExecutionID string
	// EndEvent is the event that carries the completion; default
	// st2.execution__update.
	EndEvent string
	// MaxReconnects bounds consecutive failed reconnections; zero is 10,
	// negative never reconnects.
	MaxReconnects int
	// ReconnectDelay is the first delay before reconnecting, doubled on
	// each failure up to 30 s; zero is 1 s.
	ReconnectDelay time.Duration
}

// Listen returns the stream's events until ctx ends, the end condition
// is met, or reconnection fails. Heartbeats are skipped. A dropped
// connection is reopened: the events sent in the gap are lost by the
// server (it has no replay), so after reconnecting the client reads the
// executions it follows (ExecutionIDs, EndExecutionID and those seen
// unfinished) and yields a Synthetic st2.execution__update for each whose
// status changed; an event identical to one already yielded is dropped.
// The body is read with no client timeout (ctx still applies).
func (s *StreamClient) Listen(ctx context.Context, opts ListenOptions) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		l := &listener{s: s, opts: opts, status: map[string]ExecutionStatus{}, finished: map[string]ExecutionStatus{}, seen: newDedup(1024)}
		l.run(ctx, yield)
	}
}

type listener struct {
	s      *StreamClient
	opts   ListenOptions
	status map[string]ExecutionStatus // last status yielded, unfinished executions
	// finished holds the final status already yielded per execution, so
	// that a catch-up and the stream never both report it.
	finished map[string]ExecutionStatus
	seen     *dedup
	done     bool
}

func (l *listener) endEvent() string {
	if l.opts.EndEvent != "" {
		return l.opts.EndEvent
	}
	return EventExecutionUpdate
}

func (l *listener) params() *st2streamapi.StreamEventsParams {
	p := &st2streamapi.StreamEventsParams{}
	if len(l.opts.Events) > 0 {
		p.Events = &l.opts.Events
	}
	if len(l.opts.ActionRefs) > 0 {
		p.ActionRefs = &l.opts.ActionRefs
	}
	if len(l.opts.ExecutionIDs) > 0 {
		p.ExecutionIds = &l.opts.ExecutionIDs
	}
	if l.opts.EndExecutionID != "" {
		end := l.endEvent()
		p.EndExecutionID, p.EndEvent = &l.opts.EndExecutionID, &end
	}
	return p
}

func (l *listener) run(ctx context.Context, yield func(Event, error) bool) {
	call := l.s.c.call("StreamEvents")
	failures := 0
	for attempt := 0; ; attempt++ {
		resp, err := l.s.c.streamAP.StreamEvents(transport.NoTimeout(ctx), l.params())
		resp, err = wire.Check(call, resp, err)
		if err == nil {
			failures = 0
			// Connected: what happened before is read from the API, what
			// happens from now on comes through the stream.
			if !l.catchUp(ctx, attempt > 0, yield) || l.done {
				resp.Body.Close()
				return
			}
			var ok bool
			ok, err = readEvents(resp.Body, func(ev Event) bool { return l.deliver(ev, yield) })
			resp.Body.Close()
			if !ok || l.done {
				return
			}
			if err == nil && l.opts.EndExecutionID != "" {
				// The server ends the stream after the end event; an end
				// without it is checked by catchUp.
				err = io.ErrUnexpectedEOF
			}
		}
		if ctx.Err() != nil {
			yield(Event{}, ctx.Err())
			return
		}
		if err != nil && !wait.Transient(err) && !isReadError(err) {
			yield(Event{}, err)
			return
		}
		failures++
		if !l.backoff(ctx, failures, err, yield) {
			return
		}
	}
}

// isReadError tells a cut connection (reconnect) from an API error.
func isReadError(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, new(*readErr))
}

type readErr struct{ err error }

func (e *readErr) Error() string { return "st2: reading the stream: " + e.err.Error() }
func (e *readErr) Unwrap() error { return e.err }

// backoff waits before the next connection; false ends the listening.
func (l *listener) backoff(ctx context.Context, failures int, cause error, yield func(Event, error) bool) bool {
	limit := l.opts.MaxReconnects
	if limit == 0 {
		limit = 10
	}
	if limit < 0 || failures > limit {
		if cause == nil {
			cause = io.ErrUnexpectedEOF
		}
		yield(Event{}, cause)
		return false
	}
	d := l.opts.ReconnectDelay
	if d <= 0 {
		d = time.Second
	}
	for i := 1; i < failures && d < 30*time.Second; i++ {
		d *= 2
	}
	t := time.NewTimer(min(d, 30*time.Second))
	defer t.Stop()
	select {
	case <-ctx.Done():
		yield(Event{}, ctx.Err())
		return false
	case <-t.C:
		return true
	}
}

// deliver yields an event unless it is a duplicate, and tracks execution
// statuses and the end condition. false stops everything.
func (l *listener) deliver(ev Event, yield func(Event, error) bool) bool {
	if !l.seen.add(ev) {
		return true
	}
	var ex struct {
		ID     string          `json:"id"`
		Status ExecutionStatus `json:"status"`
	}
	isExec := strings.HasPrefix(ev.Name, "st2.execution__")
	if isExec && json.Unmarshal(ev.Data, &ex) == nil && ex.ID != "" {
		if Completed(ex.Status) {
			if ev.Name == EventExecutionUpdate && l.finished[ex.ID] == ex.Status {
				// Already reported final, by the stream or by a catch-up.
				return true
			}
			delete(l.status, ex.ID)
			if ev.Name == EventExecutionUpdate {
				if len(l.finished) >= 1024 {
					clear(l.finished)
				}
				l.finished[ex.ID] = ex.Status
			}
		} else if _, ok := l.status[ex.ID]; ok || len(l.status) < 100 {
			l.status[ex.ID] = ex.Status
		}
	}
	if !yield(ev, nil) {
		return false
	}
	if l.opts.EndExecutionID != "" && ev.Name == l.endEvent() && ex.ID == l.opts.EndExecutionID && Completed(ex.Status) {
		l.done = true
		return false
	}
	return true
}

// catchUp reads the followed executions after a reconnection and yields
// what changed while disconnected. false stops everything.
func (l *listener) catchUp(ctx context.Context, reconnected bool, yield func(Event, error) bool) bool {
	if !l.wants(EventExecutionUpdate) && !(l.opts.EndExecutionID != "" && l.endEvent() == EventExecutionUpdate) {
		return true
	}
	ids := map[string]bool{}
	if l.opts.EndExecutionID != "" {
		ids[l.opts.EndExecutionID] = true
	}
	if reconnected {
		for _, id := range l.opts.ExecutionIDs {
			ids[id] = true
		}
		for id := range l.status {
			ids[id] = true
		}
	}
	for id := range ids {
		ex, err := l.s.c.Executions.Get(ctx, id)
		if err != nil {
			continue // it will come back through the stream, or not at all
		}
		prev, known := l.status[id]
		if known && prev == ex.Status || !known && !Completed(ex.Status) || l.finished[id] == ex.Status {
			continue
		}
		data, err := json.Marshal(ex)
		if err != nil {
			continue
		}
		ev := Event{Name: EventExecutionUpdate, Data: data, Synthetic: true}
		if !l.deliver(ev, yield) {
			return false
		}
	}
	return true
}

// wants reports whether the event filter lets name through.
func (l *listener) wants(name string) bool {
	if len(l.opts.Events) == 0 {
		return strings.HasPrefix(name, "st2.execution__") || strings.HasPrefix(name, "st2.liveaction__") || strings.HasPrefix(name, "st2.announcement__")
	}
	for _, p := range l.opts.Events {
		if ok, _ := path.Match(p, name); ok || p == name {
			return true
		}
	}
	return false
}

// readEvents parses server-sent events from r and hands each to fn. ok is
// false when fn stopped; err is nil at a clean end of stream.
func readEvents(r io.Reader, fn func(Event) bool) (ok bool, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventSize)
	var name string
	var data []string
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			if len(data) > 0 || name != "" {
				ev := Event{Name: name, Data: json.RawMessage(strings.Join(data, "\n"))}
				if ev.Name == "" {
					ev.Name = "message"
				}
				if !fn(ev) {
					return false, nil
				}
			}
			name, data = "", nil // an empty line alone is a heartbeat
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			name = value
		case "data":
			data = append(data, value)
		}
	}
	if err := sc.Err(); err != nil {
		return true, &readErr{err: err}
	}
	return true, nil
}

// dedup remembers the last n events yielded.
type dedup struct {
	set   map[[32]byte]bool
	order [][32]byte
	n     int
}

func newDedup(n int) *dedup { return &dedup{set: map[[32]byte]bool{}, n: n} }

// add reports whether ev is new, and remembers it.
func (d *dedup) add(ev Event) bool {
	h := sha256.New()
	h.Write([]byte(ev.Name))
	h.Write([]byte{0})
	h.Write(ev.Data)
	var k [32]byte
	copy(k[:], h.Sum(nil))
	if d.set[k] {
		return false
	}
	d.set[k] = true
	d.order = append(d.order, k)
	if len(d.order) > d.n {
		delete(d.set, d.order[0])
		d.order = d.order[1:]
	}
	return true
}

// Tail returns the execution's output as it is produced, stored output
// first (GET <stream>/executions/{id}/output), until the execution has
// completed. A dropped connection is reopened; the server then replays the
// stored output from the start, and the chunks already yielded are
// skipped. Output of workflow children is not included.
func (m *ExecutionManager) Tail(ctx context.Context, id string, t OutputType) iter.Seq2[ExecutionOutput, error] {
	return func(yield func(ExecutionOutput, error) bool) {
		if err := checkPathValue("execution", id); err != nil {
			yield(ExecutionOutput{}, err)
			return
		}
		p := &st2streamapi.StreamExecutionOutputParams{}
		if t != "" {
			ot := st2streamapi.StreamExecutionOutputParamsOutputType(t)
			p.OutputType = &ot
		}
		call := m.c.call("StreamExecutionOutput")
		l := &listener{s: m.c.Stream}
		yielded, failures := 0, 0
		for {
			resp, err := m.c.streamAP.StreamExecutionOutput(transport.NoTimeout(ctx), id, p)
			resp, err = wire.Check(call, resp, err)
			eof := false
			if err == nil {
				failures = 0
				skip := yielded
				var ok bool
				ok, err = readEvents(resp.Body, func(ev Event) bool {
					switch ev.Name {
					case EventEOF:
						eof = true
						return false
					case EventExecutionOutputCreate:
						if skip > 0 {
							skip--
							return true
						}
						out, derr := ev.Output()
						if derr != nil {
							err = call.ConversionError(nil, derr)
							return false
						}
						yielded++
						return yield(out, nil)
					}
					return true
				})
				resp.Body.Close()
				if eof {
					return
				}
				if !ok && err == nil {
					return // the caller stopped
				}
				if err == nil {
					err = io.ErrUnexpectedEOF
				}
			}
			if ctx.Err() != nil {
				yield(ExecutionOutput{}, ctx.Err())
				return
			}
			if !wait.Transient(err) && !isReadError(err) {
				yield(ExecutionOutput{}, err)
				return
			}
			failures++
			if !l.backoff(ctx, failures, err, func(_ Event, e error) bool { return yield(ExecutionOutput{}, e) }) {
				return
			}
		}
	}
}

// TailWorkflow is Tail for a workflow: the live output of the execution
// and of every task execution under it, at any depth, as `st2 execution
// tail` prints it. It follows the general stream (execution create and
// update, output events) until the execution completes, keeping output
// events whose execution is the workflow or has a followed parent; the
// children that exist when it starts are read from the API first. Output
// written before the subscription is not replayed by the server (the
// general stream has no history): for an execution already completed, it
// yields instead one chunk per execution (the workflow, then its
// children in start order) with the stored output of each.
func (m *ExecutionManager) TailWorkflow(ctx context.Context, id string, t OutputType) iter.Seq2[ExecutionOutput, error] {
	return func(yield func(ExecutionOutput, error) bool) {
		if err := checkPathValue("execution", id); err != nil {
			yield(ExecutionOutput{}, err)
			return
		}
		root, err := m.Get(ctx, id)
		if err != nil {
			yield(ExecutionOutput{}, err)
			return
		}
		children, err := m.Children(ctx, root.ID, -1)
		if err != nil {
			yield(ExecutionOutput{}, err)
			return
		}
		if Completed(root.Status) {
			for _, ex := range append([]Execution{root}, children...) {
				text, err := m.Output(ctx, ex.ID, t)
				if err != nil {
					yield(ExecutionOutput{}, err)
					return
				}
				if text == "" {
					continue
				}
				if !yield(ExecutionOutput{ExecutionID: ex.ID, ActionRef: ex.Action.Ref, Data: text, OutputType: string(t)}, nil) {
					return
				}
			}
			return
		}
		follow := map[string]bool{root.ID: true}
		for _, ch := range children {
			follow[ch.ID] = true
		}
		for ev, err := range m.c.Stream.Listen(ctx, ListenOptions{
			Events:         []string{EventExecutionCreate, EventExecutionUpdate, EventExecutionOutputCreate},
			EndExecutionID: root.ID,
		}) {
			if err != nil {
				yield(ExecutionOutput{}, err)
				return
			}
			switch ev.Name {
			case EventExecutionCreate, EventExecutionUpdate:
				ex, derr := ev.Execution()
				if derr == nil && ex.Parent != "" && follow[ex.Parent] {
					follow[ex.ID] = true
				}
			case EventExecutionOutputCreate:
				out, derr := ev.Output()
				if derr != nil {
					yield(ExecutionOutput{}, m.c.call("StreamEvents").ConversionError(nil, derr))
					return
				}
				if !follow[out.ExecutionID] || (t != "" && t != OutputAll && out.OutputType != string(t)) {
					continue
				}
				if !yield(out, nil) {
					return
				}
			}
		}
	}
}
