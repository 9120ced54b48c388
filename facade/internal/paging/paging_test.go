package paging

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// pages serves items 0..n-1 in pages of size, counting fetches.
type pages struct {
	n, size int
	fetches int
	failAt  int // page number whose fetch fails; 0 = never
}

func (p *pages) fetch(_ context.Context, page int) (Page[int, int], error) {
	p.fetches++
	if p.failAt != 0 && page == p.failAt {
		return Page[int, int]{}, errors.New("boom")
	}
	var items []int
	for i := (page - 1) * p.size; i < min(page*p.size, p.n); i++ {
		items = append(items, i)
	}
	return Page[int, int]{Items: items, Next: page + 1, More: page*p.size < p.n}, nil
}

func collect(t *testing.T, seq func(func(int, error) bool)) ([]int, error) {
	t.Helper()
	var got []int
	for v, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, v)
	}
	return got, nil
}

func TestSeqAllPagesInOrder(t *testing.T) {
	p := &pages{n: 7, size: 3}
	got, err := collect(t, Seq(t.Context(), 1, p.fetch))
	if err != nil || !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if p.fetches != 3 {
		t.Errorf("fetches = %d, want 3", p.fetches)
	}
}

func TestSeqEmpty(t *testing.T) {
	p := &pages{n: 0, size: 3}
	got, err := collect(t, Seq(t.Context(), 1, p.fetch))
	if err != nil || len(got) != 0 || p.fetches != 1 {
		t.Errorf("got %v, %v after %d fetches", got, err, p.fetches)
	}
}

func TestSeqBreakStopsFetching(t *testing.T) {
	p := &pages{n: 100, size: 3}
	for v, err := range Seq(t.Context(), 1, p.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if v == 2 { // last item of the first page
			break
		}
	}
	if p.fetches != 1 {
		t.Errorf("fetches = %d after breaking on page 1", p.fetches)
	}
	p.fetches = 0
	for v := range Seq(t.Context(), 1, p.fetch) {
		if v == 3 { // first item of the second page
			break
		}
	}
	if p.fetches != 2 {
		t.Errorf("fetches = %d after breaking on page 2", p.fetches)
	}
}

func TestSeqErrorYieldedOnce(t *testing.T) {
	p := &pages{n: 10, size: 3, failAt: 2}
	var items, errs int
	for v, err := range Seq(t.Context(), 1, p.fetch) {
		if err != nil {
			errs++
			if v != 0 {
				t.Errorf("value %d alongside the error", v)
			}
			continue // a careless caller: the sequence must still end
		}
		items++
	}
	if items != 3 || errs != 1 || p.fetches != 2 {
		t.Errorf("items %d, errors %d, fetches %d", items, errs, p.fetches)
	}
}

func TestSeqContextChecked(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := &pages{n: 10, size: 3}
	var got []int
	var gotErr error
	for v, err := range Seq(ctx, 1, p.fetch) {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, v)
		if v == 1 {
			cancel() // mid-page: the page finishes, the next fetch does not happen
		}
	}
	if !errors.Is(gotErr, context.Canceled) || !slices.Equal(got, []int{0, 1, 2}) || p.fetches != 1 {
		t.Errorf("got %v, %v after %d fetches", got, gotErr, p.fetches)
	}

	p.fetches = 0
	for _, err := range Seq(ctx, 1, p.fetch) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	}
	if p.fetches != 0 {
		t.Error("fetched with a cancelled context")
	}
}

func TestSeqRestartable(t *testing.T) {
	p := &pages{n: 4, size: 3}
	seq := Seq(t.Context(), 1, p.fetch)
	a, _ := collect(t, seq)
	b, _ := collect(t, seq)
	if !slices.Equal(a, b) || len(a) != 4 {
		t.Errorf("%v then %v", a, b)
	}
}

