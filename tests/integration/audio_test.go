package integration

import (
	"fmt"
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/media/dtmf"
)

// maxHeard bounds what a peer keeps: a minute of audio.
const maxHeard = 60 * 8000

// keep records what an audio test needs from a received packet. r.mu held.
func (r *rtpPeer) keep(parsed bool, pkt *rtp.Packet) {
	if !parsed {
		return
	}
	switch pkt.PayloadType {
	case 0:
		if len(r.heard) < maxHeard {
			pcm := make([]int16, len(pkt.Payload))
			media.DecodeUlaw(pcm, pkt.Payload)
			r.heard = append(r.heard, pcm...)
		}
	case 101:
		if d, ok := r.rx.Packet(pkt.SSRC, pkt.Timestamp, pkt.Marker, pkt.Payload); ok {
			r.digits = append(r.digits, d)
		}
	}
}

// audio returns the PCM received so far.
func (r *rtpPeer) audio() []int16 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int16(nil), r.heard...)
}

// audioSince returns the PCM received after the first n samples.
func (r *rtpPeer) audioSince(n int) []int16 {
	a := r.audio()
	if n > len(a) {
		return nil
	}
	return a[n:]
}

// sendPCM sends pcm to dst as 20 ms PCMU packets in real time.
func (r *rtpPeer) sendPCM(dst netip.AddrPort, pcm []int16) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	frame := make([]byte, 160)
	for off := 0; off+160 <= len(pcm); off += 160 {
		r.mu.Lock()
		r.seq++
		seq := r.seq
		r.mu.Unlock()
		media.EncodeUlaw(frame, pcm[off:off+160])
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: seq,
			Timestamp: uint32(seq) * 160, SSRC: r.ssrc}, Payload: frame}
		b, err := pkt.Marshal()
		if err != nil {
			return err
		}
		if _, err := r.conn.WriteToUDPAddrPort(b, dst); err != nil {
			return fmt.Errorf("rtp send: %w", err)
		}
		<-t.C
	}
	return nil
}

// sendDigits sends digits to dst as RFC 4733 events (PT 101), each 100 ms
// with a 100 ms pause, in real time.
func (r *rtpPeer) sendDigits(t testing.TB, dst netip.AddrPort, digits string) {
	t.Helper()
	snd := dtmf.NewSender()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(digits); i++ {
		if err := snd.Start(digits[i], 100*time.Millisecond); err != nil {
			t.Fatalf("digit %q: %v", digits[i], err)
		}
		r.mu.Lock()
		ts := uint32(r.seq)*160 + 80000
		r.mu.Unlock()
		for {
			payload, marker, done := snd.Next()
			r.mu.Lock()
			r.seq++
			seq := r.seq
			r.mu.Unlock()
			pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 101, Marker: marker, SequenceNumber: seq,
				Timestamp: ts, SSRC: r.ssrc}, Payload: payload}
			b, err := pkt.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.conn.WriteToUDPAddrPort(b, dst); err != nil {
				t.Fatalf("rtp send: %v", err)
			}
			<-tick.C
			if done {
				break
			}
		}
		for range 5 {
			<-tick.C
		}
	}
}

// sine is a tone of d at freq Hz, amplitude amp.
func sine(freq float64, d time.Duration, amp float64) []int16 {
	out := make([]int16, int(d.Seconds()*8000))
	for i := range out {
		out[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/8000))
	}
	return out
}

// tonePower is the Goertzel power of freq in pcm, per sample squared.
func tonePower(pcm []int16, freq float64) float64 {
	if len(pcm) == 0 {
		return 0
	}
	k := 2 * math.Cos(2*math.Pi*freq/8000)
	var s1, s2 float64
	for _, v := range pcm {
		s0 := float64(v) + k*s1 - s2
		s2, s1 = s1, s0
	}
	return (s1*s1 + s2*s2 - k*s1*s2) / float64(len(pcm)) / float64(len(pcm))
}

// hasTone reports whether freq is clearly in pcm (a tone of amplitude
// 3000 or more over most of it).
func hasTone(pcm []int16, freq float64) bool {
	return tonePower(pcm, freq) > 5e5
}

// loud reports whether pcm holds sound rather than silence.
func loud(pcm []int16) bool {
	var sum float64
	for _, v := range pcm {
		sum += float64(v) * float64(v)
	}
	return len(pcm) > 0 && math.Sqrt(sum/float64(len(pcm))) > 300
}

// waitAudio waits until the peer has received n samples more than from.
func (r *rtpPeer) waitAudio(t testing.TB, from, n int) []int16 {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if a := r.audioSince(from); len(a) >= n {
			return a
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("rtp at %s: %d samples of audio, want %d", r.addr, len(r.audioSince(from)), n)
	return nil
}

// waitQuiet waits until nothing has arrived for d: what the switch played
// (a prompt, ringback) has stopped.
func (r *rtpPeer) waitQuiet(t testing.TB, d time.Duration) {
	t.Helper()
	count := func() int {
		g, b := r.received()
		return g + b
	}
	deadline := time.Now().Add(wait)
	last, since := count(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if n := count(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= d {
			return
		}
	}
	t.Fatalf("rtp at %s: still receiving after %v", r.addr, wait)
}
