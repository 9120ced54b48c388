package securitytest

import (
	"context"
	"errors"
	"fmt"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
	"strconv"
	"strings"
	"testing"

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

// TestCredentialsNeverFollowARedirectToAnotherHost makes the emulator's
// origin redirect a GET to a second server through each facade's real
// client: the request follows, the credentials stay behind.
func TestCredentialsNeverFollowARedirectToAnotherHost(t *testing.T) {
	for _, p := range platforms(t) {
		t.Run(p.name, func(t *testing.T) {
			err := p.redirected(t.Context(), []facade.Option{quick})
			if err == nil {
				t.Error("the redirected call succeeded: the other host answers 404")
			}
			foreign := p.front.Foreign()
			if len(foreign) == 0 {
				t.Fatalf("the other host got no request: the redirect was not followed (%v)", err)
			}
			var ss secrets
			for _, s := range p.secrets {
				ss.add(s.Name, s.Value)
			}
			ss.addSeen(p.front)
			for i, h := range foreign {
				for _, name := range credHeaders {
					if v := h.Get(name); v != "" {
						t.Errorf("request %d to the other host carried %s", i, name)
					}
				}
				var all strings.Builder
				for k, vs := range h {
					fmt.Fprintf(&all, "%s: %s\n", k, strings.Join(vs, ", "))
				}
				leakcheck.Assert(t, map[string]string{fmt.Sprintf("headers of request %d to the other host", i): all.String()}, ss.list...)
			}
			t.Logf("%s: %d redirected requests, %d credentials checked, none forwarded", p.name, len(foreign), len(ss.list))
		})
	}
}

// tlsCase is one platform behind a self-signed certificate.
type tlsCase struct {
	name string
	// call makes one authenticated call with opts.
	call func(ctx context.Context, opts ...facade.Option) error
	// env and args run one CLI command; off are the arguments or variables
	// that turn verification off (or trust the certificate), one run each.
	env  map[string]string
	args []string
	off  []cliVariant
	cert string // the emulator's certificate as a PEM file
}

// cliVariant is a way for the CLI to accept the certificate.
type cliVariant struct {
	name  string
	flags []string
	env   map[string]string
}

func tlsCases(t *testing.T) []tlsCase {
	var cases []tlsCase

	cs := cachettest.NewServer(cachettest.WithTLS())
	t.Cleanup(cs.Close)
	cases = append(cases, tlsCase{
		name: "cachet",
		call: func(ctx context.Context, opts ...facade.Option) error {
			c, err := cachet.New(cs.URL, cs.Token, opts...)
			if err != nil {
				return err
			}
			_, err = c.Components.Create(ctx, cachet.ComponentCreate{Name: "API", Status: cachet.ComponentOperational})
			return err
		},
		env:  map[string]string{cachet.EnvEndpoint: cs.URL, cachet.EnvToken: cs.Token},
		args: []string{"cachet", "component", "list"},
		off:  []cliVariant{{name: "--insecure", flags: []string{"--insecure"}}},
		cert: certFile(t, cs.Certificate()),
	})

	ss := st2test.NewServer(st2test.WithTLS())
	t.Cleanup(ss.Close)
	ssCert := certFile(t, ss.Certificate())
	cases = append(cases, tlsCase{
		name: "st2",
		call: func(ctx context.Context, opts ...facade.Option) error {
			c, err := st2.New(st2.Config{AuthURL: ss.AuthURL, APIURL: ss.APIURL, StreamURL: ss.StreamURL, APIKey: ss.APIKey, SkipConfig: true}, opts...)
			if err != nil {
				return err
			}
			_, err = c.Keys.Set(ctx, st2.KeyValuePairSet{Name: "k", Value: "v"})
			return err
		},
		env:  map[string]string{st2.EnvAuthURL: ss.AuthURL, st2.EnvAPIURL: ss.APIURL, st2.EnvStreamURL: ss.StreamURL, st2.EnvAPIKey: ss.APIKey, st2.EnvSkipConfig: "1"},
		args: []string{"st2", "key", "list"},
		off: []cliVariant{
			{name: "--insecure", flags: []string{"--insecure"}},
			{name: "--cacert", flags: []string{"--cacert", ssCert}},
			{name: "ST2_CACERT", env: map[string]string{st2.EnvCACert: ssCert}},
		},
		cert: ssCert,
	})

	rs := rightscaletest.NewServer(rightscaletest.WithTLS(), rightscaletest.WithDemoData())
	t.Cleanup(rs.Close)
	cases = append(cases, tlsCase{
		name: "rightscale",
		call: func(ctx context.Context, opts ...facade.Option) error {
			c, err := rightscale.New(rs.URL, rs.RefreshToken, opts...)
			if err != nil {
				return err
			}
			_, err = c.Servers.Search(ctx, "web")
			return err
		},
		env:  map[string]string{rightscale.EnvEndpoint: rs.URL, rightscale.EnvRefreshToken: rs.RefreshToken},
		args: []string{"rightscale", "index", "clouds"},
		off:  []cliVariant{{name: "--insecure", flags: []string{"--insecure"}}},
		cert: certFile(t, rs.Certificate()),
	})

	sg := saagietest.NewServer(saagietest.WithTLS())
	t.Cleanup(sg.Close)
	sgCert := certFile(t, sg.Certificate())
	cases = append(cases, tlsCase{
		name: "saagie",
		call: func(ctx context.Context, opts ...facade.Option) error {
			c, err := saagie.New(ctx, sg.URL, sg.PlatformID, sg.User, sg.Password, sg.Realm, opts...)
			if err != nil {
				return err
			}
			_, err = c.Groups.List(ctx)
			return err
		},
		env: map[string]string{saagie.EnvURL: sg.URL, saagie.EnvPlatformID: strconv.Itoa(sg.PlatformID), saagie.EnvRealm: sg.Realm,
			saagie.EnvUser: sg.User, saagie.EnvPassword: sg.Password},
		args: []string{"saagie", "group", "list"},
		off: []cliVariant{
			{name: "--insecure", flags: []string{"--insecure"}},
			{name: "SAAGIE_CA_CERT", env: map[string]string{saagie.EnvCACert: sgCert}},
		},
		cert: sgCert,
	})

	sp := spacestudiotest.NewServer(spacestudiotest.WithTLS())
	t.Cleanup(sp.Close)
	spEnv := map[string]string{spacestudio.EnvBaseURL: sp.URL, spacestudio.EnvMail: sp.Mail, spacestudio.EnvPassword: sp.Password,
		spacestudio.EnvClientID: sp.ClientID, spacestudio.EnvTokenURL: sp.TokenURL}
	cases = append(cases, tlsCase{
		name: "spacestudio",
		call: func(ctx context.Context, opts ...facade.Option) error {
			c, err := spacestudio.Connect(ctx, sp.URL, sp.Mail, sp.Password, sp.ClientID,
				spacestudio.WithTokenURL(sp.TokenURL), spacestudio.WithHTTPOptions(opts...))
			if err != nil {
				return err
			}
			_, err = c.Orbits.All(ctx)
			return err
		},
		env:  spEnv,
		args: []string{"spacestudio", "orbit", "list"},
		off: []cliVariant{
			{name: "--insecure", flags: []string{"--insecure"}},
			{name: "VERIFY_SSL_CERTIFICATE=FALSE", env: map[string]string{spacestudio.EnvVerifySSL: "FALSE"}},
		},
		cert: certFile(t, sp.Certificate()),
	})
	return cases
}

// TestSelfSignedCertificateRefusedUnlessVerificationTurnedOffByName serves
// every emulator over TLS with a self-signed certificate: the default
// client refuses it with a clear error; WithInsecureSkipVerify, the
// certificate as a CA file, and each CLI's flag or variable accept it.
func TestSelfSignedCertificateRefusedUnlessVerificationTurnedOffByName(t *testing.T) {
	for _, tc := range tlsCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			err := tc.call(ctx, quick)
			checkUntrusted(t, "default client", err)
			if err := tc.call(ctx, quick, facade.WithInsecureSkipVerify()); err != nil {
				t.Errorf("WithInsecureSkipVerify: %v", err)
			}
			if err := tc.call(ctx, quick, facade.WithCACertFile(tc.cert)); err != nil {
				t.Errorf("WithCACertFile: %v", err)
			}

			r := runCLI(t, tc.env, tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, "certificate is not trusted") || !strings.Contains(r.stderr, "--insecure") {
				t.Errorf("CLI %v without a flag: exit %d, stderr %q; want a failure saying the certificate is not trusted and naming --insecure", tc.args, r.code, r.stderr)
			}
			for _, v := range tc.off {
				env := map[string]string{}
				for k, x := range tc.env {
					env[k] = x
				}
				for k, x := range v.env {
					env[k] = x
				}
				r := runCLI(t, env, append(append([]string{}, tc.args...), v.flags...)...)
				if r.code != 0 {
					t.Errorf("CLI %v with %s: exit %d: %s", tc.args, v.name, r.code, r.stderr)
				}
			}
		})
	}
}

