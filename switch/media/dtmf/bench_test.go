package dtmf

import "testing"

// benchPCM returns digits between pauses, with noise, so that every path
// of the detector runs.
func benchPCM() []int16 {
	rng := newRand(99)
	var x []float64
	for _, d := range []byte("1590#*AD") {
		x = digitTone(x, d, 100, -12, rng)
		x = silence(x, samples(100))
	}
	addNoise(x, -35, rng)
	return toPCM(x)
}

// benchDetector runs Process over pcm in 20 ms frames.
func benchDetector(b *testing.B, pcm []int16) {
	d := NewDetector()
	dst := make([]byte, 0, 16)
	b.ReportAllocs()
	b.SetBytes(160 * 2)
	i := 0
	for b.Loop() {
		dst = d.Process(dst[:0], pcm[i:i+160])
		if i += 160; i+160 > len(pcm) {
			i = 0
		}
	}
}

func BenchmarkDetectorProcess(b *testing.B) { benchDetector(b, benchPCM()) }

func BenchmarkDetectorProcessSpeech(b *testing.B) {
	benchDetector(b, toPCM(speechLike(newRand(98), 10)))
}

func BenchmarkReceiverPacket(b *testing.B) {
	// One digit a second of 100 ms: marked start, 4 updates, 3 ends.
	var pkts [][]byte
	var marks []bool
	s := NewSender()
	if err := s.Start('5', 100e6); err != nil {
		b.Fatal(err)
	}
	for p, m, done := s.Next(); !done; p, m, done = s.Next() {
		pkts = append(pkts, append([]byte(nil), p...))
		marks = append(marks, m)
	}
	var r Receiver
	ts := uint32(0)
	n := 0
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := r.Packet(0x1234, ts, marks[i], pkts[i]); ok {
			n++
		}
		if i++; i == len(pkts) {
			i = 0
			ts += 8000
		}
	}
	if n == 0 {
		b.Fatal("no digit reported")
	}
}

func BenchmarkSenderNext(b *testing.B) {
	s := NewSender()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, done := s.Next(); done {
			if err := s.Start('#', MaxDuration); err != nil {
				b.Fatal(err)
			}
		}
	}
}
