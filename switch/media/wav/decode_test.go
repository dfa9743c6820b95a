package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func TestDecodeRoundTrip(t *testing.T) {
	for _, c := range []struct{ rate, channels int }{
		{8000, 1}, {16000, 1}, {44100, 2}, {48000, 8}, {1, 1}, {192000, 3},
	} {
		pcm := sine(c.channels*301, c.rate*c.channels, 997, 30000)
		pcm[0], pcm[len(pcm)-1] = -32768, 32767
		got, f, err := Decode(Encode(pcm, c.rate, c.channels))
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if want := (Format{Rate: c.rate, Channels: c.channels, Encoding: PCM16}); f != want {
			t.Errorf("format %+v, want %+v", f, want)
		}
		equal16(t, got, pcm)
	}
}

func TestDecodeEmpty(t *testing.T) {
	got, f, err := Decode(Encode(nil, 8000, 1))
	if err != nil || len(got) != 0 || f.Rate != 8000 {
		t.Fatalf("got %d samples, %+v, %v: want 0 samples at 8000 Hz", len(got), f, err)
	}
}

func TestDecodeEncodings(t *testing.T) {
	codes := []byte{0x00, 0x7F, 0x80, 0xFF, 0x55, 0xD5, 0x2A}
	pcm16 := []int16{0, 1, -1, 32767, -32768, 1234}
	for _, c := range []struct {
		name string
		fmt  []byte
		data []byte
		enc  Encoding
		want []int16
	}{
		{"pcm16", fmtBody(tagPCM, 1, 8000, 16), pcmBytes(pcm16), PCM16, pcm16},
		{"pcm8", fmtBody(tagPCM, 1, 8000, 8), []byte{0, 128, 255, 64}, PCM8, []int16{-32768, 0, 32512, -16384}},
		{"ulaw", fmtBody(tagUlaw, 1, 8000, 8), codes, Ulaw, lookup(ulawToLinear, codes)},
		{"alaw", fmtBody(tagAlaw, 1, 8000, 8), codes, Alaw, lookup(alawToLinear, codes)},
		{"extensible pcm16", extensibleBody(tagPCM, 1, 16000, 16), pcmBytes(pcm16), PCM16, pcm16},
		{"extensible ulaw", extensibleBody(tagUlaw, 1, 8000, 8), codes, Ulaw, lookup(ulawToLinear, codes)},
		{"extensible alaw", extensibleBody(tagAlaw, 1, 8000, 8), codes, Alaw, lookup(alawToLinear, codes)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, f, err := Decode(riff(chunk("fmt ", c.fmt), chunk("data", c.data)))
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != c.enc {
				t.Errorf("encoding %v, want %v", f.Encoding, c.enc)
			}
			equal16(t, got, c.want)
		})
	}
}

func lookup(table [256]int16, codes []byte) []int16 {
	out := make([]int16, len(codes))
	for i, c := range codes {
		out[i] = table[c]
	}
	return out
}

func TestDecodeChunkOrderAndPadding(t *testing.T) {
	pcm := []int16{10, -20, 30, -40}
	fmtc := chunk("fmt ", fmtBody(tagPCM, 2, 8000, 16))
	datac := chunk("data", pcmBytes(pcm))
	list := chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00abcde")) // odd body: padded
	fact := chunk("fact", []byte{4, 0, 0, 0})
	odd := chunk("junk", []byte{1, 2, 3}) // odd size, pad byte follows
	if len(odd) != 12 {
		t.Fatalf("junk chunk is %d bytes, want 8+3+1 pad", len(odd))
	}
	// A fmt chunk with an 18-byte body (cbSize 0), as many writers emit.
	fmt18 := chunk("fmt ", append(fmtBody(tagPCM, 2, 8000, 16), 0, 0))
	for name, file := range map[string][]byte{
		"fmt first":       riff(fmtc, datac),
		"data first":      riff(datac, fmtc),
		"list and fact":   riff(list, fmtc, fact, datac),
		"odd chunk":       riff(odd, fmtc, odd, datac, odd),
		"data first odd":  riff(odd, datac, list, fmtc),
		"fmt 18 bytes":    riff(fmt18, list, datac),
		"trailing id3":    append(riff(fmtc, datac), []byte("ID3\x04\x00\x00\x00\x00\x00\x10garbage")...),
		"trailing short":  append(riff(fmtc, datac), 1, 2, 3),
		"second data":     riff(fmtc, datac, chunk("data", pcmBytes([]int16{9, 9}))),
		"cut-off trailer": append(riff(fmtc, datac), []byte("LIST\xff\x00\x00\x00xx")...),
	} {
		got, f, err := Decode(file)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if f.Channels != 2 || f.Rate != 8000 {
			t.Errorf("%s: format %+v", name, f)
		}
		if len(got) != len(pcm) || got[0] != pcm[0] || got[3] != pcm[3] {
			t.Errorf("%s: samples %v, want %v", name, got, pcm)
		}
	}
}

