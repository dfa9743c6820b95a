// Package hs is the guest SDK for hookswitch plugins written in Go and
// built for WebAssembly with the standard toolchain:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o dialplan.wasm .
//
// A plugin is a main package that registers its hook handlers in init
// (a c-shared module runs init, never main):
//
//	func init() {
//		hs.HandleRoute(func(r *hs.RouteRequest) (hs.RouteDecision, error) {
//			return hs.Bridge(r.To), nil
//		})
//	}
//
//	func main() {}
//
// The SDK implements the ABI of sdk/abi (exports, imports, encoding). Built
// for any other platform it replaces the host with an in-memory fake
// (Fake), so plugin logic unit-tests natively with `go test`; see
// RunRoute and SetHost. sdk/go/README.md has a complete example.
package hs
