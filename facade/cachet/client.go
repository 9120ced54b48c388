package cachet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// platform names Cachet in errors and logs.
const platform = "cachet"

// Environment variables read by [NewFromEnv], the same as cachet-client's.
const (
	EnvEndpoint = "CACHET_ENDPOINT"
	EnvToken    = "CACHET_API_TOKEN"
)

// tokenHeader carries the API token of a dashboard user.
const tokenHeader = "X-Cachet-Token"

// Sentinels for errors.Is on the [*facade.ConfigError] that New returns.
var (
	// ErrNoEndpoint: no endpoint was given (or CACHET_ENDPOINT is unset).
	ErrNoEndpoint = errors.New("no Cachet API endpoint")
	// ErrInvalidEndpoint: the endpoint is not an absolute http(s) URL
	// ending in /v1.
	ErrInvalidEndpoint = errors.New("invalid Cachet API endpoint")
	// ErrInvalidTimeZone: the zone has no IANA name the server knows.
	ErrInvalidTimeZone = errors.New("invalid time zone")
)

// Client talks to one Cachet site through its API v1. It is safe for
// concurrent use; build it once and share it.
//
// The managers are the entry points, one per kind of object:
//
//	c.Components.Get(ctx, 1)
//	for inc, err := range c.Incidents.List(ctx, cachet.IncidentListOptions{}) { … }
type Client struct {
	// Components manages the services shown on the page.
	Components *ComponentManager
	// ComponentGroups manages the groups components are shown in.
	ComponentGroups *ComponentGroupManager
	// Incidents manages reported problems.
	Incidents *IncidentManager
	// IncidentUpdates manages the follow-ups of an incident (2.4).
	IncidentUpdates *IncidentUpdateManager
	// IncidentTemplates reads the dashboard's incident templates (2.4).
	IncidentTemplates *IncidentTemplateManager
	// Metrics manages the charts.
	Metrics *MetricManager
	// MetricPoints manages the values of a metric.
	MetricPoints *MetricPointManager
	// Schedules manages maintenance windows (2.4).
	Schedules *ScheduleManager
	// Subscribers manages email subscribers; every call needs a token.
	Subscribers *SubscriberManager
	// Subscriptions removes single subscriber-component links.
	Subscriptions *SubscriptionManager

	endpoint string
	http     *http.Client
	api      *cachetapi.Client
	scrub    *redact.Scrubber
	loc      *time.Location
	// pager is how List walks pages, from the client's options
	// (prefetching, re-fetches of a garbled page).
	pager paging.Policy
}

// New returns a client for the API at endpoint, the site URL followed by
// "/api/v1" (e.g. "https://status.example.com/api/v1", without a trailing
// slash, as cachet-client requires too: the stock web server rules
// redirect URLs ending in "/", which turns a POST into a GET).
//
// token is the API token of a dashboard user, sent as X-Cachet-Token to
// the endpoint's host only. An empty token makes a guest client: it can
// read what the public status page shows (ping, version, status,
// components, public groups and incidents, metrics, schedules), every
// write and the subscriber list answer 401 (facade.ErrUnauthorized).
//
// opts are the HTTP settings shared by every Switchboard platform
// (timeouts, retries, logging, TLS). Certificate checks can only be
// turned off with facade.WithInsecureSkipVerify(), by name in the code;
// there is deliberately no environment variable for it.
//
// The client reads and writes times in UTC and says so to the server with
// the Time-Zone header, so time.Time values are right whatever the site's
// zone; see [Client.WithTimeZone] to use another zone.
func New(endpoint, token string, opts ...facade.Option) (*Client, error) {
	return newClient("endpoint", endpoint, token, opts)
}

// NewFromEnv is [New] with the endpoint and token read from the
// environment, the variables cachet-client reads:
//
//	CACHET_ENDPOINT    the API endpoint, ending in /api/v1 (required)
//	CACHET_API_TOKEN   a dashboard user's API token (unset: guest client)
//
// TLS verification cannot be turned off from the environment; pass
// facade.WithInsecureSkipVerify() explicitly if you must.
func NewFromEnv(opts ...facade.Option) (*Client, error) {
	return newClient(EnvEndpoint, os.Getenv(EnvEndpoint), os.Getenv(EnvToken), opts)
}

