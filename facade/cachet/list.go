package cachet

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
)

// filteredPageSize is the page size of the single request a filtered list
// starts with. Cachet cannot page a filtered list (see [ListOptions]), so
// this one request should hold every match in the common case.
const filteredPageSize = 500

// ListOptions shape a list: page size and order. The zero value lists
// everything in the server's order, 20 items per request.
//
// Lists are iterators: pages are fetched as the loop needs them and a
// break stops fetching. Objects created or deleted while a loop runs may
// be missed (as with any page-numbered API), but none is ever yielded
// twice.
//
// Sorting. Sort names a column among those each List documents; any
// other name is refused with an [*facade.ArgumentError] (the server would
// silently ignore it). Order without Sort sorts by "id". The real server
// ignores order=asc on every list except component groups and always
// sorts descending; the facade still delivers ascending order when asked:
// it asks for descending order and reads the pages backwards, from the
// last page to the first, reversing each one. That costs one extra request
// (the first page, to learn the page count) and keeps memory to one page.
// An empty page on the way down means the page count was too high (items
// deleted meanwhile, or a buggy server or proxy): the walk then bisects
// for the last page with items instead of reading every page the count
// claims.
// Lists without a sort column (incident updates and metric points, which
// come newest first) accept Order alone with the same meaning.
//
// Filtering. Filters are exact matches, and they combine with AND. The
// real server breaks when a filter and a page number are sent together
// (a 500), so a filtered list cannot be paged. The facade therefore asks
// for the first page only, filtered, with at least 500 items per page; if
// the server reports more matches than that page holds, it falls back to
// reading every page unfiltered and filtering on the client side. Either
// way every match is yielded exactly once, and filters are also checked
// on the client, so the result does not depend on the database's
// collation: Name matches case-sensitively.
//
// Count is one request and takes the server's number as it is: a Name
// filter is compared by the database, case-insensitively with MySQL's
// default collation (PostgreSQL and SQLite compare exactly). So on a
// MySQL site, Count with Name "api" also counts a component named "API"
// that List does not yield; count with List when the two must agree.
type ListOptions struct {
	// PerPage is the number of items per request; 0 keeps the server's
	// default of 20. It does not limit the number of items yielded: break
	// out of the loop for that.
	PerPage int
	// Sort is the column to sort by; see each List for the columns.
	Sort string
	// Order is the direction; "" keeps the server's.
	Order SortOrder
}

// listSpec is what the facade knows about one list of the real server.
type listSpec struct {
	op string
	// sorts are the columns the server sorts by; nil: no sort parameter
	// (sending one is useless or, on incident templates, a 500).
	sorts []string
	// honorsOrder: the server applies order=asc (component groups only).
	honorsOrder bool
	// newestFirst: without sort, the list comes newest first.
	newestFirst bool
}

// pageQuery is one request of a list.
type pageQuery struct {
	page    int // 0: not sent
	perPage int // 0: not sent
	sort    string
	order   SortOrder
	// columns sends the column filters, which forbid paging.
	columns bool
	// pageable sends the filters that survive paging (component tags).
	pageable bool
}

// Page sizes the answer to a page request is expected to hold, for
// [pageQuery.sizeHint].
const (
	// defaultPageSize is the server's page size when per_page is not sent.
	defaultPageSize = 20
	// maxSizeHint bounds the room made ahead for a page's items: a large
	// PerPage on a short list should not cost a large allocation up
	// front. Bigger pages grow from there as they are decoded.
	maxSizeHint = 100
)

// sizeHint is the number of items the answer to q is expected to hold,
// to make room for them before decoding; 0 when unknown. A filtered
// request asks for a large page (filteredPageSize) that usually holds a
// few matches, so it gets no room ahead.
func (q pageQuery) sizeHint() int {
	if q.columns {
		return 0
	}
	n := q.perPage
	if n == 0 {
		n = defaultPageSize
	}
	return min(n, maxSizeHint)
}

// lister runs one List call: it fetches pages, filters and orders them.
type lister[T any] struct {
	c    *Client
	spec listSpec
	// fetch sends one request.
	fetch func(ctx context.Context, q pageQuery) (pageOf[T], error)
	// id identifies items, to never yield one twice.
	id func(T) int
	// columns and pageable tell which kinds of filters are set.
	columns, pageable bool
	// match checks every filter on the client side; nil matches all.
	match func(T) bool
}

// plan is the resolved order of a list.
type plan struct {
	sort    string
	order   SortOrder // sent to the server
	reverse bool      // read pages backwards and reverse them
}

