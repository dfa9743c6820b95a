package prompts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

// pcm is a WAV file's format and samples, as parsed by parseWAV.
type pcm struct {
	format, channels uint16
	rate             uint32
	bits             uint16
	samples          []int16 // only for 16-bit PCM
}

// parseWAV reads a RIFF/WAVE file: the fmt chunk and the data chunk,
// skipping any other chunk. It is the test's own small reader so that these
// tests do not depend on switch/media/wav.
func parseWAV(b []byte) (pcm, error) {
	var p pcm
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return p, errors.New("wav: not a RIFF/WAVE file")
	}
	haveFmt := false
	for off := 12; ; {
		if len(b)-off < 8 {
			return p, errors.New("wav: no data chunk")
		}
		id, size := string(b[off:off+4]), binary.LittleEndian.Uint32(b[off+4:])
		off += 8
		if uint64(size) > uint64(len(b)-off) {
			return p, fmt.Errorf("wav: chunk %q: size %d past the end of the file", id, size)
		}
		body := b[off : off+int(size)]
		switch id {
		case "fmt ":
			if size < 16 {
				return p, fmt.Errorf("wav: fmt chunk of %d bytes: want at least 16", size)
			}
			p.format, p.channels = binary.LittleEndian.Uint16(body), binary.LittleEndian.Uint16(body[2:])
			p.rate, p.bits = binary.LittleEndian.Uint32(body[4:]), binary.LittleEndian.Uint16(body[14:])
			haveFmt = true
		case "data":
			if !haveFmt {
				return p, errors.New("wav: data chunk before fmt chunk")
			}
			if p.format == 1 && p.bits == 16 {
				p.samples = make([]int16, len(body)/2)
				for i := range p.samples {
					p.samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
				}
			}
			return p, nil
		}
		off += int(size) + int(size&1) // chunks are padded to even sizes
	}
}

func FuzzParseWAV(f *testing.F) {
	good, err := FS.ReadFile("en/digits/7.wav")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:44])
	f.Add([]byte("RIFF\x04\x00\x00\x00WAVE"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseWAV(b)
		if err == nil && 2*len(p.samples) > len(b) {
			t.Fatalf("%d samples from %d bytes", len(p.samples), len(b))
		}
	})
}
