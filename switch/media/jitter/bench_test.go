package jitter

import (
	"testing"
	"time"
)

// BenchmarkPushPop is one 20 ms cycle of a stream: one packet in, one frame out.
func BenchmarkPushPop(b *testing.B) {
	clk := &simClock{}
	buf := New(Config{Now: clk.Now})
	payload, dst := make([]byte, 160), make([]byte, 160)
	b.ReportAllocs()
	for k := 0; b.Loop(); k++ {
		clk.t += 20 * time.Millisecond
		buf.Push(1, uint16(k), uint32(k*160), false, payload)
		buf.Pop(dst)
	}
}

// BenchmarkPush is Push alone: no Pop, so the playout point stands still and
// the buffer resynchronises once its 1 s ring is full (every ~50 packets).
func BenchmarkPush(b *testing.B) {
	clk := &simClock{}
	buf := New(Config{Now: clk.Now})
	payload := make([]byte, 160)
	b.ReportAllocs()
	for k := 0; b.Loop(); k++ {
		clk.t += 20 * time.Millisecond
		buf.Push(1, uint16(k), uint32(k*160), false, payload)
	}
}

// BenchmarkPop is Pop of a 20 ms frame with the packets pushed 240 ms at a
// time, so the push is amortised over 12 frames.
func BenchmarkPop(b *testing.B) {
	clk := &simClock{}
	buf := New(Config{Now: clk.Now})
	payload, dst := make([]byte, 1920), make([]byte, 160)
	b.ReportAllocs()
	for k := 0; b.Loop(); k++ {
		clk.t += 20 * time.Millisecond
		if k%12 == 0 {
			buf.Push(1, uint16(k/12), uint32(k*160), false, payload)
		}
		buf.Pop(dst)
	}
}
