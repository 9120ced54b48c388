package st2test

// StreamSubscribers returns how many streams (GET /stream/v1/stream and the
// per-execution output streams) are open now. Tests of a client that
// follows the stream wait for it to reach one before making the events
// happen, so that nothing is published before the client listens.
func (s *Server) StreamSubscribers() int {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return len(s.bus.subs)
}
