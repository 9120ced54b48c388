package cachet

import "testing"

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
