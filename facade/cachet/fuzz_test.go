package cachet_test

import (
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/internal/fuzzanswer"
)

// The fuzz target answers every request of a real client with one server
// answer built from the fuzzer's input (status, Content-Type, extra
// headers, body) and drives the facade's real decoding path. Whatever the
// answer, a call must return a value or one of the documented error types,
// and the error must be short and free of the configured token.

// fuzzSecret is the token the fuzzed client is configured with; seeds make
// the "server" echo it in every place an answer can carry text.
const fuzzSecret = "tok-FUZZ-7f3a9c41e2"

// fuzzCheckOne checks a call returning a pointer: a value or an error of
// a documented type. IncidentUpdates.Get documents facade.ErrNotFound: the
// update the server returned belongs to another incident.
func fuzzCheckOne[T any](t *testing.T, op string, v *T, err error) {
	t.Helper()
	fuzzanswer.CheckOne(t, op, v, err, []string{fuzzSecret}, fuzzanswer.Is(facade.ErrNotFound))
}

func FuzzResponse(f *testing.F) {
	const js = "application/json"
	const date = `"2024-05-01 12:00:00"`
	component := `{"id":1,"name":"API","description":"","link":"","status":1,"status_name":"Operational","order":0,"group_id":0,"enabled":true,"meta":null,"created_at":` + date + `,"updated_at":` + date + `,"deleted_at":null,"tags":[]}`
	page := func(data string, totalPages int) string {
		return `{"meta":{"pagination":{"total":3,"count":1,"per_page":1,"current_page":1,"total_pages":` +
			string(rune('0'+totalPages)) + `,"links":{"next_page":null,"previous_page":null}}},"data":[` + data + `]}`
	}
	f.Add(200, js, "", `{"data":"Pong!"}`)
	f.Add(200, js, "", `{"data":`+component+`}`)
	f.Add(200, js, "", page(component, 1))
	f.Add(200, js, "", page(component, 3))
	f.Add(200, js, "", page("", 9))
	f.Add(200, js, "", `{"data":{"status":"success","message":"System operational"}}`)
	f.Add(200, js, "", `{"data":"2.4.1","meta":{"on_latest":true,"latest":{"tag_name":"v2.4.1","prelease":false,"draft":false}}}`)
	f.Add(200, js, "", `{"data":{"id":3,"name":"Down","status":2,"human_status":"Identified","visible":1,"stickied":false,"message":"m","created_at":`+date+`,"updated_at":`+date+`,"is_resolved":false,"updates":[]}}`)
	f.Add(200, js, "", `{"data":{"id":1,"name":"`+fuzzanswer.Big+`","status":1,"created_at":"`+fuzzanswer.Big+`","updated_at":`+date+`,"tags":[]}}`)
	f.Add(200, js, "", `{"data":{"id":1,"name":"API","status":1,"created_at":"01/05/2024 12:00","updated_at":`+date+`,"tags":["x"]}}`)
	f.Add(200, js, "", `{"data":"`+fuzzanswer.Big+`"}`)
	f.Add(200, js, "", `{"data":`+component+`} trailing`)
	f.Add(200, js, "", `null`)
	f.Add(200, js, "", ``)
	f.Add(200, js, "", `{"data":[{"id":1,"name":"EC`)
	f.Add(200, "text/html; charset=utf-8", "", `<html><body>Please log in</body></html>`)
	f.Add(204, "", "", ``)
	f.Add(404, js, "X-Request-Id: req-1", `{"errors":[{"status":404,"title":"Not Found","detail":"The requested resource could not be found."}]}`)
	f.Add(401, js, "", `{"errors":[{"status":401,"title":"Unauthorized","detail":"bad token `+fuzzSecret+`"}]}`)
	f.Add(400, js, "", `{"errors":[{"status":400,"title":"Bad Request","detail":"The request cannot be fulfilled.","meta":{"details":["The name field is required.","token `+fuzzSecret+`"]}}]}`)
	f.Add(422, js, "", `{"errors":[{"detail":"`+fuzzanswer.Big+`","meta":{"details":["`+fuzzanswer.Big+`"]}}]}`)
	f.Add(500, "text/html", "", `<html><head><title>500</title></head><body>`+fuzzSecret+" "+fuzzanswer.Big+`</body></html>`)
	f.Add(502, "text/plain", "", "Bad Gateway")
	f.Add(429, js, "Retry-After: 1", `{"errors":[{"status":429,"detail":"Too Many Attempts."}]}`)
	f.Add(301, js, "Location: https://elsewhere.example.net/api/v1/components/1", ``)
	f.Add(302, "", "Location: /api/v1/ping?token="+fuzzSecret, ``)

	f.Fuzz(func(t *testing.T, status int, contentType, headers, body string) {
		rt := &fuzzanswer.Transport{Answer: fuzzanswer.New(status, contentType, headers, body)}
		c, err := cachet.New("https://status.example.com/api/v1", fuzzSecret,
			facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		asc := cachet.ListOptions{Sort: "id", Order: cachet.Ascending}
		ops := []struct {
			name string
			run  func() error
		}{
			{"Ping", func() error { return c.Ping(ctx) }},
			{"Version", func() error { v, err := c.Version(ctx); fuzzCheckOne(t, "Version", v, err); return err }},
			{"Status", func() error { v, err := c.Status(ctx); fuzzCheckOne(t, "Status", v, err); return err }},
			{"Components.Get", func() error {
				v, err := c.Components.Get(ctx, 1)
				fuzzCheckOne(t, "Components.Get", v, err)
				return err
			}},
			{"ComponentGroups.Get", func() error {
				v, err := c.ComponentGroups.Get(ctx, 1)
				fuzzCheckOne(t, "ComponentGroups.Get", v, err)
				return err
			}},
			{"Incidents.Get", func() error { v, err := c.Incidents.Get(ctx, 1); fuzzCheckOne(t, "Incidents.Get", v, err); return err }},
			{"IncidentUpdates.Get", func() error {
				v, err := c.IncidentUpdates.Get(ctx, 1, 1)
				fuzzCheckOne(t, "IncidentUpdates.Get", v, err)
				return err
			}},
			{"IncidentTemplates.Get", func() error {
				v, err := c.IncidentTemplates.Get(ctx, 1)
				fuzzCheckOne(t, "IncidentTemplates.Get", v, err)
				return err
			}},
			{"Metrics.Get", func() error { v, err := c.Metrics.Get(ctx, 1); fuzzCheckOne(t, "Metrics.Get", v, err); return err }},
			{"Schedules.Get", func() error { v, err := c.Schedules.Get(ctx, 1); fuzzCheckOne(t, "Schedules.Get", v, err); return err }},
			{"Components.Create", func() error {
				v, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational})
				fuzzCheckOne(t, "Components.Create", v, err)
				return err
			}},
			{"Components.Delete", func() error { return c.Components.Delete(ctx, 1) }},
			{"Components.List", func() error { return fuzzanswer.Drain(c.Components.List(ctx, cachet.ComponentListOptions{}), 50) }},
			{"Components.List filtered", func() error {
				name := "API"
				return fuzzanswer.Drain(c.Components.List(ctx, cachet.ComponentListOptions{Name: &name}), 50)
			}},
			{"Components.Count", func() error { _, err := c.Components.Count(ctx, cachet.ComponentListOptions{}); return err }},
			{"Incidents.List ascending", func() error {
				return fuzzanswer.Drain(c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: asc}), 50)
			}},
			{"ComponentGroups.List", func() error {
				return fuzzanswer.Drain(c.ComponentGroups.List(ctx, cachet.ComponentGroupListOptions{}), 50)
			}},
			{"Metrics.List", func() error { return fuzzanswer.Drain(c.Metrics.List(ctx, cachet.ListOptions{}), 50) }},
			{"MetricPoints.List", func() error {
				return fuzzanswer.Drain(c.MetricPoints.List(ctx, 1, cachet.ListOptions{Order: cachet.Ascending}), 50)
			}},
			{"Schedules.List", func() error { return fuzzanswer.Drain(c.Schedules.List(ctx, cachet.ListOptions{}), 50) }},
			{"Subscribers.List", func() error { return fuzzanswer.Drain(c.Subscribers.List(ctx, cachet.ListOptions{}), 50) }},
			{"IncidentUpdates.List", func() error { return fuzzanswer.Drain(c.IncidentUpdates.List(ctx, 1, cachet.ListOptions{}), 50) }},
			{"IncidentTemplates.List", func() error { return fuzzanswer.Drain(c.IncidentTemplates.List(ctx, cachet.ListOptions{}), 50) }},
		}
		for _, op := range ops {
			rt.Reset(12)
			fuzzanswer.CheckError(t, op.name, op.run(), []string{fuzzSecret}, fuzzanswer.Is(facade.ErrNotFound))
		}
	})
}
