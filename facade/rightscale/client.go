package rightscale

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// platform names RightScale in errors and logs.
const platform = "rightscale"

// APIVersion is sent as X-API-Version on every request, the token exchange
// included: the API answers 422 without it.
const APIVersion = "1.5"

// apiVersionHeader is the header the API requires.
const apiVersionHeader = "X-API-Version"

// renewMargin renews the access token this long before it expires, as
// python-rightscale does (expires_in − 60 s).
const renewMargin = time.Minute

// Sentinels for errors.Is on the [*facade.ConfigError] that New returns.
var (
	// ErrNoEndpoint: no API endpoint was given by option, environment or
	// rc file.
	ErrNoEndpoint = errors.New("no RightScale API endpoint")
	// ErrInvalidEndpoint: the endpoint is not the scheme and host of a
	// shard, e.g. https://us-3.rightscale.com.
	ErrInvalidEndpoint = errors.New("invalid RightScale API endpoint")
	// ErrNoRefreshToken: no refresh token was given.
	ErrNoRefreshToken = errors.New("no RightScale refresh token")
)

// Client talks to one RightScale account through the Cloud Management API
// 1.5 on the account's shard. It is safe for concurrent use: build it once
// and share it. The access token is obtained on first use, renewed a minute
// before it expires and once more if the server answers 401, one renewal at
// a time however many goroutines share the client.
//
// Account-level collections are fields; cloud-level ones hang off a cloud
// href ([Client.Instances], [Client.Datacenters], ...), nested ones off
// their parent's href ([Client.Inputs], [Client.AlertsOf], ...), and
// [At] reaches any collection by its href.
type Client struct {
	AccountGroups                  Collection[AccountGroup, None, None]
	Accounts                       Collection[Account, None, None]
	AlertSpecs                     Collection[AlertSpec, AlertSpecCreate, AlertSpecUpdate]
	Alerts                         Collection[Alert, None, None]
	AuditEntries                   Collection[AuditEntry, AuditEntryCreate, AuditEntryUpdate]
	Backups                        Collection[Backup, BackupCreate, BackupUpdate]
	ChildAccounts                  Collection[Account, ChildAccountCreate, ChildAccountUpdate]
	CloudAccounts                  Collection[CloudAccount, CloudAccountCreate, None]
	Clouds                         Collection[Cloud, None, None]
	CookbookAttachments            Collection[CookbookAttachment, CookbookAttachmentCreate, None]
	Cookbooks                      Collection[Cookbook, None, None]
	Credentials                    Collection[Credential, CredentialCreate, CredentialUpdate]
	Deployments                    Collection[Deployment, DeploymentCreate, DeploymentUpdate]
	IdentityProviders              Collection[IdentityProvider, None, None]
	MultiCloudImages               Collection[MultiCloudImage, MultiCloudImageCreate, MultiCloudImageUpdate]
	Permissions                    Collection[Permission, PermissionCreate, None]
	PlacementGroups                Collection[PlacementGroup, PlacementGroupCreate, None]
	Preferences                    Collection[Preference, None, PreferenceUpdate]
	PublicationLineages            Collection[PublicationLineage, None, None]
	Publications                   Collection[Publication, None, None]
	Repositories                   Collection[Repository, RepositoryCreate, RepositoryUpdate]
	RightScripts                   Collection[RightScript, RightScriptCreate, RightScriptUpdate]
	ServerArrays                   Collection[ServerArray, ServerArrayCreate, ServerArrayUpdate]
	ServerTemplateMultiCloudImages Collection[ServerTemplateMultiCloudImage, ServerTemplateMultiCloudImageCreate, None]
	ServerTemplates                Collection[ServerTemplate, ServerTemplateCreate, ServerTemplateUpdate]
	Servers                        Collection[Server, ServerCreate, ServerUpdate]
	Users                          Collection[User, UserCreate, UserUpdate]
	// Tags reads and writes tags of any resource.
	Tags *TagManager

	endpoint string
	http     *http.Client
	scrub    *redact.Scrubber
	// pager is how Index reads its one answer: re-fetches of a garbled
	// one follow the options' retries.
	pager    paging.Policy
	src      *auth.Source
	exchange *http.Client // no credentials: the token exchange itself
	refresh  string
	now      func() time.Time
	api      *rightscaleapi.ClientWithResponses
	warnings []string
}

