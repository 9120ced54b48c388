package st2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
)

// DefaultPageSize is the page size of List: the server's max_page_size,
// the largest a non-admin may ask for when RBAC is on.
const DefaultPageSize = 100

// ErrAmbiguous is matched by errors.Is when a name matches several objects
// (see [AmbiguousError]).
var ErrAmbiguous = errors.New("st2: more than one object matches")

// ErrUnsupported is matched by errors.Is when a resource does not offer an
// operation (the server has no such route), e.g. deleting a pack.
var ErrUnsupported = errors.ErrUnsupported

// AmbiguousError is returned by GetByName when several objects share the
// name: names are unique per pack only, and the server's name filter is not
// pack-qualified. Use the ref (pack.name) instead.
type AmbiguousError struct {
	// Kind is the kind of object ("action").
	Kind string
	// Name is the name looked up.
	Name string
	// Refs identify every match (refs, or ids where there are none).
	Refs []string
}

// Error lists the matches, at most a few of them and each cut short: the
// refs come from the server, which must not be able to make the message
// as long as its answer. Refs keeps them all.
func (e *AmbiguousError) Error() string {
	const maxRefs, maxRef = 10, 128
	refs := make([]string, 0, min(len(e.Refs), maxRefs)+1)
	for _, r := range e.Refs[:min(len(e.Refs), maxRefs)] {
		refs = append(refs, redact.Excerpt(r, maxRef))
	}
	if len(e.Refs) > maxRefs {
		refs = append(refs, fmt.Sprintf("and %d more", len(e.Refs)-maxRefs))
	}
	return fmt.Sprintf("st2: %d %ss are named %q (%s); use a ref", len(e.Refs), e.Kind, e.Name, strings.Join(refs, ", "))
}

// Is matches ErrAmbiguous.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// NotFoundError reports that no object has the name GetByName looked up
// (a Get of a missing id or ref is an *facade.APIError with status 404).
// Both match errors.Is(err, facade.ErrNotFound).
type NotFoundError struct {
	Kind, Name string
}

// Error names what was looked for.
func (e *NotFoundError) Error() string { return fmt.Sprintf("st2: no %s named %q", e.Kind, e.Name) }

// Is matches facade.ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == facade.ErrNotFound }

// pagingMode is how a list endpoint pages, which differs per endpoint.
type pagingMode int

const (
	// pageOffset: limit and offset, X-Total-Count.
	pageOffset pagingMode = iota
	// pageNone: the server ignores offset; one request returns every row
	// (no limit sent: the endpoint's default is "all").
	pageNone
	// pageLimitAll: no offset, and a default limit; one request with
	// limit=-1 (every row; admins only when RBAC is on).
	pageLimitAll
)

// binding ties a Manager to the generated client's operations for one
// resource. A nil function is an operation the server does not have.
type binding[T, Q any] struct {
	kind, plural string // "action", "Actions": error and operation names
	mode         pagingMode
	list         func(ctx context.Context, q Q, limit, offset *int) (*http.Response, error)
	get          func(ctx context.Context, refOrID string) (*http.Response, error)
	create       func(ctx context.Context, v T) (*http.Response, error)
	update       func(ctx context.Context, refOrID string, v T) (*http.Response, error)
	del          func(ctx context.Context, refOrID string) (*http.Response, error)
	// key is what Update and Delete address an object by (its id, or its
	// name for keys).
	key func(T) string
	// byName is the list query for an exact name; nil filters client-side.
	byName func(name string) Q
	// name and ref read an object's name and ref (or id).
	name, ref func(T) string
}

// Manager is the one resource manager behind every kind of st2 object,
// with st2client's semantics: List (every page, lazily), Page (one page
// with the total), Query, Get (by ref or id), GetByName (an error when
// several objects share the name), Create, Update and Delete. Q is the
// resource's list filter (the generated parameters type; its paging
// fields are set by List).
type Manager[T, Q any] struct {
	c *Client
	b binding[T, Q]
	// PageSize is the page size List asks for; zero is DefaultPageSize.
	PageSize int
}

func newManager[T, Q any](c *Client, b binding[T, Q]) *Manager[T, Q] {
	return &Manager[T, Q]{c: c, b: b}
}

func (m *Manager[T, Q]) unsupported(op string) error {
	return fmt.Errorf("st2: %s %s: %w", op, m.b.plural, ErrUnsupported)
}

