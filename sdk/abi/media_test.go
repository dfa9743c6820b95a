package abi

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// mediaMessages are fresh values of every FeatureMedia message.
func mediaMessages() []message {
	return []message{&PlayExSpec{}, &CollectExSpec{}, &RecordExSpec{}, &RecordResult{}, &ConferenceSpec{}, &ConferenceResult{}}
}

// Every media message decodes to what was encoded, every flag included.
func TestMediaRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, out message }{
		{&PlayExSpec{File: "ivr/welcome", Loops: 3, Duration: 2500 * time.Millisecond}, &PlayExSpec{}},
		{&PlayExSpec{Tone: "350+440/1000,0/3000"}, &PlayExSpec{}},
		{&CollectExSpec{Max: 4, Timeout: 7 * time.Second, InterDigit: 1500 * time.Millisecond, Terminator: "#",
			Prompts: []string{"ivr/welcome", "ivr/main_menu"}, Flush: true}, &CollectExSpec{}},
		{&CollectExSpec{Max: 1}, &CollectExSpec{}},
		{&RecordExSpec{MaxDuration: time.Minute, Terminator: "#*0", Beep: true, Silence: 5 * time.Second}, &RecordExSpec{}},
		{&RecordExSpec{}, &RecordExSpec{}},
		{&RecordResult{File: "rec:abc", Duration: 12345 * time.Millisecond, Reason: "terminator", Digit: "#"}, &RecordResult{}},
		{&RecordResult{File: "rec:x", Reason: "hangup", HungUp: true}, &RecordResult{}},
		{&ConferenceSpec{Room: "3000", Admin: true, WaitLeader: true, Name: "rec:n", MaxMembers: 10}, &ConferenceSpec{}},
		{&ConferenceSpec{Room: "r", Muted: true, Record: true}, &ConferenceSpec{}},
		{&ConferenceResult{Reason: "kicked"}, &ConferenceResult{}},
		{&ConferenceResult{Reason: "hangup", HungUp: true}, &ConferenceResult{}},
	} {
		var w Writer
		tc.in.Append(&w)
		r := NewReader(w.B)
		tc.out.Decode(r)
		if err := r.Err(); err != nil || !reflect.DeepEqual(tc.in, tc.out) {
			t.Errorf("%T: %+v -> %+v, %v", tc.in, tc.in, tc.out, err)
		}
	}
}

// The documented layouts, byte for byte (sdk/ABI.md's examples).
func TestMediaBytes(t *testing.T) {
	for _, tc := range []struct {
		m    message
		want string
	}{
		{&PlayExSpec{Tone: "busy", Loops: 2, Duration: 3 * time.Second},
			"\x00\x00\x00\x00" + "\x04\x00\x00\x00busy" + "\x02\x00\x00\x00" + "\xb8\x0b\x00\x00"},
		{&CollectExSpec{Max: 4, Timeout: time.Second, Terminator: "#", Prompts: []string{"a"}, Flush: true},
			"\x04\x00\x00\x00" + "\xe8\x03\x00\x00" + "\x00\x00\x00\x00" + "\x01\x00\x00\x00#" + "\x01\x00\x00\x00\x01\x00\x00\x00a" + "\x01\x00\x00\x00"},
		{&RecordExSpec{MaxDuration: time.Minute, Terminator: "#", Beep: true},
			"\x60\xea\x00\x00" + "\x01\x00\x00\x00#" + "\x01\x00\x00\x00" + "\x00\x00\x00\x00"},
		{&RecordResult{File: "rec:1", Duration: 2 * time.Second, Reason: "max"},
			"\x05\x00\x00\x00rec:1" + "\xd0\x07\x00\x00" + "\x03\x00\x00\x00max" + "\x00\x00\x00\x00" + "\x00"},
		{&ConferenceSpec{Room: "7", Admin: true, Record: true, MaxMembers: 5},
			"\x01\x00\x00\x007" + "\x09\x00\x00\x00" + "\x00\x00\x00\x00" + "\x05\x00\x00\x00"},
		{&ConferenceResult{Reason: "left"}, "\x04\x00\x00\x00left\x00"},
	} {
		var w Writer
		tc.m.Append(&w)
		if string(w.B) != tc.want {
			t.Errorf("%T: % x, want % x", tc.m, w.B, tc.want)
		}
	}
}

