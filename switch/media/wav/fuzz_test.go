package wav

import (
	"encoding/binary"
	"testing"
)

func FuzzDecode(f *testing.F) {
	f.Add(Encode([]int16{1, -2, 3, -4}, 8000, 1))
	f.Add(Encode([]int16{1, -2, 3, -4}, 44100, 2))
	f.Add(riff(chunk("data", []byte{1, 2, 3}), chunk("LIST", []byte("abc")), chunk("fmt ", fmtBody(tagUlaw, 1, 8000, 8))))
	f.Add(riff(chunk("fmt ", extensibleBody(tagAlaw, 2, 16000, 8)), chunk("data", []byte{0x55, 0xD5, 1})))
	f.Add(riff(chunk("fmt ", fmtBody(tagPCM, 1, 3, 8)), chunk("data", []byte{0, 255, 128})))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pcm, fm, err := Decode(data)
		if err != nil {
			if pcm != nil {
				t.Fatal("samples returned with an error")
			}
			return
		}
		if fm.Channels < MinChannels || fm.Channels > MaxChannels || fm.Rate < MinRate || fm.Rate > MaxRate {
			t.Fatalf("format out of range: %+v", fm)
		}
		if fm.Encoding < PCM16 || fm.Encoding > Alaw {
			t.Fatalf("unknown encoding %v", fm.Encoding)
		}
		if len(pcm)%fm.Channels != 0 {
			t.Fatalf("%d samples is not whole %d-channel frames", len(pcm), fm.Channels)
		}
		// Whatever decoded re-encodes to a file that decodes the same.
		again, fm2, err := Decode(Encode(pcm, fm.Rate, fm.Channels))
		if err != nil || fm2.Rate != fm.Rate || fm2.Channels != fm.Channels {
			t.Fatalf("re-encode: %v, %+v", err, fm2)
		}
		equal16(t, again, pcm)
		out, err := Load(data)
		if err != nil {
			return // only the output limit can refuse what Decode took
		}
		frames := int64(len(pcm) / fm.Channels)
		if want := (frames*8000 + int64(fm.Rate) - 1) / int64(fm.Rate); int64(len(out)) != want {
			t.Fatalf("%d frames at %d Hz gave %d samples, want %d", frames, fm.Rate, len(out), want)
		}
	})
}

// The fuzz seeds above include a RIFF size of 0xFFFFFFFF; make sure the
// walker also survives chunk sizes that overflow 32-bit offsets.
func TestDecodeHugeChunkSizes(t *testing.T) {
	file := riff(chunk("fmt ", fmtBody(tagPCM, 1, 8000, 16)), chunk("JUNK", nil), chunk("data", []byte{1, 0}))
	binary.LittleEndian.PutUint32(file[40:], 0xFFFFFFFE) // JUNK size
	if _, _, err := Decode(file); err == nil {
		t.Fatal("a JUNK chunk hiding the data chunk: want no data chunk error")
	}
}
