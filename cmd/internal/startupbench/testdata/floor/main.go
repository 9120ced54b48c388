// Command floor is the smallest Go program that writes a line: its start-up
// time is what the machine charges any Go binary, so the CLI's figures are
// also reported as a ratio to it.
package main

import "os"

func main() { os.Stdout.WriteString("floor\n") }
