package spacestudio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// tokenRecorder notes every access and refresh token the token endpoint
// hands out, below the client's logging, so the test knows what to look
// for.
type tokenRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	tokens []string
}

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || req.URL.Path != spacestudiotest.TokenPath {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var tok struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.Access != "" {
		r.mu.Lock()
		r.tokens = append(r.tokens, tok.Access, tok.Refresh)
		r.mu.Unlock()
	}
	return resp, nil
}

// syncBuffer is a log destination safe for the client's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A whole session at debug level, with every kind of token traffic (login,
// refresh before expiry, re-login after a 401 and after the session ends,
// a refused login) and errors: neither the log nor any error holds the
// password, an access token or a refresh token, whole or in part.
func TestSecretsNeverLogged(t *testing.T) {
	clk := newClock()
	srv := spacestudiotest.NewServer(spacestudiotest.WithClock(clk.now), spacestudiotest.WithCompute(2, 0),
		spacestudiotest.WithCredentials("pilot@example.com", "Pa55-w0rd-Very-Secret", "scripting"))
	t.Cleanup(srv.Close)
	var logs syncBuffer
	rec := &tokenRecorder{}
	opts := []spacestudio.Option{
		spacestudio.WithTokenURL(srv.TokenURL), spacestudio.WithClock(clk.now),
		spacestudio.WithHTTPOptions(
			facade.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			facade.WithMiddleware(func(next http.RoundTripper) http.RoundTripper { rec.next = next; return rec }),
			facade.WithRetry(1, time.Millisecond, time.Millisecond)),
	}
	ctx := context.Background()
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	_, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password+"-typo", srv.ClientID, opts...)
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	keep(err)
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, opts...)
	if err != nil {
		t.Fatal(err)
	}
	orbit := check(c.Orbits.Create(ctx, map[string]any{"name": "o", "altitude": 5e5}))(t)
	_, err = c.Orbits.Create(ctx, map[string]any{"name": "o"})
	keep(err)
	clk.advance(299 * time.Second) // within the margin: refresh grant
	sat := check(c.Spacecraft.Create(ctx, map[string]any{"name": "s"}))(t)
	srv.RevokeTokens() // 401, then a new login
	m := check(c.SimulationMissions.Create(ctx, map[string]any{"name": "m", "spacecraft": sat, "initialOrbit": orbit}))(t)
	clk.advance(2 * time.Hour) // the refresh token has expired too
	check(c.SimulationMissions.RunComputation(ctx, m.ID, spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond}}))(t)
	var out bytes.Buffer
	check(c.Files.DownloadCSV(ctx, srv.Files()[0], &out))(t)
	_, err = c.Files.DownloadJSON(ctx, "missing", &out)
	keep(err)
	srv.FailNext(1, 500, "POST "+spacestudiotest.TokenPath)
	srv.RevokeTokens()
	_, err = c.Orbits.All(ctx)
	keep(err)
	check(c.Orbits.All(ctx))(t)

	if s := srv.Stats(); s.PasswordGrants < 3 || s.RefreshGrants < 1 || s.Rejected < 2 {
		t.Fatalf("the session did not exercise every renewal: %+v", s)
	}
	log := logs.String()
	if !strings.Contains(log, "orbitdefinitions") || !strings.Contains(log, "openid-connect/token") {
		t.Fatalf("the debug log misses the calls:\n%.2000s", log)
	}
	if len(errs) < 4 {
		t.Fatalf("only %d errors collected", len(errs))
	}
	rec.mu.Lock()
	secrets := append([]string{srv.Password}, rec.tokens...)
	rec.mu.Unlock()
	if len(secrets) < 9 {
		t.Fatalf("only %d secrets recorded", len(secrets))
	}
	for i, secret := range secrets {
		parts := []string{secret}
		if segs := strings.Split(secret, "."); len(segs) == 3 { // a JWT: its signature alone is the secret part
			parts = append(parts, segs[2])
		}
		for _, p := range parts {
			if p == "" {
				t.Fatalf("secret %d is empty", i)
			}
			// Name the secret by its index: printing it would leak it.
			if strings.Contains(log, p) {
				t.Errorf("secret %d appears in the debug log", i)
			}
			for _, err := range errs {
				if strings.Contains(err.Error(), p) {
					t.Errorf("secret %d appears in the error %q", i, strings.ReplaceAll(err.Error(), p, "<secret>"))
				}
			}
		}
	}
}
