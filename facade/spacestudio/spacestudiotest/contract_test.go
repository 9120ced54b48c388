package spacestudiotest_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
	"github.com/switchboard-go/switchboard/gen/spacestudioapi"
)

// Every operation of the spec, served by the emulator behind the contract
// check, so every request it accepts and every answer it writes (errors
// included) is what the spec describes.
func TestContractServerSide(t *testing.T) {
	srv := spacestudiotest.NewServer(spacestudiotest.WithCompute(2, 0))
	t.Cleanup(srv.Close)
	checked := contract.Load(t, contract.DocJSON(t, spacestudioapi.GetSpecJSON), "")
	ts := httptest.NewServer(checked.Handler(srv.Handler()))
	t.Cleanup(ts.Close)
	ctx := context.Background()
	c, err := spacestudio.Connect(ctx, ts.URL, srv.Mail, srv.Password, srv.ClientID,
		spacestudio.WithTokenURL(ts.URL+spacestudiotest.TokenPath),
		spacestudio.WithHTTPOptions(facade.WithRetry(0, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	wait := spacestudio.ComputeOptions{Wait: facade.WaitOptions{Interval: time.Millisecond}}
	var sim *spacestudio.Object
	for _, col := range spacestudio.Collections() {
		m, _ := c.Objects(col.Path)
		o, err := m.Create(ctx, map[string]any{"name": "x", "altitude": 5e5})
		if err != nil {
			t.Fatalf("%s: %v", col.Path, err)
		}
		if _, err := m.Create(ctx, map[string]any{"name": "x"}); err == nil {
			t.Fatalf("%s: duplicate accepted", col.Path)
		}
		if _, err := m.Update(ctx, o.ID, map[string]any{"name": "y"}); err != nil {
			t.Fatal(err)
		}
		if all, err := m.All(ctx); err != nil || len(all) != 1 {
			t.Fatalf("%s: %v %v", col.Path, all, err)
		}
		if col.Mission {
			ms, _ := c.Missions(col.Path)
			if _, err := ms.RunComputation(ctx, o.ID, wait); err != nil && col.Path != "simulationrequests" {
				t.Fatalf("%s: %v", col.Path, err)
			}
		}
		if col.Path == "simulationrequests" {
			sim = o
			continue
		}
		if err := m.Delete(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		if err := m.Delete(ctx, o.ID); err == nil {
			t.Fatal("second delete accepted")
		}
	}
	// The simulation extras on a complete mission, and the files.
	orbit, _ := c.Orbits.Create(ctx, map[string]any{"name": "o", "altitude": 5e5})
	sat, _ := c.Spacecraft.Create(ctx, map[string]any{"name": "s"})
	full, err := c.SimulationMissions.Create(ctx, map[string]any{"name": "full", "spacecraft": sat, "initialOrbit": orbit, "maximumDuration": 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SimulationMissions.ComputeUntil(ctx, full.ID, 50*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SimulationMissions.Wait(ctx, full.ID, wait); err != nil {
		t.Fatal(err)
	}
	paused, err := c.SimulationMissions.Results(ctx, full.ID)
	if err != nil {
		t.Fatal(err)
	}
	next, err := c.SimulationMissions.ResumeFromResults(ctx, full.ID, "full 2", paused)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SimulationMissions.RunComputation(ctx, next.ID, wait); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SimulationMissions.MergedResults(ctx, full.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.SimulationMissions.Delete(ctx, sim.ID); err != nil {
		t.Fatal(err)
	}
	name := srv.Files()[0]
	var buf bytes.Buffer
	for _, f := range []func() error{
		func() error { _, err := c.Files.DownloadCSV(ctx, name, &buf); return err },
		func() error { _, err := c.Files.DownloadJSON(ctx, name, &buf); return err },
		func() error { _, err := c.Files.CSVAsJSON(ctx, name); return err },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	// Error answers of the token endpoint and the API.
	for _, form := range []url.Values{
		{"grant_type": {"password"}, "client_id": {srv.ClientID}, "username": {srv.Mail}, "password": {"bad"}},
		{"grant_type": {"refresh_token"}, "client_id": {srv.ClientID}, "refresh_token": {"bad"}},
		{"grant_type": {"password"}, "client_id": {"nobody"}},
	} {
		resp, err := http.PostForm(ts.URL+spacestudiotest.TokenPath, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("%v: %d", form, resp.StatusCode)
		}
	}
	resp, err := http.Get(ts.URL + "/exoops/users/infos")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	checked.RequireAllOperations(t)
}
