package saagietest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// Every root field of both SDLs has a resolver: a field added to the SDL
// without emulator support fails here rather than as a null at run time.
func TestEveryRootFieldIsServed(t *testing.T) {
	s := NewServer()
	t.Cleanup(s.Close)
	rc := &reqCtx{s: s, now: s.now(), user: s.User}
	for _, c := range []struct {
		name string
		def  *ast.Definition
		root *object
	}{
		{"projects Query", s.schemas.projects.Query, s.projectsQuery(rc)},
		{"projects Mutation", s.schemas.projects.Mutation, s.projectsMutation(rc)},
		{"gateway Query", s.schemas.gateway.Query, s.gatewayQuery(rc)},
		{"gateway Mutation", s.schemas.gateway.Mutation, s.gatewayMutation(rc)},
	} {
		for _, f := range c.def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if _, ok := c.root.fields[f.Name]; !ok {
				t.Errorf("%s.%s has no resolver", c.name, f.Name)
			}
		}
	}
}

// maximal builds a selection of every field of typ reachable without
// required arguments, not re-entering a type already on the path, with an
// inline fragment per possible type of interfaces and unions.
func maximal(sch *ast.Schema, typ string, path []string, depth int) string {
	def := sch.Types[typ]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return ""
	}
	if depth == 0 || slices.Contains(path, typ) {
		return "{ __typename }"
	}
	path = append(path, typ)
	var b strings.Builder
	b.WriteString("{ __typename ")
	if def.Kind == ast.Interface || def.Kind == ast.Union {
		for _, p := range sch.GetPossibleTypes(def) {
			b.WriteString("... on " + p.Name + " " + maximal(sch, p.Name, path[:len(path)-1], depth) + " ")
		}
		b.WriteString("}")
		return b.String()
	}
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		required := false
		for _, a := range f.Arguments {
			if a.Type.NonNull && a.DefaultValue == nil {
				required = true
			}
		}
		if required {
			continue
		}
		b.WriteString(f.Name + " " + maximal(sch, f.Type.Name(), path, depth-1) + " ")
	}
	b.WriteString("}")
	return b.String()
}

// Every field of every object the demo data reaches resolves: a maximal
// query over the whole platform and catalog comes back without a single
// error (a non-null field the emulator forgot would be one).
func TestMaximalQueriesResolve(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := NewServer(WithClock(clock), WithDemoData())
	t.Cleanup(s.Close)
	// Give every kind of object something to show: a pipeline run, a
	// running app, a storage mounted by an app.
	s.Seed(func(sd *Seeder) {
		p := ordered(sd.rc.st().projects, nil)[0].id
		pl := ordered(sd.rc.st().pipelines, nil)[0].id
		_, err := sd.rc.runPipeline(map[string]any{"pipelineId": pl})
		seedCheck("pipeline run", err)
		a := ordered(sd.rc.st().apps, nil)[0]
		vol := sd.Volume(p, "mounted", "10 MB")
		a.versions[0].volumes = []volumeMount{{path: "/data", volumeID: vol}}
		_, err = sd.rc.runApp(map[string]any{"id": a.id})
		seedCheck("app run", err)
	})
	now = now.Add(time.Minute)
	for _, c := range []struct {
		sch   *ast.Schema
		query string
		gw    bool
	}{
		{s.schemas.projects, "query { projects " + maximal(s.schemas.projects, "Project", nil, 7) + " platform " +
			maximal(s.schemas.projects, "Platform", nil, 3) + " globalEnvironmentVariables " +
			maximal(s.schemas.projects, "EnvironmentVariable", nil, 3) + " }", false},
		{s.schemas.gateway, "query { repositories " + maximal(s.schemas.gateway, "Repository", nil, 8) + " }", true},
	} {
		resp := s.execute(c.sch, &gqlRequest{Query: c.query}, c.gw, &claims{})
		for _, e := range resp.Errors {
			t.Errorf("%v: %s", e.Path, e.Message)
		}
		if resp.Data == nil {
			t.Error("no data")
		}
	}
}

func TestRunTimeline(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := Timeline{Requested: time.Second, Queued: time.Second, Running: time.Second, Stopping: time.Second}
	r := run{start: start, outcome: "SUCCEEDED"}
	for _, c := range []struct {
		at   time.Duration
		want string
	}{{0, "REQUESTED"}, {time.Second, "QUEUED"}, {2 * time.Second, "RUNNING"}, {3 * time.Second, "SUCCEEDED"}, {time.Hour, "SUCCEEDED"}} {
		if got := r.current(tl, start.Add(c.at)).status; got != c.want {
			t.Errorf("at %v: %s, want %s", c.at, got, c.want)
		}
	}
	// Stopped while queued: KILLING, then KILLED; never RUNNING.
	r.stopped = start.Add(1500 * time.Millisecond)
	h := r.history(tl, start.Add(time.Hour))
	var got []string
	for _, ev := range h {
		got = append(got, ev.status)
	}
	if strings.Join(got, ",") != "REQUESTED,QUEUED,KILLING,KILLED" {
		t.Errorf("stopped history: %v", got)
	}
	// Stopping a finished run changes nothing.
	r = run{start: start, outcome: "FAILED", stopped: start.Add(time.Hour)}
	if st := r.current(tl, start.Add(2*time.Hour)).status; st != "FAILED" {
		t.Errorf("stopped after the end: %s", st)
	}
	// Forced: the status from the forcing time on.
	r = run{start: start, outcome: "SUCCEEDED", forced: "ERROR", forcedAt: start.Add(500 * time.Millisecond)}
	if st := r.current(tl, start.Add(time.Hour)).status; st != "ERROR" {
		t.Errorf("forced: %s", st)
	}
}
