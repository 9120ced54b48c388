package spacestudio_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
	"github.com/switchboard-go/switchboard/gen/spacestudioapi"
)

// clock is a settable clock shared by an emulator and a client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup starts an emulator and connects a client whose every request and
// response is checked against the spec.
func setup(t *testing.T, srvOpts []spacestudiotest.Option, opts ...spacestudio.Option) (*spacestudiotest.Server, *spacestudio.Client) {
	t.Helper()
	srv := spacestudiotest.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	c, err := connectChecked(t, srv, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func connectChecked(t *testing.T, srv *spacestudiotest.Server, opts ...spacestudio.Option) (*spacestudio.Client, error) {
	t.Helper()
	spec := contract.Load(t, contract.DocJSON(t, spacestudioapi.GetSpecJSON), srv.URL)
	all := append([]spacestudio.Option{
		spacestudio.WithTokenURL(srv.TokenURL),
		spacestudio.WithHTTPOptions(facade.WithBaseTransport(spec.RoundTripper(nil)), facade.WithRetry(0, 0, 0)),
	}, opts...)
	return spacestudio.Connect(context.Background(), srv.URL, srv.Mail, srv.Password, srv.ClientID, all...)
}

// check fails the test on err, else returns v: check(f())(t).
func check[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
