package output

import "testing"

func TestBlockWidth(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"core.local", 10},
		{"héllo", 5},                // a one-column letter outside ASCII
		{"日本語", 6},                  // wide
		{"e\u0301", 1},              // a combining mark counts 0
		{"a\u200d\U0001F600b", 2},   // the joiner and the rune after it count 0
		{"\x1b[1;31mred\x1b[0m", 3}, // colour codes are not measured
		{"tab\there", -1},           // a control character: wcswidth gives up
		{"\x7f", -1},
		{"\xff", 1}, // invalid UTF-8 reads as U+FFFD, as []rune did
	} {
		if got := blockWidth(c.in); got != c.want {
			t.Errorf("blockWidth(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestPrettyTableWrapsAndPads(t *testing.T) {
	tb := newPrettyTable([]string{"id", "description"})
	tb.maxWidth["description"] = 10
	tb.rows = [][]string{
		{"1", "a description that wraps"},
		{"22", "two\nlines"},
		{"3", "            "}, // wider than its column and blank: one empty line
	}
	// The header is never cut, so the column is as wide as it; prettytable
	// wraps the cells at that width.
	want := `+----+-------------+
| id | description |
+----+-------------+
| 1  | a           |
|    | description |
|    | that wraps  |
| 22 | two         |
|    | lines       |
| 3  |             |
+----+-------------+`
	if got := tb.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
