// Command badsig exports hookswitch_handle with the wrong signature.
package main

//go:wasmexport hookswitch_abi_version
func version() int32 { return 1 }

//go:wasmexport hookswitch_init
func initHooks(features int64) int64 { return 1 << 2 }

//go:wasmexport hookswitch_handle
func handle(hook int64) int32 { return 0 }

func main() {}
