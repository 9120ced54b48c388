package st2

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/auth"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2authapi"
)

// Token is an st2 auth token.
type Token struct {
	// User the token belongs to.
	User string
	// Value goes in the X-Auth-Token header. Never log it.
	Value string
	// Expiry is when the server stops accepting it.
	Expiry time.Time
}

// cachedToken is the CLI's cache file format.
type cachedToken struct {
	Token           string  `json:"token"`
	ExpireTimestamp float64 `json:"expire_timestamp"`
}

// now is replaced by tests that move across an expiry.
var now = time.Now

// tokenSource builds the renewing token of a user login, starting from
// the CLI's cached token when it is still good for 15 seconds.
func (c *Client) tokenSource() (*auth.Source, error) {
	path, err := c.cfg.tokenCachePath()
	if err != nil {
		return nil, err
	}
	opts := []auth.Option{
		auth.WithMargin(tokenMargin * time.Second),
		auth.WithScrubber(c.scrub),
		auth.WithClock(func() time.Time { return now() }),
	}
	if !c.cfg.NoTokenCache {
		if tok, ok := readTokenCache(path); ok && now().Add(tokenMargin*time.Second).Before(tok.Expiry) {
			opts = append(opts, auth.WithInitial(tok))
		}
	}
	return auth.NewSource(func(ctx context.Context, _ auth.Token) (auth.Token, error) {
		t, err := c.login(ctx, c.cfg.Username, c.cfg.Password, c.cfg.TokenTTL)
		if err != nil {
			return auth.Token{}, err
		}
		// A cache that cannot be written costs a login next time, no more.
		_ = writeTokenCache(path, t)
		return auth.Token{Value: t.Value, Expiry: t.Expiry}, nil
	}, opts...), nil
}

// readTokenCache reads a cached token; a missing or unreadable file is no
// token.
func readTokenCache(path string) (auth.Token, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return auth.Token{}, false
	}
	var ct cachedToken
	if json.Unmarshal(b, &ct) != nil || ct.Token == "" || ct.ExpireTimestamp <= 0 || ct.ExpireTimestamp > math.MaxInt32*4 {
		return auth.Token{}, false
	}
	sec, frac := math.Modf(ct.ExpireTimestamp)
	return auth.Token{Value: ct.Token, Expiry: time.Unix(int64(sec), int64(frac*1e9))}, true
}

// writeTokenCache stores the token as the CLI does, but private to the
// user (0600 in a 0700 directory; the CLI uses 0660 and 2770), replacing
// the file atomically so that a concurrent reader never sees half a token.
func writeTokenCache(path string, t Token) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(cachedToken{Token: t.Value, ExpireTimestamp: float64(t.Expiry.Unix())})
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".token-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename this finds nothing
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// login exchanges a user and password for a token (POST <auth>/tokens).
func (c *Client) login(ctx context.Context, user, password string, ttl int) (Token, error) {
	if password == "" {
		return Token{}, ErrNoPassword
	}
	c.scrub.Add(password)
	ctx = context.WithValue(transport.QuietBody(ctx), loginKey{}, true)
	resp, err := c.authAPI.CreateToken(ctx, &st2authapi.CreateTokenParams{}, st2authapi.TokenRequest{TTL: ttl},
		func(_ context.Context, req *http.Request) error {
			req.SetBasicAuth(user, password)
			return nil
		})
	tok, err := wire.Decode[st2authapi.Token](c.call("CreateToken"), resp, err)
	if err != nil {
		return Token{}, err
	}
	c.scrub.Add(tok.Token)
	if tok.Token == "" {
		return Token{}, &facade.DecodeError{Platform: platform, Operation: "CreateToken", Err: errors.New("the answer holds no token")}
	}
	return Token{User: tok.User, Value: tok.Token, Expiry: tok.Expiry}, nil
}

// Login obtains a new token for user and password, as `st2 auth` does,
// without changing the client's own credentials. ttl in seconds; zero takes
// the server's default (24 h).
func (c *Client) Login(ctx context.Context, user, password string, ttl int) (Token, error) {
	if ttl < 0 {
		return Token{}, &facade.ConfigError{Platform: platform, Setting: "ttl", Reason: "must be positive"}
	}
	return c.login(ctx, user, password, ttl)
}

// Token returns the token the client authenticates with when it logs in
// as a user, logging in (or renewing) first when needed; for a client built
// with a token it returns that, and for an API key client an error.
func (c *Client) Token(ctx context.Context) (Token, error) {
	switch {
	case c.cfg.Token != "":
		return Token{Value: c.cfg.Token}, nil
	case c.tokens != nil:
		t, err := c.tokens.Token(ctx)
		if err != nil {
			return Token{}, err
		}
		return Token{User: c.cfg.Username, Value: t.Value, Expiry: t.Expiry}, nil
	}
	return Token{}, errors.New("st2: the client does not authenticate with a token")
}
