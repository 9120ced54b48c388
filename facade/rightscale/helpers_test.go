package rightscale_test

import (
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// newServer starts an emulator with the demo data and fast tasks.
func newServer(t *testing.T, opts ...rightscaletest.Option) *rightscaletest.Server {
	t.Helper()
	opts = append([]rightscaletest.Option{rightscaletest.WithDemoData(), rightscaletest.WithTaskPolls(2)}, opts...)
	srv := rightscaletest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns a client of srv whose every request and response is
// checked against the spec.
func newClient(t *testing.T, srv *rightscaletest.Server, opts ...facade.Option) *rightscale.Client {
	t.Helper()
	spec := contract.Load(t, contract.DocJSON(t, rightscaleapi.GetSpecJSON), srv.URL)
	opts = append([]facade.Option{facade.WithBaseTransport(spec.RoundTripper(nil))}, opts...)
	c, err := rightscale.New(srv.URL, srv.RefreshToken, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
