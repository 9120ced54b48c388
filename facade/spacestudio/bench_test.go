package spacestudio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade/spacestudio"
	"github.com/switchboard-go/switchboard/facade/spacestudio/spacestudiotest"
)

// benchCollection is the size of the listed collection: the API has no
// paging, so a user with many orbits gets them all in every list, and
// every Get or FindByName pays for that.
const benchCollection = 2000

// BenchmarkList lists a large collection through the facade and, in the
// same run, with a bare net/http call decoding into generic maps: the
// facade's overhead is the difference (Object keeps raw fields; the
// transport adds logging, retries and credentials).
func BenchmarkList(b *testing.B) {
	srv := spacestudiotest.NewServer()
	b.Cleanup(srv.Close)
	ctx := context.Background()
	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID, spacestudio.WithTokenURL(srv.TokenURL))
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchCollection {
		if _, err := c.Orbits.Create(ctx, map[string]any{
			"name": fmt.Sprintf("orbit %04d", i), "type": "Circular", "sunSynchronousOrbit": true,
			"altitude": 500000 + i, "ascendingNodeDefinitionType": "LTAN", "ltan": 43200,
			"orbitDateTime": "2024-01-01T00:00:00.000Z", "meanOscType": "MEAN", "inclination": 1.7,
		}); err != nil {
			b.Fatal(err)
		}
	}
	listURL := srv.URL + "/exoops/users/" + srv.UserID + "/orbitdefinitions"
	token := rawToken(b, srv)

	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			all, err := c.Orbits.All(ctx)
			if err != nil || len(all) != benchCollection {
				b.Fatalf("%d, %v", len(all), err)
			}
		}
	})
	b.Run("facade-find-last", func(b *testing.B) {
		b.ReportAllocs()
		name := fmt.Sprintf("orbit %04d", benchCollection-1)
		for b.Loop() {
			if _, err := c.Orbits.FindByName(ctx, name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-net-http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, listURL, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var all []map[string]any
			err = json.NewDecoder(resp.Body).Decode(&all)
			resp.Body.Close()
			if err != nil || len(all) != benchCollection {
				b.Fatalf("%d, %v", len(all), err)
			}
		}
	})
}

// rawToken logs in with a bare form post, for the raw baseline.
func rawToken(b *testing.B, srv *spacestudiotest.Server) string {
	b.Helper()
	resp, err := http.PostForm(srv.TokenURL, url.Values{"grant_type": {"password"}, "client_id": {srv.ClientID},
		"username": {srv.Mail}, "password": {srv.Password}})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		b.Fatalf("token: %v", err)
	}
	return tok.AccessToken
}

// BenchmarkDownload streams a 32 MiB file to io.Discard through the
// facade (CSV: a plain copy; JSON: with the completeness scan) and with a
// bare net/http copy, to show that downloads are streamed (allocations do
// not grow with the file) and what the JSON check costs.
func BenchmarkDownload(b *testing.B) {
	const size = 32 << 20
	var csv strings.Builder
	csv.WriteString("simulationDuration,keplerianSma,keplerianAltitude,totalConsumption\n")
	for i := 0; csv.Len() < size; i++ {
		fmt.Fprintf(&csv, "%d,6878137.%06d,500000.%06d,0.%06d\n", i*60, i, i, i)
	}
	var js strings.Builder
	js.WriteString(`{"fieldIndexes":{"simulationDuration":0,"keplerianAltitude":1},"ephemerides":[`)
	for i := 0; js.Len() < size; i++ {
		fmt.Fprintf(&js, "[%d,500000.%06d],", i*60, i)
	}
	js.WriteString(`[0,0]]}`)
	csvBody, jsBody := csv.String(), js.String()

	f := newFake(b)
	f.answer("GET /exoops/users/u1/gridfs/ascsv/big", 200, "text/csv", csvBody)
	f.answer("GET /exoops/users/u1/gridfs/asjson/big", 200, "application/json", jsBody)
	c, err := f.connect()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		size int
		get  func() (int64, error)
	}{
		{"facade-csv", len(csvBody), func() (int64, error) { return c.Files.DownloadCSV(ctx, "big", io.Discard) }},
		{"facade-json", len(jsBody), func() (int64, error) { return c.Files.DownloadJSON(ctx, "big", io.Discard) }},
		{"raw-net-http-csv", len(csvBody), func() (int64, error) {
			resp, err := http.Get(f.URL + "/exoops/users/u1/gridfs/ascsv/big")
			if err != nil {
				return 0, err
			}
			defer resp.Body.Close()
			return io.Copy(io.Discard, resp.Body)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(bc.size))
			b.ReportAllocs()
			for b.Loop() {
				if n, err := bc.get(); err != nil || n != int64(bc.size) {
					b.Fatalf("%d of %d bytes, %v", n, bc.size, err)
				}
			}
		})
	}
}
