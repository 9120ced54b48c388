// Command httpfloor is the smallest Go program that does what `st2 action
// list` does: one GET of the actions list with the API key, decoded from
// JSON and printed a line per action. Its start-up time is what any Go HTTP
// client pays on the machine (net/http's and encoding/json's package
// inits, a connection, the request), so `st2 action list` is also reported
// against it.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

func main() {
	req, err := http.NewRequest(http.MethodGet, os.Getenv("ST2_API_URL")+"/actions?include_attributes=ref,pack,description", nil)
	if err != nil {
		fail(err)
	}
	req.Header.Set("St2-Api-Key", os.Getenv("ST2_API_KEY"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fail(err)
	}
	defer resp.Body.Close()
	var actions []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&actions); err != nil {
		fail(err)
	}
	for _, a := range actions {
		fmt.Printf("| %-24v | %-10v | %v |\n", a["ref"], a["pack"], a["description"])
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
