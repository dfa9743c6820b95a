package wav

import "encoding/binary"

// headerSize is the canonical 44-byte header: RIFF, WAVE, a 16-byte PCM fmt
// chunk and the data chunk header.
const headerSize = 44

// maxDataBytes keeps the RIFF size (36 + data) below 0xFFFFFFFF, which
// Decode reads as "unknown size", and even.
const maxDataBytes = 0xFFFFFFFF - 37

// header builds the canonical header of 16-bit PCM with the given RIFF and
// data sizes. Values are not checked, so tests can build files with
// impossible headers.
func header(rate, channels int, riffSize, dataSize uint32) [headerSize]byte {
	var h [headerSize]byte
	le := binary.LittleEndian
	copy(h[0:], "RIFF")
	le.PutUint32(h[4:], riffSize)
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], tagPCM)
	le.PutUint16(h[22:], uint16(channels))
	le.PutUint32(h[24:], uint32(rate))
	le.PutUint32(h[28:], uint32(rate*channels*2)) // byte rate
	le.PutUint16(h[32:], uint16(channels*2))      // block align
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], dataSize)
	return h
}

// Encode returns pcm (interleaved frames) as a 16-bit PCM WAV file. It is
// meant for tests and small files; recordings use Writer. rate and channels
// are written as given, unchecked.
func Encode(pcm []int16, rate, channels int) []byte {
	n := int64(len(pcm)) * 2
	riff, size := uint32(0xFFFFFFFF), uint32(0xFFFFFFFF) // too big: "unknown", read to the end
	if n <= maxDataBytes {
		riff, size = 36+uint32(n), uint32(n)
	}
	h := header(rate, channels, riff, size)
	out := make([]byte, headerSize, headerSize+n)
	copy(out, h[:])
	for _, s := range pcm {
		out = binary.LittleEndian.AppendUint16(out, uint16(s))
	}
	return out
}
