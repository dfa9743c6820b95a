package media

import "math/bits"

// G.711 (ITU-T G.711, 1988): 16-bit linear PCM <-> 8-bit μ-law and A-law,
// computed as in the ITU reference (and the classic Sun g711.c): μ-law on
// 14 bits with a bias of 33, A-law on 13 bits, 8 segments of 16 steps,
// even bits of A-law inverted (XOR 0x55) and all μ-law bits inverted.
// Decoding uses 256-entry tables; encoding is a few shifts.

const (
	ulawBias = 0x84 // 132: the μ-law bias in 16-bit units (33 in 14-bit units)
	ulawClip = 8159 // largest 14-bit magnitude before the bias
)

var (
	ulawTable [256]int16
	alawTable [256]int16
)

func init() {
	for i := range 256 {
		ulawTable[i] = ulawDecode(byte(i))
		alawTable[i] = alawDecode(byte(i))
	}
}

// UlawEncode compresses one linear sample to μ-law.
func UlawEncode(pcm int16) byte {
	v := int(pcm) >> 2 // 14-bit
	mask := byte(0xFF)
	if v < 0 {
		v = -v
		mask = 0x7F
	}
	v = min(v, ulawClip) + ulawBias>>2
	seg := bits.Len(uint(v >> 6)) // segment ends 0x3F, 0x7F ... 0x1FFF
	if seg >= 8 {
		return 0x7F ^ mask
	}
	return byte(seg<<4|(v>>(seg+1))&0x0F) ^ mask
}

// UlawDecode expands one μ-law byte to linear.
func UlawDecode(u byte) int16 { return ulawTable[u] }

func ulawDecode(u byte) int16 {
	u = ^u
	t := (int(u&0x0F)<<3 + ulawBias) << ((u & 0x70) >> 4)
	if u&0x80 != 0 {
		return int16(ulawBias - t)
	}
	return int16(t - ulawBias)
}

// AlawEncode compresses one linear sample to A-law.
func AlawEncode(pcm int16) byte {
	v := int(pcm) >> 3 // 13-bit
	mask := byte(0xD5)
	if v < 0 {
		v = -v - 1
		mask = 0x55
	}
	seg := bits.Len(uint(v >> 5)) // segment ends 0x1F, 0x3F ... 0xFFF; v <= 0xFFF
	var a int
	if seg < 2 {
		a = seg<<4 | (v>>1)&0x0F
	} else {
		a = seg<<4 | (v>>seg)&0x0F
	}
	return byte(a) ^ mask
}

// AlawDecode expands one A-law byte to linear.
func AlawDecode(a byte) int16 { return alawTable[a] }

func alawDecode(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0F) << 4
	switch seg := (a & 0x70) >> 4; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

// EncodeUlaw encodes min(len(dst), len(src)) samples and returns that count.
func EncodeUlaw(dst []byte, src []int16) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = UlawEncode(v)
	}
	return n
}

// DecodeUlaw decodes min(len(dst), len(src)) bytes and returns that count.
func DecodeUlaw(dst []int16, src []byte) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = ulawTable[v]
	}
	return n
}

// EncodeAlaw encodes min(len(dst), len(src)) samples and returns that count.
func EncodeAlaw(dst []byte, src []int16) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = AlawEncode(v)
	}
	return n
}

// DecodeAlaw decodes min(len(dst), len(src)) bytes and returns that count.
func DecodeAlaw(dst []int16, src []byte) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = alawTable[v]
	}
	return n
}
