package saagie_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/fault"
	"github.com/switchboard-go/switchboard/facade/internal/faulttest"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// gqlPath is the start of the Projects GraphQL endpoint's "METHOD /path",
// where every query and mutation of these tests goes (the login does not).
const gqlPath = "POST /projects/api/platform/"

// everyGraphQLFault is every kind of fault but Stall (the default mix of
// fault.Injector.SetRate), limited to the GraphQL endpoint.
func everyGraphQLFault() []fault.Fault {
	return []fault.Fault{
		{Kind: fault.Status, Status: 500, Pattern: gqlPath}, {Kind: fault.Status, Status: 502, Pattern: gqlPath},
		{Kind: fault.Status, Status: 503, Pattern: gqlPath}, {Kind: fault.Status, Status: 504, Pattern: gqlPath},
		{Kind: fault.RateLimit, Pattern: gqlPath}, {Kind: fault.Reset, Pattern: gqlPath},
		{Kind: fault.Truncate, Pattern: gqlPath}, {Kind: fault.Malformed, Pattern: gqlPath},
		{Kind: fault.HTML, Pattern: gqlPath},
	}
}

// faultEnv is a Saagie emulator behind a counting front.
type faultEnv struct {
	srv   *saagietest.Server
	c     *saagie.Client
	front *faulttest.Front
}

func newFaultEnv(t *testing.T, seed uint64, retries int, opts ...saagietest.Option) *faultEnv {
	return newFaultEnvWrapped(t, seed, retries, nil, opts...)
}

