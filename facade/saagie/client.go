package saagie

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/saagieapi"
)

// platform names Saagie in errors and logs.
const platform = "saagie"

// Environment variables read by [NewFromEnv]. saagieapi itself reads none;
// these are the names Switchboard's CLI and live tests share.
const (
	EnvURL        = "SAAGIE_URL"
	EnvPlatformID = "SAAGIE_PLATFORM_ID"
	EnvRealm      = "SAAGIE_REALM"
	EnvUser       = "SAAGIE_USER"
	EnvPassword   = "SAAGIE_PASSWORD"
	// EnvTimeout is a Go duration ("45s") or a number of seconds, as
	// saagieapi's timeout argument.
	EnvTimeout = "SAAGIE_TIMEOUT"
	// EnvCACert names a PEM file of extra CAs to trust.
	EnvCACert = "SAAGIE_CA_CERT"
)

// Sentinels for errors.Is on the [*facade.ConfigError] of the constructors.
var (
	// ErrInvalidURL: the base URL is missing or not an absolute http(s) URL.
	ErrInvalidURL = errors.New("invalid Saagie URL")
	// ErrInvalidPlatformURL: EasyConnect could not read a platform page URL.
	ErrInvalidPlatformURL = errors.New("invalid Saagie platform URL")
	// ErrNoRealm: no realm was given and none can be read from the host.
	ErrNoRealm = errors.New("no Saagie realm")
	// ErrInvalidPlatformID: the platform id is not a non-negative integer.
	ErrInvalidPlatformID = errors.New("invalid Saagie platform id")
	// ErrNoCredentials: the user or the password is empty.
	ErrNoCredentials = errors.New("no Saagie credentials")
)

// Client talks to one Saagie platform: the per-platform Projects GraphQL
// API, the realm's technology catalog (gateway) and the REST services. It
// logs in lazily on the first call, renews its token before it expires and
// once after a 401, and is safe for concurrent use.
type Client struct {
	// Projects manages projects and their rights.
	Projects *ProjectManager
	// Jobs manages jobs, their versions and instances.
	Jobs *JobManager
	// Pipelines manages graph pipelines, their versions and instances.
	Pipelines *PipelineManager
	// Apps manages apps (from a Docker image or the catalog).
	Apps *AppManager
	// EnvVars manages environment variables of every scope.
	EnvVars *EnvVarManager
	// DockerCredentials manages per-project registry credentials.
	DockerCredentials *DockerCredentialsManager
	// Storages manages volumes.
	Storages *StorageManager
	// Repositories manages the technology catalog's repositories.
	Repositories *RepositoryManager
	// Technologies reads the technology catalog.
	Technologies *TechnologyManager
	// Users manages the realm's users (REST, admin).
	Users *UserManager
	// Groups manages the realm's groups and their permissions (REST).
	Groups *GroupManager
	// Profiles reads and edits user profiles (REST).
	Profiles *ProfileManager

	base       string // no trailing slash
	platformID int
	realm      string
	user       string
	scrub      *redact.Scrubber
	http       *http.Client
	api        *saagieapi.Client // authenticated REST and GraphQL transport
	loginAPI   *saagieapi.Client // same options, no credentials
	tokens     *auth.Source
	projects   *gqlEndpoint
	gateway    *gqlEndpoint
	ops        opCache // both endpoints' operations
	// pager is how the instance, event and log iterators walk pages,
	// from the options (prefetching, re-fetches of a garbled answer).
	pager paging.Policy
}

// New returns a client for the platform platformID of the Saagie
// installation at baseURL (the workspace host, e.g.
// "https://mysaagie-workspace.prod.saagie.io"), logging in as user in
// realm, like saagieapi's SaagieApi(url_saagie, id_platform, user,
// password, realm). Unlike saagieapi it does not log in here: the first
// call does, so building a client never fails on the network.
//
// opts are the HTTP settings shared by every Switchboard platform. saagieapi
// turns TLS verification off for its login and GraphQL calls; Switchboard
// verifies certificates everywhere unless facade.WithInsecureSkipVerify()
// (or facade.WithCACertFile) says otherwise.
func New(ctx context.Context, baseURL string, platformID int, user, password, realm string, opts ...facade.Option) (*Client, error) {
	_ = ctx // kept for symmetry with EasyConnect; New does no I/O
	return newClient("url", baseURL, platformID, user, password, realm, opts)
}

