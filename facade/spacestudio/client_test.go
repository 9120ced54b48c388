package spacestudio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// Every call of the facade against the emulator, each exchange checked
// against the spec on the client's side.
func TestContractClientSide(t *testing.T) {
	srv, c := setup(t, []spacestudiotest.Option{spacestudiotest.WithCompute(2, 0)})
	ctx := context.Background()
	if c.UserID() != srv.UserID {
		t.Fatalf("user id %q, want %q", c.UserID(), srv.UserID)
	}
	// Every collection: create, list, find, update, delete.
	for _, col := range spacestudio.Collections() {
		m, ok := c.Objects(col.Name)
		if !ok {
			t.Fatalf("no manager for %s", col.Name)
		}
		o := check(m.Create(ctx, map[string]any{"name": "first " + col.Name, "x": 1}))(t)
		if o.ID == "" || o.DisplayedName != "first "+col.Name {
			t.Fatalf("%s: created %+v", col.Path, o)
		}
		all := check(m.All(ctx))(t)
		if len(all) != 1 || all[0].ID != o.ID {
			t.Fatalf("%s: listed %+v", col.Path, all)
		}
		o.Fields["name"] = json.RawMessage(`"renamed"`)
		up := check(m.Update(ctx, o.ID, o))(t)
		if up.DisplayedName != "renamed" || up.ID != o.ID {
			t.Fatalf("%s: updated %+v", col.Path, up)
		}
		found := check(m.FindByName(ctx, "renamed"))(t)
		if found.ID != o.ID {
			t.Fatalf("%s: found %+v", col.Path, found)
		}
		if err := m.DeleteByName(ctx, "renamed"); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Get(ctx, o.ID); !errors.Is(err, facade.ErrNotFound) {
			t.Fatalf("%s: after delete: %v", col.Path, err)
		}
	}
	// Every mission collection: compute, status, wait, results.
	for _, col := range spacestudio.Collections() {
		if !col.Mission {
			continue
		}
		m, _ := c.Missions(col.Name)
		orbit := check(c.Orbits.Create(ctx, map[string]any{"name": "orbit for " + col.Name, "altitude": 500e3}))(t)
		sat := check(c.Spacecraft.Create(ctx, map[string]any{"name": "sat for " + col.Name}))(t)
		mission := check(m.Create(ctx, map[string]any{"name": "mission", "initialOrbit": orbit, "spacecraft": sat, "maximumDuration": 600}))(t)
		var seen []string
		res, err := m.RunComputation(ctx, mission.ID, spacestudio.ComputeOptions{
			Wait:     facade.WaitOptions{Interval: time.Millisecond},
			Progress: func(s spacestudio.Status) { seen = append(seen, s.String()) },
		})
		if err != nil {
			t.Fatalf("%s: %v", col.Path, err)
		}
		if strings.Join(seen, ",") != "pending,finished" {
			t.Errorf("%s: progress %v", col.Path, seen)
		}
		if len(res.Results) == 0 || len(res.Errors) != 0 {
			t.Errorf("%s: results %s", col.Path, res.Raw)
		}
		var buf bytes.Buffer
		if n, err := m.WriteResults(ctx, mission.ID, &buf); err != nil || n == 0 || !bytes.Equal(bytes.TrimSpace(buf.Bytes()), bytes.TrimSpace(res.Raw)) {
			t.Errorf("%s: WriteResults %d, %v", col.Path, n, err)
		}
	}
	// Simulation extras and files.
	sim := c.SimulationMissions
	mission := check(sim.FindByName(ctx, "mission"))(t)
	if err := sim.ComputeUntil(ctx, mission.ID, time.Minute); err != nil {
		t.Fatal(err)
	}
	check(sim.Wait(ctx, mission.ID, spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond}}))(t)
	paused := check(sim.Results(ctx, mission.ID))(t)
	next := check(sim.ResumeFromResults(ctx, mission.ID, "mission / part 2", paused))(t)
	if next.DisplayedName != "mission / part 2" || next.PausedParentMissionID != mission.ID {
		t.Fatalf("resumed: %+v", next)
	}
	check(sim.RunComputation(ctx, next.ID, spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond}}))(t)
	merged := check(sim.MergedResults(ctx, mission.ID))(t)
	var mr struct {
		ManeuverReport struct {
			SimulationDuration float64 `json:"simulationDuration"`
		} `json:"maneuverReport"`
	}
	if err := merged.Decode(&mr); err != nil || mr.ManeuverReport.SimulationDuration != 660 {
		t.Fatalf("merged: %v %s", err, merged.Raw)
	}
	eph := check(merged.Ephemerides())(t)
	if alt, ok := eph.Column("keplerianAltitude"); !ok || len(alt) == 0 {
		t.Fatalf("ephemerides: %+v", eph)
	}
	files := srv.Files()
	if len(files) == 0 {
		t.Fatal("the emulator kept no file")
	}
	var csv, js bytes.Buffer
	check(c.Files.DownloadCSV(ctx, files[0], &csv))(t)
	check(c.Files.DownloadJSON(ctx, files[0], &js))(t)
	rows := check(c.Files.CSVAsJSON(ctx, files[0]))(t)
	if !strings.HasPrefix(csv.String(), "simulationDuration,") || !json.Valid(js.Bytes()) || !json.Valid(rows) {
		t.Fatalf("files: %q %q %q", csv.String(), js.String(), rows)
	}
	if _, err := c.Files.DownloadCSV(ctx, "nope", &csv); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestConflictOnDuplicateName(t *testing.T) {
	_, c := setup(t, nil)
	ctx := context.Background()
	a := check(c.Orbits.Create(ctx, map[string]any{"name": "A"}))(t)
	check(c.Orbits.Create(ctx, map[string]any{"name": "B"}))(t)
	_, err := c.Orbits.Create(ctx, map[string]any{"name": "A"})
	var apiErr *facade.APIError
	if !errors.Is(err, facade.ErrConflict) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "already exists") {
		t.Fatalf("duplicate create: %v", err)
	}
	if _, err := c.Orbits.Update(ctx, a.ID, map[string]any{"name": "B"}); !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("rename onto a taken name: %v", err)
	}
	// Other collections have their own names.
	check(c.ParametricOrbits.Create(ctx, map[string]any{"name": "A"}))(t)
}

