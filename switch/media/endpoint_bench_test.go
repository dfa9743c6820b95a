package media

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
)

// The terminated-media benchmarks report per stream (per participant for
// the room) the cost of one 20 ms frame. Their reference is
// BenchmarkFrameSend, the sendto of one frame's packet that every stream
// pays: docs/PERFORMANCE.md gives the others as ratios to it. The clocks
// are not running: each benchmark ticks its endpoints itself.

// benchEndpoint is a terminated leg whose peer is a socket nobody reads
// (the kernel drops what overflows it: sending still costs the sendto).
func benchEndpoint(b *testing.B, e *Engine) *Endpoint {
	sink := newEndpoint(b)
	s := newTestSession(b, e, nil)
	s.A().SetRemote(sink.addr())
	ep, err := e.Terminate(s.A(), EndpointOptions{Codec: pcmu, DTMFPT: 101})
	if err != nil {
		b.Fatal(err)
	}
	// Off the clock: the benchmark ticks.
	ep.mu.Lock()
	c := ep.clock
	ep.clock = nil
	ep.mu.Unlock()
	c.remove(ep)
	b.Cleanup(ep.Close)
	return ep
}

// feeder pushes one 20 ms PCMU packet of a tone into an endpoint, as the
// relay does when a packet arrives.
type feeder struct {
	seq uint16
	ts  uint32
	pkt []byte
}

func newFeeder(freq float64) *feeder {
	f := &feeder{pkt: make([]byte, rtpHeaderLen+FrameSamples)}
	f.pkt[0] = 0x80
	binary.BigEndian.PutUint32(f.pkt[8:], 0x5555)
	EncodeUlaw(f.pkt[rtpHeaderLen:], sine(freq, FrameSamples, 5000))
	return f
}

func (f *feeder) feed(ep *Endpoint) {
	binary.BigEndian.PutUint16(f.pkt[2:], f.seq)
	binary.BigEndian.PutUint32(f.pkt[4:], f.ts)
	f.seq++
	f.ts += FrameSamples
	ep.RTP(f.pkt)
}

// BenchmarkFrameSend is the reference: Leg.Send of one frame's packet.
func BenchmarkFrameSend(b *testing.B) {
	e := newTestEngine(b, Config{})
	ep := benchEndpoint(b, e)
	pkt := make([]byte, rtpHeaderLen+FrameSamples)
	pkt[0] = 0x80
	b.ReportAllocs()
	for b.Loop() {
		ep.leg.Send(pkt, &ep.sc)
	}
}

// BenchmarkPlayer is a prompt playing to one caller: read the clip,
// encode, send; the caller's side is heard (jitter buffer, decoding,
// DTMF) as in any program.
func BenchmarkPlayer(b *testing.B) {
	e := newTestEngine(b, Config{})
	ep := benchEndpoint(b, e)
	ep.Play(NewClip(sine(440, 8000*10, 6000), 0))
	f := newFeeder(1000)
	b.ReportAllocs()
	for b.Loop() {
		f.feed(ep)
		ep.tick()
	}
}

// BenchmarkRecorder is a caller being recorded: hear the frame, queue it
// to the recorder's goroutine, which writes the WAV file.
func BenchmarkRecorder(b *testing.B) {
	e := newTestEngine(b, Config{})
	ep := benchEndpoint(b, e)
	rec, err := NewRecorder(filepath.Join(b.TempDir(), "r.wav"), 1)
	if err != nil {
		b.Fatal(err)
	}
	ep.AddRecorder(rec)
	f := newFeeder(1000)
	b.ReportAllocs()
	for b.Loop() {
		f.feed(ep)
		ep.tick()
	}
	b.StopTimer()
	rec.Close()
	if rec.Dropped() > 0 {
		b.ReportMetric(float64(rec.Dropped())/float64(b.N), "dropped/op")
	}
}

// BenchmarkRoom is one conference frame, every member speaking: each
// member's frame is heard, mixed N-1 and sent back. ns/participant is the
// figure that matters (50 parties on one core need 50 of them per 20 ms).
func BenchmarkRoom(b *testing.B) {
	for _, n := range []int{3, 10, 50} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			e := newTestEngine(b, Config{})
			room := e.NewRoom()
			b.Cleanup(room.Close)
			room.clock.remove(room) // the benchmark ticks
			eps := make([]*Endpoint, n)
			feeders := make([]*feeder, n)
			for i := range eps {
				eps[i] = benchEndpoint(b, e)
				if err := room.Join(eps[i]); err != nil {
					b.Fatal(err)
				}
				feeders[i] = newFeeder(300 + 50*float64(i))
			}
			b.ReportAllocs()
			for b.Loop() {
				for i, ep := range eps {
					feeders[i].feed(ep)
				}
				room.tick()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/participant")
		})
	}
}
