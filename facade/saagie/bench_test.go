package saagie_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/benchraw"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
)

// bigProject seeds a project with n jobs, each with one version and one
// finished instance, as a busy real project has.
func bigProject(srv *saagietest.Server, n int) string {
	var pid string
	srv.Seed(func(sd *saagietest.Seeder) {
		pid = sd.Project("big", "")
		for i := range n {
			j := sd.Job(pid, saagietest.JobSpec{Name: fmt.Sprintf("job-%04d", i), CommandLine: "python {file}",
				Artifact: &saagietest.Upload{Filename: "main.py", Data: []byte("print(1)\n")}})
			sd.RunJob(j)
		}
	})
	return pid
}

// A list of 1,000 jobs decoded through the facade (genqlient's types, then
// the facade's). "emulator" includes the emulator's own work (validating
// and executing the document); "decode" replays the emulator's recorded
// answer from a static handler, so it measures the client side alone.
func BenchmarkJobList1000(b *testing.B) {
	const n = 1000
	srv := saagietest.NewServer()
	defer srv.Close()
	pid := bigProject(srv, n)
	ctx := context.Background()
	opts := &saagie.DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true}
	list := func(b *testing.B, c *saagie.Client) {
		b.Helper()
		b.ReportAllocs()
		for b.Loop() {
			jobs, err := c.Jobs.List(ctx, pid, opts)
			if err != nil || len(jobs) != n {
				b.Fatalf("%d jobs, %v", len(jobs), err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/job")
	}

	b.Run("emulator", func(b *testing.B) {
		c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
		if err != nil {
			b.Fatal(err)
		}
		list(b, c)
	})

	// Record one answer of the emulator, then serve it as is.
	var recorded []byte
	rec, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm,
		facade.WithBaseTransport(recorder(func(path string, body []byte) {
			if strings.HasSuffix(path, "/graphql") {
				recorded = body
			}
		})))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := rec.Jobs.List(ctx, pid, opts); err != nil || recorded == nil {
		b.Fatalf("recording: %v", err)
	}
	token := srv.Token()
	static := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/authenticate") {
			_, _ = io.WriteString(w, token)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(recorded)
	}))
	defer static.Close()
	b.Run("decode", func(b *testing.B) {
		c, err := saagie.New(ctx, static.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(recorded)))
		list(b, c)
	})
}

// The per-call overhead of a small GraphQL call (platform info) through
// the facade, next to a hand-written net/http + JSON post of the same
// document with the same token, against the same emulator in the same run.
func BenchmarkGraphQLCall(b *testing.B) {
	srv := saagietest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	b.Run("facade", func(b *testing.B) {
		c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.PlatformInfo(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{}
		auth := "Bearer " + srv.Token()
		body := []byte(`{"query":"query { platform { id name counts { projects jobs apps pipelines } } }"}`)
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.ProjectsURL(), bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			out, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte(`"platform"`)) {
				b.Fatalf("%d %s %v", resp.StatusCode, out, err)
			}
		}
	})
}

// recorder is a base transport that hands each response body to fn.
type recorder func(path string, body []byte)

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r(req.URL.Path, body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// BenchmarkListDetails lists jobs, pipelines and apps with their details
// (versions, instances, alerting, resources), n of each, then one job's n
// instances (paged, and with the job), through the facade, with the emulator's answers replayed so that only the client
// works: what the decoding of genqlient's types and the conversion cost
// per item (allocs/op, ns/item).
func BenchmarkListDetails(b *testing.B) {
	const n = 100
	srv := saagietest.NewServer()
	b.Cleanup(srv.Close)
	var pid, job string
	srv.Seed(func(sd *saagietest.Seeder) {
		pid = sd.Project("details", "")
		var jobs []string
		for i := range n {
			j := sd.Job(pid, saagietest.JobSpec{Name: fmt.Sprintf("job-%03d", i), CommandLine: "python {file}",
				Artifact: &saagietest.Upload{Filename: "main.py", Data: []byte("print(1)\n")}})
			sd.RunJob(j)
			jobs = append(jobs, j)
		}
		sd.RunJobs(jobs[0], n-1) // n instances in all
		for i := range n {
			sd.Pipeline(pid, fmt.Sprintf("pipeline-%03d", i), jobs[i], jobs[(i+1)%n])
			sd.App(pid, fmt.Sprintf("app-%03d", i), "nginx:1.27", 80, 443)
		}
		job = jobs[0]
	})
	replay := benchraw.Replay(b, srv.URL)
	ctx := context.Background()
	c, err := saagie.New(ctx, replay.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
	if err != nil {
		b.Fatal(err)
	}
	opts := &saagie.DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true}
	for _, tc := range []struct {
		name string
		list func() (int, error)
	}{
		{"jobs", func() (int, error) { l, err := c.Jobs.List(ctx, pid, opts); return len(l), err }},
		{"pipelines", func() (int, error) { l, err := c.Pipelines.List(ctx, pid, opts); return len(l), err }},
		{"apps", func() (int, error) { l, err := c.Apps.List(ctx, pid); return len(l), err }},
		// One job's n instances, walked page by page.
		{"job-instances", func() (int, error) {
			count := 0
			for _, err := range c.Jobs.Instances(ctx, job) {
				if err != nil {
					return count, err
				}
				count++
			}
			return count, nil
		}},
		// One job with all its n instances.
		{"job-get", func() (int, error) {
			j, err := c.Jobs.Get(ctx, job, &saagie.DetailOptions{InstancesLimit: n})
			if j == nil {
				return 0, err
			}
			return len(j.Instances), err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if got, err := tc.list(); err != nil || got != n { // records the answer
				b.Fatalf("listed %d, %v", got, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if got, err := tc.list(); err != nil || got != n {
					b.Fatalf("listed %d, %v", got, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/item")
		})
	}
}
