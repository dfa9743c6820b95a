package recording

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadWAVInfo(t *testing.T) {
	le := binary.LittleEndian
	mono := wav(1, 1500*time.Millisecond)
	info, err := ReadWAVInfo(bytes.NewReader(mono), int64(len(mono)))
	if err != nil || info != (WAVInfo{Channels: 1, SampleRate: 8000, DataOffset: 44, DataBytes: 24000}) {
		t.Fatalf("mono: %+v %v", info, err)
	}
	if d := info.Duration(); d != 1500*time.Millisecond {
		t.Fatalf("duration %v", d)
	}
	stereo := wav(2, time.Second)
	if info, err := ReadWAVInfo(bytes.NewReader(stereo), -1); err != nil || info.Channels != 2 || info.Duration() != time.Second {
		t.Fatalf("stereo: %+v %v", info, err)
	}
	// A streaming writer's size (0 or 0xFFFFFFFF) and a size beyond the
	// file are clamped to the file; an odd byte is not a sample frame.
	for _, size := range []uint32{0, 0xFFFFFFFF, 1 << 30} {
		b := bytes.Clone(mono)
		le.PutUint32(b[40:], size)
		b = append(b, 0)
		info, err := ReadWAVInfo(bytes.NewReader(b), int64(len(b)))
		if err != nil || info.DataBytes != 24000 {
			t.Errorf("data size %#x: %+v %v", size, info, err)
		}
	}
	// Chunks before data are skipped, odd ones with their pad byte; 16 kHz;
	// WAVE_FORMAT_EXTENSIBLE with the PCM sub-format.
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVE"...)
	b = append(b, "LIST\x03\x00\x00\x00abc\x00"...)
	b = append(b, "fmt \x28\x00\x00\x00"...)
	b = le.AppendUint16(b, 0xFFFE)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint32(b, 16000)
	b = le.AppendUint32(b, 32000)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = append(b, 22, 0, 16, 0, 4, 0, 0, 0, 1, 0) // cbSize, valid bits, mask, sub-format PCM...
	b = append(b, make([]byte, 14)...)
	b = append(b, "fact\x04\x00\x00\x00\x00\x00\x00\x00data\x00\x7d\x00\x00"...)
	b = append(b, make([]byte, 32000)...)
	info, err = ReadWAVInfo(bytes.NewReader(b), int64(len(b)))
	if err != nil || info.SampleRate != 16000 || info.Channels != 1 || info.Duration() != time.Second || info.DataOffset != int64(len(b)-32000) {
		t.Fatalf("extensible: %+v %v", info, err)
	}
}

func TestReadWAVInfoErrors(t *testing.T) {
	good := wav(1, 10*time.Millisecond)
	mod := func(off int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], v)
		return b
	}
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{nil, "wav: header: unexpected EOF"},
		{[]byte("RIFX\x00\x00\x00\x00WAVE"), "wav: not a RIFF WAVE file"},
		{good[:20], "wav: fmt chunk: unexpected EOF"},
		{good[:36], "wav: no data chunk: unexpected EOF"},
		{mod(20, 3), "wav: format 3 (IEEE float) not supported: want 16-bit PCM"},
		{mod(20, 7), "wav: format 7 (µ-law) not supported: want 16-bit PCM"},
		{mod(20, 0x99), "wav: format 153 (unknown) not supported: want 16-bit PCM"},
		{mod(34, 8), "wav: 8-bit samples not supported: want 16-bit PCM"},
		{mod(22, 3), "wav: 3 channels not supported: want 1 or 2"},
		{mod(24, 0x44, 0xac), "wav: sample rate 44100 Hz not supported: want 8000 or 16000"},
		{mod(32, 4), "wav: inconsistent header"},
		{mod(16, 8), "wav: fmt chunk of 8 bytes"},
		{mod(16, 0xff, 0xff), "wav: fmt chunk of 65535 bytes"},
		{mod(12, 'd', 'a', 't', 'a'), "wav: data chunk before fmt chunk"},
		{append(append([]byte("RIFF\x00\x00\x00\x00WAVE"), "junk\xff\xff\xff\x00"...), make([]byte, 100)...), "more than 65536 bytes before the data chunk"},
		{append([]byte("RIFF\x00\x00\x00\x00WAVE"), bytes.Repeat([]byte("junk\x00\x00\x00\x00"), 40)...), "no data chunk in the first 32 chunks"},
	} {
		_, err := ReadWAVInfo(bytes.NewReader(tc.in), int64(len(tc.in)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q...: err = %v, want %q", tc.in[:min(len(tc.in), 24)], err, tc.want)
		}
	}
}

func TestStatWAV(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.wav")
	os.WriteFile(p, wav(1, time.Second), 0o600)
	info, size, err := StatWAV(p)
	if err != nil || size != 16044 || info.Duration() != time.Second {
		t.Fatalf("%+v %d %v", info, size, err)
	}
	// Errors name the file, never the directory.
	os.WriteFile(p, []byte("not a wav"), 0o600)
	if _, _, err := StatWAV(p); err == nil || strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "a.wav") {
		t.Fatalf("bad file: %v", err)
	}
	if _, _, err := StatWAV(filepath.Join(dir, "none.wav")); !errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), dir) {
		t.Fatalf("missing file: %v", err)
	}
	os.Symlink(p, filepath.Join(dir, "link.wav"))
	if _, _, err := StatWAV(filepath.Join(dir, "link.wav")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("symlink: %v", err)
	}
}

func FuzzReadWAVInfo(f *testing.F) {
	f.Add(wav(1, 10*time.Millisecond))
	f.Add(wav(2, 5*time.Millisecond))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVELIST\x01\x00\x00\x00a\x00fmt "))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &countReader{r: bytes.NewReader(b)}
		info, err := ReadWAVInfo(r, int64(len(b)))
		if r.n > maxWAVHeaderBytes+maxFmtChunk+64 {
			t.Fatalf("read %d bytes of header", r.n)
		}
		if err != nil {
			return
		}
		frame := int64(info.Channels * 2)
		if (info.Channels != 1 && info.Channels != 2) || (info.SampleRate != 8000 && info.SampleRate != 16000) ||
			info.DataOffset > int64(len(b)) || info.DataBytes < 0 || info.DataOffset+info.DataBytes > int64(len(b)) ||
			info.DataBytes%frame != 0 || info.Duration() < 0 {
			t.Fatalf("accepted %+v for %d bytes", info, len(b))
		}
	})
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
