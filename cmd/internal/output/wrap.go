package output

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// This file reproduces the two text measures prettytable relies on: the
// display width of a line (wcwidth.wcswidth after stripping colour codes),
// and Python's textwrap.fill with its default options, which prettytable
// uses to break cells longer than their column.

// ansiRE matches the colour codes; compiled on first use rather than at
// package init, which every CLI invocation would pay.
var ansiRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\x1b\\[[0-9;]*m|\x1b\\(B") })

// blockWidth is prettytable's _str_block_width: the terminal width of one
// line without its ANSI colour codes, or -1 when it holds a control
// character (wcswidth's answer, which makes prettytable neither wrap nor
// measure such a line properly: kept for fidelity).
func blockWidth(s string) int {
	if w, ok := printableASCIIWidth(s); ok {
		return w
	}
	if strings.IndexByte(s, '\x1b') >= 0 { // every match starts with ESC
		s = ansiRE().ReplaceAllString(s, "")
	}
	w := 0
	joined := false // the previous rune was a zero width joiner
	for _, r := range s {
		if joined { // it and the rune after it count 0
			joined = false
			continue
		}
		if r == 0x200d {
			joined = true
			continue
		}
		cw := runeWidth(r)
		if cw < 0 {
			return -1
		}
		w += cw
	}
	return w
}

// printableASCIIWidth is the width of s when every byte of it is printable
// ASCII (one column each), the common case of a table cell.
func printableASCIIWidth(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return 0, false
		}
	}
	return len(s), true
}

// runeWidth is wcwidth.wcwidth, with a compact table of wide ranges.
func runeWidth(r rune) int {
	switch {
	case r == 0:
		return 0
	case r < 32 || (r >= 0x7f && r < 0xa0):
		return -1
	case r < 0x300:
		return 1
	case r == 0x034f, r >= 0x200b && r <= 0x200f, r == 0x2028, r == 0x2029,
		r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2063:
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me), r >= 0x1160 && r <= 0x11ff:
		return 0
	case isWide(r):
		return 2
	}
	return 1
}

// wideRanges lists the East Asian Wide and Fullwidth blocks (plus the emoji
// wcwidth treats as wide) that matter in practice.
var wideRanges = [][2]rune{
	{0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec},
	{0x23f0, 0x23f0}, {0x23f3, 0x23f3}, {0x25fd, 0x25fe}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267f, 0x267f}, {0x2693, 0x2693}, {0x26a1, 0x26a1},
	{0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5}, {0x26ce, 0x26ce},
	{0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5},
	{0x26fa, 0x26fa}, {0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b},
	{0x2728, 0x2728}, {0x274c, 0x274c}, {0x274e, 0x274e}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27b0, 0x27b0}, {0x27bf, 0x27bf},
	{0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55}, {0x2e80, 0x303e},
	{0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff}, {0xa000, 0xa4cf},
	{0xa960, 0xa97f}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe10, 0xfe19},
	{0xfe30, 0xfe6f}, {0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x16fe0, 0x16fe4},
	{0x17000, 0x18cff}, {0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf},
	{0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f251}, {0x1f300, 0x1f320},
	{0x1f32d, 0x1f335}, {0x1f337, 0x1f37c}, {0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca},
	{0x1f3cf, 0x1f3d3}, {0x1f3e0, 0x1f3f0}, {0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f43e},
	{0x1f440, 0x1f440}, {0x1f442, 0x1f4fc}, {0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e},
	{0x1f550, 0x1f567}, {0x1f57a, 0x1f57a}, {0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4},
	{0x1f5fb, 0x1f64f}, {0x1f680, 0x1f6c5}, {0x1f6cc, 0x1f6cc}, {0x1f6d0, 0x1f6d2},
	{0x1f6d5, 0x1f6d7}, {0x1f6eb, 0x1f6ec}, {0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb},
	{0x1f90c, 0x1f93a}, {0x1f93c, 0x1f945}, {0x1f947, 0x1f9ff}, {0x1fa70, 0x1faff},
	{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
}

func isWide(r rune) bool {
	lo, hi := 0, len(wideRanges)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		switch {
		case r < wideRanges[mid][0]:
			hi = mid - 1
		case r > wideRanges[mid][1]:
			lo = mid + 1
		default:
			return true
		}
	}
	return false
}

// cellSize is prettytable's _get_size width: the widest line of a cell.
func cellSize(s string) int {
	w, first := 0, true
	for line := range strings.SplitSeq(s, "\n") {
		if lw := blockWidth(line); first || lw > w {
			w, first = lw, false
		}
	}
	return w
}

// textwrapFill is Python's textwrap.fill(text, width) with default options
// (break_on_hyphens, break_long_words, drop_whitespace), measuring length in
// code points as Python's len() does.
func textwrapFill(text string, width int) string {
	return strings.Join(textwrapWrap(text, width), "\n")
}

