//go:build tools

// Package tools pins the code generators and linters that `go generate`
// and `make lint` run, so every machine uses the same versions.
package tools

import (
	_ "github.com/Khan/genqlient"
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
