package jitter

import (
	"encoding/binary"
	"math/bits"
	"testing"
	"time"
)

// FuzzBuffer drives a Buffer with arbitrary packets, Pops and clock steps
// and checks that it never panics, accounts for every packet, fills every
// destination and keeps its presence bits inside [playout point, newest).
func FuzzBuffer(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 0, 160, 1, 20, 2, 0, 1, 0, 1, 0, 160, 160, 1, 20})
	f.Add([]byte{0, 2, 255, 255, 255, 255, 255, 80, 0, 2, 0, 0, 0, 0, 0, 80, 1, 160, 2, 250})
	f.Fuzz(runOps)
}

func runOps(t *testing.T, ops []byte) {
	{
		clk := &simClock{}
		b := New(Config{Now: clk.Now})
		var (
			pushes       uint64
			ssrc         uint32
			seq          uint16
			ts           uint32
			payload, dst = make([]byte, MaxPayloadSize+1), make([]byte, MaxFrameSize+1)
		)
		for len(ops) > 0 {
			op := ops[0]
			ops = ops[1:]
			switch op % 3 {
			case 0: // push: ssrc choice, seq delta, ts delta (2 bytes, x8), length
				if len(ops) < 5 {
					return
				}
				if ops[0]&0x80 != 0 {
					ssrc++
				}
				seq += uint16(int8(ops[1]))
				ts += uint32(int32(int16(binary.BigEndian.Uint16(ops[2:4]))) * 8)
				n := int(ops[4]) * 8
				b.Push(ssrc, seq, ts, ops[0]&1 != 0, payload[:min(n, len(payload))])
				pushes++
				ops = ops[5:]
			case 1: // pop of 0-255 samples (x4)
				if len(ops) < 1 {
					return
				}
				n := min(int(ops[0])*4, len(dst))
				for i := range dst[:n] {
					dst[i] = 0x55
				}
				st := b.Pop(dst[:n])
				if st != Full && st != Lost && st != Idle {
					t.Fatalf("Pop returned %v", st)
				}
				if st != Full {
					for i, c := range dst[:n] {
						if c != DefaultSilence {
							t.Fatalf("%v frame byte %d = %#x, want silence", st, i, c)
						}
					}
				}
				ops = ops[1:]
			case 2: // clock step of 0-255 ms
				if len(ops) < 1 {
					return
				}
				clk.t += time.Duration(ops[0]) * time.Millisecond
				ops = ops[1:]
			}
			checkInvariants(t, b)
		}
		s := b.Stats()
		if got := s.Received + s.Late + s.Duplicates + s.Invalid; got != pushes {
			t.Fatalf("stats %+v account for %d packets, pushed %d", s, got, pushes)
		}
	}
}

func checkInvariants(t *testing.T, b *Buffer) {
	t.Helper()
	size := b.ring.size()
	for w, word := range b.ring.have {
		for word != 0 {
			i := int64(w*64) + int64(bits.TrailingZeros64(word))
			word &= word - 1
			ext := b.playTS + ((i-b.playTS)%size+size)%size
			if ext >= b.highEnd {
				t.Fatalf("presence bit at ring %d (ext %d) beyond the newest sample %d (play %d)", i, ext, b.highEnd, b.playTS)
			}
		}
	}
}
