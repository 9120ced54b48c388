package cachettest

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// The rows below mirror Cachet's tables. Rows are only changed under the
// store's write lock; maps and slices they reference (meta, tags) are
// replaced, never changed in place, so responses built from them can be
// encoded after the lock is released.

type tag struct{ slug, name string }

type component struct {
	id          int
	name        string
	description string
	link        string
	status      int
	order       int
	groupID     int
	enabled     bool
	meta        json.RawMessage // the JSON column; nil is NULL
	tags        []tag
	tagsOut     cachetapi.ComponentTags // tags as the presenter renders them
	createdAt   time.Time
	updatedAt   time.Time
}

type group struct {
	id        int
	name      string
	order     int
	collapsed int
	visible   int
	createdAt time.Time
	updatedAt time.Time
}

type metaEntry struct {
	key   string
	value any
}

type incident struct {
	id          int
	userID      int
	componentID int
	name        string
	status      int
	visible     bool
	stickied    bool
	message     string
	occurredAt  time.Time
	meta        []metaEntry // the meta table rows, in insertion order
	createdAt   time.Time
	updatedAt   time.Time
}

type incidentUpdate struct {
	id         int
	incidentID int
	status     int
	message    string
	userID     int
	createdAt  time.Time
	updatedAt  time.Time
}

type incidentTemplate struct {
	id        int
	name      string
	slug      string
	template  string
	createdAt time.Time
	updatedAt time.Time
}

type metric struct {
	id           int
	name         string
	suffix       string
	description  *string
	defaultValue float64 // decimal(10,3)
	calcType     int
	displayChart bool
	places       int
	defaultView  int
	threshold    int
	order        int
	visible      int
	createdAt    time.Time
	updatedAt    time.Time
}

type metricPoint struct {
	id        int
	metricID  int
	value     float64 // decimal(15,3)
	counter   int
	createdAt time.Time
	updatedAt time.Time
}

type schedule struct {
	id          int
	name        string
	message     *string
	status      int
	scheduledAt time.Time
	completedAt *time.Time
	createdAt   time.Time
	updatedAt   time.Time
}

type subscriber struct {
	id         int
	email      string
	verifyCode string
	verifiedAt *time.Time
	global     bool
	createdAt  time.Time
	updatedAt  time.Time
}

type subscription struct {
	id           int
	subscriberID int
	componentID  int
	createdAt    time.Time
	updatedAt    time.Time
}

// table is one table: rows by id and the ids in insertion (= id) order,
// which is the order a query without ORDER BY returns them in. Ids are
// never reused, as with auto-increment columns.
type table[T any] struct {
	rows map[int]*T
	ids  []int
	next int
}

func newTable[T any]() table[T] { return table[T]{rows: map[int]*T{}, next: 1} }

func (t *table[T]) insert(row *T) int {
	id := t.next
	t.next++
	t.rows[id] = row
	t.ids = append(t.ids, id)
	return id
}

func (t *table[T]) get(id int) *T { return t.rows[id] }

// remove deletes a row. Soft deletes are removals too: no API route can
// reach a soft-deleted row, so keeping it would only cost memory.
func (t *table[T]) remove(id int) {
	if _, ok := t.rows[id]; !ok {
		return
	}
	delete(t.rows, id)
	if i, found := slices.BinarySearch(t.ids, id); found {
		t.ids = slices.Delete(t.ids, i, i+1)
	}
}

// all returns the rows in id order.
func (t *table[T]) all() []*T {
	out := make([]*T, 0, len(t.ids))
	for _, id := range t.ids {
		out = append(out, t.rows[id])
	}
	return out
}

// store is the emulated database.
type store struct {
	components    table[component]
	groups        table[group]
	incidents     table[incident]
	updates       table[incidentUpdate]
	templates     table[incidentTemplate]
	metrics       table[metric]
	points        table[metricPoint]
	schedules     table[schedule]
	subscribers   table[subscriber]
	subscriptions table[subscription]
}

func newStore() *store {
	return &store{
		components:    newTable[component](),
		groups:        newTable[group](),
		incidents:     newTable[incident](),
		updates:       newTable[incidentUpdate](),
		templates:     newTable[incidentTemplate](),
		metrics:       newTable[metric](),
		points:        newTable[metricPoint](),
		schedules:     newTable[schedule](),
		subscribers:   newTable[subscriber](),
		subscriptions: newTable[subscription](),
	}
}

// updatesOf returns an incident's updates newest first, as the model's
// relation (created_at desc); equal times (a frozen clock) fall back to
// the newest id first.
func (st *store) updatesOf(incidentID int) []*incidentUpdate {
	var out []*incidentUpdate
	for _, id := range st.updates.ids {
		if u := st.updates.rows[id]; u.incidentID == incidentID {
			out = append(out, u)
		}
	}
	sortUpdates(out)
	return out
}

func sortUpdates(u []*incidentUpdate) {
	slices.SortStableFunc(u, func(a, b *incidentUpdate) int {
		if c := b.createdAt.Compare(a.createdAt); c != 0 {
			return c
		}
		return b.id - a.id
	})
}

// pointsOf returns a metric's points newest first (the relation's latest()).
func (st *store) pointsOf(metricID int) []*metricPoint {
	var out []*metricPoint
	for _, id := range st.points.ids {
		if p := st.points.rows[id]; p.metricID == metricID {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *metricPoint) int {
		if c := b.createdAt.Compare(a.createdAt); c != 0 {
			return c
		}
		return b.id - a.id
	})
	return out
}

func (st *store) subscriptionsOf(subscriberID int) []*subscription {
	var out []*subscription
	for _, id := range st.subscriptions.ids {
		if s := st.subscriptions.rows[id]; s.subscriberID == subscriberID {
			out = append(out, s)
		}
	}
	return out
}
