// Package openapi embeds the hand-written OpenAPI specs, the single source
// of truth for sessionhub's wire format, so the server can publish them.
package openapi

import "embed"

// Specs holds every *.yaml spec of this folder.
//
//go:embed *.yaml
var Specs embed.FS
