package securitytest

import (
	"context"
	"errors"
	"fmt"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/cachet"
	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// platform is one platform's part of the secrets test: the credentials it
// was configured with, its facade flows (which return every error they
// met) and its CLI invocations.
type platform struct {
	name    string
	front   *front
	clock   *clock
	secrets []leakcheck.Secret
	// flows runs the facade's main flows and failure paths.
	flows func(ctx context.Context, opts []facade.Option) []error
	// redirected runs one GET that the front redirects.
	redirected func(ctx context.Context, opts []facade.Option) error
	env        map[string]string
	// renewal401 counts the 401s met after expire moved the clock.
	renewal401 int
	cli        [][]string
}

// expire moves the emulator's clock by d, past the token's lifetime, and
// runs call, counting the 401 answers it met: the client must renew and
// succeed.
func (p *platform) expire(d time.Duration, call func() error) error {
	before := p.front.Unauthorized()
	p.clock.Advance(d)
	err := call()
	p.renewal401 += p.front.Unauthorized() - before
	return err
}

// quick keeps the 5xx path short: one retry, no real backoff.
var quick = facade.WithRetry(1, time.Millisecond, time.Millisecond)

func platforms(t *testing.T) []*platform {
	return []*platform{cachetPlatform(t), st2Platform(t), rightscalePlatform(t), saagiePlatform(t), spacestudioPlatform(t)}
}

// hostile runs fn with the front echoing credentials in a 4xx, then in a
// 5xx, and returns the errors.
func hostile(f *front, fn func() error) []error {
	var errs []error
	for _, m := range []int32{modeEcho4xx, modeEcho5xx} {
		f.mode.Store(m)
		errs = append(errs, fn())
	}
	f.mode.Store(modePass)
	return errs
}

func cachetPlatform(t *testing.T) *platform {
	const tok = "cachet-token-0123456789abcdef"
	srv := cachettest.NewServer(cachettest.WithToken(tok))
	t.Cleanup(srv.Close)
	f := newFront(t, srv.Handler())
	base := f.URL + "/api/v1"
	p := &platform{name: "cachet", front: f, secrets: []leakcheck.Secret{{Name: "cachet API token", Value: tok}}}
	p.flows = func(ctx context.Context, opts []facade.Option) []error {
		var errs []error
		c, err := cachet.New(base, tok, opts...)
		if err != nil {
			return []error{err}
		}
		errs = append(errs, c.Ping(ctx))
		comp, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational})
		errs = append(errs, err)
		if comp != nil {
			_, err = c.Components.Get(ctx, comp.ID)
			errs = append(errs, err)
		}
		_, err = c.Components.Get(ctx, 999)
		errs = append(errs, err)
		for _, err := range c.Components.List(ctx, cachet.ComponentListOptions{}) {
			errs = append(errs, err)
		}
		wrong, _ := cachet.New(base, "wrong-cachet-token-000000", opts...)
		_, err = wrong.Components.Create(ctx, cachet.ComponentCreate{Name: "x", Status: cachet.ComponentOperational})
		errs = append(errs, err)
		return append(errs, hostile(f, func() error { _, err := c.Components.Get(ctx, 1); return err })...)
	}
	p.redirected = func(ctx context.Context, opts []facade.Option) error {
		c, _ := cachet.New(base, tok, opts...)
		_, err := c.Components.Create(ctx, cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational})
		if err != nil {
			return err
		}
		f.mode.Store(modeRedirect)
		defer f.mode.Store(modePass)
		_, err = c.Components.Get(ctx, 1)
		return err
	}
	p.env = map[string]string{cachet.EnvEndpoint: base, cachet.EnvToken: tok}
	p.cli = [][]string{{"cachet", "ping"}, {"cachet", "component", "create", "--name", "CDN"}, {"cachet", "component", "list"}, {"cachet", "component", "get", "999"}}
	return p
}

