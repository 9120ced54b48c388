package spacestudio_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/fuzzanswer"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
)

// FuzzResponse answers the requests of a real client with one server
// answer built from the fuzzer's input (status, Content-Type, extra
// headers, body) and drives the facade's real decoding path: the token
// endpoint, the user lookup, the collections, the computation logs.
// Whatever the answer, a call must return a value or one of the documented
// error types, and the error must be short and free of the secrets: the
// password and the tokens it is exchanged for. FuzzEnvFile does the same
// for the .env file.

const (
	fuzzPassword = "pw-FUZZ-5b8d02e6a1"
	fuzzAccess   = "at-FUZZ-0c5e2b9a7d14"
	fuzzRefresh  = "rt-FUZZ-7f3a9c41e2d8"
)

var fuzzSecrets = []string{fuzzPassword, fuzzAccess, fuzzRefresh}

// fuzzAllowed are the error types spacestudio documents beyond the
// facade's.
var fuzzAllowed = []fuzzanswer.Allowed{
	// The messages are the server's whole text (Error cuts them): they
	// only must not hold a secret.
	fuzzanswer.As(func(e *spacestudio.ComputationError) fuzzanswer.Texts {
		return fuzzanswer.Texts{Whole: []string{strings.Join(e.Messages, "\n")}}
	}),
	fuzzanswer.As[*facade.WaitTimeoutError](nil),
	fuzzanswer.As[*spacestudio.NotFoundError](nil),
	// Results documents it for a mission without a computation log.
	fuzzanswer.Is(spacestudio.ErrNotComputed),
}

const (
	fuzzBase     = "https://spacestudio.example.com"
	fuzzTokenURL = "https://auth.example.com" + spacestudio.TokenPath
)

// Where the fuzzed answer goes; every other request gets a good answer.
const (
	fuzzAtAPI      = iota // the collections and missions
	fuzzAtToken           // the token endpoint (login)
	fuzzAtUserInfo        // the user lookup Connect makes
	fuzzAtResults         // the computation log, after a computation that went well
	fuzzTargets
)