func (s listSpec) plan(opts ListOptions) (plan, error) {
	bad := func(arg, reason string) (plan, error) {
		return plan{}, &facade.ArgumentError{Platform: platform, Operation: s.op, Argument: arg, Reason: reason}
	}
	if opts.PerPage < 0 {
		return bad("PerPage", "must not be negative")
	}
	switch opts.Order {
	case "", Ascending, Descending:
	default:
		return bad("Order", "must be cachet.Ascending or cachet.Descending, not "+quote(string(opts.Order)))
	}
	p := plan{sort: opts.Sort}
	if p.sort != "" && !slices.Contains(s.sorts, p.sort) {
		if len(s.sorts) == 0 {
			return bad("Sort", "this list cannot be sorted")
		}
		return bad("Sort", "unknown column "+quote(p.sort)+" (the server would ignore it); use one of "+strings.Join(s.sorts, ", "))
	}
	if opts.Order == "" {
		return p, nil
	}
	switch {
	case p.sort == "" && len(s.sorts) > 0:
		p.sort = "id"
	case p.sort == "" && !s.newestFirst:
		return bad("Order", "this list has no defined order to follow or reverse")
	}
	switch {
	case s.honorsOrder:
		p.order = opts.Order
	case p.sort != "":
		// Ask for what the server does anyway, so a server with the bug
		// fixed answers the same.
		p.order = Descending
		p.reverse = opts.Order == Ascending
	default: // newest first, no sort parameter
		p.reverse = opts.Order == Ascending
	}
	return p, nil
}

// cursor walks a list. state is created at the start of each range over
// the iterator, so ranging twice starts afresh.
type cursor[T any] struct {
	page  int // 0: start
	state *listState[T]
}

type listState[T any] struct {
	seen     idSeen
	backward bool
	tail     []T // page 1 of a backward walk, yielded last
	// A backward walk that meets an empty page is past the real end (a
	// page count too high: a buggy server or proxy, or items deleted
	// meanwhile). It then bisects for the last page with items instead of
	// stepping down one empty page at a time: lo has items (page 1 always
	// does), hi is empty; searching while hi > 0.
	lo, hi  int
	loItems []T // items of page lo when lo > 1
}

func (l *lister[T]) seq(ctx context.Context, opts ListOptions) iter.Seq2[T, error] {
	p, err := l.spec.plan(opts)
	if err != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, err)
		}
	}
	fetch := func(ctx context.Context, cur cursor[T]) (paging.Page[T, cursor[T]], error) {
		if cur.state == nil {
			return l.start(ctx, p, opts.PerPage)
		}
		return l.next(ctx, p, opts.PerPage, cur)
	}
	return paging.SeqWith(ctx, l.c.pager, cursor[T]{}, fetch)
}

func (l *lister[T]) start(ctx context.Context, p plan, perPage int) (paging.Page[T, cursor[T]], error) {
	if l.columns {
		pg, err := l.fetch(ctx, pageQuery{perPage: max(perPage, filteredPageSize), sort: p.sort, order: p.order, columns: true})
		if err != nil {
			return paging.Page[T, cursor[T]]{}, err
		}
		if pg.total <= len(pg.items) {
			return paging.Page[T, cursor[T]]{Items: keepOnly(l, pg.items, p.reverse)}, nil
		}
		// More matches than one unpageable request holds: read
		// everything unfiltered instead.
	}
	pg, err := l.fetch(ctx, l.query(p, perPage, 1))
	if err != nil {
		return paging.Page[T, cursor[T]]{}, err
	}
	// Progress is judged on the page asked for, not the one the server
	// says it sent, so a server ignoring "page" cannot loop the walk.
	more := 1 < pg.totalPages && len(pg.items) > 0
	if !more {
		return paging.Page[T, cursor[T]]{Items: keepOnly(l, pg.items, p.reverse)}, nil
	}
	st := &listState[T]{}
	if !p.reverse {
		return paging.Page[T, cursor[T]]{Items: st.keep(l, pg.items, false), More: true, Next: cursor[T]{page: 2, state: st}}, nil
	}
	st.backward, st.tail = true, pg.items
	return paging.Page[T, cursor[T]]{More: true, Next: cursor[T]{page: pg.totalPages, state: st}}, nil
}

func (l *lister[T]) next(ctx context.Context, p plan, perPage int, cur cursor[T]) (paging.Page[T, cursor[T]], error) {
	st := cur.state
	if st.backward && cur.page <= 1 {
		return paging.Page[T, cursor[T]]{Items: st.keep(l, st.tail, true)}, nil
	}
	pg, err := l.fetch(ctx, l.query(p, perPage, cur.page))
	if err != nil {
		return paging.Page[T, cursor[T]]{}, err
	}
	if st.backward {
		return st.backwardStep(l, cur.page, pg.items), nil
	}
	more := cur.page < pg.totalPages && len(pg.items) > 0
	return paging.Page[T, cursor[T]]{Items: st.keep(l, pg.items, false), More: more, Next: cursor[T]{page: cur.page + 1, state: st}}, nil
}