func st2Platform(t *testing.T) *platform {
	const user, pw, key = "st2admin", "st2-Passw0rd-secret", "st2-api-key-0123456789abcdef"
	clk := &clock{}
	srv := st2test.NewServer(st2test.WithUser(user, pw), st2test.WithAPIKey(key), st2test.WithClock(clk.Func()))
	t.Cleanup(srv.Close)
	f := newFront(t, srv.Handler())
	cfg := st2.Config{AuthURL: f.URL + "/auth/v1", APIURL: f.URL + "/api/v1", StreamURL: f.URL + "/stream/v1", SkipConfig: true}
	p := &platform{name: "st2", front: f, clock: clk, secrets: []leakcheck.Secret{{Name: "st2 password", Value: pw}, {Name: "st2 API key", Value: key}}}
	wait := st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond, Timeout: time.Minute}}
	login := func(password string, opts []facade.Option) (*st2.Client, error) {
		c := cfg
		c.Username, c.Password, c.TokenCacheDir = user, password, t.TempDir()
		return st2.New(c, opts...)
	}
	p.flows = func(ctx context.Context, opts []facade.Option) []error {
		var errs []error
		c, err := login(pw, opts)
		if err != nil {
			return []error{err}
		}
		_, err = c.Executions.RunAndWait(ctx, "core.echo", map[string]any{"message": "hello"}, wait)
		errs = append(errs, err)
		_, err = c.Keys.Set(ctx, st2.KeyValuePairSet{Name: "greeting", Value: "hi"})
		errs = append(errs, err)
		// The server now rejects the token: 401, then a new login.
		errs = append(errs, p.expire(25*time.Hour, func() error { _, err := c.Keys.Get(ctx, "greeting", st2.KeyOptions{}); return err }))
		_, err = c.Keys.Get(ctx, "missing", st2.KeyOptions{})
		errs = append(errs, err)
		wrong, err := login("wrong-password-st2", opts)
		if err == nil {
			_, err = wrong.Keys.Get(ctx, "greeting", st2.KeyOptions{})
		}
		errs = append(errs, err)
		kc := cfg
		kc.APIKey = key
		byKey, err := st2.New(kc, opts...)
		if err != nil {
			return append(errs, err)
		}
		_, err = byKey.Executions.Run(ctx, "core.echo", map[string]any{"message": "by key"})
		errs = append(errs, err)
		return append(errs, hostile(f, func() error { _, err := byKey.Keys.Get(ctx, "greeting", st2.KeyOptions{}); return err })...)
	}
	p.redirected = func(ctx context.Context, opts []facade.Option) error {
		c, err := login(pw, opts)
		if err != nil {
			return err
		}
		if _, err := c.Keys.Set(ctx, st2.KeyValuePairSet{Name: "r", Value: "v"}); err != nil {
			return err
		}
		kc := cfg
		kc.APIKey = key
		byKey, _ := st2.New(kc, opts...)
		f.mode.Store(modeRedirect)
		defer f.mode.Store(modePass)
		_, err1 := c.Keys.Get(ctx, "r", st2.KeyOptions{})
		_, err2 := byKey.Keys.Get(ctx, "r", st2.KeyOptions{})
		return errors.Join(err1, err2)
	}
	p.env = map[string]string{st2.EnvAuthURL: cfg.AuthURL, st2.EnvAPIURL: cfg.APIURL, st2.EnvStreamURL: cfg.StreamURL, st2.EnvAPIKey: key, st2.EnvSkipConfig: "1"}
	p.cli = [][]string{{"st2", "run", "core.echo", "message=hi"}, {"st2", "execution", "list", "-n", "2"}, {"st2", "key", "list"}, {"st2", "action", "get", "nope.missing"}}
	return p
}

func rightscalePlatform(t *testing.T) *platform {
	const refresh = "rs-refresh-token-0123456789abcdef"
	clk := &clock{}
	srv := rightscaletest.NewServer(rightscaletest.WithRefreshToken(refresh), rightscaletest.WithDemoData(),
		rightscaletest.WithTaskPolls(1), rightscaletest.WithClock(clk.Func()))
	t.Cleanup(srv.Close)
	f := newFront(t, srv.Handler())
	p := &platform{name: "rightscale", front: f, clock: clk, secrets: []leakcheck.Secret{{Name: "RightScale refresh token", Value: refresh}}}
	p.flows = func(ctx context.Context, opts []facade.Option) []error {
		var errs []error
		c, err := rightscale.New(f.URL, refresh, opts...)
		if err != nil {
			return []error{err}
		}
		_, err = c.ListInstances(ctx, "EC2 us-east-1", rightscale.ListInstancesOptions{})
		errs = append(errs, err)
		task, err := c.RunScriptOnServer(ctx, "Hello World", "haproxy", nil)
		errs = append(errs, err)
		if task != nil {
			errs = append(errs, task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: 5 * time.Millisecond}}))
		}
		// The access token expires on the server: 401, renewal.
		errs = append(errs, p.expire(3*time.Hour, func() error { _, err := c.Servers.Search(ctx, "web"); return err }))
		_, err = c.ListInstances(ctx, "EC2 nowhere", rightscale.ListInstancesOptions{})
		errs = append(errs, err)
		wrong, _ := rightscale.New(f.URL, "wrong-refresh-token-00000", opts...)
		_, err = wrong.Servers.Search(ctx, "web")
		errs = append(errs, err)
		return append(errs, hostile(f, func() error { _, err := c.Servers.Search(ctx, "web"); return err })...)
	}
	p.redirected = func(ctx context.Context, opts []facade.Option) error {
		c, _ := rightscale.New(f.URL, refresh, opts...)
		if _, err := c.Servers.Search(ctx, "web"); err != nil {
			return err
		}
		f.mode.Store(modeRedirect)
		defer f.mode.Store(modePass)
		_, err := c.Servers.Search(ctx, "web")
		return err
	}
	p.env = map[string]string{rightscale.EnvEndpoint: f.URL, rightscale.EnvRefreshToken: refresh}
	p.cli = [][]string{{"rightscale", "list-instances", "--cloud", "EC2 us-east-1"}, {"rightscale", "index", "clouds"}, {"rightscale", "show", "/api/clouds/0"}}
	return p
}

