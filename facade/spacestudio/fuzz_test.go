package spacestudio_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
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

// fuzzMaxError bounds an error string: an APIError's message and a
// DecodeError's excerpt are capped at 1 KiB, the rest is the request line.
const fuzzMaxError = 4 << 10

// fuzzBig in a fuzzed body stands for 8 KiB of text, so that the fuzzer
// can try huge fields without huge inputs, and an error quoting a field
// whole shows up as an unbounded message.
const fuzzBig = "%BIG%"

var fuzzBigText = strings.Repeat("x", 8<<10)

// fuzzAnswer is a server answer.
type fuzzAnswer struct {
	status int
	header http.Header
	body   []byte
}

func newFuzzAnswer(status int, contentType, headers, body string) fuzzAnswer {
	// Keep to final statuses: 1xx are never handed to a client.
	if status < 200 || status > 599 {
		status = 200 + (max(status, -status)%400+400)%400
	}
	h := http.Header{}
	for line := range strings.SplitSeq(headers, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) != "" {
			h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	b := bytes.Replace([]byte(body), []byte(fuzzBig), []byte(fuzzBigText), 4)
	return fuzzAnswer{status: status, header: h, body: b}
}

// fuzzTransport gives the fuzzed answer to every request, except those
// fixed answers (a login, when the API is fuzzed) and up to a budget per
// operation; past it the "network" fails, so that an answer that makes a
// list endless still ends (with a *facade.TransportError).
type fuzzTransport struct {
	answer fuzzAnswer
	fixed  func(*http.Request) *fuzzAnswer
	mu     sync.Mutex
	left   int
}

func (rt *fuzzTransport) reset(budget int) {
	rt.mu.Lock()
	rt.left = budget
	rt.mu.Unlock()
}

func (rt *fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	a := &rt.answer
	if rt.fixed != nil {
		if f := rt.fixed(req); f != nil {
			a = f
		}
	}
	rt.mu.Lock()
	rt.left--
	out := rt.left < 0
	rt.mu.Unlock()
	if out {
		return nil, errors.New("fuzz: request budget spent")
	}
	return &http.Response{
		StatusCode: a.status, Status: http.StatusText(a.status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        a.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)),
		Request:       req,
	}, nil
}

// fuzzHide replaces the secrets, so a failure report never prints them.
func fuzzHide(s string) string {
	for _, secret := range fuzzSecrets {
		s = strings.ReplaceAll(s, secret, "<SECRET>")
	}
	return s
}

