// Package plugins holds the WebAssembly plugins shipped with hookswitch,
// built from the Go sources of its subdirectories with sdk/go and embedded
// so that the binary runs them without a build step. `go generate
// ./plugins` rebuilds them; TestShippedPluginsAreFresh fails when a
// shipped .wasm differs from what its source builds to.
package plugins

import "embed"

// FS holds every *.wasm file of this directory at its base name.
//
//go:embed *.wasm
var FS embed.FS

//go:generate go run ./internal/gen
