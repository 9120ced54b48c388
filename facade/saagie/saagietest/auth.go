package saagietest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// claims are what the emulator's tokens carry. The real token's claims
// are not documented; clients must treat it as opaque apart from the
// standard exp (which Switchboard reads to renew early).
type claims struct {
	Realm      string   `json:"realm"`
	Roles      []string `json:"roles,omitempty"`
	Generation int64    `json:"gen"`
	jwt.RegisteredClaims
}

// login answers POST /authentication/api/open/authenticate: JSON
// {login,password} with the Saagie-Realm header in, the bare JWT out as
// text.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeHTTPError(w, r, http.StatusMethodNotAllowed, "Request method '"+r.Method+"' not supported")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeHTTPError(w, r, http.StatusBadRequest, "unreadable body")
		return
	}
	var in struct {
		Login    *string `json:"login"`
		Password *string `json:"password"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Login == nil || in.Password == nil {
		writeHTTPError(w, r, http.StatusBadRequest, "login and password are required")
		return
	}
	realm := r.Header.Get("Saagie-Realm")
	// The Gradle plugin sends the realm lower-cased, saagieapi as typed:
	// both log in, so the comparison ignores case.
	// Any user of the realm logs in: the administrator, and those created
	// through /auth/api/users with the password they were given (or
	// changed to).
	s.mu.Lock()
	u := s.st.users[*in.Login]
	ok := u != nil && u.password == *in.Password
	var roles []string
	if ok {
		roles = slices.Clone(u.roles)
	}
	s.mu.Unlock()
	if realm == "" || !strings.EqualFold(realm, s.Realm) || !ok {
		writeHTTPError(w, r, http.StatusUnauthorized, "Bad credentials")
		return
	}
	tok, err := s.issueToken(*in.Login, roles)
	if err != nil {
		writeHTTPError(w, r, http.StatusInternalServerError, "cannot sign the token")
		return
	}
	s.logins.Add(1)
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, tok)
}

// Token returns a valid token for the administrator without a login (and
// without counting one), for tests of code that takes a token.
func (s *Server) Token() string {
	tok, err := s.issueToken(s.User, []string{"ROLE_ADMIN"})
	if err != nil {
		panic("saagietest: signing a token: " + err.Error())
	}
	return tok
}

func (s *Server) issueToken(login string, roles []string) (string, error) {
	now := s.cfg.now()
	c := claims{
		Realm:      strings.ToLower(s.Realm),
		Roles:      roles,
		Generation: s.generation.Load(),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   login,
			Issuer:    "saagietest",
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.ttl)),
			ID:        randomHex(8), // two logins in the same second differ
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.secret)
}

// errUnauthenticated is why a request is refused with 401.
var errUnauthenticated = errors.New("full authentication is required to access this resource")

// authenticate checks a request's token: the Authorization Bearer header
// (saagieapi), the access_token parameter (the docs) or the
// SAAGIETOKEN<REALM> cookie (the web UI and the Gradle plugin).
func (s *Server) authenticate(r *http.Request) (*claims, error) {
	raw := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, errUnauthenticated
		}
		raw = strings.TrimSpace(tok)
	} else if t := r.URL.Query().Get("access_token"); t != "" {
		raw = t
	} else if c, err := r.Cookie("SAAGIETOKEN" + strings.ToUpper(s.Realm)); err == nil {
		raw = c.Value
	}
	if raw == "" {
		return nil, errUnauthenticated
	}
	c, hit := s.tokens.get(raw)
	if hit {
		// The signature and claims were verified when it was cached; the
		// expiry is checked as jwt's validator does (exp required, no
		// leeway), the rest below.
		if !s.cfg.now().Before(c.ExpiresAt.Time) {
			return nil, errors.New("JWT expired")
		}
	} else {
		_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return s.secret, nil },
			jwt.WithValidMethods([]string{"HS256"}),
			jwt.WithTimeFunc(s.cfg.now),
			jwt.WithExpirationRequired(),
		)
		if err != nil {
			if errors.Is(err, jwt.ErrTokenExpired) {
				return nil, errors.New("JWT expired")
			}
			return nil, errUnauthenticated
		}
		s.tokens.put(raw, c)
	}
	if c.Generation != s.generation.Load() || !strings.EqualFold(c.Realm, s.Realm) {
		return nil, errUnauthenticated
	}
	return &c, nil
}
