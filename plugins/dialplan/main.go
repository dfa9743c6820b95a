// Command dialplan is the example Wasm plugin: the default dial plan of
// scripts/dialplan.lua, in Go. Extensions (2 to 11 digits) ring; anything
// else is refused with 404; a failed bridge gives the caller its code.
//
// Build (plugins/build.go does it the same way, reproducibly):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o dialplan.wasm .
package main

import (
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

func init() {
	hs.HandleRoute(route)
	hs.HandleFailure(failure)
}

// A c-shared module never runs main; package main needs one all the same.
func main() {}

// isExtension: an extension number has 2 to 11 digits.
func isExtension(n string) bool {
	if len(n) < 2 || len(n) > 11 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

func route(call *hs.RouteRequest) (hs.RouteDecision, error) {
	if isExtension(call.To) {
		// The core answers 404 if no such extension exists and 480 if it
		// has no registered contact.
		return hs.Bridge(call.To), nil
	}
	return hs.Reject(404, "Not Found"), nil
}

func failure(req *hs.FailureRequest) (hs.RouteDecision, error) {
	code := int(req.Code)
	if code < 400 || code > 699 {
		code = 480
	}
	return hs.Reject(code, ""), nil
}
