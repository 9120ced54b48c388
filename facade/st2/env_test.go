package st2_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
	"github.com/switchboard-go/switchboard/gen/st2api"
	"github.com/switchboard-go/switchboard/gen/st2authapi"
	"github.com/switchboard-go/switchboard/gen/st2streamapi"
)

// byPrefix sends each request through the contract checker of the service
// its URL belongs to.
type byPrefix struct {
	routes []prefixRoute
	next   http.RoundTripper
}

type prefixRoute struct {
	prefix string
	rt     http.RoundTripper
}

func (b *byPrefix) RoundTrip(req *http.Request) (*http.Response, error) {
	u := req.URL.String()
	for _, r := range b.routes {
		if strings.HasPrefix(u, r.prefix+"/") || u == r.prefix {
			return r.rt.RoundTrip(req)
		}
	}
	return b.next.RoundTrip(req)
}

// loadSpec parses a spec embedded in a generated client. (The st2 clients
// embed only the raw JSON, so that the st2 binary does not link kin-openapi.)
func loadSpec(raw func() ([]byte, error)) (*openapi3.T, error) {
	data, err := raw()
	if err != nil {
		return nil, err
	}
	return openapi3.NewLoader().LoadFromData(data)
}

// contractTransport validates the traffic to srv's three services against
// the three specs.
func contractTransport(t *testing.T, srv *st2test.Server) http.RoundTripper {
	t.Helper()
	next := srv.Client().Transport
	authDoc, err := loadSpec(st2authapi.GetSpecJSON)
	if err != nil {
		t.Fatal(err)
	}
	apiDoc, err := loadSpec(st2api.GetSpecJSON)
	if err != nil {
		t.Fatal(err)
	}
	streamDoc, err := loadSpec(st2streamapi.GetSpecJSON)
	if err != nil {
		t.Fatal(err)
	}
	return &byPrefix{next: next, routes: []prefixRoute{
		{srv.AuthURL, contract.Load(t, authDoc, srv.AuthURL).RoundTripper(next)},
		{srv.APIURL, contract.Load(t, apiDoc, srv.APIURL).RoundTripper(next)},
		{srv.StreamURL, contract.Load(t, streamDoc, srv.StreamURL).RoundTripper(next)},
	}}
}

// newServer starts an emulator for the test.
func newServer(t *testing.T, opts ...st2test.Option) *st2test.Server {
	t.Helper()
	srv := st2test.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// endpoints is the part of a Config naming srv's services.
func endpoints(srv *st2test.Server) st2.Config {
	return st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, TokenCacheDir: "", SkipConfig: true}
}

// newClient builds a contract-checked client of srv with cfg's
// credentials (an API key when cfg has none).
func newClient(t *testing.T, srv *st2test.Server, cfg st2.Config, opts ...facade.Option) *st2.Client {
	t.Helper()
	e := endpoints(srv)
	cfg.AuthURL, cfg.APIURL, cfg.StreamURL = e.AuthURL, e.APIURL, e.StreamURL
	if cfg.Token == "" && cfg.APIKey == "" && cfg.Username == "" {
		cfg.APIKey = srv.APIKey
	}
	if cfg.TokenCacheDir == "" {
		cfg.TokenCacheDir = t.TempDir()
	}
	all := append([]facade.Option{facade.WithBaseTransport(contractTransport(t, srv)), facade.WithRetry(0, 0, 0)}, opts...)
	c, err := st2.New(cfg, all...)
	if err != nil {
		t.Fatalf("st2.New: %v", err)
	}
	return c
}