func FuzzResponse(f *testing.F) {
	const js = "application/json"
	orbit := `{"id":"o1","name":"LEO","displayedName":"LEO","semiMajorAxis":7000}`
	f.Add(uint8(fuzzAtAPI), 200, js, "", `[`+orbit+`]`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", orbit)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `[{"name":"no id"}]`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `[{"id":"m1","name":"mission","computationLogId":"log1"}]`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `-1`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `42`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `"`+fuzzanswer.Big+`"`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `{"progress":"`+fuzzRefresh+`"}`)
	f.Add(uint8(fuzzAtAPI), 200, "text/csv", "", "a,b\n1,2\n")
	f.Add(uint8(fuzzAtAPI), 200, js, "", `{"results":{"x":[1,2]},"errors":[]}`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `null`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", ``)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `[{"id":"o1","na`)
	f.Add(uint8(fuzzAtAPI), 200, "text/html", "", `<html><body>Keycloak</body></html>`)
	f.Add(uint8(fuzzAtAPI), 409, js, "", `{"message":"name already used"}`)
	f.Add(uint8(fuzzAtAPI), 401, js, "", `{"error":"invalid_token","error_description":"token `+fuzzAccess+` expired"}`)
	f.Add(uint8(fuzzAtAPI), 500, js, "", `{"message":"`+fuzzanswer.Big+`"}`)
	f.Add(uint8(fuzzAtAPI), 302, "", "Location: https://evil.example.com/", "")
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"access_token":"`+fuzzAccess+`","refresh_token":"`+fuzzRefresh+`","expires_in":300,"token_type":"Bearer"}`)
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"access_token":"","expires_in":300}`)
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"error":"invalid_grant","error_description":"`+fuzzanswer.Big+`"}`)
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"access_token":"x","expires_in":"soon"}`)
	f.Add(uint8(fuzzAtToken), 401, js, "", `{"error":"invalid_grant","error_description":"Invalid user credentials for `+fuzzPassword+`"}`)
	f.Add(uint8(fuzzAtToken), 400, js, "", `{"error":"`+fuzzanswer.Big+`"}`)
	f.Add(uint8(fuzzAtToken), 200, "text/html", "", `<html>`+fuzzPassword+`</html>`)
	f.Add(uint8(fuzzAtToken), 200, "application/x-www-form-urlencoded", "", `access_token=`+fuzzAccess+`&expires_in=10`)
	f.Add(uint8(fuzzAtUserInfo), 200, js, "", `{"id":"u1","email":"fuzzer@example.com"}`)
	f.Add(uint8(fuzzAtUserInfo), 200, js, "", `{"id":""}`)
	f.Add(uint8(fuzzAtUserInfo), 403, js, "", `{"message":"scripting option not activated for `+fuzzAccess+`"}`)
	f.Add(uint8(fuzzAtResults), 200, js, "", `{"results":{"x":[1,2]},"errors":[{"message":"diverged"}]}`)
	f.Add(uint8(fuzzAtResults), 200, js, "", `{"results":null,"errors":[{"message":"`+fuzzanswer.Big+`"},{"message":"`+fuzzanswer.Big+`"}]}`)
	f.Add(uint8(fuzzAtResults), 200, js, "", `{"errors":[{"message":"bearer `+fuzzAccess+` refused"}]}`)

	goodToken := fuzzanswer.New(200, js, "", `{"access_token":"`+fuzzAccess+`","refresh_token":"`+fuzzRefresh+`","expires_in":300,"token_type":"Bearer"}`)
	goodUser := fuzzanswer.New(200, js, "", `{"id":"u1"}`)
	goodMissions := fuzzanswer.New(200, js, "", `[{"id":"m1","name":"mission","computationLogId":"log1"}]`)
	finished := fuzzanswer.New(200, js, "", `-1`)
	accepted := fuzzanswer.New(200, js, "", ``)
	wait := spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}

	f.Fuzz(func(t *testing.T, target uint8, status int, contentType, headers, body string) {
		target %= fuzzTargets
		rt := &fuzzanswer.Transport{Answer: fuzzanswer.New(status, contentType, headers, body)}
		rt.Fixed = func(req *http.Request) *fuzzanswer.Answer {
			p := req.URL.Path
			switch {
			case p == spacestudio.TokenPath:
				if target == fuzzAtToken {
					return nil
				}
				return &goodToken
			case p == "/exoops/users/infos":
				if target == fuzzAtUserInfo {
					return nil
				}
				return &goodUser
			case target == fuzzAtAPI:
				return nil
			case target == fuzzAtResults && strings.Contains(p, "/computationlogs/"):
				return nil
			case strings.Contains(p, "/status/"):
				return &finished
			case strings.Contains(p, "/compute/"):
				return &accepted
			}
			return &goodMissions
		}
		secrets := fuzzSecrets
		if target == fuzzAtToken {
			secrets = []string{fuzzPassword} // the fuzzer writes the tokens
		}
		ctx := context.Background()
		rt.Reset(12)
		c, err := spacestudio.Connect(ctx, fuzzBase, "fuzzer@example.com", fuzzPassword, "spacestudio-scripting",
			spacestudio.WithTokenURL(fuzzTokenURL),
			spacestudio.WithHTTPOptions(facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0)))
		if err != nil {
			fuzzanswer.CheckError(t, "Connect", err, secrets, fuzzAllowed...)
			return
		}
		if c.UserID() == "" {
			t.Fatal("Connect: no user id and no error")
		}
		type op struct {
			name string
			run  func() error
		}
		var ops []op
		switch target {
		case fuzzAtAPI:
			ops = []op{
				{"Orbits.All", func() error { _, err := c.Orbits.All(ctx); return err }},
				{"Orbits.List", func() error { return fuzzanswer.Drain(c.Orbits.List(ctx), 50) }},
				{"Orbits.Get", func() error { _, err := c.Orbits.Get(ctx, "o1"); return err }},
				{"Orbits.FindByName", func() error { _, err := c.Orbits.FindByName(ctx, "LEO"); return err }},
				{"Orbits.Create", func() error {
					_, err := c.Orbits.Create(ctx, map[string]any{"name": "LEO", "semiMajorAxis": 7000})
					return err
				}},
				{"Orbits.Update", func() error { _, err := c.Orbits.Update(ctx, "o1", map[string]any{"name": "LEO"}); return err }},
				{"Orbits.Delete", func() error { return c.Orbits.Delete(ctx, "o1") }},
				{"SimulationMissions.Compute", func() error { return c.SimulationMissions.Compute(ctx, "m1") }},
				{"SimulationMissions.Status", func() error { _, err := c.SimulationMissions.Status(ctx, "m1"); return err }},
				{"SimulationMissions.Wait", func() error { _, err := c.SimulationMissions.Wait(ctx, "m1", wait); return err }},
				{"SimulationMissions.Results", func() error { _, err := c.SimulationMissions.Results(ctx, "m1"); return err }},
				{"SimulationMissions.WriteResults", func() error {
					_, err := c.SimulationMissions.WriteResults(ctx, "m1", io.Discard)
					return err
				}},
				{"SimulationMissions.MergedResults", func() error { _, err := c.SimulationMissions.MergedResults(ctx, "m1"); return err }},
				{"ComputationLog", func() error { _, err := c.ComputationLog(ctx, "log1"); return err }},
				{"Files.DownloadCSV", func() error { _, err := c.Files.DownloadCSV(ctx, "eph.csv", io.Discard); return err }},
				{"Files.CSVAsJSON", func() error { _, err := c.Files.CSVAsJSON(ctx, "eph.csv"); return err }},
			}
		case fuzzAtResults:
			ops = []op{
				{"RunComputation", func() error { _, err := c.SimulationMissions.RunComputation(ctx, "m1", wait); return err }},
			}
		}
		for _, o := range ops {
			rt.Reset(12)
			fuzzanswer.CheckError(t, o.name, o.run(), secrets, fuzzAllowed...)
		}
	})
}

// FuzzEnvFile reads a .env file holding the fuzzed text followed by the
// password, as ConnectFromEnv does. Reading either works, with the
// password, or fails with a *facade.ConfigError naming the file and the
// line, never quoting the password.
func FuzzEnvFile(f *testing.F) {
	f.Add("LOG_BASE_URL=https://spacestudio.exotrail.space\nLOG_MAIL=me@example.com\nCLIENT_ID=spacestudio-scripting\nVERIFY_SSL_CERTIFICATE=FALSE\n")
	f.Add("# comment\nexport LOG_MAIL=me@example.com\n\nCLIENT_ID: id\n")
	f.Add("LOG_MAIL='single quoted $NOT_EXPANDED'\n")
	f.Add("LOG_MAIL=\"double $EXPANDED\"\n")
	f.Add("LOG_MAIL=plain$HOME\n")
	f.Add("LOG_MAIL=\"unterminated\n")
	f.Add("LOG_MAIL='unterminated\n")
	f.Add("not an assignment\n")
	f.Add("=value\n")
	f.Add("BAD-NAME=value\n")
	f.Add("LOG_MAIL=\"multi\nline\"\n")
	f.Add("LOG_MAIL=\"escaped \\\" quote\" # comment\n")
	f.Add("LOG_MAIL=${LOG_BASE_URL}/x\n")

	dir := f.TempDir()
	path := filepath.Join(dir, ".env")
	getenv := func(string) string { return "" }

	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, fuzzPassword) {
			return // the fuzzer wrote the password itself, outside its value
		}
		content := text + "\n" + spacestudio.EnvPassword + "=" + fuzzPassword + "\n"
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := spacestudio.ReadEnv(getenv, path)
		if err != nil {
			var ce *facade.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("ReadEnv: error of type %T, want *facade.ConfigError: %s", err, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if ce.File != path || ce.Line <= 0 {
				t.Fatalf("ReadEnv: error without the file and line (File %q, Line %d): %s", ce.File, ce.Line, fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			if fuzzanswer.Hide(err.Error(), fuzzSecrets...) != err.Error() || len(err.Error()) > fuzzanswer.MaxError {
				t.Fatalf("ReadEnv: error quoting the password or too long: %.300s", fuzzanswer.Hide(err.Error(), fuzzSecrets...))
			}
			return
		}
		if s.File != path {
			t.Fatalf("ReadEnv: File %q", s.File)
		}
		if s.Password != fuzzPassword {
			t.Fatalf("ReadEnv: password %q, want the file's last line", fuzzanswer.Hide(s.Password, fuzzSecrets...))
		}
	})
}
