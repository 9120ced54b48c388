// Command st2 is a drop-in replacement for StackStorm's `st2` command line,
// in Go: the same commands, options, ST2_* variables, ~/.st2/config and
// token cache, output and exit codes, over the Switchboard st2 facade. It
// starts in milliseconds and installs as one file:
//
//	go install github.com/switchboard-go/switchboard/cmd/st2@latest
//
// The commands are those of `switchboard st2` (package
// cmd/internal/st2cmd), mounted under st2's own root with st2's global
// options, --version and shell completion (`st2 completion bash|zsh|fish`).
package main

import (
	"context"
	"os"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/st2cmd"
)

func main() {
	ctx, stop := app.InterruptContext(context.Background())
	code := st2cmd.Main(ctx, os.Args[1:], app.OSIO())
	stop()
	os.Exit(code)
}
