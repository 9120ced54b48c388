package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
)

// TestSubtreeNames guards the table Main builds from: each entry's name
// must be the name of the command it builds, or Main would never find it.
func TestSubtreeNames(t *testing.T) {
	a := app.New(app.IO{})
	for _, s := range subtrees {
		cmd := s.build(a)
		if cmd.Name() != s.name || len(cmd.Aliases) > 0 {
			t.Errorf("subtree %q builds %q (aliases %q): the table and the command disagree", s.name, cmd.Name(), cmd.Aliases)
		}
	}
	if got, want := len(NewRoot(a).Commands()), len(subtrees); got < want {
		t.Errorf("the whole tree has %d commands, the table %d", got, want)
	}
}

func TestSubtreeOf(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"st2", "action", "list"}, "st2"},
		{[]string{"--sandbox", "-j", "cachet", "component", "list"}, "cachet"},
		{[]string{"-w", "20", "30", "--debug", "st2", "key", "list"}, "st2"}, // values of a global flag are skipped
		{[]string{"--debug", "spacestudio", "--help"}, "spacestudio"},
		{[]string{"sandbox", "serve", "saagie"}, "sandbox"},
		{[]string{"rightscale"}, "rightscale"},
		// These need the whole tree: root help and version, cobra's own
		// commands, completion, and mistakes (for cobra's suggestions).
		{nil, ""},
		{[]string{"--version"}, ""},
		{[]string{"--help"}, ""},
		{[]string{"help", "st2"}, ""},
		{[]string{"completion", "bash"}, ""},
		{[]string{"__complete", "st2", ""}, ""},
		{[]string{"st3", "action", "list"}, ""},
		{[]string{"--nope", "st2"}, ""},
	} {
		a := app.New(app.IO{})
		if got := subtreeOf(a, output.NormalizeArgs(c.args, multiValueFlags)); got != c.want {
			t.Errorf("subtreeOf(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

// TestOneSubtreeSameAsWholeTree runs commands through Main (one subtree)
// and through the whole tree, and wants the same output and exit code.
func TestOneSubtreeSameAsWholeTree(t *testing.T) {
	for _, args := range [][]string{
		{"st2", "--help"},
		{"cachet", "component", "--help"},
		{"st2", "acton", "list"},
		{"spacestudio", "--nope"},
		{"--sandbox", "cachet", "component", "list"},
		// Attributes without ids: two sandboxes started in different
		// seconds give their objects different ids.
		{"--sandbox", "-j", "st2", "action", "get", "core.local", "-a", "ref", "description", "parameters"},
		{"--version"}, // answered by the bare root
		{"--debug", "--version"},
		{"--version", "nope"}, // not flags only: the whole tree
	} {
		var lazyOut, lazyErr bytes.Buffer
		lazyCode := Main(context.Background(), args, app.IO{Out: &lazyOut, Err: &lazyErr})

		var fullOut, fullErr bytes.Buffer
		a := app.New(app.IO{Out: &fullOut, Err: &fullErr})
		root := NewRoot(a)
		root.SetArgs(output.NormalizeArgs(args, multiValueFlags))
		err := root.ExecuteContext(context.Background())
		a.Close()
		if err != nil {
			fullErr.WriteString("ERROR: " + err.Error() + "\n")
		}
		fullCode := app.ExitCode(err)

		name := strings.Join(args, " ")
		if lazyCode != fullCode || lazyOut.String() != fullOut.String() {
			t.Errorf("%s: one subtree exit %d, output:\n%s\nwhole tree exit %d, output:\n%s", name, lazyCode, lazyOut.String(), fullCode, fullOut.String())
		}
		if !strings.HasPrefix(lazyErr.String(), fullErr.String()) {
			t.Errorf("%s: stderr %q, whole tree %q", name, lazyErr.String(), fullErr.String())
		}
		if lazyOut.Len()+lazyErr.Len() == 0 {
			t.Errorf("%s: printed nothing", name)
		}
	}
}