func TestArgumentErrors(t *testing.T) {
	_, c := setup(t, nil)
	ctx := context.Background()
	for _, body := range []any{map[string]any{}, map[string]any{"name": ""}, []int{1}, "x", map[string]any{"name": 3}, func() {}} {
		_, err := c.Orbits.Create(ctx, body)
		var argErr *facade.ArgumentError
		if !errors.As(err, &argErr) || !errors.Is(err, facade.ErrValidation) {
			t.Errorf("Create(%T): %v", body, err)
		}
	}
	if err := c.Orbits.Delete(ctx, ""); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("Delete(\"\"): %v", err)
	}
	if err := c.SimulationMissions.ComputeUntil(ctx, "x", 0); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("ComputeUntil(0): %v", err)
	}
	if _, err := c.SimulationMissions.ResumeFromResults(ctx, "x", "y", nil); !errors.Is(err, facade.ErrValidation) {
		t.Errorf("ResumeFromResults(nil): %v", err)
	}
	if err := c.Orbits.DeleteByName(ctx, "absent"); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("DeleteByName(absent): %v", err)
	}
	var nf *spacestudio.NotFoundError
	if _, err := c.Orbits.FindByName(ctx, "absent"); !errors.As(err, &nf) || nf.Name != "absent" {
		t.Errorf("FindByName(absent): %v", err)
	}
	if _, err := c.SimulationMissions.Results(ctx, "nope"); !errors.Is(err, facade.ErrNotFound) {
		t.Errorf("Results(unknown): %v", err)
	}
	m := check(c.SimulationMissions.Create(ctx, map[string]any{"name": "never computed"}))(t)
	if _, err := c.SimulationMissions.Results(ctx, m.ID); !errors.Is(err, spacestudio.ErrNotComputed) {
		t.Errorf("Results(not computed): %v", err)
	}
}

