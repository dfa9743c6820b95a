package wav

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"testing"
)

// memFile is an in-memory io.WriteSeeker that, like a file, overwrites at
// its offset and grows at the end.
type memFile struct {
	buf []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if end := m.off + int64(len(p)); end > int64(len(m.buf)) {
		m.buf = append(m.buf, make([]byte, end-int64(len(m.buf)))...)
	}
	copy(m.buf[m.off:], p)
	m.off += int64(len(p))
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += m.off
	case io.SeekEnd:
		off += int64(len(m.buf))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	m.off = off
	return off, nil
}

// sine returns n samples of amp·sin(2πf·i/rate).
func sine(n, rate int, f, amp float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(math.Round(amp * math.Sin(2*math.Pi*f*float64(i)/float64(rate))))
	}
	return out
}

// toneAmp is the amplitude of the f Hz component of x (a single-bin DFT,
// Goertzel's quantity), exact for a whole number of periods.
func toneAmp(x []int16, rate int, f float64) float64 {
	var re, im float64
	for i, s := range x {
		ph := 2 * math.Pi * f * float64(i) / float64(rate)
		re += float64(s) * math.Cos(ph)
		im -= float64(s) * math.Sin(ph)
	}
	return 2 * math.Hypot(re, im) / float64(len(x))
}

// rms is the root mean square of x.
func rms(x []int16) float64 {
	var sum float64
	for _, s := range x {
		sum += float64(s) * float64(s)
	}
	return math.Sqrt(sum / float64(len(x)))
}

func db(ratio float64) float64 { return 20 * math.Log10(ratio) }

// chunk builds one RIFF chunk, padded to even length.
func chunk(id string, body []byte) []byte {
	out := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	out = append(out, body...)
	if len(body)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

// riff wraps chunks into a RIFF/WAVE file with a correct RIFF size.
func riff(chunks ...[]byte) []byte {
	out := []byte("RIFF\x00\x00\x00\x00WAVE")
	for _, c := range chunks {
		out = append(out, c...)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

// fmtBody builds a 16-byte fmt chunk body.
func fmtBody(tag, channels uint16, rate uint32, bits uint16) []byte {
	b := make([]byte, 16)
	le := binary.LittleEndian
	le.PutUint16(b[0:], tag)
	le.PutUint16(b[2:], channels)
	le.PutUint32(b[4:], rate)
	le.PutUint32(b[8:], rate*uint32(channels)*uint32(bits)/8)
	le.PutUint16(b[12:], channels*bits/8)
	le.PutUint16(b[14:], bits)
	return b
}

// extensibleBody builds a 40-byte WAVE_FORMAT_EXTENSIBLE fmt body whose
// subformat GUID carries sub.
func extensibleBody(sub, channels uint16, rate uint32, bits uint16) []byte {
	b := fmtBody(tagExtensible, channels, rate, bits)
	ext := make([]byte, 24)
	le := binary.LittleEndian
	le.PutUint16(ext[0:], 22)   // cbSize
	le.PutUint16(ext[2:], bits) // valid bits
	le.PutUint32(ext[4:], 4)    // channel mask: front centre
	le.PutUint16(ext[8:], sub)
	copy(ext[10:], ksGUIDTail)
	return append(b, ext...)
}

func pcmBytes(pcm []int16) []byte {
	out := make([]byte, 0, 2*len(pcm))
	for _, s := range pcm {
		out = binary.LittleEndian.AppendUint16(out, uint16(s))
	}
	return out
}

func equal16(t *testing.T, got, want []int16) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d samples, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d = %d, want %d", i, got[i], want[i])
		}
	}
}
