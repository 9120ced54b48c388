package st2

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2api"
	"github.com/switchboard-go/switchboard/gen/st2authapi"
	"github.com/switchboard-go/switchboard/gen/st2streamapi"
)

// platform names StackStorm in errors and logs.
const platform = "st2"

// Header names of st2's two credential schemes.
const (
	headerToken  = "X-Auth-Token"
	headerAPIKey = "St2-Api-Key"
)

// tokenMargin is how early a token counts as expired, the st2 CLI's 15 s.
const tokenMargin = 15

// ErrNoPassword is returned when a token is needed for a user whose
// password is not configured (a cached token expired or was refused).
var ErrNoPassword = errors.New("st2: the token expired and no password is configured to log in again")

// Client talks to one StackStorm installation through its three services:
// auth (tokens), API and stream. It is safe for concurrent use; build it
// once and share it.
type Client struct {
	// Actions manages actions (/actions).
	Actions *ActionManager
	// ActionAliases manages ChatOps aliases (/actionalias).
	ActionAliases *AliasManager
	// Executions runs actions and follows executions (/executions).
	Executions *ExecutionManager
	// Rules manages rules (/rules; no offset paging on the server).
	Rules *Manager[Rule, RuleListOptions]
	// TriggerTypes manages trigger types (/triggertypes), what the CLI
	// calls "trigger".
	TriggerTypes *Manager[TriggerType, TriggerTypeListOptions]
	// Triggers manages parameterised triggers (/triggers; id only, no
	// filters or paging on the server).
	Triggers *Manager[Trigger, struct{}]
	// TriggerInstances reads trigger instances (/triggerinstances).
	TriggerInstances *Manager[TriggerInstance, TriggerInstanceListOptions]
	// Keys manages the key-value datastore (/keys).
	Keys *KeyManager
	// Packs manages packs (/packs).
	Packs *PackManager
	// Sensors manages sensors (/sensortypes; enable/disable only).
	Sensors *Manager[SensorType, SensorListOptions]
	// Policies manages policies (/policies).
	Policies *Manager[Policy, PolicyListOptions]
	// PolicyTypes reads policy types (/policytypes).
	PolicyTypes *Manager[PolicyType, PolicyTypeListOptions]
	// Runners manages runner types (/runnertypes).
	Runners *Manager[RunnerType, RunnerListOptions]
	// Inquiries reads and answers inquiries (/inquiries).
	Inquiries *InquiryManager
	// APIKeys manages API keys (/apikeys).
	APIKeys *Manager[APIKey, APIKeyListOptions]
	// Stream reads the event stream (st2stream).
	Stream *StreamClient
	// Webhooks lists webhooks and posts to them (/webhooks).
	Webhooks *WebhookManager
	// Traces reads traces (/traces).
	Traces *Manager[Trace, TraceListOptions]
	// RuleEnforcements reads rule enforcements (/ruleenforcements).
	RuleEnforcements *Manager[RuleEnforcement, RuleEnforcementListOptions]
	// Timers reads timer triggers (/timers; no paging on the server).
	// Get reads any trigger by ref or id, as the server does.
	Timers *Manager[Trigger, TimerListOptions]
	// PackConfigs reads and sets pack configurations (/configs).
	PackConfigs *PackConfigManager

	cfg      Config
	ep       endpoints
	api      *st2api.Client
	authAPI  *st2authapi.Client
	streamAP *st2streamapi.Client
	scrub    *redact.Scrubber
	tokens   *auth.Source // nil unless logging in with a user
	// pager is how List walks pages, from the options (prefetching,
	// re-fetches of a garbled page).
	pager paging.Policy
}

// New returns a client for the installation cfg describes; fields left
// empty are derived as st2client derives them (see [Config]). No request is
// made: a login, when needed, happens on the first call.
//
// Credentials, strongest first: cfg.Token, cfg.APIKey, then
// cfg.Username/cfg.Password (a cached token in ~/.st2/token-<user> when
// still valid for 15 s, else POST <auth>/tokens). With none, requests are
// sent unauthenticated and the server answers 401.
//
// opts are the HTTP settings shared by every Switchboard platform.
func New(cfg Config, opts ...facade.Option) (*Client, error) {
	ep, err := cfg.resolveEndpoints()
	if err != nil {
		return nil, err
	}
	if cfg.BasicAuth != "" && !strings.Contains(cfg.BasicAuth, ":") {
		return nil, &facade.ConfigError{Platform: platform, Setting: "basic_auth", Reason: `expects "user:password"`}
	}
	if cfg.TokenTTL < 0 {
		return nil, &facade.ConfigError{Platform: platform, Setting: "token TTL", Value: fmt.Sprint(cfg.TokenTTL), Reason: "must be positive"}
	}
	if cfg.CACert != "" {
		opts = append([]facade.Option{facade.WithCACertFile(cfg.CACert)}, opts...)
	}
	o := facade.NewOptions(opts...)
	for _, w := range cfg.warnings {
		o.Logger.Warn(w, "platform", platform)
	}

	c := &Client{cfg: cfg, ep: ep, pager: paging.PolicyOf(o)}
	c.scrub = redact.NewScrubber(cfg.Token, cfg.APIKey, cfg.Password, cfg.BasicAuth, basicValue(cfg.BasicAuth))
	if _, pass, ok := strings.Cut(cfg.BasicAuth, ":"); ok {
		c.scrub.Add(pass)
	}

	creds := &credentials{basic: cfg.BasicAuth}
	switch {
	case cfg.Token != "":
		creds.inner = transport.HeaderCredential{Name: headerToken, Value: cfg.Token}
	case cfg.APIKey != "":
		creds.inner = transport.HeaderCredential{Name: headerAPIKey, Value: cfg.APIKey}
	case cfg.Username != "":
		src, err := c.tokenSource()
		if err != nil {
			return nil, err
		}
		c.tokens = src
		creds.inner = auth.Header(src, headerToken, "")
	}

	build := func(base string, cr transport.Credentials) (*http.Client, error) {
		hc, _, err := transport.NewClient(transport.Config{
			Platform: platform, BaseURL: base, Credentials: cr, Options: o, Scrubber: c.scrub,
		})
		if err != nil {
			return nil, &facade.ConfigError{Platform: platform, Setting: "HTTP options", Err: err}
		}
		return hc, nil
	}
	apiHC, err := build(ep.api, creds)
	if err != nil {
		return nil, err
	}
	streamHC, err := build(ep.stream, creds)
	if err != nil {
		return nil, err
	}
	// The auth service gets the token or key for /tokens/validate, never
	// the proxy's basic credentials: the login carries the user's own.
	authHC, err := build(ep.auth, &credentials{inner: creds.inner})
	if err != nil {
		return nil, err
	}
	if c.api, err = st2api.NewClient(ep.api, st2api.WithHTTPClient(apiHC)); err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: "API URL", Err: err}
	}
	if c.authAPI, err = st2authapi.NewClient(ep.auth, st2authapi.WithHTTPClient(authHC)); err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: "auth URL", Err: err}
	}
	if c.streamAP, err = st2streamapi.NewClient(ep.stream, st2streamapi.WithHTTPClient(streamHC)); err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: "stream URL", Err: err}
	}
	c.initManagers()
	c.initExtras()
	return c, nil
}

