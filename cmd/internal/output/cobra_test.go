package output

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/spf13/cobra"
)

// TestCobraWiring shows how a command tree uses the package: AddFlags on
// the command, NormalizeArgs on the raw arguments, Validate in PreRunE.
func TestCobraWiring(t *testing.T) {
	var o Options
	var out bytes.Buffer
	cmd := &cobra.Command{
		Use:     "list",
		PreRunE: func(*cobra.Command, []string) error { return o.Validate() },
		RunE: func(*cobra.Command, []string) error {
			items := json.RawMessage(`[{"ref":"core.local","pack":"core","description":"d","enabled":true}]`)
			return o.List(&out, items, []string{"ref", "pack", "description"})
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	AddFlags(cmd.Flags(), &o)
	cmd.SetArgs(NormalizeArgs([]string{"-a", "ref", "enabled", "-w", "12"}, MultiValueFlags))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := "+------------+---------+\n| ref        | enabled |\n+------------+---------+\n| core.local | True    |\n+------------+---------+\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}

	o = Options{}
	cmd.SetArgs([]string{"-j", "-y"})
	if err := cmd.Execute(); err == nil {
		t.Error("-j -y accepted")
	}
}
