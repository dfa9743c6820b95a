// Command kitchen is the test guest of switch/wasm: route does what the
// dialled number says, to exercise every host function and every fault.
package main

import (
	"os"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/hookswitch/hookswitch/sdk/abi"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

func init() {
	hs.HandleRoute(route)
	hs.HandleRegister(func(r *hs.RegisterRequest) (hs.RegisterDecision, error) {
		if r.AOR == "1003" {
			return hs.RegisterDecision{Reject: true, Code: 403, Reason: "Barred"}, nil
		}
		return hs.RegisterDecision{Expires: 120}, nil
	})
	hs.HandleCDR(func(r *hs.CDRRequest) (hs.CDRDecision, error) {
		return hs.CDRDecision{Extra: map[string]string{"rated": "yes", "len": itoa(len(r.Record))}}, nil
	})
	hs.HandleCallEvent(abi.HookHangup, func(h hs.HookID, ev *hs.CallEvent) error {
		hs.Info("hangup " + ev.CallID)
		return nil
	})
}

func main() {}

var sink [][]byte

func route(r *hs.RouteRequest) (hs.RouteDecision, error) {
	switch r.To {
	case "loop":
		for {
		}
	case "sleep":
		time.Sleep(time.Hour)
	case "oob": // a real trap: a load outside the linear memory
		p := (*byte)(unsafe.Pointer(uintptr(0xfffffff0)))
		return hs.Reject(400+int(*p), ""), nil
	case "oom":
		for {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "exit":
		os.Exit(3)
	case "panic":
		panic("kitchen on fire")
	case "fail":
		return hs.RouteDecision{}, errorString("no route for you")
	case "action9":
		return hs.RouteDecision{Action: 9}, nil
	case "mode7":
		return hs.RouteDecision{Action: abi.ActionBridge, Bridge: hs.BridgeSpec{Targets: []string{"1002"}, Mode: 7}}, nil
	case "letters":
		return hs.Bridge("10a2"), nil
	case "badutf8":
		return hs.Reject(404, "bad \xff"), nil
	case "code200":
		return hs.Reject(200, ""), nil
	case "log":
		for i := 0; i < 100; i++ {
			hs.Warn("line " + itoa(i))
		}
		return hs.Bridge("1002"), nil
	case "kv":
		n := 0
		if v, ok, err := hs.KVGet("count"); err != nil {
			return hs.RouteDecision{}, err
		} else if ok {
			n = atoi(v)
		}
		if err := hs.KVSet("count", itoa(n+1), 0); err != nil {
			return hs.RouteDecision{}, err
		}
		return hs.Bridge(itoa(1000 + n + 1)), nil
	case "bigkv": // a value larger than the 4 KiB first buffer
		big := strings.Repeat("x", 10000)
		if err := hs.KVSet("big", big, time.Minute); err != nil {
			return hs.RouteDecision{}, err
		}
		v, ok, err := hs.KVGet("big")
		if err != nil || !ok || v != big {
			return hs.RouteDecision{}, errorString("big value came back wrong")
		}
		return hs.Bridge("1002"), nil
	case "kvadd": // adds the caller's display name (an integer) to "n"
		delta, err := strconv.ParseInt(r.FromDisplay, 10, 64)
		if err != nil {
			return hs.RouteDecision{}, err
		}
		sum, err := hs.KVAdd("n", delta)
		if err != nil {
			return hs.Reject(503, truncate(err.Error())), nil
		}
		return hs.Reject(480, "sum="+strconv.FormatInt(sum, 10)), nil
	case "kvaddraw": // the buffer convention by hand: no room, then result
		key := "n"
		if n := rawKVAdd(unsafe.Pointer(unsafe.StringData(key)), uint32(len(key)), 1, nil, 0); n != abi.KVAddResultLen {
			return hs.RouteDecision{}, errorString("kv_add returned " + itoa(int(n)))
		}
		var b [abi.KVAddResultLen]byte
		if n := rawResult(unsafe.Pointer(&b[0]), uint32(len(b))); n != abi.KVAddResultLen {
			return hs.RouteDecision{}, errorString("result returned " + itoa(int(n)))
		}
		r := abi.NewReader(b[:])
		sum := r.I64("sum")
		return hs.Reject(480, "sum="+strconv.FormatInt(sum, 10)), r.Err()
	case "ext":
		e, ok := hs.LookupExtension(r.From)
		if !ok {
			return hs.Reject(404, "unknown caller"), nil
		}
		return hs.BridgeWith(hs.BridgeSpec{Targets: []string{"1002"}, CallerID: strings.ReplaceAll(e.Name, " ", "_")}), nil
	case "exts":
		return hs.Bridge(itoa(len(hs.Extensions()))), nil
	case "http":
		resp, err := hs.HTTPDo(hs.HTTPRequest{Method: "GET", URL: r.FromDisplay})
		if err != nil {
			return hs.Reject(503, truncate(err.Error())), nil
		}
		return hs.Bridge(strings.TrimSpace(string(resp.Body))), nil
	case "program":
		return hs.Program(r, func(c *hs.Call) error {
			if err := c.Answer(); err != nil {
				return err
			}
			digits, err := c.Collect(hs.CollectSpec{Max: 1, Timeout: 5 * time.Second, Prompt: "ivr/welcome.wav"})
			if err != nil && err != hs.ErrNotAvailable {
				return err
			}
			res, err := c.Bridge(hs.BridgeSpec{Targets: []string{"100" + digits}})
			if err != nil {
				return err
			}
			if !res.Answered {
				return c.Hangup(480, "Nobody "+c.Info.To)
			}
			return nil
		}), nil
	case "programloop":
		return hs.Program(r, func(c *hs.Call) error {
			c.Answer()
			for {
			}
		}), nil
	case "programfail":
		return hs.Program(r, func(c *hs.Call) error { return errorString("program gave up") }), nil
	}
	return hs.Bridge(r.To), nil
}

//go:wasmimport hookswitch kv_add
func rawKVAdd(p unsafe.Pointer, n uint32, delta int64, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch result
func rawResult(buf unsafe.Pointer, limit uint32) int32

type errorString string

func (e errorString) Error() string { return string(e) }

func truncate(s string) string {
	if len(s) > 100 {
		return s[:100]
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
