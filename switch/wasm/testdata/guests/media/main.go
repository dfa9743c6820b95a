// Command media is the test guest of the media primitives (feature bit
// media): its programs call each new import, report what came back in the
// log, and pass bad arguments on purpose.
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
	hs.Require(abi.FeatureProgram | abi.FeatureMedia)
	hs.HandleRoute(route)
}

func main() {}

func route(r *hs.RouteRequest) (hs.RouteDecision, error) {
	switch r.To {
	case "media":
		return hs.Program(r, media), nil
	case "bad":
		return hs.Program(r, bad), nil
	case "raw":
		return hs.Program(r, raw), nil
	case "state": // a primitive outside a program
		err := (&hs.Call{}).SendDigits("1")
		return hs.Reject(480, "send_digits: "+errName(err)), nil
	}
	return hs.Reject(404, "no such test"), nil
}

// media calls every media primitive once and logs each error and, at the
// end, what came back. A hang-up ends it, as programs should.
func media(c *hs.Call) error {
	step := func(name string, err error) error {
		if err != nil {
			hs.Info(name + ": " + errName(err))
		}
		if err == hs.ErrHungUp {
			return err
		}
		return nil
	}
	if err := step("play", c.PlayEx(hs.PlayExSpec{File: "ivr/welcome", Loops: 2, Duration: 2500 * time.Millisecond})); err != nil {
		return err
	}
	if err := step("tone", c.PlayTone("ringback", 3*time.Second)); err != nil {
		return err
	}
	digits, err := c.CollectEx(hs.CollectExSpec{Max: 4, Timeout: 7 * time.Second, InterDigit: 1500 * time.Millisecond,
		Terminator: "#", Prompts: []string{"ivr/enter", "ivr/pin"}, Flush: true})
	if err := step("collect", err); err != nil {
		return err
	}
	rec, err := c.RecordEx(hs.RecordExSpec{MaxDuration: 90 * time.Second, Terminator: "#*", Beep: true, Silence: 4 * time.Second})
	if err := step("record", err); err != nil {
		return err
	}
	conf, err := c.Conference(hs.ConferenceSpec{Room: "3000", Admin: true, Muted: true, WaitLeader: true, Record: true,
		Name: rec.File, MaxMembers: 10})
	if err := step("conference", err); err != nil {
		return err
	}
	if err := step("send_digits", c.SendDigits(digits+"#")); err != nil {
		return err
	}
	hs.Info("result: digits=" + digits + " rec=" + rec.File + "/" + strconv.FormatInt(rec.Duration.Milliseconds(), 10) +
		"/" + rec.Reason + "/" + rec.Digit + "/" + strconv.FormatBool(rec.HungUp) +
		" conf=" + conf.Reason + "/" + strconv.FormatBool(conf.HungUp))
	return nil
}

