package rightscaletest

import (
	"slices"
	"strings"
)

// resourceTypes maps by_tag's resource_type to the collection names the
// store resolves; the others are accepted and match nothing taggable
// here unless tagged through multi_add.
var resourceTypes = []string{"servers", "instances", "volumes", "volume_snapshots", "deployments",
	"server_templates", "multi_cloud_images", "images", "server_arrays", "accounts", "placement_groups"}

type resourceTag struct {
	Tags    []tagName `json:"tags"`
	Links   []link    `json:"links"`
	Actions []action  `json:"actions"`
}

type tagName struct {
	Name string `json:"name"`
}

func tagList(tags []string) []tagName {
	out := make([]tagName, 0, len(tags))
	for _, t := range tags {
		out = append(out, tagName{t})
	}
	return out
}

// untag forgets the tags of a deleted resource.
func (s *Server) untag(href string) { delete(s.st.tags, href) }

// hrefsParam reads resource_hrefs[]; every href must name an existing
// resource (422 otherwise).
func (c *reqCtx) hrefsParam() ([]string, *apiError) {
	hrefs, ok := c.p.list("resource_hrefs")
	if !ok || len(hrefs) == 0 {
		return nil, errParam("Missing parameter: resource_hrefs")
	}
	for _, h := range hrefs {
		if !c.s.exists(h) {
			return nil, errNotFound("resource", h)
		}
	}
	return hrefs, nil
}

// exists reports whether href names a resource of the emulator.
func (s *Server) exists(href string) bool {
	if kind, ok := s.st.resolve(href); kind != "" {
		if kind == "accounts" {
			return href == s.AccountHref()
		}
		return ok
	}
	return s.generic.exists(href)
}

func (c *reqCtx) tagsParam() ([]string, *apiError) {
	tags, ok := c.p.list("tags")
	if !ok || len(tags) == 0 {
		return nil, errParam("Missing parameter: tags")
	}
	for _, t := range tags {
		if strings.TrimSpace(t) == "" {
			return nil, errInvalid("tags", "can't be blank")
		}
	}
	return tags, nil
}

func (c *reqCtx) multiAddTags() (*reply, *apiError) {
	hrefs, err := c.hrefsParam()
	if err != nil {
		return nil, err
	}
	tags, err := c.tagsParam()
	if err != nil {
		return nil, err
	}
	for _, h := range hrefs {
		cur := c.s.st.tags[h]
		for _, t := range tags {
			// A machine tag ns:pred=value replaces the tag of the same
			// ns:pred, as RightScale keeps one value per predicate.
			if pred, _, ok := strings.Cut(t, "="); ok && strings.Contains(pred, ":") {
				cur = slices.DeleteFunc(cur, func(x string) bool { return strings.HasPrefix(x, pred+"=") })
			}
			if !slices.Contains(cur, t) {
				cur = append(cur, t)
			}
		}
		c.s.st.tags[h] = cur
	}
	return noContent()
}

func (c *reqCtx) multiDeleteTags() (*reply, *apiError) {
	hrefs, err := c.hrefsParam()
	if err != nil {
		return nil, err
	}
	tags, err := c.tagsParam()
	if err != nil {
		return nil, err
	}
	for _, h := range hrefs {
		cur := slices.DeleteFunc(c.s.st.tags[h], func(x string) bool { return slices.Contains(tags, x) })
		if len(cur) == 0 {
			delete(c.s.st.tags, h)
		} else {
			c.s.st.tags[h] = cur
		}
	}
	return noContent()
}

func (c *reqCtx) byResource() (*reply, *apiError) {
	hrefs, ok := c.p.list("resource_hrefs")
	if !ok || len(hrefs) == 0 {
		return nil, errParam("Missing parameter: resource_hrefs")
	}
	var out []resourceTag
	for _, h := range hrefs {
		if !c.s.exists(h) {
			return nil, errNotFound("resource", h)
		}
		out = append(out, resourceTag{Tags: tagList(c.s.st.tags[h]), Links: []link{{Rel: "resource", Href: h}}, Actions: actions()})
	}
	return okList("resource_tag", out)
}

// tagMatches is one tag query against a resource's tags: exact, or a
// wildcard ns:pred=* matching any value of the predicate. Tags compare
// case-insensitively [INF].
func tagMatches(query string, tags []string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, query) {
			return true
		}
		if pred, ok := strings.CutSuffix(query, "=*"); ok {
			if p, _, ok := strings.Cut(t, "="); ok && strings.EqualFold(p, pred) {
				return true
			}
		}
	}
	return false
}

// byTag finds the resources of one type carrying the tags (any of them,
// or all with match_all=true). The answer is one resource_tag per
// resource; tags are listed only with include_tags_with_prefix, and only
// those starting with it.
func (c *reqCtx) byTag() (*reply, *apiError) {
	typ, _ := c.p.str("resource_type")
	if !slices.Contains(resourceTypes, typ) {
		return nil, errParam("Invalid resource_type %q: one of %s", typ, strings.Join(resourceTypes, ", "))
	}
	tags, err := c.tagsParam()
	if err != nil {
		return nil, err
	}
	all := c.p.boolean("match_all")
	prefix, withTags := c.p.str("include_tags_with_prefix")
	var hrefs []string
	for h := range c.s.st.tags {
		if kind := c.s.kindOf(h); kind == typ {
			hrefs = append(hrefs, h)
		}
	}
	slices.Sort(hrefs)
	var out []resourceTag
	for _, h := range hrefs {
		cur := c.s.st.tags[h]
		hit := all
		for _, q := range tags {
			m := tagMatches(q, cur)
			if all && !m {
				hit = false
				break
			}
			if !all && m {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		rt := resourceTag{Tags: []tagName{}, Links: []link{{Rel: "resource", Href: h}}, Actions: actions()}
		if withTags {
			var keep []string
			for _, t := range cur {
				if strings.HasPrefix(t, prefix) {
					keep = append(keep, t)
				}
			}
			rt.Tags = tagList(keep)
		}
		out = append(out, rt)
	}
	return okList("resource_tag", out)
}

// kindOf is the resource type of an href, as by_tag names them.
func (s *Server) kindOf(href string) string {
	if kind, _ := s.st.resolve(href); kind != "" {
		return kind
	}
	rest := strings.TrimPrefix(href, BasePath+"/")
	seg := strings.Split(rest, "/")
	if len(seg) >= 2 {
		return seg[len(seg)-2]
	}
	return ""
}
