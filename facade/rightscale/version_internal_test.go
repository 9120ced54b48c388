package rightscale

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/switchboard-go/switchboard/facade/internal/transport"
)

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// versionTransport shares the caller's header values with its copy: what
// the layers below do to the copy must never reach the caller's request.
func TestVersionTransportLeavesTheCallersRequestAlone(t *testing.T) {
	var sent http.Header
	vt := versionTransport{next: rtFunc(func(r *http.Request) (*http.Response, error) {
		sent = r.Header.Clone()
		r.Header.Add("X-Trace", "below")   // appends to a shared value slice
		r.Header.Set("Accept", "text/xml") // replaces a shared one
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})}
	for _, accept := range []string{"", "text/plain"} {
		req, _ := http.NewRequest(http.MethodGet, "https://us-3.rightscale.com/api/clouds", nil)
		trace := make([]string, 1, 4) // room to append in place
		trace[0] = "caller"
		req.Header["X-Trace"] = trace
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		before := req.Header.Clone()
		if _, err := vt.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if got := sent.Get("X-Api-Version"); got != APIVersion {
			t.Errorf("X-API-Version %q, want %q", got, APIVersion)
		}
		wantAccept := accept
		if wantAccept == "" {
			wantAccept = "application/json"
		}
		if got := sent.Get("Accept"); got != wantAccept {
			t.Errorf("Accept %q, want %q", got, wantAccept)
		}
		for k, v := range before {
			if !slices.Equal(req.Header[k], v) {
				t.Errorf("caller's %s changed: %q, was %q", k, req.Header[k], v)
			}
		}
		if len(req.Header) != len(before) || trace[:2][1] != "" {
			t.Errorf("caller's header changed: %v (trace array %q)", req.Header, trace[:2])
		}
	}
	if apiVersionValue[0] != APIVersion {
		t.Fatalf("the shared X-API-Version value was overwritten: %q", apiVersionValue[0])
	}
}

// versionHeaderCases are the X-API-Version and Accept values a caller may
// have set, and the headers sent for them before the version headers
// moved to the credential layer: X-API-Version replaced, Accept added
// when the caller's first value is empty.
func versionHeaderCases(t *testing.T, check func(req *http.Request, want http.Header, label string)) {
	t.Helper()
	versions := [][]string{nil, {}, {APIVersion}, {"1.6"}, {""}, {APIVersion, "1.0"}}
	accepts := [][]string{nil, {}, {""}, {"application/json"}, {"text/plain"}, {"", "text/xml"}}
	for _, v := range versions {
		for _, a := range accepts {
			req, _ := http.NewRequest(http.MethodGet, "https://us-3.rightscale.com/api/clouds", nil)
			req.Header.Set("X-Other", "kept")
			if v != nil {
				req.Header[apiVersionKey] = v
			}
			if a != nil {
				req.Header["Accept"] = a
			}
			want := req.Header.Clone()
			want[apiVersionKey] = []string{APIVersion}
			if want.Get("Accept") == "" {
				want["Accept"] = []string{"application/json"}
			}
			check(req, want, fmt.Sprintf("version %q accept %q", v, a))
		}
	}
}

func sameHeader(t *testing.T, label string, got, want http.Header) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: sent %v, want %v", label, got, want)
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s: sent %s %q, want %q", label, k, got[k], w)
		}
	}
}

type fakeCreds struct{ headerOnly, refreshed bool }

func (f *fakeCreds) Apply(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer t")
	return nil
}
func (f *fakeCreds) HeaderOnly() bool { return f.headerOnly }
func (f *fakeCreds) Refresh(context.Context, *http.Request) error {
	f.refreshed = true
	return nil
}

type applyOnly struct{}

func (applyOnly) Apply(context.Context, *http.Request) error { return nil }

// versionCredentials set on the credential layer's copy exactly what
// versionTransport's copy sets, besides the token, and pass the wrapped
// credentials' other answers on.
func TestVersionCredentialsAgreeWithVersionTransport(t *testing.T) {
	inner := &fakeCreds{headerOnly: true}
	vc := versionCredentials{inner}
	versionHeaderCases(t, func(req *http.Request, want http.Header, label string) {
		if err := vc.Apply(req.Context(), req); err != nil {
			t.Fatal(err)
		}
		want.Set("Authorization", "Bearer t")
		sameHeader(t, label, req.Header, want)
	})
	if !vc.HeaderOnly() {
		t.Error("HeaderOnly not forwarded")
	}
	if err := vc.Refresh(context.Background(), nil); err != nil || !inner.refreshed {
		t.Errorf("Refresh not forwarded: %v", err)
	}
	bare := versionCredentials{applyOnly{}}
	if bare.HeaderOnly() {
		t.Error("HeaderOnly claimed for credentials that do not say so")
	}
	if err := bare.Refresh(context.Background(), nil); !errors.Is(err, transport.ErrCannotRenew) {
		t.Errorf("Refresh of credentials without one = %v, want ErrCannotRenew", err)
	}
}

// versionTransport passes a request on untouched only when it is for the
// API's exact scheme and host (the credential layer below then sets the
// headers); any other request gets them on its copy as before.
func TestVersionTransportPassesOnlyTheAPIsOrigin(t *testing.T) {
	var got *http.Request
	vt := versionTransport{next: rtFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	}), scheme: "https", host: "us-3.rightscale.com"}
	for _, u := range []string{
		"https://us-3.rightscale.com/api/clouds",
		"http://us-3.rightscale.com/api/clouds",
		"https://us-4.rightscale.com/api/clouds",
		"https://us-3.rightscale.com:8443/api/clouds",
		"https://US-3.rightscale.com/api/clouds", // the credential layer's origin test would match; copying is harmless
		"https://cdn.example.com/file",
	} {
		versionHeaderCases(t, func(req *http.Request, want http.Header, label string) {
			req.URL, _ = url.Parse(u)
			before := req.Header.Clone()
			if _, err := vt.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
			own := u == "https://us-3.rightscale.com/api/clouds"
			switch {
			case own && got != req:
				t.Errorf("%s %s: copied, want passed on", u, label)
			case own:
				sameHeader(t, u+" "+label, got.Header, before)
			case got == req:
				t.Errorf("%s %s: passed on without the version headers", u, label)
			default:
				sameHeader(t, u+" "+label, got.Header, want)
			}
		})
	}
	// The exchange client has no origin set: it always copies.
	ex := versionTransport{next: vt.next}
	req, _ := http.NewRequest(http.MethodPost, "https://us-3.rightscale.com/api/oauth2", nil)
	if _, err := ex.RoundTrip(req); err != nil || got == req || got.Header.Get("X-Api-Version") != APIVersion {
		t.Errorf("exchange request: passed on %v, version %q, %v", got == req, got.Header.Get("X-Api-Version"), err)
	}
}
