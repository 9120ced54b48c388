package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// baseTransport returns the bottom of the stack. The default is a clone of
// http.DefaultTransport (proxy from the environment, HTTP/2, sane pool
// sizes) with TLS 1.2 as the floor; a clone, so that our TLS settings never
// leak into other users of the default transport.
func baseTransport(o facade.Options) (http.RoundTripper, error) {
	customTLS := o.InsecureSkipVerify || o.CACertFile != ""
	if o.BaseTransport != nil {
		if !customTLS {
			return o.BaseTransport, nil
		}
		t, ok := o.BaseTransport.(*http.Transport)
		if !ok {
			// Silently ignoring a CA file or an explicit insecure flag would
			// make the user debug the wrong thing.
			return nil, fmt.Errorf("transport: TLS options need the base transport to be an *http.Transport, not %T", o.BaseTransport)
		}
		t = t.Clone()
		if err := configureTLS(t, o); err != nil {
			return nil, err
		}
		return t, nil
	}
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else { // someone replaced the process default; rebuild its settings
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t.DialContext = loopbackLocalhost(t.DialContext)
	if err := configureTLS(t, o); err != nil {
		return nil, err
	}
	return t, nil
}

// loopbackLocalhost makes every name under .localhost reach the loopback
// interface, as RFC 6761 section 6.3 says and browsers do, but Go's resolver
// does not. Platforms whose URLs carry meaning in the host name (a Saagie
// platform URL names its realm, "https://<realm>-workspace.saagie.io")
// can then be pointed at a local emulator as
// "http://<realm>-workspace.localhost:PORT" without touching /etc/hosts.
func loopbackLocalhost(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err == nil && strings.HasSuffix(strings.ToLower(strings.TrimSuffix(host, ".")), ".localhost") {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return dial(ctx, network, addr)
	}
}

func configureTLS(t *http.Transport, o facade.Options) error {
	cfg := &tls.Config{}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
	if o.InsecureSkipVerify {
		cfg.InsecureSkipVerify = true // asked for by name: facade.WithInsecureSkipVerify
	}
	if o.CACertFile != "" {
		pem, err := os.ReadFile(o.CACertFile)
		if err != nil {
			return fmt.Errorf("transport: CA certificates: %w", err)
		}
		pool := cfg.RootCAs
		if pool != nil {
			pool = pool.Clone()
		} else if pool, err = x509.SystemCertPool(); err != nil {
			pool = x509.NewCertPool() // no system pool (some containers): trust the file alone
		}
		if !pool.AppendCertsFromPEM(pem) {
			return errors.New("transport: CA certificates: no PEM certificate found in " + o.CACertFile)
		}
		cfg.RootCAs = pool
	}
	t.TLSClientConfig = cfg
	return nil
}
