package dtmf

import (
	"bytes"
	"errors"
	"testing"
)

func TestDigitEventMapping(t *testing.T) {
	for code := range 17 {
		d, ok := DigitOf(code)
		if !ok {
			t.Fatalf("DigitOf(%d) not ok", code)
		}
		back, ok := EventOf(d)
		if !ok || back != code {
			t.Errorf("EventOf(DigitOf(%d) = %q) = %d, %v", code, d, back, ok)
		}
	}
	for _, tc := range []struct {
		d    byte
		code int
	}{{'0', 0}, {'9', 9}, {'*', 10}, {'#', 11}, {'A', 12}, {'d', 15}, {'!', 16}} {
		if got, ok := EventOf(tc.d); !ok || got != tc.code {
			t.Errorf("EventOf(%q) = %d, %v; want %d", tc.d, got, ok, tc.code)
		}
	}
	for _, d := range []byte("EeZ@ \x00+,") {
		if _, ok := EventOf(d); ok {
			t.Errorf("EventOf(%q) ok", d)
		}
	}
	for _, code := range []int{-1, 17, 32, 255, 1 << 20} {
		if _, ok := DigitOf(code); ok {
			t.Errorf("DigitOf(%d) ok", code)
		}
	}
}

func TestParseEvent(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want Event
	}{
		{"start", []byte{5, 10, 0x00, 0xA0}, Event{Code: 5, Volume: 10, Duration: 160}},
		{"end", []byte{11, 0x80 | 7, 0x03, 0x20}, Event{Code: 11, End: true, Volume: 7, Duration: 800}},
		{"R bit ignored", []byte{1, 0x40 | 63, 0xFF, 0xFF}, Event{Code: 1, Volume: 63, Duration: 0xFFFF}},
		{"other event", []byte{32, 0, 0, 0}, Event{Code: 32}},
		{"packed: last wins", []byte{1, 0x80 | 10, 0x03, 0x20, 2, 10, 0x00, 0xA0}, Event{Code: 2, Volume: 10, Duration: 160}},
	} {
		got, err := ParseEvent(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: ParseEvent(% x) = %+v, %v; want %+v", tc.name, tc.in, got, err, tc.want)
		}
	}
	for _, in := range [][]byte{nil, {}, {1}, {1, 2, 3}, {1, 2, 3, 4, 5}, {1, 2, 3, 4, 5, 6, 7}} {
		if _, err := ParseEvent(in); !errors.Is(err, ErrMalformedEvent) {
			t.Errorf("ParseEvent(% x) error %v, want ErrMalformedEvent", in, err)
		}
	}
}

func TestParseLastOffset(t *testing.T) {
	// Packed events are contiguous: the last starts after the others.
	p := AppendEvent(nil, Event{Code: 1, End: true, Duration: 800})
	p = AppendEvent(p, Event{Code: 2, End: true, Duration: 400})
	p = AppendEvent(p, Event{Code: 3, Duration: 160})
	e, off, err := parseLast(p)
	if err != nil || e.Code != 3 || off != 1200 {
		t.Fatalf("parseLast = %+v, %d, %v; want code 3 at offset 1200", e, off, err)
	}
}

func TestAppendEvent(t *testing.T) {
	got := AppendEvent([]byte{0xEE}, Event{Code: 11, End: true, Volume: 10, Duration: 0x1234})
	if want := []byte{0xEE, 11, 0x8A, 0x12, 0x34}; !bytes.Equal(got, want) {
		t.Errorf("AppendEvent = % x, want % x", got, want)
	}
	// A volume over 6 bits is clamped, not wrapped into other bits.
	if got := AppendEvent(nil, Event{Volume: 200}); got[1] != 63 {
		t.Errorf("volume 200 encoded as %#x, want 63", got[1])
	}
	for code := range 256 {
		e := Event{Code: uint8(code), End: code%2 == 0, Volume: uint8(code % 64), Duration: uint16(code * 251)}
		back, err := ParseEvent(AppendEvent(nil, e))
		if err != nil || back != e {
			t.Fatalf("round trip of %+v: %+v, %v", e, back, err)
		}
	}
}
