package e2e

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestWAVRoundTrip(t *testing.T) {
	in := Tone(8000, 697, 250*time.Millisecond, 0.5)
	path := filepath.Join(t.TempDir(), "t.wav")
	if err := WriteWAVFile(path, 8000, in); err != nil {
		t.Fatal(err)
	}
	rate, out, err := ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rate != 8000 {
		t.Errorf("rate = %d, want 8000", rate)
	}
	if !slices.Equal(in, out) {
		t.Errorf("samples differ after round trip: %d in, %d out", len(in), len(out))
	}
}

func TestWAVHeaderLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteWAV(&buf, 8000, []int16{1, -2}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if len(b) != wavHeaderSize+4 {
		t.Fatalf("len = %d, want %d", len(b), wavHeaderSize+4)
	}
	if got := binary.LittleEndian.Uint32(b[40:]); got != 4 {
		t.Errorf("data size = %d, want 4", got)
	}
	if got := binary.LittleEndian.Uint32(b[28:]); got != 16000 {
		t.Errorf("byte rate = %d, want 16000", got)
	}
}

// A recorder killed before patching its header leaves data size 0; an
// unknown chunk before the data must be skipped.
func TestReadWAVUnpatchedSizeAndExtraChunk(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteWAV(&buf, 8000, []int16{5, 6, 7}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	var out bytes.Buffer
	out.Write(b[:36])
	out.WriteString("LIST")
	out.Write([]byte{3, 0, 0, 0, 'a', 'b', 'c', 0}) // odd size, padded
	out.Write(b[36:40])
	out.Write([]byte{0, 0, 0, 0})
	out.Write(b[44:])
	_, samples, err := ReadWAV(&out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(samples, []int16{5, 6, 7}) {
		t.Errorf("samples = %v, want [5 6 7]", samples)
	}
}

func TestReadWAVRejects(t *testing.T) {
	var mono bytes.Buffer
	if err := WriteWAV(&mono, 8000, []int16{1, 2}); err != nil {
		t.Fatal(err)
	}
	mb := mono.Bytes()
	sb := slices.Clone(mb)
	binary.LittleEndian.PutUint16(sb[22:], 2)

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrNotWAV},
		{"garbage", []byte("hello world, this is not a wav"), ErrNotWAV},
		{"stereo", sb, ErrUnsupportedWAV},
		{"no data chunk", mb[:36], ErrNotWAV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadWAV(bytes.NewReader(tt.in))
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWriteWAVRejectsBadRate(t *testing.T) {
	if err := WriteWAV(&bytes.Buffer{}, 0, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("err = %v, want ErrInvalidArgument", err)
	}
}

func FuzzReadWAV(f *testing.F) {
	var buf bytes.Buffer
	_ = WriteWAV(&buf, 8000, []int16{1, 2, 3})
	f.Add(buf.Bytes())
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = ReadWAV(bytes.NewReader(b))
	})
}
