package spacestudio_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// A whole session at debug level, with every kind of token traffic (login,
// refresh before expiry, re-login after a 401 and after the session ends,
// a refused login) and errors: neither the log nor any error holds the
// password, an access token or a refresh token, whole or in part.
func TestSecretsNeverLogged(t *testing.T) {
	clk := newClock()
	srv := spacestudiotest.NewServer(spacestudiotest.WithClock(clk.now), spacestudiotest.WithCompute(2, 0),
		spacestudiotest.WithCredentials("pilot@example.com", "Pa55-w0rd-Very-Secret", "scripting"))
	t.Cleanup(srv.Close)
	logger, logs := leakcheck.Logger()
	// The recorder notes every access and refresh token the token
	// endpoint hands out, below the client's logging, so the test knows
	// what to look for.
	rec := &leakcheck.Tokens{}
	opts := []spacestudio.Option{
		spacestudio.WithTokenURL(srv.TokenURL), spacestudio.WithClock(clk.now),
		spacestudio.WithHTTPOptions(
			facade.WithLogger(logger),
			facade.WithMiddleware(rec.Wrap),
			facade.WithRetry(1, time.Millisecond, time.Millisecond)),
	}
	ctx := context.Background()
	var errs leakcheck.Errors
	keep := errs.Keep

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
	// The renewal after the 401 fails, and so does the retry layer's one
	// more try: the caller gets the login's 500, not the 401.
	srv.FailNext(2, 500, "POST "+spacestudiotest.TokenPath)
	srv.RevokeTokens()
	_, err = c.Orbits.All(ctx)
	if err == nil || !strings.Contains(err.Error(), "renewing credentials") || !strings.Contains(err.Error(), "500") {
		t.Fatalf("a failed renewal after a 401 gave %v, want the login's 500", err)
	}
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
	// At least two tokens (access and refresh) from each of the four
	// grants the stats count.
	if n := len(rec.Issued()); n < 8 {
		t.Fatalf("only %d tokens recorded", n)
	}
	texts := errs.Texts()
	texts["debug log"] = log
	leakcheck.Assert(t, texts, append(rec.Secrets(), leakcheck.Secret{Name: "password", Value: srv.Password})...)
}
