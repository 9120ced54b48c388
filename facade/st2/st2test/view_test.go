package st2test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The shallow view GET and list answer with encodes to the same bytes as
// the deep masked copy, and answering (with exclusions, projections and
// max_result_size) leaves the stored executions as they were.
func TestMaskedViewMatchesMaskedExecution(t *testing.T) {
	act := &Action{Description: "secrets", Parameters: map[string]any{
		"s": map[string]any{"type": "string", "secret": true},
		"p": map[string]any{"type": "string", "secret": false},
	}}
	s := NewServer(WithTickInterval(0), WithActionHandler("my.act", act, func(context.Context, map[string]any) (any, error) {
		return map[string]any{"ok": true}, nil
	}), WithSeed(func(sd *Seeder) {
		sd.Run("my.act", map[string]any{"s": "hush", "p": "plain"})
		sd.Run("core.echo", map[string]any{"message": "<hi> & bye"})
	}))
	t.Cleanup(s.Close)

	snapshot := func() []byte {
		s.mu.Lock()
		defer s.mu.Unlock()
		b, err := json.Marshal(s.st.executions.items)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// The seeded runs finish in their own goroutines: wait for that, or
	// a run ending between the two snapshots looks like a change made by
	// answering.
	for deadline := time.Now().Add(10 * time.Second); ; {
		s.mu.Lock()
		busy := false
		for _, d := range s.st.executions.items {
			switch str(d["status"]) {
			case "requested", "scheduled", "delayed", "running", "pending":
				busy = true
			}
		}
		s.mu.Unlock()
		if !busy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the seeded executions never finished")
		}
		time.Sleep(time.Millisecond)
	}
	before := snapshot()
	s.mu.Lock()
	for _, d := range s.st.executions.items {
		for _, show := range []bool{false, true} {
			want, _ := json.Marshal(s.st.maskedExecution(d, show))
			got, err := encodeJSON(s.st.maskedView(d, show))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("show=%v:\n view %s\n deep %s", show, got, want)
			}
		}
	}
	var secretID string
	for _, d := range s.st.executions.items {
		if str(mapOf(d["action"])["ref"]) == "my.act" {
			secretID = str(d["id"])
		}
	}
	s.mu.Unlock()
	if secretID == "" {
		t.Fatal("no execution of my.act")
	}

	for _, q := range []string{"", "?exclude_attributes=result,status", "?include_attributes=status,parameters", "?max_result_size=1", "?show_secrets=true"} {
		for _, path := range []string{"/executions/" + secretID, "/executions", "/executions/last"} {
			r := httptest.NewRequest(http.MethodGet, APIPath+path+q, nil)
			r.Header.Set("St2-Api-Key", s.APIKey)
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s%s: %d %s", path, q, w.Code, w.Body)
			}
			if q == "" && path != "/executions/last" && !bytes.Contains(w.Body.Bytes(), []byte(`"s":"********"`)) {
				t.Errorf("GET %s: the secret is not masked: %s", path, w.Body)
			}
			if bytes.Contains(w.Body.Bytes(), []byte("hush")) != (q == "?show_secrets=true" && path != "/executions/last") {
				t.Errorf("GET %s%s: secret shown = %v", path, q, !bytes.Contains(w.Body.Bytes(), []byte("hush")))
			}
		}
	}
	if after := snapshot(); !bytes.Equal(before, after) {
		t.Errorf("answering changed the stored executions:\nbefore %s\nafter  %s", before, after)
	}
}