func TestConnectErrors(t *testing.T) {
	srv := spacestudiotest.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	tok := spacestudio.WithTokenURL(srv.TokenURL)

	_, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, "wrong-password", srv.ClientID, tok)
	var apiErr *facade.APIError
	if !errors.Is(err, facade.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Operation != "Login" || apiErr.Message != "Invalid user credentials" {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Fatal("the password shows in the error")
	}
	if _, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, "other-client", tok); !errors.Is(err, facade.ErrUnauthorized) {
		t.Fatalf("unknown client: %v", err)
	}
	for _, c := range []struct {
		url, mail, pw, client string
		opts                  []spacestudio.Option
		want                  error
	}{
		{"", "m", "p", "c", nil, spacestudio.ErrNoBaseURL},
		{"ftp://x", "m", "p", "c", nil, spacestudio.ErrInvalidURL},
		{"https://x?q=1", "m", "p", "c", nil, spacestudio.ErrInvalidURL},
		{"https://x", "", "p", "c", nil, spacestudio.ErrMissingCredentials},
		{"https://x", "m", "", "c", nil, spacestudio.ErrMissingCredentials},
		{"https://x", "m", "p", " ", nil, spacestudio.ErrMissingCredentials},
		{"https://x", "m", "p", "c", []spacestudio.Option{spacestudio.WithTokenURL("not a url")}, spacestudio.ErrInvalidURL},
	} {
		_, err := spacestudio.Connect(ctx, c.url, c.mail, c.pw, c.client, c.opts...)
		var ce *facade.ConfigError
		if !errors.Is(err, c.want) || !errors.As(err, &ce) {
			t.Errorf("Connect(%q, %q, ..., %q): %v, want %v", c.url, c.mail, c.client, err, c.want)
		}
	}

	// An account without the scripting option: the login works, the user
	// lookup is refused, and the error says why.
	noScript := spacestudiotest.NewServer(spacestudiotest.WithoutScriptingOption())
	t.Cleanup(noScript.Close)
	_, err = spacestudio.Connect(ctx, noScript.URL, noScript.Mail, noScript.Password, noScript.ClientID, spacestudio.WithTokenURL(noScript.TokenURL))
	if !errors.Is(err, facade.ErrForbidden) || !strings.Contains(err.Error(), "scripting option") {
		t.Fatalf("no scripting option: %v", err)
	}

	// A token endpoint that is down: a transport error, not a panic or exit.
	_, err = spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL("http://127.0.0.1:1/token"))
	var te *facade.TransportError
	if !errors.As(err, &te) || te.Operation != "Login" {
		t.Fatalf("token endpoint down: %v", err)
	}
}

// The trailing slash the Python package strips, and the base URL used for
// the user lookup too (the Python package uses LOG_BASE_URL there).
func TestBaseURLTrailingSlash(t *testing.T) {
	srv := spacestudiotest.NewServer()
	t.Cleanup(srv.Close)
	c, err := spacestudio.Connect(context.Background(), srv.URL+"//", srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != srv.URL {
		t.Fatalf("base URL %q", c.BaseURL())
	}
	check(c.Orbits.All(context.Background()))(t)
}

func TestConcurrentUse(t *testing.T) {
	_, c := setup(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			_, err := c.Orbits.Create(ctx, map[string]any{"name": "orbit " + string(rune('A'+i))})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(check(c.Orbits.All(ctx))(t)); n != 20 {
		t.Fatalf("%d orbits", n)
	}
}
