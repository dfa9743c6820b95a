package wasm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// The media primitives (abi.FeatureMedia): the options of Lua's call
// programs for Wasm guests. Each decodes its spec, checks it with Lua's
// bounds (a bad argument is ErrFailed with the reason, and the call is
// not touched), then blocks in hook.Call through primitive, which maps
// errors and hang-ups as for the older call_* imports.

// decodeSpec reads a primitive's encoded spec from the guest's memory.
func (inst *instance) decodeSpec(ptr, n uint64, what string, m interface{ Decode(*abi.Reader) }) error {
	r := abi.NewReader(inst.read(u32(ptr), u32(n), what))
	m.Decode(r)
	return r.Err()
}

func callPlayEx(inst *instance, s []uint64) {
	var m abi.PlayExSpec
	if err := inst.decodeSpec(s[0], s[1], abi.ImportCallPlayEx, &m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallPlayEx, err)
		return
	}
	if err := checkPlay(&m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallPlayEx, err)
		return
	}
	spec := hook.PlaySpec{File: m.File, Tone: m.Tone, Loops: max(int(m.Loops), 1), Duration: m.Duration}
	inst.primitive(s, 0, 0, func(ctx context.Context, c hook.Call) ([]byte, error) { return nil, c.Play(ctx, spec) })
}

func checkPlay(m *abi.PlayExSpec) error {
	switch {
	case (m.File == "") == (m.Tone == ""):
		return errors.New("give a file or a tone (one of them)")
	case !validFile(m.File, false):
		return fmt.Errorf("file must be 1-%d printable bytes, got %q", maxFileLen, truncate(m.File))
	case !validFile(m.Tone, false):
		return fmt.Errorf("tone must be 1-%d printable bytes, got %q", maxFileLen, truncate(m.Tone))
	case m.Loops > maxLoops:
		return fmt.Errorf("loops must be 0-%d, got %d", maxLoops, m.Loops)
	case m.Duration > maxRecord:
		return fmt.Errorf("duration must be at most %v, got %v", maxRecord, m.Duration)
	}
	return nil
}

func callCollectEx(inst *instance, s []uint64) {
	var m abi.CollectExSpec
	if err := inst.decodeSpec(s[0], s[1], abi.ImportCallCollectEx, &m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallCollectEx, err)
		return
	}
	if err := checkCollect(&m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallCollectEx, err)
		return
	}
	spec := hook.CollectSpec{Max: max(int(m.Max), 1), Timeout: m.Timeout, InterDigit: m.InterDigit,
		Terminator: m.Terminator, Prompt: m.Prompts, Flush: m.Flush}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		digits, err := c.Collect(ctx, spec)
		if err != nil {
			return nil, err
		}
		return append([]byte{}, digits...), nil
	})
}

func checkCollect(m *abi.CollectExSpec) error {
	switch {
	case m.Max > maxDigits:
		return fmt.Errorf("max must be 0-%d, got %d", maxDigits, m.Max)
	case m.Timeout > maxCollect:
		return fmt.Errorf("timeout must be at most %v, got %v", maxCollect, m.Timeout)
	case m.InterDigit > maxCollect:
		return fmt.Errorf("inter_digit must be at most %v, got %v", maxCollect, m.InterDigit)
	case !validTerminator(m.Terminator):
		return fmt.Errorf("terminator must be empty or one key of %s, got %q", dtmfKeys, truncate(m.Terminator))
	case len(m.Prompts) > abi.MaxPrompts:
		return fmt.Errorf("at most %d prompts, got %d", abi.MaxPrompts, len(m.Prompts))
	}
	for i, p := range m.Prompts {
		if !validFile(p, true) {
			return fmt.Errorf("prompt %d must be a file of 1-%d printable bytes, got %q", i+1, maxFileLen, truncate(p))
		}
	}
	return nil
}

func callRecordEx(inst *instance, s []uint64) {
	var m abi.RecordExSpec
	if err := inst.decodeSpec(s[0], s[1], abi.ImportCallRecordEx, &m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallRecordEx, err)
		return
	}
	if err := checkRecord(&m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallRecordEx, err)
		return
	}
	spec := hook.RecordSpec{MaxDuration: m.MaxDuration, Terminator: m.Terminator, Beep: m.Beep, Silence: m.Silence}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		res, err := c.Record(ctx, spec)
		if err != nil {
			return nil, err
		}
		out := abi.RecordResult{File: res.File, Duration: clampMillis(res.Duration), Reason: res.Reason,
			Digit: res.Digit, HungUp: res.HungUp}
		var w abi.Writer
		out.Append(&w)
		return w.B, nil
	})
}

func checkRecord(m *abi.RecordExSpec) error {
	switch {
	case m.MaxDuration > maxRecord:
		return fmt.Errorf("max_duration must be at most %v, got %v", maxRecord, m.MaxDuration)
	case len(m.Terminator) > abi.MaxRecordKeys || !allKeys(m.Terminator):
		return fmt.Errorf("terminator must be 0-%d keys of %s, got %q", abi.MaxRecordKeys, dtmfKeys, truncate(m.Terminator))
	case m.Silence > maxCollect:
		return fmt.Errorf("silence must be at most %v, got %v", maxCollect, m.Silence)
	}
	return nil
}

func callConference(inst *instance, s []uint64) {
	var m abi.ConferenceSpec
	if err := inst.decodeSpec(s[0], s[1], abi.ImportCallConference, &m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallConference, err)
		return
	}
	if err := checkConference(&m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallConference, err)
		return
	}
	spec := hook.ConferenceSpec{Room: m.Room, Admin: m.Admin, Muted: m.Muted, WaitLeader: m.WaitLeader,
		Name: m.Name, Record: m.Record, MaxMembers: int(m.MaxMembers)}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		res, err := c.Conference(ctx, spec)
		if err != nil {
			return nil, err
		}
		out := abi.ConferenceResult{Reason: res.Reason, HungUp: res.HungUp}
		var w abi.Writer
		out.Append(&w)
		return w.B, nil
	})
}

func checkConference(m *abi.ConferenceSpec) error {
	switch {
	case !validFile(m.Room, true):
		return fmt.Errorf("room must be 1-%d printable bytes, got %q", maxFileLen, truncate(m.Room))
	case !validFile(m.Name, false):
		return fmt.Errorf("name must be empty or a file of 1-%d printable bytes, got %q", maxFileLen, truncate(m.Name))
	case m.MaxMembers > abi.MaxMembers:
		return fmt.Errorf("max_members must be 0-%d, got %d", abi.MaxMembers, m.MaxMembers)
	}
	return nil
}

func callSendDigits(inst *instance, s []uint64) {
	b := inst.read(u32(s[0]), u32(s[1]), abi.ImportCallSendDigits)
	if len(b) == 0 || len(b) > maxDigits || !allKeys(b) {
		inst.badArg(s, "%s: want 1-%d keys of %s, got %q", abi.ImportCallSendDigits, maxDigits, dtmfKeys, truncate(string(b[:min(len(b), 64)])))
		return
	}
	digits := string(b)
	inst.primitive(s, 0, 0, func(ctx context.Context, c hook.Call) ([]byte, error) { return nil, c.SendDigits(ctx, digits) })
}

// allKeys: every byte of s is a DTMF key ("" too).
func allKeys[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(dtmfKeys, s[i]) < 0 {
			return false
		}
	}
	return true
}

// clampMillis keeps a duration within what a u32 of milliseconds holds.
func clampMillis(d time.Duration) time.Duration {
	return min(max(d, 0), time.Duration(math.MaxUint32)*time.Millisecond)
}
