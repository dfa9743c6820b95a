package wav

import "testing"

func TestG711KnownValues(t *testing.T) {
	for _, c := range []struct {
		name string
		got  int16
		want int16
	}{
		{"ulaw 0xFF", ulawToLinear[0xFF], 0},
		{"ulaw 0x7F", ulawToLinear[0x7F], 0},
		{"ulaw 0x80", ulawToLinear[0x80], 32124},
		{"ulaw 0x00", ulawToLinear[0x00], -32124},
		{"ulaw 0xFE", ulawToLinear[0xFE], 8},
		{"ulaw 0x9F", ulawToLinear[0x9F], 8316}, // segment 6 start
		{"alaw 0xD5", alawToLinear[0xD5], 8},
		{"alaw 0x55", alawToLinear[0x55], -8},
		{"alaw 0xAA", alawToLinear[0xAA], 32256},
		{"alaw 0x2A", alawToLinear[0x2A], -32256},
		{"alaw 0xC5", alawToLinear[0xC5], 264}, // segment 1 start
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}

func TestG711Symmetric(t *testing.T) {
	for b := range 128 {
		if u, v := ulawToLinear[b], ulawToLinear[b|0x80]; u != -v {
			t.Errorf("ulaw %#x = %d, ulaw %#x = %d: want opposite", b, u, b|0x80, v)
		}
		if a, v := alawToLinear[b], alawToLinear[b|0x80]; a != -v {
			t.Errorf("alaw %#x = %d, alaw %#x = %d: want opposite", b, a, b|0x80, v)
		}
	}
}

// Magnitudes must grow with the code (after undoing the wire inversion),
// or prompts would be scrambled.
func TestG711Monotonic(t *testing.T) {
	for c := 1; c < 128; c++ {
		// μ-law: positive codes run 0xFF (0) down to 0x80 (max).
		if ulawToLinear[0xFF-c] <= ulawToLinear[0xFF-c+1] {
			t.Errorf("ulaw not increasing at code %d", c)
		}
		// A-law: positive value order is code^0x55 within 0x80..0xFF.
		if alawToLinear[(0x80|c)^0x55] <= alawToLinear[(0x80|(c-1))^0x55] {
			t.Errorf("alaw not increasing at code %d", c)
		}
	}
}