// New returns a client for the account whose refresh token is given, on
// the shard at endpoint: the scheme and host the dashboard shows as "Token
// Endpoint (API 1.5)" without its path, e.g. "https://us-3.rightscale.com"
// (python-rightscale's api_endpoint). The refresh token is the one shown
// under Settings › Account Settings › API Credentials; it is only sent to
// POST <endpoint>/api/oauth2.
//
// opts are the HTTP settings shared by every Switchboard platform
// (timeouts, retries, logging, TLS).
func New(endpoint, refreshToken string, opts ...facade.Option) (*Client, error) {
	return newClient(Config{Endpoint: endpoint, RefreshToken: refreshToken, EndpointFrom: "endpoint", RefreshTokenFrom: "refresh token"}, opts)
}

// NewFromConfig returns a client for a configuration built by
// [LoadConfig]; its warnings are kept in [Client.Warnings].
func NewFromConfig(cfg Config, opts ...facade.Option) (*Client, error) {
	return newClient(cfg, opts)
}

// NewFromEnv reads the configuration as [LoadConfig] does with no explicit
// values (environment, then the rc file) and returns a client for it.
func NewFromEnv(opts ...facade.Option) (*Client, error) {
	cfg, err := LoadConfig("", "")
	if err != nil {
		return nil, err
	}
	return newClient(cfg, opts)
}

func newClient(cfg Config, opts []facade.Option) (*Client, error) {
	endpoint, err := validateEndpoint(cfg.EndpointFrom, cfg.Endpoint)
	if err != nil {
		cfg.fileError(err)
		return nil, err
	}
	if strings.TrimSpace(cfg.RefreshToken) == "" {
		setting := cfg.RefreshTokenFrom
		if setting == "" {
			setting = "refresh token"
		}
		return nil, &facade.ConfigError{Platform: platform, Setting: setting,
			Reason: "no refresh token given (set " + EnvRefreshToken + " or refresh_token in the [OAuth] section of " + DefaultRCFile + ")",
			Err:    ErrNoRefreshToken}
	}
	c := &Client{endpoint: endpoint, refresh: cfg.RefreshToken, now: time.Now, warnings: cfg.Warnings}
	o := facade.NewOptions(opts...)
	c.pager = paging.PolicyOf(o)
	c.scrub = redact.NewScrubber(cfg.RefreshToken)
	c.exchange, _, err = transport.NewClient(transport.Config{
		Platform: platform, BaseURL: endpoint, Options: o, Scrubber: c.scrub, Secrets: []string{cfg.RefreshToken},
	})
	if err != nil {
		return nil, optionsError(o, err)
	}
	c.exchange.Transport = versionTransport{next: c.exchange.Transport}
	c.src = auth.NewSource(c.fetchToken, auth.WithMargin(renewMargin), auth.WithScrubber(c.scrub),
		auth.WithClock(func() time.Time { return c.now() }))
	c.http, _, err = transport.NewClient(transport.Config{
		Platform: platform, BaseURL: endpoint, Options: o, Scrubber: c.scrub,
		Credentials: versionCredentials{auth.Header(c.src, "Authorization", "Bearer ")},
	})
	if err != nil {
		return nil, optionsError(o, err)
	}
	api, _ := url.Parse(endpoint) // validated above
	c.http.Transport = versionTransport{next: c.http.Transport, scheme: api.Scheme, host: api.Host}
	c.api, err = rightscaleapi.NewClientWithResponses(endpoint, rightscaleapi.WithHTTPClient(c.http))
	if err != nil { // the endpoint was validated: not expected
		return nil, &facade.ConfigError{Platform: platform, Setting: "endpoint", Value: redact.URL(endpoint), Err: err}
	}
	c.wire()
	return c, nil
}

// versionTransport adds the headers every API 1.5 request needs. It sits
// outside the shared stack so that retries and renewals keep them.
//
// Requests to the API's own origin (scheme and host, when set) are the
// exception: versionCredentials, in the credential layer below, sets the
// same headers on the copy that layer makes of every attempt anyway, so
// they are passed on as they are. A second copy here was a tenth of a
// call's allocations and bytes.
type versionTransport struct {
	next         http.RoundTripper
	scheme, host string
}

