package st2cmd

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

// TestCurlHandlerPairsExchanges: two requests to one URL in flight at once
// get their answers in the order they were sent; a call that got no answer
// frees its number and goes to stderr with the other records, whatever
// attributes the logger was given.
func TestCurlHandlerPairsExchanges(t *testing.T) {
	var out, errOut bytes.Buffer
	log := newCurlLogger(&out, &errOut).With("platform", "st2")
	ctx := context.Background()
	req := func(method, url string) {
		log.LogAttrs(ctx, slog.LevelDebug, facade.LogRequest, slog.String("method", method), slog.String("url", url),
			slog.Any("headers", http.Header{"Accept": {"application/json"}}))
	}
	answer := func(method, url, body string, truncated bool) {
		log.LogAttrs(ctx, slog.LevelDebug, facade.LogResponse, slog.String("method", method), slog.String("url", url),
			slog.Int("status", 200), slog.String("body", body), slog.Bool("body_truncated", truncated))
	}
	req("GET", "http://h/a")
	req("GET", "http://h/a")
	req("HEAD", "http://h/b")
	log.LogAttrs(ctx, slog.LevelDebug, facade.LogError, slog.String("method", "HEAD"), slog.String("url", "http://h/b"), slog.String("error", "refused"))
	answer("GET", "http://h/a", "first", false)
	log.LogAttrs(ctx, slog.LevelDebug, facade.LogRetry, slog.String("method", "GET"), slog.String("url", "http://h/a"), slog.Int("attempt", 1))
	answer("GET", "http://h/a", "second", true)

	want := `# -------- begin 1 request ----------
curl -X GET -H  'Accept: application/json' http://h/a
# -------- begin 2 request ----------
curl -X GET -H  'Accept: application/json' http://h/a
# -------- begin 3 request ----------
curl --head -H  'Accept: application/json' http://h/b
# -------- begin 1 response ----------
first
# -------- end 1 response ------------

# -------- begin 2 response ----------
second
# -------- the answer is longer: only its start is shown
# -------- end 2 response ------------

`
	if out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
	}
	for _, s := range []string{`msg="http error"`, `error=refused`, `msg="http retry"`, `platform=st2`} {
		if !strings.Contains(errOut.String(), s) {
			t.Errorf("stderr lacks %s:\n%s", s, errOut.String())
		}
	}
	if strings.Contains(errOut.String(), "http request") || strings.Contains(errOut.String(), "http response") {
		t.Errorf("exchanges on stderr too:\n%s", errOut.String())
	}
}
