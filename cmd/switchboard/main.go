// Command switchboard is one command line for StackStorm, Cachet, RightScale,
// Saagie and spacestudio, with built-in emulators of all five (--sandbox).
package main

import (
	"context"
	"os"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/cli"
)

func main() {
	ctx, stop := app.InterruptContext(context.Background())
	code := cli.Main(ctx, os.Args[1:], app.OSIO())
	stop()
	os.Exit(code)
}
