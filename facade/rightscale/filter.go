package rightscale

import (
	"fmt"
	"net/url"
	"strings"
)

// Filter is one filter[] of an index: Field Op Value, with Op "==" (match)
// or "<>" (differ). Several filters are ANDed by the server. Some fields
// match partially (a case-insensitive substring: name on most
// collections), others exactly; the spec lists which is which.
type Filter struct {
	Field, Op, Value string
}

// Eq is the filter field==value.
func Eq(field, value string) Filter { return Filter{Field: field, Op: "==", Value: value} }

// Ne is the filter field<>value.
func Ne(field, value string) Filter { return Filter{Field: field, Op: "<>", Value: value} }

// String is the filter as sent: "name==web".
func (f Filter) String() string { return f.Field + f.Op + f.Value }

// ParseFilter reads "field==value" or "field<>value", as the CLI's
// --filter takes it.
func ParseFilter(s string) (Filter, error) {
	i, j := strings.Index(s, "=="), strings.Index(s, "<>")
	op := "=="
	if i < 0 || (j >= 0 && j < i) {
		i, op = j, "<>"
	}
	if i <= 0 {
		return Filter{}, fmt.Errorf("rightscale: filter %q: want field==value or field<>value", s)
	}
	field := strings.TrimSpace(s[:i])
	if strings.ContainsAny(field, " \t") {
		return Filter{}, fmt.Errorf("rightscale: filter %q: the field name has spaces", s)
	}
	return Filter{Field: field, Op: op, Value: s[i+2:]}, nil
}

// IndexOptions select what an index returns.
type IndexOptions struct {
	// Filters are sent as filter[] and ANDed.
	Filters []Filter
	// View selects how much of each resource comes back ("default" when
	// empty; e.g. "tiny", "extended", "full" for instances). The spec
	// lists the views of each collection.
	View string
	// Params are other query parameters some collections take
	// (latest_only, with_deleted, start_date...).
	Params url.Values
}

// query is nil when there is nothing to send (no map per call).
func (o IndexOptions) query() url.Values {
	if len(o.Params) == 0 && len(o.Filters) == 0 && o.View == "" {
		return nil
	}
	q := url.Values{}
	for k, v := range o.Params {
		q[k] = append([]string(nil), v...)
	}
	for _, f := range o.Filters {
		q.Add("filter[]", f.String())
	}
	if o.View != "" {
		q.Set("view", o.View)
	}
	return q
}

// ShowOptions select what a show returns.
type ShowOptions struct {
	// View selects how much comes back ("default" when empty).
	View string
	// Params are other query parameters (with_deleted...).
	Params url.Values
}

// query is nil when there is nothing to send (no map per call).
func (o ShowOptions) query() url.Values {
	if len(o.Params) == 0 && o.View == "" {
		return nil
	}
	q := url.Values{}
	for k, v := range o.Params {
		q[k] = append([]string(nil), v...)
	}
	if o.View != "" {
		q.Set("view", o.View)
	}
	return q
}