// List returns every object matching q, fetching pages as the loop needs
// them (limit/offset until a short page or X-Total-Count is reached).
// Endpoints the server does not page (rules, sensors, triggers, inquiries)
// are read in one request. A break stops fetching.
func (m *Manager[T, Q]) List(ctx context.Context, q Q) iter.Seq2[T, error] {
	if m.b.list == nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, m.unsupported("list"))
		}
	}
	size := m.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	return paging.SeqWith(ctx, m.c.pager, 0, func(ctx context.Context, offset int) (paging.Page[T, int], error) {
		page, err := m.fetch(ctx, q, size, offset)
		if err != nil {
			return paging.Page[T, int]{}, err
		}
		next := offset + len(page.Items)
		more := m.b.mode == pageOffset && len(page.Items) == size && (page.Total < 0 || next < page.Total)
		return paging.Page[T, int]{Items: page.Items, Next: next, More: more}, nil
	})
}

// Page is one page of a list and the server's count of all matches.
type Page[T any] struct {
	// Items are the page's objects.
	Items []T
	// Total is X-Total-Count: every match, ignoring limit and offset; -1
	// when the server did not send it.
	Total int
}

// Page fetches one page, as st2client's query_with_count: limit objects
// (zero: the endpoint's default) from offset. Endpoints without offset
// refuse a non-zero offset with ErrUnsupported.
func (m *Manager[T, Q]) Page(ctx context.Context, q Q, limit, offset int) (Page[T], error) {
	if err := m.pageable(offset); err != nil {
		return Page[T]{}, err
	}
	resp, err := m.listPage(ctx, q, limit, offset)
	return decodeList[T](m.c.call("List"+m.b.plural), resp, err)
}

// PageJSON is Page with each object as the server sent it, not decoded
// into T: for callers that pass the JSON on (a command line printing it,
// a proxy) or read fields T does not have. The objects are checked to be
// JSON, nothing more.
func (m *Manager[T, Q]) PageJSON(ctx context.Context, q Q, limit, offset int) (Page[json.RawMessage], error) {
	if err := m.pageable(offset); err != nil {
		return Page[json.RawMessage]{}, err
	}
	resp, err := m.listPage(ctx, q, limit, offset)
	total := totalCount(resp, err)
	items, err := wire.DecodeArray(m.c.call("List"+m.b.plural), resp, err)
	if err != nil {
		return Page[json.RawMessage]{Total: -1}, err
	}
	return Page[json.RawMessage]{Items: items, Total: total}, nil
}

// pageable says why Page cannot ask for a page from offset, if it cannot.
func (m *Manager[T, Q]) pageable(offset int) error {
	if m.b.list == nil {
		return m.unsupported("list")
	}
	if offset != 0 && m.b.mode != pageOffset {
		return fmt.Errorf("st2: the %s list takes no offset: %w", m.b.kind, ErrUnsupported)
	}
	return nil
}

// listPage sends Page's request: limit and offset only when not zero.
func (m *Manager[T, Q]) listPage(ctx context.Context, q Q, limit, offset int) (*http.Response, error) {
	var lp, op *int
	if limit != 0 {
		lp = &limit
	}
	if offset != 0 {
		op = &offset
	}
	return m.b.list(ctx, q, lp, op)
}

// Count returns X-Total-Count for q (one request for a single row).
func (m *Manager[T, Q]) Count(ctx context.Context, q Q) (int, error) {
	p, err := m.Page(ctx, q, 1, 0)
	if err != nil {
		return 0, err
	}
	if p.Total < 0 {
		return 0, fmt.Errorf("st2: the %s list sends no X-Total-Count: %w", m.b.kind, ErrUnsupported)
	}
	return p.Total, nil
}

func (m *Manager[T, Q]) fetch(ctx context.Context, q Q, size, offset int) (Page[T], error) {
	var resp *http.Response
	var err error
	switch m.b.mode {
	case pageOffset:
		resp, err = m.b.list(ctx, q, &size, &offset)
	case pageLimitAll:
		all := -1
		resp, err = m.b.list(ctx, q, &all, nil)
	default:
		resp, err = m.b.list(ctx, q, nil, nil)
	}
	return decodeList[T](m.c.call("List"+m.b.plural), resp, err)
}

// decodeList decodes a JSON array and reads X-Total-Count.
func decodeList[T any](call wire.Call, resp *http.Response, err error) (Page[T], error) {
	total := totalCount(resp, err)
	items, err := wire.Decode[[]T](call, resp, err)
	if err != nil {
		return Page[T]{Total: -1}, err
	}
	return Page[T]{Items: items, Total: total}, nil
}

