package st2test_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

func TestWithLatency(t *testing.T) {
	srv := st2test.NewServer(st2test.WithLatency(40 * time.Millisecond))
	defer srv.Close()
	start := time.Now()
	resp, err := http.Get(srv.APIURL + "/actions?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if el := time.Since(start); el < 40*time.Millisecond {
		t.Errorf("answered after %v, want at least the 40ms latency", el)
	}
}
