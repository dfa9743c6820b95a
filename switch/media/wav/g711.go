package wav

// G.711 expansion for μ-law and A-law WAV prompts. switch/media has its own
// codec, but it imports this package, so the two decode formulas live here
// too, as 256-entry tables built once.

var ulawToLinear, alawToLinear [256]int16

func init() {
	for i := range 256 {
		ulawToLinear[i] = expandUlaw(byte(i))
		alawToLinear[i] = expandAlaw(byte(i))
	}
}

// expandUlaw: all bits inverted on the wire; 3-bit exponent, 4-bit
// mantissa, magnitude ((mantissa<<3)+bias)<<exponent - bias with bias 132.
func expandUlaw(u byte) int16 {
	u = ^u
	exp := (u >> 4) & 7
	mag := (int(u&0x0F)<<3+0x84)<<exp - 0x84
	if u&0x80 != 0 {
		return int16(-mag)
	}
	return int16(mag)
}

// expandAlaw: even bits inverted on the wire (XOR 0x55); segment 0 is
// linear, segment s>0 is (mantissa<<4 + 0x108) << (s-1); sign bit 1 means
// positive.
func expandAlaw(a byte) int16 {
	a ^= 0x55
	exp := (a >> 4) & 7
	mag := int(a&0x0F)<<4 + 8
	if exp > 0 {
		mag = (int(a&0x0F)<<4 + 0x108) << (exp - 1)
	}
	if a&0x80 != 0 {
		return int16(mag)
	}
	return int16(-mag)
}
