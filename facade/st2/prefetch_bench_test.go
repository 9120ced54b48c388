package st2_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging/pagingbench"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// Listing benchmarks: 100,000 executions in pages of st2.DefaultPageSize
// (100, the server's own maximum by default), with the attributes the
// st2 CLI's "execution list" shows (a whole execution embeds its action
// and runner: decoding 100,000 of them takes far longer than the
// latency), 2 ms of latency per request.
const (
	benchExecutions = 100_000
	benchLatency    = 2 * time.Millisecond
)

// benchAttributes are the st2 CLI's default columns of "execution list".
var benchAttributes = []string{"id", "action.ref", "context.user", "status", "start_timestamp", "end_timestamp"}

// benchExecutionServer serves benchExecutions executions by limit and
// offset, with X-Total-Count and benchLatency per request, the documents
// being 100 executions made by the emulator (ids rewritten so that each
// is distinct). st2test itself lists by masking and sorting every
// execution on each request, which at 100,000 executions costs far more
// than the latency and the client together: a listing would take
// minutes and measure the emulator. This server's cost is one page.
func benchExecutionServer(b *testing.B) string {
	b.Helper()
	emu := st2test.NewServer(st2test.WithTickInterval(0), st2test.WithSeed(func(sd *st2test.Seeder) {
		for i := range 100 {
			sd.Run("core.local", map[string]any{"cmd": fmt.Sprintf("echo %d", i)})
		}
	}))
	defer emu.Close()
	req, err := http.NewRequest(http.MethodGet, emu.APIURL+"/executions?limit=100&include_attributes="+strings.Join(benchAttributes, ","), nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("St2-Api-Key", emu.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	var docs []json.RawMessage
	if err := json.Unmarshal(body, &docs); err != nil || len(docs) != 100 {
		b.Fatalf("seed executions: %d, %v", len(docs), err)
	}
	type tmpl struct{ before, after []byte } // around the 24-hex id
	tmpls := make([]tmpl, len(docs))
	for i, d := range docs {
		var x struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(d, &x); err != nil || len(x.ID) != 24 {
			b.Fatalf("execution id %q: %v", x.ID, err)
		}
		at := bytes.Index(d, []byte(`"`+x.ID+`"`)) + 1
		tmpls[i] = tmpl{before: d[:at], after: d[at+24:]}
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(benchLatency)
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		if limit <= 0 {
			limit = 100
		}
		var buf bytes.Buffer
		buf.WriteByte('[')
		for i := offset; i < min(offset+limit, benchExecutions); i++ {
			if i > offset {
				buf.WriteByte(',')
			}
			t := tmpls[i%len(tmpls)]
			buf.Write(t.before)
			fmt.Fprintf(&buf, "%024x", i)
			buf.Write(t.after)
		}
		buf.WriteByte(']')
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Total-Count", strconv.Itoa(benchExecutions))
		_, _ = w.Write(buf.Bytes())
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

func benchExecutionList(b *testing.B, url string, opts ...facade.Option) pagingbench.List[st2.Execution] {
	b.Helper()
	c, err := st2.New(st2.Config{APIURL: url + "/api/v1", AuthURL: url + "/auth/v1", StreamURL: url + "/stream/v1",
		APIKey: "bench", SkipConfig: true}, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context) iter.Seq2[st2.Execution, error] {
		return c.Executions.List(ctx, st2.ExecutionListOptions{IncludeAttributes: &benchAttributes})
	}
}

// BenchmarkExecutionsListPrefetch lists 100,000 executions one page at a
// time (facade.WithPrefetch(0)) and with the default prefetching,
// alternately in the same run; work=none and work=matched as in cachet's
// BenchmarkComponentsListPrefetch.
func BenchmarkExecutionsListPrefetch(b *testing.B) {
	url := benchExecutionServer(b)
	seq := benchExecutionList(b, url, facade.WithPrefetch(0))
	pre := benchExecutionList(b, url)
	b.Run("work=none", func(b *testing.B) {
		pagingbench.Wall(b, benchExecutions, st2.DefaultPageSize, 0, seq, pre)
	})
	b.Run("work=matched", func(b *testing.B) {
		work := pagingbench.Calibrate(b, benchExecutions, st2.DefaultPageSize, seq)
		b.ReportMetric(float64(work)/1e6, "work-ms/page")
		pagingbench.Wall(b, benchExecutions, st2.DefaultPageSize, work, seq, pre)
	})
}

// BenchmarkExecutionsListMemory: the peak live heap listing 1,000
// executions against listing all 100,000, with the default (prefetching)
// client, sampled 10 times during each listing.
func BenchmarkExecutionsListMemory(b *testing.B) {
	url := benchExecutionServer(b)
	pagingbench.Memory(b, 1_000, benchExecutions, 10, benchExecutionList(b, url))
}