// fuzzLeaks reports whether s holds one of secrets.
func fuzzLeaks(s string, secrets []string) bool {
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// fuzzCheckErr fails on an error of an undocumented type, a long error
// string or one quoting one of secrets, the client's own.
func fuzzCheckErr(t *testing.T, op string, err error, secrets []string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if len(msg) > fuzzMaxError {
		t.Fatalf("%s: error string of %d bytes (max %d): %.300s…", op, len(msg), fuzzMaxError, fuzzHide(msg))
	}
	var (
		apiErr  *facade.APIError
		decErr  *facade.DecodeError
		trErr   *facade.TransportError
		argErr  *facade.ArgumentError
		waitErr *facade.WaitTimeoutError
		nfErr   *spacestudio.NotFoundError
		compErr *spacestudio.ComputationError
	)
	var fields []string
	switch {
	case errors.As(err, &apiErr):
		fields = []string{apiErr.Message, apiErr.Body, apiErr.URL}
	case errors.As(err, &decErr):
		fields = []string{decErr.Body, decErr.URL}
	case errors.As(err, &trErr):
		fields = []string{trErr.URL}
	case errors.As(err, &compErr):
		// The messages are the server's whole text (Error cuts them):
		// they only must not hold a secret.
		if s := strings.Join(compErr.Messages, "\n"); fuzzLeaks(s, secrets) {
			t.Fatalf("%s: a secret leaked into the computation's messages: %.300s", op, fuzzHide(s))
		}
	case errors.As(err, &argErr), errors.As(err, &waitErr), errors.As(err, &nfErr):
	case errors.Is(err, spacestudio.ErrNotComputed):
		// Results documents it for a mission without a computation log.
	default:
		t.Fatalf("%s: error of undocumented type %T: %s", op, err, fuzzHide(msg))
	}
	for _, s := range append(fields, msg) {
		if fuzzLeaks(s, secrets) {
			t.Fatalf("%s: a secret leaked into the error: %s", op, fuzzHide(s))
		}
		if len(s) > fuzzMaxError {
			t.Fatalf("%s: error field of %d bytes", op, len(s))
		}
	}
}

// fuzzDrain reads at most limit items of a list.
func fuzzDrain[T any](seq iter.Seq2[T, error], limit int) error {
	n := 0
	for _, err := range seq {
		if err != nil {
			return err
		}
		if n++; n >= limit {
			break
		}
	}
	return nil
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
	f.Add(uint8(fuzzAtAPI), 200, js, "", `"`+fuzzBig+`"`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `{"progress":"`+fuzzRefresh+`"}`)
	f.Add(uint8(fuzzAtAPI), 200, "text/csv", "", "a,b\n1,2\n")
	f.Add(uint8(fuzzAtAPI), 200, js, "", `{"results":{"x":[1,2]},"errors":[]}`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `null`)
	f.Add(uint8(fuzzAtAPI), 200, js, "", ``)
	f.Add(uint8(fuzzAtAPI), 200, js, "", `[{"id":"o1","na`)
	f.Add(uint8(fuzzAtAPI), 200, "text/html", "", `<html><body>Keycloak</body></html>`)
	f.Add(uint8(fuzzAtAPI), 409, js, "", `{"message":"name already used"}`)
	f.Add(uint8(fuzzAtAPI), 401, js, "", `{"error":"invalid_token","error_description":"token `+fuzzAccess+` expired"}`)
	f.Add(uint8(fuzzAtAPI), 500, js, "", `{"message":"`+fuzzBig+`"}`)
	f.Add(uint8(fuzzAtAPI), 302, "", "Location: https://evil.example.com/", "")
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"access_token":"`+fuzzAccess+`","refresh_token":"`+fuzzRefresh+`","expires_in":300,"token_type":"Bearer"}`)
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"access_token":"","expires_in":300}`)
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"error":"invalid_grant","error_description":"`+fuzzBig+`"}`)
	f.Add(uint8(fuzzAtToken), 200, js, "", `{"access_token":"x","expires_in":"soon"}`)
	f.Add(uint8(fuzzAtToken), 401, js, "", `{"error":"invalid_grant","error_description":"Invalid user credentials for `+fuzzPassword+`"}`)
	f.Add(uint8(fuzzAtToken), 400, js, "", `{"error":"`+fuzzBig+`"}`)
	f.Add(uint8(fuzzAtToken), 200, "text/html", "", `<html>`+fuzzPassword+`</html>`)
	f.Add(uint8(fuzzAtToken), 200, "application/x-www-form-urlencoded", "", `access_token=`+fuzzAccess+`&expires_in=10`)
	f.Add(uint8(fuzzAtUserInfo), 200, js, "", `{"id":"u1","email":"fuzzer@example.com"}`)
	f.Add(uint8(fuzzAtUserInfo), 200, js, "", `{"id":""}`)
	f.Add(uint8(fuzzAtUserInfo), 403, js, "", `{"message":"scripting option not activated for `+fuzzAccess+`"}`)
	f.Add(uint8(fuzzAtResults), 200, js, "", `{"results":{"x":[1,2]},"errors":[{"message":"diverged"}]}`)
	f.Add(uint8(fuzzAtResults), 200, js, "", `{"results":null,"errors":[{"message":"`+fuzzBig+`"},{"message":"`+fuzzBig+`"}]}`)
	f.Add(uint8(fuzzAtResults), 200, js, "", `{"errors":[{"message":"bearer `+fuzzAccess+` refused"}]}`)

	goodToken := newFuzzAnswer(200, js, "", `{"access_token":"`+fuzzAccess+`","refresh_token":"`+fuzzRefresh+`","expires_in":300,"token_type":"Bearer"}`)
	goodUser := newFuzzAnswer(200, js, "", `{"id":"u1"}`)
	goodMissions := newFuzzAnswer(200, js, "", `[{"id":"m1","name":"mission","computationLogId":"log1"}]`)
	finished := newFuzzAnswer(200, js, "", `-1`)
	accepted := newFuzzAnswer(200, js, "", ``)
	wait := spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Microsecond, MaxInterval: time.Microsecond, Timeout: 2 * time.Millisecond}}

	f.Fuzz(func(t *testing.T, target uint8, status int, contentType, headers, body string) {
		target %= fuzzTargets
		rt := &fuzzTransport{answer: newFuzzAnswer(status, contentType, headers, body)}
		rt.fixed = func(req *http.Request) *fuzzAnswer {
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
		rt.reset(12)
		c, err := spacestudio.Connect(ctx, fuzzBase, "fuzzer@example.com", fuzzPassword, "spacestudio-scripting",
			spacestudio.WithTokenURL(fuzzTokenURL),
			spacestudio.WithHTTPOptions(facade.WithBaseTransport(rt), facade.WithRetry(0, 0, 0)))
		if err != nil {
			fuzzCheckErr(t, "Connect", err, secrets)
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
				{"Orbits.List", func() error { return fuzzDrain(c.Orbits.List(ctx), 50) }},
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
			rt.reset(12)
			fuzzCheckErr(t, o.name, o.run(), secrets)
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
				t.Fatalf("ReadEnv: error of type %T, want *facade.ConfigError: %s", err, fuzzHide(err.Error()))
			}
			if ce.File != path || ce.Line <= 0 {
				t.Fatalf("ReadEnv: error without the file and line (File %q, Line %d): %s", ce.File, ce.Line, fuzzHide(err.Error()))
			}
			if fuzzLeaks(err.Error(), fuzzSecrets) || len(err.Error()) > fuzzMaxError {
				t.Fatalf("ReadEnv: error quoting the password or too long: %.300s", fuzzHide(err.Error()))
			}
			return
		}
		if s.File != path {
			t.Fatalf("ReadEnv: File %q", s.File)
		}
		if s.Password != fuzzPassword {
			t.Fatalf("ReadEnv: password %q, want the file's last line", fuzzHide(s.Password))
		}
	})
}