// RoundTrip sets X-API-Version (and Accept when the caller set none) on a
// copy of req with a header map of its own; the rest of the request,
// which no layer below changes, is shared (Request.Clone and two
// Header.Set calls were a tenth of a Get's allocations).
func (t versionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Exactly the strings the endpoint parsed to: the credential layer's
	// own origin test (case and default ports folded) then matches too,
	// so the headers cannot be skipped by both layers.
	if t.host != "" && req.URL.Host == t.host && req.URL.Scheme == t.scheme {
		return t.next.RoundTrip(req)
	}
	r := new(http.Request)
	*r = *req
	r.Header = transport.OwnHeader(req.Header, 2)
	setVersionHeaders(r.Header)
	return t.next.RoundTrip(r)
}

// versionCredentials are the client's bearer credentials plus the
// version headers: the credential layer calls Apply on its own copy of
// every attempt to the API's origin (renewals included), which may be
// changed freely, so the headers cost no copy of their own there.
type versionCredentials struct{ transport.Credentials }

// Apply sets the token, then X-API-Version and (when the caller set
// none) Accept, as versionTransport does.
func (v versionCredentials) Apply(ctx context.Context, req *http.Request) error {
	if err := v.Credentials.Apply(ctx, req); err != nil {
		return err
	}
	setVersionHeaders(req.Header)
	return nil
}

// HeaderOnly forwards the wrapped credentials' answer.
func (v versionCredentials) HeaderOnly() bool {
	h, ok := v.Credentials.(transport.HeaderOnly)
	return ok && h.HeaderOnly()
}

// Refresh forwards to the wrapped credentials; the credential layer
// applies them again afterwards, through Apply above.
func (v versionCredentials) Refresh(ctx context.Context, rejected *http.Request) error {
	r, ok := v.Credentials.(transport.Refresher)
	if !ok {
		return transport.ErrCannotRenew
	}
	return r.Refresh(ctx, rejected)
}

// setVersionHeaders sets X-API-Version, and Accept unless h has one, on a
// header map owned by a copy of the request. The values are shared
// (clipped) slices: a layer that appends to one gets a copy.
func setVersionHeaders(h http.Header) {
	h[apiVersionKey] = apiVersionValue
	if h.Get("Accept") == "" {
		h["Accept"] = acceptJSON
	}
}

// The header values every request shares.
var (
	apiVersionKey   = http.CanonicalHeaderKey(apiVersionHeader)
	apiVersionValue = transport.SharedValue(APIVersion)
	acceptJSON      = transport.SharedValue("application/json")
)

func (c *Client) wire() {
	c.AccountGroups = collection[AccountGroup, None, None](c, "/api/account_groups", "account group")
	c.Accounts = collection[Account, None, None](c, "/api/accounts", "account")
	c.AlertSpecs = collection[AlertSpec, AlertSpecCreate, AlertSpecUpdate](c, "/api/alert_specs", "alert spec")
	c.Alerts = collection[Alert, None, None](c, "/api/alerts", "alert")
	c.AuditEntries = collection[AuditEntry, AuditEntryCreate, AuditEntryUpdate](c, "/api/audit_entries", "audit entry")
	c.Backups = collection[Backup, BackupCreate, BackupUpdate](c, "/api/backups", "backup")
	c.ChildAccounts = collection[Account, ChildAccountCreate, ChildAccountUpdate](c, "/api/child_accounts", "child account")
	c.CloudAccounts = collection[CloudAccount, CloudAccountCreate, None](c, "/api/cloud_accounts", "cloud account")
	c.Clouds = collection[Cloud, None, None](c, "/api/clouds", "cloud")
	c.CookbookAttachments = collection[CookbookAttachment, CookbookAttachmentCreate, None](c, "/api/cookbook_attachments", "cookbook attachment")
	c.Cookbooks = collection[Cookbook, None, None](c, "/api/cookbooks", "cookbook")
	c.Credentials = collection[Credential, CredentialCreate, CredentialUpdate](c, "/api/credentials", "credential")
	c.Deployments = collection[Deployment, DeploymentCreate, DeploymentUpdate](c, "/api/deployments", "deployment")
	c.IdentityProviders = collection[IdentityProvider, None, None](c, "/api/identity_providers", "identity provider")
	c.MultiCloudImages = collection[MultiCloudImage, MultiCloudImageCreate, MultiCloudImageUpdate](c, "/api/multi_cloud_images", "multi cloud image")
	c.Permissions = collection[Permission, PermissionCreate, None](c, "/api/permissions", "permission")
	c.PlacementGroups = collection[PlacementGroup, PlacementGroupCreate, None](c, "/api/placement_groups", "placement group")
	c.Preferences = collection[Preference, None, PreferenceUpdate](c, "/api/preferences", "preference")
	c.PublicationLineages = collection[PublicationLineage, None, None](c, "/api/publication_lineages", "publication lineage")
	c.Publications = collection[Publication, None, None](c, "/api/publications", "publication")
	c.Repositories = collection[Repository, RepositoryCreate, RepositoryUpdate](c, "/api/repositories", "repository")
	c.RightScripts = collection[RightScript, RightScriptCreate, RightScriptUpdate](c, "/api/right_scripts", "right script")
	c.ServerArrays = collection[ServerArray, ServerArrayCreate, ServerArrayUpdate](c, "/api/server_arrays", "server array")
	c.ServerTemplateMultiCloudImages = collection[ServerTemplateMultiCloudImage, ServerTemplateMultiCloudImageCreate, None](c, "/api/server_template_multi_cloud_images", "server template multi cloud image")
	c.ServerTemplates = collection[ServerTemplate, ServerTemplateCreate, ServerTemplateUpdate](c, "/api/server_templates", "server template")
	c.Servers = collection[Server, ServerCreate, ServerUpdate](c, "/api/servers", "server")
	c.Users = collection[User, UserCreate, UserUpdate](c, "/api/users", "user")
	c.Tags = &TagManager{c: c}
}