func saagiePlatform(t *testing.T) *platform {
	const user, pw = "saagie-admin", "saagie-Passw0rd-secret"
	const newUserPw = "initial-Pw-1-secret"
	clk := &clock{}
	srv := saagietest.NewServer(saagietest.WithCredentials(user, pw), saagietest.WithClock(clk.Func()))
	t.Cleanup(srv.Close)
	f := newFront(t, srv.Handler())
	p := &platform{name: "saagie", front: f, clock: clk, secrets: []leakcheck.Secret{{Name: "Saagie password", Value: pw}, {Name: "password of a created user", Value: newUserPw}}}
	p.flows = func(ctx context.Context, opts []facade.Option) []error {
		var errs []error
		c, err := saagie.New(ctx, f.URL, srv.PlatformID, user, pw, srv.Realm, opts...)
		if err != nil {
			return []error{err}
		}
		_, err = c.Projects.Create(ctx, saagie.ProjectSpec{Name: "Secrets"})
		errs = append(errs, err)
		errs = append(errs, c.Groups.Create(ctx, "analysts", nil))
		errs = append(errs, c.Users.Create(ctx, saagie.UserSpec{Login: "alice", Password: newUserPw, Groups: []string{"analysts"}}))
		// The JWT expires on the server: 401, a new login.
		errs = append(errs, p.expire(2*time.Hour, func() error { _, err := c.Projects.List(ctx); return err }))
		_, err = c.Groups.Get(ctx, "nobody")
		errs = append(errs, err)
		wrong, err := saagie.New(ctx, f.URL, srv.PlatformID, user, "wrong-password-saagie", srv.Realm, opts...)
		if err == nil { // the login may wait for the first call
			_, err = wrong.Groups.List(ctx)
		}
		errs = append(errs, err)
		return append(errs, hostile(f, func() error { _, err := c.Groups.List(ctx); return err })...)
	}
	p.redirected = func(ctx context.Context, opts []facade.Option) error {
		c, err := saagie.New(ctx, f.URL, srv.PlatformID, user, pw, srv.Realm, opts...)
		if err != nil {
			return err
		}
		f.mode.Store(modeRedirect)
		defer f.mode.Store(modePass)
		_, err = c.Groups.List(ctx)
		return err
	}
	p.env = map[string]string{saagie.EnvURL: f.URL, saagie.EnvPlatformID: strconv.Itoa(srv.PlatformID), saagie.EnvRealm: srv.Realm, saagie.EnvUser: user, saagie.EnvPassword: pw}
	p.cli = [][]string{{"saagie", "group", "list"}, {"saagie", "env", "list"}, {"saagie", "group", "get", "nobody"}}
	return p
}

func spacestudioPlatform(t *testing.T) *platform {
	const mail, pw, clientID = "ada@example.com", "spacestudio-Passw0rd-secret", "spacestudio-client-id"
	clk := &clock{}
	srv := spacestudiotest.NewServer(spacestudiotest.WithCredentials(mail, pw, clientID), spacestudiotest.WithClock(clk.Func()))
	t.Cleanup(srv.Close)
	f := newFront(t, srv.Handler())
	tokenURL := f.URL + spacestudiotest.TokenPath
	p := &platform{name: "spacestudio", front: f, clock: clk, secrets: []leakcheck.Secret{{Name: "spacestudio password", Value: pw}}}
	connect := func(ctx context.Context, password string, opts []facade.Option) (*spacestudio.Client, error) {
		return spacestudio.Connect(ctx, f.URL, mail, password, clientID, spacestudio.WithTokenURL(tokenURL), spacestudio.WithHTTPOptions(opts...))
	}
	p.flows = func(ctx context.Context, opts []facade.Option) []error {
		var errs []error
		c, err := connect(ctx, pw, opts)
		if err != nil {
			return []error{err}
		}
		o, err := c.Orbits.Create(ctx, map[string]any{"name": "LEO", "altitude": 400e3})
		errs = append(errs, err)
		// The access token expires on the server: 401, refresh grant.
		errs = append(errs, p.expire(10*time.Minute, func() error {
			if o == nil {
				return errors.New("no orbit created")
			}
			_, err := c.Orbits.Get(ctx, o.ID)
			return err
		}))
		_, err = c.Orbits.All(ctx)
		errs = append(errs, err)
		_, err = c.Orbits.FindByName(ctx, "nope")
		errs = append(errs, err)
		_, err = connect(ctx, "wrong-password-spacestudio", opts)
		errs = append(errs, err)
		return append(errs, hostile(f, func() error { _, err := c.Orbits.All(ctx); return err })...)
	}
	p.redirected = func(ctx context.Context, opts []facade.Option) error {
		c, err := connect(ctx, pw, opts)
		if err != nil {
			return err
		}
		f.mode.Store(modeRedirect)
		defer f.mode.Store(modePass)
		_, err = c.Orbits.All(ctx)
		return err
	}
	p.env = map[string]string{spacestudio.EnvBaseURL: f.URL, spacestudio.EnvMail: mail, spacestudio.EnvPassword: pw,
		spacestudio.EnvClientID: clientID, spacestudio.EnvTokenURL: tokenURL}
	p.cli = [][]string{{"spacestudio", "orbit", "list"}, {"spacestudio", "whoami"}, {"spacestudio", "orbit", "get", "--name", "nope"}}
	return p
}

