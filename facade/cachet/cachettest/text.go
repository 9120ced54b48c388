package cachettest

import (
	"crypto/rand"
	"strings"
	"unicode"
)

// asciiFold maps the accented Latin letters most often seen in names to
// ASCII, the part of Laravel's Str::ascii a status page needs.
var asciiFold = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "ae", "å", "aa", "æ", "ae",
	"ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i",
	"î", "i", "ï", "i", "ð", "d", "ñ", "n", "ò", "o", "ó", "o", "ô", "o",
	"õ", "o", "ö", "oe", "ø", "o", "ù", "u", "ú", "u", "û", "u", "ü", "ue",
	"ý", "y", "ÿ", "y", "ß", "ss", "œ", "oe", "ł", "l", "š", "s", "ž", "z",
	"À", "A", "Á", "A", "Â", "A", "Ã", "A", "Ä", "Ae", "Å", "Aa", "Æ", "Ae",
	"Ç", "C", "È", "E", "É", "E", "Ê", "E", "Ë", "E", "Ì", "I", "Í", "I",
	"Î", "I", "Ï", "I", "Ñ", "N", "Ò", "O", "Ó", "O", "Ô", "O", "Õ", "O",
	"Ö", "Oe", "Ø", "O", "Ù", "U", "Ú", "U", "Û", "U", "Ü", "Ue", "Ý", "Y",
	"Œ", "Oe", "Ł", "L", "Š", "S", "Ž", "Z",
)

// slugify is Laravel 5.7's Str::slug($title, '-'): transliterate to ASCII
// (other characters are dropped), "_" and "@" become "-" and "-at-",
// punctuation is removed (not replaced), runs of spaces and dashes become
// one dash, and the result is lower case without dashes at either end.
// "Another Test Tag" gives "another-test-tag", "Foo.Bar" gives "foobar".
func slugify(title string) string {
	s := asciiFold.Replace(title)
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e {
			b.WriteRune(r)
		}
	}
	s = strings.ReplaceAll(b.String(), "_", "-")
	s = strings.ReplaceAll(s, "@", "-at-")
	s = strings.ToLower(s)
	b.Reset()
	pendingDash := false
	for _, r := range s {
		switch {
		case r == '-' || unicode.IsSpace(r):
			pendingDash = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendingDash && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingDash = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// randomAlnum is Laravel's Str::random(n): letters and digits from a
// secure source (subscribers' verify codes).
func randomAlnum(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	for i := range buf {
		// 62 does not divide 256: the tiny bias is fine for a test server.
		buf[i] = alphabet[int(buf[i])%len(alphabet)]
	}
	return string(buf)
}

// splitTags splits a tags input like the component handlers do: split on
// commas, items trimmed, and PHP's falsy items ("" and "0") dropped.
func splitTags(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if t := strings.TrimSpace(part); t != "" && t != "0" {
			out = append(out, t)
		}
	}
	return out
}

// renderTwig renders the small subset of Twig that incident templates use
// in practice: {{ name }} and {{ dotted.name }} lookups, with the filters
// raw, e/escape, upper, lower, trim, capitalize and title, and {# comments #}.
// Like Twig's default environment it HTML-escapes what it prints (unless
// |raw). Anything else, {% tags %} included, is copied to the output as is.
func renderTwig(src string, vars map[string]any) string {
	var out strings.Builder
	for {
		i := strings.Index(src, "{")
		if i < 0 || i+1 >= len(src) {
			out.WriteString(src)
			return out.String()
		}
		switch src[i+1] {
		case '#':
			end := strings.Index(src[i+2:], "#}")
			if end < 0 {
				out.WriteString(src)
				return out.String()
			}
			out.WriteString(src[:i])
			src = src[i+2+end+2:]
			continue
		case '{':
			end := strings.Index(src[i+2:], "}}")
			if end < 0 {
				out.WriteString(src)
				return out.String()
			}
			expr := src[i+2 : i+2+end]
			before := src[:i]
			after := src[i+2+end+2:]
			if strings.HasPrefix(expr, "-") {
				before = strings.TrimRightFunc(before, unicode.IsSpace)
				expr = expr[1:]
			}
			if strings.HasSuffix(expr, "-") {
				after = strings.TrimLeftFunc(after, unicode.IsSpace)
				expr = expr[:len(expr)-1]
			}
			val, ok := evalTwig(strings.TrimSpace(expr), vars)
			out.WriteString(before)
			if ok {
				out.WriteString(val)
			} else {
				out.WriteString(src[i : i+2+end+2])
			}
			src = after
			continue
		}
		out.WriteString(src[:i+1])
		src = src[i+1:]
	}
}

// evalTwig evaluates "a.b.c|filter|filter"; false when the expression is
// outside the supported subset.
func evalTwig(expr string, vars map[string]any) (string, bool) {
	parts := strings.Split(expr, "|")
	path := strings.TrimSpace(parts[0])
	if path == "" {
		return "", false
	}
	var cur any = vars
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" || strings.IndexFunc(seg, func(r rune) bool {
			return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
		}) >= 0 {
			return "", false
		}
		m, ok := cur.(map[string]any)
		if !ok {
			cur = nil
			continue
		}
		cur = m[seg] // a missing key prints nothing, as in Twig's default mode
	}
	s := phpString(cur)
	escape := true
	for _, flt := range parts[1:] {
		switch strings.TrimSpace(flt) {
		case "raw":
			escape = false
		case "e", "escape":
			s = htmlEscape(s)
			escape = false
		case "upper":
			s = strings.ToUpper(s)
		case "lower":
			s = strings.ToLower(s)
		case "trim":
			s = strings.TrimSpace(s)
		case "capitalize":
			if s != "" {
				s = strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
			}
		case "title":
			words := strings.Fields(s)
			for i, w := range words {
				words[i] = strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
			}
			s = strings.Join(words, " ")
		default:
			return "", false
		}
	}
	if escape {
		s = htmlEscape(s)
	}
	return s, true
}

// htmlEscape is PHP's htmlspecialchars with ENT_QUOTES, Twig's "html"
// escaping strategy for text.
var htmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#039;").Replace
