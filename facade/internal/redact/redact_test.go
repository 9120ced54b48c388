package redact

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestHeader(t *testing.T) {
	in := http.Header{
		"Authorization":       {"Bearer abc.def.ghi"},
		"Proxy-Authorization": {"Basic dXNlcjpwYXNz"},
		"Cookie":              {"session=s3cr3t"},
		"Set-Cookie":          {"a=1", "b=2"},
		"X-Cachet-Token":      {"cachet-token"},
		"X-Auth-Token":        {"rs-token"},
		"St2-Api-Key":         {"st2-key"},
		"X-Api-Key":           {"api-key"},
		"Saagie-Realm":        {"acme"},
		"Content-Type":        {"application/json"},
		"x-custom-lower":      {"kept"},
	}
	in["x-cachet-token"] = []string{"non-canonical"} // as a hand-built map may hold it
	got := Header(in)
	want := map[string][]string{
		"Authorization":       {"Bearer [REDACTED]"},
		"Proxy-Authorization": {"Basic [REDACTED]"},
		"Cookie":              {Placeholder},
		"Set-Cookie":          {Placeholder, Placeholder},
		"X-Cachet-Token":      {Placeholder},
		"x-cachet-token":      {Placeholder},
		"X-Auth-Token":        {Placeholder},
		"St2-Api-Key":         {Placeholder},
		"X-Api-Key":           {Placeholder},
		"Saagie-Realm":        {"acme"},
		"Content-Type":        {"application/json"},
		"x-custom-lower":      {"kept"},
	}
	for name, values := range want {
		if g := got[name]; strings.Join(g, "|") != strings.Join(values, "|") {
			t.Errorf("%s = %q, want %q", name, g, values)
		}
	}
	if in.Get("Authorization") != "Bearer abc.def.ghi" {
		t.Error("Header modified its input")
	}
	if Header(nil) != nil {
		t.Error("Header(nil) != nil")
	}
}

func TestAuthorizationScheme(t *testing.T) {
	cases := []struct{ header, in, want string }{
		{"Authorization", "rawtoken", Placeholder},
		{"Authorization", "Bearer", Placeholder},
		{"Authorization", "Token abc", "Token [REDACTED]"},
		// Anything that does not look like "scheme credentials" is hidden whole.
		{"Authorization", "tok%en value", Placeholder},
		{"Authorization", strings.Repeat("x", 21) + " v", Placeholder},
		// Only Authorization-style headers keep their scheme.
		{"X-Auth-Token", "Bearer x", Placeholder},
	}
	for _, c := range cases {
		if got := Header(http.Header{c.header: {c.in}}).Get(c.header); got != c.want {
			t.Errorf("%s: %q -> %q, want %q", c.header, c.in, got, c.want)
		}
	}
}

func TestURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://h/api/v1/components/9", "https://h/api/v1/components/9"},
		{"https://h/x?token=abc&page=2", "https://h/x?token=[REDACTED]&page=2"},
		{"https://h/x?page=2&TOKEN=abc", "https://h/x?page=2&TOKEN=[REDACTED]"},
		{"https://h/x?auth_token=a&x-auth-token=b&st2-api-key=c&api_key=d&apikey=e", "https://h/x?auth_token=[REDACTED]&x-auth-token=[REDACTED]&st2-api-key=[REDACTED]&api_key=[REDACTED]&apikey=[REDACTED]"},
		{"https://h/cb?code=xyz&state=s", "https://h/cb?code=[REDACTED]&state=s"},
		{"https://h/t?access_token=1&refresh_token=2&id_token=3&password=4&client_secret=5", "https://h/t?access_token=[REDACTED]&refresh_token=[REDACTED]&id_token=[REDACTED]&password=[REDACTED]&client_secret=[REDACTED]"},
		{"https://h/x?key=kept&secret_sauce=kept", "https://h/x?key=kept&secret_sauce=kept"},
		{"https://h/x?api%5Fkey=abc", "https://h/x?api%5Fkey=[REDACTED]"},
		{"https://h/x?token", "https://h/x?token"},
		{"https://user:pa55@h:8443/p?q=1#frag", "https://user:[REDACTED]@h:8443/p?q=1#frag"},
		{"https://user@h/p", "https://user@h/p"},
		{"/api/v1/x?token=abc", "/api/v1/x?token=[REDACTED]"},
		{"", ""},
		// url.Parse rejects these; they must still be redacted.
		{"https://u:pw@h/%zz?token=abc", "https://u:[REDACTED]@h/%zz?token=[REDACTED]"},
		{"ht tp://h/?password=x#f", "ht tp://h/?password=[REDACTED]#f"},
	}
	for _, c := range cases {
		if got := URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	u, _ := url.Parse("https://h/x?token=abc")
	if got := URL(u); got != "https://h/x?token=[REDACTED]" {
		t.Errorf("URL(*url.URL) = %q", got)
	}
	if u.RawQuery != "token=abc" {
		t.Error("URL modified its input")
	}
	if got := URL((*url.URL)(nil)); got != "" {
		t.Errorf("URL(nil) = %q", got)
	}
}

