package st2_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// Create a rule from a document as `st2 rule create rule.json` sends it:
// the server validates the fields and answers with its copy.
func ExampleClient_CreateRaw() {
	srv := st2test.NewServer(st2test.WithDemoData())
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey})
	if err != nil {
		log.Fatal(err)
	}
	doc := `{"name": "hourly", "pack": "examples", "enabled": true,
		"trigger": {"type": "core.st2.IntervalTimer", "parameters": {"unit": "hours", "delta": 1}},
		"action": {"ref": "core.local", "parameters": {"cmd": "date"}}}`
	raw, err := c.CreateRaw(context.Background(), st2.RawRules, []byte(doc))
	if err != nil {
		log.Fatal(err)
	}
	var rule st2.Rule
	if err := json.Unmarshal(raw, &rule); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rule.Ref, *rule.Enabled, rule.Trigger.Type)
	// Output: examples.hourly true core.st2.IntervalTimer
}

// Search the pack index, as `st2 pack search` does.
func ExamplePackManager_Search() {
	srv := st2test.NewServer(st2test.WithDemoData())
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey})
	if err != nil {
		log.Fatal(err)
	}
	found, err := c.Packs.Search(context.Background(), "slack")
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range found {
		fmt.Println(p["name"], p["version"])
	}
	// Output: slack 2.2.0
}
