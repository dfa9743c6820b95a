package dtmf

import (
	"bytes"
	"testing"
	"time"
)

func FuzzParseEvent(f *testing.F) {
	f.Add([]byte{5, 10, 0, 160})
	f.Add([]byte{11, 0x8A, 3, 0x20, 1, 10, 0, 160})
	f.Add([]byte{})
	f.Add([]byte{1, 2, 3, 4, 5})
	f.Fuzz(func(t *testing.T, p []byte) {
		e, err := ParseEvent(p)
		if err != nil {
			if len(p) >= EventSize && len(p)%EventSize == 0 {
				t.Fatalf("valid length %d rejected: %v", len(p), err)
			}
			return
		}
		// Re-encoding gives the last block back, R bit cleared.
		last := bytes.Clone(p[len(p)-EventSize:])
		last[1] &^= 0x40
		if got := AppendEvent(nil, e); !bytes.Equal(got, last) {
			t.Fatalf("AppendEvent(ParseEvent(% x)) = % x, want % x", p, got, last)
		}
		// A Receiver takes anything without panicking.
		var r Receiver
		r.Packet(1, 2, true, p)
		r.Packet(1, 2, false, p)
	})
}

func FuzzParseInfo(f *testing.F) {
	f.Add("application/dtmf-relay", []byte("Signal=5\r\nDuration=160\r\n"))
	f.Add("application/dtmf-relay", []byte("signal = 11\nduration=0"))
	f.Add("application/dtmf", []byte("*"))
	f.Add("application/dtmf; x=y", []byte("12"))
	f.Add("text/plain", []byte("5"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		d, dur, err := ParseInfo(ct, body)
		if err != nil {
			return
		}
		if len(body) > MaxInfoSize {
			t.Fatalf("body of %d bytes accepted", len(body))
		}
		if code, ok := EventOf(d); !ok || digits[code] != d {
			t.Fatalf("ParseInfo returned %q, not a canonical digit", d)
		}
		if dur < 0 || dur > maxInfoDuration*time.Millisecond {
			t.Fatalf("duration %v out of range", dur)
		}
	})
}

func FuzzDetector(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 255, 127})
	f.Fuzz(func(t *testing.T, raw []byte) {
		pcm := make([]int16, len(raw)/2)
		for i := range pcm {
			pcm[i] = int16(uint16(raw[2*i]) | uint16(raw[2*i+1])<<8)
		}
		d := NewDetector()
		// Repeat the input so short ones still fill blocks.
		for range 4 {
			for _, digit := range d.Process(nil, pcm) {
				if bytes.IndexByte([]byte(allKeys), digit) < 0 {
					t.Fatalf("detector returned %q", digit)
				}
			}
		}
	})
}