func TestBody(t *testing.T) {
	cases := []struct {
		name, ct, in, want string
	}{
		{"flat", "application/json", `{"token":"abc","name":"x"}`, `{"token":"[REDACTED]","name":"x"}`},
		{"formatting kept", "application/json; charset=utf-8", "{\n  \"Password\" : \"p\",\n  \"a\": 1\n}", "{\n  \"Password\" : \"[REDACTED]\",\n  \"a\": 1\n}"},
		{"nested", "application/vnd.api+json", `{"data":{"attributes":{"api_key":"k","apiKey":"k2"}},"list":[{"secret":"s"}]}`, `{"data":{"attributes":{"api_key":"[REDACTED]","apiKey":"[REDACTED]"}},"list":[{"secret":"[REDACTED]"}]}`},
		{"non-string values", "application/json", `{"access_token":{"v":"x","n":[1,"}"]},"refresh_token":12345,"id_token":null,"b":true}`, `{"access_token":"[REDACTED]","refresh_token":"[REDACTED]","id_token":"[REDACTED]","b":true}`},
		{"key kept", "application/json", `{"key":"visible","client_secret":"x","authorization":"Bearer y"}`, `{"key":"visible","client_secret":"[REDACTED]","authorization":"[REDACTED]"}`},
		{"subscriber codes and webhooks", "application/json", `{"data":[{"email":"a@b.c","verify_code":"9f8e7d","slack_webhook_url":"https://hooks.example/T1/B2/x"}]}`, `{"data":[{"email":"a@b.c","verify_code":"[REDACTED]","slack_webhook_url":"[REDACTED]"}]}`},
		{"value named like a key", "application/json", `{"name":"token","note":"password: x"}`, `{"name":"token","note":"password: x"}`},
		{"escaped quote in value", "application/json", `{"a":"say \"token\": hi","token":"t\"x"}`, `{"a":"say \"token\": hi","token":"[REDACTED]"}`},
		{"escaped key", "application/json", `{"\u0074oken":"abc"}`, `{"\u0074oken":"[REDACTED]"}`},
		{"truncated inside secret", "application/json", `{"ok":1,"password":"hunt`, `{"ok":1,"password":"[REDACTED]"`},
		{"truncated inside secret object", "application/json", `{"token":{"a":"b`, `{"token":"[REDACTED]"`},
		{"truncated after colon", "application/json", `{"token":`, `{"token":`},
		{"top-level array", "application/json", `[{"token":"a"},{"token":"b"}]`, `[{"token":"[REDACTED]"},{"token":"[REDACTED]"}]`},
		{"no content type but JSON", "", ` {"token":"a"}`, ` {"token":"[REDACTED]"}`},
		{"no content type, text", "", `token: a`, `token: a`},
		{"form", "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=abc&client_id=id&client_secret=s", "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=id&client_secret=[REDACTED]"},
		{"html unchanged", "text/html", `<p>"token":"abc"</p>`, `<p>"token":"abc"</p>`},
		{"unknown unchanged", "application/octet-stream", `{"token":"abc"}`, `{"token":"abc"}`},
		{"malformed content type", "application/json;;", `{"token":"abc"}`, `{"token":"[REDACTED]"}`},
		{"empty", "application/json", ``, ``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := []byte(c.in)
			if got := string(Body(c.ct, in)); got != c.want {
				t.Errorf("Body(%q, %s)\n got %s\nwant %s", c.ct, c.in, got, c.want)
			}
			if string(in) != c.in {
				t.Error("Body modified its input")
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, n := range []string{"X-CACHET-TOKEN", "x_auth_token", "st2-api-key"} {
		if !IsSecretHeader(n) {
			t.Errorf("IsSecretHeader(%q) = false", n)
		}
	}
	for _, n := range []string{"Saagie-Realm", "Content-Type", "Key"} {
		if IsSecretHeader(n) {
			t.Errorf("IsSecretHeader(%q) = true", n)
		}
	}
	if IsSecretField("key") || IsSecretField("code") || !IsSecretField("Access-Token") {
		t.Error("field table wrong")
	}
	if !IsSecretParam("CODE") || IsSecretParam("secret") {
		t.Error("param table wrong")
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("é", 10) // 2 bytes each
	for n := range 22 {
		got := Truncate(s, n)
		if len(got) > n || !utf8.ValidString(got) {
			t.Errorf("Truncate(%d) = %q (%d bytes)", n, got, len(got))
		}
		if n >= 1 && len(got) < n-1 {
			t.Errorf("Truncate(%d) cut too much: %d bytes", n, len(got))
		}
	}
	if Truncate("abc", 10) != "abc" || Truncate("abc", -1) != "" {
		t.Error("Truncate edge cases")
	}
}

func TestScrubber(t *testing.T) {
	s := NewScrubber("s3cr3t/token+x", "abc", "", "longer-secret-s3cr3t/token+x-suffix")
	cases := []struct{ in, want string }{
		{"echo s3cr3t/token+x here", "echo [REDACTED] here"},
		{"query s3cr3t%2Ftoken%2Bx", "query [REDACTED]"},
		{"path s3cr3t%2Ftoken+x", "path [REDACTED]"},
		{`json "s3cr3t\/token+x"`, `json "s3cr3t\/token+x"`}, // Go does not escape '/': nothing to match
		{"abc is too short to hide", "abc is too short to hide"},
		{"longer-secret-s3cr3t/token+x-suffix", "[REDACTED]"},
	}
	for _, c := range cases {
		if got := s.String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	h := s.Header(http.Header{"Location": {"https://h/?t=s3cr3t/token+x"}, "X-Auth-Token": {"zzz"}})
	if h.Get("Location") != "https://h/?t=[REDACTED]" || h.Get("X-Auth-Token") != Placeholder {
		t.Errorf("Header = %v", h)
	}
	if got := s.URL("https://h/keys/s3cr3t%2Ftoken%2Bx?token=other"); got != "https://h/keys/[REDACTED]?token=[REDACTED]" {
		t.Errorf("URL = %q", got)
	}
	if got := string(s.Body("text/plain", []byte("err: s3cr3t/token+x"))); got != "err: [REDACTED]" {
		t.Errorf("Body = %q", got)
	}
	b := []byte("nothing")
	if got := s.Bytes(b); &got[0] != &b[0] {
		t.Error("Bytes copied a clean slice")
	}
	html := NewScrubber("a<b>&c")
	if got := html.String(`{"v":"a\u003cb\u003e\u0026c"}`); got != `{"v":"[REDACTED]"}` {
		t.Errorf("HTML-escaped JSON: %q", got)
	}
}

func TestNilScrubber(t *testing.T) {
	var s *Scrubber
	s.Add("ignored")
	if s.String("x") != "x" || string(s.Bytes([]byte("y"))) != "y" {
		t.Error("nil Scrubber changed input")
	}
	if s.URL("https://h/?token=a") != "https://h/?token=[REDACTED]" {
		t.Error("nil Scrubber skipped name redaction")
	}
	if s.Header(http.Header{"Cookie": {"c"}}).Get("Cookie") != Placeholder {
		t.Error("nil Scrubber skipped header redaction")
	}
	empty := NewScrubber()
	if empty.String("x") != "x" {
		t.Error("empty Scrubber changed input")
	}
}

func TestScrubberConcurrentAdd(t *testing.T) {
	s := NewScrubber("first-secret")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s.Add("secret-" + strings.Repeat("x", i+1))
			_ = s.String("first-secret secret-x")
		})
	}
	wg.Wait()
	if got := s.String("first-secret secret-xxxxxxxx"); got != "[REDACTED] [REDACTED]" {
		t.Errorf("got %q", got)
	}
}

func BenchmarkBodyJSON(b *testing.B) {
	body := []byte(strings.Repeat(`{"id":1,"name":"component","status":1,"meta":{"a":"b"}},`, 50) + `{"token":"abc"}`)
	for b.Loop() {
		Body("application/json", body)
	}
}
