package cachet_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// These tests answer from an httptest handler instead of the emulator:
// they need pagination a correct server never sends, so they run without
// contract validation.

// pointPages serves the points of metric 1, newest first, n of them in
// pages of per_page, and claims totalPages (and totalPages*per_page
// items) whatever n is. It counts the list requests and the pages asked
// for.
type pointPages struct {
	n, totalPages int

	mu    sync.Mutex
	pages []int
}

func (p *pointPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/metrics/1/points" {
		http.NotFound(w, r)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 {
		perPage = 20
	}
	p.mu.Lock()
	p.pages = append(p.pages, page)
	p.mu.Unlock()
	data := []map[string]any{}
	for i := (page - 1) * perPage; i < min(page*perPage, p.n); i++ {
		id := p.n - i // newest first
		data = append(data, map[string]any{"id": id, "metric_id": 1, "value": float64(id), "counter": 1,
			"calculated_value": float64(id), "created_at": "2024-05-01 12:00:00", "updated_at": "2024-05-01 12:00:00"})
	}
	body := map[string]any{
		"meta": map[string]any{"pagination": map[string]any{
			"total": p.totalPages * perPage, "count": len(data), "per_page": perPage,
			"current_page": page, "total_pages": p.totalPages,
			"links": map[string]any{"next_page": nil, "previous_page": nil},
		}},
		"data": data,
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func (p *pointPages) asked() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.pages)
}

// An ascending list is read backwards from the last page the server
// claims. A bogus total_pages (1000 pages for 3 real ones) must not cost a
// request per claimed page: an empty page means the walk is past the end,
// as it does going forward.
func TestAscendingWalkStopsOnEmptyPages(t *testing.T) {
	for _, tc := range []struct {
		name          string
		n, totalPages int
		maxRequests   int
	}{
		{"bogus total_pages", 5, 1000, 16},    // 1, 1000, a bisection of ~log2(1000), 2
		{"last page emptied", 5, 4, 5},        // items deleted after page 1 was read
		{"exact", 5, 3, 3},                    // the normal walk: 1, 3, 2
		{"one page", 2, 1, 1},                 // no walk at all
		{"bogus, one real page", 2, 1000, 12}, // page 1 only holds items
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &pointPages{n: tc.n, totalPages: tc.totalPages}
			srv := httptest.NewServer(fake)
			t.Cleanup(srv.Close)
			c, err := cachet.New(srv.URL+"/api/v1", "tok", facade.WithRetry(0, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			got := ids(collect(t, c.MetricPoints.List(context.Background(), 1, cachet.ListOptions{PerPage: 2, Order: cachet.Ascending})), pointID)
			want := make([]int, tc.n)
			for i := range want {
				want[i] = i + 1
			}
			if !slices.Equal(got, want) {
				t.Errorf("List ascending = %v, want %v", got, want)
			}
			if asked := fake.asked(); len(asked) > tc.maxRequests {
				t.Errorf("%d requests (pages %v), want at most %d", len(asked), asked, tc.maxRequests)
			}
			// Going forward, the first empty page already ends the walk.
			fake.mu.Lock()
			fake.pages = nil
			fake.mu.Unlock()
			got = ids(collect(t, c.MetricPoints.List(context.Background(), 1, cachet.ListOptions{PerPage: 2})), pointID)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Errorf("List = %v, want %v", got, want)
			}
			if asked, most := fake.asked(), tc.n/2+2; len(asked) > most {
				t.Errorf("forward: %d requests (pages %v), want at most %d", len(asked), asked, most)
			}
		})
	}
}

// mysqlComponents serves components filtered by name the way MySQL's
// default collation compares: ignoring case.
func mysqlComponents(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/components" {
		http.NotFound(w, r)
		return
	}
	data := []map[string]any{}
	for i, name := range []string{"API", "api", "Web"} {
		if q := r.URL.Query(); q.Has("name") && !strings.EqualFold(q.Get("name"), name) {
			continue
		}
		data = append(data, map[string]any{"id": i + 1, "name": name, "description": "", "link": "", "status": 1,
			"status_name": "Operational", "order": 0, "group_id": 0, "enabled": true, "meta": nil,
			"created_at": "2024-05-01 12:00:00", "updated_at": "2024-05-01 12:00:00", "deleted_at": nil, "tags": []any{}})
	}
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	total := len(data)
	if perPage > 0 && perPage < len(data) {
		data = data[:perPage]
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"meta": map[string]any{"pagination": map[string]any{
			"total": total, "count": len(data), "per_page": max(perPage, 20), "current_page": 1, "total_pages": 1,
			"links": map[string]any{"next_page": nil, "previous_page": nil},
		}},
		"data": data,
	})
}

// List re-checks Name on the client, case-sensitively, so its result does
// not depend on the database; Count is the server's number, which on
// MySQL ignores case. The documented difference, on a MySQL-like server.
func TestNameFilterCollation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(mysqlComponents))
	t.Cleanup(srv.Close)
	c, err := cachet.New(srv.URL+"/api/v1", "tok", facade.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, want := range map[string][]int{"api": {2}, "API": {1}, "Api": nil} {
		opts := cachet.ComponentListOptions{Name: new(name)}
		if got := ids(collect(t, c.Components.List(ctx, opts)), compID); !slices.Equal(got, want) {
			t.Errorf("List(Name %q) = %v, want %v (case-sensitive)", name, got, want)
		}
		if n, err := c.Components.Count(ctx, opts); err != nil || n != 2 {
			t.Errorf("Count(Name %q) = %d, %v; want the server's 2 (MySQL ignores case)", name, n, err)
		}
	}
}

// TestSinglePageYieldsEachIDOnce: a list of one page (its walk state is
// kept on the stack) still yields an item the page repeats only once, in
// both orders and through the filtered single request, and keeps the
// server's order (reversed for Ascending, which is read backwards).
func TestSinglePageYieldsEachIDOnce(t *testing.T) {
	item := func(id int, name string) string {
		return `{"id":` + strconv.Itoa(id) + `,"name":"` + name + `","description":"","link":"","status":1,"status_name":"Operational","order":0,"group_id":0,"enabled":true,"meta":null,"created_at":"2024-05-01 12:00:00","updated_at":"2024-05-01 12:00:00","deleted_at":null,"tags":[]}`
	}
	page := `{"meta":{"pagination":{"total":4,"count":4,"per_page":20,"current_page":1,"total_pages":1,"links":{"next_page":null,"previous_page":null}}},"data":[` +
		item(9, "web") + "," + item(7, "api") + "," + item(9, "web") + "," + item(3, "api") + `]}`
	for _, tc := range []struct {
		name string
		opts cachet.ComponentListOptions
		want []int
	}{
		{"server order", cachet.ComponentListOptions{}, []int{9, 7, 3}},
		{"ascending", cachet.ComponentListOptions{ListOptions: cachet.ListOptions{Order: cachet.Ascending}}, []int{3, 7, 9}},
		{"filtered", cachet.ComponentListOptions{Name: new("api")}, []int{7, 3}},
		{"filtered ascending", cachet.ComponentListOptions{Name: new("web"), ListOptions: cachet.ListOptions{Order: cachet.Ascending}}, []int{9}},
	} {
		c, _ := scriptedClient(t, map[string]canned{"GET /api/v1/components": {status: 200, ctype: "application/json", body: page}})
		var got []int
		for comp, err := range c.Components.List(context.Background(), tc.opts) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, comp.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: yielded %v, want %v", tc.name, got, tc.want)
		}
	}
}