func newClient(setting, endpoint, token string, opts []facade.Option) (*Client, error) {
	if err := validateEndpoint(setting, endpoint); err != nil {
		return nil, err
	}
	cfg := transport.Config{
		Platform: platform,
		BaseURL:  endpoint,
		Options:  facade.NewOptions(opts...),
	}
	if token != "" {
		cfg.Credentials = transport.HeaderCredential{Name: tokenHeader, Value: token}
		cfg.Secrets = []string{token}
	}
	hc, scrub, err := transport.NewClient(cfg)
	if err != nil {
		return nil, optionsError(cfg.Options, err)
	}
	return build(endpoint, hc, scrub, time.UTC, paging.PolicyOf(cfg.Options))
}

// optionsError reports HTTP options the transport refused as the
// configuration mistake they are. The endpoint was checked before, so
// what fails is a TLS setting: a CA certificate file that cannot be read
// or holds no certificate, or TLS options on a base transport that is not
// an *http.Transport.
func optionsError(o facade.Options, err error) error {
	ce := &facade.ConfigError{Platform: platform, Setting: "HTTP options", Err: err}
	_, plain := o.BaseTransport.(*http.Transport)
	tlsOpts := o.CACertFile != "" || o.InsecureSkipVerify
	var pathErr *fs.PathError
	switch {
	case tlsOpts && o.BaseTransport != nil && !plain:
		ce.Setting = "TLS options"
		ce.Reason = fmt.Sprintf("facade.WithCACertFile and facade.WithInsecureSkipVerify need the base transport to be an *http.Transport, not %T", o.BaseTransport)
	case o.CACertFile != "" && errors.As(err, &pathErr):
		ce.Setting, ce.Value = "CA certificate file", o.CACertFile
		ce.Reason = "cannot be read: " + pathErr.Err.Error()
	case o.CACertFile != "":
		ce.Setting, ce.Value = "CA certificate file", o.CACertFile
		if strings.Contains(err.Error(), "no PEM certificate") {
			ce.Reason = "holds no PEM certificate"
		} // else Err explains
	}
	return ce
}

// validateEndpoint applies cachet-client's rule (the endpoint ends in /v1,
// which also gives the API version) plus what a Go URL needs.
func validateEndpoint(setting, endpoint string) error {
	if strings.TrimSpace(endpoint) == "" {
		return &facade.ConfigError{Platform: platform, Setting: setting, Reason: "no Cachet API endpoint given (e.g. https://status.example.com/api/v1)", Err: ErrNoEndpoint}
	}
	bad := func(reason string) error {
		return &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(endpoint), Reason: reason, Err: ErrInvalidEndpoint}
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return bad("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("must be an absolute http or https URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return bad("must not carry a query or a fragment")
	}
	if strings.HasSuffix(u.Path, "/v1/") {
		return bad("must not end with a slash: Cachet's web server redirects such URLs, turning writes into reads; remove the trailing /")
	}
	if !strings.HasSuffix(u.Path, "/v1") {
		return bad("must end with /v1, the only API version Cachet 2.x serves (e.g. https://status.example.com/api/v1)")
	}
	return nil
}

// build wires the generated client and the managers around an HTTP
// client; WithTimeZone calls it again to share the connection pool.
func build(endpoint string, hc *http.Client, scrub *redact.Scrubber, loc *time.Location, pager paging.Policy) (*Client, error) {
	c := &Client{endpoint: endpoint, http: hc, scrub: scrub, loc: loc, pager: pager}
	// Every request of this client shares these values.
	jsonValue, zoneValue := transport.SharedValue("application/json"), transport.SharedValue(loc.String())
	api, err := cachetapi.NewClient(endpoint,
		cachetapi.WithHTTPClient(hc),
		cachetapi.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			// Cachet answers 406 to requests that do not accept JSON.
			req.Header["Accept"] = jsonValue
			// On bodyless requests too: cachet-client sends it on every
			// request (a session header), so servers have always seen it.
			if req.Header.Get("Content-Type") == "" {
				req.Header["Content-Type"] = jsonValue
			}
			req.Header["Time-Zone"] = zoneValue
			return nil
		}))
	if err != nil { // the endpoint was validated: not expected
		return nil, &facade.ConfigError{Platform: platform, Setting: "endpoint", Value: redact.URL(endpoint), Err: err}
	}
	c.api = api
	c.Components = &ComponentManager{c: c}
	c.ComponentGroups = &ComponentGroupManager{c: c}
	c.Incidents = &IncidentManager{c: c}
	c.IncidentUpdates = &IncidentUpdateManager{c: c}
	c.IncidentTemplates = &IncidentTemplateManager{c: c}
	c.Metrics = &MetricManager{c: c}
	c.MetricPoints = &MetricPointManager{c: c}
	c.Schedules = &ScheduleManager{c: c}
	c.Subscribers = &SubscriberManager{c: c}
	c.Subscriptions = &SubscriptionManager{c: c}
	return c, nil
}

