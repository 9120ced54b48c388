package rightscaletest

import (
	"slices"
	"strings"
)

// filterSpec lists the fields a collection filters on; partial fields
// match a case-insensitive substring, the others the exact value.
type filterSpec struct {
	exact   []string
	partial []string
}

var (
	cloudFilters      = filterSpec{exact: []string{"cloud_type"}, partial: []string{"name", "description"}}
	datacenterFilters = filterSpec{exact: []string{"resource_uid"}, partial: []string{"name"}}
	itypeFilters      = filterSpec{exact: []string{"resource_uid"}, partial: []string{"name", "description", "cpu_architecture"}}
	instanceFilters   = filterSpec{
		exact: []string{"resource_uid", "state", "server_template_href", "deployment_href", "parent_href",
			"datacenter_href", "placement_group_href"},
		partial: []string{"name", "public_dns_name", "private_dns_name", "public_ip_address",
			"private_ip_address", "os_platform"},
	}
	serverFilters     = filterSpec{exact: []string{"deployment_href", "cloud_href"}, partial: []string{"name"}}
	deploymentFilters = filterSpec{exact: []string{"resource_group_href"}, partial: []string{"name", "description", "server_tag_scope"}}
	scriptFilters     = filterSpec{exact: []string{"lineage"}, partial: []string{"name"}}
	templateFilters   = filterSpec{exact: []string{"revision", "lineage", "multi_cloud_image_href"}, partial: []string{"name", "description"}}
)

// filter is one parsed filter[] condition.
type filter struct {
	field   string
	value   string
	negate  bool // "<>"
	partial bool
}

// filters reads the filter[] parameters of a request against the
// collection's fields. An unknown field or a condition without "==" or
// "<>" is a 400.
func (c *reqCtx) filters(fs filterSpec) ([]filter, *apiError) {
	raw, ok := c.p.list("filter")
	if !ok {
		return nil, errParam("Invalid filter: filter must be an array of strings such as name==value")
	}
	out := make([]filter, 0, len(raw))
	for _, f := range raw {
		var fl filter
		if i := strings.Index(f, "=="); i >= 0 && (!strings.Contains(f, "<>") || i < strings.Index(f, "<>")) {
			fl.field, fl.value = f[:i], f[i+2:]
		} else if i := strings.Index(f, "<>"); i >= 0 {
			fl.field, fl.value, fl.negate = f[:i], f[i+2:], true
		} else {
			return nil, errParam("Invalid filter %q: expected <field>==<value> or <field><><value>", f)
		}
		switch {
		case slices.Contains(fs.partial, fl.field):
			fl.partial = true
		case slices.Contains(fs.exact, fl.field):
		default:
			all := append(slices.Clone(fs.exact), fs.partial...)
			slices.Sort(all)
			return nil, errParam("Invalid filter %q: %q is not a filter of this resource (filters: %s)", f, fl.field, strings.Join(all, ", "))
		}
		out = append(out, fl)
	}
	return out, nil
}

// match applies every filter (ANDed) to a row whose field values get
// returns; a field may have several values (an instance's addresses),
// any of which matches.
func match(fs []filter, get func(field string) []string) bool {
	for _, f := range fs {
		hit := false
		for _, v := range get(f.field) {
			if f.partial {
				hit = strings.Contains(strings.ToLower(v), strings.ToLower(f.value))
			} else {
				hit = v == f.value
			}
			if hit {
				break
			}
		}
		if hit == f.negate {
			return false
		}
	}
	return true
}

func one(s string) []string { return []string{s} }
