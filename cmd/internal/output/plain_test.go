package output

import (
	"bytes"
	"encoding/json"
	"testing"
)

// These goldens have no Python reference (plain mode is switchboard's own);
// they were written by `go test -update` and reviewed by hand.

var plainItems = json.RawMessage(`[
 {"id": "1", "action": {"ref": "core.local"}, "context": {"user": "stanley"}, "status": "succeeded",
  "result": {"stdout": "a\tb\nc\\d", "rc": 0}, "tags": ["x", "y"], "enabled": true, "end": null, "big": 1.50},
 {"id": "2", "action": {"ref": "core.http"}, "context": {}, "status": "failed",
  "result": {}, "tags": [], "enabled": false, "html": "<b>&</b>", "uni": "日本"}
]`)

func TestPlainGoldens(t *testing.T) {
	tests := []struct {
		name string
		run  func(*bytes.Buffer) error
	}{
		{"plain_list_default", func(b *bytes.Buffer) error {
			return Options{Plain: true}.List(b, plainItems, []string{"id", "action.ref", "context.user", "status", "end"})
		}},
		{"plain_list_attrs", func(b *bytes.Buffer) error {
			return Options{Plain: true, Attrs: []string{"id", "result", "result.stdout", "tags", "enabled", "big", "html", "uni"}}.List(b, plainItems, nil)
		}},
		{"plain_list_all", func(b *bytes.Buffer) error {
			return Options{Plain: true, Attrs: []string{"all"}}.List(b, plainItems, nil)
		}},
		{"plain_list_empty", func(b *bytes.Buffer) error {
			return Options{Plain: true}.List(b, []int{}, []string{"id"})
		}},
		{"plain_list_json_ignores_plain", func(b *bytes.Buffer) error {
			return Options{Plain: true, Format: JSON}.List(b, plainItems, []string{"id", "action.ref"})
		}},
		{"plain_get", func(b *bytes.Buffer) error {
			var items []json.RawMessage
			if err := json.Unmarshal(plainItems, &items); err != nil {
				return err
			}
			return Options{Plain: true}.Get(b, items[0], []string{"id", "status"})
		}},
		{"plain_get_attrs", func(b *bytes.Buffer) error {
			var items []json.RawMessage
			if err := json.Unmarshal(plainItems, &items); err != nil {
				return err
			}
			return Options{Plain: true, Attrs: []string{"result.stdout", "id", "missing"}}.Get(b, items[0], []string{"id"})
		}},
		{"plain_note", func(b *bytes.Buffer) error {
			return Options{Plain: true}.LimitNote(b, "executions", 50, ST2LimitFlag, 0)
		}},
		{"table_note_narrow", func(b *bytes.Buffer) error {
			return Options{}.LimitNote(b, "rules", 2, ST2LimitFlag, 10)
		}},
		// switchboard names its own flag in the same box.
		{"table_note_limit_flag", func(b *bytes.Buffer) error {
			return Options{}.LimitNote(b, "components", 1, "-n/--limit", 90)
		}},
		{"plain_note_limit_flag", func(b *bytes.Buffer) error {
			return Options{Plain: true}.LimitNote(b, "components", 20, "-n/--limit", 0)
		}},
		{"table_transformed_status", func(b *bytes.Buffer) error {
			o := Options{Columns: 80, Transforms: map[string]func(any) any{
				"status": func(v any) any { return ColorStatus(v.(string)) },
			}}
			return o.List(b, plainItems, []string{"id", "action.ref", "status"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.run(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, b.String())
		})
	}
}
