package cachettest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-go/switchboard/facade/cachet/cachettest"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// A test starts an emulator with some data, points the code under test at
// srv.URL with srv.Token, and checks what the code did through the API.
func Example() {
	srv := cachettest.NewServer(cachettest.WithSeed(func(sd *cachettest.Seeder) {
		sd.Component(cachetapi.ComponentCreate{Name: "API", Status: cachetapi.ComponentStatusOperational})
	}))
	defer srv.Close()

	// The code under test reports an incident that takes the API down.
	body := strings.NewReader(`{"name":"API down","status":1,"message":"Looking into it",` +
		`"component_id":1,"component_status":4,"visible":1,"stickied":false,"notify":true}`)
	req, _ := http.NewRequest("POST", srv.URL+"/incidents", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Cachet-Token", srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	var created cachetapi.IncidentResponse
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, created.Data.Name, created.Data.HumanStatus)

	// The component followed, as on a real Cachet.
	resp, err = http.Get(srv.URL + "/components/1")
	if err != nil {
		fmt.Println(err)
		return
	}
	var comp cachetapi.ComponentResponse
	_ = json.NewDecoder(resp.Body).Decode(&comp)
	resp.Body.Close()
	fmt.Println(comp.Data.Name, comp.Data.StatusName)

	// Output:
	// 200 API down Investigating
	// API Major Outage
}

// The generated client works against the emulator as against a real site.
func Example_generatedClient() {
	srv := cachettest.NewServer()
	defer srv.Close()
	client, err := cachetapi.NewClientWithResponses(srv.URL,
		cachetapi.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("X-Cachet-Token", srv.Token)
			return nil
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	tags := "Edge, Public API"
	made, err := client.CreateComponentWithResponse(ctx, cachetapi.ComponentCreate{
		Name: "Gateway", Status: cachetapi.ComponentStatusPerformanceIssues, Tags: &tags,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	tagMap, _ := made.JSON200.Data.Tags.AsTagMap()
	fmt.Println(made.StatusCode(), made.JSON200.Data.StatusName, tagMap["public-api"])

	// Validation errors come back in Cachet's error format.
	bad, _ := client.CreateComponentWithResponse(ctx, cachetapi.ComponentCreate{Status: 1})
	fmt.Println(bad.StatusCode(), (*bad.JSON400.Errors[0].Meta.Details)[0])

	// Output:
	// 200 Performance Issues Public API
	// 400 The name field is required.
}

// Templates can only be made in Cachet's dashboard; tests add them
// directly, then use them through the API.
func ExampleServer_AddIncidentTemplate() {
	srv := cachettest.NewServer()
	defer srv.Close()
	srv.AddIncidentTemplate("Maintenance", "", "{{ incident.name }}: back at {{ eta }}.")

	body := strings.NewReader(`{"name":"DB upgrade","status":2,"template":"maintenance","vars":{"eta":"14:00"}}`)
	req, _ := http.NewRequest("POST", srv.URL+"/incidents", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Cachet-Token", srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var created cachetapi.IncidentResponse
	_ = json.NewDecoder(resp.Body).Decode(&created)
	fmt.Println(created.Data.Message)

	// Output:
	// DB upgrade: back at 14:00.
}
