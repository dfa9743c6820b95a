package hs

import (
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// Host is what the switch offers a plugin. Inside the switch it is the
// Wasm imports of sdk/abi; in a native build it is a Fake (see SetHost).
type Host interface {
	Log(level int, msg string)
	Extension(number string) (Extension, bool)
	Extensions() []Extension
	KVGet(key string) (string, bool, error)
	KVSet(key, val string, ttl time.Duration) error
	KVDelete(key string) error
	KVAdd(key string, delta int64) (int64, error)
	HTTP(req HTTPRequest) (HTTPResponse, error)

	// Call primitives: only while a program runs.
	Answer() error
	Hangup(code int, reason string) error
	Bridge(spec BridgeSpec) (BridgeResult, error)
	Transfer(target string) error
	Sleep(d time.Duration) error
	Play(spec PlaySpec) error
	Collect(spec CollectSpec) (string, error)
	Record(spec RecordSpec) (string, error)
}

// Info, Warn and Error write a line to the switch's log, tagged with the
// plugin and the call.
func Info(msg string)  { host.Log(abi.LogInfo, msg) }
func Warn(msg string)  { host.Log(abi.LogWarn, msg) }
func Error(msg string) { host.Log(abi.LogError, msg) }

// LookupExtension reads an extension of the switch's directory.
func LookupExtension(number string) (Extension, bool) { return host.Extension(number) }

// Extensions lists the switch's extensions.
func Extensions() []Extension { return host.Extensions() }

// KVGet reads a key of the plugin's namespace; ok is false when absent.
func KVGet(key string) (val string, ok bool, err error) { return host.KVGet(key) }

// KVSet writes a key; ttl 0 keeps it forever.
func KVSet(key, val string, ttl time.Duration) error { return host.KVSet(key, val, ttl) }

// KVDelete removes a key.
func KVDelete(key string) error { return host.KVDelete(key) }

// KVAdd adds delta to the integer stored under key and returns the sum,
// atomically: adds from concurrent calls (other instances of the plugin)
// are never lost, as they can be with KVGet then KVSet. A missing key
// counts as 0; the sum is stored as base-10 text ("-42", what KVGet then
// reads) and keeps the key's expiry. A stored value that is not a base-10
// int64, or a sum that overflows, is an error and changes nothing.
//
// The host offers it with abi.FeatureKVAdd: a plugin that calls KVAdd
// should hs.Require(abi.FeatureKVAdd), so that a switch without it refuses
// the plugin at load, with the reason, rather than failing its calls.
func KVAdd(key string, delta int64) (int64, error) { return host.KVAdd(key, delta) }

// HTTPDo sends a request to a host of the switch's allow list.
func HTTPDo(req HTTPRequest) (HTTPResponse, error) { return host.HTTP(req) }

// Call is a call under a program's control. Its methods block until done;
// ErrHungUp means the caller has gone and the program should return.
type Call struct{ Info RouteRequest }

func (c *Call) Answer() error                                { return host.Answer() }
func (c *Call) Hangup(code int, reason string) error         { return host.Hangup(code, reason) }
func (c *Call) Bridge(spec BridgeSpec) (BridgeResult, error) { return host.Bridge(spec) }
func (c *Call) Transfer(target string) error                 { return host.Transfer(target) }
func (c *Call) Sleep(d time.Duration) error                  { return host.Sleep(d) }
func (c *Call) Play(spec PlaySpec) error                     { return host.Play(spec) }
func (c *Call) Collect(spec CollectSpec) (string, error)     { return host.Collect(spec) }
func (c *Call) Record(spec RecordSpec) (string, error)       { return host.Record(spec) }

// programs are the call programs that decisions named and the switch has
// not run yet.
var (
	programs    = map[uint32]program{}
	nextProgram uint32
)

type program struct {
	info RouteRequest
	fn   func(*Call) error
}

// Program hands the call to fn, a call program (route and failure): the
// switch then runs fn on this instance, with the call primitives of Call.
func Program(info *RouteRequest, fn func(*Call) error) RouteDecision {
	nextProgram++
	programs[nextProgram] = program{info: *info, fn: fn}
	return RouteDecision{Action: abi.ActionProgram, Program: nextProgram}
}

// runProgram runs and forgets a program.
func runProgram(id uint32) (err error) {
	p, ok := programs[id]
	if !ok {
		return errorString("no program " + itoa(int(id)))
	}
	delete(programs, id)
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	err = p.fn(&Call{Info: p.info})
	if err == ErrHungUp {
		return nil // the caller went away: a normal end
	}
	return err
}

type errorString string

func (e errorString) Error() string { return string(e) }

// itoa avoids strconv's tables for the one number we print.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
