package contract

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// served runs calls through the Handler of a Spec loaded with opts and
// returns the Spec.
func served(t *testing.T, tb *fakeTB, calls []call, opts ...Option) *Spec {
	t.Helper()
	spec := Load(tb, loadDoc(t), "", opts...)
	ts := httptest.NewServer(spec.Handler(emulator("")))
	t.Cleanup(ts.Close)
	for _, c := range calls {
		send(t, ts.Client(), ts.URL, c)
	}
	return spec
}

var (
	ping   = call{method: "GET", path: "/api/v1/ping"}
	create = call{method: "POST", path: "/api/v1/components", body: `{"name":"api"}`, header: good.header}
	// A 4xx answer to a request that matches an operation still reaches it.
	rejected = call{method: "GET", path: "/api/v1/components/9"}
	unknown  = call{method: "GET", path: "/api/v1/nowhere"}
)

func TestOperations(t *testing.T) {
	spec := Load(t, loadDoc(t), "")
	want := []string{"GET /components/{id}", "GET /events", "GET /ping", "POST /components"}
	if got := spec.Operations(); !slices.Equal(got, want) {
		t.Errorf("Operations() = %v, want %v", got, want)
	}
}

func TestRequireAllOperations(t *testing.T) {
	for _, tc := range []struct {
		name    string
		calls   []call
		except  []string
		reports []string // substrings, one a report
	}{
		{"nothing reached", nil, nil,
			[]string{"4 operation(s) of the spec never reached: GET /components/{id}, GET /events, GET /ping, POST /components"}},
		{"some reached", []call{ping, rejected, unknown}, nil,
			[]string{"2 operation(s) of the spec never reached: GET /events, POST /components"}},
		{"the rest excused", []call{ping, rejected, create}, []string{"GET /events"}, nil},
		{"an excused operation reached", []call{ping, rejected, create}, []string{"GET /events", "GET /ping"},
			[]string{`"GET /ping" is excused but was reached`}},
		{"an excuse for no operation", []call{ping, rejected, create}, []string{"GET /events", "GET /pong"},
			[]string{`"GET /pong" is excused but is no operation of the spec`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := &fakeTB{TB: t}
			spec := served(t, tb, tc.calls)
			if r := tb.reports(); len(r) != 0 {
				t.Fatalf("the exchanges themselves were reported: %v", r)
			}
			spec.RequireAllOperations(tb, tc.except...)
			checkAll(t, tb.reports(), tc.reports)
		})
	}
}

func checkAll(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("reports %q, want %d matching %q", got, len(want), want)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("report %q, want one with %q", got[i], want[i])
		}
	}
}

// An answer CountWhen refuses does not reach its operation; the client
// side records what it sends too.
func TestCountWhenAndRoundTripper(t *testing.T) {
	tb := &fakeTB{TB: t}
	spec := served(t, tb, []call{ping, rejected}, CountWhen(func(status int, _ http.Header, _ []byte) bool { return status < 400 }))
	if got, want := spec.Unreached(), []string{"GET /components/{id}", "GET /events", "POST /components"}; !slices.Equal(got, want) {
		t.Errorf("Unreached() = %v, want %v", got, want)
	}

	client := Load(t, loadDoc(t), "")
	ts := httptest.NewServer(emulator(""))
	t.Cleanup(ts.Close)
	send(t, &http.Client{Transport: client.RoundTripper(nil)}, ts.URL, create)
	if got, want := client.Unreached(), []string{"GET /components/{id}", "GET /events", "GET /ping"}; !slices.Equal(got, want) {
		t.Errorf("client side: Unreached() = %v, want %v", got, want)
	}
}

func TestRecord(t *testing.T) {
	spec := Load(t, loadDoc(t), "https://status.example")
	spec.Record("GET", "/api/v1/components/9")
	spec.Record("POST", "https://status.example/api/v1/components")
	spec.Record("GET", "/api/v1/nowhere")                   // no operation
	spec.Record("DELETE", "/api/v1/ping")                   // no such method
	spec.Record("GET", "https://other.example/api/v1/ping") // another server
	spec.Record("GET", "%zz")                               // no URL
	if got, want := spec.Unreached(), []string{"GET /events", "GET /ping"}; !slices.Equal(got, want) {
		t.Errorf("Unreached() = %v, want %v", got, want)
	}
}

func TestMultipartStrings(t *testing.T) {
	body := func(parts map[string]string) (*bytes.Buffer, http.Header) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for _, name := range []string{"operations", "map", "0"} {
			if v, ok := parts[name]; ok {
				if err := w.WriteField(name, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return &b, http.Header{"Content-Type": {w.FormDataContentType()}}
	}
	dec := MultipartStrings("operations", "map")
	b, h := body(map[string]string{"operations": `{"query":"q"}`, "map": `{"0":["variables.file"]}`, "0": "\x00binary"})
	got, err := dec(b, h, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := got.(map[string]any); m["operations"] != `{"query":"q"}` || m["0"] != "\x00binary" || len(m) != 3 {
		t.Errorf("decoded %v", m)
	}
	b, h = body(map[string]string{"operations": `{"query":`, "0": "x"})
	if _, err := dec(b, h, nil, nil); err == nil || !strings.Contains(err.Error(), "operations") {
		t.Errorf("a part that is not JSON: %v", err)
	}
	if _, err := dec(strings.NewReader(""), http.Header{"Content-Type": {"multipart/form-data; boundary"}}, nil, nil); err == nil {
		t.Error("a bad Content-Type was accepted")
	}
}

func TestDoc(t *testing.T) {
	want := loadDoc(t)
	if got := Doc(t, func() (*openapi3.T, error) { return want, nil }); got != want {
		t.Error("Doc did not return the document")
	}
	tb := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Doc(tb, func() (*openapi3.T, error) { return nil, errors.New("corrupt") })
	}()
	<-done
	if !strings.Contains(tb.fatal, "corrupt") {
		t.Errorf("fatal %q", tb.fatal)
	}
}

func TestDocJSON(t *testing.T) {
	doc := DocJSON(t, func() ([]byte, error) { return []byte(specYAML), nil })
	if doc == nil || doc.Paths.Find("/components/{id}") == nil {
		t.Fatalf("DocJSON did not load the document: %v", doc)
	}
	for _, tc := range []struct {
		name string
		raw  func() ([]byte, error)
		want string
	}{
		{"read error", func() ([]byte, error) { return nil, errors.New("corrupt") }, "corrupt"},
		{"not a document", func() ([]byte, error) { return []byte(`{"openapi":`), nil }, "loading"},
	} {
		tb := &fakeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			DocJSON(tb, tc.raw)
			t.Errorf("%s: DocJSON returned", tc.name)
		}()
		<-done
		if !strings.Contains(tb.fatal, tc.want) {
			t.Errorf("%s: fatal %q", tc.name, tb.fatal)
		}
	}
}