// NewFromEnv is [New] with the configuration st2client and the st2 CLI
// read: the ST2_* environment variables and ~/.st2/config (or
// ST2_CONFIG_FILE); see [LoadConfig].
func NewFromEnv(opts ...facade.Option) (*Client, error) {
	cfg, err := LoadConfig(Config{})
	if err != nil {
		return nil, err
	}
	return New(cfg, opts...)
}

// AuthURL, APIURL and StreamURL return the services' resolved URLs.
func (c *Client) AuthURL() string { return c.ep.auth }

// APIURL returns the API service's resolved URL.
func (c *Client) APIURL() string { return c.ep.api }

// StreamURL returns the stream service's resolved URL.
func (c *Client) StreamURL() string { return c.ep.stream }

func basicValue(userPass string) string {
	if userPass == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(userPass))
}

// call names an operation for its errors.
func (c *Client) call(op string) wire.Call {
	return wire.Call{Platform: platform, Operation: op, Message: faultstring, Scrubber: c.scrub}
}

// faultstring extracts st2's error message.
func faultstring(body []byte) string {
	var e struct {
		Faultstring string `json:"faultstring"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Faultstring
}

// loginKey marks the token request, which carries the user's own basic
// credentials instead of the token it is about to obtain.
type loginKey struct{}

// credentials apply the configured token or key, plus the proxy's basic
// credentials when configured.
type credentials struct {
	inner transport.Credentials
	basic string
}

// Apply sets the headers; the login request gets none of them.
func (c *credentials) Apply(ctx context.Context, req *http.Request) error {
	if ctx.Value(loginKey{}) != nil {
		return nil
	}
	if c.basic != "" {
		user, pass, _ := strings.Cut(c.basic, ":")
		req.SetBasicAuth(user, pass)
	}
	if c.inner != nil {
		return c.inner.Apply(ctx, req)
	}
	return nil
}

// HeaderOnly reports whether Apply leaves the URL alone: the basic
// credentials are a header, and so is the inner token or key when its own
// credentials say so.
func (c *credentials) HeaderOnly() bool {
	switch in := c.inner.(type) {
	case nil, transport.HeaderCredential:
		return true
	case transport.HeaderOnly:
		return in.HeaderOnly()
	}
	return false
}

// Refresh renews a rejected token when the credentials can.
func (c *credentials) Refresh(ctx context.Context, rejected *http.Request) error {
	if r, ok := c.inner.(transport.Refresher); ok && ctx.Value(loginKey{}) == nil {
		return r.Refresh(ctx, rejected)
	}
	return fmt.Errorf("st2: %w", transport.ErrCannotRenew)
}

// Secrets lists the static secrets for the Scrubber.
func (c *credentials) Secrets() []string {
	out := []string{c.basic, basicValue(c.basic)}
	if s, ok := c.inner.(transport.SecretSource); ok {
		out = append(out, s.Secrets()...)
	}
	return out
}

// WhoAmI returns the caller as the API sees it (GET /user).
func (c *Client) WhoAmI(ctx context.Context) (UserInfo, error) {
	resp, err := c.api.GetCurrentUser(ctx)
	return wire.Decode[UserInfo](c.call("GetCurrentUser"), resp, err)
}

// Version returns the API server's version (GET /).
func (c *Client) Version(ctx context.Context) (string, error) {
	resp, err := c.api.GetAPIInfo(ctx)
	info, err := wire.Decode[st2api.APIInfo](c.call("GetAPIInfo"), resp, err)
	return info.Version, err
}

// ValidateToken asks the auth service whether token is valid.
func (c *Client) ValidateToken(ctx context.Context, token string) (bool, error) {
	c.scrub.Add(token)
	resp, err := c.authAPI.ValidateToken(transport.QuietBody(ctx), st2authapi.TokenValidationRequest{Token: token})
	v, err := wire.Decode[st2authapi.TokenValidationResult](c.call("ValidateToken"), resp, err)
	return v.Valid, err
}
