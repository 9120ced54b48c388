package app_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
)

func TestVersionOnly(t *testing.T) {
	for args, want := range map[string]bool{
		"--version": true, "-v": true, "--debug --version": true, "-j --version": true,
		"": false, "--help": false, "st2 --version": false, "-w 20 --version": false,
	} {
		if got := app.VersionOnly(strings.Fields(args)); got != want {
			t.Errorf("VersionOnly(%q) = %v, want %v", args, got, want)
		}
	}
}

// versionRoot is a root as the binaries build theirs: hooks that must not
// run for --version, a subcommand, the usage rules, then the answer.
func versionRoot(ran *[]string) *cobra.Command {
	root := &cobra.Command{
		Use:           "tool",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			*ran = append(*ran, "pre:"+cmd.Name())
			return nil
		},
	}
	app.AddVersionFlag(root)
	root.AddCommand(&cobra.Command{Use: "sub", RunE: func(*cobra.Command, []string) error {
		*ran = append(*ran, "sub")
		return nil
	}})
	app.EnforceUsageErrors(root)
	app.AnswerVersion(root, "tool 1.2.3 (test)")
	return root
}

func TestAnswerVersion(t *testing.T) {
	for _, c := range []struct {
		args    []string
		out     string
		ran     string
		wantErr bool
	}{
		{args: []string{"--version"}, out: "tool 1.2.3 (test)\n"},
		{args: []string{"-v"}, out: "tool 1.2.3 (test)\n"},
		// The hooks run for a command, never for the version.
		{args: []string{"sub"}, ran: "pre:sub sub"},
		// A root that runs nothing still prints its help.
		{args: nil, out: "Usage:", ran: "pre:tool"},
		{args: []string{"--version=false"}, out: "Usage:", ran: "pre:tool"},
		// The flag is the root's own, as cobra's is.
		{args: []string{"sub", "--version"}, wantErr: true},
		{args: []string{"--version", "nope"}, wantErr: true},
	} {
		var ran []string
		root := versionRoot(&ran)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(c.args)
		err := root.Execute()
		if (err != nil) != c.wantErr {
			t.Errorf("%q: error %v, want error %v", c.args, err, c.wantErr)
			continue
		}
		if c.wantErr {
			continue
		}
		if !strings.HasPrefix(out.String(), c.out) {
			t.Errorf("%q printed %q, want it to start with %q", c.args, out.String(), c.out)
		}
		if got := strings.Join(ran, " "); got != c.ran {
			t.Errorf("%q ran %q, want %q", c.args, got, c.ran)
		}
	}
}

func TestAnswerVersionKeepsTheRootsRunE(t *testing.T) {
	errNoCommand := errors.New("a command is required")
	root := &cobra.Command{Use: "st2", SilenceUsage: true, SilenceErrors: true,
		RunE: func(*cobra.Command, []string) error { return errNoCommand }}
	app.AddVersionFlag(root)
	app.AnswerVersion(root, "st2 9")
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs(nil)
	if err := root.Execute(); !errors.Is(err, errNoCommand) {
		t.Errorf("without --version: %v, want the root's own error", err)
	}
	root.SetArgs([]string{"--version"})
	if err := root.Execute(); err != nil || out.String() != "st2 9\n" {
		t.Errorf("--version: %v, %q", err, out.String())
	}
}
