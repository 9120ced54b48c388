package rightscaletest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

// The emulator speaks the API as it is on the wire: exchange the refresh
// token, then call with the bearer token and X-API-Version.
func Example() {
	srv := rightscaletest.NewServer(rightscaletest.WithDemoData())
	defer srv.Close()

	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {srv.RefreshToken}}
	req, _ := http.NewRequest("POST", srv.URL+"/api/oauth2", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-API-Version", "1.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()

	req, _ = http.NewRequest("GET", srv.URL+"/api/servers?filter[]=name%3D%3Dweb", nil)
	req.Header.Set("X-API-Version", "1.5")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var servers []struct {
		Name  string `json:"name"`
		State string `json:"state"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&servers)
	fmt.Println(resp.Header.Get("Content-Type"))
	for _, s := range servers {
		fmt.Println(s.Name, s.State)
	}
	// Output:
	// application/vnd.rightscale.server+json;type=collection;charset=utf-8
	// web operational
	// web-staging inactive
}
