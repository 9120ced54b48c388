package fault_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/fault"
)

const payload = `{"items":[1,2,3,4,5,6,7,8,9,10],"total":10}`

func setup(t *testing.T) (*fault.Injector, *httptest.Server, *atomic.Int32) {
	t.Helper()
	var reached atomic.Int32
	inj := fault.New(1, func(status int) (string, []byte) {
		return "application/json", []byte(`{"faultstring":"` + http.StatusText(status) + `"}`)
	})
	srv := httptest.NewServer(inj.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, payload)
	})))
	t.Cleanup(srv.Close)
	return inj, srv, &reached
}

func get(t *testing.T, ctx context.Context, url string) (int, http.Header, []byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

func TestKinds(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		f       fault.Fault
		check   func(t *testing.T, code int, h http.Header, body []byte, err error)
		reaches bool
	}{
		{fault.Fault{Kind: fault.Status, Status: 502}, func(t *testing.T, code int, _ http.Header, body []byte, err error) {
			if err != nil || code != 502 || !strings.Contains(string(body), "faultstring") {
				t.Fatalf("%d %s %v", code, body, err)
			}
		}, false},
		{fault.Fault{Kind: fault.RateLimit, RetryAfter: 1500 * time.Millisecond}, func(t *testing.T, code int, h http.Header, _ []byte, err error) {
			if err != nil || code != 429 || h.Get("Retry-After") != "2" {
				t.Fatalf("%d Retry-After %q %v", code, h.Get("Retry-After"), err)
			}
		}, false},
		{fault.Fault{Kind: fault.HTML}, func(t *testing.T, code int, h http.Header, body []byte, err error) {
			if err != nil || code != 502 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html>") {
				t.Fatalf("%d %s %v", code, body, err)
			}
		}, false},
		{fault.Fault{Kind: fault.Malformed}, func(t *testing.T, code int, _ http.Header, body []byte, err error) {
			if err != nil || code != 200 || json.Valid(body) {
				t.Fatalf("%d %q %v: want a 200 whose body is not JSON", code, body, err)
			}
		}, false},
		{fault.Fault{Kind: fault.Truncate}, func(t *testing.T, code int, _ http.Header, body []byte, err error) {
			if err != nil || code != 200 || json.Valid(body) || !strings.HasPrefix(payload, string(body)) || len(body) == 0 {
				t.Fatalf("%d %q %v: want a well-formed message with half the JSON", code, body, err)
			}
		}, true},
		{fault.Fault{Kind: fault.Reset}, func(t *testing.T, code int, _ http.Header, body []byte, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) || code != 200 || !strings.HasPrefix(payload, string(body)) {
				t.Fatalf("%d %q %v: want the connection cut mid-body", code, body, err)
			}
		}, true},
	}
	for _, c := range cases {
		t.Run(c.f.Kind.String(), func(t *testing.T) {
			inj, srv, reached := setup(t)
			inj.FailNext(1, c.f)
			code, h, body, err := get(t, ctx, srv.URL)
			c.check(t, code, h, body, err)
			if got := reached.Load() == 1; got != c.reaches {
				t.Fatalf("request reached the emulator: %v, want %v", got, c.reaches)
			}
			if inj.Injected() != 1 {
				t.Fatalf("Injected() = %d", inj.Injected())
			}
			// The fault was consumed: the next request is served normally.
			if code, _, body, err := get(t, ctx, srv.URL); err != nil || code != 200 || string(body) != payload {
				t.Fatalf("after the fault: %d %q %v", code, body, err)
			}
		})
	}
}

func TestStallEndsWhenTheClientGivesUp(t *testing.T) {
	inj, srv, reached := setup(t)
	inj.FailNext(1, fault.Fault{Kind: fault.Stall, Stall: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, _, err := get(t, ctx, srv.URL); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the client's deadline", err)
	}
	if reached.Load() != 0 {
		t.Fatal("a stalled request reached the emulator")
	}
}

func TestPatternSelectsRequests(t *testing.T) {
	inj, srv, _ := setup(t)
	inj.FailNext(1, fault.Fault{Kind: fault.Status, Pattern: "GET /api/v1/executions"})
	if code, _, _, _ := get(t, context.Background(), srv.URL+"/api/v1/actions"); code != 200 {
		t.Fatalf("non-matching request failed with %d", code)
	}
	if code, _, _, _ := get(t, context.Background(), srv.URL+"/api/v1/executions/1"); code != 503 {
		t.Fatalf("matching request got %d, want 503", code)
	}
}

func TestRateIsSeededAndApproximate(t *testing.T) {
	run := func() []int {
		inj, srv, _ := setup(t)
		inj.SetRate(0.2, fault.Fault{Kind: fault.Status, Status: 500})
		var codes []int
		for range 500 {
			code, _, _, _ := get(t, context.Background(), srv.URL)
			codes = append(codes, code)
		}
		return codes
	}
	a, b := run(), run()
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d then %d; the same seed must fail the same requests", i, a[i], b[i])
		}
		if a[i] == 500 {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Fatalf("%d of 500 failed at rate 0.2", failed)
	}
}

func TestParseSpec(t *testing.T) {
	rate, mix, seed, err := fault.ParseSpec("rate=0.25,kinds=status+reset+html,seed=7")
	if err != nil || rate != 0.25 || seed != 7 || len(mix) != 3 || mix[1].Kind != fault.Reset {
		t.Fatalf("got %v %v %v %v", rate, mix, seed, err)
	}
	for _, bad := range []string{"rate=2", "rate", "kinds=explode", "colour=red", "seed=-1"} {
		if _, _, _, err := fault.ParseSpec(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestStatusFaultCarriesRetryAfter(t *testing.T) {
	inj, srv, _ := setup(t)
	inj.FailNext(1, fault.Fault{Kind: fault.Status, Status: 503, RetryAfter: 30 * time.Second})
	code, h, _, err := get(t, context.Background(), srv.URL)
	if err != nil || code != 503 || h.Get("Retry-After") != "30" {
		t.Fatalf("%d Retry-After %q %v", code, h.Get("Retry-After"), err)
	}
}

func TestStalledPostEndsWithItsClient(t *testing.T) {
	inj, srv, _ := setup(t)
	inj.FailNext(1, fault.Fault{Kind: fault.Stall, Stall: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(`{"name":"x"}`))
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled POST still holds the server after its client left")
	}
}