// TextwrapFill is textwrap.fill(text, width, initial_indent=indent,
// subsequent_indent=indent), as st2 lays out action help. Like
// TextWrapper's defaults, it first turns tabs and line breaks into spaces.
func TextwrapFill(text string, width int, indent string) string {
	text = strings.ReplaceAll(text, "\t", "        ")
	text = strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\v', '\f', '\r':
			return ' '
		}
		return r
	}, text)
	lines := textwrapWrap(text, max(width-len([]rune(indent)), 1))
	for i := range lines {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// textwrapWrap is TextWrapper.wrap. prettytable only wraps lines wcswidth
// can measure, which excludes every control character, so the tab expansion and whitespace translation that
// TextWrapper does first are left out: the text has no \t\n\v\f\r.
func textwrapWrap(text string, width int) []string {
	var w textWrapper
	return w.wrap(text, width)
}

// textWrapper is textwrapWrap with its buffers kept from one call to the
// next, for a table wrapping many cells.
type textWrapper struct {
	runes  []rune
	chunks [][]rune
	cur    [][]rune
}

// wrap is textwrapWrap; the lines it returns share nothing with w.
func (w *textWrapper) wrap(text string, width int) []string {
	w.runes = w.runes[:0]
	for _, r := range text {
		w.runes = append(w.runes, r)
	}
	w.chunks = splitChunks(w.chunks[:0], w.runes)
	chunks := w.chunks
	if width <= 0 {
		width = 1 // Python raises; never reached from prettytable
	}
	// chunks[next:] are the chunks left, first one first: Python's
	// reversed list, read from its end.
	next := 0
	var lines []string
	cur := w.cur // the line being filled; its backing array is reused
	defer func() { w.cur = cur[:0] }()
	for next < len(chunks) {
		cur = cur[:0]
		curLen := 0
		if isPyBlank(chunks[next]) && len(lines) > 0 {
			next++
		}
		for next < len(chunks) {
			l := len(chunks[next])
			if curLen+l > width {
				break
			}
			cur = append(cur, chunks[next])
			next++
			curLen += l
		}
		if next < len(chunks) && len(chunks[next]) > width {
			// _handle_long_word
			spaceLeft := width - curLen
			chunk := chunks[next]
			end := spaceLeft
			if len(chunk) > spaceLeft {
				hyphen := lastIndexRune(chunk[:spaceLeft], '-')
				if hyphen > 0 && hasNonHyphen(chunk[:hyphen]) {
					end = hyphen + 1
				}
			}
			cur = append(cur, chunk[:end])
			chunks[next] = chunk[end:]
			curLen = 0
			for _, c := range cur {
				curLen += len(c)
			}
		}
		if len(cur) > 0 && isPyBlank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			var b strings.Builder
			b.Grow(curLen)
			for _, c := range cur {
				for _, r := range c {
					b.WriteRune(r)
				}
			}
			lines = append(lines, b.String())
		}
	}
	return lines
}

// isPyBlank is chunk.strip() == ” in Python.
func isPyBlank(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsSpace(r) && !(r >= 0x1c && r <= 0x1f) {
			return false
		}
	}
	return true
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func hasNonHyphen(rs []rune) bool {
	for _, r := range rs {
		if r != '-' {
			return true
		}
	}
	return false
}

// Character classes of TextWrapper.wordsep_re: \w, letter = [^\d\W] and
// word_punct = [\w!"'&.,?]. Only ASCII whitespace separates words.
func isPyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

func isPyLetter(r rune) bool { return isPyWord(r) && !unicode.IsDigit(r) }

func isWordPunct(r rune) bool { return isPyWord(r) || strings.ContainsRune("!\"'&.,?", r) }

func isWrapSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
}

// splitChunks is re.split(wordsep_re, text) minus empty strings: runs of
// whitespace, em-dashes between words, and words split after hyphens that
// join two letters. It appends the chunks of rs to chunks.
func splitChunks(chunks [][]rune, rs []rune) [][]rune {
	at := func(i int) rune {
		if i < 0 || i >= len(rs) {
			return -1
		}
		return rs[i]
	}
	letter := func(i int) bool { r := at(i); return r >= 0 && isPyLetter(r) }
	// emDashAt: text at i is "--+" followed by a word character.
	emDashAt := func(i int) (int, bool) {
		j := i
		for at(j) == '-' {
			j++
		}
		if j-i >= 2 && at(j) >= 0 && isPyWord(at(j)) {
			return j, true
		}
		return 0, false
	}
	p := 0
	for p < len(rs) {
		if isWrapSpace(rs[p]) {
			q := p
			for q < len(rs) && isWrapSpace(rs[q]) {
				q++
			}
			chunks = append(chunks, rs[p:q])
			p = q
			continue
		}
		if p > 0 && isWordPunct(rs[p-1]) {
			if q, ok := emDashAt(p); ok {
				chunks = append(chunks, rs[p:q])
				p = q
				continue
			}
		}
		end := len(rs)
		for k := p + 1; k <= len(rs); k++ {
			q := k // candidate end of the lazy [^\s]+? part
			// a. hyphen joining letters: consume it.
			if at(q) == '-' && ((letter(q-2) && letter(q-1)) || (letter(q-3) && at(q-2) == '-' && letter(q-1))) &&
				letter(q+1) && (letter(q+2) || (at(q+2) == '-' && letter(q+3))) {
				end = q + 1
				break
			}
			// b. end of word.
			if q == len(rs) || isWrapSpace(rs[q]) {
				end = q
				break
			}
			// c. before an em-dash.
			if isWordPunct(rs[q-1]) {
				if _, ok := emDashAt(q); ok {
					end = q
					break
				}
			}
		}
		chunks = append(chunks, rs[p:end])
		p = end
	}
	return chunks
}
