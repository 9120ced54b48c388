package rightscale

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
)

// Resource is any resource read without knowing its type, as
// [Client.GetByPath] returns them.
type Resource struct {
	// Name is the resource's name, when it has one.
	Name string
	// Links are its links.
	Links Links
	// Raw is the JSON the API returned.
	Raw json.RawMessage
}

// Href returns the resource's self link.
func (r Resource) Href() string { return Href(r.Links) }

// DecodeResource reads a Resource as a typed resource.
func DecodeResource[T any](r Resource) (T, error) {
	var v T
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		return v, fmt.Errorf("rightscale: decoding %s as %T: %w", r.Href(), v, err)
	}
	return v, nil
}

type nameAndLinks struct {
	Name  string `json:"name"`
	Links Links  `json:"links"`
}

// toResources reads the name and links of each resource; one that is not
// an object with a string name is a *facade.DecodeError.
func toResources(op string, raws []json.RawMessage) ([]Resource, error) {
	out := make([]Resource, 0, len(raws))
	for _, raw := range raws {
		var nl nameAndLinks
		if err := json.Unmarshal(raw, &nl); err != nil {
			return nil, &facade.DecodeError{Platform: platform, Operation: op, StatusCode: 200,
				Err: fmt.Errorf("a resource of the answer: %w", err)}
		}
		out = append(out, Resource{Name: nl.Name, Links: nl.Links, Raw: raw})
	}
	return out, nil
}

// findByName is python-rightscale's find_by_name: index with the filter
// name==<name>, which the server applies as a case-insensitive substring
// match, then keep the first resource whose name is exactly name
// (case-sensitive).
func findByName(ctx context.Context, c *Client, href, kind, name string) (Resource, error) {
	raws, err := getJSON[[]json.RawMessage](ctx, c, "Index "+kind, href, IndexOptions{Filters: []Filter{Eq("name", name)}}.query())
	if err != nil {
		return Resource{}, err
	}
	found, err := toResources("Index "+kind, raws)
	if err != nil {
		return Resource{}, err
	}
	var near []string
	for _, r := range found {
		if r.Name == name {
			return r, nil
		}
		if len(near) < 5 {
			near = append(near, r.Name)
		}
	}
	return Resource{}, &NotFoundError{Kind: kind, Name: name, Candidates: near}
}

// FindByName returns the resource named exactly name. The API's name
// filter matches substrings case-insensitively ("web" finds "Web-2" and
// "webapp"), so the filtered list is narrowed to the exact, case-sensitive
// name, as python-rightscale's find_by_name does. No exact match is a
// *NotFoundError (errors.Is facade.ErrNotFound) listing the near misses.
func (col Collection[T, C, U]) FindByName(ctx context.Context, name string) (T, error) {
	var zero T
	r, err := findByName(ctx, col.c, col.href, col.kind, name)
	if err != nil {
		return zero, err
	}
	return DecodeResource[T](r)
}

// FindHref returns the href of the resource named exactly name (see
// FindByName).
func (col Collection[T, C, U]) FindHref(ctx context.Context, name string) (string, error) {
	r, err := findByName(ctx, col.c, col.href, col.kind, name)
	if err != nil {
		return "", err
	}
	if r.Href() == "" {
		return "", &facade.DecodeError{Platform: platform, Operation: "Index " + col.kind, StatusCode: 200,
			Err: fmt.Errorf("%s %q has no self link", col.kind, name)}
	}
	return r.Href(), nil
}

// Search returns every resource whose name contains name, ignoring case:
// the server's own partial match, python-rightscale's
// find_by_name(exact=False).
func (col Collection[T, C, U]) Search(ctx context.Context, name string) ([]T, error) {
	return col.List(ctx, IndexOptions{Filters: []Filter{Eq("name", name)}})
}

// PathResult is what [Client.GetByPath] reached: one resource, or the
// resources of a collection.
type PathResult struct {
	// Href is the href of the last hop (a resource or a collection).
	Href string
	// Collection is true when the path ended on a collection; Items then
	// holds its index, else the one resource reached.
	Collection bool
	Items      []Resource
}

// GetByPath walks a colon-separated path from the API root, the way
// python-rightscale's get_by_path does: "deployments:production" is the
// deployment named exactly "production", "deployments:production:servers"
// its servers, "deployments:production:servers:haproxy" the server named
// "haproxy" in it. Parts alternate between a collection (a link of the
// resource reached so far, or a collection below it) and the name of a
// resource in that collection.
func (c *Client) GetByPath(ctx context.Context, path string) (PathResult, error) {
	bad := func(reason string) (PathResult, error) {
		return PathResult{}, &facade.ArgumentError{Platform: platform, Operation: "GetByPath", Argument: "path", Reason: reason}
	}
	parts := strings.Split(path, ":")
	if strings.TrimSpace(path) == "" {
		return bad("empty path: want collection[:name[:collection...]], e.g. deployments:production:servers")
	}
	for i := 1; i < len(parts); i += 2 {
		if parts[i] == "" {
			return bad(fmt.Sprintf("%q: the name after %q is empty", path, parts[i-1]))
		}
	}
	current := Resource{Links: Links{{Rel: "self", Href: "/api"}}}
	for i := 0; i < len(parts); i += 2 {
		coll := strings.TrimSpace(parts[i])
		if coll == "" || strings.ContainsAny(coll, "/?#. ") {
			return bad(fmt.Sprintf("%q: %q is not a collection name", path, coll))
		}
		href, ok := LinkOf(current.Links, coll)
		if !ok {
			href = under(current.Href(), coll)
		}
		kind := strings.TrimSuffix(strings.ReplaceAll(coll, "_", " "), "s")
		if i+1 >= len(parts) {
			raws, err := getJSON[[]json.RawMessage](ctx, c, "Index "+kind, href, nil)
			if err != nil {
				return PathResult{}, err
			}
			items, err := toResources("Index "+kind, raws)
			return PathResult{Href: href, Collection: true, Items: items}, err
		}
		r, err := findByName(ctx, c, href, kind, parts[i+1])
		if err != nil {
			return PathResult{}, err
		}
		current = r
	}
	return PathResult{Href: current.Href(), Items: []Resource{current}}, nil
}