// totalCount reads X-Total-Count off a list answer; -1 when there is none.
func totalCount(resp *http.Response, err error) int {
	if err != nil || resp == nil {
		return -1
	}
	if v := resp.Header.Get("X-Total-Count"); v != "" {
		if n, perr := strconv.Atoi(strings.TrimSpace(v)); perr == nil && n >= 0 {
			return n
		}
	}
	return -1
}

// Query returns every object matching q as a slice.
func (m *Manager[T, Q]) Query(ctx context.Context, q Q) ([]T, error) {
	var out []T
	for v, err := range m.List(ctx, q) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Get returns the object with this ref (pack.name; the server takes
// anything with a dot for a ref) or id. A missing object is an error
// matching facade.ErrNotFound.
func (m *Manager[T, Q]) Get(ctx context.Context, refOrID string) (T, error) {
	if m.b.get == nil {
		var zero T
		return zero, m.unsupported("get")
	}
	if err := checkPathValue(m.b.kind, refOrID); err != nil {
		var zero T
		return zero, err
	}
	resp, err := m.b.get(ctx, refOrID)
	return wire.Decode[T](m.c.call("Get"+strings.TrimSuffix(m.b.plural, "s")), resp, err)
}

// GetByID is Get, by the name st2client uses.
func (m *Manager[T, Q]) GetByID(ctx context.Context, id string) (T, error) { return m.Get(ctx, id) }

// GetByName returns the one object with this name. None is a
// *NotFoundError (facade.ErrNotFound); several, in different packs, an
// *AmbiguousError (ErrAmbiguous).
func (m *Manager[T, Q]) GetByName(ctx context.Context, name string) (T, error) {
	var zero T
	if name == "" {
		return zero, &facade.ConfigError{Platform: platform, Setting: m.b.kind + " name", Reason: "must not be empty"}
	}
	var q Q
	if m.b.byName != nil {
		q = m.b.byName(name)
	}
	var found []T
	for v, err := range m.List(ctx, q) {
		if err != nil {
			return zero, err
		}
		if m.b.name(v) == name {
			found = append(found, v)
		}
	}
	switch len(found) {
	case 0:
		return zero, &NotFoundError{Kind: m.b.kind, Name: name}
	case 1:
		return found[0], nil
	}
	refs := make([]string, len(found))
	for i, v := range found {
		refs[i] = m.b.ref(v)
	}
	return zero, &AmbiguousError{Kind: m.b.kind, Name: name, Refs: refs}
}

// Create stores a new object and returns the server's copy (201). The
// same pack and name as an existing object is a 409 (facade.ErrConflict).
func (m *Manager[T, Q]) Create(ctx context.Context, v T) (T, error) {
	if m.b.create == nil {
		var zero T
		return zero, m.unsupported("create")
	}
	resp, err := m.b.create(ctx, v)
	return wire.Decode[T](m.c.call("Create"+strings.TrimSuffix(m.b.plural, "s")), resp, err)
}

// Update replaces the object v identifies (by its id) with v and returns
// the server's copy.
func (m *Manager[T, Q]) Update(ctx context.Context, v T) (T, error) {
	var zero T
	if m.b.update == nil {
		return zero, m.unsupported("update")
	}
	key := m.b.key(v)
	if key == "" {
		return zero, &facade.ConfigError{Platform: platform, Setting: m.b.kind + " id", Reason: "Update needs the object as read from the server, with its id"}
	}
	if err := checkPathValue(m.b.kind, key); err != nil {
		return zero, err
	}
	resp, err := m.b.update(ctx, key, v)
	return wire.Decode[T](m.c.call("Update"+strings.TrimSuffix(m.b.plural, "s")), resp, err)
}

// Delete removes the object with this ref or id (204). A missing object is
// an error matching facade.ErrNotFound (st2client counts it as deleted;
// test with errors.Is to do the same).
func (m *Manager[T, Q]) Delete(ctx context.Context, refOrID string) error {
	if m.b.del == nil {
		return m.unsupported("delete")
	}
	if err := checkPathValue(m.b.kind, refOrID); err != nil {
		return err
	}
	resp, err := m.b.del(ctx, refOrID)
	return wire.NoContent(m.c.call("Delete"+strings.TrimSuffix(m.b.plural, "s")), resp, err)
}

// checkPathValue refuses values that would address another route once in
// the path: an empty one, or one with a slash.
func checkPathValue(kind, v string) error {
	if v == "" || strings.ContainsAny(v, "/?#") || v == "." || v == ".." {
		return &facade.ConfigError{Platform: platform, Setting: kind + " ref or id", Value: v, Reason: "must be a non-empty ref or id without '/', '?' or '#'"}
	}
	return nil
}
