package cachet_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
)

func TestSchedulesCRUD(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	start := time.Date(2020, 9, 1, 20, 0, 0, 0, time.UTC)
	s, err := e.c.Schedules.Create(ctx, cachet.ScheduleCreate{
		Name: "DB upgrade", Message: "Downtime expected", Status: cachet.ScheduleUpcoming,
		ScheduledAt: start, CompletedAt: start.Add(time.Hour)})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if s.Name != "DB upgrade" || s.Message != "Downtime expected" || s.Status != cachet.ScheduleUpcoming || s.HumanStatus == "" ||
		!s.ScheduledAt.Equal(start) || !s.CompletedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("Create = %+v", s)
	}
	if body := e.rec.requests("POST", "/schedules")[0].bodyMap(t); body["notify"] != false || body["scheduled_at"] != "2020-09-01 20:00" {
		t.Errorf("POST body %v", body)
	}
	got, err := e.c.Schedules.Get(ctx, s.ID)
	if err != nil || got.Name != s.Name {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	later := start.Add(24 * time.Hour)
	upd, err := e.c.Schedules.Update(ctx, s.ID, cachet.ScheduleChanges{Status: new(cachet.ScheduleInProgress), ScheduledAt: &later})
	if err != nil || upd.Status != cachet.ScheduleInProgress || !upd.ScheduledAt.Equal(later) || upd.Name != "DB upgrade" {
		t.Fatalf("Update = %+v, %v", upd, err)
	}
	second, err := e.c.Schedules.Create(ctx, cachet.ScheduleCreate{Name: "Second", Status: cachet.ScheduleComplete, ScheduledAt: start.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	asc := collect(t, e.c.Schedules.List(ctx, cachet.ListOptions{Sort: "scheduled_at", Order: cachet.Ascending, PerPage: 1}))
	if len(asc) != 2 || asc[0].ID != second.ID || asc[1].ID != s.ID {
		t.Errorf("List ascending by scheduled_at = %v", ids(asc, func(s cachet.Schedule) int { return s.ID }))
	}
	if n, err := e.c.Schedules.Count(ctx); err != nil || n != 2 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if _, err := e.c.Schedules.Create(ctx, cachet.ScheduleCreate{Name: "No start"}); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("Create without ScheduledAt: %v", err)
	}
	if err := e.c.Schedules.Delete(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Schedules.Get(ctx, s.ID); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}

func TestSubscribers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var compIDs []int
	for _, name := range []string{"API", "Web"} {
		c, err := e.c.Components.Create(ctx, cachet.ComponentCreate{Name: name, Status: cachet.ComponentOperational})
		if err != nil {
			t.Fatal(err)
		}
		compIDs = append(compIDs, c.ID)
	}
	// The zero options verify the address at once, like cachet-client's
	// create(email, verify=True): no email goes out.
	all, err := e.c.Subscribers.Create(ctx, "all@example.com", cachet.SubscriberOptions{})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if all.Email != "all@example.com" || all.VerifyCode == "" || all.VerifiedAt.IsZero() || all.CreatedAt.IsZero() {
		t.Errorf("Create = %+v", all)
	}
	body := e.rec.requests("POST", "/subscribers")[0].bodyMap(t)
	if body["verify"] != true {
		t.Errorf("verify sent as %#v, want true", body["verify"])
	}
	if _, ok := body["components"]; ok {
		t.Error("components sent for a subscriber to everything")
	}
	one, err := e.c.Subscribers.Create(ctx, "api@example.com", cachet.SubscriberOptions{Components: compIDs[:1], SendVerificationEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Subscriptions) != 1 || one.Subscriptions[0].ComponentID != compIDs[0] {
		t.Errorf("Subscriptions = %+v", one.Subscriptions)
	}
	body = e.rec.requests("POST", "/subscribers")[1].bodyMap(t)
	if comps, ok := body["components"].([]any); !ok || len(comps) != 1 || comps[0] != json.Number(itoa(compIDs[0])) {
		t.Errorf("components sent as %#v", body["components"])
	}
	if v, ok := body["verify"]; !ok || v != false {
		t.Errorf("verify sent as %#v with SendVerificationEmail, want false (present: the site setting must not decide)", v)
	}

	// A duplicate email returns the existing subscriber.
	dup, err := e.c.Subscribers.Create(ctx, "api@example.com", cachet.SubscriberOptions{})
	if err != nil || dup.ID != one.ID {
		t.Errorf("duplicate Create = %+v, %v; want subscriber %d", dup, err, one.ID)
	}

	n, err := e.c.Subscribers.Count(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	listed := ids(collect(t, e.c.Subscribers.List(ctx, cachet.ListOptions{PerPage: 1})), func(s cachet.Subscriber) int { return s.ID })
	if !slices.Equal(sortedCopy(listed), sortedCopy([]int{all.ID, one.ID})) {
		t.Errorf("List = %v", listed)
	}
	for _, err := range e.c.Subscribers.List(ctx, cachet.ListOptions{Order: cachet.Ascending}) {
		if !errors.Is(err, facade.ErrValidation) {
			t.Errorf("ordering subscribers: %v", err)
		}
		break
	}

	if err := e.c.Subscriptions.Delete(ctx, one.Subscriptions[0].ID); err != nil {
		t.Fatalf("Subscriptions.Delete: %v", err)
	}
	if err := e.c.Subscriptions.Delete(ctx, one.Subscriptions[0].ID); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("second Subscriptions.Delete: %v", err)
	}
	if err := e.c.Subscribers.Delete(ctx, all.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.c.Subscribers.Count(ctx); n != 1 {
		t.Errorf("Count after Delete = %d", n)
	}
}

// A malformed address is refused before sending, as an argument error
// rather than a failed call; so is a display name, which the generated
// model would drop without a word.
func TestSubscriberEmailChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, email := range []string{"", "not-an-email", "ops@", "Ops <ops@example.com>", "<ops@example.com>", " ops@example.com", "a@example.com, b@example.com"} {
		s, err := e.c.Subscribers.Create(ctx, email, cachet.SubscriberOptions{})
		var arg *facade.ArgumentError
		if !errors.As(err, &arg) || !errors.Is(err, facade.ErrValidation) || s != nil {
			t.Errorf("Create(%q) = %+v, %v; want an *ArgumentError matching ErrValidation", email, s, err)
			continue
		}
		if arg.Operation != "Subscribers.Create" || arg.Argument != "email" || !strings.Contains(arg.Reason, email) {
			t.Errorf("Create(%q): %+v", email, arg)
		}
	}
	if n := len(e.rec.requests("", "")); n != 0 {
		t.Errorf("%d requests sent for malformed addresses", n)
	}
	if _, err := e.c.Subscribers.Create(ctx, "first.last+tag@sub.example.com", cachet.SubscriberOptions{}); err != nil {
		t.Errorf("a plain address with a tag: %v", err)
	}
}

// verify is always sent, so the site's "skip subscriber verification"
// setting never decides: SendVerificationEmail gets its email either way.
func TestSkipVerificationSetting(t *testing.T) {
	for _, skip := range []bool{false, true} {
		var opts []cachettest.Option
		if skip {
			opts = append(opts, cachettest.WithSkipSubscriberVerification())
		}
		e := newEnv(t, opts...)
		for _, send := range []bool{false, true} {
			s, err := e.c.Subscribers.Create(context.Background(), fmt.Sprintf("x%v@example.com", send), cachet.SubscriberOptions{SendVerificationEmail: send})
			if err != nil || s.VerifiedAt.IsZero() {
				t.Errorf("skip %v, send %v: Create = %+v, %v", skip, send, s, err)
			}
		}
		reqs := e.rec.requests("POST", "/subscribers")
		if len(reqs) != 2 || reqs[0].bodyMap(t)["verify"] != true || reqs[1].bodyMap(t)["verify"] != false {
			t.Errorf("skip %v: verify not sent as true, then false: %d requests", skip, len(reqs))
		}
	}
}