// TestNoSecretInLogsErrorsOrOutput drives every platform through its
// facade and its CLI with debug logging on, on success and failure paths
// (wrong credentials, expiry and 401 renewal, a 4xx and a 5xx that echo
// the credentials back), and finds none of the credentials used or
// issued in any log line, error or output.
func TestNoSecretInLogsErrorsOrOutput(t *testing.T) {
	var totalSecrets, totalLines, totalOutputs, totalErrors int
	for _, p := range platforms(t) {
		t.Run(p.name, func(t *testing.T) {
			haystacks := map[string]string{}
			log, buf := leakcheck.Logger()
			errs := p.flows(t.Context(), []facade.Option{facade.WithLogger(log), quick})
			nerr := 0
			for i, err := range errs {
				if err == nil {
					continue
				}
				nerr++
				haystacks[fmt.Sprintf("error %d", i)] = fmt.Sprintf("%v | %+v | %#v", err, err, err)
				if ae, ok := errors.AsType[*facade.APIError](err); ok {
					haystacks[fmt.Sprintf("error %d body", i)] = ae.Body + " " + ae.URL + " " + ae.Message
				}
			}
			// Four calls must fail (a missing object, wrong credentials, the
			// echoing 4xx and 5xx); every other one, including those after
			// the server-side expiry, must succeed.
			if nerr != 4 {
				t.Errorf("%d failures, want 4: %v", nerr, errs)
			}
			// Cachet's token does not expire; the others must have met
			// a 401 after the expiry, and recovered (no fifth failure).
			if p.clock != nil && p.renewal401 == 0 {
				t.Errorf("no 401 after the server-side expiry: the renewal path did not run")
			}
			haystacks["facade debug log"] = buf.String()
			logLines := lines(buf.String())

			runs := 0
			for _, args := range p.cli {
				for _, hostileMode := range []int32{modePass, modeEcho4xx} {
					p.front.mode.Store(hostileMode)
					r := runCLI(t, p.env, append([]string{"--debug"}, args...)...)
					p.front.mode.Store(modePass)
					if hostileMode == modeEcho4xx && r.code == 0 {
						t.Errorf("%v succeeded against a server answering 403", args)
					}
					key := fmt.Sprintf("CLI %q (mode %d)", strings.Join(args, " "), hostileMode)
					haystacks[key+" stdout"], haystacks[key+" stderr"] = r.stdout, r.stderr
					logLines += lines(r.stderr)
					runs++
				}
			}
			if !strings.Contains(haystacks[fmt.Sprintf("CLI %q (mode 0) stderr", strings.Join(p.cli[0], " "))], "level=DEBUG") {
				t.Errorf("the CLI's --debug log is empty: nothing was scanned")
			}

			var ss secrets
			for _, s := range p.secrets {
				ss.add(s.Name, s.Value)
			}
			ss.addSeen(p.front)
			if len(ss.list) <= len(p.secrets) {
				t.Errorf("no credential was seen on the wire besides the configured ones")
			}
			leakcheck.Assert(t, haystacks, ss.list...)
			t.Logf("%s: %d secrets checked, %d log lines, %d errors, %d CLI outputs (%d runs), 0 occurrences",
				p.name, len(ss.list), logLines, nerr, 2*runs, runs)
			totalSecrets += len(ss.list)
			totalLines += logLines
			totalOutputs += 2 * runs
			totalErrors += nerr
		})
	}
	t.Logf("all platforms: %d secrets checked, %d log lines, %d errors, %d CLI outputs, 0 occurrences",
		totalSecrets, totalLines, totalErrors, totalOutputs)
}
