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

func (t *prettyTable) hrule(ws []int) string {
	var b strings.Builder
	b.WriteByte('+')
	for _, w := range ws {
		b.WriteString(strings.Repeat("-", w+t.lpad+t.rpad))
		b.WriteByte('+')
	}
	return b.String()
}

// justifyLeft is prettytable's _justify(text, width, "l"); a negative
// excess (a line wcswidth cannot measure) adds no padding, as in Python.
func justifyLeft(text string, width int) string {
	excess := width - blockWidth(text)
	if excess <= 0 {
		return text
	}
	return text + strings.Repeat(" ", excess)
}

// String renders the table like PrettyTable.get_string(), without a
// trailing newline.
func (t *prettyTable) String() string {
	ws := t.widths()
	rule := t.hrule(ws)
	var lines []string
	pad := func(n int) string { return strings.Repeat(" ", n) }
	if !t.noHeader {
		var b strings.Builder
		b.WriteByte('|')
		for i, f := range t.fields {
			if ws[i] >= 0 && blockWidth(f) > ws[i] {
				f = string([]rune(f)[:ws[i]])
			}
			b.WriteString(pad(t.lpad) + justifyLeft(f, ws[i]) + pad(t.rpad) + "|")
		}
		lines = append(lines, rule, b.String(), rule)
	} else {
		lines = append(lines, rule)
	}
	for _, row := range t.rows {
		cells := make([][]string, len(row))
		height := 0
		for i, v := range row {
			var wrapped []string
			for _, line := range strings.Split(v, "\n") {
				if blockWidth(line) > ws[i] {
					line = textwrapFill(line, ws[i])
				}
				wrapped = append(wrapped, line)
			}
			cells[i] = strings.Split(strings.Join(wrapped, "\n"), "\n")
			height = max(height, len(cells[i]))
		}
		for y := 0; y < height; y++ {
			var b strings.Builder
			b.WriteByte('|')
			for i := range row {
				line := ""
				if y < len(cells[i]) {
					line = cells[i][y]
				}
				b.WriteString(pad(t.lpad) + justifyLeft(line, ws[i]) + pad(t.rpad) + "|")
			}
			lines = append(lines, b.String())
		}
	}
	lines = append(lines, rule)
	return strings.Join(lines, "\n")
}