// A duration a u32 of milliseconds cannot hold, or a negative one,
// encodes as the largest value (which the host's limits refuse) rather
// than wrapping to a small valid one.
func TestMediaDurationSaturates(t *testing.T) {
	for _, d := range []time.Duration{-time.Second, 50 * 24 * time.Hour} {
		var w Writer
		(&RecordExSpec{MaxDuration: d}).Append(&w)
		var m RecordExSpec
		r := NewReader(w.B)
		m.Decode(r)
		if r.Err() != nil || m.MaxDuration != time.Duration(math.MaxUint32)*time.Millisecond {
			t.Errorf("%v encodes as %v (%v)", d, m.MaxDuration, r.Err())
		}
	}
}

// Malformed media messages are errors naming the field, never a panic.
func TestMediaMalformed(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    message
		b    string
		want string
	}{
		{"collect flags", &CollectExSpec{}, "\x01\x00\x00\x00" + zeros(8) + zeros(4) + zeros(4) + "\x02\x00\x00\x00", "field flags at byte 24: unknown flags 0x2"},
		{"record flags", &RecordExSpec{}, zeros(4) + zeros(4) + "\x03\x00\x00\x00" + zeros(4), "unknown flags 0x2"},
		{"conference flags", &ConferenceSpec{}, "\x01\x00\x00\x00r" + "\x10\x00\x00\x00" + zeros(8), "unknown flags 0x10"},
		{"prompts count", &CollectExSpec{}, zeros(12) + zeros(4) + "\xff\xff\xff\x7f", "field prompts"},
		{"tone utf-8", &PlayExSpec{}, zeros(4) + "\x01\x00\x00\x00\xff" + zeros(8), "field tone at byte 9: not UTF-8"},
		{"hung_up bool", &RecordResult{}, zeros(4) + zeros(4) + zeros(8) + "\x02", "field hung_up"},
		{"trailing", &ConferenceResult{}, zeros(4) + "\x00\x00", "1 trailing bytes"},
		{"short", &PlayExSpec{}, zeros(8) + "\x01", "field loops"},
	} {
		r := NewReader([]byte(tc.b))
		tc.m.Decode(r)
		err := r.Err()
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func zeros(n int) string { return strings.Repeat("\x00", n) }

// Whatever decodes cleanly encodes back to the same bytes: the encoding
// of the media messages is canonical (flags, durations and strings
// included), and nothing decodes into a panic.
func FuzzMedia(f *testing.F) {
	for _, m := range []message{
		&PlayExSpec{File: "ivr/welcome", Loops: 2, Duration: time.Second},
		&CollectExSpec{Max: 4, Terminator: "#", Prompts: []string{"a", "b"}, Flush: true},
		&RecordExSpec{MaxDuration: time.Minute, Terminator: "#*", Beep: true},
		&RecordResult{File: "rec:1", Reason: "hangup", HungUp: true},
		&ConferenceSpec{Room: "3000", Admin: true, Muted: true, WaitLeader: true, Record: true, Name: "rec:2", MaxMembers: 9},
		&ConferenceResult{Reason: "left"},
	} {
		var w Writer
		m.Append(&w)
		f.Add(w.B)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range mediaMessages() {
			r := NewReader(b)
			m.Decode(r)
			if r.Err() != nil {
				continue
			}
			var w Writer
			m.Append(&w)
			if !bytes.Equal(w.B, b) {
				t.Fatalf("%T: % x decodes to %+v, which encodes to % x", m, b, m, w.B)
			}
		}
	})
}
