package media

import (
	"hash/fnv"
	"testing"
)

func TestG711KnownValues(t *testing.T) {
	// Expected values agree with ITU-T G.711 tables 1 and 2 (scaled to 16
	// bits) and with CPython's audioop.
	ulawEnc := []struct {
		in  int16
		out byte
	}{{0, 0xFF}, {32767, 0x80}, {-32768, 0x00}, {8, 0xFE}, {-8, 0x7E}, {-1, 0x7E}, {1000, 0xCE}, {-1000, 0x4E}, {12345, 0x97}, {-12345, 0x17}}
	for _, c := range ulawEnc {
		if got := UlawEncode(c.in); got != c.out {
			t.Errorf("UlawEncode(%d) = %#x, want %#x", c.in, got, c.out)
		}
	}
	ulawDec := []struct {
		in  byte
		out int16
	}{{0xFF, 0}, {0x7F, 0}, {0x80, 32124}, {0x00, -32124}, {0xFE, 8}, {0x7E, -8}, {0xCE, 988}}
	for _, c := range ulawDec {
		if got := UlawDecode(c.in); got != c.out {
			t.Errorf("UlawDecode(%#x) = %d, want %d", c.in, got, c.out)
		}
	}
	alawEnc := []struct {
		in  int16
		out byte
	}{{0, 0xD5}, {-1, 0x55}, {32767, 0xAA}, {-32768, 0x2A}, {8, 0xD5}, {16, 0xD4}, {1000, 0xFA}, {-1000, 0x7A}, {12345, 0xBD}, {-12345, 0x3D}}
	for _, c := range alawEnc {
		if got := AlawEncode(c.in); got != c.out {
			t.Errorf("AlawEncode(%d) = %#x, want %#x", c.in, got, c.out)
		}
	}
	alawDec := []struct {
		in  byte
		out int16
	}{{0xD5, 8}, {0x55, -8}, {0xAA, 32256}, {0x2A, -32256}, {0xD4, 24}, {0x80, 5504}, {0x00, -5504}, {0xCE, 440}}
	for _, c := range alawDec {
		if got := AlawDecode(c.in); got != c.out {
			t.Errorf("AlawDecode(%#x) = %d, want %d", c.in, got, c.out)
		}
	}
}

// TestG711MatchesReference hashes the encoding of every int16 and both
// decode tables. The digest was computed from CPython's audioop (lin2ulaw,
// lin2alaw, ulaw2lin, alaw2lin), an independent implementation of the
// same Sun/ITU reference algorithm, and our output matched it on all
// 65536 samples and 256 codes.
func TestG711MatchesReference(t *testing.T) {
	h := fnv.New64a()
	var b []byte
	for x := -32768; x <= 32767; x++ {
		b = append(b, UlawEncode(int16(x)), AlawEncode(int16(x)))
	}
	for i := range 256 {
		u, a := UlawDecode(byte(i)), AlawDecode(byte(i))
		b = append(b, byte(u), byte(u>>8), byte(a), byte(a>>8))
	}
	h.Write(b)
	if got, want := h.Sum64(), uint64(0x848ac48e4871b898); got != want {
		t.Fatalf("G.711 digest %#x, want %#x: the codec changed", got, want)
	}
}

// TestG711RoundTrip checks every int16: the error stays within half a
// quantisation step (about 3 % of the magnitude, a few units near zero),
// and companding is monotonic.
func TestG711RoundTrip(t *testing.T) {
	prevU, prevA := int16(-32768), int16(-32768)
	for x := -32768; x <= 32767; x++ {
		u := int(UlawDecode(UlawEncode(int16(x))))
		a := int(AlawDecode(AlawEncode(int16(x))))
		ax := abs(x)
		switch {
		case ax > 32124: // beyond the last μ-law level: clipped
			if abs(u) != 32124 {
				t.Fatalf("μ-law %d -> %d, want ±32124", x, u)
			}
		case abs(u-x) > max(36, ax*36/1000):
			t.Fatalf("μ-law %d -> %d: error %d too large", x, u, abs(u-x))
		}
		if abs(a-x) > max(16, ax*32/1000) {
			t.Fatalf("A-law %d -> %d: error %d too large", x, a, abs(a-x))
		}
		if int16(u) < prevU || int16(a) < prevA {
			t.Fatalf("not monotonic at %d", x)
		}
		prevU, prevA = int16(u), int16(a)
	}
}

// TestG711CodesStable checks that re-encoding a decoded byte gives it back
// (μ-law 0x7F is negative zero and comes back as 0xFF) and that both laws
// are symmetric in the sign bit.
func TestG711CodesStable(t *testing.T) {
	for i := range 256 {
		b := byte(i)
		if got := UlawEncode(UlawDecode(b)); got != b && b != 0x7F {
			t.Errorf("μ-law %#x -> %d -> %#x", b, UlawDecode(b), got)
		}
		if got := AlawEncode(AlawDecode(b)); got != b {
			t.Errorf("A-law %#x -> %d -> %#x", b, AlawDecode(b), got)
		}
		if UlawDecode(b) != -UlawDecode(b^0x80) || AlawDecode(b) != -AlawDecode(b^0x80) {
			t.Errorf("%#x: not symmetric", b)
		}
	}
}

func TestG711Slices(t *testing.T) {
	pcm := []int16{0, 1000, -1000, 32767, -32768}
	u := make([]byte, len(pcm))
	a := make([]byte, len(pcm)+3) // longer dst: only len(src) converted
	if n := EncodeUlaw(u, pcm); n != len(pcm) {
		t.Fatalf("EncodeUlaw converted %d", n)
	}
	if n := EncodeAlaw(a, pcm); n != len(pcm) {
		t.Fatalf("EncodeAlaw converted %d", n)
	}
	for i, v := range pcm {
		if u[i] != UlawEncode(v) || a[i] != AlawEncode(v) {
			t.Fatalf("sample %d: slice and scalar encoders differ", i)
		}
	}
	out := make([]int16, 3) // shorter dst: only 3 converted
	if n := DecodeUlaw(out, u); n != 3 || out[1] != UlawDecode(u[1]) {
		t.Fatalf("DecodeUlaw: n=%d out=%v", n, out)
	}
	if n := DecodeAlaw(out, a); n != 3 || out[2] != AlawDecode(a[2]) {
		t.Fatalf("DecodeAlaw: n=%d out=%v", n, out)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func BenchmarkEncodeUlaw(b *testing.B) {
	src := make([]int16, 160)
	for i := range src {
		src[i] = int16(i * 397)
	}
	dst := make([]byte, 160)
	b.SetBytes(int64(len(src) * 2))
	for b.Loop() {
		EncodeUlaw(dst, src)
	}
}
