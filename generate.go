// Package switchboard is the root of the Switchboard module, a Go SDK and
// command-line tool for StackStorm, Cachet, RightScale, Saagie and Exotrail
// spacestudio. Users import the packages under facade/; this file only holds
// the go:generate directives that rebuild gen/ from the hand-written specs.
package switchboard

// One directive per spec. The generator's version is pinned in go.mod through
// tools.go, so `go generate ./...` gives the same output on every machine.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/cachet/oapi-codegen.yaml specs/cachet/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/rightscale/oapi-codegen.yaml specs/rightscale/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/st2/auth/oapi-codegen.yaml specs/st2/auth/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/st2/api/oapi-codegen.yaml specs/st2/api/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/st2/stream/oapi-codegen.yaml specs/st2/stream/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/spacestudio/oapi-codegen.yaml specs/spacestudio/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/saagie/oapi-codegen.yaml specs/saagie/openapi.yaml
//go:generate go run github.com/Khan/genqlient specs/saagie/genqlient.yaml
//go:generate go run github.com/Khan/genqlient specs/saagie/genqlient-gateway.yaml
