package st2_test

import "os"

// tempDir is a token cache directory for examples, which have no
// testing.T; it is left to the system's temporary-file cleanup.
func tempDir() string {
	d, err := os.MkdirTemp("", "st2-example-")
	if err != nil {
		panic(err)
	}
	return d
}
