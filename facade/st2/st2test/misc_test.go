package st2test_test

import (
	"encoding/base64"
	"os"
)

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
