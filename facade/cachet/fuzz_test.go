package cachet_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
)

// The fuzz target answers every request of a real client with one server
// answer built from the fuzzer's input (status, Content-Type, extra
// headers, body) and drives the facade's real decoding path. Whatever the
// answer, a call must return a value or one of the documented error types,
// and the error must be short and free of the configured token.

// fuzzSecret is the token the fuzzed client is configured with; seeds make
// the "server" echo it in every place an answer can carry text.
const fuzzSecret = "tok-FUZZ-7f3a9c41e2"

// fuzzMaxError bounds an error string: an APIError's message and a
// DecodeError's excerpt are capped at 1 KiB, the rest is the request line.
const fuzzMaxError = 4 << 10

// fuzzBig in a fuzzed body stands for 8 KiB of text, so that the fuzzer
// can try huge fields (names, dates, messages) without huge inputs, and an
// error quoting a field whole shows up as an unbounded message.
const fuzzBig = "%BIG%"

var fuzzBigText = strings.Repeat("x", 8<<10)

// fuzzAnswer is the server answer the fuzzer chose.
type fuzzAnswer struct {
	status int
	header http.Header
	body   []byte
}

func newFuzzAnswer(status int, contentType, headers, body string) fuzzAnswer {
	// Keep to final statuses: 1xx are never handed to a client, and a
	// status outside 200..599 is not an HTTP answer.
	if status < 200 || status > 599 {
		status = 200 + (max(status, -status)%400+400)%400
	}
	h := http.Header{}
	for line := range strings.SplitSeq(headers, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k != "" {
			h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	b := []byte(body)
	// At most four expansions: enough to make every field of a body huge.
	b = bytes.Replace(b, []byte(fuzzBig), []byte(fuzzBigText), 4)
	return fuzzAnswer{status: status, header: h, body: b}
}

// fuzzTransport gives the same answer to every request, up to a budget per
// operation; past it the "network" fails, so that a list the answer makes
// endless still ends (with a *facade.TransportError).
type fuzzTransport struct {
	answer fuzzAnswer
	mu     sync.Mutex
	left   int
}

func (rt *fuzzTransport) reset(budget int) {
	rt.mu.Lock()
	rt.left = budget
	rt.mu.Unlock()
}

func (rt *fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	rt.mu.Lock()
	rt.left--
	out := rt.left < 0
	rt.mu.Unlock()
	if out {
		return nil, errors.New("fuzz: request budget spent")
	}
	return &http.Response{
		StatusCode:    rt.answer.status,
		Status:        http.StatusText(rt.answer.status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rt.answer.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(rt.answer.body)),
		ContentLength: int64(len(rt.answer.body)),
		Request:       req,
	}, nil
}

// fuzzCheckErr fails on an error of an undocumented type, a long error
// string or one quoting the secret. The secret is never printed.
func fuzzCheckErr(t *testing.T, op string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	hide := func(s string) string { return strings.ReplaceAll(s, fuzzSecret, "<SECRET>") }
	msg := err.Error()
	if len(msg) > fuzzMaxError {
		t.Fatalf("%s: error string of %d bytes (max %d): %.300s…", op, len(msg), fuzzMaxError, hide(msg))
	}
	var (
		apiErr *facade.APIError
		decErr *facade.DecodeError
		trErr  *facade.TransportError
		argErr *facade.ArgumentError
	)
	var fields []string
	switch {
	case errors.As(err, &apiErr):
		fields = []string{apiErr.Message, apiErr.Body, apiErr.URL}
	case errors.As(err, &decErr):
		fields = []string{decErr.Body, decErr.URL}
	case errors.As(err, &trErr):
		fields = []string{trErr.URL}
	case errors.As(err, &argErr):
	case errors.Is(err, facade.ErrNotFound):
		// IncidentUpdates.Get documents this one: the update the server
		// returned belongs to another incident.
	default:
		t.Fatalf("%s: error of undocumented type %T: %s", op, err, hide(msg))
	}
	for _, s := range append(fields, msg) {
		if strings.Contains(s, fuzzSecret) {
			t.Fatalf("%s: the token leaked into the error: %s", op, hide(s))
		}
		if len(s) > fuzzMaxError {
			t.Fatalf("%s: error field of %d bytes", op, len(s))
		}
	}
}

// fuzzDrain reads at most limit items of a list.
func fuzzDrain[T any](seq iter.Seq2[T, error], limit int) error {
	n := 0
	for _, err := range seq {
		if err != nil {
			return err
		}
		if n++; n >= limit {
			break
		}
	}
	return nil
}

// fuzzCheckOne checks a call returning a pointer: a value or an error.
func fuzzCheckOne[T any](t *testing.T, op string, v *T, err error) {
	t.Helper()
	if err == nil && v == nil {
		t.Fatalf("%s: nil result without an error", op)
	}
	fuzzCheckErr(t, op, err)
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
	f.Add(200, js, "", `{"data":{"id":1,"name":"`+fuzzBig+`","status":1,"created_at":"`+fuzzBig+`","updated_at":`+date+`,"tags":[]}}`)
	f.Add(200, js, "", `{"data":{"id":1,"name":"API","status":1,"created_at":"01/05/2024 12:00","updated_at":`+date+`,"tags":["x"]}}`)
	f.Add(200, js, "", `{"data":"`+fuzzBig+`"}`)
	f.Add(200, js, "", `{"data":`+component+`} trailing`)
	f.Add(200, js, "", `null`)
	f.Add(200, js, "", ``)
	f.Add(200, js, "", `{"data":[{"id":1,"name":"EC`)
	f.Add(200, "text/html; charset=utf-8", "", `<html><body>Please log in</body></html>`)
	f.Add(204, "", "", ``)
	f.Add(404, js, "X-Request-Id: req-1", `{"errors":[{"status":404,"title":"Not Found","detail":"The requested resource could not be found."}]}`)
	f.Add(401, js, "", `{"errors":[{"status":401,"title":"Unauthorized","detail":"bad token `+fuzzSecret+`"}]}`)
	f.Add(400, js, "", `{"errors":[{"status":400,"title":"Bad Request","detail":"The request cannot be fulfilled.","meta":{"details":["The name field is required.","token `+fuzzSecret+`"]}}]}`)
	f.Add(422, js, "", `{"errors":[{"detail":"`+fuzzBig+`","meta":{"details":["`+fuzzBig+`"]}}]}`)
	f.Add(500, "text/html", "", `<html><head><title>500</title></head><body>`+fuzzSecret+" "+fuzzBig+`</body></html>`)
	f.Add(502, "text/plain", "", "Bad Gateway")
	f.Add(429, js, "Retry-After: 1", `{"errors":[{"status":429,"detail":"Too Many Attempts."}]}`)
	f.Add(301, js, "Location: https://elsewhere.example.net/api/v1/components/1", ``)
	f.Add(302, "", "Location: /api/v1/ping?token="+fuzzSecret, ``)

	f.Fuzz(func(t *testing.T, status int, contentType, headers, body string) {
		rt := &fuzzTransport{answer: newFuzzAnswer(status, contentType, headers, body)}
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
			{"Components.List", func() error { return fuzzDrain(c.Components.List(ctx, cachet.ComponentListOptions{}), 50) }},
			{"Components.List filtered", func() error {
				name := "API"
				return fuzzDrain(c.Components.List(ctx, cachet.ComponentListOptions{Name: &name}), 50)
			}},
			{"Components.Count", func() error { _, err := c.Components.Count(ctx, cachet.ComponentListOptions{}); return err }},
			{"Incidents.List ascending", func() error {
				return fuzzDrain(c.Incidents.List(ctx, cachet.IncidentListOptions{ListOptions: asc}), 50)
			}},
			{"ComponentGroups.List", func() error {
				return fuzzDrain(c.ComponentGroups.List(ctx, cachet.ComponentGroupListOptions{}), 50)
			}},
			{"Metrics.List", func() error { return fuzzDrain(c.Metrics.List(ctx, cachet.ListOptions{}), 50) }},
			{"MetricPoints.List", func() error {
				return fuzzDrain(c.MetricPoints.List(ctx, 1, cachet.ListOptions{Order: cachet.Ascending}), 50)
			}},
			{"Schedules.List", func() error { return fuzzDrain(c.Schedules.List(ctx, cachet.ListOptions{}), 50) }},
			{"Subscribers.List", func() error { return fuzzDrain(c.Subscribers.List(ctx, cachet.ListOptions{}), 50) }},
			{"IncidentUpdates.List", func() error { return fuzzDrain(c.IncidentUpdates.List(ctx, 1, cachet.ListOptions{}), 50) }},
			{"IncidentTemplates.List", func() error { return fuzzDrain(c.IncidentTemplates.List(ctx, cachet.ListOptions{}), 50) }},
		}
		for _, op := range ops {
			rt.reset(12)
			fuzzCheckErr(t, op.name, op.run())
		}
	})
}