// NewFromEnv is [New] with every setting read from the environment:
//
//	SAAGIE_URL          base URL of the workspace (required)
//	SAAGIE_PLATFORM_ID  platform id (required, an integer)
//	SAAGIE_REALM        realm; when unset, read from the host as EasyConnect does
//	SAAGIE_USER         login (required)
//	SAAGIE_PASSWORD     password (required)
//	SAAGIE_TIMEOUT      per-call timeout: a Go duration or seconds (default 30s)
//	SAAGIE_CA_CERT      PEM file of extra CAs to trust
//
// Certificate checks cannot be turned off from the environment; pass
// facade.WithInsecureSkipVerify() explicitly. opts given here win over the
// environment.
func NewFromEnv(ctx context.Context, opts ...facade.Option) (*Client, error) {
	_ = ctx
	base := os.Getenv(EnvURL)
	pidText := strings.TrimSpace(os.Getenv(EnvPlatformID))
	if pidText == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: EnvPlatformID, Reason: "not set (the id in …/projects/platform/<id>/ URLs)", Err: ErrInvalidPlatformID}
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid < 0 {
		return nil, &facade.ConfigError{Platform: platform, Setting: EnvPlatformID, Value: pidText, Reason: "must be a non-negative integer", Err: ErrInvalidPlatformID}
	}
	realm := os.Getenv(EnvRealm)
	if realm == "" {
		if u, err := url.Parse(base); err == nil {
			realm = realmFromHost(u.Hostname())
		}
	}
	var envOpts []facade.Option
	if t := strings.TrimSpace(os.Getenv(EnvTimeout)); t != "" {
		d, err := parseTimeout(t)
		if err != nil {
			return nil, &facade.ConfigError{Platform: platform, Setting: EnvTimeout, Value: t, Reason: "must be a duration such as 45s or a number of seconds", Err: err}
		}
		envOpts = append(envOpts, facade.WithTimeout(d))
	}
	if f := os.Getenv(EnvCACert); f != "" {
		envOpts = append(envOpts, facade.WithCACertFile(f))
	}
	return newClient(EnvURL, base, pid, os.Getenv(EnvUser), os.Getenv(EnvPassword), realm, append(envOpts, opts...))
}

func parseTimeout(s string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 {
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("invalid timeout")
	}
	return d, nil
}

// PlatformURL is what [ParsePlatformURL] reads from a page URL of the web
// interface.
type PlatformURL struct {
	// BaseURL is scheme and host (and port), without a trailing slash.
	BaseURL string
	// Realm is the first host label up to its first hyphen, as typed; empty
	// when the host carries none (an IP address, localhost).
	Realm string
	// PlatformID is the number after /projects/platform/.
	PlatformID int
	// Strict reports whether saagieapi's easy_connect would accept the URL
	// too (https, no port, a single hyphen, word characters).
	Strict bool
}

// saagieapiPattern is easy_connect's pattern, anchored at the start only.
var saagieapiPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(https://(\w+)-(?:\w|\.)+)/projects/platform/(\d+)`)
})