// A recorder that never closed, or a streaming writer, leaves data sizes of
// 0 or 0xFFFFFFFF; a cut-off download leaves a size larger than the file.
// All read to the end, dropping a partial last frame.
func TestDecodeUnknownAndTruncatedSizes(t *testing.T) {
	pcm := []int16{1, 2, 3, 4, 5, 6}
	for _, size := range []uint32{0, 0xFFFFFFFF, 1000} {
		file := riff(chunk("fmt ", fmtBody(tagPCM, 2, 8000, 16)), chunk("data", pcmBytes(pcm)))
		binary.LittleEndian.PutUint32(file[4:], 0)
		binary.LittleEndian.PutUint32(file[len(file)-len(pcm)*2-4:], size)
		file = append(file, 7, 0, 8) // a sample and a half of a second frame
		got, _, err := Decode(file)
		if err != nil {
			t.Fatalf("size %#x: %v", size, err)
		}
		equal16(t, got, pcm)
	}
}

func TestDecodeErrors(t *testing.T) {
	pcm := pcmBytes([]int16{1, 2})
	ok := riff(chunk("fmt ", fmtBody(tagPCM, 1, 8000, 16)), chunk("data", pcm))
	withFmt := func(body []byte) []byte { return riff(chunk("fmt ", body), chunk("data", pcm)) }
	badGUID := extensibleBody(tagPCM, 1, 8000, 16)
	badGUID[30] ^= 0xFF
	for _, c := range []struct {
		name string
		file []byte
		kind error
		msg  string
	}{
		{"empty", nil, ErrMalformed, "0 bytes: too short"},
		{"short", ok[:11], ErrMalformed, "too short"},
		{"not riff", append([]byte("OggS"), ok[4:]...), ErrNotWAV, `starts with "OggS"`},
		{"rifx", append([]byte("RIFX"), ok[4:]...), ErrUnsupported, "big-endian"},
		{"not wave", append(append([]byte{}, ok[:8]...), append([]byte("AVI "), ok[12:]...)...), ErrNotWAV, `"AVI "`},
		{"no chunks", ok[:12], ErrMalformed, "no fmt chunk"},
		{"no fmt", riff(chunk("data", pcm)), ErrMalformed, "no fmt chunk"},
		{"no data", riff(chunk("fmt ", fmtBody(tagPCM, 1, 8000, 16))), ErrMalformed, "no data chunk"},
		{"fmt short", withFmt(make([]byte, 14)), ErrMalformed, "fmt chunk is 14 bytes"},
		{"fmt truncated", ok[:30], ErrMalformed, "fmt chunk claims 16 bytes, 10 left"},
		{"float", withFmt(fmtBody(3, 1, 8000, 32)), ErrUnsupported, "format 3 (IEEE float) not supported"},
		{"mp3", withFmt(fmtBody(0x55, 1, 8000, 0)), ErrUnsupported, "MPEG layer 3"},
		{"unknown tag", withFmt(fmtBody(0x1234, 1, 8000, 16)), ErrUnsupported, "format 0x1234"},
		{"24-bit", withFmt(fmtBody(tagPCM, 1, 8000, 24)), ErrUnsupported, "24-bit PCM not supported"},
		{"16-bit ulaw", withFmt(fmtBody(tagUlaw, 1, 8000, 16)), ErrUnsupported, "16-bit mu-law"},
		{"4-bit alaw", withFmt(fmtBody(tagAlaw, 1, 8000, 4)), ErrUnsupported, "4-bit A-law"},
		{"0 channels", withFmt(fmtBody(tagPCM, 0, 8000, 16)), ErrUnsupported, "0 channels"},
		{"9 channels", withFmt(fmtBody(tagPCM, 9, 8000, 16)), ErrUnsupported, "9 channels"},
		{"rate 0", withFmt(fmtBody(tagPCM, 1, 0, 16)), ErrUnsupported, "rate 0 Hz"},
		{"rate high", withFmt(fmtBody(tagPCM, 1, 192001, 16)), ErrUnsupported, "rate 192001 Hz"},
		{"extensible short", withFmt(fmtBody(tagExtensible, 1, 8000, 16)), ErrMalformed, "extensible fmt chunk is 16 bytes"},
		{"extensible guid", withFmt(badGUID), ErrUnsupported, "extensible subformat"},
		{"extensible float", withFmt(extensibleBody(3, 1, 8000, 32)), ErrUnsupported, "IEEE float"},
	} {
		_, _, err := Decode(c.file)
		if !errors.Is(err, c.kind) || err == nil || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "wav: ") {
			t.Errorf("%s: got %v, want %v containing %q", c.name, err, c.kind, c.msg)
		}
	}
}

func TestDecodeTooLarge(t *testing.T) {
	big := make([]byte, MaxSize+1)
	copy(big, Encode(nil, 8000, 1))
	if _, _, err := Decode(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if _, err := Load(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Load: got %v, want ErrTooLarge", err)
	}
}

// Decode must not keep a reference to the input: callers reuse buffers.
func TestDecodeCopies(t *testing.T) {
	file := Encode([]int16{5, 6, 7}, 8000, 1)
	got, _, err := Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	copy(file[headerSize:], bytes.Repeat([]byte{0xAA}, 6))
	equal16(t, got, []int16{5, 6, 7})
}

func TestEncodingString(t *testing.T) {
	for e, want := range map[Encoding]string{
		PCM16: "16-bit PCM", PCM8: "8-bit PCM", Ulaw: "mu-law", Alaw: "A-law", EncodingUnknown: "Encoding(0)",
	} {
		if e.String() != want {
			t.Errorf("%d: %q, want %q", e, e.String(), want)
		}
	}
}
