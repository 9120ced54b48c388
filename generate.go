package switchboard

// One directive per spec. The generator version is pinned in go.mod through tools.go.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config specs/cachet/oapi-codegen.yaml specs/cachet/openapi.yaml
