package spacestudio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/spacestudioapi"
)

// platform names spacestudio in errors and logs.
const platform = "spacestudio"

// DefaultTokenURL is the OpenID Connect token endpoint of Exotrail's
// Keycloak realm spacestudio-users, the one the Python package hard-codes.
// [WithTokenURL] (or SPACESTUDIO_TOKEN_URL) replaces it, e.g. to reach an
// emulator.
const DefaultTokenURL = "https://auth.exotrail.space/realms/spacestudio-users/protocol/openid-connect/token"

// TokenPath is the path of the token endpoint in the realm, which the
// emulator serves beside the API.
const TokenPath = "/realms/spacestudio-users/protocol/openid-connect/token"

// Sentinels for errors.Is on the [*facade.ConfigError] that Connect returns.
var (
	// ErrNoBaseURL: no base URL was given (or LOG_BASE_URL is unset).
	ErrNoBaseURL = errors.New("no spacestudio base URL")
	// ErrInvalidURL: the base URL or token URL is not an absolute http(s)
	// URL without query or fragment.
	ErrInvalidURL = errors.New("invalid spacestudio URL")
	// ErrMissingCredentials: the e-mail, password or client id is empty.
	ErrMissingCredentials = errors.New("missing spacestudio credentials")
)

// Option tunes [Connect] and [ConnectFromEnv].
type Option func(*config)

type config struct {
	tokenURL string
	http     []facade.Option
	now      func() time.Time
	margin   time.Duration
	envFile  string
	envSet   bool
}

// WithTokenURL replaces [DefaultTokenURL], the Keycloak endpoint the login
// and the token refreshes are sent to.
func WithTokenURL(u string) Option { return func(c *config) { c.tokenURL = u } }

// WithHTTPOptions passes the HTTP settings every Switchboard platform takes
// (timeout, retries, logging, TLS); they apply to the API and to the token
// endpoint alike.
func WithHTTPOptions(opts ...facade.Option) Option {
	return func(c *config) { c.http = append(c.http, opts...) }
}

// WithClock replaces time.Now for the token's expiry, for tests that move
// across it.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithRenewMargin renews the access token this long before it expires
// (default 30 seconds; Keycloak's default access token lives five minutes).
func WithRenewMargin(d time.Duration) Option {
	return func(c *config) {
		if d >= 0 {
			c.margin = d
		}
	}
}

// Client talks to the spacestudio scripting API as one user. It is safe for
// concurrent use; build it once and share it. Its access token is renewed
// before it expires (refresh grant) and after the server rejects it (a new
// login), one renewal at a time however many goroutines share the client.
type Client struct {
	// Simulation module.
	Antennas             *Objects
	Batteries            *Objects
	ZonesOfInterest      *Objects
	Orbits               *Objects
	Spacecraft           *Objects
	SpacecraftGeometries *Objects
	PropulsionSystems    *Objects
	SimulationMissions   *SimulationMissions

	// Parametric-study module.
	ParametricPropulsionSystems *Objects
	ParametricOrbits            *Objects
	ParametricSpacecraft        *Objects
	ReactionWheels              *Objects
	MagneticTorquers            *Objects
	ParametricMissions          *Missions

	// Constellation module.
	GroundStations                  *Objects
	Payloads                        *Objects
	EarthMeshes                     *Objects
	SubConstellations               *Objects
	Constellations                  *Objects
	PointsOfInterest                *Objects
	PerformanceAnalysisMissions     *Missions
	OptimizationMissions            *Missions
	GenerationMissions              *Missions
	ConstellationSimulationMissions *Missions

	// Deployment, formation-flying and inspection modules.
	Launches                *Objects
	DeploymentMissions      *Missions
	FormationFlyingMissions *Missions
	InspectionMissions      *Missions

	// Files downloads the files the server keeps in GridFS.
	Files *Files

	baseURL  string
	tokenURL string
	userID   string
	api      *spacestudioapi.Client
	scrub    *redact.Scrubber
	src      *auth.Source
	// pager is how List reads its one answer: re-fetches of a garbled
	// one follow the options' retries.
	pager    paging.Policy
	objects  map[string]*Objects
	missions map[string]*Missions
}

// Connect logs in as mail with password through the OpenID Connect password
// grant of Exotrail's Keycloak realm (a public client: clientID, no
// secret), looks the user up with GET {baseURL}/exoops/users/infos and
// returns a client for that user's collections.
//
// baseURL is the application's URL, e.g. "https://spacestudio.exotrail.space";
// trailing slashes are dropped. Unlike the Python package, every call uses
// it, the user lookup included, and nothing ever exits the process: a
// refused login is a *facade.APIError matching facade.ErrUnauthorized, an
// account without the scripting option a *facade.APIError (usually 403)
// explained as such.
func Connect(ctx context.Context, baseURL, mail, password, clientID string, opts ...Option) (*Client, error) {
	cfg := newConfig(opts)
	return connect(ctx, "base URL", baseURL, mail, password, clientID, cfg)
}

