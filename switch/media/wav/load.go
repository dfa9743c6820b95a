package wav

// Load decodes a WAV file and returns it as 8 kHz mono 16-bit PCM, ready
// for a player. It refuses files whose audio would exceed MaxSamples at
// 8 kHz rather than truncating them silently.
func Load(data []byte) ([]int16, error) {
	pcm, f, err := Decode(data)
	if err != nil {
		return nil, err
	}
	frames := int64(len(pcm) / f.Channels)
	if out := frames * outRate / int64(f.Rate); out > MaxSamples {
		return nil, errorf(ErrTooLarge, "%d frames at %d Hz make %d samples at 8 kHz: limit %d", frames, f.Rate, out, MaxSamples)
	}
	return To8kMono(pcm, f), nil
}
