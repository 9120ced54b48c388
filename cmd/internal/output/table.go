package output

import (
	"strings"
)

// prettyTable reproduces the subset of prettytable 3.11 that st2 uses: the
// default style (vrules ALL, hrules FRAME), left alignment, top vertical
// alignment, padding 1 unless overridden, per-field max widths, and
// textwrap.fill for lines longer than their column.
type prettyTable struct {
	fields   []string
	maxWidth map[string]int // by field name, like prettytable (last set wins)
	rows     [][]string
	noHeader bool
	lpad     int
	rpad     int
}

func newPrettyTable(fields []string) *prettyTable {
	return &prettyTable{fields: fields, maxWidth: map[string]int{}, lpad: 1, rpad: 1}
}

func (t *prettyTable) widths() []int {
	ws := make([]int, len(t.fields))
	if !t.noHeader {
		for i, f := range t.fields {
			ws[i] = cellSize(f)
		}
	}
	for _, row := range t.rows {
		for i, v := range row {
			size := cellSize(v)
			if mw, ok := t.maxWidth[t.fields[i]]; ok {
				size = min(size, mw)
			}
			ws[i] = max(ws[i], size)
		}
	}
	return ws
}

// writeRule writes the horizontal rule: a '+' at every column border and
// '-' across each column and its padding.
func (t *prettyTable) writeRule(b *strings.Builder, ws []int) {
	b.WriteByte('+')
	for _, w := range ws {
		writeRepeat(b, '-', w+t.lpad+t.rpad)
		b.WriteByte('+')
	}
}

// writeCell writes one line of a cell: padding, the text left-justified
// to width as prettytable's _justify(text, width, "l") (a line wcswidth
// cannot measure gets no filling, as in Python), padding and the border.
func (t *prettyTable) writeCell(b *strings.Builder, text string, width int) {
	writeRepeat(b, ' ', t.lpad)
	b.WriteString(text)
	writeRepeat(b, ' ', width-blockWidth(text))
	writeRepeat(b, ' ', t.rpad)
	b.WriteByte('|')
}

// writeRepeat writes c n times; nothing when n is not positive.
func writeRepeat(b *strings.Builder, c byte, n int) {
	for range n {
		b.WriteByte(c)
	}
}

// cellLines is a cell's lines as prettytable prints them: each line of v
// longer than width broken by textwrap.fill.
func cellLines(v string, width int, w *textWrapper) []string {
	lines := make([]string, 0, 1)
	for line := range strings.SplitSeq(v, "\n") {
		if blockWidth(line) > width {
			// The wrapped text has no line breaks: line came from
			// splitting on them.
			if wrapped := w.wrap(line, width); len(wrapped) > 0 {
				lines = append(lines, wrapped...)
				continue
			}
			line = "" // textwrap.fill of blank text
		}
		lines = append(lines, line)
	}
	return lines
}

// String renders the table like PrettyTable.get_string(), without a
// trailing newline.
func (t *prettyTable) String() string {
	ws := t.widths()
	// Every cell's lines first, to size the text once.
	var wrapper textWrapper
	rows := make([][][]string, len(t.rows))
	heights := make([]int, len(t.rows))
	lines := 3 // the rules, or two rules and the header
	if t.noHeader {
		lines = 2
	}
	for r, row := range t.rows {
		rows[r] = make([][]string, len(row))
		for i, v := range row {
			rows[r][i] = cellLines(v, ws[i], &wrapper)
			heights[r] = max(heights[r], len(rows[r][i]))
		}
		lines += heights[r]
	}
	lineLen := 1
	for _, w := range ws {
		lineLen += max(w, 0) + t.lpad + t.rpad + 1
	}
	var b strings.Builder
	b.Grow(lines * (lineLen + 1)) // exact for ASCII; wide runes grow it
	t.writeRule(&b, ws)
	if !t.noHeader {
		b.WriteString("\n|")
		for i, f := range t.fields {
			if ws[i] >= 0 && blockWidth(f) > ws[i] {
				rs := []rune(f)
				f = string(rs[:min(ws[i], len(rs))])
			}
			t.writeCell(&b, f, ws[i])
		}
		b.WriteByte('\n')
		t.writeRule(&b, ws)
	}
	for r, row := range t.rows {
		cells := rows[r]
		for y := range heights[r] {
			b.WriteString("\n|")
			for i := range row {
				line := ""
				if y < len(cells[i]) {
					line = cells[i][y]
				}
				t.writeCell(&b, line, ws[i])
			}
		}
	}
	b.WriteByte('\n')
	t.writeRule(&b, ws)
	return b.String()
}