// TestSpacestudioVerifySSLCertificateFalse checks the one setting of
// spacestudio's own client: VERIFY_SSL_CERTIFICATE=FALSE, read by
// ConnectFromEnv, turns verification off; any other value keeps it.
func TestSpacestudioVerifySSLCertificateFalse(t *testing.T) {
	sp := spacestudiotest.NewServer(spacestudiotest.WithTLS())
	defer sp.Close()
	for _, verify := range []string{"", "TRUE", "false", "FALSE"} {
		t.Run("VERIFY_SSL_CERTIFICATE="+verify, func(t *testing.T) {
			env := fmt.Sprintf("%s=%s\n%s=%s\n%s=%s\n%s=%s\n%s=%s\n", spacestudio.EnvBaseURL, sp.URL, spacestudio.EnvMail, sp.Mail,
				spacestudio.EnvPassword, sp.Password, spacestudio.EnvClientID, sp.ClientID, spacestudio.EnvTokenURL, sp.TokenURL)
			if verify != "" {
				env += spacestudio.EnvVerifySSL + "=" + verify + "\n"
			}
			c, err := spacestudio.ConnectFromEnv(t.Context(), spacestudio.WithEnvFile(writeFile(t, ".env", env)),
				spacestudio.WithHTTPOptions(quick))
			if err == nil {
				_, err = c.Orbits.All(t.Context())
			}
			if verify == "FALSE" {
				if err != nil {
					t.Errorf("verification off by name, yet: %v", err)
				}
				return
			}
			checkUntrusted(t, "ConnectFromEnv", err)
		})
	}
}

// checkUntrusted wants err to be a *facade.TransportError saying the
// certificate is not trusted and how to proceed.
func checkUntrusted(t *testing.T, what string, err error) {
	t.Helper()
	te, ok := errors.AsType[*facade.TransportError](err)
	if !ok {
		t.Errorf("%s: err = %v (%T), want a *facade.TransportError", what, err, err)
		return
	}
	msg := te.Error()
	for _, want := range []string{"certificate is not trusted", "WithInsecureSkipVerify", "WithCACertFile", "--insecure"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%s: %q lacks %q", what, msg, want)
		}
	}
}
