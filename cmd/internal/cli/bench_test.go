package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
)

// BenchmarkMainTree is what Main costs before and around a command that
// does no I/O (`st2 action --help`): with the whole command tree built, as
// before, and with only the subtree the command runs, as Main does now.
func BenchmarkMainTree(b *testing.B) {
	args := []string{"st2", "action", "--help"}
	b.Run("whole-tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out bytes.Buffer
			a := app.New(app.IO{Out: &out, Err: &out})
			root := NewRoot(a)
			root.SetArgs(args)
			if err := root.ExecuteContext(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-subtree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out bytes.Buffer
			if code := Main(context.Background(), args, app.IO{Out: &out, Err: &out}); code != 0 {
				b.Fatalf("exit %d: %s", code, out.String())
			}
		}
	})
}
