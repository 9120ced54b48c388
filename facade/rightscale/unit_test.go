package rightscale

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-go/switchboard/facade/rightscale/rstime"
)

func TestParseInput(t *testing.T) {
	for _, tc := range []struct{ in, name, value string }{
		{"GREETING=hello", "GREETING", "text:hello"},
		{"PW=cred:DB_PASSWORD", "PW", "cred:DB_PASSWORD"},
		{"HOST=env:db:PRIVATE_IP", "HOST", "env:db:PRIVATE_IP"},
		{"K=key:default:1", "K", "key:default:1"},
		{`L=array:["text:a","cred:B"]`, "L", `array:["text:a","cred:B"]`},
		{"X=inherit", "X", "inherit"},
		{"X=ignore", "X", "ignore"},
		{"X=blank", "X", "blank"},
		{"E=", "E", "text:"},
		{"T=text:env:x", "T", "text:env:x"},
		{"A=b=c", "A", "text:b=c"},
	} {
		n, v, err := ParseInput(tc.in)
		if err != nil || n != tc.name || v != tc.value {
			t.Errorf("ParseInput(%q) = %q, %q, %v", tc.in, n, v, err)
		}
	}
	for _, bad := range []string{"novalue", "=x", `L=array:[1]`, `L=array:["plain"]`, "C=cred:", `L=array:["inherit"]`} {
		if _, _, err := ParseInput(bad); err == nil {
			t.Errorf("ParseInput(%q) accepted", bad)
		}
	}
	if err := (Inputs{"A": "nope:x"}).Check(); err == nil {
		t.Error("unknown prefix accepted")
	}
	if got := Array(Text("a"), EnvOf("db", "IP")); got != `array:["text:a","env:db:IP"]` {
		t.Errorf("Array = %s", got)
	}
}

func TestPlainMessage(t *testing.T) {
	for in, want := range map[string]string{
		"ResourceNotFound: Couldn't find Cloud with ID=0 ":                                            "ResourceNotFound: Couldn't find Cloud with ID=0",
		`[["name","A deployment with this name already exists. Please enter a different name."]]`:     "name: A deployment with this name already exists. Please enter a different name.",
		"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad\n Gateway</h1></body></html>": "502 Bad Gateway Bad Gateway",
		"": "",
	} {
		if got := plainMessage([]byte(in)); got != want {
			t.Errorf("plainMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFilter(t *testing.T) {
	for in, want := range map[string]Filter{
		"name==web":                 Eq("name", "web"),
		"state<>terminated":         Ne("state", "terminated"),
		"name==a<>b":                Eq("name", "a<>b"),
		"deployment_href==/api/d/1": Eq("deployment_href", "/api/d/1"),
	} {
		got, err := ParseFilter(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseFilter(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"name", "==x", "na me==x"} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("ParseFilter(%q) accepted", bad)
		}
	}
}

func TestStateOf(t *testing.T) {
	for s, want := range map[string]TaskState{
		"Querying tags": TaskRunning, "completed: Hello": TaskCompleted, "Failed: x": TaskFailed,
		"aborted": TaskAborted, "50%: running": TaskRunning, "": TaskRunning,
	} {
		if got := StateOf(s); got != want {
			t.Errorf("StateOf(%q) = %s", s, got)
		}
	}
}

func TestTime(t *testing.T) {
	var v struct {
		A rstime.Time `json:"a"`
		B rstime.Time `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a":"2015/04/08 18:46:02 +0000","b":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.Year() != 2015 || !v.B.IsZero() {
		t.Fatalf("%v %v", v.A, v.B)
	}
	out, _ := json.Marshal(v.A)
	if string(out) != `"2015/04/08 18:46:02 +0000"` {
		t.Fatalf("marshal %s", out)
	}
	if err := json.Unmarshal([]byte(`{"a":"2015-04-08T18:46:02Z"}`), &v); err == nil {
		t.Fatal("RFC 3339 accepted")
	}
}
