// Package saagiespec embeds the hand-written Saagie API descriptions so that
// the facade, the emulator and their tests read the very files the generators
// read: the OpenAPI description of the REST surface, the SDL of the two
// GraphQL endpoints, and one operation document per call.
package saagiespec

import (
	"embed"
	_ "embed"
)

// ProjectsSchema is the SDL of the per-platform Projects GraphQL endpoint
// (POST {base}/projects/api/platform/{platformId}/graphql).
//
//go:embed schema.graphql
var ProjectsSchema string

// GatewaySchema is the SDL of the realm-wide technology catalog endpoint
// (POST {base}/gateway/api/graphql).
//
//go:embed gateway.graphql
var GatewaySchema string

// OpenAPI is the OpenAPI 3.0.3 description of the REST calls and of the two
// GraphQL endpoints as generic POST operations.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Operations holds operations/projects/*.graphql and
// operations/gateway/*.graphql, the documents genqlient generates from.
//
//go:embed operations
var Operations embed.FS