// platformPath finds the platform id in the path; anything may follow.
var platformPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/projects/platform/(\d+)`) })

// ParsePlatformURL reads the base URL, realm and platform id from the URL
// of any page of a platform, e.g.
// https://mysaagie-workspace.prod.saagie.io/projects/platform/6/project/…/jobs.
//
// It accepts everything saagieapi's easy_connect accepts, with the same
// results, and is more lenient where that pattern rejects usable URLs:
// http as well as https (with a scheme in any case), a port, more hyphens
// in the host (the realm still ends at the first one: "my-saagie-workspace…"
// gives realm "my"), and hosts with no realm at all (an IP address,
// "localhost"), for which Realm is empty and the caller must supply it.
// A query or fragment is ignored, as any other trailing part is.
func ParsePlatformURL(platformURL string) (PlatformURL, error) {
	bad := func(reason string) (PlatformURL, error) {
		return PlatformURL{}, &facade.ConfigError{Platform: platform, Setting: "platform URL", Value: redact.URL(platformURL), Reason: reason + " (e.g. https://mysaagie-workspace.prod.saagie.io/projects/platform/6/)", Err: ErrInvalidPlatformURL}
	}
	raw := strings.TrimSpace(platformURL)
	u, err := url.Parse(raw)
	if err != nil {
		return bad("not a URL")
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "http" && scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return bad("must be an absolute http or https URL")
	}
	if u.User != nil {
		return bad("must not carry credentials")
	}
	m := platformPath().FindStringSubmatch(u.EscapedPath())
	if m == nil {
		return bad("the path must start with /projects/platform/<id>")
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil {
		return bad("platform id out of range")
	}
	out := PlatformURL{
		BaseURL:    scheme + "://" + u.Host,
		Realm:      realmFromHost(u.Hostname()),
		PlatformID: pid,
	}
	if sm := saagieapiPattern().FindStringSubmatch(raw); sm != nil {
		out.Strict = true
		// Keep saagieapi's exact results where it matches.
		out.BaseURL, out.Realm = sm[1], sm[2]
	}
	return out, nil
}

// realmFromHost is the first label of a host name up to its first hyphen;
// empty for IP addresses and labels without a hyphen.
func realmFromHost(host string) string {
	if host == "" || strings.Contains(host, ":") || isIPv4(host) {
		return ""
	}
	label, _, _ := strings.Cut(host, ".")
	realm, _, ok := strings.Cut(label, "-")
	if !ok || realm == "" {
		return ""
	}
	return realm
}

func isIPv4(h string) bool {
	parts := strings.Split(h, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}

// EasyConnect is saagieapi's easy_connect: it reads the base URL, realm and
// platform id from the URL of any page of the platform (see
// [ParsePlatformURL] for what is accepted beyond saagieapi's pattern) and
// returns [New]'s client. A URL whose host carries no realm (an IP
// address, localhost) is refused with ErrNoRealm: call New with the realm.
func EasyConnect(ctx context.Context, platformURL, user, password string, opts ...facade.Option) (*Client, error) {
	p, err := ParsePlatformURL(platformURL)
	if err != nil {
		return nil, err
	}
	if p.Realm == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "platform URL", Value: redact.URL(platformURL), Reason: "the host does not start with <realm>-; use New with an explicit realm", Err: ErrNoRealm}
	}
	return New(ctx, p.BaseURL, p.PlatformID, user, password, p.Realm, opts...)
}

func newClient(setting, baseURL string, platformID int, user, password, realm string, opts []facade.Option) (*Client, error) {
	base, err := validateBase(setting, baseURL)
	if err != nil {
		return nil, err
	}
	if platformID < 0 {
		return nil, &facade.ConfigError{Platform: platform, Setting: "platform id", Value: strconv.Itoa(platformID), Reason: "must not be negative", Err: ErrInvalidPlatformID}
	}
	if strings.TrimSpace(realm) == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "realm", Reason: "no realm given (the tenant name, the first part of the workspace host)", Err: ErrNoRealm}
	}
	if user == "" || password == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "credentials", Reason: "user and password are required", Err: ErrNoCredentials}
	}
	o := facade.NewOptions(opts...)
	c := &Client{base: base, platformID: platformID, realm: realm, user: user, pager: paging.PolicyOf(o)}

	loginHTTP, scrub, err := transport.NewClient(transport.Config{Platform: platform, BaseURL: base, Options: o, Secrets: []string{password}})
	if err != nil {
		return nil, optionsError(o, err)
	}
	c.scrub = scrub
	c.loginAPI, err = saagieapi.NewClient(base, saagieapi.WithHTTPClient(loginHTTP))
	if err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(base), Err: err}
	}
	c.tokens = auth.NewSource(func(ctx context.Context, _ auth.Token) (auth.Token, error) {
		return c.login(ctx, password)
	}, auth.WithScrubber(scrub))
	hc, _, err := transport.NewClient(transport.Config{
		Platform:    platform,
		BaseURL:     base,
		Options:     o,
		Credentials: auth.Header(c.tokens, "Authorization", "Bearer "),
		Scrubber:    scrub,
	})
	if err != nil {
		return nil, optionsError(o, err)
	}
	c.http = hc
	c.api, err = saagieapi.NewClient(base, saagieapi.WithHTTPClient(hc))
	if err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(base), Err: err}
	}
	if c.projects, err = newGQLEndpoint(c, false); err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(base), Err: err}
	}
	if c.gateway, err = newGQLEndpoint(c, true); err != nil {
		return nil, &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(base), Err: err}
	}
	c.Projects = &ProjectManager{c: c}
	c.Jobs = &JobManager{c: c}
	c.Pipelines = &PipelineManager{c: c}
	c.Apps = &AppManager{c: c}
	c.EnvVars = &EnvVarManager{c: c}
	c.DockerCredentials = &DockerCredentialsManager{c: c}
	c.Storages = &StorageManager{c: c}
	c.Repositories = &RepositoryManager{c: c}
	c.Technologies = &TechnologyManager{c: c}
	c.Users = &UserManager{c: c}
	c.Groups = &GroupManager{c: c}
	c.Profiles = &ProfileManager{c: c}
	return c, nil
}

func validateBase(setting, baseURL string) (string, error) {
	bad := func(reason string) (string, error) {
		return "", &facade.ConfigError{Platform: platform, Setting: setting, Value: redact.URL(baseURL), Reason: reason, Err: ErrInvalidURL}
	}
	if strings.TrimSpace(baseURL) == "" {
		return bad("no base URL given (e.g. https://mysaagie-workspace.prod.saagie.io)")
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return bad("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("must be an absolute http or https URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad("must not carry credentials, a query or a fragment")
	}
	// saagieapi appends a slash and concatenates; a path prefix (a reverse
	// proxy mount) is kept the same way.
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// optionsError reports HTTP options the transport refused (a CA file that
// cannot be read, TLS options on a foreign base transport).
func optionsError(o facade.Options, err error) error {
	ce := &facade.ConfigError{Platform: platform, Setting: "HTTP options", Err: err}
	if o.CACertFile != "" {
		ce.Setting, ce.Value = "CA certificate file", o.CACertFile
	}
	return ce
}

// BaseURL returns the workspace URL the client talks to.
func (c *Client) BaseURL() string { return c.base }

// PlatformID returns the platform the Projects calls go to.
func (c *Client) PlatformID() int { return c.platformID }

// Realm returns the realm sent at login and on REST calls.
func (c *Client) Realm() string { return c.realm }

// User returns the login.
func (c *Client) User() string { return c.user }

// maxToken bounds the login answer: a JWT is a few KiB at most.
const maxToken = 64 << 10

// login exchanges the credentials for a JWT. Its request and response
// bodies never reach the debug log (they hold the password and the token).
func (c *Client) login(ctx context.Context, password string) (auth.Token, error) {
	const op = "Authenticate"
	ctx = transport.QuietBody(ctx)
	resp, err := c.loginAPI.Authenticate(ctx, &saagieapi.AuthenticateParams{SaagieRealm: c.realm},
		saagieapi.Credentials{Login: c.user, Password: password},
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Accept", "text/plain, */*")
			return nil
		})
	call := c.call(op)
	resp, err = wire.Check(call, resp, err)
	if err != nil {
		return auth.Token{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxToken))
	if err != nil {
		return auth.Token{}, &facade.TransportError{Platform: platform, Operation: op, Method: http.MethodPost, URL: c.base + "/authentication/api/open/authenticate", Err: err}
	}
	value := strings.TrimSpace(string(body))
	// The answer is the token itself; register it before anything can
	// print it.
	c.scrub.Add(value)
	tok := auth.Token{Value: value}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(value, claims); err != nil {
		// A proxy's login page or an SSO redirect answers 200 with HTML:
		// not a token, and sending it as one would only yield 401s.
		return auth.Token{}, call.ConversionError(resp, errors.New("the login answer is not a JWT"))
	}
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		tok.Expiry = exp.Time
	}
	return tok, nil
}

// Login logs in now rather than on the first call, to check the
// credentials early; later calls reuse the token.
func (c *Client) Login(ctx context.Context) error {
	_, err := c.tokens.Token(ctx)
	return unwrapRenewal(err)
}

// TokenExpiry returns when the current token expires (zero before the
// first login or when the token carries no exp claim).
func (c *Client) TokenExpiry(ctx context.Context) (time.Time, error) {
	tok, err := c.tokens.Token(ctx)
	return tok.Expiry, unwrapRenewal(err)
}

// unwrapRenewal keeps the login's own typed error visible: the auth layer
// wraps it as "renewing credentials: …", which errors.As sees through.
func unwrapRenewal(err error) error { return err }

// call names an operation for wire's errors.
func (c *Client) call(op string) wire.Call {
	return wire.Call{Platform: platform, Operation: op, Message: restMessage, Scrubber: c.scrub}
}

// restMessage reads the explanation of a REST error body: the "message"
// (or "error") of a JSON object, or a short plain-text body.
func restMessage(body []byte) string {
	var m struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if jsonUnmarshal(body, &m) == nil {
		if m.Message != "" {
			return m.Message
		}
		return m.Error
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 0 && len(s) < 300 && !strings.HasPrefix(s, "<") {
		return s
	}
	return ""
}

// String describes the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("saagie.Client{%s platform %d realm %s user %s}", c.base, c.platformID, c.realm, c.user)
}