// optionsError reports HTTP options the transport refused as the
// configuration mistake they are (a CA file that cannot be read, TLS
// options on a transport that is not an *http.Transport).
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

// validateEndpoint accepts the scheme and host of a shard, with an optional
// trailing slash, and returns it without the slash. A path is refused
// (python-rightscale appends /api itself), with a hint when it is the
// token endpoint the dashboard shows.
func validateEndpoint(setting, endpoint string) (string, error) {
	if setting == "" {
		setting = "endpoint"
	}
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return "", &facade.ConfigError{Platform: platform, Setting: setting,
			Reason: "no API endpoint given: the account's shard, e.g. https://us-3.rightscale.com (set " + EnvEndpoint + " or api_endpoint in the [OAuth] section of " + DefaultRCFile + ")",
			Err:    ErrNoEndpoint}
	}
	bad := func(reason string) (string, error) {
		return "", &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(endpoint), Reason: reason, Err: ErrInvalidEndpoint}
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return bad("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("must be an absolute http or https URL with the shard's host, e.g. https://us-3.rightscale.com")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad("must be a scheme and a host only")
	}
	switch p := strings.TrimSuffix(u.Path, "/"); p {
	case "":
	case "/api", "/api/oauth2":
		return bad("must not carry a path: give the shard's scheme and host only (e.g. https://us-3.rightscale.com), the client adds " + p + " itself")
	default:
		return bad("must not carry a path: give the shard's scheme and host only, e.g. https://us-3.rightscale.com")
	}
	return u.Scheme + "://" + u.Host, nil
}

// Endpoint returns the shard the client talks to.
func (c *Client) Endpoint() string { return c.endpoint }

// Warnings returns what the configuration loader noticed without refusing
// it, such as an rc file readable by others.
func (c *Client) Warnings() []string { return append([]string(nil), c.warnings...) }

// API returns the generated client for the whole spec, sharing this
// client's connections and credentials (the bearer token and
// X-API-Version are added for you; the XAPIVersion parameter fields may be
// left empty). Use it for the few operations the facade has no typed call
// for; the facade's own calls decode errors for you, this one does not.
func (c *Client) API() *rightscaleapi.ClientWithResponses { return c.api }

// HTTPClient returns the authenticated HTTP client, for requests to hrefs
// the API returns that no typed call covers.
func (c *Client) HTTPClient() *http.Client { return c.http }

// String never shows the refresh token.
func (c *Client) String() string { return fmt.Sprintf("rightscale.Client(%s)", c.endpoint) }

// Session returns the root session resource, whose links name every
// top-level collection: a cheap check that the endpoint and refresh token
// work.
func (c *Client) Session(ctx context.Context) (Session, error) {
	return getJSON[Session](ctx, c, "ShowSession", "/api/sessions", nil)
}

// SessionAccounts lists the accounts the token's user can reach (GET
// /api/sessions/accounts), python-rightscale's get_accounts.
func (c *Client) SessionAccounts(ctx context.Context, view string) ([]Account, error) {
	q := url.Values{}
	if view != "" {
		q.Set("view", view)
	}
	return getJSON[[]Account](ctx, c, "AccountsSessions", "/api/sessions/accounts", q)
}
