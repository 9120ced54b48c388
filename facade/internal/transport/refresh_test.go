package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// renewing is a Refresher whose token the server always rejects and whose
// renewal ends with err (nil: a new token the server accepts).
type renewing struct {
	tok      atomic.Value // string
	renewals atomic.Int32
	err      error
}

func (c *renewing) Apply(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+c.tok.Load().(string))
	return nil
}

func (c *renewing) Refresh(context.Context, *http.Request) error {
	c.renewals.Add(1)
	if c.err != nil {
		return c.err
	}
	c.tok.Store("fresh")
	return nil
}

// TestRefreshFailureReachesTheCaller: a 401 whose renewal fails gives the
// caller the renewal's error (what to fix: the password, the token
// endpoint), not the 401 of the expired token; credentials that cannot be
// renewed (ErrCannotRenew) give the 401 itself.
func TestRefreshFailureReachesTheCaller(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Authorization") != "Bearer fresh" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"faultstring":"Token has expired."}`)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	refused := &facade.APIError{StatusCode: 401, Operation: "CreateToken", Message: "Invalid or missing credentials"}
	cases := []struct {
		name         string
		err          error
		wantStatus   int   // 0: an error
		wantCause    error // matched by errors.Is
		wantRequests int32
		wantRenewals int32
	}{
		{"renewed", nil, 200, nil, 2, 1},
		{"login refused", fmt.Errorf("renewing credentials: %w", refused), 0, refused, 1, 1},
		{"token endpoint down", fmt.Errorf("renewing credentials: %w", &facade.APIError{StatusCode: 503, Operation: "CreateToken"}), 0, nil, 3, 3},
		{"cannot renew", fmt.Errorf("st2: %w", ErrCannotRenew), 401, nil, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requests.Store(0)
			creds := &renewing{err: tc.err}
			creds.tok.Store("expired")
			s := &sleeper{}
			client, _, err := newClient(Config{BaseURL: srv.URL, Credentials: creds,
				Options: facade.NewOptions(facade.WithRetry(2, time.Millisecond, time.Millisecond))}, s.sleep, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Get(srv.URL + "/x")
			if resp != nil {
				resp.Body.Close()
			}
			switch {
			case tc.wantStatus != 0:
				if err != nil || resp.StatusCode != tc.wantStatus {
					t.Fatalf("got %v, %v; want status %d", resp, err, tc.wantStatus)
				}
			default:
				var ce *CredentialsError
				var apiErr *facade.APIError
				if !errors.As(err, &ce) || !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "renewing credentials") {
					t.Fatalf("got %v, %v; want a *CredentialsError wrapping the renewal's *facade.APIError", resp, err)
				}
				if tc.wantCause != nil && !errors.Is(err, tc.wantCause) {
					t.Fatalf("error %v does not wrap %v", err, tc.wantCause)
				}
				if tc.wantCause == refused && !errors.Is(err, facade.ErrUnauthorized) {
					t.Fatalf("a refused login must match facade.ErrUnauthorized: %v", err)
				}
			}
			if requests.Load() != tc.wantRequests || creds.renewals.Load() != tc.wantRenewals {
				t.Fatalf("%d requests, %d renewals; want %d, %d", requests.Load(), creds.renewals.Load(), tc.wantRequests, tc.wantRenewals)
			}
		})
	}
}
