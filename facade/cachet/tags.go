package cachet

import (
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
)

// HasTag reports whether the component has a tag whose name or slug is
// nameOrSlug, ignoring case, so that "Another Test Tag",
// "another-test-tag" and "ANOTHER-TEST-TAG" all match the same tag.
func (c Component) HasTag(nameOrSlug string) bool {
	_, ok := findTag(c.Tags, nameOrSlug)
	return ok
}

// TagNames returns the names of the component's tags, sorted, the form
// ComponentCreate.Tags and ComponentChanges.SetTags take.
func (c Component) TagNames() []string {
	names := make([]string, 0, len(c.Tags))
	for _, name := range c.Tags {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// TagSlugs returns the slugs of the component's tags, sorted, the form
// the Tags filter of [ComponentListOptions] takes.
func (c Component) TagSlugs() []string {
	slugs := make([]string, 0, len(c.Tags))
	for slug := range c.Tags {
		slugs = append(slugs, slug)
	}
	slices.Sort(slugs)
	return slugs
}

// findTag returns the slug of the tag whose name or slug is nameOrSlug,
// ignoring case.
func findTag(tags map[string]string, nameOrSlug string) (string, bool) {
	want := strings.TrimSpace(nameOrSlug)
	for slug, name := range tags {
		if strings.EqualFold(slug, want) || strings.EqualFold(name, want) {
			return slug, true
		}
	}
	return "", false
}

// joinTags turns tag names into the comma-separated string the server
// takes (it refuses an array). A comma inside a name cannot be escaped,
// and an empty name would be dropped, so both are refused.
func joinTags(op string, names []string) (string, error) {
	clean := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			return "", &facade.ArgumentError{Platform: platform, Operation: op, Argument: "Tags", Reason: "empty tag name"}
		case strings.Contains(n, ","):
			return "", &facade.ArgumentError{Platform: platform, Operation: op, Argument: "Tags", Reason: "tag name " + quote(n) + " contains a comma; Cachet takes tags as one comma-separated string and would split it"}
		}
		if !slices.ContainsFunc(clean, func(c string) bool { return strings.EqualFold(c, n) }) {
			clean = append(clean, n)
		}
	}
	return strings.Join(clean, ","), nil
}

func quote(s string) string { return "\"" + s + "\"" }

// tagEdit records what a [ComponentChanges] does to the tag set.
type tagEdit struct {
	set    []string // replaces the set when setAll is true
	setAll bool
	add    []string
	remove []string
}

func (t tagEdit) empty() bool { return !t.setAll && len(t.add) == 0 && len(t.remove) == 0 }

// needsCurrent reports whether applying the edit requires the current tags.
func (t tagEdit) needsCurrent() bool { return !t.setAll && (len(t.add) > 0 || len(t.remove) > 0) }

// apply computes the tag names to send from the current tags (ignored when
// the edit replaces the whole set). ok is false when nothing needs to be
// sent: the edit leaves an empty set empty.
func (t tagEdit) apply(op string, current map[string]string) (joined string, ok bool, err error) {
	var names []string
	base := current
	if t.setAll {
		names = slices.Clone(t.set)
		base = nil
	} else {
		for _, name := range current {
			names = append(names, name)
		}
		slices.Sort(names)
	}
	for _, a := range t.add {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, strings.TrimSpace(a)) }) {
			names = append(names, a)
		}
	}
	for _, r := range t.remove {
		r = strings.TrimSpace(r)
		slug, inCurrent := findTag(base, r)
		names = slices.DeleteFunc(names, func(n string) bool {
			return strings.EqualFold(n, r) || (inCurrent && strings.EqualFold(n, base[slug]))
		})
	}
	if len(names) == 0 {
		if !t.setAll && len(current) == 0 {
			return "", false, nil
		}
		return "", false, &facade.ArgumentError{Platform: platform, Operation: op, Argument: "Tags",
			Reason: "Cachet's API cannot remove the last tag of a component (an empty tag list leaves the tags unchanged); remove it in the dashboard, or set other tags"}
	}
	joined, err = joinTags(op, names)
	return joined, err == nil, err
}
