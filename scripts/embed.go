// Package scripts holds the default Lua script set (dial plan, PBX features,
// IVR, provisioning), embedded so that the binary runs without files.
package scripts

import "embed"

// FS holds every *.lua file of this directory at its base name.
//
//go:embed *.lua
var FS embed.FS