// bad makes the primitive that the caller's display name names with a
// bad argument and fails with the host's answer; "ok:" cases are at the
// limits and must pass.
func bad(c *hs.Call) error {
	var err error
	switch c.Info.FromDisplay {
	case "play-none":
		err = c.PlayEx(hs.PlayExSpec{})
	case "play-both":
		err = c.PlayEx(hs.PlayExSpec{File: "a", Tone: "busy"})
	case "play-loops":
		err = c.PlayEx(hs.PlayExSpec{File: "a", Loops: 101})
	case "play-duration":
		err = c.PlayEx(hs.PlayExSpec{Tone: "busy", Duration: time.Hour + time.Millisecond})
	case "play-control":
		err = c.PlayEx(hs.PlayExSpec{File: "a\nb"})
	case "play-long":
		err = c.PlayEx(hs.PlayExSpec{File: strings.Repeat("f", 257)})
	case "ok:play-256":
		err = c.PlayEx(hs.PlayExSpec{File: strings.Repeat("f", 256), Loops: 100, Duration: time.Hour})
	case "collect-max":
		_, err = c.CollectEx(hs.CollectExSpec{Max: 65})
	case "collect-timeout":
		_, err = c.CollectEx(hs.CollectExSpec{Timeout: 601 * time.Second})
	case "collect-inter-digit":
		_, err = c.CollectEx(hs.CollectExSpec{InterDigit: 601 * time.Second})
	case "collect-terminator":
		_, err = c.CollectEx(hs.CollectExSpec{Terminator: "##"})
	case "collect-prompts":
		_, err = c.CollectEx(hs.CollectExSpec{Prompts: make([]string, 33)})
	case "collect-prompt":
		_, err = c.CollectEx(hs.CollectExSpec{Prompts: []string{"a", ""}})
	case "ok:collect-limits":
		_, err = c.CollectEx(hs.CollectExSpec{Max: 64, Timeout: 600 * time.Second, InterDigit: 600 * time.Second, Terminator: "D",
			Prompts: strings.Split(strings.Repeat("p,", 31)+"p", ",")})
	case "record-max":
		_, err = c.RecordEx(hs.RecordExSpec{MaxDuration: time.Hour + time.Second})
	case "record-negative": // saturates to the largest u32, which is refused
		_, err = c.RecordEx(hs.RecordExSpec{MaxDuration: -time.Second})
	case "record-keys":
		_, err = c.RecordEx(hs.RecordExSpec{Terminator: "#*012"})
	case "record-key":
		_, err = c.RecordEx(hs.RecordExSpec{Terminator: "x"})
	case "record-silence":
		_, err = c.RecordEx(hs.RecordExSpec{Silence: 601 * time.Second})
	case "conference-room":
		_, err = c.Conference(hs.ConferenceSpec{})
	case "conference-name":
		_, err = c.Conference(hs.ConferenceSpec{Room: "1", Name: "\x01"})
	case "conference-members":
		_, err = c.Conference(hs.ConferenceSpec{Room: "1", MaxMembers: 1001})
	case "digits-empty":
		err = c.SendDigits("")
	case "digits-long":
		err = c.SendDigits(strings.Repeat("1", 65))
	case "digits-key":
		err = c.SendDigits("12x")
	case "raw-flags": // call_collect_ex with a flag this host does not know
		var w abi.Writer
		(&hs.CollectExSpec{}).Append(&w)
		w.B[len(w.B)-4] = 2
		err = rawErr(rawCollectEx(ptr(w.B), uint32(len(w.B)), nil, 0))
	case "raw-trailing": // call_play_ex with a byte too many
		var w abi.Writer
		(&hs.PlayExSpec{File: "a"}).Append(&w)
		w.U8(0)
		err = rawErr(rawPlayEx(ptr(w.B), uint32(len(w.B))))
	default:
		return errorString("no such case " + c.Info.FromDisplay)
	}
	if err == nil {
		return errorString("accepted")
	}
	return err
}

// raw uses the buffer convention by hand: a record and a conference with
// no room for their results, then the results through result.
func raw(c *hs.Call) error {
	var w abi.Writer
	(&hs.RecordExSpec{Terminator: "#"}).Append(&w)
	n := rawRecordEx(ptr(w.B), uint32(len(w.B)), nil, 0)
	if n <= 0 {
		return errorString("record_ex returned " + strconv.Itoa(int(n)))
	}
	b := make([]byte, n)
	if m := rawResult(ptr(b), uint32(len(b))); m != n {
		return errorString("result returned " + strconv.Itoa(int(m)))
	}
	var rec hs.RecordResult
	r := abi.NewReader(b)
	rec.Decode(r)
	if err := r.Err(); err != nil {
		return err
	}
	w.B = w.B[:0]
	(&hs.ConferenceSpec{Room: "9"}).Append(&w)
	n = rawConference(ptr(w.B), uint32(len(w.B)), nil, 0)
	b = make([]byte, n)
	rawResult(ptr(b), uint32(len(b)))
	var conf hs.ConferenceResult
	r = abi.NewReader(b)
	conf.Decode(r)
	if err := r.Err(); err != nil {
		return err
	}
	hs.Info("raw: " + rec.File + "/" + rec.Reason + " " + conf.Reason + " lengths=" + strconv.Itoa(int(n)))
	return nil
}

//go:wasmimport hookswitch call_play_ex
func rawPlayEx(p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch call_collect_ex
func rawCollectEx(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_record_ex
func rawRecordEx(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_conference
func rawConference(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch result
func rawResult(buf unsafe.Pointer, limit uint32) int32

func ptr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// rawErr is the error of a raw import's result, with the host's text.
func rawErr(n int32) error {
	if n >= 0 {
		return nil
	}
	b := make([]byte, abi.MaxErrorLen)
	m := rawResult(ptr(b), uint32(len(b)))
	return errorString("code " + strconv.Itoa(int(n)) + ": " + string(b[:max(m, 0)]))
}

// errName names the SDK's errors; others are the host's text.
func errName(err error) string {
	switch err {
	case nil:
		return "ok"
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
