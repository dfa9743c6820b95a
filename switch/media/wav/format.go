package wav

import "fmt"

// Encoding is how the samples of a WAV data chunk are stored.
type Encoding uint8

const (
	// EncodingUnknown is the zero value; Decode never returns it.
	EncodingUnknown Encoding = iota
	// PCM16 is signed little-endian 16-bit linear PCM (format tag 1).
	PCM16
	// PCM8 is unsigned 8-bit linear PCM, 128 being silence (format tag 1).
	PCM8
	// Ulaw is 8-bit G.711 μ-law (format tag 7).
	Ulaw
	// Alaw is 8-bit G.711 A-law (format tag 6).
	Alaw
)

func (e Encoding) String() string {
	switch e {
	case PCM16:
		return "16-bit PCM"
	case PCM8:
		return "8-bit PCM"
	case Ulaw:
		return "mu-law"
	case Alaw:
		return "A-law"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// Format describes decoded audio: samples per second per channel, the
// number of interleaved channels, and how the file stored them.
type Format struct {
	Rate     int
	Channels int
	Encoding Encoding
}

// Limits of what Decode and NewWriter accept.
const (
	MinRate     = 1
	MaxRate     = 192000
	MinChannels = 1
	MaxChannels = 8
	// MaxSize bounds the input of Decode and Load.
	MaxSize = 256 << 20
	// MaxSamples bounds the output of Load and To8kMono: as many samples as
	// MaxSize holds at 16 bits (about 4.6 hours at 8 kHz). It keeps a
	// header claiming 1 Hz from turning a small file into gigabytes.
	MaxSamples = MaxSize / 2
)

// Rate the switch works at.
const outRate = 8000
