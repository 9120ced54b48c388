package rightscale

import (
	"net/http"
	"slices"
	"testing"
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