// backwardStep goes on with a backward walk that has just read items on
// page (above page 1). Like the forward walk, it does not walk through
// empty pages: an empty page starts (or narrows) a bisection between
// page 1 and it, so a page count that is far too high costs a few
// requests, not one per page it claims.
func (st *listState[T]) backwardStep(l *lister[T], page int, items []T) paging.Page[T, cursor[T]] {
	searching := st.hi > 0
	switch {
	case len(items) == 0 && !searching:
		st.lo, st.hi, st.loItems = 1, page, nil
	case len(items) == 0:
		st.hi = page
	case searching:
		st.lo, st.loItems = page, items
	default:
		return paging.Page[T, cursor[T]]{Items: st.keep(l, items, true), More: true, Next: cursor[T]{page: page - 1, state: st}}
	}
	if st.hi-st.lo > 1 {
		return paging.Page[T, cursor[T]]{More: true, Next: cursor[T]{page: st.lo + (st.hi-st.lo)/2, state: st}}
	}
	// lo is the last page with items: yield it and walk down from there.
	st.hi = 0
	if st.lo <= 1 {
		return paging.Page[T, cursor[T]]{Items: st.keep(l, st.tail, true)}
	}
	found := st.loItems
	st.loItems = nil
	return paging.Page[T, cursor[T]]{Items: st.keep(l, found, true), More: true, Next: cursor[T]{page: st.lo - 1, state: st}}
}

// keepOnly is keep for a walk whose first page is its only one: the
// state lives and dies here, on the stack, so a list of one page (the
// most common) allocates none.
func keepOnly[T any](l *lister[T], items []T, reverse bool) []T {
	var st listState[T]
	return st.keep(l, items, reverse)
}

// query is an unfiltered (but for pageable filters) page request.
func (l *lister[T]) query(p plan, perPage, page int) pageQuery {
	return pageQuery{page: page, perPage: perPage, sort: p.sort, order: p.order, pageable: l.pageable}
}

// keep filters items on the client side, drops those already yielded and
// reverses the page when the walk is backwards.
func (st *listState[T]) keep(l *lister[T], items []T, reverse bool) []T {
	// In place: every caller hands over a page it decoded and never reads
	// again, and a copy per page was a tenth of a page's bytes.
	out := items[:0]
	for _, it := range items {
		if l.match != nil && !l.match(it) {
			continue
		}
		id := l.id(it)
		if !st.seen.add(id) {
			continue
		}
		out = append(out, it)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out
}

// idSet is the ids a walk has yielded, 64 to a word: Cachet's ids are
// auto-increment integers, so a walk of 100,000 items keeps about 25 KB
// here instead of the few MB of a map with one entry per id, and the
// iterator's memory stays flat however long the list.
type idSet map[int]uint64

// add records id and reports whether it was new.
func (s idSet) add(id int) bool {
	word, bit := id>>6, uint64(1)<<(uint(id)&63)
	if s[word]&bit != 0 {
		return false
	}
	s[word] |= bit
	return true
}

// idSeen is an idSet whose first words are kept inline, in the walk's
// state: the ids of a page or two of an auto-increment table fall in a
// few 64-id words, so most lists (one page of 20, the default) need no map
// at all, where the map and its first bucket were two allocations per
// List call. Further words go to the map, so memory stays as flat as
// idSet's however long the walk.
type idSeen struct {
	n     int // words in use
	words [4]idWord
	more  idSet // nil until the inline words are full
}

type idWord struct {
	word int
	bits uint64
}

// add records id and reports whether it was new, as idSet.add does. A
// word lives in one place only: inline if it was among the first ones
// met, in the map otherwise.
func (s *idSeen) add(id int) bool {
	word, bit := id>>6, uint64(1)<<(uint(id)&63)
	for i := range s.n {
		if w := &s.words[i]; w.word == word {
			if w.bits&bit != 0 {
				return false
			}
			w.bits |= bit
			return true
		}
	}
	if s.n < len(s.words) {
		s.words[s.n] = idWord{word: word, bits: bit}
		s.n++
		return true
	}
	if s.more == nil {
		s.more = idSet{}
	}
	return s.more.add(id)
}

// count returns the server's total for a query, with one request of one
// item.
func (l *lister[T]) count(ctx context.Context) (int, error) {
	if l.columns && l.pageable {
		// The server cannot take both kinds of filters at once: count
		// what the list yields.
		n := 0
		for _, err := range l.seq(ctx, ListOptions{}) {
			if err != nil {
				return 0, err
			}
			n++
		}
		return n, nil
	}
	pg, err := l.fetch(ctx, pageQuery{perPage: 1, columns: l.columns, pageable: l.pageable})
	if err != nil {
		return 0, err
	}
	return pg.total, nil
}

// ptrIf returns &v when set, nil otherwise: the generated parameters omit
// nil fields.
func ptrIf[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// orderParam converts the plan's order for the generated parameters.
func orderParam[O ~string](o SortOrder) *O {
	if o == "" {
		return nil
	}
	v := O(o)
	return &v
}

// sortParam converts a validated column name for the generated parameters.
func sortParam[S ~string](s string) *S {
	if s == "" {
		return nil
	}
	v := S(s)
	return &v
}
