// Command routing is the test guest of the routing layouts (feature bit
// routing) and the queue primitive (feature bit queue): it reports the
// trunk a call came from, decides bridges through trunks, runs queue
// programs, and passes bad decisions and arguments on purpose.
package main

import (
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/hookswitch/hookswitch/sdk/abi"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

func init() {
	hs.Require(abi.FeatureProgram | abi.FeatureQueue)
	hs.HandleRoute(route)
	hs.HandleFailure(func(r *hs.FailureRequest) (hs.RouteDecision, error) {
		// The next step after a failed extension: out through a trunk.
		d := hs.BridgeTrunks("+4930"+r.To, "backup")
		d.Diversion, d.DiversionReason = r.To, "no-answer"
		return d, nil
	})
}

func main() {}

func route(r *hs.RouteRequest) (hs.RouteDecision, error) {
	switch r.To {
	case "trunk": // reports what arrived
		return hs.Reject(480, "trunk="+r.Trunk+" from="+r.From), nil
	case "out":
		d := hs.BridgeTrunks("+4930123456", "upstream", "backup")
		d.Bridge.Mode, d.Bridge.Timeout, d.Bridge.CallerID, d.Bridge.TimeLimit = hs.Sequential, 20*time.Second, "4930112", 90*time.Second
		d.Diversion, d.DiversionReason = "1001", "user-busy"
		return d, nil
	case "ext": // no routing field: an extension bridge as before
		return hs.BridgeWith(hs.BridgeSpec{Targets: []string{"1002", "1003"}, TimeLimit: time.Hour}), nil
	case "bad":
		return bad(r.FromDisplay), nil
	case "queue":
		return hs.Program(r, queue), nil
	case "badqueue":
		return hs.Program(r, badQueue), nil
	case "raw":
		return hs.Program(r, raw), nil
	}
	return hs.Reject(404, "no such test"), nil
}

// bad returns the bad decision its case names.
func bad(name string) hs.RouteDecision {
	d := hs.BridgeTrunks("+4930123", "up")
	switch name {
	case "trunks-many":
		d.Bridge.Trunks = strings.Split(strings.Repeat("t,", 16)+"t", ",")
	case "trunk-name":
		d.Bridge.Trunks = []string{"up", "a b"}
	case "targets-two":
		d.Bridge.Targets = []string{"+49301", "+49302"}
	case "target-letters":
		d.Bridge.Targets = []string{"+49abc"}
	case "target-plus":
		d.Bridge.Targets = []string{"+"}
	case "extension-plus": // a leading + only with trunks
		d = hs.Bridge("+1002")
	case "time-limit-short":
		d.Bridge.TimeLimit = 999 * time.Millisecond
	case "time-limit-long":
		d.Bridge.TimeLimit = 24*time.Hour + time.Second
	case "diversion":
		d.Diversion = "a b"
	case "diversion-reason":
		d.Diversion, d.DiversionReason = "1001", "busy"
	case "ok:limits":
		d.Bridge.Trunks = strings.Split(strings.Repeat("t,", 15)+"t", ",")
		d.Bridge.Targets = []string{strings.Repeat("9", 32)}
		d.Bridge.TimeLimit = 24 * time.Hour
		d.Diversion, d.DiversionReason = strings.Repeat("d", 64), "deflection"
	}
	return d
}

// queue waits in queue 7000 with priority 5, logs the result and, when no
// agent answered, dials out through trunks.
func queue(c *hs.Call) error {
	res, err := c.Queue(hs.QueueSpec{Queue: "7000", Priority: 5})
	if err != nil {
		hs.Info("queue: " + errName(err))
		return err
	}
	hs.Info("queue: " + res.Reason + "/" + res.Agent + "/" + strconv.Itoa(int(res.Position)) + "/" +
		strconv.FormatInt(res.Waited.Milliseconds(), 10) + "/" + strconv.FormatInt(res.Talk.Milliseconds(), 10) + "/" +
		strconv.FormatBool(res.HungUp))
	if res.HungUp || res.Reason == abi.QueueAnswered {
		return nil
	}
	_, err = c.Bridge(hs.BridgeSpec{Targets: []string{"+4930999"}, Trunks: []string{"up", "backup"}, TimeLimit: time.Minute, CallerID: "4930112"})
	if err != nil {
		hs.Info("bridge: " + errName(err))
	}
	return err
}

// badQueue makes the call the caller's display name names with a bad
// argument and fails with the host's answer.
func badQueue(c *hs.Call) error {
	var err error
	switch c.Info.FromDisplay {
	case "queue-empty":
		_, err = c.Queue(hs.QueueSpec{})
	case "queue-name":
		_, err = c.Queue(hs.QueueSpec{Queue: "70 00"})
	case "priority":
		_, err = c.Queue(hs.QueueSpec{Queue: "7000", Priority: 101})
	case "bridge-trunk":
		_, err = c.Bridge(hs.BridgeSpec{Targets: []string{"+4930"}, Trunks: []string{"a b"}})
	case "bridge-time-limit":
		_, err = c.Bridge(hs.BridgeSpec{Targets: []string{"1002"}, TimeLimit: 25 * time.Hour})
	case "raw-trailing": // call_queue with a byte too many
		var w abi.Writer
		(&hs.QueueSpec{Queue: "7000"}).Append(&w)
		w.U8(0)
		err = rawErr(rawQueue(ptr(w.B), uint32(len(w.B)), nil, 0))
	case "ok:limits":
		_, err = c.Queue(hs.QueueSpec{Queue: strings.Repeat("7", 64), Priority: 100})
	default:
		return errorString("no such case " + c.Info.FromDisplay)
	}
	if err == nil {
		return errorString("accepted")
	}
	return err
}

// raw uses the buffer convention by hand: a queue with no room for its
// result, then the result through result.
func raw(c *hs.Call) error {
	var w abi.Writer
	(&hs.QueueSpec{Queue: "7000"}).Append(&w)
	n := rawQueue(ptr(w.B), uint32(len(w.B)), nil, 0)
	if n <= 0 {
		return errorString("call_queue returned " + strconv.Itoa(int(n)))
	}
	b := make([]byte, n)
	if m := rawResult(ptr(b), uint32(len(b))); m != n {
		return errorString("result returned " + strconv.Itoa(int(m)))
	}
	var res hs.QueueResult
	r := abi.NewReader(b)
	res.Decode(r)
	if err := r.Err(); err != nil {
		return err
	}
	hs.Info("raw: " + res.Reason + "/" + res.Agent + " length=" + strconv.Itoa(int(n)))
	return nil
}

//go:wasmimport hookswitch call_queue
func rawQueue(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch result
func rawResult(buf unsafe.Pointer, limit uint32) int32

func ptr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

func rawErr(n int32) error {
	if n >= 0 {
		return nil
	}
	b := make([]byte, abi.MaxErrorLen)
	m := rawResult(ptr(b), uint32(len(b)))
	return errorString("code " + strconv.Itoa(int(n)) + ": " + string(b[:max(m, 0)]))
}

func errName(err error) string {
	switch err {
	case hs.ErrHungUp:
		return "hung up"
	case hs.ErrNotAvailable:
		return "not available"
	case hs.ErrState:
		return "state"
	}
	return err.Error()
}

type errorString string

func (e errorString) Error() string { return string(e) }
