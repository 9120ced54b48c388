package spacestudio

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
)

// login obtains access tokens from the Keycloak realm. The Python package
// logs in once and never renews; here the refresh token (standard
// Keycloak, not exercised by the Python package) renews an expiring
// token, and a rejected one leads to a new password login.
type login struct {
	oauth    oauth2.Config
	mail     string
	password string
	http     *http.Client
	scrub    *redact.Scrubber
	now      func() time.Time
}

// fetch is the auth.FetchFunc. prev.Value is empty on the first call and
// after the API rejected the token: both need the password. An expiring
// token with a refresh token is refreshed; if the refresh is refused (the
// session ended), the password grant follows.
func (l *login) fetch(ctx context.Context, prev auth.Token) (auth.Token, error) {
	// Token answers carry secrets the Scrubber learns only after reading
	// them: keep the bodies out of the debug log.
	ctx = context.WithValue(transport.QuietBody(ctx), oauth2.HTTPClient, l.http)
	if prev.Value != "" && prev.Refresh != "" {
		expired := &oauth2.Token{RefreshToken: prev.Refresh, Expiry: time.Unix(1, 0)}
		tok, err := l.oauth.TokenSource(ctx, expired).Token()
		if err == nil {
			return l.convert(tok), nil
		}
		if ctx.Err() != nil {
			return auth.Token{}, l.tokenError("RefreshToken", err)
		}
	}
	tok, err := l.oauth.PasswordCredentialsToken(ctx, l.mail, l.password)
	if err != nil {
		return auth.Token{}, l.tokenError("Login", err)
	}
	return l.convert(tok), nil
}

// convert computes the expiry on the client's clock from expires_in, so
// that tests with a fake clock see tokens expire.
func (l *login) convert(tok *oauth2.Token) auth.Token {
	out := auth.Token{Value: tok.AccessToken, Refresh: tok.RefreshToken}
	if tok.ExpiresIn > 0 {
		out.Expiry = l.now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	l.scrub.Add(out.Value, out.Refresh)
	return out
}

// tokenError turns x/oauth2's errors into the facade's: a refused grant is
// a *facade.APIError (401 invalid_grant matches facade.ErrUnauthorized),
// a failure before any answer a *facade.TransportError.
func (l *login) tokenError(op string, err error) error {
	u := l.scrub.URL(l.oauth.Endpoint.TokenURL)
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		msg := strings.TrimSpace(re.ErrorDescription)
		if msg == "" {
			msg = re.ErrorCode
		}
		if msg == "" {
			msg = http.StatusText(re.Response.StatusCode)
		}
		status := re.Response.StatusCode
		if status >= 200 && status <= 299 { // an "error" field in a 200
			return &facade.DecodeError{Platform: platform, Operation: op, Method: http.MethodPost, URL: u,
				StatusCode: status, ContentType: re.Response.Header.Get("Content-Type"), Err: errors.New(redact.Truncate(l.scrub.String(msg), 1<<10))}
		}
		return &facade.APIError{
			Platform: platform, Operation: op, Method: http.MethodPost, URL: u,
			StatusCode: status, Message: redact.Truncate(l.scrub.String(msg), 1<<10),
			Body: redact.Truncate(string(l.scrub.Body(re.Response.Header.Get("Content-Type"), re.Body)), 1<<10),
		}
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) || strings.Contains(err.Error(), "missing access_token") || strings.Contains(err.Error(), "cannot parse json") {
		return &facade.DecodeError{Platform: platform, Operation: op, Method: http.MethodPost, URL: u, Err: errors.New(l.scrub.String(err.Error()))}
	}
	return &facade.TransportError{Platform: platform, Operation: op, Method: http.MethodPost, URL: u, Err: scrubbed(l.scrub, wire.WithCertHint(err))}
}

// scrubbed keeps err for errors.Is (context.DeadlineExceeded) while its
// message loses any secret.
func scrubbed(s *redact.Scrubber, err error) error {
	if msg := s.String(err.Error()); msg != err.Error() {
		return &scrubbedError{msg: msg, err: err}
	}
	return err
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
