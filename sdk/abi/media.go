package abi

import (
	"math"
	"strconv"
	"time"
)

// Arguments and results of the media primitives (FeatureMedia), an
// addition to version 1: they extend call_play, call_collect and
// call_record, whose encodings stay as they are, and add conferences and
// sending digits.

// Flags of CollectExSpec.
const CollectFlush uint32 = 1 // forget digits typed before the collect

// Flags of RecordExSpec.
const RecordBeep uint32 = 1 // a beep before recording

// Flags of ConferenceSpec.
const (
	ConferenceAdmin      uint32 = 1 // a leader: may lock, kick, mute others
	ConferenceMuted      uint32 = 2 // joins listen-only
	ConferenceWaitLeader uint32 = 4 // hears music until a leader is in
	ConferenceRecord     uint32 = 8 // records the room
)

// PlayExSpec (ImportCallPlayEx): str file, str tone, u32 loops (0 = 1),
// u32 duration (milliseconds, 0 = no limit). Exactly one of file and tone
// is set: a file is a prompt name ("ivr/welcome") or a token ("rec:ID",
// "vm:BOX/ID"); a tone is a tone name ("ringback") or a tone spec
// ("350+440/1000,0/3000"). Duration cuts the play short; a tone without
// one plays its loops.
type PlayExSpec struct {
	File     string
	Tone     string
	Loops    uint32
	Duration time.Duration
}

func (m *PlayExSpec) Append(w *Writer) {
	w.Str(m.File)
	w.Str(m.Tone)
	w.U32(m.Loops)
	w.U32(ms(m.Duration))
}

func (m *PlayExSpec) Decode(r *Reader) {
	m.File = r.Text("file")
	m.Tone = r.Text("tone")
	m.Loops = r.U32("loops")
	m.Duration = r.millis("duration")
}

// CollectExSpec (ImportCallCollectEx): u32 max digits (0 = 1), u32
// timeout (for the first digit, after the prompts; milliseconds, 0 = the
// switch's default of 5 s), u32 inter_digit (between digits, 0 = 3 s), str
// terminator ("" or one DTMF key, not returned), list<str> prompts (files
// played in turn while waiting; a digit interrupts them), u32 flags
// (CollectFlush).
type CollectExSpec struct {
	Max        uint32
	Timeout    time.Duration
	InterDigit time.Duration
	Terminator string
	Prompts    []string
	Flush      bool
}

func (m *CollectExSpec) Append(w *Writer) {
	w.U32(m.Max)
	w.U32(ms(m.Timeout))
	w.U32(ms(m.InterDigit))
	w.Str(m.Terminator)
	w.Strs(m.Prompts)
	w.U32(flag(m.Flush, CollectFlush))
}

func (m *CollectExSpec) Decode(r *Reader) {
	m.Max = r.U32("max")
	m.Timeout = r.millis("timeout")
	m.InterDigit = r.millis("inter_digit")
	m.Terminator = r.Text("terminator")
	m.Prompts = r.Strs("prompts", true)
	f := r.flags("flags", CollectFlush)
	m.Flush = f&CollectFlush != 0
}

// RecordExSpec (ImportCallRecordEx): u32 max_duration (milliseconds, 0 =
// one hour), str terminator (0 to 4 DTMF keys that end the recording, not
// recorded), u32 flags (RecordBeep), u32 silence (milliseconds below
// speech level that end it; 0 = never).
type RecordExSpec struct {
	MaxDuration time.Duration
	Terminator  string
	Beep        bool
	Silence     time.Duration
}

func (m *RecordExSpec) Append(w *Writer) {
	w.U32(ms(m.MaxDuration))
	w.Str(m.Terminator)
	w.U32(flag(m.Beep, RecordBeep))
	w.U32(ms(m.Silence))
}

func (m *RecordExSpec) Decode(r *Reader) {
	m.MaxDuration = r.millis("max_duration")
	m.Terminator = r.Text("terminator")
	m.Beep = r.flags("flags", RecordBeep)&RecordBeep != 0
	m.Silence = r.millis("silence")
}

