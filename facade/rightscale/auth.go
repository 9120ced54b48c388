package rightscale

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

// oauthPath is the token endpoint on every shard.
const oauthPath = "/api/oauth2"

// ExchangeError reports a refused or failed refresh-token exchange. The
// most common cause besides a revoked token is a client configured with
// another shard than the account's: the token endpoint does not redirect,
// so the message says which shards exist. It unwraps to the
// *facade.APIError (the server's answer) or *facade.TransportError.
type ExchangeError struct {
	// Endpoint is the shard the exchange was sent to.
	Endpoint string
	// Err is the underlying error.
	Err error
}

// Error explains the failure and, unless the token endpoint itself failed
// (5xx, 429), the shard rule.
func (e *ExchangeError) Error() string {
	msg := "rightscale: exchanging the refresh token at " + e.Endpoint + oauthPath + " failed: " + e.Err.Error()
	var ae *facade.APIError
	if errors.As(e.Err, &ae) && (ae.StatusCode >= 500 || ae.StatusCode == http.StatusTooManyRequests) {
		return msg
	}
	return msg + " (the endpoint must be the account's own shard, e.g. https://us-3.rightscale.com or https://us-4.rightscale.com, " +
		"as shown as \"Token Endpoint (API 1.5)\" under Settings › Account Settings › API Credentials; " +
		"the token endpoint does not redirect to the right shard, and a refresh token stops working when API access is disabled)"
}

// Unwrap returns the underlying error.
func (e *ExchangeError) Unwrap() error { return e.Err }

// fetchToken exchanges the refresh token for an access token with
// golang.org/x/oauth2 (a form POST of grant_type=refresh_token), over the
// credential-free client that adds X-API-Version. Bodies are kept out of
// the debug log: the answer holds the new access token.
func (c *Client) fetchToken(ctx context.Context, prev auth.Token) (auth.Token, error) {
	refresh := prev.Refresh
	if refresh == "" {
		refresh = c.refresh
	}
	conf := &oauth2.Config{Endpoint: oauth2.Endpoint{TokenURL: c.endpoint + oauthPath, AuthStyle: oauth2.AuthStyleInParams}}
	ctx = context.WithValue(transport.QuietBody(ctx), oauth2.HTTPClient, c.exchange)
	start := c.now()
	tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh}).Token()
	if err != nil {
		return auth.Token{}, c.exchangeError(err)
	}
	expiry := tok.Expiry
	if tok.ExpiresIn > 0 {
		// Our own clock, so tests can move it; x/oauth2 uses time.Now.
		expiry = start.Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	c.scrub.Add(tok.AccessToken)
	next := tok.RefreshToken
	if next == "" {
		next = refresh
	}
	return auth.Token{Value: tok.AccessToken, Expiry: expiry, Refresh: next}, nil
}

// exchangeError turns x/oauth2's errors into the facade's error types,
// wrapped in an *ExchangeError.
func (c *Client) exchangeError(err error) error {
	var re *oauth2.RetrieveError
	var out error
	switch {
	case errors.As(err, &re) && re.Response != nil:
		ae := &facade.APIError{Platform: platform, Operation: "OAuth2Token", StatusCode: re.Response.StatusCode,
			Method: http.MethodPost, URL: c.scrub.URL(c.endpoint + oauthPath), Message: http.StatusText(re.Response.StatusCode)}
		if msg := exchangeMessage(re); msg != "" {
			ae.Message = redact.Truncate(c.scrub.String(msg), 1024)
		}
		if loc := re.Response.Header.Get("Location"); loc != "" && re.Response.StatusCode/100 == 3 {
			// The exchange only redirects when the account lives on another
			// shard: say which one.
			if u, err := url.Parse(loc); err == nil && u.Host != "" {
				ae.Message = "the account is on another shard: use " + u.Scheme + "://" + u.Host + " as the endpoint"
			}
		}
		ae.Body = redact.Truncate(c.scrub.String(string(re.Body)), 1024)
		out = ae
	case errors.As(err, new(*facade.TransportError)):
		out = err
	case isTransport(err):
		out = &facade.TransportError{Platform: platform, Operation: "OAuth2Token", Method: http.MethodPost,
			URL: c.scrub.URL(c.endpoint + oauthPath), Err: scrubbed(c.scrub, err)}
	default:
		// A 200 without an access token, or a body x/oauth2 cannot read.
		out = &facade.DecodeError{Platform: platform, Operation: "OAuth2Token", Method: http.MethodPost,
			URL: c.scrub.URL(c.endpoint + oauthPath), StatusCode: http.StatusOK, Err: scrubbed(c.scrub, err)}
	}
	return &ExchangeError{Endpoint: c.endpoint, Err: out}
}

// exchangeMessage picks the server's explanation: the OAuth error fields
// when it sent them, else the plain-text body.
func exchangeMessage(re *oauth2.RetrieveError) string {
	if re.ErrorCode != "" {
		if re.ErrorDescription != "" {
			return re.ErrorCode + ": " + re.ErrorDescription
		}
		return re.ErrorCode
	}
	return plainMessage(re.Body)
}

// isTransport reports errors from before any answer (DNS, refused
// connection, timeout), which x/oauth2 returns as they came.
func isTransport(err error) bool {
	var ue interface{ Timeout() bool }
	return errors.As(err, &ue) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "connect") || strings.Contains(err.Error(), "dial")
}

// scrubbedErr hides secrets in an error's text and keeps it reachable.
type scrubbedErr struct {
	msg string
	err error
}

func (e *scrubbedErr) Error() string { return e.msg }
func (e *scrubbedErr) Unwrap() error { return e.err }

func scrubbed(s *redact.Scrubber, err error) error {
	if msg := s.String(err.Error()); msg != err.Error() {
		return &scrubbedErr{msg: msg, err: err}
	}
	return err
}
