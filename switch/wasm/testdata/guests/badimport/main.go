// Command badimport imports a host function that does not exist.
package main

//go:wasmimport hookswitch teleport
func teleport(where int32) int32

//go:wasmexport hookswitch_abi_version
func version() int32 { return 1 }

//go:wasmexport hookswitch_init
func initHooks(features int64) int64 { return 1 << 2 }

//go:wasmexport hookswitch_handle
func handle(hook, n int32) int32 { return teleport(hook) }

func main() {}
