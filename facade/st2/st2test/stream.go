package st2test

import (
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// event is one message of the stream, as st2's listener sees it.
type event struct {
	name      string
	body      any
	execID    string // for execution and output events
	actionRef string
	status    string // execution events: the status after the change
}

// bus fans events out to the open streams. Publishing never blocks: a
// subscriber that falls too far behind is disconnected, as a slow SSE
// client of the real server eventually would be.
type bus struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	ch     chan event
	closed chan struct{}
	once   sync.Once
}

func (sb *subscriber) close() { sb.once.Do(func() { close(sb.closed) }) }

func newBus() *bus { return &bus{subs: map[*subscriber]struct{}{}} }

func (b *bus) subscribe() *subscriber {
	sb := &subscriber{ch: make(chan event, 4096), closed: make(chan struct{})}
	b.mu.Lock()
	b.subs[sb] = struct{}{}
	b.mu.Unlock()
	return sb
}

func (b *bus) unsubscribe(sb *subscriber) {
	b.mu.Lock()
	delete(b.subs, sb)
	b.mu.Unlock()
	sb.close()
}

func (b *bus) publish(e event) {
	// Encode once, now: the body is a snapshot of a document that will
	// change.
	raw, err := json.Marshal(e.body)
	if err != nil {
		return
	}
	e.body = json.RawMessage(raw)
	b.mu.Lock()
	defer b.mu.Unlock()
	for sb := range b.subs {
		select {
		case sb.ch <- e:
		default:
			delete(b.subs, sb)
			sb.close()
		}
	}
}

func (b *bus) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for sb := range b.subs {
		delete(b.subs, sb)
		sb.close()
	}
}

// defaultEvents is st2stream's DEFAULT_EVENTS_WHITELIST.
var defaultEvents = []string{
	"st2.announcement__*",
	"st2.execution__create", "st2.execution__update", "st2.execution__delete",
	"st2.liveaction__create", "st2.liveaction__update", "st2.liveaction__delete",
}

type streamFilter struct {
	events       []string
	actionRefs   []string
	executionIDs []string
	endEvent     string
	endExecution string
}

// match is the listener's late filtering: event name glob, then action
// ref, then execution id.
func (f *streamFilter) match(e event) bool {
	ok := false
	for _, g := range f.events {
		if m, _ := path.Match(g, e.name); m {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	if len(f.actionRefs) > 0 && !slices.Contains(f.actionRefs, e.actionRef) {
		return false
	}
	if len(f.executionIDs) > 0 && (e.execID == "" || !slices.Contains(f.executionIDs, e.execID)) {
		return false
	}
	return true
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// serveStream is GET /stream/v1/stream.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	f := &streamFilter{
		events:       splitList(c.q.Get("events")),
		actionRefs:   splitList(c.q.Get("action_refs")),
		executionIDs: splitList(c.q.Get("execution_ids")),
		endEvent:     c.q.Get("end_event"),
		endExecution: c.q.Get("end_execution_id"),
	}
	if len(f.events) == 0 {
		f.events = defaultEvents
	}
	sb := s.bus.subscribe()
	defer s.bus.unsubscribe(sb)
	s.streamLoop(w, r, sb, func(e event) (send, stop bool) {
		stop = f.endEvent != "" && e.name == f.endEvent && f.endExecution != "" &&
			e.execID == f.endExecution && isCompleted(e.status)
		return f.match(e), stop
	}, nil)
}

// serveOutputStream is GET /stream/v1/executions/{id}/output: the output
// so far, then new output until the execution completes, then EOF.
func (s *Server) serveOutputStream(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	id := r.PathValue("id")
	kind := c.q.Get("output_type")
	if kind == "" {
		kind = "all"
	}
	s.mu.Lock()
	d := s.st.executions.byID(id)
	if d == nil {
		s.mu.Unlock()
		writeError(w, errNoID(id))
		return
	}
	var backlog []event
	for _, o := range s.st.outputs[id] {
		if kind == "all" || o["output_type"] == kind {
			raw, _ := json.Marshal(o)
			backlog = append(backlog, event{name: "st2.execution.output__create", body: json.RawMessage(raw)})
		}
	}
	done := isCompleted(str(d["status"]))
	// Subscribing under the lock: no event falls between the backlog and
	// the live part.
	sb := s.bus.subscribe()
	s.mu.Unlock()
	defer s.bus.unsubscribe(sb)
	if done {
		s.bus.unsubscribe(sb)
	}
	s.streamLoop(w, r, sb, func(e event) (send, stop bool) {
		switch e.name {
		case "st2.execution.output__create":
			var o doc
			_ = json.Unmarshal(e.body.(json.RawMessage), &o)
			return e.execID == id && (kind == "all" || o["output_type"] == kind), false
		case "st2.execution__update":
			return false, e.execID == id && isCompleted(e.status)
		}
		return false, false
	}, &outputStream{backlog: backlog, done: done})
}

type outputStream struct {
	backlog []event
	done    bool
}

// streamLoop writes the SSE stream: one heartbeat line at once (the
// listener's queue starts with an empty message), then events and
// heartbeats until the client leaves, the server closes or stop says so.
func (s *Server) streamLoop(w http.ResponseWriter, r *http.Request, sb *subscriber, filter func(event) (send, stop bool), out *outputStream) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=UTF-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	write := func(e event) bool {
		_, err := w.Write([]byte("event: " + e.name + "\ndata: " + string(e.body.(json.RawMessage)) + "\n\n"))
		flush()
		return err == nil
	}
	eof := func() { _, _ = w.Write([]byte("event: EOF\ndata: \n\n")); flush() }
	if out == nil {
		_, _ = w.Write([]byte("\n"))
		flush()
	} else {
		for _, e := range out.backlog {
			if !write(e) {
				return
			}
		}
		if out.done {
			eof()
			return
		}
		flush()
	}
	hb := time.NewTicker(s.cfg.heartbeat)
	defer hb.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sb.closed:
			// Drain what was queued before the close, then end.
			for {
				select {
				case e := <-sb.ch:
					if send, _ := filter(e); send && !write(e) {
						return
					}
				default:
					return
				}
			}
		case <-hb.C:
			if _, err := w.Write([]byte("\n")); err != nil {
				return
			}
			flush()
		case e := <-sb.ch:
			send, stop := filter(e)
			if send && !write(e) {
				return
			}
			if stop {
				if out != nil {
					eof()
				}
				return
			}
		}
	}
}
