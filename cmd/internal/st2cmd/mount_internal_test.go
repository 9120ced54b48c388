package st2cmd

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
)

func newTestApp() *app.App {
	return app.New(app.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
}

// TestTopCommandsTable holds the table Mount probes with to the commands
// its constructors build: a word missing from the table would leave a
// command line with nothing to run.
func TestTopCommandsTable(t *testing.T) {
	e := NewEnv(newTestApp(), DropInProfile)
	for _, c := range topCommands {
		cmd := c.build(e)
		if cmd.Name() != c.words[0] || !slices.Equal(cmd.Aliases, c.words[1:]) {
			t.Errorf("table entry %q builds %q (aliases %q)", c.words, cmd.Name(), cmd.Aliases)
		}
	}
}

func TestDropInBuildsOnlyTheCommandRun(t *testing.T) {
	names := func(args ...string) []string {
		var out []string
		for _, c := range newDropIn(newTestApp(), args).Commands() {
			out = append(out, c.Name())
		}
		return out
	}
	all := names()
	if len(all) != len(topCommands) {
		t.Fatalf("the whole tree has %d commands, the table %d: %q", len(all), len(topCommands), all)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"action", "list"}, []string{"action"}},
		{[]string{"actions", "list"}, []string{"action"}},
		{[]string{"--url", "http://h", "-j", "key", "get", "k"}, []string{"key"}},
		{[]string{"-t", "tok", "execution", "list", "--timestamp-gt", "x"}, []string{"execution"}},
		{[]string{"action", "list", "--help"}, []string{"action"}},
		{[]string{"--version"}, nil},
		{[]string{"-v", "--debug"}, nil},
		// Help, completion and mistakes need every command.
		{[]string{"--help"}, all},
		{[]string{"help", "action"}, all},
		{[]string{"completion", "bash"}, all},
		{[]string{"__complete", "act"}, all},
		{[]string{"actoin", "list"}, all},
		{nil, all},
	} {
		if got := names(c.args...); !slices.Equal(got, c.want) {
			t.Errorf("%q builds %q, want %q", c.args, got, c.want)
		}
		// cobra's completion command is left out exactly when the line
		// cannot be asking for it.
		whole := len(c.want) == len(all)
		if got := newDropIn(newTestApp(), c.args).CompletionOptions.DisableDefaultCmd; got == whole {
			t.Errorf("%q: completion command disabled = %v, want %v", c.args, got, !whole)
		}
	}
}