// WithTimeZone returns a client that works in loc: it sends loc's name in
// the Time-Zone header, so the server reads the dates it is given and
// formats the dates it returns in that zone, and it places the time.Time
// values it returns in loc. The two clients share their connections.
//
// The default, UTC, is right for almost every use: instants are the same
// in every zone. Use a site's own zone when its Cachet ignores the header
// (2.3), or to get times back in the zone the status page shows. loc must
// have an IANA name ("Europe/Paris"): time.Local and fixed zones are
// refused, as the server would not know them.
func (c *Client) WithTimeZone(loc *time.Location) (*Client, error) {
	if loc == nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: "time zone", Reason: "nil location", Err: ErrInvalidTimeZone}
	}
	name := loc.String()
	if name == "Local" || name == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "time zone", Value: name, Reason: "the local zone has no name the server knows; use time.LoadLocation with an IANA name", Err: ErrInvalidTimeZone}
	}
	if _, err := time.LoadLocation(name); err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: "time zone", Value: name, Reason: "not an IANA time zone name", Err: ErrInvalidTimeZone}
	}
	return build(c.endpoint, c.http, c.scrub, loc, c.pager)
}

// Endpoint returns the API endpoint the client was built with.
func (c *Client) Endpoint() string { return c.endpoint }

// APIVersion returns the API version, derived from the endpoint as
// cachet-client does; Cachet 2.x only has version "1".
func (c *Client) APIVersion() string { return "1" }

// TimeZone returns the zone the client reads and writes times in.
func (c *Client) TimeZone() *time.Location { return c.loc }

// Ping checks that the API answers: it returns nil only when the server
// answered "Pong!", so a proxy's placeholder page does not pass for a
// working Cachet. It needs no token.
func (c *Client) Ping(ctx context.Context) error {
	const op = "Ping"
	resp, err := c.api.Ping(ctx)
	pong, err := wire.Decode[cachetapi.Pong](c.call(op), resp, err)
	if err != nil {
		return err
	}
	if pong.Data != "Pong!" {
		return c.decodeError(op, resp, fmt.Errorf("expected \"Pong!\", got %q", redact.Truncate(pong.Data, 64)))
	}
	return nil
}

// Version returns the Cachet version. The server asks GitHub for the
// latest release to fill Latest and OnLatest; a server without Internet
// access answers 500 here, which says nothing about its health: use Ping
// for that.
func (c *Client) Version(ctx context.Context) (*Version, error) {
	const op = "GetVersion"
	resp, err := c.api.GetVersion(ctx)
	v, err := wire.Decode[cachetapi.VersionResponse](c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	if v.Data == "" {
		return nil, c.decodeError(op, resp, errors.New("data: no version"))
	}
	return &Version{
		Value:    v.Data,
		OnLatest: v.Meta.OnLatest,
		Latest: Release{
			TagName:    deref(v.Meta.Latest.TagName),
			Prerelease: deref(v.Meta.Latest.Prelease),
			Draft:      deref(v.Meta.Latest.Draft),
		},
	}, nil
}

// Status returns the site's overall state, the banner of the status page.
func (c *Client) Status(ctx context.Context) (*SystemStatus, error) {
	const op = "GetStatus"
	resp, err := c.api.GetStatus(ctx)
	s, err := wire.Decode[cachetapi.SystemStatusResponse](c.call(op), resp, err)
	if err != nil {
		return nil, err
	}
	if s.Data.Status == "" {
		return nil, c.decodeError(op, resp, errors.New("data.status: missing"))
	}
	return &SystemStatus{Level: SystemLevel(s.Data.Status), Message: s.Data.Message}, nil
}
