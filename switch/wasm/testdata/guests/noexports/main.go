// Command noexports is a WASI reactor that exports nothing of the ABI.
package main

func main() {}
