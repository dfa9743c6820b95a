package wav

import (
	"strconv"
	"testing"
)

// BenchmarkLoad loads 10 s prompts: the half-band path (16 kHz) and the
// general one (44.1 kHz).
func BenchmarkLoad(b *testing.B) {
	for _, rate := range []int{16000, 44100} {
		b.Run(strconv.Itoa(rate)+"Hz10s", func(b *testing.B) {
			file := Encode(sine(10*rate, rate, 1000, 10000), rate, 1)
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(file); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriterWrite(b *testing.B) {
	w, err := NewWriter(&discardSeeker{}, 8000, 1)
	if err != nil {
		b.Fatal(err)
	}
	frame := sine(160, 8000, 440, 1000)
	b.SetBytes(320)
	b.ReportAllocs()
	for b.Loop() {
		if w.bytes > 1<<30 { // stay below the RIFF limit however long b runs
			w.bytes = 0
		}
		if err := w.Write(frame); err != nil {
			b.Fatal(err)
		}
	}
}
