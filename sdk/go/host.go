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

	// Media primitives (abi.FeatureMedia).
	PlayEx(spec PlayExSpec) error
	CollectEx(spec CollectExSpec) (string, error)
	RecordEx(spec RecordExSpec) (RecordResult, error)
	Conference(spec ConferenceSpec) (ConferenceResult, error)
	SendDigits(digits string) error

	// The queue primitive (abi.FeatureQueue).
	Queue(spec QueueSpec) (QueueResult, error)
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

func (c *Call) Answer() error                        { return host.Answer() }
func (c *Call) Hangup(code int, reason string) error { return host.Hangup(code, reason) }

// Bridge rings spec's targets (see BridgeTrunks for trunks) and returns
// when the bridge is over.
func (c *Call) Bridge(spec BridgeSpec) (BridgeResult, error) {
	if err := needs("bridge", spec.Needs()); err != nil {
		return BridgeResult{}, err
	}
	return host.Bridge(spec)
}

func (c *Call) Transfer(target string) error             { return host.Transfer(target) }
func (c *Call) Sleep(d time.Duration) error              { return host.Sleep(d) }
func (c *Call) Play(spec PlaySpec) error                 { return host.Play(spec) }
func (c *Call) Collect(spec CollectSpec) (string, error) { return host.Collect(spec) }
func (c *Call) Record(spec RecordSpec) (string, error)   { return host.Record(spec) }

// The media primitives below are offered with abi.FeatureMedia (an
// addition to ABI version 1): a plugin that uses any of them should
// hs.Require(abi.FeatureMedia) in init, so that a switch without them
// refuses the plugin at load, with the reason, rather than running it.
// They take the options of Lua's call programs (sdk/lua.md); an option out
// of bounds is an error of the call, and the call is left untouched.

// PlayEx plays a file (a prompt name such as "ivr/welcome", or a token such
// as "rec:ID") or a tone (a name such as "ringback", or a spec such as
// "350+440/1000,0/3000"): exactly one of them. Loops repeats it (0 or 1:
// once, at most 100); Duration cuts it short (at most an hour).
func (c *Call) PlayEx(spec PlayExSpec) error { return host.PlayEx(spec) }

// PlayTone plays a tone for d (0: its loops once).
func (c *Call) PlayTone(tone string, d time.Duration) error {
	return host.PlayEx(PlayExSpec{Tone: tone, Duration: d})
}

// CollectEx gathers up to Max digits (0 = 1, at most 64) over the
// prompts, which a digit interrupts. It ends at Max digits, on the
// Terminator (not returned), Timeout after the prompts without a first
// digit (0 = 5 s) or InterDigit after a digit (0 = 3 s); timeouts up to
// 600 s. Flush forgets digits typed before it. The digits may be "".
func (c *Call) CollectEx(spec CollectExSpec) (string, error) { return host.CollectEx(spec) }

// RecordEx records the caller until MaxDuration (0 = an hour, at most an
// hour), one of the Terminator keys (up to 4) or Silence (0 = never, at
// most 600 s); Beep beeps first. The result's File is a "rec:ID" token. A
// recording the caller ended by hanging up is returned with HungUp set and
// no error, so it can still be kept; the next primitive returns
// ErrHungUp.
func (c *Call) RecordEx(spec RecordExSpec) (RecordResult, error) { return host.RecordEx(spec) }

// Conference puts the caller in a conference room until it leaves; the
// result says how ("left", "kicked", "locked", "full", "ended",
// "hangup"). MaxMembers is at most 1000 (0 = no limit).
func (c *Call) Conference(spec ConferenceSpec) (ConferenceResult, error) {
	return host.Conference(spec)
}

// SendDigits sends 1 to 64 DTMF keys (0-9 * # A-D) to the caller.
func (c *Call) SendDigits(digits string) error { return host.SendDigits(digits) }

// Queue puts the caller in the call queue numbered Queue until an agent
// answers and that call ends, or the queue gives up; the result's Reason
// says which (abi.QueueAnswered, QueueTimeout, QueueFull, QueueEmpty,
// QueueHangup, QueueNotFound), with the Agent, the caller's Position on
// joining, the time Waited and the Talk time. Priority (0 normal, up to
// 100) puts the caller ahead of callers of lower priority. A caller who
// hangs up while waiting is a result (HungUp set), not an error; the next
// primitive returns ErrHungUp.
//
// The queue primitive is offered with abi.FeatureQueue (an addition to ABI
// version 1): a plugin that uses it should hs.Require(abi.FeatureQueue),
// so that a switch without it refuses the plugin at load, with the reason.
func (c *Call) Queue(spec QueueSpec) (QueueResult, error) { return host.Queue(spec) }

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
