// Command v1 is a plugin as built before the routing layouts (feature bit
// routing) existed: its own exports over sdk/abi's original layouts, no
// sdk/go, and an init answer without the routing bit whatever the host
// offers. Its route request must decode exactly (trailing bytes fail the
// call) and its bridges must work, so a plugin built then keeps working.
package main

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

func main() {}

//go:wasmexport hookswitch_abi_version
func abiVersion() int32 { return 1 }

//go:wasmexport hookswitch_init
func initGuest(int64) int64 {
	return int64(abi.FeatureProgram)<<32 | int64(abi.HookRoute.Mask()|abi.HookFailure.Mask())
}

//go:wasmexport hookswitch_handle
func handle(hook, n int32) int32 {
	req := make([]byte, n)
	hostRequest(ptr(req), uint32(n))
	r := abi.NewReader(req) // the original layouts
	var to, from string
	switch abi.HookID(hook) {
	case abi.HookRoute:
		var m abi.RouteRequest
		m.Decode(r)
		to, from = m.To, m.From
	case abi.HookFailure:
		var m abi.FailureRequest
		m.Decode(r)
		to, from = m.To, m.From
	}
	if err := r.Err(); err != nil {
		return fail(err.Error())
	}
	d := abi.RouteDecision{Action: abi.ActionBridge, Bridge: abi.BridgeSpec{Targets: []string{to}, Mode: abi.ModeSequential,
		Timeout: 20 * time.Second, CallerID: from}}
	if to == "program" {
		d = abi.RouteDecision{Action: abi.ActionProgram, Program: 1}
	}
	var w abi.Writer
	d.Append(&w)
	hostDecide(ptr(w.B), uint32(len(w.B)))
	return abi.StatusDecided
}

//go:wasmexport hookswitch_program
func program(int32) int32 {
	var w abi.Writer
	(&abi.BridgeSpec{Targets: []string{"1002"}, Timeout: 15 * time.Second}).Append(&w)
	buf := make([]byte, 512)
	n := hostCallBridge(ptr(w.B), uint32(len(w.B)), ptr(buf), uint32(len(buf)))
	if n < 0 || int(n) > len(buf) {
		return fail("call_bridge returned " + strconv.Itoa(int(n)))
	}
	var res abi.BridgeResult
	r := abi.NewReader(buf[:n])
	res.Decode(r)
	if err := r.Err(); err != nil {
		return fail(err.Error())
	}
	if !res.Answered {
		return fail("not answered: " + strconv.Itoa(int(res.Code)))
	}
	return abi.StatusDecided
}

func fail(msg string) int32 {
	b := []byte(msg)
	hostFail(ptr(b), uint32(len(b)))
	return abi.StatusFailed
}

func ptr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

//go:wasmimport hookswitch request
func hostRequest(buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch decide
func hostDecide(p unsafe.Pointer, n uint32)

//go:wasmimport hookswitch fail
func hostFail(p unsafe.Pointer, n uint32)

//go:wasmimport hookswitch call_bridge
func hostCallBridge(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32
