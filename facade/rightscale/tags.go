package rightscale

import (
	"context"
	"net/http"

	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// TagsByTag is the query of [TagManager.ByTag].
type TagsByTag = rightscaleapi.TagsByTag

// TagManager reads and writes tags (POST /api/tags/<action>). Tags are
// plain ("web") or machine tags ("ns:predicate=value"); ByTag also takes
// wildcards ("ns:predicate=*").
type TagManager struct{ c *Client }

// ByResource returns the tags of each resource.
func (m *TagManager) ByResource(ctx context.Context, hrefs ...string) ([]ResourceTag, error) {
	return postJSON[[]ResourceTag](ctx, m.c, "ByResourceTags", "/api/tags/by_resource",
		rightscaleapi.TagsByResource{ResourceHrefs: hrefs})
}

// ByTag finds resources of one type carrying the tags (any of them, or
// all with MatchAll "true"). Without IncludeTagsWithPrefix the answer holds
// only the resource links, no tags.
func (m *TagManager) ByTag(ctx context.Context, q TagsByTag) ([]ResourceTag, error) {
	return postJSON[[]ResourceTag](ctx, m.c, "ByTagTags", "/api/tags/by_tag", q)
}

// ByTagHrefs is ByTag reduced to the hrefs of the resources found.
func (m *TagManager) ByTagHrefs(ctx context.Context, resourceType string, tags ...string) ([]string, error) {
	found, err := m.ByTag(ctx, TagsByTag{ResourceType: rightscaleapi.TagsByTagResourceType(resourceType), Tags: tags})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rt := range found {
		for _, l := range rt.Links {
			if l.Rel == "resource" {
				out = append(out, l.Href)
			}
		}
	}
	return out, nil
}

// Add puts the tags on every resource (multi_add).
func (m *TagManager) Add(ctx context.Context, hrefs, tags []string) error {
	_, err := m.c.send(ctx, "MultiAddTags", http.MethodPost, "/api/tags/multi_add", rightscaleapi.TagsMulti{ResourceHrefs: hrefs, Tags: tags})
	return err
}

// Delete removes the tags from every resource (multi_delete).
func (m *TagManager) Delete(ctx context.Context, hrefs, tags []string) error {
	_, err := m.c.send(ctx, "MultiDeleteTags", http.MethodPost, "/api/tags/multi_delete", rightscaleapi.TagsMulti{ResourceHrefs: hrefs, Tags: tags})
	return err
}

// postJSON issues a POST whose 200 answer is JSON (tags, resolve...).
func postJSON[T any](ctx context.Context, c *Client, op, href string, body any) (T, error) {
	var zero T
	req, err := c.newJSONRequest(ctx, op, http.MethodPost, href, body)
	if err != nil {
		return zero, err
	}
	resp, err := c.http.Do(req)
	return decodeJSON[T](c, op, resp, err)
}
