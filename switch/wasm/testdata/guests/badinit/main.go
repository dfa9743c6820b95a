// Command badinit requires a feature no host offers (bit 20).
package main

//go:wasmexport hookswitch_abi_version
func version() int32 { return 1 }

//go:wasmexport hookswitch_init
func initHooks(features int64) int64 { return 1<<(32+20) | 1<<2 }

//go:wasmexport hookswitch_handle
func handle(hook, n int32) int32 { return 1 }

func main() {}
