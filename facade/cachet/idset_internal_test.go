package cachet

import (
	"math/rand/v2"
	"testing"
)

// TestIDSet: the walk's record of yielded ids tells new from seen for
// any int, negative and large ones included, without false positives
// between neighbours sharing a word.
func TestIDSet(t *testing.T) {
	s := idSet{}
	ids := []int{0, 1, 63, 64, 65, 127, -1, -64, -65, 1 << 40, 1<<62 + 5}
	for _, id := range ids {
		if !s.add(id) {
			t.Errorf("%d reported seen before it was added", id)
		}
	}
	for _, id := range ids {
		if s.add(id) {
			t.Errorf("%d reported new twice", id)
		}
	}
	for _, id := range []int{2, 62, 66, -2, -63, 1<<40 + 1} {
		if !s.add(id) {
			t.Errorf("%d, never added, reported seen", id)
		}
	}
	big := idSet{}
	for id := 1; id <= 100_000; id++ {
		big.add(id)
	}
	if len(big) > 100_000/64+1 {
		t.Errorf("%d words for 100,000 dense ids", len(big))
	}
}

// TestIDSeenAgreesWithIDSet: the inline front of idSeen answers exactly
// as the plain idSet for any sequence of ids: dense runs (one page, many
// pages), repeats, scattered and negative ids, and sequences that spill
// into the map after the inline words are full.
func TestIDSeenAgreesWithIDSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gens := map[string]func() int{
		"page":      func() int { return 1 + rng.IntN(20) },
		"pages":     func() int { return 1 + rng.IntN(1000) },
		"scattered": func() int { return rng.IntN(1<<20) - 1<<19 },
		"words":     func() int { return rng.IntN(8)<<6 + rng.IntN(3) }, // few bits in many words
		"extremes":  func() int { return []int{0, -1, 63, 64, -64, -65, 1 << 62, -1 << 62}[rng.IntN(8)] },
	}
	for name, gen := range gens {
		for round := range 200 {
			var fast idSeen
			slow := idSet{}
			for i := range 1 + rng.IntN(300) {
				id := gen()
				if got, want := fast.add(id), slow.add(id); got != want {
					t.Fatalf("%s round %d, add #%d of %d: idSeen says new=%v, idSet %v", name, round, i, id, got, want)
				}
			}
		}
	}
	// A single page of 20 consecutive ids stays inline.
	var one idSeen
	for id := 1000; id < 1020; id++ {
		one.add(id)
	}
	if one.more != nil {
		t.Errorf("20 consecutive ids spilled into the map (%d inline words)", one.n)
	}
}