func newConfig(opts []Option) config {
	cfg := config{tokenURL: DefaultTokenURL, now: time.Now, margin: auth.DefaultMargin}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg
}

func connect(ctx context.Context, setting, baseURL, mail, password, clientID string, cfg config) (*Client, error) {
	base, err := checkURL(setting, baseURL, ErrNoBaseURL)
	if err != nil {
		return nil, err
	}
	tokenURL, err := checkURL("token URL", cfg.tokenURL, ErrInvalidURL)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct{ name, value string }{{"mail", mail}, {"password", password}, {"client id", clientID}} {
		if strings.TrimSpace(c.value) == "" {
			return nil, &facade.ConfigError{Platform: platform, Setting: c.name, Reason: "empty", Err: ErrMissingCredentials}
		}
	}

	httpOpts := facade.NewOptions(cfg.http...)
	scrub := redact.NewScrubber(password)
	tokenHTTP, _, err := transport.NewClient(transport.Config{
		Platform: platform, BaseURL: tokenURL, Options: httpOpts, Scrubber: scrub, Secrets: []string{password},
	})
	if err != nil {
		return nil, optionsError(httpOpts, err)
	}
	l := &login{
		oauth: oauth2.Config{
			ClientID: clientID,
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		mail: mail, password: password, http: tokenHTTP, scrub: scrub, now: cfg.now,
	}
	// The first login runs here rather than on the first call, so that a
	// wrong password is Connect's error, not some later call's.
	first, err := l.fetch(ctx, auth.Token{})
	if err != nil {
		return nil, err
	}
	src := auth.NewSource(l.fetch, auth.WithInitial(first), auth.WithScrubber(scrub),
		auth.WithClock(cfg.now), auth.WithMargin(cfg.margin))

	apiHTTP, _, err := transport.NewClient(transport.Config{
		Platform: platform, BaseURL: base, Options: httpOpts, Scrubber: scrub,
		Credentials: auth.Header(src, "Authorization", "Bearer "),
	})
	if err != nil {
		return nil, optionsError(httpOpts, err)
	}
	api, err := spacestudioapi.NewClient(base,
		spacestudioapi.WithHTTPClient(apiHTTP),
		spacestudioapi.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			if req.Header.Get("Accept") == "" {
				req.Header.Set("Accept", "application/json")
			}
			return nil
		}))
	if err != nil { // the URL was validated: not expected
		return nil, &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(base), Err: err}
	}
	c := &Client{baseURL: base, tokenURL: tokenURL, api: api, scrub: scrub, src: src, pager: paging.PolicyOf(httpOpts)}
	if err := c.lookUpUser(ctx); err != nil {
		return nil, err
	}
	c.bind()
	return c, nil
}

// lookUpUser learns the user id every collection hangs off.
func (c *Client) lookUpUser(ctx context.Context) error {
	const op = "GetUserInfo"
	resp, err := c.api.GetUserInfo(ctx)
	info, err := wire.Decode[spacestudioapi.UserInfo](c.call(op), resp, err)
	var apiErr *facade.APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound) {
		return fmt.Errorf("spacestudio: the login worked but the user lookup was refused; the scripting option is probably not activated for this account: %w", err)
	}
	if err != nil {
		return err
	}
	if strings.TrimSpace(info.ID) == "" {
		return c.call(op).ConversionError(resp, errors.New("id: missing"))
	}
	c.userID = info.ID
	return nil
}

// checkURL validates an http(s) URL and drops trailing slashes, as the
// Python package strips them from the base URL.
func checkURL(setting, raw string, missing error) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", &facade.ConfigError{Platform: platform, Setting: setting, Reason: "empty (e.g. https://spacestudio.exotrail.space)", Err: missing}
	}
	bad := func(reason string) error {
		return &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(raw), Reason: reason, Err: ErrInvalidURL}
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", bad("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", bad("must be an absolute http or https URL")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", bad("must not carry a query, a fragment or user information")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// optionsError reports HTTP options the transport refused (a CA file that
// cannot be read, TLS options on a foreign transport) as configuration.
func optionsError(o facade.Options, err error) error {
	ce := &facade.ConfigError{Platform: platform, Setting: "HTTP options", Err: err}
	var pathErr *fs.PathError
	if o.CACertFile != "" {
		ce.Setting, ce.Value = "CA certificate file", o.CACertFile
		if errors.As(err, &pathErr) {
			ce.Reason = "cannot be read: " + pathErr.Err.Error()
		}
	}
	return ce
}

// call describes operation op for the shared response handling.
func (c *Client) call(op string) wire.Call {
	return wire.Call{Platform: platform, Operation: op, Message: errorMessage, Scrubber: c.scrub}
}

// UserID returns the spacestudio user id learnt at login.
func (c *Client) UserID() string { return c.userID }

// BaseURL returns the application URL every call goes to.
func (c *Client) BaseURL() string { return c.baseURL }

// TokenURL returns the token endpoint the client logs in at.
func (c *Client) TokenURL() string { return c.tokenURL }
