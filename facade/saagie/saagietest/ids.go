package saagietest

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// idSource hands out the ids of every object the server creates. The real
// platform's ids are random version 4 UUIDs, and so are the emulator's by
// default; WithIDSeed makes them a pure function of the seed and the order
// of creation, for transcripts and golden files that must not change from
// one run to the next.
type idSource struct {
	mu  sync.Mutex
	rng *rand.Rand // nil: crypto/rand
}

func newIDSource(seeded bool, seed uint64) *idSource {
	if !seeded {
		return &idSource{}
	}
	return &idSource{rng: rand.New(rand.NewPCG(seed, seed^0x5aa61e))}
}

func (g *idSource) next() string {
	var b [16]byte
	if g.rng == nil {
		_, _ = crand.Read(b[:])
		return formatUUID(b)
	}
	g.mu.Lock()
	binary.BigEndian.PutUint64(b[:8], g.rng.Uint64())
	binary.BigEndian.PutUint64(b[8:], g.rng.Uint64())
	g.mu.Unlock()
	return formatUUID(b)
}

// WithIDSeed makes the ids the server hands out (projects, jobs,
// instances, technologies of the built-in catalog, …) deterministic: two
// servers started with the same seed that receive the same requests in
// the same order create the same ids. They are still well-formed version
// 4 UUIDs. The default is random ids, as the platform's.
func WithIDSeed(seed uint64) Option {
	return func(c *config) { c.idSeeded, c.idSeed = true, seed }
}

// newID returns the next id of the server.
func (s *Server) newID() string { return s.ids.next() }

// newUUID returns the next id of the server handling the request.
func (rc *reqCtx) newUUID() string { return rc.s.ids.next() }