func TestSeqStringCursor(t *testing.T) {
	next := map[string]Page[string, string]{
		"":   {Items: []string{"a", "b"}, Next: "t1", More: true},
		"t1": {Items: []string{"c"}},
	}
	var got []string
	for v, err := range Seq(t.Context(), "", func(_ context.Context, c string) (Page[string, string], error) {
		return next[c], nil
	}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v", got)
	}
}

func BenchmarkSeq(b *testing.B) {
	items := make([]int, 100)
	fetch := func(_ context.Context, page int) (Page[int, int], error) {
		return Page[int, int]{Items: items, Next: page + 1, More: page < 10}, nil
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range Seq(ctx, 1, fetch) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("n = %d", n)
		}
	}
}

// TestSeqErrorPosition: a failed fetch ends the sequence with a *Error
// that says which page failed, after how many items, and unwraps to the
// cause; a lost body is re-fetched at most MaxRefetch times.
func TestSeqErrorPosition(t *testing.T) {
	refetchDelay = time.Millisecond
	cause := &facade.DecodeError{Platform: "x", Method: "GET", StatusCode: 200}
	fails := 0
	fetch := func(_ context.Context, off int) (Page[int, int], error) {
		if off == 4 && fails > 0 {
			fails--
			return Page[int, int]{}, cause
		}
		if off >= 6 {
			return Page[int, int]{}, &facade.APIError{StatusCode: 500}
		}
		return Page[int, int]{Items: []int{off, off + 1}, Next: off + 2, More: true}, nil
	}
	run := func() ([]int, error) {
		var got []int
		for v, err := range Seq(context.Background(), 0, fetch) {
			if err != nil {
				return got, err
			}
			got = append(got, v)
		}
		return got, nil
	}

	fails = MaxRefetch // cured by re-fetching
	got, err := run()
	var pe *Error
	var apiErr *facade.APIError
	if !errors.As(err, &pe) || !errors.As(err, &apiErr) || pe.Page != 4 || pe.Items != 6 || pe.Cursor != 6 || pe.Attempts != 1 || len(got) != 6 {
		t.Fatalf("got %v, %v (%+v); want 6 items then a *Error at page 4, cursor 6", got, err, pe)
	}
	if !strings.Contains(err.Error(), "page 4 (cursor 6) after 6 items") {
		t.Errorf("message %q does not say where it stopped", err)
	}

	fails = MaxRefetch + 1 // outlasts the re-fetches
	got, err = run()
	var de *facade.DecodeError
	if !errors.As(err, &pe) || !errors.As(err, &de) || pe.Page != 3 || pe.Attempts != MaxRefetch+1 || len(got) != 4 {
		t.Fatalf("got %v, %v (%+v); want a *Error at page 3 after %d attempts", got, err, pe, MaxRefetch+1)
	}

	// A create-like failure that may have changed the server is never repeated.
	calls := 0
	unsafe := func(context.Context, int) (Page[int, int], error) {
		calls++
		return Page[int, int]{}, &facade.TransportError{Method: "POST", OutcomeUnknown: true}
	}
	for _, err := range Seq(context.Background(), 0, unsafe) {
		if err.Error() != (&facade.TransportError{Method: "POST", OutcomeUnknown: true}).Error() {
			t.Errorf("a first page's failure reads %q, want the cause alone", err)
		}
		if !errors.Is(err, facade.ErrOutcomeUnknown) || calls != 1 {
			t.Errorf("%d fetches, %v; want one fetch and the outcome-unknown error", calls, err)
		}
	}

	// Cancellation during the pause before a re-fetch ends it at once, as
	// the context's own error.
	refetchDelay = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	lost := func(context.Context, int) (Page[int, int], error) {
		cancel()
		return Page[int, int]{}, &facade.TransportError{Method: "GET", Err: context.Canceled}
	}
	for _, err := range Seq(ctx, 0, lost) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled re-fetch: %v", err)
		}
	}
	refetchDelay = 50 * time.Millisecond
}