// RecordResult (ImportCallRecordEx): str file (a "rec:ID" token, playable
// and keepable), u32 duration (milliseconds), str reason ("terminator",
// "max", "silence", "hangup"), str digit (the terminator pressed), bool
// hung_up. A recording the caller ended by hanging up is a result, not
// ErrHungUp, so that it can still be kept; the next primitive returns
// ErrHungUp.
type RecordResult struct {
	File     string
	Duration time.Duration
	Reason   string
	Digit    string
	HungUp   bool
}

func (m *RecordResult) Append(w *Writer) {
	w.Str(m.File)
	w.U32(ms(m.Duration))
	w.Str(m.Reason)
	w.Str(m.Digit)
	w.Bool(m.HungUp)
}

func (m *RecordResult) Decode(r *Reader) {
	m.File = r.Text("file")
	m.Duration = r.millis("duration")
	m.Reason = r.Text("reason")
	m.Digit = r.Text("digit")
	m.HungUp = r.Bool("hung_up")
}

// ConferenceSpec (ImportCallConference): str room (its name or number),
// u32 flags (ConferenceAdmin, ConferenceMuted, ConferenceWaitLeader,
// ConferenceRecord), str name (a recording of the member's name, "rec:ID",
// announced on join and leave; "" = none), u32 max_members (refuse beyond
// this; 0 = no limit).
type ConferenceSpec struct {
	Room       string
	Admin      bool
	Muted      bool
	WaitLeader bool
	Record     bool
	Name       string
	MaxMembers uint32
}

func (m *ConferenceSpec) Append(w *Writer) {
	w.Str(m.Room)
	w.U32(flag(m.Admin, ConferenceAdmin) | flag(m.Muted, ConferenceMuted) |
		flag(m.WaitLeader, ConferenceWaitLeader) | flag(m.Record, ConferenceRecord))
	w.Str(m.Name)
	w.U32(m.MaxMembers)
}

func (m *ConferenceSpec) Decode(r *Reader) {
	m.Room = r.Text("room")
	f := r.flags("flags", ConferenceAdmin|ConferenceMuted|ConferenceWaitLeader|ConferenceRecord)
	m.Admin = f&ConferenceAdmin != 0
	m.Muted = f&ConferenceMuted != 0
	m.WaitLeader = f&ConferenceWaitLeader != 0
	m.Record = f&ConferenceRecord != 0
	m.Name = r.Text("name")
	m.MaxMembers = r.U32("max_members")
}

// ConferenceResult (ImportCallConference): str reason ("left", "kicked",
// "locked", "full", "ended", "hangup"), bool hung_up. Leaving by hanging
// up is a result; the next primitive returns ErrHungUp.
type ConferenceResult struct {
	Reason string
	HungUp bool
}

func (m *ConferenceResult) Append(w *Writer) {
	w.Str(m.Reason)
	w.Bool(m.HungUp)
}

func (m *ConferenceResult) Decode(r *Reader) {
	m.Reason = r.Text("reason")
	m.HungUp = r.Bool("hung_up")
}

// ms encodes a duration as u32 milliseconds. One that does not fit (or is
// negative) encodes as the largest value, which every limit refuses, rather
// than wrapping to a small valid one.
func ms(d time.Duration) uint32 {
	n := d.Milliseconds()
	if d < 0 || n > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(n)
}

func flag(set bool, bit uint32) uint32 {
	if set {
		return bit
	}
	return 0
}

// millis reads u32 milliseconds.
func (r *Reader) millis(field string) time.Duration {
	return time.Duration(r.U32(field)) * time.Millisecond
}

// flags reads a u32 of flags, refusing bits outside known: a flag that
// this host does not know is a malformed message, not one quietly ignored.
func (r *Reader) flags(field string, known uint32) uint32 {
	f := r.U32(field)
	if f&^known != 0 {
		r.fail(field, "unknown flags 0x"+strconv.FormatUint(uint64(f&^known), 16))
		return 0
	}
	return f
}