// newFaultEnvWrapped is newFaultEnv with wrap, when not nil, between the
// counting front and the emulator.
func newFaultEnvWrapped(t *testing.T, seed uint64, retries int, wrap func(http.Handler) http.Handler, opts ...saagietest.Option) *faultEnv {
	t.Helper()
	e := &faultEnv{srv: saagietest.NewServer(append([]saagietest.Option{saagietest.WithFaultSeed(seed)}, opts...)...)}
	t.Cleanup(e.srv.Close)
	handler := e.srv.Handler
	if wrap != nil {
		handler = func() http.Handler { return wrap(e.srv.Handler()) }
	}
	e.front = faulttest.NewFront(t, handler)
	// A 200ms cap: the retry layer honours a Retry-After of up to six
	// times its cap, and the injector's 429s ask for one second.
	c, err := saagie.New(context.Background(), e.front.URL, e.srv.PlatformID, e.srv.User, e.srv.Password, e.srv.Realm,
		facade.WithRetry(retries, time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// seedRuns adds a project with one job that has run n times.
func (e *faultEnv) seedRuns(n int) (jobID string) {
	e.srv.Seed(func(sd *saagietest.Seeder) {
		pid := sd.Project("soak", "")
		jobID = sd.Job(pid, saagietest.JobSpec{Name: "etl", CommandLine: "python {file}",
			Artifact: &saagietest.Upload{Filename: "etl.py", Data: []byte("print(1)\n")}})
		sd.RunJobs(jobID, n)
	})
	return jobID
}

func instanceIDs(ctx context.Context, c *saagie.Client, jobID string) ([]string, []int, error) {
	var ids []string
	var numbers []int
	for in, err := range c.Jobs.Instances(ctx, jobID) {
		if err != nil {
			return ids, numbers, err
		}
		ids = append(ids, in.ID)
		numbers = append(numbers, in.Number)
	}
	return ids, numbers, nil
}

// TestFaultsListUnderFaultRate iterates 5,000 instances of one job, the
// largest of Saagie's paged lists (job and pipeline instances and app
// events page through limit/skip GraphQL queries, logs through a REST
// GET), under a 20% rate of every fault kind on the GraphQL endpoint.
// The queries are POSTs: they ride the faults out only because the facade
// marks them safe to repeat (transport.Idempotent).
func TestFaultsListUnderFaultRate(t *testing.T) {
	const n = 5000
	e := newFaultEnv(t, 42, 6)
	job := e.seedRuns(n)
	ctx := context.Background()
	if _, err := e.c.Jobs.Get(ctx, job, nil); err != nil { // logs in, before the faults
		t.Fatal(err)
	}
	postsBefore := e.front.Matching("POST", "/graphql")
	e.srv.Faults().SetRate(0.2, everyGraphQLFault()...)
	got, numbers, err := instanceIDs(ctx, e.c, job)
	if err != nil {
		t.Fatalf("after %d items: %v", len(got), err)
	}
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	// Run numbers are unique and the list is newest first: item i must
	// be run #n-i, which proves every run came once, in order.
	seen := make(map[string]bool, n)
	for i, id := range got {
		if seen[id] {
			t.Fatalf("instance %s yielded twice", id)
		}
		seen[id] = true
		if numbers[i] != n-i {
			t.Fatalf("item %d is run #%d, want #%d", i, numbers[i], n-i)
		}
	}
	if len(got) != n {
		t.Fatalf("%d instances under faults, want %d", len(got), n)
	}
	posts := e.front.Matching("POST", "/graphql") - postsBefore
	pages := n/50 + 1 // the last, empty page says the listing is over
	if faults == 0 {
		t.Fatal("no fault injected: the test proves nothing")
	}
	t.Logf("saagie job instances: %d items, %d pages, %d faults injected, %d query POSTs (%d retries/re-fetches)", n, pages, faults, posts, posts-pages)
	faulttest.Record(t, "saagie", "list job instances (GraphQL query by POST) under 20% faults, every kind", fmt.Sprintf("%d items exactly once, in order; %d pages; %d faults; %d retries", n, pages, faults, posts-pages))
}

// bodyContains sends the requests whose body contains part through
// faulty, the others straight to next.
func bodyContains(part string, faulty func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		bad := faulty(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if bytes.Contains(b, []byte(part)) {
				bad.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestFaultsListOutlastsRetries(t *testing.T) {
	// The third page (skip 100) fails more times than the client retries.
	// The fault is chosen by the page's own query, not by timing: the
	// iterator may fetch pages ahead of the loop.
	third := fault.New(1, nil)
	third.FailNext(3, fault.Fault{Kind: fault.Status, Status: 503})
	e := newFaultEnvWrapped(t, 1, 2, bodyContains(`"skip":100`, third.Wrap))
	job := e.seedRuns(170)
	ctx := context.Background()
	got := 0
	var endErr error
	for _, err := range e.c.Jobs.Instances(ctx, job) {
		if err != nil {
			endErr = err
			break
		}
		got++
	}
	var pe *facade.ListError
	var apiErr *facade.APIError
	if !errors.As(endErr, &pe) || !errors.As(endErr, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("iteration ended with %v, want a *facade.ListError wrapping the 503", endErr)
	}
	if pe.Page != 3 || pe.Cursor != 100 || pe.Items != 100 || got != 100 || !strings.Contains(endErr.Error(), "page 3 (cursor 100) after 100 items") {
		t.Errorf("stopped at %+v after %d yielded: %v; want page 3, skip 100", pe, got, endErr)
	}
	if errors.Is(endErr, facade.ErrOutcomeUnknown) {
		t.Errorf("a failed query reports an unknown outcome: %v", endErr)
	}
	if third.Injected() != 3 {
		t.Errorf("the third page was sent %d times, want 3 (one try and 2 retries)", third.Injected())
	}
	t.Logf("saagie: budget exhausted -> %v", endErr)
	faulttest.Record(t, "saagie", "list: fault outlasts 2 retries", fmt.Sprintf("stopped at page %d, skip %v, after %d items; *facade.ListError wrapping 503", pe.Page, pe.Cursor, pe.Items))

	// A garbled answer to a query (a 200 that is not JSON, a body cut
	// short) is fetched again by the pager, within its bound; the
	// transport does not retry it. One page only: no read-ahead.
	e2 := newFaultEnv(t, 1, 2)
	job2 := e2.seedRuns(5)
	e2.srv.Faults().FailNext(paging.MaxRefetch, fault.Fault{Kind: fault.Malformed, Pattern: gqlPath})
	ids, _, err := instanceIDs(ctx, e2.c, job2)
	if err != nil || len(ids) != 5 {
		t.Fatalf("%d garbled answers should be re-fetched: %d items, %v", paging.MaxRefetch, len(ids), err)
	}
	e2.srv.Faults().FailNext(paging.MaxRefetch+1, fault.Fault{Kind: fault.Reset, Pattern: gqlPath})
	_, _, err = instanceIDs(ctx, e2.c, job2)
	if !errors.As(err, &pe) || pe.Attempts != paging.MaxRefetch+1 || pe.Page != 1 || errors.Is(err, facade.ErrOutcomeUnknown) {
		t.Errorf("an answer cut %d times: %v, want a *facade.ListError (page 1, %d attempts), outcome known", paging.MaxRefetch+1, err, paging.MaxRefetch+1)
	}
}

// TestFaultsQueryRetriedMutationNot shows the line the transport draws on
// the one GraphQL endpoint: a query that meets a 503 is sent again, a
// mutation (run a job) is not.
func TestFaultsQueryRetriedMutationNot(t *testing.T) {
	e := newFaultEnv(t, 1, 3)
	job := e.seedRuns(1)
	ctx := context.Background()
	before := e.front.Matching("POST", "/graphql")
	e.srv.Faults().FailNext(2, fault.Fault{Kind: fault.Status, Status: 503, Pattern: gqlPath})
	if _, err := e.c.Jobs.Get(ctx, job, nil); err != nil {
		t.Fatalf("query after two 503s: %v", err)
	}
	queryPosts := e.front.Matching("POST", "/graphql") - before
	if queryPosts != 3 {
		t.Errorf("query: %d POSTs, want 3 (two 503s retried)", queryPosts)
	}
	before = e.front.Matching("POST", "/graphql")
	e.srv.Faults().FailNext(1, fault.Fault{Kind: fault.Status, Status: 503, Pattern: gqlPath})
	_, err := e.c.Jobs.Run(ctx, job)
	var apiErr *facade.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("mutation after a 503: %v, want the 503", err)
	}
	mutationPosts := e.front.Matching("POST", "/graphql") - before
	if mutationPosts != 1 {
		t.Errorf("mutation: %d POSTs, want 1 (never retried)", mutationPosts)
	}
	e.srv.Faults().FailNext(1, fault.Fault{Kind: fault.Reset, Pattern: gqlPath})
	_, err = e.c.Jobs.Run(ctx, job)
	if !errors.Is(err, facade.ErrOutcomeUnknown) {
		t.Errorf("mutation whose answer was cut: %v, want facade.ErrOutcomeUnknown", err)
	}
	t.Logf("saagie: query after two 503s: %d POSTs, answered; mutation after one 503: %d POST, 503 returned; mutation cut mid-answer: %v", queryPosts, mutationPosts, err)
	faulttest.Record(t, "saagie", "query vs mutation on the one GraphQL endpoint", fmt.Sprintf("query after two 503s: %d POSTs, answered; mutation after one 503: %d POST, 503 returned; mutation cut mid-answer: ErrOutcomeUnknown", queryPosts, mutationPosts))
}

// TestFaultsCreateProjectNeverRetried creates projects under a 20% rate
// of every fault kind on the GraphQL endpoint. createProject is a
// mutation: never re-sent, and a failure after it may have reached the
// server matches facade.ErrOutcomeUnknown.
func TestFaultsCreateProjectNeverRetried(t *testing.T) {
	const calls = 200
	e := newFaultEnv(t, 7, 5)
	ctx := context.Background()
	before, err := e.c.Projects.List(ctx) // logs in, before the faults
	if err != nil {
		t.Fatal(err)
	}
	// Explicit technologies: Create then sends the mutation alone, with
	// no lookup of the catalog's defaults before it.
	jobs := []string{e.srv.TechnologyID(saagietest.SaagieCatalog, "Python")}
	apps := []string{e.srv.TechnologyID(saagietest.SaagieCatalog, "Docker image")}
	postsBefore := e.front.Matching("POST", "/graphql")
	e.srv.Faults().SetRate(0.2, everyGraphQLFault()...)
	tally := faulttest.CountCreates(calls, func(i int) error {
		_, err := e.c.Projects.Create(ctx, saagie.ProjectSpec{Name: fmt.Sprintf("p-%03d", i), JobTechnologies: jobs, AppTechnologies: apps})
		return err
	})
	faults := e.srv.Faults().Injected()
	e.srv.Faults().SetRate(0)
	posts := e.front.Matching("POST", "/graphql") - postsBefore
	after, err := e.c.Projects.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tally.Check(t, faulttest.CreateFigures{Platform: "saagie", Label: "saagie project creates", What: "create project under 20% faults",
		Posts: posts, Created: len(after) - len(before), Faults: faults, WantUnknown: true})
}
