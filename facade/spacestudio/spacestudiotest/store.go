package spacestudiotest

import (
	"slices"
	"time"
)

// store is the emulated database of one user.
type store struct {
	collections map[string][]*object // by collection path, in creation order
	runs        map[string]*run      // computation of each mission id
	logs        map[string][]byte    // result documents by computation log id
	files       map[string]*file     // GridFS files by name
	access      map[string]time.Time // access token -> expiry
	refresh     map[string]time.Time // refresh token -> expiry
	stats       Stats
}

// object is one stored element: its fields in order of first appearance,
// as the client sent them, plus the server's own (id, displayedName).
type object struct {
	id     string
	fields map[string]any
	keys   []string
}

// run is the computation of one mission.
type run struct {
	started    time.Time
	polls      int
	logID      string
	pauseAfter float64 // seconds of simulated time; 0: no pause
	done       bool
}

// file is one GridFS file: an ephemeris table.
type file struct {
	columns []string
	rows    [][]float64
}

func newStore() *store {
	return &store{
		collections: map[string][]*object{},
		runs:        map[string]*run{},
		logs:        map[string][]byte{},
		files:       map[string]*file{},
		access:      map[string]time.Time{},
		refresh:     map[string]time.Time{},
	}
}

func (st *store) find(col, id string) (*object, int) {
	for i, o := range st.collections[col] {
		if o.id == id {
			return o, i
		}
	}
	return nil, -1
}

// nameTaken reports another object of the collection with this displayed
// name; names are unique per collection (the 409 the Python package
// explains as "probably exists").
func (st *store) nameTaken(col, name, except string) bool {
	for _, o := range st.collections[col] {
		if o.id != except && o.fields["displayedName"] == name {
			return true
		}
	}
	return false
}

func (st *store) fileNames() []string {
	out := make([]string, 0, len(st.files))
	for name := range st.files {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// set stores a field, keeping the order of first appearance.
func (o *object) set(k string, v any) {
	if _, ok := o.fields[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.fields[k] = v
}
